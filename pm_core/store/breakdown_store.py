"""Reads behind breakdowns and chart annotations: a property's top values by users, launches and experiment dates."""
from __future__ import annotations

import datetime as dt

from .core import Store
from .segment_sql import pointer, where


def top_values(store: Store, prop: str, n: int, segment=None) -> list[tuple[str, int]]:
    """Return [(value, distinct users)] of an event property, most users first (ties by value), at most n rows.

    The property name is bound as a JSON pointer; events without it are not counted.
    """
    seg, sp = where(segment)
    cur = store.cursor()
    try:
        rows = cur.execute(
            f"SELECT v, count(DISTINCT user_id) AS n FROM (SELECT json_extract_string(properties, ?) AS v, user_id "
            f"FROM events WHERE true{seg}) WHERE v IS NOT NULL AND v <> '' GROUP BY v ORDER BY n DESC, v LIMIT ?",
            [pointer(prop)] + sp + [int(n)]).fetchall()
    finally:
        cur.close()
    return [(str(v), int(k)) for v, k in rows]


def launches(store: Store) -> list[tuple[dt.date, str]]:
    """Return [(launch date, title)] of initiatives that are not archived and have a launch date, by date."""
    cur = store.cursor()
    try:
        return [(r[0], str(r[1])) for r in cur.execute(
            "SELECT launch_date, title FROM initiatives WHERE NOT archived AND launch_date IS NOT NULL "
            "ORDER BY launch_date, title").fetchall()]
    finally:
        cur.close()


def experiment_spans(store: Store) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """Return [(experiment, first exposure, last exposure)] of experiments whose exposures carry times, by start."""
    cur = store.cursor()
    try:
        return [(str(r[0]), r[1], r[2]) for r in cur.execute(
            "SELECT experiment, min(exposed_at), max(exposed_at) FROM experiment_exposures WHERE exposed_at IS NOT NULL "
            "GROUP BY experiment ORDER BY 2, 1").fetchall()]
    finally:
        cur.close()
