"""Breakdowns and annotations for trend charts: a line per value of an event property (top N plus "Other"), and the
roadmap launches and experiment starts and ends that explain a change.

A breakdown is segments, not new arithmetic: each value's line is the same figure (active users, any KPI series)
computed with `property = value` added to the segment, and "Other" with `property != top values` (which keeps
events without the property, as analytics tools count them). So every line follows the one segment grammar, the
workspace calendar and the headline rule of the figure it breaks down.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from . import growth, metrics, segments
from .errors import InputError
from .periods import to_local
from .settings import get_setting
from .store import Store, areas
from .store import breakdown_store as bs

OTHER = "Other"
MAX_TOP = 20


class BreakdownError(InputError):
    """A breakdown that cannot be drawn (the message names the property or the count)."""


def groups(store: Store, prop: str, top: int = 5, segment=None) -> list[tuple[str, segments.Segment]]:
    """Return [(line label, segment)] for a breakdown: the top values by users, then "Other" when more values exist.

    Raises BreakdownError for an empty property, a top outside 1..MAX_TOP, or a property the segment already
    filters (break down by another one, or drop the filter).
    """
    prop = str(prop or "").strip()
    if not prop:
        raise BreakdownError("a breakdown needs an event property, e.g. platform or $browser")
    if not 1 <= int(top) <= MAX_TOP:
        raise BreakdownError(f"a breakdown shows the top 1 to {MAX_TOP} values, got {top}")
    base = segments.parse(segment)
    if any(c.key == prop for c in base.conditions):
        raise BreakdownError(f"the segment already filters '{prop}'; break down by another property or drop that filter")
    found = bs.top_values(store, prop, int(top) + 1, base)
    if not found:
        raise BreakdownError(f"no events have the property '{prop}'" + (" in this segment" if base else ""))
    shown = [v for v, _ in found[:int(top)]]
    out = [(v, _with(base, segments.Condition(prop, (v,)))) for v in shown]
    if len(found) > int(top):
        out.append((OTHER, _with(base, segments.Condition(prop, tuple(shown), negate=True))))
    return out


def _with(base: segments.Segment, cond: segments.Condition) -> segments.Segment:
    return segments.parse([*base.conditions, cond]).with_sources(base.sources or None)


def active_users(store: Store, freq: str, prop: str, top: int = 5, segment=None) -> pd.DataFrame:
    """Return period_start, group, active_users, complete: active users per day/week/month for each breakdown line."""
    frames = []
    for label, seg in groups(store, prop, top, segment):
        df = growth.active_users_series(store, freq, seg.text())
        frames.append(df.assign(group=label))
    return pd.concat(frames, ignore_index=True)[["period_start", "group", "active_users", "complete"]]


def kpi(store: Store, key: str, prop: str, top: int = 5, segment=None, freq: str = "month") -> pd.DataFrame:
    """Return period_start, group, value: one KPI's series per breakdown line (KeyError for an unknown KPI).

    A KPI whose data is not split by the property (work items; surveys or metric series without it) is refused:
    every line would be the same.
    """
    sp = metrics.SPECS.get(key)
    if sp is None:
        raise KeyError(f"unknown KPI {key!r}")
    if not sp.segmented:
        raise BreakdownError(f"{sp.definition.label} is not split by event properties (its data has none), so it "
                             "cannot be broken down")
    lines = groups(store, prop, top, segment)
    # a KPI whose own data lacks the property (a survey without a Platform column, revenue not split by it)
    # would draw the same line for every value: refuse, saying why
    if metrics.compute_kpi(store, key, "all", lines[0][1]).extra.get("segment") == "all segments":
        raise BreakdownError(f"{sp.definition.label}: its data is not split by '{prop}', so every line would be the "
                             "same; break down a KPI computed from events")
    frames = [metrics.kpi_series(store, key, freq, seg).assign(group=label) for label, seg in lines]
    return pd.concat(frames, ignore_index=True)[["period_start", "group", "value"]]


def funnel(store: Store, steps, prop: str, top: int = 5, segment=None, period: str | None = None,
           window: str | None = None, attempt: str = "first", exclusions: list | tuple = ()) -> pd.DataFrame:
    """Return group, step (1..n), event, users, conversion_from_start: the same funnel (growth.funnel's options) per
    breakdown line, so each value's conversion is read against its own first step."""
    rows = []
    for label, seg in groups(store, prop, top, segment):
        res = growth.funnel(store, list(steps), 30, period, seg.text(), window, attempt, tuple(exclusions))
        for i, st in enumerate(res.steps, 1):
            rows.append((label, i, st.event, st.users, st.conversion_from_start))
    return pd.DataFrame(rows, columns=["group", "step", "event", "users", "conversion_from_start"])


def retention(store: Store, prop: str, top: int = 5, segment=None, unit: str = "week", first_time: bool = True,
              mode: str = "on", cohort_start=None, cohort_end=None, max_k: int = 12, start_event: str | None = None,
              return_event: str | None = None, min_events: int = 1, range_end=None) -> pd.DataFrame:
    """Return group, k, rate, users: the weighted k-period retention (growth.retention_table's options) per breakdown
    line; k without any observable cohort in a line is left out of it."""
    rows = []
    for label, seg in groups(store, prop, top, segment):
        res = growth.retention_table(store, unit, first_time, mode, seg.text(), cohort_start, cohort_end, max_k,
                                     start_event, return_event, min_events, range_end)
        size = sum(c.size for c in res.cohorts)
        for k, rate in res.weighted.items():
            if rate is not None:
                rows.append((label, int(k), float(rate), size))
    return pd.DataFrame(rows, columns=["group", "k", "rate", "users"])


def annotations(store: Store) -> pd.DataFrame:
    """Return date, label, kind ('launch' | 'experiment start' | 'experiment end'): what trend charts mark.

    Experiment dates are their first and last exposure, as days in the workspace zone; launches are the
    roadmap's launch dates (archived initiatives left out). Empty when neither exists.
    """
    def compute() -> pd.DataFrame:
        zone = get_setting(store, "time_zone")
        rows = [(d, f"Launch: {t}", "launch") for d, t in bs.launches(store)]
        for name, first, last in bs.experiment_spans(store):
            rows.append((to_local(first, zone).date(), f"Experiment starts: {name}", "experiment start"))
            rows.append((to_local(last, zone).date(), f"Experiment ends: {name}", "experiment end"))
        rows.sort(key=lambda r: (r[0], r[1]))
        return pd.DataFrame(rows, columns=["date", "label", "kind"])
    return store.memo(("annotations",), compute, areas.reads(annotations)).copy()


def within(notes: pd.DataFrame, first: dt.date | None, last: dt.date | None) -> pd.DataFrame:
    """Return the annotations dated from first to last (both included; None leaves that side open)."""
    keep = notes
    if first is not None:
        keep = keep[keep["date"] >= first]
    if last is not None:
        keep = keep[keep["date"] <= last]
    return keep.reset_index(drop=True)
