"""SQL for retention with a start event and a return event, hourly periods and a minimum number of events per period.

A user's cohort is the period of a start event (their first one, or, recurring, every period with
one); they are retained k periods later when they did the return event at least `min_events` times
in period c + k (mode 'on'), or in c + k or any later period (mode 'on_or_after'). Either event may
be None, meaning any event. Values reach DuckDB as bound parameters; the date unit comes from a fixed list.
"""
from __future__ import annotations

import datetime as dt

from .calendar_sql import local_ts
from .core import Store
from .growth_store import period_of
from .lazy import pd
from . import growth_store
from .segment_sql import where

UNITS = ("hour", "day", "week", "month")


def _unit(unit: str) -> str:
    return growth_store._unit(unit, UNITS)  # the same check as active users', with hours allowed


_k = growth_store._k_expr  # whole periods between two period starts, one definition for both


def _trunc(unit: str, col: str = "ts", zone: str = "UTC", week_start: str = "monday") -> tuple[str, list]:
    """Return (SQL, params) of the period start holding `col` in the workspace calendar (zone, week start)."""
    # hours stay timestamps (wall-clock hours in the zone); days, weeks and months are dates like the rest of growth
    if unit == "hour":
        local, zp = local_ts(col, zone)
        return f"date_trunc('hour', {local})", zp
    return period_of(unit, col, zone, week_start)


def last_period(store: Store, unit: str, zone: str = "UTC", week_start: str = "monday") -> dt.datetime | dt.date | None:
    """Return the start of the period holding the workspace's last event (a datetime for hours); None without events."""
    expr, zp = _trunc(_unit(unit), "max(ts)", zone, week_start)
    v = store.query_df(f"SELECT {expr} AS p FROM events", zp).iloc[0]["p"]
    if pd.isna(v):
        return None
    t = pd.Timestamp(v)
    return t.to_pydatetime() if unit == "hour" else t.date()


def retention_cells(store: Store, unit: str, first_time: bool, mode: str, segment=None, max_k: int = 12,
                    start_event: str | None = None, return_event: str | None = None,
                    min_events: int = 1, zone: str = "UTC", week_start: str = "monday") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (sizes[cohort, size], counts[cohort, k, users]) for k in 1..max_k.

    mode 'on': users retained exactly k periods after their cohort. mode 'on_or_after': users by
    k = periods to their last qualifying return period (capped at max_k), to be summed from k upwards.
    """
    u = _unit(unit)
    if mode not in ("on", "on_or_after"):
        raise ValueError(f"mode must be 'on' or 'on_or_after', got {mode!r}")
    seg, seg_params = where(segment, "properties")
    s_cond, s_params = ("event = ?", [start_event]) if start_event is not None else ("TRUE", [])
    r_cond, r_params = ("event = ?", [return_event]) if return_event is not None else ("TRUE", [])
    per, zp = _trunc(u, "ts", zone, week_start)
    head = (f"WITH s AS MATERIALIZED (SELECT user_id, {per} AS p FROM events WHERE {s_cond} {seg} GROUP BY ALL), "
            f"r AS MATERIALIZED (SELECT user_id, {per} AS p FROM events WHERE {r_cond} {seg} GROUP BY ALL "
            f"HAVING count(*) >= ?), "
            + ("c AS (SELECT user_id, min(p) AS c FROM s GROUP BY user_id)" if first_time
               else "c AS (SELECT user_id, p AS c FROM s)"))
    params = [*zp, *s_params, *seg_params, *zp, *r_params, *seg_params, int(min_events)]
    sizes = store.query_df(f"{head} SELECT c AS cohort, count(*) AS size FROM c GROUP BY c ORDER BY c", params)
    if mode == "on":
        body = (f"SELECT c.c AS cohort, {_k(u, 'c.c', 'r.p')} AS k, count(*) AS users FROM c JOIN r "
                f"ON r.user_id = c.user_id AND r.p > c.c WHERE {_k(u, 'c.c', 'r.p')} <= ? GROUP BY ALL")
    else:
        body = (f"SELECT cohort, least({_k(u, 'cohort', 'lp')}, ?) AS k, count(*) AS users FROM "
                f"(SELECT c.user_id, c.c AS cohort, max(r.p) AS lp FROM c JOIN r ON r.user_id = c.user_id AND r.p > c.c "
                f"GROUP BY ALL) GROUP BY ALL")
    counts = store.query_df(f"{head} {body}", params + [int(max_k)])
    return sizes, counts
