"""Tables that hold one validated JSON document per key (audience views, battle cards, debrief notes, AI
feature checklists): reading them all, replacing one, deleting one.

Each table has the same four columns: the key, the document, who wrote it and when. The table and column
names come from a DocTable declared by the store module that owns the table, never from callers' values.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb

from .core import Store


@dataclass(frozen=True)
class DocTable:
    """A table of JSON documents: its name, its key column and its document column."""

    table: str
    key: str
    doc: str

    def read_all(self, store: Store) -> dict[str, dict]:
        """Return {key: document with _updated_by/_updated_at added}, in key order; empty when none was saved."""
        cur = store.cursor()
        try:
            rows = cur.execute(f"SELECT {self.key}, {self.doc}, updated_by, updated_at FROM {self.table} "
                               f"ORDER BY {self.key}").fetchall()
        finally:
            cur.close()
        out = {}
        for k, doc, by, at in rows:
            d = json.loads(doc)
            d["_updated_by"], d["_updated_at"] = by, at
            out[k] = d
        return out

    def upsert(self, cur: duckdb.DuckDBPyConnection, key_value: str, doc: dict, actor_email: str,
               now: dt.datetime) -> None:
        """Insert or replace one document with the caller's transaction cursor (dates written as text)."""
        cur.execute(f"INSERT INTO {self.table} VALUES (?, ?, ?, ?) ON CONFLICT ({self.key}) DO UPDATE SET "
                    f"{self.doc} = excluded.{self.doc}, updated_by = excluded.updated_by, "
                    f"updated_at = excluded.updated_at",
                    [key_value, json.dumps(doc, default=str), actor_email, now])

    def delete(self, cur: duckdb.DuckDBPyConnection, key_value: str) -> int:
        """Delete one document with the caller's transaction cursor; returns rows removed (0 or 1)."""
        n = cur.execute(f"SELECT count(*) FROM {self.table} WHERE {self.key} = ?", [key_value]).fetchone()[0]
        cur.execute(f"DELETE FROM {self.table} WHERE {self.key} = ?", [key_value])
        return int(n)
