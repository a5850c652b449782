"""SQL for funnels with attempts: any attempt or first attempt, exclusion steps, windows in seconds, trends by entry period.

An attempt starts at a step-1 event. Step i of an attempt is the earliest step-i event at or after
step i-1 (strictly after when it is the same event name) and no later than the attempt's start plus
the window (exactly the window later still counts). An exclusion (event X between steps f and g)
discards an attempt that reached step f when an X event happens at or after its step f and before
its step g (or, when it never reached g, up to the end of its window), as PostHog's exclusions do.
Each user (or, for trends, each user and entry period) keeps their best kept attempt: the furthest
step, then the earliest start. Values reach DuckDB as bound parameters; only the structure (how many
steps and exclusions, which date unit from a fixed list) is assembled here.
"""
from __future__ import annotations

import datetime as dt

from .core import Store
from .growth_store import period_of
from .lazy import pd
from .segment_sql import where

TREND_UNITS = ("day", "week", "month")
ATTEMPTS = ("any", "first")


def _query(steps: list[str], window_seconds: int, attempt: str, exclusions: list[tuple[str, int, int]],
           segment, start: dt.datetime | None, end: dt.datetime | None, trend_unit: str | None,
           zone: str = "UTC", week_start: str = "monday") -> tuple[str, list]:
    """Return (SQL of the per-user best attempt table 'best', params); 'best' has user_id, bucket, t1..tN."""
    if attempt not in ATTEMPTS:
        raise ValueError(f"attempt must be one of {', '.join(ATTEMPTS)}, got {attempt!r}")
    if trend_unit is not None and trend_unit not in TREND_UNITS:
        raise ValueError(f"trend unit must be one of {', '.join(TREND_UNITS)}, got {trend_unit!r}")
    n = len(steps)
    seg, seg_params = where(segment, "properties")
    seg_x, _ = where(segment, "x.properties")
    win = "to_seconds(CAST(? AS BIGINT))"
    period_sql, period_params = "", []
    if start is not None:
        period_sql += " AND t1 >= ?"
        period_params.append(start)
    if end is not None:
        period_sql += " AND t1 < ?"
        period_params.append(end)
    params: list = [steps[0], *seg_params, *period_params]
    if attempt == "first":
        a1 = (f"a1 AS MATERIALIZED (SELECT * FROM (SELECT user_id, min(ts) AS t1 FROM events WHERE event = ? {seg} "
              f"GROUP BY user_id) WHERE TRUE {period_sql})")
    else:  # every step-1 event starts an attempt; two at the same instant are one attempt
        a1 = (f"a1 AS MATERIALIZED (SELECT * FROM (SELECT DISTINCT user_id, ts AS t1 FROM events WHERE event = ? {seg}) "
              f"WHERE TRUE {period_sql})")
    ctes = [a1]
    prev = "p.t1"
    carried = "p.user_id, p.t1"
    for i in range(2, n + 1):
        cmp = "<" if steps[i - 1] == steps[i - 2] else "<="
        src = "a1" if i == 2 else f"a{i - 1}"
        # LEFT ASOF JOIN finds, per attempt, the earliest step-i event at or after the previous step in one pass
        # over sorted events, and keeps attempts that stop here (NULL), so one chain carries t1..tN with no
        # joins back. A match past the window is no match: the earliest one is already too late.
        ctes.append(f"a{i} AS (SELECT {carried}, CASE WHEN e.ts <= p.t1 + {win} THEN e.ts END AS t{i} "
                    f"FROM {src} p ASOF LEFT JOIN (SELECT user_id, ts FROM events WHERE event = ? {seg}) e "
                    f"ON e.user_id = p.user_id AND {prev} {cmp} e.ts)")
        params += [int(window_seconds), steps[i - 1], *seg_params]
        prev = f"p.t{i}"
        carried += f", p.t{i}"
    ctes.append(f"w AS (SELECT * FROM a{n})")
    excl = ""
    before_excl = len(params)  # the trend bucket's zone parameters come before the exclusions' in the SQL text
    for event, f, g in exclusions:
        excl += (f" AND NOT EXISTS (SELECT 1 FROM events x WHERE x.user_id = w.user_id AND x.event = ? {seg_x} "
                 f"AND w.t{f} IS NOT NULL AND x.ts >= w.t{f} "
                 f"AND (CASE WHEN w.t{g} IS NULL THEN x.ts <= w.t1 + {win} ELSE x.ts < w.t{g} END))")
        params += [event, *seg_params, int(window_seconds)]
    reached = " + ".join(f"(t{i} IS NOT NULL)::INT" for i in range(2, n + 1))
    # the entry period in the workspace calendar (zone, week start), as active users and retention cut it
    bucket, zp = period_of(trend_unit, "t1", zone, week_start) if trend_unit else ("NULL::DATE", [])
    params[before_excl:before_excl] = zp
    ctes.append(f"k AS (SELECT *, {bucket} AS bucket, 1 + {reached} AS reached FROM w WHERE TRUE {excl})")
    ctes.append("best AS (SELECT * FROM k QUALIFY row_number() OVER (PARTITION BY user_id, bucket "
                "ORDER BY reached DESC, t1) = 1)")
    return "WITH " + ", ".join(ctes), params


def funnel_steps(store: Store, steps: list[str], window_seconds: int, attempt: str = "any",
                 exclusions: list[tuple[str, int, int]] | None = None, segment=None,
                 start: dt.datetime | None = None, end: dt.datetime | None = None) -> pd.DataFrame:
    """Return step (1-based), users, median_seconds and mean_seconds (from the previous step, in each user's best attempt).

    start/end (end exclusive) keep attempts that start in the range; with attempt 'first' a user's
    first step-1 event ever is their only attempt, kept when it falls in the range.
    """
    head, params = _query(steps, window_seconds, attempt, list(exclusions or []), segment, start, end, None)
    sel = ["SELECT 1 AS step, count(*) AS users, NULL::DOUBLE AS median_seconds, NULL::DOUBLE AS mean_seconds FROM best"]
    for i in range(2, len(steps) + 1):
        d = f"epoch(t{i}) - epoch(t{i - 1})"
        sel.append(f"SELECT {i}, count(t{i}), median({d}), avg({d}) FROM best")
    return store.query_df(f"{head} SELECT * FROM ({' UNION ALL '.join(sel)}) ORDER BY step", params)


def funnel_trend(store: Store, steps: list[str], window_seconds: int, unit: str, attempt: str = "any",
                 exclusions: list[tuple[str, int, int]] | None = None, segment=None,
                 start: dt.datetime | None = None, end: dt.datetime | None = None,
                 zone: str = "UTC", week_start: str = "monday") -> pd.DataFrame:
    """Return period (date), entered and one column per step (step_1..step_N users) by the period each attempt started in.

    With attempt 'any' a user who enters again in a later period counts in that period too (once per
    period, with their best attempt started in it); periods without entries are absent.
    """
    head, params = _query(steps, window_seconds, attempt, list(exclusions or []), segment, start, end, unit, zone,
                          week_start)
    counts = ", ".join(["count(*) AS step_1"] + [f"count(t{i}) AS step_{i}" for i in range(2, len(steps) + 1)])
    return store.query_df(f"{head} SELECT bucket AS period, {counts} FROM best GROUP BY bucket ORDER BY bucket", params)
