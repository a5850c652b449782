"""Queries over the settings table (key -> JSON value)."""
from __future__ import annotations

import json

from . import audit_store
from .core import Store, utcnow


def read_all(store: Store) -> dict:
    """Return {key: decoded value} for every stored setting; empty on a new workspace."""
    cur = store.cursor()
    try:
        return {k: json.loads(v) for k, v in cur.execute("SELECT key, value FROM settings").fetchall()}
    finally:
        cur.close()


def _shown(value) -> str:
    if value is None:  # an event setting not set
        return "not set"
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


_UNKNOWN = object()


def write(store: Store, values: dict, actor_email: str, defaults: dict | None = None) -> None:
    """Upsert several settings in one transaction (all or none), with one audit row per value that changed.

    The audit summary reads 'key: old → new' from the stored value before the write; a key never
    stored reads as its default when `defaults` gives it, else as 'default'.
    """
    defaults = defaults or {}
    with store.transaction("settings") as cur:
        keys = list(values)
        before = {k: json.loads(v) for k, v in cur.execute(
            "SELECT key, value FROM settings WHERE list_contains(?, key)", [keys]).fetchall()} if keys else {}
        entries = []
        for key, value in values.items():
            cur.execute(
                "INSERT INTO settings VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                "value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                [key, json.dumps(value), actor_email, utcnow()])
            previous = before[key] if key in before else defaults.get(key, _UNKNOWN)
            if previous == value:
                continue  # the value it already had: nothing to tell
            old = "default" if previous is _UNKNOWN else _shown(previous)
            entries.append(audit_store.Entry(actor=actor_email, action="change", object_type="setting",
                                             object_id=key, object_name=key,
                                             summary=f"{key}: {old} → {_shown(value)}"))
        audit_store.insert(cur, entries)


def read_one(store: Store, key: str):
    """Return one stored value decoded (also keys no Setting declares, such as the brand logo), or None."""
    cur = store.cursor()
    try:
        row = cur.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return None if row is None else json.loads(row[0])
    finally:
        cur.close()


def write_one(store: Store, key: str, value, entry: audit_store.Entry) -> None:
    """Store (or, for None, delete) one value with its audit row in the same transaction.

    For values too large to show in the audit summary (the brand logo): the caller writes the summary.
    """
    with store.transaction("settings") as cur:
        if value is None:
            cur.execute("DELETE FROM settings WHERE key = ?", [key])
        else:
            cur.execute(
                "INSERT INTO settings VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                "value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                [key, json.dumps(value), entry.actor, utcnow()])
        audit_store.insert(cur, [entry])
