"""Strategy tables (the workspace's vision statement; PESTLE boards, market sizings and competitive grids) and their SQL.

A board, sizing or grid is one row holding its validated document as JSON: each is edited and shown
whole, never queried field by field, and one row per object keeps an edit to one transaction and one
audit row. Every write takes the acting person and refuses a viewer before touching anything
(auth.require_editor), then writes its audit row with the same cursor, inside the caller's
`store.transaction("strategy")`.
"""
from __future__ import annotations

import json

import duckdb

from ..auth import Actor, require_editor
from . import audit_store
from .core import Store, new_id, utcnow

DDL = [
    """CREATE TABLE IF NOT EXISTS strategy_statement (
        id VARCHAR PRIMARY KEY,         -- always 'workspace': one statement per workspace
        vision VARCHAR,
        narrative VARCHAR,
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS strategy_items (
        id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,          -- pestle | sizing | grid
        name VARCHAR NOT NULL,          -- the market, initiative or grid name people recognise
        doc JSON NOT NULL,              -- the validated model (pm_core.strategy.models) without its id
        archived BOOLEAN NOT NULL DEFAULT false,
        created_by VARCHAR,
        created_at TIMESTAMP,
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
]

KINDS = ("pestle", "sizing", "grid")
_ITEM_COLS = "id, kind, name, doc, archived, created_by, created_at, updated_by, updated_at"
_PREFIX = {"pestle": "pst_", "sizing": "siz_", "grid": "grd_"}


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown strategy kind {kind!r}; known: {', '.join(KINDS)}")


def _row(names: list[str], values: tuple) -> dict:
    row = dict(zip(names, values))
    if "doc" in row:
        row["doc"] = json.loads(row["doc"]) if row["doc"] else {}
    return row


# -- the vision statement ----------------------------------------------------------------------
def get_statement(src: Store | duckdb.DuckDBPyConnection) -> dict | None:
    """Return the statement row (vision, narrative, updated_by, updated_at), or None before anyone wrote one."""
    cur = src.cursor() if isinstance(src, Store) else src
    try:
        cur.execute("SELECT vision, narrative, updated_by, updated_at FROM strategy_statement WHERE id = 'workspace'")
        found = cur.fetchone()
        return None if found is None else _row([d[0] for d in cur.description], found)
    finally:
        if isinstance(src, Store):
            cur.close()


def write_statement(cur: duckdb.DuckDBPyConnection, actor: Actor, vision: str, narrative: str,
                    audit: audit_store.Entry) -> None:
    """Insert or replace the workspace's statement and its audit row inside the caller's transaction (editors only)."""
    require_editor(actor)
    cur.execute(
        "INSERT INTO strategy_statement VALUES ('workspace', ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "vision = excluded.vision, narrative = excluded.narrative, updated_by = excluded.updated_by, "
        "updated_at = excluded.updated_at", [vision, narrative, actor.email, utcnow()])
    audit_store.insert(cur, audit)


# -- boards, sizings and grids --------------------------------------------------------------------
def read_items(store: Store, kind: str, include_archived: bool = False) -> list[dict]:
    """Return the rows of one kind (doc decoded), oldest first; archived ones only on request."""
    _check_kind(kind)
    cur = store.cursor()
    try:
        cur.execute(f"SELECT {_ITEM_COLS} FROM strategy_items WHERE kind = ? AND (NOT archived OR ?) "
                    "ORDER BY created_at, id", [kind, include_archived])
        names = [d[0] for d in cur.description]
        return [_row(names, r) for r in cur.fetchall()]
    finally:
        cur.close()


def get_item(cur: duckdb.DuckDBPyConnection, item_id: str) -> dict | None:
    """Return one row (any kind, archived or not; doc decoded) inside the caller's transaction, or None."""
    cur.execute(f"SELECT {_ITEM_COLS} FROM strategy_items WHERE id = ?", [item_id])
    found = cur.fetchone()
    return None if found is None else _row([d[0] for d in cur.description], found)


def items_in(cur: duckdb.DuckDBPyConnection, kind: str) -> list[dict]:
    """Return every row of one kind (archived too) inside the caller's transaction."""
    _check_kind(kind)
    cur.execute(f"SELECT {_ITEM_COLS} FROM strategy_items WHERE kind = ? ORDER BY created_at, id", [kind])
    names = [d[0] for d in cur.description]
    return [_row(names, r) for r in cur.fetchall()]


def insert_item(cur: duckdb.DuckDBPyConnection, actor: Actor, kind: str, name: str, doc: dict,
                audit: audit_store.Entry | None = None) -> str:
    """Insert a new board, sizing or grid (and its audit row) inside the caller's transaction; return its id (editors only).

    The audit entry's object id is filled in with the new id when it has none.
    """
    require_editor(actor)
    _check_kind(kind)
    item_id = new_id(_PREFIX[kind])
    now = utcnow()
    cur.execute(f"INSERT INTO strategy_items ({_ITEM_COLS}) VALUES (?, ?, ?, ?, false, ?, ?, ?, ?)",
                [item_id, kind, name, json.dumps(doc), actor.email, now, actor.email, now])
    if audit is not None:
        if audit.object_id is None:
            audit = audit_store.Entry(audit.actor, audit.action, audit.object_type, item_id, audit.object_name,
                                      audit.summary)
        audit_store.insert(cur, audit)
    return item_id


def update_item(cur: duckdb.DuckDBPyConnection, actor: Actor, item_id: str, name: str, doc: dict,
                audit: audit_store.Entry | None = None) -> int:
    """Replace a row's name and document (and write its audit row) inside the caller's transaction; return rows changed.

    0 means no such id: nothing is written, the audit row neither (editors only).
    """
    require_editor(actor)
    n = cur.execute("SELECT count(*) FROM strategy_items WHERE id = ?", [item_id]).fetchone()[0]
    if not n:
        return 0
    cur.execute("UPDATE strategy_items SET name = ?, doc = ?, updated_by = ?, updated_at = ? WHERE id = ?",
                [name, json.dumps(doc), actor.email, utcnow(), item_id])
    if audit is not None:
        audit_store.insert(cur, audit)
    return int(n)


def set_archived(cur: duckdb.DuckDBPyConnection, actor: Actor, item_id: str, archived: bool,
                 audit: audit_store.Entry) -> int:
    """Archive (or restore) a row and write its audit row inside the caller's transaction; return rows changed (editors only)."""
    require_editor(actor)
    n = cur.execute("SELECT count(*) FROM strategy_items WHERE id = ?", [item_id]).fetchone()[0]
    if not n:
        return 0
    cur.execute("UPDATE strategy_items SET archived = ?, updated_by = ?, updated_at = ? WHERE id = ?",
                [archived, actor.email, utcnow(), item_id])
    audit_store.insert(cur, audit)
    return int(n)


def share_basis_sizing(src: Store | duckdb.DuckDBPyConnection) -> dict | None:
    """Return the row of the active sizing whose document names a market share basis (not 'none'), or None.

    At most one sizing holds a basis (the service clears the others when one is set); should two ever
    do, the one edited last wins.
    """
    sql = (f"SELECT {_ITEM_COLS} FROM strategy_items WHERE kind = 'sizing' AND NOT archived "
           "AND coalesce(json_extract_string(doc, '$.share_basis'), 'none') <> 'none' "
           "ORDER BY updated_at DESC, id LIMIT 1")
    cur = src.cursor() if isinstance(src, Store) else src
    try:
        cur.execute(sql)
        found = cur.fetchone()
        return None if found is None else _row([d[0] for d in cur.description], found)
    finally:
        if isinstance(src, Store):
            cur.close()


def count_items(store: Store) -> int:
    """Return how many strategy rows exist, archived included, plus one for a written statement (seed_demo's test)."""
    cur = store.cursor()
    try:
        items = cur.execute("SELECT count(*) FROM strategy_items").fetchone()[0]
        stmt = cur.execute("SELECT count(*) FROM strategy_statement").fetchone()[0]
        return int(items) + int(stmt)
    finally:
        cur.close()
