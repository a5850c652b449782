"""Queries behind the sixteen KPIs: event activity by month, surveys, work items and metric series.

Every function takes half-open [start, end) datetimes (None = unbounded, which for 'all' keeps rows
without a date) and an optional segment filter on event properties; values are always bound.
Times are naive UTC, so CAST(ts AS DATE) is the UTC day whatever the session's zone.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from .core import Store

# Grain names accepted by date_trunc here; anything else is refused before it reaches SQL.
GRAINS = ("month", "quarter")


def _json_path(key: str) -> str:
    """Return a JSON path for one top-level property, quoted so keys with spaces or dots still match."""
    return '$."' + key.replace('\\', '\\\\').replace('"', '\\"') + '"'


def segment_clause(segment: dict[str, str] | None, alias: str = "") -> tuple[str, list]:
    """Return (' AND ...', params) restricting events to those whose properties match every key=value."""
    if not segment:
        return "", []
    col = f"{alias}properties" if alias else "properties"
    parts, params = [], []
    for key, value in sorted(segment.items()):
        parts.append(f" AND json_extract_string({col}, ?) = ?")
        params += [_json_path(str(key)), str(value)]
    return "".join(parts), params


def _range(column: str, start, end) -> tuple[str, list]:
    sql, params = "", []
    if start is not None:
        sql += f" AND {column} >= ?"
        params.append(start)
    if end is not None:
        sql += f" AND {column} < ?"
        params.append(end)
    return sql, params


def _fetch(store: Store, sql: str, params: list) -> list[tuple]:
    cur = store.cursor()
    try:
        return cur.execute(sql, params).fetchall()
    finally:
        cur.close()


# -- events ---------------------------------------------------------------------------------
def event_bounds(store: Store, segment: dict[str, str] | None = None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Return (first, last) event time matching the segment; (None, None) when there are no events."""
    seg, sp = segment_clause(segment)
    row = _fetch(store, f"SELECT min(ts), max(ts) FROM events WHERE true{seg}", sp)[0]
    return row[0], row[1]


def monthly_activity(store: Store, start: dt.datetime | None, end: dt.datetime | None,
                     feature_event: str, segment: dict[str, str] | None = None) -> pd.DataFrame:
    """Return one row per calendar month (UTC) with events in [start, end).

    Columns: month (date), mau, dau (mean distinct users per day over days with any event), days
    (days with events), feature_users, prev_active (users active in the month before, if that month
    is inside the range, else NULL) and churned (of those, users with no event in this month).
    """
    seg, sp = segment_clause(segment)
    rng, rp = _range("ts", start, end)
    sql = f"""
    WITH ud AS (
        SELECT user_id, CAST(ts AS DATE) AS d, bool_or(event = ?) AS feat
        FROM events WHERE true{rng}{seg}
        GROUP BY user_id, d
    ),
    um AS (
        SELECT user_id, CAST(date_trunc('month', d) AS DATE) AS m, bool_or(feat) AS feat
        FROM ud GROUP BY user_id, m
    ),
    dm AS (
        SELECT m, avg(n) AS dau, count(*) AS days FROM (
            SELECT CAST(date_trunc('month', d) AS DATE) AS m, d, count(*) AS n FROM ud GROUP BY m, d
        ) GROUP BY m
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
    cur = store.cursor()
    try:
        df = cur.execute(sql, [feature_event] + rp + sp).df()
    finally:
        cur.close()
    if not df.empty:
        df["month"] = pd.to_datetime(df["month"]).dt.date
    return df


def event_counts(store: Store, events: list[str], start, end, segment: dict[str, str] | None = None) -> dict[str, int]:
    """Return {event name: number of events in [start, end)} for the given names (0 where absent)."""
    seg, sp = segment_clause(segment)
    rng, rp = _range("ts", start, end)
    rows = _fetch(store, f"SELECT event, count(*) FROM events WHERE event IN (SELECT unnest(?::VARCHAR[])){rng}{seg} GROUP BY event",
                  [list(events)] + rp + sp)
    out = {e: 0 for e in events}
    out.update({e: int(n) for e, n in rows})
    return out


def event_counts_by(store: Store, events: list[str], grain: str, segment: dict[str, str] | None = None) -> pd.DataFrame:
    """Return columns period_start, event, n: event counts per month or quarter for the given names."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    seg, sp = segment_clause(segment)
    return store.query_df(
        f"SELECT CAST(date_trunc(?, ts) AS DATE) AS period_start, event, count(*) AS n FROM events "
        f"WHERE event IN (SELECT unnest(?::VARCHAR[])){seg} GROUP BY ALL ORDER BY 1",
        [grain, list(events)] + sp)


def property_keys(store: Store, sample_rows: int = 50000) -> list[str]:
    """Return the top-level property keys seen in (a sample of) events, most frequent first."""
    rows = _fetch(store, """
        SELECT k, count(*) AS n FROM (
            SELECT unnest(json_keys(properties)) AS k FROM (
                SELECT properties FROM events WHERE properties IS NOT NULL LIMIT ?))
        GROUP BY k ORDER BY n DESC, k""", [sample_rows])
    return [r[0] for r in rows]


def property_values(store: Store, keys: list[str], max_values: int) -> dict[str, list[str]]:
    """Return {key: sorted distinct string values} over all events, dropping keys with more than max_values values."""
    if not keys:
        return {}
    # Positions are integers generated here, never user text.
    cols = ", ".join(f"list(DISTINCT v[{i + 1}]) FILTER (WHERE v[{i + 1}] IS NOT NULL)" for i in range(len(keys)))
    row = _fetch(store, f"SELECT {cols} FROM (SELECT json_extract_string(properties, ?::VARCHAR[]) AS v "
                        f"FROM events WHERE properties IS NOT NULL)", [[_json_path(k) for k in keys]])[0]
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
def survey_summary(store: Store, scale: str, start, end) -> dict[str, int]:
    """Return counts for one survey scale in [start, end) (all rows incl. undated when both are None).

    Keys: rows, scored (non-empty scores), hi (csat 4-5), promoters (9-10), detractors (0-6), undated.
    """
    rng, rp = _range("responded_at", start, end)
    row = _fetch(store, f"""
        SELECT count(*), count(score),
               count(*) FILTER (WHERE score >= 4 AND score <= 5),
               count(*) FILTER (WHERE score >= 9 AND score <= 10),
               count(*) FILTER (WHERE score >= 0 AND score <= 6),
               count(*) FILTER (WHERE responded_at IS NULL)
        FROM survey_responses WHERE scale = ?{rng}""", [scale] + rp)[0]
    return dict(zip(("rows", "scored", "hi", "promoters", "detractors", "undated"), (int(x) for x in row)))


def survey_by(store: Store, scale: str, grain: str) -> pd.DataFrame:
    """Return period_start, scored, hi, promoters, detractors per month/quarter for dated responses of one scale."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    return store.query_df("""
        SELECT CAST(date_trunc(?, responded_at) AS DATE) AS period_start, count(score) AS scored,
               count(*) FILTER (WHERE score >= 4 AND score <= 5) AS hi,
               count(*) FILTER (WHERE score >= 9 AND score <= 10) AS promoters,
               count(*) FILTER (WHERE score >= 0 AND score <= 6) AS detractors
        FROM survey_responses WHERE scale = ? AND responded_at IS NOT NULL GROUP BY 1 ORDER BY 1""", [grain, scale])


# -- work items -----------------------------------------------------------------------------
_LEAD_DAYS = "(epoch(resolved) - epoch(created)) / 86400.0"
# type_category comes from the importer; the raw type is a fallback for rows it could not classify.
_IS_BUG = "(coalesce(type_category, '') = 'bug' OR (type_category IS NULL AND lower(trim(type)) IN ('bug', 'error', 'fehler', 'defecto', 'erro', 'bogue', 'anomalie')))"


def cycle_time(store: Store, start, end) -> dict:
    """Return median and 85th percentile lead time in days over items resolved in [start, end).

    Keys: n (items used), median, p85, negative (items resolved before created, left out), no_created.
    """
    rng, rp = _range("resolved", start, end)
    row = _fetch(store, f"""
        SELECT count(*) FILTER (WHERE created IS NOT NULL AND resolved >= created),
               quantile_cont({_LEAD_DAYS}, 0.5) FILTER (WHERE created IS NOT NULL AND resolved >= created),
               quantile_cont({_LEAD_DAYS}, 0.85) FILTER (WHERE created IS NOT NULL AND resolved >= created),
               count(*) FILTER (WHERE resolved < created),
               count(*) FILTER (WHERE created IS NULL)
        FROM work_items WHERE resolved IS NOT NULL{rng}""", rp)[0]
    return {"n": int(row[0]), "median": row[1], "p85": row[2], "negative": int(row[3]), "no_created": int(row[4])}


def on_time(store: Store, start, end) -> dict:
    """Return {'due': items resolved in [start, end) with a due date, 'on_time': of those resolved on or before it, 'resolved': all resolved}."""
    rng, rp = _range("resolved", start, end)
    row = _fetch(store, f"""
        SELECT count(*) FILTER (WHERE due IS NOT NULL),
               count(*) FILTER (WHERE due IS NOT NULL AND CAST(resolved AS DATE) <= due),
               count(*)
        FROM work_items WHERE resolved IS NOT NULL{rng}""", rp)[0]
    return {"due": int(row[0]), "on_time": int(row[1]), "resolved": int(row[2])}


def bug_share(store: Store, start, end) -> dict:
    """Return {'items': items created in [start, end) (every item when unbounded), 'bugs': of those, bugs}."""
    rng, rp = _range("created", start, end)
    row = _fetch(store, f"SELECT count(*), count(*) FILTER (WHERE {_IS_BUG}) FROM work_items WHERE true{rng}", rp)[0]
    return {"items": int(row[0]), "bugs": int(row[1])}


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
def metric_series(store: Store, metric: str) -> pd.DataFrame:
    """Return date, value, segment rows of one metric series (all segments), ordered by date."""
    df = store.query_df("SELECT date, value, segment FROM metric_points WHERE metric = ? ORDER BY date", [metric])
    if not df.empty:
        df["date"] = pd.to_datetime(df["date"]).dt.date
    return df


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
