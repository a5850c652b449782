"""AI feature quality (issue 18): the command line's reports and the AI sections of the briefings.

The layers beside it hold the rest: runs.py (features, versions, a run's data), explorer.py (threshold,
uncertainty, calibration), fairness.py (bias audit), compare.py (versions, graded evals), readiness.py. Reads go
through `store.memo` on the "ai" data area, so a threshold move reuses the sorted scores of a
run (pm_core.ai.maths.Curve) instead of reading 1M rows again. scikit-learn and Fairlearn are
imported inside the functions that use them (the CLI starts without them).

Decisions, stated once:
- a label is positive when it reads as yes (1, true, yes, y, t, positive, pos) or equals the
  feature's chosen positive class (class names need one; the error says so);
- the latest run of a feature is the version imported last;
- a segment group under the minimum size (default 30, per feature) is shown with its count and
  no metric; gaps and ratios are computed over the other groups only (Fairlearn's MetricFrame);
- a feature is ready when the latest evaluation meets every agreed bar (precision, recall, pass
  rate), no audited segment is flagged, someone signed off, and nobody marked it not ready.
"""
from __future__ import annotations

from typing import Any


from ..formatting import fmt_pct
from ..store import Store
from .features import AiError, feature_kind, feature_names, get_readiness, initiative_choices
from .explorer import calibration, explore
from .fairness import bias_audit
from .compare import compare_versions, eval_summary
from .readiness import readiness, readiness_for_initiative


# -- the command line's report ------------------------------------------------------------------------
def report(store: Store, feature: str | None = None, threshold: float | None = None,
           min_precision: float | None = None, min_recall: float | None = None,
           positive_label: str | None = None) -> dict[str, Any]:
    """Return one feature's metrics, intervals, curve points, segments, calibration and readiness as plain data (latest feature when None)."""
    names = feature_names(store)
    if not names:
        raise AiError("no AI evaluations yet: import scored predictions or a graded eval file (python -m pm_core import FILE)")
    f = feature or names[0]
    if f not in names:
        raise AiError(f"unknown AI feature {f!r}; features: {', '.join(names)}")
    kind = feature_kind(store, f)
    out: dict[str, Any] = {"feature": f, "kind": kind, "features": names}
    if kind == "predictions":
        ex = explore(store, f, threshold=threshold, min_precision=min_precision, min_recall=min_recall,
                     positive_label=positive_label)
        out.update(ex.model_dump())
        out["segments"] = [a.model_dump() for a in bias_audit(store, f, ex.version, ex.at.threshold)]
        out["calibration"] = calibration(store, f, ex.version)
    elif kind == "evals":
        out.update(eval_summary(store, f).model_dump())
    out["readiness"] = readiness(store, f).model_dump()
    return out


def versions_report(store: Store, feature: str | None = None, threshold: float | None = None) -> dict[str, Any]:
    """Return the latest two versions of a feature compared (scored predictions or graded evals) as plain data."""
    names = feature_names(store)
    f = feature or (names[0] if names else None)
    if f is None:
        raise AiError("no AI evaluations yet: import scored predictions or a graded eval file first")
    kind = feature_kind(store, f)
    if kind == "evals":
        s = eval_summary(store, f)
        if s.comparison is None:
            raise AiError(f"{f} has one version of graded evals; import another version to compare")
        return {"feature": f, "kind": kind, **s.comparison, "versions": s.versions}
    return {"kind": kind, **compare_versions(store, f, threshold=threshold).model_dump()}


# -- the AI section of the engineering and executive briefings ----------------------------------------
def briefing_sections(store: Store) -> list:
    """Return the briefing's 'AI quality' section (one table row per feature, the not-ready reasons); [] without AI features."""
    from ..briefing import BulletsItem, Column, Section, TableItem, TextItem

    names = feature_names(store)
    if not names:
        return []
    rows, bullets, ready_n = [], [], 0
    titles = dict(initiative_choices(store))
    for f in names[:12]:
        try:
            r = readiness(store, f)
        except AiError as exc:
            rows.append({"feature": f, "version": "—", "status": "cannot be read", "initiative": "", "value_1": None,
                         "value_2": None, "bars": ""})
            bullets.append(f"{f}: {exc}")
            continue
        doc = get_readiness(store, f)
        kind = feature_kind(store, f)
        v1 = v2 = None
        bars = ""
        if kind == "predictions":
            ex = explore(store, f)
            v1, v2 = ex.at.precision.value, ex.at.recall.value
            bars = " / ".join(fmt_pct(b) if b is not None else "—" for b in (doc.min_precision, doc.min_recall))
        elif kind == "evals":
            v1 = eval_summary(store, f).versions[0]["pass_rate"]
            bars = fmt_pct(doc.min_pass_rate) if doc.min_pass_rate is not None else "—"
        status = {"ready": "Ready", "not_ready": "Not ready", "no_bars": "No bars agreed", "no_data": "No evaluation"}[r.status]
        ready_n += r.ready
        rows.append({"feature": f, "version": r.version or "—", "status": status,
                     "initiative": titles.get(r.initiative_id or "", ""), "value_1": v1, "value_2": v2, "bars": bars})
        if not r.ready:
            bullets.extend(f"{f}: {reason}" for reason in r.reasons[:3])
    table = TableItem(title="AI features against their launch bars", columns=[
        Column(key="feature", label="AI feature"), Column(key="version", label="Latest version"),
        Column(key="status", label="Launch readiness"), Column(key="initiative", label="Initiative"),
        Column(key="value_1", label="Precision (or pass rate)", unit="fraction"),
        Column(key="value_2", label="Recall", unit="fraction"), Column(key="bars", label="Bars (precision / recall)")],
        rows=rows, note="At each feature's agreed threshold (0.5 when none). Bias audit: recall ratio between segment "
                        "groups, groups under the minimum size not measured.")
    items: list = [table]
    if bullets:
        items.append(BulletsItem(title="Why not ready", bullets=bullets[:15]))
    else:
        items.append(TextItem(text="Every AI feature meets its launch bars.", tone="success"))
    lead = f"{ready_n} of {len(rows)} AI feature{'s' if len(rows) != 1 else ''} ready to launch."
    return [Section(id="ai", title="AI quality", lead=lead, items=items,
                    notes="Precision: share of flagged items that were right. Recall: share of real cases found. "
                          "Ready means the latest evaluation meets every agreed bar, no segment is flagged by the bias "
                          "audit, a fallback is written and someone signed off.")]


def prd_section(store: Store, initiative_id: str) -> str:
    """Return the PRD one-pager's 'AI launch readiness' Markdown for an initiative's AI features ('' when none is linked)."""
    from ..text import md

    found = readiness_for_initiative(store, initiative_id)
    if not found:
        return ""
    out = ["", "## AI launch readiness", ""]
    for r in found:
        doc = get_readiness(store, r.feature)
        mark = "Ready" if r.ready else "Not ready"
        out.append(f"**{md(r.feature)}** ({md(r.version or 'no evaluation')}): **{mark}**")
        for c in r.checks:
            out.append(f"- {'✓' if c['ok'] else '✗'} {md(c['words'])}")
        for label, value in (("Problem–model fit", doc.problem_fit), ("Data source", doc.data_source),
                             ("When the AI is wrong", doc.fallback), ("What users are told", doc.explanation)):
            if value:
                out.append(f"- {label}: {md(value)}")
        out.append("")
    return "\n".join(out)
