"""The imports (provenance) table and what hangs off it: history, duplicates, rejects, deletion of an import."""
from __future__ import annotations

import uuid

import duckdb

from ..formats.kinds import CANONICAL_TABLES
from .core import Store
from .lazy import pd

CANONICAL = CANONICAL_TABLES  # every kind's tables, from formats/kinds.py


def import_notes(store: Store, kind: str) -> list[tuple[str, list[str]]]:
    """Return (file name, notes) of every import of a kind, oldest first: what each import understood and assumed."""
    import json

    cur = store.cursor()
    try:
        rows = cur.execute("SELECT file_name, details FROM imports WHERE kind = ? ORDER BY imported_at, id", [kind]).fetchall()
    finally:
        cur.close()
    out = []
    for name, details in rows:
        try:
            notes = json.loads(details or "{}").get("notes") or []
        except (ValueError, AttributeError):
            notes = []
        out.append((name, [str(n) for n in notes]))
    return out


def list_imports(store: Store) -> list[dict]:
    """Return every import, newest first, as plain dicts (timestamps as ISO strings)."""
    # plain rows, not a DataFrame: `info` and `imports` then never import pandas (bench/bench_cli.py)
    return store.query_dicts(
        "SELECT id, file_name, sha256, bytes, kind, source, rows_read, rows_imported, rows_rejected, actor, "
        "strftime(imported_at, '%Y-%m-%dT%H:%M:%SZ') AS imported_at FROM imports ORDER BY imported_at DESC, id")


def rows_of_import(cur: duckdb.DuckDBPyConnection, table: str, import_id: str) -> int:
    """Return how many rows of a canonical table belong to the import (0 for an unknown import)."""
    if table not in CANONICAL:
        raise ValueError(f"unknown table {table!r}")
    return int(cur.execute(f"SELECT count(*) FROM {table} WHERE import_id = ?", [import_id]).fetchone()[0])


# -- provenance, rejects, duplicates, deletion --------------------------------------------------
def find_by_sha(store: Store, sha256: str) -> dict | None:
    """Return the earlier import of a file with this sha256 (newest), or None."""
    df = store.query_df("SELECT id, file_name, strftime(imported_at, '%Y-%m-%d %H:%M') AS imported_at, kind "
                        "FROM imports WHERE sha256 = ? ORDER BY imported_at DESC LIMIT 1", [sha256])
    return None if df.empty else df.iloc[0].to_dict()


def insert_import(cur: duckdb.DuckDBPyConnection, row: dict) -> None:
    """Write one provenance row (the dict's keys are the imports columns)."""
    cols = ["id", "file_name", "sha256", "bytes", "kind", "source", "rows_read", "rows_imported", "rows_rejected",
            "actor", "imported_at", "details"]
    cur.execute(f"INSERT INTO imports ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})", [row[c] for c in cols])


def insert_rejects(cur: duckdb.DuckDBPyConnection, import_id: str, rejects: pd.DataFrame) -> None:
    """Store rejected rows (row_number, column, value, reason) under the import."""
    if rejects.empty:
        return
    df = pd.DataFrame({"import_id": import_id, "row_number": rejects["row_number"].astype("int64"),
                       "column_name": rejects["column"].astype("string"), "value": rejects["value"].astype("string"),
                       "reason": rejects["reason"].astype("string")})
    name = f"_rej_{uuid.uuid4().hex[:8]}"
    cur.register(name, df)
    try:
        cur.execute(f"INSERT INTO import_rejects (import_id, row_number, column_name, value, reason) "
                    f"SELECT import_id, row_number, column_name, value, reason FROM {name}")
    finally:
        cur.unregister(name)


def import_file_name(store: Store, import_id: str) -> str | None:
    """Return the file name an import was made from, or None for an unknown import."""
    cur = store.cursor()
    try:
        row = cur.execute("SELECT file_name FROM imports WHERE id = ?", [import_id]).fetchone()
    finally:
        cur.close()
    return None if row is None else str(row[0])


def delete_import_rows(cur: duckdb.DuckDBPyConnection, import_id: str) -> int:
    """Delete an import's rows from every canonical table, its rejects and its provenance; returns data rows removed."""
    removed = 0
    for table in CANONICAL:
        removed += rows_of_import(cur, table, import_id)
        cur.execute(f"DELETE FROM {table} WHERE import_id = ?", [import_id])
    cur.execute("DELETE FROM import_rejects WHERE import_id = ?", [import_id])
    cur.execute("DELETE FROM imports WHERE id = ?", [import_id])
    return removed


def rejects_for(store: Store, import_id: str) -> pd.DataFrame:
    """Return an import's rejected rows (row_number, column, value, reason) in file order."""
    return store.query_df("SELECT row_number, column_name AS \"column\", value, reason FROM import_rejects "
                          "WHERE import_id = ? ORDER BY row_number, column_name", [import_id])
