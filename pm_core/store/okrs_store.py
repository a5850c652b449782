"""OKR tables (custom periods, objectives, key results, check-ins) and every query over them.

Writes take the caller's transaction cursor so that an objective, its key results and their first
check-ins commit together or not at all; reads open their own cursor.
"""
from __future__ import annotations

import datetime as dt

import duckdb

from .core import Store
from .segment_sql import where

DDL = [
    # Quarters, months and years are known by label (pm_core.periods); only custom ranges live here.
    """CREATE TABLE IF NOT EXISTS okr_periods (
        label VARCHAR PRIMARY KEY,
        start_date DATE NOT NULL,
        end_date DATE NOT NULL,          -- inclusive
        created_by VARCHAR,
        created_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS objectives (
        id VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL,
        description VARCHAR,
        owner VARCHAR,
        pillar VARCHAR,
        period VARCHAR NOT NULL,
        parent_id VARCHAR,
        archived BOOLEAN NOT NULL DEFAULT FALSE,
        position INTEGER NOT NULL DEFAULT 0,
        created_by VARCHAR,
        created_at TIMESTAMP,
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS key_results (
        id VARCHAR PRIMARY KEY,
        objective_id VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        kr_type VARCHAR NOT NULL,        -- increase_to | decrease_to | stay_above | stay_below | milestone
        baseline DOUBLE NOT NULL,
        target DOUBLE NOT NULL,
        unit VARCHAR NOT NULL,
        weight DOUBLE NOT NULL,
        kpi_key VARCHAR,                 -- linked KPI (pm_core.kpi_defs key), NULL when not linked to a KPI
        event_name VARCHAR,              -- linked event count over a trailing window, NULL otherwise
        window_days INTEGER,
        segment VARCHAR,                 -- optional 'property=value' filter on the linked data
        due_date DATE,
        owner VARCHAR,
        archived BOOLEAN NOT NULL DEFAULT FALSE,
        position INTEGER NOT NULL DEFAULT 0,
        created_by VARCHAR,
        created_at TIMESTAMP,
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS checkins (
        id VARCHAR PRIMARY KEY,
        kr_id VARCHAR NOT NULL,
        value DOUBLE NOT NULL,
        confidence INTEGER,              -- 0-10, NULL when the check-in came from data
        comment VARCHAR,
        source VARCHAR NOT NULL,         -- manual | import | link (first value when a KR was linked)
        import_id VARCHAR,
        as_of DATE NOT NULL,             -- the day the value describes
        author VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,
        edited_by VARCHAR,
        edited_at TIMESTAMP)""",
]

_OBJ_COLS = ["id", "title", "description", "owner", "pillar", "period", "parent_id", "archived", "position",
             "created_by", "created_at", "updated_by", "updated_at"]
_KR_COLS = ["id", "objective_id", "title", "kr_type", "baseline", "target", "unit", "weight", "kpi_key",
            "event_name", "window_days", "segment", "due_date", "owner", "archived", "position",
            "created_by", "created_at", "updated_by", "updated_at"]
_CI_COLS = ["id", "kr_id", "value", "confidence", "comment", "source", "import_id", "as_of", "author",
            "created_at", "edited_by", "edited_at"]
# Columns an update may touch (names come from these lists, never from callers' strings).
_OBJ_EDITABLE = {"title", "description", "owner", "pillar", "period", "parent_id", "archived", "position"}
# objective_id is editable: moving a KR to another objective is an edit (pm_core.okrs checks the target first).
_KR_EDITABLE = {"objective_id", "title", "kr_type", "baseline", "target", "unit", "weight", "kpi_key", "event_name",
                "window_days", "segment", "due_date", "owner", "archived", "position"}
_CI_EDITABLE = {"value", "confidence", "comment", "as_of"}
# Every key-result read carries its objective's period; one SELECT serves them all.
_KR_SELECT = ("SELECT " + ", ".join(f"k.{c}" for c in _KR_COLS)
              + ", o.period FROM key_results k JOIN objectives o ON o.id = k.objective_id")


def _insert(cur: duckdb.DuckDBPyConnection, table: str, cols: list[str], row: dict) -> None:
    cur.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [row.get(c) for c in cols])


def _update(cur: duckdb.DuckDBPyConnection, table: str, allowed: set[str], row_id: str, fields: dict,
            extra: dict) -> None:
    bad = set(fields) - allowed
    if bad:
        raise ValueError(f"cannot update {table} column(s) {sorted(bad)}")
    values = {**fields, **extra}
    sets = ", ".join(f"{c} = ?" for c in values)
    cur.execute(f"UPDATE {table} SET {sets} WHERE id = ?", [*values.values(), row_id])


def _rows(store: Store, sql: str, params: list | None = None) -> list[dict]:
    """Return rows as dicts (no DataFrame: building frames with timestamps costs more than the query here)."""
    return store.query_dicts(sql, params)


# -- writes (inside the caller's transaction) --------------------------------------------------
def insert_period(cur, label: str, start: dt.date, end_inclusive: dt.date, who: str, when: dt.datetime) -> None:
    """Insert a custom OKR period; the primary key refuses a duplicate label."""
    cur.execute("INSERT INTO okr_periods VALUES (?, ?, ?, ?, ?)", [label, start, end_inclusive, who, when])


def insert_objective(cur, row: dict) -> None:
    """Insert one objective row (keys as in the table)."""
    _insert(cur, "objectives", _OBJ_COLS, row)


def update_objective(cur, obj_id: str, fields: dict, who: str, when: dt.datetime) -> None:
    """Update the given columns of an objective and stamp who/when."""
    _update(cur, "objectives", _OBJ_EDITABLE, obj_id, fields, {"updated_by": who, "updated_at": when})


def insert_key_result(cur, row: dict) -> None:
    """Insert one key result row (keys as in the table)."""
    _insert(cur, "key_results", _KR_COLS, row)


def update_key_result(cur, kr_id: str, fields: dict, who: str, when: dt.datetime) -> None:
    """Update the given columns of a key result and stamp who/when."""
    _update(cur, "key_results", _KR_EDITABLE, kr_id, fields, {"updated_by": who, "updated_at": when})


def archive_key_results_of(cur, obj_id: str, who: str, when: dt.datetime) -> None:
    """Archive every key result of an objective (archiving an objective archives its KRs)."""
    cur.execute("UPDATE key_results SET archived = TRUE, updated_by = ?, updated_at = ? "
                "WHERE objective_id = ? AND NOT archived", [who, when, obj_id])


def insert_checkin(cur, row: dict) -> None:
    """Insert one check-in row (keys as in the table)."""
    _insert(cur, "checkins", _CI_COLS, row)


def update_checkin(cur, ci_id: str, fields: dict, who: str, when: dt.datetime) -> None:
    """Update a check-in's value/confidence/comment/as_of and stamp who edited it."""
    _update(cur, "checkins", _CI_EDITABLE, ci_id, fields, {"edited_by": who, "edited_at": when})


def delete_checkin(cur, ci_id: str) -> None:
    """Delete one check-in."""
    cur.execute("DELETE FROM checkins WHERE id = ?", [ci_id])


# -- reads -------------------------------------------------------------------------------------
def custom_periods(store: Store) -> list[dict]:
    """Return the custom periods (label, start_date, end_date inclusive), by start date."""
    return _rows(store, "SELECT label, start_date, end_date FROM okr_periods ORDER BY start_date, label")


def get_custom_period(store: Store, label: str) -> tuple[dt.date, dt.date] | None:
    """Return (start, end inclusive) of a custom period, or None when no such label exists."""
    rows = _rows(store, "SELECT start_date, end_date FROM okr_periods WHERE label = ?", [label])
    return (rows[0]["start_date"], rows[0]["end_date"]) if rows else None


def periods_in_use(store: Store) -> list[str]:
    """Return the distinct periods of active objectives (unsorted labels)."""
    return [r["period"] for r in _rows(store, "SELECT DISTINCT period FROM objectives WHERE NOT archived")]


def count_objectives(store: Store) -> int:
    """Return how many objectives exist, archived ones included."""
    return int(_rows(store, "SELECT count(*) AS n FROM objectives")[0]["n"])


def objectives(store: Store, period: str | None = None, include_archived: bool = False) -> list[dict]:
    """Return objectives (optionally of one period) as dicts, in display order."""
    where, params = ["TRUE"], []
    if period is not None:
        where.append("period = ?")
        params.append(period)
    if not include_archived:
        where.append("NOT archived")
    return _rows(store, f"SELECT {', '.join(_OBJ_COLS)} FROM objectives WHERE {' AND '.join(where)} "
                 "ORDER BY position, created_at, id", params)


def get_objective(store: Store, obj_id: str) -> dict | None:
    """Return one objective as a dict, or None."""
    rows = _rows(store, f"SELECT {', '.join(_OBJ_COLS)} FROM objectives WHERE id = ?", [obj_id])
    return rows[0] if rows else None


def key_results(store: Store, period: str | None = None, include_archived: bool = False) -> list[dict]:
    """Return key results (of active objectives of one period, if given) as dicts with the period, in display order."""
    where, params = ["TRUE"], []
    if period is not None:
        where.append("o.period = ?")
        params.append(period)
    if not include_archived:
        where.append("NOT k.archived AND NOT o.archived")
    return _rows(store, f"{_KR_SELECT} WHERE {' AND '.join(where)} ORDER BY k.position, k.created_at, k.id", params)


def get_key_result(store: Store, kr_id: str) -> dict | None:
    """Return one key result with its objective's period, or None."""
    rows = _rows(store, f"{_KR_SELECT} WHERE k.id = ?", [kr_id])
    return rows[0] if rows else None


def linked_key_results(store: Store) -> list[dict]:
    """Return active key results linked to a KPI or an event count (with their objective's period)."""
    return _rows(store, f"{_KR_SELECT} WHERE NOT k.archived AND NOT o.archived "
                 "AND (k.kpi_key IS NOT NULL OR k.event_name IS NOT NULL) ORDER BY k.created_at, k.id")


def checkins(store: Store, period: str | None = None, kr_id: str | None = None) -> list[dict]:
    """Return check-ins (of one period's KRs or one KR) as dicts, oldest first by the day they describe."""
    where, params = ["TRUE"], []
    if period is not None:
        where.append("o.period = ?")
        params.append(period)
    if kr_id is not None:
        where.append("c.kr_id = ?")
        params.append(kr_id)
    cols = ", ".join(f"c.{c}" for c in _CI_COLS)
    return _rows(
        store, f"SELECT {cols}, i.file_name AS import_file FROM checkins c "
        "JOIN key_results k ON k.id = c.kr_id JOIN objectives o ON o.id = k.objective_id "
        "LEFT JOIN imports i ON i.id = c.import_id "
        f"WHERE {' AND '.join(where)} ORDER BY c.kr_id, c.as_of, c.created_at, c.id", params)


def get_checkin(store: Store, ci_id: str) -> dict | None:
    """Return one check-in with its KR's period, or None."""
    cols = ", ".join(f"c.{c}" for c in _CI_COLS)
    rows = _rows(store, f"SELECT {cols}, o.period FROM checkins c JOIN key_results k ON k.id = c.kr_id "
                 "JOIN objectives o ON o.id = k.objective_id WHERE c.id = ?", [ci_id])
    return rows[0] if rows else None


def latest_checkin_values(store: Store, kr_ids: list[str]) -> dict[str, float]:
    """Return {kr_id: value of its latest check-in} for those KRs that have one."""
    if not kr_ids:
        return {}
    rows = _rows(store, "SELECT kr_id, arg_max(value, (as_of, created_at)) AS value FROM checkins "
                 "WHERE list_contains(?, kr_id) GROUP BY kr_id", [kr_ids])
    return {r["kr_id"]: float(r["value"]) for r in rows}


# -- linked data: event counts over a trailing window ----------------------------------------
def last_event_day(store: Store) -> dt.date | None:
    """Return the UTC day of the newest event in the workspace, or None when there are no events."""
    v = _rows(store, "SELECT max(ts) AS m FROM events")[0]["m"]
    return None if v is None else v.date()


def first_event_day(store: Store) -> dt.date | None:
    """Return the UTC day of the oldest event, or None when there are no events."""
    v = _rows(store, "SELECT min(ts) AS m FROM events")[0]["m"]
    return None if v is None else v.date()


def event_count(store: Store, event: str, start: dt.date, end_exclusive: dt.date, segment=None) -> int:
    """Return how many `event` rows have ts in [start, end_exclusive), within the segment (pm_core.segments) when given."""
    seg, seg_params = where(segment)
    sql = f"SELECT count(*) AS n FROM events WHERE event = ? AND ts >= ? AND ts < ?{seg}"
    params: list = [event, start, end_exclusive, *seg_params]
    return int(_rows(store, sql, params)[0]["n"])
