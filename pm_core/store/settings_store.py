"""Queries over the settings table (key -> JSON value)."""
from __future__ import annotations

import json

from .core import Store, utcnow


def read_all(store: Store) -> dict:
    """Return {key: decoded value} for every stored setting; empty on a new workspace."""
    cur = store.cursor()
    try:
        return {k: json.loads(v) for k, v in cur.execute("SELECT key, value FROM settings").fetchall()}
    finally:
        cur.close()


def write(store: Store, values: dict, actor_email: str) -> None:
    """Upsert several settings in one transaction (all or none)."""
    with store.transaction("settings") as cur:
        for key, value in values.items():
            cur.execute(
                "INSERT INTO settings VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                "value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                [key, json.dumps(value), actor_email, utcnow()])
