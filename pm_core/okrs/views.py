"""What the OKR pages, briefings and CLI show: objectives with computed progress, summaries in words, formatted values."""
from __future__ import annotations

import datetime as dt

from .. import audit
from ..formatting import Unit, format_value
from ..periods import Period, parse_period, quarter_of
from ..store import Store
from ..store import okrs_store as db
from .links import _short_name, _source_definition
from .models import STATUSES, Checkin, KeyResultView, ObjectiveView, _date, _opt, link_text
from .periods import default_period, resolve_period
from .headlines import okr_headline
from .progress import kr_progress, kr_status, weighted_mean


def _build_views(store: Store, period: str, today: dt.date) -> list[ObjectiveView]:
    per = resolve_period(store, period)
    expected = per.fraction_elapsed(today) or 0.0
    over = today >= per.end
    objs = db.objectives(store, period)
    krs = db.key_results(store, period)
    cis = db.checkins(store, period=period)
    by_kr: dict[str, list[dict]] = {}
    for rec in cis:
        by_kr.setdefault(rec["kr_id"], []).append(rec)
    kr_views: dict[str, list[KeyResultView]] = {}
    for k in krs:
        hist = by_kr.get(k["id"], [])
        last = hist[-1] if hist else None
        current = float(last["value"]) if last else None
        if k["kr_type"] == "milestone" and current is None:
            current = 0.0  # a milestone nobody has checked in on is simply not done yet
        conf = next((int(h["confidence"]) for h in reversed(hist) if _opt(h["confidence"]) is not None), None)
        prog = kr_progress(k["kr_type"], float(k["baseline"]), float(k["target"]), current)
        status = kr_status(k["kr_type"], prog, expected, conf, current is not None, over)
        kpi, ev, wd, seg = _opt(k["kpi_key"]), _opt(k["event_name"]), _opt(k["window_days"]), _opt(k["segment"])
        wd = int(wd) if wd is not None else None
        kr_views.setdefault(k["objective_id"], []).append(KeyResultView(
            id=k["id"], objective_id=k["objective_id"], title=k["title"], type=k["kr_type"],
            baseline=float(k["baseline"]), target=float(k["target"]), unit=k["unit"], weight=float(k["weight"]),
            kpi=kpi, link=link_text(kpi, ev, wd), segment=seg, due_date=_date(k["due_date"]), owner=_opt(k["owner"]),
            current=current, current_as_of=_date(last["as_of"]) if last else None,
            progress=prog, expected=expected, status=status, confidence=conf,
            grade=round(prog, 2) if over else None,
            sparkline=[float(h["value"]) for h in hist[-20:]], checkins=len(hist),
            source_definition=_source_definition(kpi, ev, wd, seg), short_name=_short_name(k["title"], kpi, ev)))
    out = []
    for o in objs:
        ks = kr_views.get(o["id"], [])
        ws = [k.weight for k in ks]
        prog = weighted_mean([k.progress for k in ks], ws) or 0.0
        confs = [(k.confidence, k.weight) for k in ks if k.confidence is not None]
        conf = weighted_mean([c for c, _ in confs], [w for _, w in confs])
        conf = round(conf, 1) if conf is not None else None
        if not ks or all(k.status == "no_data" for k in ks):
            status = "no_data"
        else:
            status = kr_status("increase_to", prog, expected, conf, True, over)
        grade = weighted_mean([k.grade for k in ks], ws) if over and ks else None
        out.append(ObjectiveView(
            id=o["id"], title=o["title"], description=_opt(o["description"]), owner=_opt(o["owner"]),
            pillar=_opt(o["pillar"]), period=o["period"], parent_id=_opt(o["parent_id"]), progress=prog,
            expected=expected, status=status, confidence=conf,
            grade=round(grade, 2) if grade is not None else None, key_results=ks))
    return out


def list_okrs(store: Store, period: str | None = None, today: dt.date | None = None, pillar: str | None = None,
              owner: str | None = None, status: str | None = None) -> list[ObjectiveView]:
    """Return the period's active objectives with KRs and computed progress/expected/status/grade/confidence.

    period None means default_period(today). The status filter keeps only KRs with that status (and
    objectives with at least one); objective figures still cover all their KRs. Owner matches the
    objective's or a KR's owner.
    """
    today = today or dt.date.today()
    period = period or default_period(store, today)
    views = _build_views(store, period, today)
    out = []
    for o in views:
        if pillar and o.pillar != pillar:
            continue
        if owner and o.owner != owner and not any(k.owner == owner for k in o.key_results):
            continue
        if status:
            ks = [k for k in o.key_results if k.status == status]
            if not ks:
                continue
            o = o.model_copy(update={"key_results": ks})
        out.append(o)
    return out


def okr_status_counts(store: Store, period: str, today: dt.date | None = None) -> dict[str, int]:
    """Return {status: number of KRs} for the period, every status present (zeros included)."""
    return _counts(list_okrs(store, period, today))


def _counts(views: list[ObjectiveView]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for o in views:
        for k in o.key_results:
            counts[k.status] += 1
    return counts


def okr_page_data(store: Store, period: str, today: dt.date | None = None) -> dict:
    """Return {'objectives', 'summary', 'counts'} for a period computed from one read (what the page shows first)."""
    today = today or dt.date.today()
    views = list_okrs(store, period, today)
    return {"objectives": views, "summary": _summary(views, resolve_period(store, period), today),
            "counts": _counts(views)}


def targets_by_kpi(store: Store, period: str) -> dict[str, float]:
    """Return {kpi key: target} from the period's active KRs linked to a KPI without a segment (first created wins)."""
    out: dict[str, float] = {}
    for k in db.key_results(store, period):
        key = _opt(k["kpi_key"])
        if key and _opt(k["segment"]) is None and key not in out:
            out[key] = float(k["target"])
    return out


def _fmt(v: float | None, unit: str) -> str:
    return format_value(v, unit or Unit.NUMBER)


def format_kr_value(v: float | None, unit: str) -> str:
    """Return a KR value formatted for its unit ('12.4%', '1,234', 'done'): formatting.format_value; None -> '—'."""
    return format_value(v, unit or Unit.NUMBER)


def okr_summary(store: Store, period: str, today: dt.date | None = None) -> str:
    """Return the period's OKR headline, e.g. 'Conversion rate is off track: down 18.7% against a +10% goal, with a third of the quarter left. 2 of 5 key results are on track.'."""
    today = today or dt.date.today()
    return _summary(list_okrs(store, period, today), resolve_period(store, period), today)


def _summary(objs: list[ObjectiveView], per: Period, today: dt.date) -> str:
    return okr_headline(objs, per, today)


def get_checkins(store: Store, kr_id: str) -> list[Checkin]:
    """Return a KR's check-ins, oldest first by the day they describe (empty when none)."""
    return [_checkin_from(r) for r in db.checkins(store, kr_id=kr_id)]


def _checkin_from(r: dict) -> Checkin:
    return Checkin(id=r["id"], kr_id=r["kr_id"], value=float(r["value"]),
                   confidence=None if _opt(r["confidence"]) is None else int(r["confidence"]),
                   comment=_opt(r["comment"]), source=r["source"], import_id=_opt(r["import_id"]),
                   import_file=_opt(r.get("import_file")), as_of=_date(r["as_of"]), author=r["author"],
                   created_at=r["created_at"], edited_by=_opt(r.get("edited_by")))


def get_objective(store: Store, obj_id: str) -> dict | None:
    """Return an objective's stored fields (archived ones too; missing values as None), or None."""
    o = db.get_objective(store, obj_id)
    return None if o is None else {key: _opt(v) for key, v in o.items()}


def get_key_result(store: Store, kr_id: str) -> dict | None:
    """Return a KR's stored fields plus its objective's period and its link string, or None."""
    k = db.get_key_result(store, kr_id)
    if k is None:
        return None
    k = {key: _opt(v) for key, v in k.items()}
    k["due_date"] = _date(k["due_date"])
    k["link"] = link_text(k["kpi_key"], k["event_name"], int(k["window_days"]) if k["window_days"] else None)
    return k


def kpi_targets(store: Store, period: str = "all", today: dt.date | None = None) -> dict[str, dict]:
    """Return KPI key -> {'target', 'okr_period'} from key results linked to a KPI, for the quarter the period falls in.

    'all' uses the default OKR period (the one containing today); a month uses its quarter; empty
    when no key result links a KPI. (An OKR question, so it lives here: metrics does not import okrs.)
    """
    p = parse_period(period)
    if p.is_all:
        label = default_period(store, today)
    elif p.kind == "month":
        label = quarter_of(p.start).label
    else:
        label = p.label
    return {k: {"target": float(v), "okr_period": label} for k, v in targets_by_kpi(store, label).items()}


def checkin_summary(value: float, unit: str, confidence: int | None = None, comment: str | None = None,
                    as_of: dt.date | None = None) -> str:
    """Return a check-in in words for the audit log: 'value 23.5% (confidence 7), as of 2026-07-10: comment'."""
    text = f"value {format_kr_value(value, unit)}"
    if confidence is not None:
        text += f" (confidence {confidence})"
    if as_of is not None:
        text += f", as of {as_of}"
    if comment:
        text += f": {audit.show(comment)}"
    return text
