"""SQL for growth analysis (active users, retention, funnels) and experiments.

Every user value reaches DuckDB as a bound parameter. The only text assembled in Python is the
structure of a query (how many funnel steps, how many segment conditions, which date unit from a
fixed list), never a value a person typed.
"""
from __future__ import annotations

import datetime as dt
from .lazy import pd

from .calendar_sql import local_day, local_ts, week_of
from .core import Store
from .segment_sql import pointer, where

UNITS = ("day", "week", "month")


def _segment_sql(segment, alias: str = "") -> tuple[str, list]:
    """Return (' AND ...', params) for a segment (anything pm_core.segments.parse reads) on events' properties."""
    return where(segment, f"{alias}.properties" if alias else "properties")


def _unit(unit: str, units: tuple[str, ...] = UNITS) -> str:
    """Return unit when it is one of `units`; anything else is refused in words (never spliced into SQL)."""
    if unit not in units:
        raise ValueError(f"unit must be one of {', '.join(units)}, got {unit!r}")
    return unit


def _k_expr(unit: str, a: str, b: str) -> str:
    """SQL for the number of whole periods from period start a to period start b (weeks as 7 days)."""
    if unit == "week":
        return f"(datediff('day', {a}, {b}) // 7)"
    return f"datediff('{unit}', {a}, {b})"


# -- simple reads ------------------------------------------------------------------------------
def event_bounds(store: Store) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Return (first, last) event timestamps in the workspace; (None, None) without events."""
    row = store.query_df("SELECT min(ts) AS a, max(ts) AS b FROM events").iloc[0]
    a, b = row["a"], row["b"]
    return (None if pd.isna(a) else pd.Timestamp(a).to_pydatetime(),
            None if pd.isna(b) else pd.Timestamp(b).to_pydatetime())


def event_counts(store: Store) -> pd.DataFrame:
    """Return event name and row count per event name, most frequent first."""
    return store.query_df("SELECT event, count(*) AS n FROM events GROUP BY event ORDER BY n DESC, event")


def property_keys(store: Store, sample_rows: int = 20000, max_values: int = 50) -> list[str]:
    """Return property keys with at most max_values distinct values in a sample of events, sorted.

    Keys with more values than that (ids, session ids, timestamps) cannot serve as a segment filter.
    Any name counts ($os, [Amplitude] Country): it is read through a JSON pointer, as filters read it.
    """
    df = store.query_df(
        "WITH s AS (SELECT properties FROM events WHERE json_type(properties) = 'OBJECT' LIMIT ?), "
        "k AS (SELECT unnest(json_keys(properties)) AS k, properties FROM s) "
        "SELECT k, count(DISTINCT json_extract_string(properties, "
        "'/' || replace(replace(k, '~', '~0'), '/', '~1'))) AS n FROM k GROUP BY k",
        [int(sample_rows)])
    return sorted(str(k) for k, n in zip(df["k"], df["n"]) if k is not None and str(k).strip() and 0 < n <= max_values)


def property_values(store: Store, key: str, limit: int = 50) -> list[str]:
    """Return the most frequent values of one property key (strings), most frequent first; [] for an unknown key."""
    path = pointer(str(key))
    df = store.query_df(
        "SELECT json_extract_string(properties, ?) AS v, count(*) AS n FROM events "
        "WHERE json_extract_string(properties, ?) IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT ?",
        [path, path, int(limit)])
    return [str(v) for v in df["v"]]


# -- active users ------------------------------------------------------------------------------
def active_rollup(store: Store, segment=None, zone: str = "UTC", week_start: str = "monday") -> pd.DataFrame:
    """Return unit ('day'|'week'|'month'), period_start (date) and active_users for every period with events, in one query.

    Distinct (user, day) pairs are taken once; weeks and months are rolled up from them, so the
    events are read and the user ids hashed once for all three units. Days are calendar days in
    `zone` and weeks start on `week_start` (the workspace calendar, store.calendar_sql).
    """
    seg, params = _segment_sql(segment)
    day, zp = local_day("ts", zone)
    return store.query_df(f"""
        WITH d AS MATERIALIZED (SELECT {day} AS day, user_id FROM events WHERE TRUE {seg} GROUP BY ALL),
        w AS MATERIALIZED (SELECT {week_of("day", week_start)} AS p, user_id FROM d GROUP BY ALL)
        SELECT 'day' AS unit, day AS period_start, count(*) AS active_users FROM d GROUP BY day
        UNION ALL SELECT 'week', p, count(*) FROM w GROUP BY p
        UNION ALL SELECT 'month', CAST(date_trunc('month', day) AS DATE), count(DISTINCT user_id) FROM d GROUP BY 2
        ORDER BY 1, 2""", zp + params)


def days_active_counts(store: Store, start: dt.datetime | None, end: dt.datetime | None, segment=None,
                       zone: str = "UTC") -> pd.DataFrame:
    """Return days_active and users: users by their number of distinct days (in `zone`) with any event in [start, end)."""
    seg, params = _segment_sql(segment)
    day, zp = local_day("ts", zone)
    rng, rng_params = "", []
    if start is not None:
        rng += " AND ts >= ?"
        rng_params.append(start)
    if end is not None:
        rng += " AND ts < ?"
        rng_params.append(end)
    return store.query_df(f"""
        SELECT n AS days_active, count(*) AS users FROM (
            SELECT user_id, count(DISTINCT {day}) AS n FROM events WHERE TRUE {rng} {seg} GROUP BY user_id)
        GROUP BY n ORDER BY n""", zp + rng_params + params)


# -- retention ---------------------------------------------------------------------------------
def period_of(unit: str, col: str, zone: str = "UTC", week_start: str = "monday") -> tuple[str, list]:
    """Return (SQL, params) of the start of the day/week/month holding `col` (naive UTC) in the workspace calendar."""
    u = _unit(unit)
    local, zp = local_ts(col, zone)
    if u == "week":
        day = f"CAST({local} AS DATE)"
        expr = week_of(day, week_start)
        return expr, zp * expr.count(day)  # the day appears once (Monday) or twice (Sunday), each with its zone
    return f"date_trunc('{u}', {local})::DATE", zp


def last_event_period(store: Store, unit: str, zone: str = "UTC", week_start: str = "monday") -> dt.date | None:
    """Return the start of the period holding the last event in the whole workspace (None without events)."""
    expr, zp = period_of(unit, "max(ts)", zone, week_start)
    v = store.query_df(f"SELECT {expr} AS p FROM events", zp).iloc[0]["p"]
    return None if pd.isna(v) else pd.Timestamp(v).date()


def retention_counts(store: Store, unit: str, first_time: bool, mode: str, segment=None,
                     max_k: int = 12, zone: str = "UTC", week_start: str = "monday") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (sizes[cohort, size], counts[cohort, k, users]) for k in 1..max_k, from one scan of the events.

    mode 'on': users active exactly k periods after the cohort period. mode 'on_or_after': counts
    are per (cohort, k = periods to the user's last active period, capped at max_k), to be summed
    from k upwards.
    """
    u = _unit(unit)
    if mode not in ("on", "on_or_after"):
        raise ValueError(f"mode must be 'on' or 'on_or_after', got {mode!r}")
    seg, params = _segment_sql(segment)
    # One aggregation returns every cell including k = 0, which is the cohort itself (its size), so
    # the events are read once. For 'on_or_after' each member falls in exactly one bucket
    # (0..max_k), so the size is the sum of its buckets.
    per, zp = period_of(u, "ts", zone, week_start)  # the workspace calendar (zone, week start)
    up = f"up AS MATERIALIZED (SELECT user_id, {per} AS p FROM events WHERE TRUE {seg} GROUP BY ALL)"
    lim = "lim AS (SELECT user_id, min(p) AS first_p, max(p) AS last_p FROM up GROUP BY user_id)"
    if mode == "on" and first_time:
        body = f"""SELECT lim.first_p AS cohort, {_k_expr(u, 'lim.first_p', 'up.p')} AS k, count(*) AS users
                   FROM up JOIN lim USING (user_id) WHERE {_k_expr(u, 'lim.first_p', 'up.p')} <= ? GROUP BY ALL"""
    elif mode == "on":
        body = f"""SELECT a.p AS cohort, {_k_expr(u, 'a.p', 'b.p')} AS k, count(*) AS users
                   FROM up a JOIN up b ON a.user_id = b.user_id AND b.p >= a.p
                   WHERE {_k_expr(u, 'a.p', 'b.p')} <= ? GROUP BY ALL"""
    elif first_time:
        body = f"""SELECT first_p AS cohort, least({_k_expr(u, 'first_p', 'last_p')}, ?) AS k, count(*) AS users
                   FROM lim GROUP BY ALL"""
    else:
        body = f"""SELECT up.p AS cohort, least({_k_expr(u, 'up.p', 'lim.last_p')}, ?) AS k, count(*) AS users
                   FROM up JOIN lim USING (user_id) GROUP BY ALL"""
    if first_time and mode == "on_or_after":
        # Only each user's first and last period matter; date_trunc keeps order, so truncating
        # min(ts) and max(ts) per user skips the user-period table altogether.
        # (Local time only repeats inside a DST hour, never across a day's start, so this holds in any zone.)
        first_p, fp = period_of(u, "min(ts)", zone, week_start)
        last_p, lp = period_of(u, "max(ts)", zone, week_start)
        lim = (f"lim AS (SELECT user_id, {first_p} AS first_p, "
               f"{last_p} AS last_p FROM events WHERE TRUE {seg} GROUP BY user_id)")
        cells = store.query_df(f"WITH {lim} {body}", fp + lp + params + [int(max_k)])
    else:
        cells = store.query_df(f"WITH {up}, {lim} {body}", zp + params + [int(max_k)])
    if mode == "on":
        sizes = cells[cells["k"] == 0][["cohort", "users"]].rename(columns={"users": "size"})
    else:
        sizes = cells.groupby("cohort", as_index=False)["users"].sum().rename(columns={"users": "size"})
    sizes = sizes.sort_values("cohort").reset_index(drop=True)
    return sizes, cells[cells["k"] > 0].reset_index(drop=True)


# -- funnels -----------------------------------------------------------------------------------
def _funnel_ctes(steps: list[str], window_days: int, segment, period_sql: str = "",
                 period_params: list | None = None) -> tuple[list[str], list]:
    """Return (CTEs s1..sN, params): one row per user who reached each step, with the anchor t1 and step time t."""
    seg, seg_params = _segment_sql(segment)
    seg_e, _ = _segment_sql(segment, "e")
    params: list = [steps[0], *seg_params, *(period_params or [])]
    # MATERIALIZED: each step is read by the next step and by the final count; inlining would
    # recompute every earlier step once per later reference.
    ctes = [f"s1 AS MATERIALIZED (SELECT user_id, t1, t1 AS t, NULL::DOUBLE AS dt FROM "
            f"(SELECT user_id, min(ts) AS t1 FROM events WHERE event = ? {seg} GROUP BY user_id) WHERE TRUE {period_sql})"]
    for i in range(2, len(steps) + 1):
        cmp = ">" if steps[i - 1] == steps[i - 2] else ">="
        ctes.append(
            # s{i-1} has one row per user, so grouping by user alone is exact and cheaper.
            f"s{i} AS MATERIALIZED (SELECT p.user_id, any_value(p.t1) AS t1, min(e.ts) AS t, "
            f"epoch(min(e.ts)) - epoch(any_value(p.t)) AS dt "
            f"FROM s{i - 1} p JOIN events e ON e.user_id = p.user_id "
            f"WHERE e.event = ? AND e.ts {cmp} p.t AND e.ts <= p.t1 + to_days(CAST(? AS INTEGER)) {seg_e} "
            f"GROUP BY p.user_id)")
        params += [steps[i - 1], int(window_days), *seg_params]
    return ctes, params


def funnel_counts(store: Store, steps: list[str], window_days: int, start: dt.date | None,
                  end: dt.date | None, segment=None) -> pd.DataFrame:
    """Return step (1-based), users, median_seconds and mean_seconds (from the previous step) for an ordered funnel.

    Step 1 anchors at each user's first start event (restricted to [start, end) when given); step i
    is the earliest step-i event at or after step i-1 (strictly after when it is the same event name)
    and no later than the anchor plus window_days.
    """
    period_sql, period_params = "", []
    if start is not None:
        period_sql += " AND t1 >= ?"
        # a datetime is the UTC instant a day starts in the workspace zone; a date is read as UTC midnight
        period_params.append(start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time()))
    if end is not None:
        period_sql += " AND t1 < ?"
        period_params.append(end if isinstance(end, dt.datetime) else dt.datetime.combine(end, dt.time()))
    ctes, params = _funnel_ctes(steps, window_days, segment, period_sql, period_params)
    selects = " UNION ALL ".join(
        f"SELECT {i} AS step, count(*) AS users, median(dt) AS median_seconds, avg(dt) AS mean_seconds FROM s{i}"
        for i in range(1, len(steps) + 1))
    sql = "WITH " + ", ".join(ctes) + f" SELECT * FROM ({selects}) ORDER BY step"
    return store.query_df(sql, params)


def funnel_counts_by_month(store: Store, steps: list[str], window_days: int, segment=None,
                           zone: str = "UTC") -> pd.DataFrame:
    """Return month (date; NULL on the all-data rows), step (1-based), users and median_seconds, in one query.

    Same rules as funnel_counts without a period. Each user is anchored once (their first start
    event), so summing the months of a quarter gives exactly that quarter's counts; medians do not
    add up, so they are given only on the all-data rows (month NULL). Months without starters are
    absent; a step nobody reached in a month is absent too (read it as 0).
    """
    ctes, params = _funnel_ctes(steps, window_days, segment)
    m, zp = period_of("month", "t1", zone)  # the month of each user's anchor in the workspace zone
    # the month is computed once per row in a subquery: GROUPING needs the very grouped column
    selects = " UNION ALL ".join(
        f"SELECT mth AS month, {i} AS step, count(*) AS users, "
        f"CASE WHEN grouping(mth) = 1 THEN median(dt) END AS median_seconds, "
        f"CASE WHEN grouping(mth) = 1 THEN avg(dt) END AS mean_seconds "
        f"FROM (SELECT *, {m} AS mth FROM s{i}) GROUP BY GROUPING SETS ((mth), ())"
        for i in range(1, len(steps) + 1))
    sql = "WITH " + ", ".join(ctes) + f" SELECT * FROM ({selects}) ORDER BY month NULLS FIRST, step"
    return store.query_df(sql, params + zp * len(steps))


# -- experiments -------------------------------------------------------------------------------
def experiment_recency(store: Store) -> pd.DataFrame:
    """Return experiment, last_import (time its newest rows were imported) and last_exposure, newest first."""
    return store.query_df("""
        WITH x AS (
            SELECT experiment, import_id, max(exposed_at) AS last_exposure FROM experiment_exposures GROUP BY ALL
            UNION ALL
            SELECT experiment, import_id, NULL::TIMESTAMP FROM experiment_aggregates GROUP BY ALL)
        SELECT x.experiment, max(i.imported_at) AS last_import, max(x.last_exposure) AS last_exposure
        FROM x LEFT JOIN imports i ON i.id = x.import_id
        GROUP BY x.experiment
        ORDER BY last_import DESC NULLS LAST, last_exposure DESC NULLS LAST, x.experiment""")


def experiment_variants(store: Store, name: str) -> tuple[pd.DataFrame, int, str]:
    """Return (variant, users, conversions per variant; users seen in more than one variant; source).

    From exposures each user counts once, in the variant of their earliest exposure (ties and
    missing times broken by variant name), converted if any of their rows converted; without
    exposures the experiment's aggregate rows are summed per variant. source is 'exposures',
    'aggregates' or 'none'.
    """
    df = store.query_df("""
        WITH u AS (
            SELECT user_id,
                   arg_min(variant, (exposed_at IS NULL, exposed_at, variant)) AS variant,
                   bool_or(converted) AS converted,
                   count(DISTINCT variant) AS n_variants
            FROM experiment_exposures WHERE experiment = ? GROUP BY user_id)
        SELECT variant, count(*) AS users, count(*) FILTER (WHERE converted) AS conversions,
               count(*) FILTER (WHERE n_variants > 1) AS both
        FROM u GROUP BY variant ORDER BY variant""", [name])
    if not df.empty:
        both = int(df["both"].sum())
        return df[["variant", "users", "conversions"]], both, "exposures"
    agg = store.query_df("""
        SELECT variant, sum(users)::BIGINT AS users, sum(conversions)::BIGINT AS conversions
        FROM experiment_aggregates WHERE experiment = ? GROUP BY variant ORDER BY variant""", [name])
    return agg, 0, "aggregates" if not agg.empty else "none"
