"""Who changed what and when: the audit log of every write, recorded inside the write's own transaction.

A write function calls `record(cur, actor, action, object_type, object_id, name, summary)` with the
cursor of its `store.transaction()` block, so a write that rolls back leaves no audit row and a
committed write always has one. Where a store module owns the transaction (settings, audience
documents), the write passes an `entry(...)` down and the store inserts it with its cursor.

Only editors read the log (`list_audit`); viewers do not see who changed what.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Any, Callable, Iterable

from .auth import Actor, require_editor
from .store import Store
from .store import audit_store
from .store.audit_store import Entry

# What happened, in words for the Data page and the CLI's text output.
ACTIONS: dict[str, str] = {
    "import": "Imported",
    "delete": "Deleted",
    "create": "Created",
    "edit": "Edited",
    "archive": "Archived",
    "restore": "Restored",
    "check_in": "Checked in",
    "auto_check_in": "Checked in from data",
    "save": "Saved",
    "reset": "Reset to default",
    "change": "Changed",
}

# What it happened to.
OBJECT_TYPES: dict[str, str] = {
    "import": "Import",
    "objective": "Objective",
    "key_result": "Key result",
    "check_in": "Check-in",
    "okr_period": "OKR period",
    "initiative": "Initiative",
    "ladder": "Career ladder",
    "level_map": "Level map",
    "reference_points": "Pay reference points",
    "setting": "Setting",
    "audience": "Stakeholder view",
    "battle_card": "Battle card",
    "debrief_notes": "Debrief notes",
    "feedback_themes": "Feedback themes",
    "ai_feature": "AI feature readiness",  # issue 18
    "highlight": "Interview highlight",  # Discovery (issue 19)
    "tree_node": "Opportunity tree node",
    "strategy_statement": "Vision and strategy",  # Strategy (issue 19)
    "pestle": "PESTLE board",
    "market_sizing": "Market sizing",
    "competitive_grid": "Competitive grid",
}

_MAX_VALUE = 80      # characters of one value in a before -> after summary
_MAX_SUMMARY = 2000  # characters of a whole summary (a long text edit is cut, not refused)


def _email(actor: Actor | str) -> str:
    return actor if isinstance(actor, str) else actor.email


def entry(actor: Actor | str, action: str, object_type: str, object_id: str | None, name: str | None,
          summary: str | None = None) -> Entry:
    """Return one audit row to write; an action or object type not declared above raises ValueError (a bug, not input)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if object_type not in OBJECT_TYPES:
        raise ValueError(f"unknown audit object type {object_type!r}")
    text = None if summary is None else str(summary)
    if text is not None and len(text) > _MAX_SUMMARY:
        text = text[: _MAX_SUMMARY - 1] + "…"
    return Entry(actor=_email(actor), action=action, object_type=object_type,
                 object_id=None if object_id is None else str(object_id),
                 object_name=None if name is None else str(name), summary=text)


def record(cur, actor: Actor | str, action: str, object_type: str, object_id: str | None, name: str | None,
           summary: str | None = None) -> None:
    """Write one audit row with the cursor of the caller's transaction (it commits or rolls back with the write)."""
    audit_store.insert(cur, entry(actor, action, object_type, object_id, name, summary))


# -- before -> after in words ----------------------------------------------------------------------
def show(value: Any) -> str:
    """Return a stored value as a short text for a summary ('—' for empty; long text cut with '…')."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, (dt.datetime, dt.date)):
        text = value.isoformat()
    elif isinstance(value, (list, tuple)):
        text = ", ".join(show(v) for v in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{k} {show(v)}" for k, v in value.items())
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _same(a: Any, b: Any) -> bool:
    empty = (None, "", [])
    if a in empty and b in empty:
        return True
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(a, dt.datetime) != isinstance(b, dt.datetime):
        return False
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        return str(a) == str(b)
    return a == b


def changes(old: dict | None, new: dict, fields: Iterable[str] | None = None) -> str:
    """Return the changed fields as 'field: old → new; ...' ('no field changed' when none differ).

    Fields default to the keys of `new`; a field missing from `old` counts as empty.
    """
    old = old or {}
    parts = [f"{f}: {show(old.get(f))} → {show(new.get(f))}" for f in (fields or new)
             if not _same(old.get(f), new.get(f))]
    return "; ".join(parts) if parts else "no field changed"


def table_changes(old: list[dict], new: list[dict], key: Callable[[dict], str], fields: Iterable[str]) -> str:
    """Return what a table edit changed, rows matched by key: 'added A; removed B; C: field old → new'."""
    fields = list(fields)
    before, after = {key(r): r for r in old}, {key(r): r for r in new}
    parts = []
    added = [k for k in after if k not in before]
    removed = [k for k in before if k not in after]
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    for k in after:
        if k in before:
            moved = changes(before[k], after[k], fields)
            if moved != "no field changed":
                parts.append(f"{k}: {moved}")
    return "; ".join(parts) if parts else "no row changed"


def filled(new: dict, fields: Iterable[str] | None = None) -> str:
    """Return the non-empty fields of a new object as 'field value; ...' (the summary of a create)."""
    parts = [f"{f} {show(new.get(f))}" for f in (fields or new) if show(new.get(f)) != "—"]
    return "; ".join(parts)


# -- reading ---------------------------------------------------------------------------------------
def when_text(value: dt.datetime) -> str:
    """Return a stored (naive UTC) time for people: '3 Dec 2026, 16:05 UTC'."""
    return f"{value.day} {value:%b %Y, %H:%M} UTC"


def list_audit(store: Store, actor: Actor, person: str | None = None, action: str | None = None,
               object_type: str | None = None, since: dt.date | None = None, until: dt.date | None = None,
               limit: int | None = 200) -> list[dict]:
    """Return the audit log newest first, filtered by person (email), action, object type and UTC days [since, until].

    Editors only: a viewer (or nobody) gets PermissionDenied. Each row has id, time (naive UTC),
    when (for people), actor, action and action_label, object_type and object_label, object_id,
    object_name and summary. An unknown action or object type filter raises ValueError naming it.
    """
    require_editor(actor)
    if action and action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; use one of {', '.join(ACTIONS)}")
    if object_type and object_type not in OBJECT_TYPES:
        raise ValueError(f"unknown object type {object_type!r}; use one of {', '.join(OBJECT_TYPES)}")
    if limit is not None and limit < 1:
        raise ValueError("limit must be 1 or more")
    rows = audit_store.list_entries(store, actor=person, action=action, object_type=object_type,
                                    since=since, until=until, limit=limit)
    out = []
    for r in rows:
        out.append({"id": r["id"], "time": r["happened_at"], "when": when_text(r["happened_at"]),
                    "actor": r["actor"], "action": r["action"], "action_label": ACTIONS.get(r["action"], r["action"]),
                    "object_type": r["object_type"],
                    "object_label": OBJECT_TYPES.get(r["object_type"], r["object_type"]),
                    "object_id": r["object_id"], "object_name": r["object_name"], "summary": r["summary"]})
    return out


def audit_filters(store: Store, actor: Actor) -> dict[str, list[str]]:
    """Return the people, actions and object types present in the log, for filter choices (editors only)."""
    require_editor(actor)
    return audit_store.distinct_values(store)
