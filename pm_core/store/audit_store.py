"""The audit log: one row per write (who, when, what, on which object, before -> after), and its queries.

Rows are inserted with the cursor of the write they describe, inside its transaction: a write that
rolls back leaves no row, and a committed write always has one. The table is declared here with
CREATE ... IF NOT EXISTS, so opening a workspace made before the log existed adds it (empty).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from .core import Store, new_id, utcnow

# seq orders rows written in the same microsecond (several settings, or many automatic check-ins, in
# one transaction); happened_at is naive UTC like every time in the store.
DDL = [
    "CREATE SEQUENCE IF NOT EXISTS audit_log_seq",
    """CREATE TABLE IF NOT EXISTS audit_log (
        id VARCHAR PRIMARY KEY,
        seq BIGINT NOT NULL DEFAULT nextval('audit_log_seq'),
        happened_at TIMESTAMP NOT NULL,
        actor VARCHAR NOT NULL,         -- the editor's email ('cli' from the command line)
        action VARCHAR NOT NULL,        -- pm_core.audit.ACTIONS key: import | delete | create | edit | ...
        object_type VARCHAR NOT NULL,   -- pm_core.audit.OBJECT_TYPES key: import | objective | setting | ...
        object_id VARCHAR,
        object_name VARCHAR,            -- a name a person recognises (file name, title, setting key)
        summary VARCHAR)                -- before -> after in words, e.g. 'conversion_window_days: 30 → 14'""",
]

COLUMNS = ["id", "happened_at", "actor", "action", "object_type", "object_id", "object_name", "summary"]


@dataclass(frozen=True)
class Entry:
    """One audit row before it is written (the write's transaction supplies the cursor)."""

    actor: str
    action: str
    object_type: str
    object_id: str | None
    object_name: str | None
    summary: str | None


def insert(cur: duckdb.DuckDBPyConnection, entries: Entry | list[Entry]) -> None:
    """Insert audit rows with the caller's cursor, inside the caller's transaction (never commits by itself)."""
    items = [entries] if isinstance(entries, Entry) else list(entries)
    if not items:
        return
    now = utcnow()
    cur.executemany(
        f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})",
        [[new_id("aud_"), now, e.actor, e.action, e.object_type, e.object_id, e.object_name, e.summary]
         for e in items])


def list_entries(store: Store, actor: str | None = None, action: str | None = None, object_type: str | None = None,
                 since: dt.date | None = None, until: dt.date | None = None, limit: int | None = 200) -> list[dict]:
    """Return audit rows newest first, filtered by actor (case-insensitive), action, object type and UTC days [since, until]."""
    conds, params = [], []
    if actor:
        conds.append("lower(actor) = lower(?)")
        params.append(actor)
    if action:
        conds.append("action = ?")
        params.append(action)
    if object_type:
        conds.append("object_type = ?")
        params.append(object_type)
    if since is not None:
        conds.append("happened_at >= ?")
        params.append(dt.datetime.combine(since, dt.time()))
    if until is not None:
        conds.append("happened_at < ?")
        params.append(dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    sql = (f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE {' AND '.join(conds) or 'TRUE'} "
           "ORDER BY happened_at DESC, seq DESC")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    cur = store.cursor()
    try:
        rows = cur.execute(sql, params).fetchall()
    finally:
        cur.close()
    return [dict(zip(COLUMNS, r)) for r in rows]


def distinct_values(store: Store) -> dict[str, list[str]]:
    """Return the actors, actions and object types present in the log (sorted), for filter choices."""
    cur = store.cursor()
    try:
        return {col: [r[0] for r in cur.execute(
            f"SELECT DISTINCT {col} FROM audit_log ORDER BY {col}").fetchall()]  # col: a fixed name below
                for col in ("actor", "action", "object_type")}
    finally:
        cur.close()
