"""Queries behind the sixteen KPIs: event activity by month, surveys, work items and metric series.

Every function takes half-open [start, end) datetimes (None = unbounded, which for 'all' keeps rows
without a date) and an optional segment filter on event properties; values are always bound.
Times are naive UTC, so CAST(ts AS DATE) is the UTC day whatever the session's zone.
"""
from __future__ import annotations

import datetime as dt

from .lazy import pd

from .calendar_sql import local_day
from .core import Store
from .segment_sql import pointer, where

# Grain names accepted by date_trunc here; anything else is refused before it reaches SQL.
GRAINS = ("month", "quarter")


def _range(column: str, start, end) -> tuple[str, list]:
    sql, params = "", []
    if start is not None:
        sql += f" AND {column} >= ?"
        params.append(start)
    if end is not None:
        sql += f" AND {column} < ?"
        params.append(end)
    return sql, params


def _fetch(src, sql: str, params: list) -> list[tuple]:
    """Run a read on a Store (fresh cursor) or on an open cursor the caller reuses across many small reads."""
    if not isinstance(src, Store):
        return src.execute(sql, params).fetchall()
    cur = src.cursor()
    try:
        return cur.execute(sql, params).fetchall()
    finally:
        cur.close()


def _df(src, sql: str, params: list) -> pd.DataFrame:
    if not isinstance(src, Store):
        return src.execute(sql, params).df()
    return src.query_df(sql, params)


Range = tuple[dt.datetime | None, dt.datetime | None]


def _filters(column: str, ranges: list[Range]) -> tuple[list[str], list]:
    """Return one SQL condition per range on column (unbounded sides dropped; fully unbounded = every row)."""
    conds, params = [], []
    for start, end in ranges:
        parts = []
        if start is not None:
            parts.append(f"{column} >= ?")
            params.append(start)
        if end is not None:
            parts.append(f"{column} < ?")
            params.append(end)
        conds.append(" AND ".join(parts) or "true")
    return conds, params


# -- events ---------------------------------------------------------------------------------
def event_overview(src, ranges: list[Range], segment=None) -> pd.DataFrame:
    """Return one row per event name: first, last, total and n0..nK (events in each of the given ranges).

    One scan of the events table serves the data span, setting checks and task counts of a KPI run.
    """
    conds, cp = _filters("ts", ranges)
    seg, sp = where(segment)
    cols = "".join(f", count(*) FILTER (WHERE {c}) AS n{i}" for i, c in enumerate(conds))
    return _df(src, f"SELECT event, min(ts) AS first, max(ts) AS last, count(*) AS total{cols} "
                    f"FROM events WHERE true{seg} GROUP BY event", cp + sp)


def monthly_activity(src, start: dt.datetime | None, end: dt.datetime | None,
                     feature_event: str, segment=None,
                     lead_start: dt.datetime | None = None, zone: str = "UTC") -> pd.DataFrame:
    """Return one row per calendar month (in `zone`; start/end are the UTC instants its months begin) with events in [start, end).

    Columns: month (date), mau, dau (distinct users per day averaged over the month's calendar days
    that the workspace's data in [start, end) covers, a day without events counting as 0), days
    (days with events), feature_users, prev_active (users active in the month before, if that month
    is inside the range, else NULL) and churned (of those, users with no event in this month).
    lead_start (a month start before start) adds that month's users only, so the first month's churn
    can be measured without the cost of its daily figures.
    """
    seg, sp = where(segment)
    rng, rp = _range("ts", start, end)
    day, zp = local_day("ts", zone)
    # the zone conversion keeps order, so the local day of min(ts) is the first local day
    first_day, fp = local_day("min(ts)", zone)
    last_day, lp = local_day("max(ts)", zone)
    # a to-date range ([start, end) inside a month) covers only its own days
    cover_lo, cover_hi = first_day, last_day
    if start is not None:
        s_day, s_p = local_day("CAST(? AS TIMESTAMP)", zone)
        cover_lo, fp = f"greatest({first_day}, {s_day})", fp + s_p + [start]
    if end is not None:
        e_day, e_p = local_day("CAST(? AS TIMESTAMP)", zone)
        cover_hi, lp = f"least({last_day}, CAST({e_day} - 1 AS DATE))", lp + e_p + [end]
    lead_sql, lead_params = "", []
    if lead_start is not None and start is not None:
        lead_sql = (f" UNION ALL SELECT DISTINCT user_id, CAST(date_trunc('month', {day}) AS DATE) AS m, false AS feat "
                    f"FROM events WHERE ts >= ? AND ts < ?{seg}")
        lead_params = zp + [lead_start, start] + sp
    sql = f"""
    WITH ud AS MATERIALIZED (
        SELECT user_id, {day} AS d, bool_or(event = ?) AS feat
        FROM events WHERE true{rng}{seg}
        GROUP BY user_id, d
    ),
    um AS MATERIALIZED (
        SELECT user_id, CAST(date_trunc('month', d) AS DATE) AS m, bool_or(feat) AS feat
        FROM ud GROUP BY user_id, m{lead_sql}
    ),
    cover AS (SELECT {cover_lo} AS f, {cover_hi} AS l FROM events),
    dm AS (
        -- calendar days, not days with events: an empty weekend pulls mean DAU down instead of being skipped;
        -- the workspace's first and last months count only the days its data covers (all events, not the
        -- segment's or the range's, so a month reads the same whichever range asks for it)
        SELECT m, sum(n) / (datediff('day', greatest(m, any_value(cover.f)),
                                     least(CAST(m + INTERVAL 1 MONTH AS DATE) - 1, any_value(cover.l))) + 1) AS dau,
               count(*) AS days FROM (
            SELECT CAST(date_trunc('month', d) AS DATE) AS m, d, count(*) AS n FROM ud GROUP BY m, d
        ) CROSS JOIN cover GROUP BY m
    ),
    mm AS (
        SELECT m, count(*) AS mau, count(*) FILTER (WHERE feat) AS feature_users FROM um GROUP BY m
    ),
    ch AS (
        SELECT CAST(p.m + INTERVAL 1 MONTH AS DATE) AS m, count(*) AS prev_active,
               count(*) FILTER (WHERE c.user_id IS NULL) AS churned
        FROM um p LEFT JOIN um c ON c.user_id = p.user_id AND c.m = CAST(p.m + INTERVAL 1 MONTH AS DATE)
        GROUP BY 1
    )
    SELECT mm.m AS month, mm.mau, dm.dau, dm.days, mm.feature_users, ch.prev_active, ch.churned
    FROM mm JOIN dm USING (m) LEFT JOIN ch USING (m)
    ORDER BY month
    """
    df = _df(src, sql, zp + [feature_event] + rp + sp + lead_params + fp + lp)
    if not df.empty:
        df["month"] = pd.to_datetime(df["month"]).dt.date
    return df


def range_activity(src, start: dt.datetime, end: dt.datetime, before: dt.datetime, days: tuple,
                   feature_event: str, segment=None, zone: str = "UTC") -> dict:
    """Return the monthly_activity figures of one date range instead of a month, as a dict: mau (users in the
    range), dau (users per day averaged over the range's calendar days that the data covers, 0 for a day
    without events), days (days with events), feature_users, prev_active (users in
    the range before it, [before, start)) and churned (of those, users with no event in the range).

    start/end/before are the UTC instants the ranges' days begin in `zone`; days = (first day, first day
    after, first day of the range before) as local dates, used to split the one scan.
    """
    seg, sp = where(segment)
    day, zp = local_day("ts", zone)
    first_day, fp = local_day("min(ts)", zone)
    last_day, lp = local_day("max(ts)", zone)
    d0, d1, db = days
    row = _fetch(src, f"""
    WITH ud AS MATERIALIZED (
        SELECT user_id, {day} AS d, bool_or(event = ?) AS feat
        FROM events WHERE ts >= ? AND ts < ?{seg} GROUP BY user_id, d
    ),
    cur AS (SELECT * FROM ud WHERE d >= ? AND d < ?),
    u AS (SELECT user_id, bool_or(feat) AS feat FROM cur GROUP BY user_id),
    pu AS (SELECT DISTINCT user_id FROM ud WHERE d >= ? AND d < ?),
    cover AS (SELECT greatest(CAST(? AS DATE), {first_day}) AS f, least(CAST(? AS DATE) - 1, {last_day}) AS l
              FROM events)
    SELECT (SELECT count(*) FROM u),
           (SELECT sum(n) FROM (SELECT d, count(*) AS n FROM cur GROUP BY d))
               / (SELECT datediff('day', f, l) + 1 FROM cover),
           (SELECT count(DISTINCT d) FROM cur), (SELECT count(*) FILTER (WHERE feat) FROM u),
           (SELECT count(*) FROM pu), (SELECT count(*) FROM pu ANTI JOIN u USING (user_id))""",
                 zp + [feature_event, before, end] + sp + [d0, d1, db, d0] + [d0] + fp + [d1] + lp)[0]
    keys = ("mau", "dau", "days", "feature_users", "prev_active", "churned")
    return dict(zip(keys, row))


def event_counts_by(store: Store, events: list[str], grain: str, segment=None) -> pd.DataFrame:
    """Return columns period_start, event, n: event counts per month or quarter for the given names."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    seg, sp = where(segment)
    return store.query_df(
        f"SELECT CAST(date_trunc(?, ts) AS DATE) AS period_start, event, count(*) AS n FROM events "
        f"WHERE event IN (SELECT unnest(?::VARCHAR[])){seg} GROUP BY ALL ORDER BY 1",
        [grain, list(events)] + sp)


def event_sources(store: Store) -> list[str]:
    """Return the sources (tools) of the imports that still have events, sorted; empty when there are no events."""
    rows = _fetch(store, "SELECT DISTINCT i.source FROM imports i WHERE i.kind = 'events' AND EXISTS ("
                         "SELECT 1 FROM events e WHERE e.import_id = i.id) ORDER BY 1", [])
    return [r[0] for r in rows]


def property_keys(store: Store, sample_rows: int = 50000) -> list[str]:
    """Return the top-level property keys seen in (a sample of) events, most frequent first."""
    rows = _fetch(store, """
        SELECT k, count(*) AS n FROM (
            SELECT unnest(json_keys(properties)) AS k FROM (
                SELECT properties FROM events WHERE properties IS NOT NULL LIMIT ?))
        GROUP BY k ORDER BY n DESC, k""", [sample_rows])
    return [r[0] for r in rows]


def property_values(store: Store, keys: list[str], max_values: int, max_blobs: int = 50000) -> dict[str, list[str]]:
    """Return {key: sorted distinct string values} over events' properties, dropping keys with more than max_values values.

    Each distinct properties blob is parsed once; beyond max_blobs distinct blobs the rest are skipped.
    """
    if not keys:
        return {}
    # Positions are integers generated here, never user text.
    cols = ", ".join(f"list(DISTINCT v[{i + 1}]) FILTER (WHERE v[{i + 1}] IS NOT NULL)" for i in range(len(keys)))
    # Property blobs repeat (platform x country x device), so parse each distinct blob once; past
    # max_blobs distinct blobs (ids inside properties) the rest is not parsed, like a sample.
    row = _fetch(store, f"SELECT {cols} FROM (SELECT json_extract_string(properties, ?::VARCHAR[]) AS v FROM ("
                        f"SELECT properties FROM events WHERE properties IS NOT NULL GROUP BY properties LIMIT ?))",
                 [[pointer(k) for k in keys], max_blobs])[0]
    out = {}
    for key, vals in zip(keys, row):
        vals = [v for v in (vals or []) if v != ""]
        if 0 < len(vals) <= max_values:
            out[key] = sorted(vals)
    return out


def event_months(store: Store) -> list[dt.date]:
    """Return the first day of every calendar month that has events, in order."""
    rows = _fetch(store, "SELECT DISTINCT CAST(date_trunc('month', ts) AS DATE) FROM events ORDER BY 1", [])
    return [r[0] for r in rows]


# -- surveys --------------------------------------------------------------------------------
_SURVEY_KEYS = ("rows", "scored", "hi", "promoters", "detractors", "undated", "yes")


def survey_property_keys(src) -> dict[str, list[str]]:
    """Return {scale: property names its responses carry} (the columns kept at import: Platform, Plan...), sorted."""
    rows = _fetch(src, "SELECT DISTINCT scale, unnest(json_keys(properties)) AS k FROM survey_responses "
                       "WHERE properties IS NOT NULL ORDER BY 1, 2", [])
    out: dict[str, list[str]] = {}
    for scale, key in rows:
        out.setdefault(scale, []).append(key)
    return out


def survey_stats(src, ranges: list[Range], segment=None, scale: str | None = None) -> dict[str, list[dict[str, int]]]:
    """Return {scale: [counts per range]} in one query; counts as in survey_summary (unbounded range = all rows).

    segment (its property names as the surveys spell them) keeps the responses whose properties match;
    with a segment, `scale` names the one scale it is for (the others are not read).
    """
    seg, sp = where(segment)
    if scale is not None:
        seg, sp = " AND scale = ?" + seg, [scale] + sp
    conds, cp = _filters("responded_at", ranges)
    cols = []
    params: list = []
    for c in conds:
        cols += [f"count(*) FILTER (WHERE {c})", f"count(score) FILTER (WHERE {c})",
                 f"count(*) FILTER (WHERE {c} AND score >= 4 AND score <= 5)",
                 f"count(*) FILTER (WHERE {c} AND score >= 9 AND score <= 10)",
                 f"count(*) FILTER (WHERE {c} AND score >= 0 AND score <= 6)",
                 f"count(*) FILTER (WHERE {c} AND responded_at IS NULL)",
                 f"count(*) FILTER (WHERE {c} AND score = 1)"]
    # each range's condition appears once per count, so its parameters are repeated as often
    k = len(_SURVEY_KEYS)
    per = [cp[i:i + n] for i, n in _param_slices(ranges)]
    for ps in per:
        params += ps * k
    rows = _fetch(src, f"SELECT scale, {', '.join(cols)} FROM survey_responses WHERE true{seg} GROUP BY scale",
                  params + sp)
    out: dict[str, list[dict[str, int]]] = {}
    for r in rows:
        vals = [int(x) for x in r[1:]]
        out[r[0]] = [dict(zip(_SURVEY_KEYS, vals[i * k:(i + 1) * k])) for i in range(len(ranges))]
    return out


def _param_slices(ranges: list[Range]) -> list[tuple[int, int]]:
    out, i = [], 0
    for start, end in ranges:
        n = (start is not None) + (end is not None)
        out.append((i, n))
        i += n
    return out


def survey_by(store: Store, scale: str, grain: str, segment=None) -> pd.DataFrame:
    """Return period_start, scored, hi, promoters, detractors, yes per month/quarter for dated responses of one scale
    (those matching `segment`, named as the surveys spell their properties)."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    seg, sp = where(segment)
    return store.query_df(f"""
        SELECT CAST(date_trunc(?, responded_at) AS DATE) AS period_start, count(score) AS scored,
               count(*) FILTER (WHERE score >= 4 AND score <= 5) AS hi,
               count(*) FILTER (WHERE score >= 9 AND score <= 10) AS promoters,
               count(*) FILTER (WHERE score >= 0 AND score <= 6) AS detractors,
               count(*) FILTER (WHERE score = 1) AS yes
        FROM survey_responses WHERE scale = ? AND responded_at IS NOT NULL{seg} GROUP BY 1 ORDER BY 1""",
        [grain, scale] + sp)


# -- work items -----------------------------------------------------------------------------
_LEAD_DAYS = "(epoch(resolved) - epoch(created)) / 86400.0"
# type_category comes from the importer; the raw type is a fallback for rows it could not classify.
_IS_BUG = "(coalesce(type_category, '') = 'bug' OR (type_category IS NULL AND lower(trim(type)) IN ('bug', 'error', 'fehler', 'defecto', 'erro', 'bogue', 'anomalie')))"


def work_stats(src, ranges: list[Range]) -> list[dict]:
    """Return per range, in one query: cycle time (n, median, p85, negative, no_created), on-time (due, on_time, resolved) and bug share (items, bugs).

    Resolution-based figures use items resolved in the range; bug share uses items created in it (every item when unbounded).
    """
    rconds, rp = _filters("resolved", ranges)
    cconds, ccp = _filters("created", ranges)
    rs, cs = _param_slices(ranges), _param_slices(ranges)
    ok = "created IS NOT NULL AND resolved >= created"
    cols, params = [], []
    for i, (rc, cc) in enumerate(zip(rconds, cconds)):
        r_par = rp[rs[i][0]:rs[i][0] + rs[i][1]]
        c_par = ccp[cs[i][0]:cs[i][0] + cs[i][1]]
        res = f"resolved IS NOT NULL AND {rc}"
        cols += [f"count(*) FILTER (WHERE {res} AND {ok})",
                 f"quantile_cont({_LEAD_DAYS}, 0.5) FILTER (WHERE {res} AND {ok})",
                 f"quantile_cont({_LEAD_DAYS}, 0.85) FILTER (WHERE {res} AND {ok})",
                 f"count(*) FILTER (WHERE {res} AND resolved < created)",
                 f"count(*) FILTER (WHERE {res} AND created IS NULL)",
                 f"count(*) FILTER (WHERE {res} AND due IS NOT NULL)",
                 f"count(*) FILTER (WHERE {res} AND due IS NOT NULL AND CAST(resolved AS DATE) <= due)",
                 f"count(*) FILTER (WHERE {res})",
                 # an item whose type is unknown (no type column) is left out of the bug share, not counted as 'not a bug'
                 f"count(*) FILTER (WHERE {cc} AND (type_category IS NOT NULL OR type IS NOT NULL))",
                 f"count(*) FILTER (WHERE {cc} AND {_IS_BUG})"]
        params += r_par * 8 + c_par * 2
    row = _fetch(src, f"SELECT {', '.join(cols)} FROM work_items", params)[0]
    keys = ("n", "median", "p85", "negative", "no_created", "due", "on_time", "resolved", "items", "bugs")
    out = []
    for i in range(len(ranges)):
        vals = dict(zip(keys, row[i * 10:(i + 1) * 10]))
        out.append({k: (v if k in ("median", "p85") else int(v or 0)) for k, v in vals.items()})
    return out


def work_items_by(store: Store, grain: str) -> pd.DataFrame:
    """Return per month/quarter: period_start, resolved_n, median, p85, due, on_time, created_n, bugs."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    return store.query_df(f"""
        WITH r AS (
            SELECT CAST(date_trunc(?, resolved) AS DATE) AS period_start,
                   count(*) FILTER (WHERE created IS NOT NULL AND resolved >= created) AS resolved_n,
                   quantile_cont({_LEAD_DAYS}, 0.5) FILTER (WHERE created IS NOT NULL AND resolved >= created) AS median,
                   quantile_cont({_LEAD_DAYS}, 0.85) FILTER (WHERE created IS NOT NULL AND resolved >= created) AS p85,
                   count(*) FILTER (WHERE due IS NOT NULL) AS due,
                   count(*) FILTER (WHERE due IS NOT NULL AND CAST(resolved AS DATE) <= due) AS on_time
            FROM work_items WHERE resolved IS NOT NULL GROUP BY 1),
        c AS (
            SELECT CAST(date_trunc(?, created) AS DATE) AS period_start, count(*) AS created_n,
                   count(*) FILTER (WHERE {_IS_BUG}) AS bugs
            FROM work_items WHERE created IS NOT NULL GROUP BY 1)
        SELECT * FROM r FULL OUTER JOIN c USING (period_start) ORDER BY period_start""", [grain, grain])


# -- metric series ---------------------------------------------------------------------------
def metric_series_many(src, metrics: list[str]) -> dict[str, pd.DataFrame]:
    """Return {metric: DataFrame(date, value, segment)} for several series in one query (empty frames for absent ones)."""
    df = _df(src, "SELECT metric, date, value, segment FROM metric_points WHERE metric IN (SELECT unnest(?::VARCHAR[])) "
                  "ORDER BY metric, date", [list(metrics)])
    if not df.empty:
        df["date"] = pd.to_datetime(df["date"]).dt.date
    return {m: df[df["metric"] == m][["date", "value", "segment"]].reset_index(drop=True) for m in metrics}


# -- periods present -------------------------------------------------------------------------
def data_months(store: Store) -> list[dt.date]:
    """Return the first day of every month with any dated row in events, surveys, work items or metric series."""
    rows = _fetch(store, """
        SELECT DISTINCT m FROM (
            SELECT DISTINCT CAST(date_trunc('month', ts) AS DATE) AS m FROM events
            UNION SELECT DISTINCT CAST(date_trunc('month', responded_at) AS DATE) FROM survey_responses WHERE responded_at IS NOT NULL
            UNION SELECT DISTINCT CAST(date_trunc('month', created) AS DATE) FROM work_items WHERE created IS NOT NULL
            UNION SELECT DISTINCT CAST(date_trunc('month', resolved) AS DATE) FROM work_items WHERE resolved IS NOT NULL
            UNION SELECT DISTINCT CAST(date_trunc('month', date) AS DATE) FROM metric_points)
        ORDER BY m""", [])
    return [r[0] for r in rows]
