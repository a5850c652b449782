"""OKR writes: objectives, key results and check-ins (by hand, on linking, after an import, history from data).

Every write checks the editor, runs in one `store.transaction("okrs")` and records an audit row."""
from __future__ import annotations

import datetime as dt
import math

from .. import audit
from ..auth import Actor, require_editor
from ..periods import Period
from ..store import Store, new_id, utcnow
from ..store import imports_store
from ..store import okrs_store as db
from .links import _linked
from .models import CheckinIn, Checkin, KeyResultIn, ObjectiveIn, OkrInputError, _check_value, _date, _opt, _validate
from .periods import _as_of, resolve_period
from .views import checkin_summary, format_kr_value, get_checkins


def _check_objective_refs(store: Store, data: ObjectiveIn, own_id: str | None = None) -> Period:
    per = resolve_period(store, data.period)
    if data.parent_id:
        seen = {own_id} if own_id else set()
        pid = data.parent_id
        while pid:
            if pid in seen:
                raise OkrInputError({"parent_id": "an objective cannot be its own parent (directly or through others)"})
            parent = db.get_objective(store, pid)
            if parent is None:
                raise OkrInputError({"parent_id": f"no objective with id {pid!r}"})
            seen.add(pid)
            pid = _opt(parent["parent_id"])
    return per


def create_objective(store: Store, actor: Actor, data: ObjectiveIn | dict) -> str:
    """Validate and save an objective; returns its id. Unknown period or parent -> OkrInputError naming the field."""
    require_editor(actor)
    obj = _validate(ObjectiveIn, data)
    _check_objective_refs(store, obj)
    oid = new_id("obj_")
    now = utcnow()
    with store.transaction("okrs") as cur:
        db.insert_objective(cur, {**obj.model_dump(), "id": oid, "archived": False, "position": 0,
                                  "created_by": actor.email, "created_at": now,
                                  "updated_by": actor.email, "updated_at": now})
        audit.record(cur, actor, "create", "objective", oid, obj.title, audit.filled(obj.model_dump()))
    return oid


def update_objective(store: Store, actor: Actor, obj_id: str, data: ObjectiveIn | dict) -> None:
    """Replace an objective's fields; refuses an unknown id, a parent loop, or moving KRs' due dates out of the period."""
    require_editor(actor)
    obj = _validate(ObjectiveIn, data)
    old = db.get_objective(store, obj_id)
    if old is None:
        raise OkrInputError({"id": f"no objective with id {obj_id!r}"})
    per = _check_objective_refs(store, obj, own_id=obj_id)
    for k in db.key_results(store):
        due = _date(k["due_date"])
        if k["objective_id"] == obj_id and due and not per.contains(due):
            raise OkrInputError({"period": f"key result '{k['title']}' is due {due}, outside {per.label}; change it first"})
    new = obj.model_dump()
    with store.transaction("okrs") as cur:
        db.update_objective(cur, obj_id, new, actor.email, utcnow())
        audit.record(cur, actor, "edit", "objective", obj_id, obj.title,
                     audit.changes({k: _opt(v) for k, v in old.items()}, new))


def archive_objective(store: Store, actor: Actor, obj_id: str) -> None:
    """Archive an objective and its key results (kept, hidden from lists); unknown id -> OkrInputError."""
    require_editor(actor)
    old = db.get_objective(store, obj_id)
    if old is None:
        raise OkrInputError({"id": f"no objective with id {obj_id!r}"})
    now = utcnow()
    with store.transaction("okrs") as cur:
        db.update_objective(cur, obj_id, {"archived": True}, actor.email, now)
        db.archive_key_results_of(cur, obj_id, actor.email, now)
        audit.record(cur, actor, "archive", "objective", obj_id, old["title"],
                     f"archived with its key results ({old['period']})")


def _check_kr_refs(store: Store, kr: KeyResultIn) -> Period:
    obj = db.get_objective(store, kr.objective_id)
    if obj is None:
        raise OkrInputError({"objective_id": f"no objective with id {kr.objective_id!r}"})
    if obj["archived"]:
        raise OkrInputError({"objective_id": f"objective '{obj['title']}' is archived"})
    per = resolve_period(store, obj["period"])
    if kr.due_date and not per.contains(kr.due_date):
        last = per.end - dt.timedelta(days=1)
        raise OkrInputError({"due_date": f"{kr.due_date} is outside the period {per.label} ({per.start} – {last})"})
    return per


def _kr_row(kr: KeyResultIn) -> dict:
    d = kr.model_dump()
    return {"objective_id": d["objective_id"], "title": d["title"], "kr_type": d["kr_type"],
            "baseline": d["baseline"], "target": d["target"], "unit": d["unit"], "weight": d["weight"],
            "kpi_key": d["kpi"], "event_name": d["event_name"], "window_days": d["window_days"],
            "segment": d["segment"], "due_date": d["due_date"], "owner": d["owner"] or None}


def _link_checkin(store: Store, actor: Actor, kr_id: str, kr: KeyResultIn, per: Period, today: dt.date,
                  source: str, import_id: str | None = None, comment: str | None = None) -> dict | None:
    value, note, day = _linked(store, kr.kpi, kr.event_name, kr.window_days, kr.segment, per, today)
    if value is None:
        return None
    return {"id": new_id("ci_"), "kr_id": kr_id, "value": value, "confidence": None,
            "comment": comment or (f"From data ({note})" if note else "From data"), "source": source,
            "import_id": import_id, "as_of": day, "author": actor.email, "created_at": utcnow()}


def create_key_result(store: Store, actor: Actor, data: KeyResultIn | dict, today: dt.date | None = None) -> str:
    """Validate and save a KR; a linked KR also gets a first check-in from the data (none if the data cannot say). Returns its id."""
    require_editor(actor)
    kr = _validate(KeyResultIn, data)
    per = _check_kr_refs(store, kr)
    kid = new_id("kr_")
    now = utcnow()
    first = _link_checkin(store, actor, kid, kr, per, today or dt.date.today(), "link")
    row = _kr_row(kr)
    with store.transaction("okrs") as cur:
        db.insert_key_result(cur, {**row, "id": kid, "archived": False, "position": 0,
                                   "created_by": actor.email, "created_at": now,
                                   "updated_by": actor.email, "updated_at": now})
        audit.record(cur, actor, "create", "key_result", kid, kr.title, audit.filled(row))
        if first:
            db.insert_checkin(cur, first)
            _audit_auto_checkin(cur, actor, first, kr.title, kr.unit)
    return kid


def update_key_result(store: Store, actor: Actor, kr_id: str, data: KeyResultIn | dict, today: dt.date | None = None) -> None:
    """Replace a KR's fields; when its link changes, a check-in from the new link is added if the data has a value."""
    require_editor(actor)
    kr = _validate(KeyResultIn, data)
    old = db.get_key_result(store, kr_id)
    if old is None:
        raise OkrInputError({"id": f"no key result with id {kr_id!r}"})
    per = _check_kr_refs(store, kr)
    row = _kr_row(kr)
    link_changed = any(_opt(old[c]) != row[c] for c in ("kpi_key", "event_name", "window_days", "segment")) or \
        old["objective_id"] != kr.objective_id
    ci = _link_checkin(store, actor, kr_id, kr, per, today or dt.date.today(), "link") if link_changed else None
    with store.transaction("okrs") as cur:
        db.update_key_result(cur, kr_id, row, actor.email, utcnow())
        audit.record(cur, actor, "edit", "key_result", kr_id, kr.title,
                     audit.changes({c: _opt(old[c]) for c in row}, row))
        if ci:
            db.insert_checkin(cur, ci)
            _audit_auto_checkin(cur, actor, ci, kr.title, kr.unit)


def archive_key_result(store: Store, actor: Actor, kr_id: str) -> None:
    """Archive a KR (kept with its check-ins, hidden from lists); unknown id -> OkrInputError."""
    require_editor(actor)
    old = db.get_key_result(store, kr_id)
    if old is None:
        raise OkrInputError({"id": f"no key result with id {kr_id!r}"})
    with store.transaction("okrs") as cur:
        db.update_key_result(cur, kr_id, {"archived": True}, actor.email, utcnow())
        audit.record(cur, actor, "archive", "key_result", kr_id, old["title"], "archived (its check-ins are kept)")


def _audit_auto_checkin(cur, actor: Actor, row: dict, title: str, unit: str) -> None:
    """Record a check-in computed from data (on linking, after an import or its deletion, or a history fill)."""
    audit.record(cur, actor, "auto_check_in", "check_in", row["id"], title,
                 checkin_summary(row["value"], unit, None, row["comment"], row["as_of"]))


def _check_checkin(store: Store, kr: dict, ci: CheckinIn, today: dt.date) -> tuple[CheckinIn, dt.date]:
    per = resolve_period(store, kr["period"])
    as_of = ci.as_of or _as_of(per, today)
    if not per.contains(as_of):
        last = per.end - dt.timedelta(days=1)
        raise OkrInputError({"as_of": f"{as_of} is outside the period {per.label} ({per.start} – {last})"})
    if kr["kr_type"] == "milestone" and ci.value not in (0, 1):
        raise OkrInputError({"value": "a milestone check-in is 1 (done) or 0 (not done)"})
    try:
        _check_value(ci.value, kr.get("unit") or "number", "value")
    except ValueError as exc:
        raise OkrInputError({"value": str(exc)}) from None
    return ci, as_of


def add_checkin(store: Store, actor: Actor, kr_id: str, value: float, confidence: int | None = None,
                comment: str | None = None, as_of: dt.date | None = None, today: dt.date | None = None) -> Checkin:
    """Record a manual check-in (as_of defaults to today, kept inside the period) and return it; archived/unknown KR refused."""
    require_editor(actor)
    ci = _validate(CheckinIn, {"value": value, "confidence": confidence, "comment": comment, "as_of": as_of})
    kr = db.get_key_result(store, kr_id)
    if kr is None:
        raise OkrInputError({"kr_id": f"no key result with id {kr_id!r}"})
    if kr["archived"]:
        raise OkrInputError({"kr_id": f"key result '{kr['title']}' is archived"})
    ci, day = _check_checkin(store, kr, ci, today or dt.date.today())
    row = {"id": new_id("ci_"), "kr_id": kr_id, "value": ci.value, "confidence": ci.confidence,
           "comment": ci.comment, "source": "manual", "import_id": None, "as_of": day,
           "author": actor.email, "created_at": utcnow()}
    with store.transaction("okrs") as cur:
        db.insert_checkin(cur, row)
        audit.record(cur, actor, "check_in", "check_in", row["id"], kr["title"],
                     checkin_summary(row["value"], kr["unit"], row["confidence"], row["comment"], day))
    return Checkin(**row)


def edit_checkin(store: Store, actor: Actor, checkin_id: str, value: float, confidence: int | None = None,
                 comment: str | None = None, as_of: dt.date | None = None) -> None:
    """Replace a check-in's value, confidence, comment and day (any source; the editor is recorded)."""
    require_editor(actor)
    old = db.get_checkin(store, checkin_id)
    if old is None:
        raise OkrInputError({"checkin_id": f"no check-in with id {checkin_id!r}"})
    ci = _validate(CheckinIn, {"value": value, "confidence": confidence, "comment": comment,
                               "as_of": as_of or _date(old["as_of"])})
    kr = db.get_key_result(store, old["kr_id"])
    ci, day = _check_checkin(store, kr, ci, dt.date.today())
    new = {"value": ci.value, "confidence": ci.confidence, "comment": ci.comment, "as_of": day}
    shown = lambda d: {**d, "value": format_kr_value(d["value"], kr["unit"])}  # noqa: E731
    with store.transaction("okrs") as cur:
        db.update_checkin(cur, checkin_id, new, actor.email, utcnow())
        audit.record(cur, actor, "edit", "check_in", checkin_id, kr["title"],
                     audit.changes(shown({c: _opt(old[c]) for c in new} | {"as_of": _date(old["as_of"])}), shown(new)))


def delete_checkin(store: Store, actor: Actor, checkin_id: str) -> None:
    """Delete a check-in; an unknown id -> OkrInputError."""
    require_editor(actor)
    old = db.get_checkin(store, checkin_id)
    if old is None:
        raise OkrInputError({"checkin_id": f"no check-in with id {checkin_id!r}"})
    kr = db.get_key_result(store, old["kr_id"]) or {"title": old["kr_id"], "unit": "number"}
    with store.transaction("okrs") as cur:
        db.delete_checkin(cur, checkin_id)
        audit.record(cur, actor, "delete", "check_in", checkin_id, kr["title"],
                     checkin_summary(old["value"], kr["unit"], _opt(old["confidence"]), _opt(old["comment"]),
                                     _date(old["as_of"])))


def _kr_in_from_row(k: dict) -> KeyResultIn:
    return KeyResultIn(objective_id=k["objective_id"], title=k["title"], kr_type=k["kr_type"],
                       baseline=float(k["baseline"]), target=float(k["target"]), unit=k["unit"],
                       weight=float(k["weight"]), kpi=_opt(k["kpi_key"]), event_name=_opt(k["event_name"]),
                       window_days=None if _opt(k["window_days"]) is None else int(k["window_days"]),
                       segment=_opt(k["segment"]), due_date=_date(k["due_date"]), owner=_opt(k["owner"]) or "")


def auto_checkins_after_import(store: Store, actor: Actor, import_id: str, today: dt.date | None = None,
                               file_name: str | None = None, comment: str | None = None) -> list[Checkin]:
    """Re-compute every active linked KR and add an 'import' check-in naming import_id where the value changed; returns them.

    After an import is deleted its provenance is gone, so the caller passes the file name and a
    comment saying the rows were removed.

    A KR whose data cannot give a value (e.g. no events in its period yet), or whose stored link no
    longer validates, is left alone. KRs of ended periods are updated too: late data (e.g. the last
    cohorts of a quarter reaching week 4) legitimately moves a grade.
    """
    require_editor(actor)
    today = today or dt.date.today()
    linked = db.linked_key_results(store)
    if not linked:
        return []
    latest = db.latest_checkin_values(store, [k["id"] for k in linked])
    file_name = file_name or imports_store.import_file_name(store, import_id) or import_id
    rows = []
    for k in linked:
        try:
            kr = _kr_in_from_row(k)
            per = resolve_period(store, k["period"])
            ci = _link_checkin(store, actor, k["id"], kr, per, today, "import", import_id,
                               comment=comment or f"Updated by import {file_name}")
        except ValueError:
            # One KR whose stored link no longer validates (e.g. its custom period was removed) must not
            # lose the import's result for everyone else; it keeps its last value.
            continue
        if ci is None:
            continue
        prev = latest.get(k["id"])
        if prev is not None and math.isclose(prev, ci["value"], rel_tol=1e-9, abs_tol=1e-12):
            continue
        rows.append((ci, k))
    if rows:
        with store.transaction("okrs") as cur:
            for r, k in rows:
                db.insert_checkin(cur, r)
                _audit_auto_checkin(cur, actor, r, k["title"], k["unit"])
    return [Checkin(**r, import_file=file_name) for r, _ in rows]


def backfill_linked(store: Store, actor: Actor, kr_id: str, every_days: int = 7, today: dt.date | None = None) -> list[Checkin]:
    """Add 'link' check-ins computed from the data every N days of the period up to today (event-count links only); returns them.

    Days that already have a check-in, or where the data gives no value, are skipped. A KPI link is
    refused: KPIs are computed for the whole period, so they have no honest value part-way through it.
    """
    require_editor(actor)
    k = db.get_key_result(store, kr_id)
    if k is None:
        raise OkrInputError({"kr_id": f"no key result with id {kr_id!r}"})
    if _opt(k["event_name"]) is None:
        raise OkrInputError({"kr_id": "history can be filled from data only for a KR linked to an event count"})
    if not 1 <= every_days <= 92:
        raise OkrInputError({"every_days": "choose a step of 1 to 92 days"})
    kr = _kr_in_from_row(k)
    per = resolve_period(store, k["period"])
    stop = _as_of(per, today or dt.date.today())
    have = {c.as_of for c in get_checkins(store, kr_id)}
    rows, day = [], per.start + dt.timedelta(days=every_days - 1)
    while day <= stop:
        ci = _link_checkin(store, actor, kr_id, kr, per, day, "link", comment="From data (history)")
        if ci and ci["as_of"] == day and day not in have:
            rows.append(ci)
        day += dt.timedelta(days=every_days)
    if rows:
        with store.transaction("okrs") as cur:
            for r in rows:
                db.insert_checkin(cur, r)
                _audit_auto_checkin(cur, actor, r, k["title"], k["unit"])
    return [Checkin(**r) for r in rows]
