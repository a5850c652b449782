"""Launch readiness: the agreed bars, sign-off, and key results linked to an AI metric."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ..formatting import fmt_int, fmt_pct
from ..store import Store
from ..store import ai_store
from .features import AREA, AiError, METRICS, feature_kind, feature_names, get_readiness
from .explorer import explore
from .fairness import bias_audit
from .compare import eval_summary


# -- launch readiness -------------------------------------------------------------------------------
class Readiness(BaseModel):
    """Ready / not ready for one feature, with each check in words."""

    feature: str
    ready: bool
    status: str                       # 'ready' | 'not_ready' | 'no_bars' | 'no_data'
    version: str | None = None
    checks: list[dict[str, Any]] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    initiative_id: str | None = None
    signed_off_by: str = ""
    headline: str = ""


def readiness(store: Store, feature: str) -> Readiness:
    """Return whether a feature is ready to launch from its latest evaluation and its agreed bars; 'no_bars' when none was agreed."""
    doc = get_readiness(store, feature)
    checks: list[dict[str, Any]] = []
    kind = feature_kind(store, feature)
    version = None
    if kind == "predictions":
        ex = explore(store, feature)
        version = ex.version
        at = ex.at
        for metric, bar, iv in (("precision", doc.min_precision, at.precision), ("recall", doc.min_recall, at.recall)):
            if bar is None:
                continue
            ok = iv.value is not None and iv.value >= bar
            checks.append({"check": metric, "ok": ok, "value": iv.value, "bar": bar,
                           "words": f"{metric.capitalize()} {fmt_pct(iv.value)} at threshold {at.threshold:.3g} "
                                    f"{'meets' if ok else 'is under'} the bar of {fmt_pct(bar)} "
                                    f"(95% interval {fmt_pct(iv.low)}–{fmt_pct(iv.high)})."})
        try:
            audits = bias_audit(store, feature, version, at.threshold)
        except AiError:
            audits = []
        for a in audits:
            if a.flagged:
                checks.append({"check": f"bias:{a.segment}", "ok": False, "value": a.recall_ratio, "bar": a.ratio_threshold,
                               "words": f"Bias audit: {a.words}"})
        if audits and not any(a.flagged for a in audits):
            checks.append({"check": "bias", "ok": True, "value": None, "bar": doc.ratio_threshold,
                           "words": "Bias audit: no segment's recall ratio is under "
                                    f"{doc.ratio_threshold:.2f} ({', '.join(a.segment for a in audits)})."})
    elif kind == "evals":
        s = eval_summary(store, feature)
        latest = s.versions[0]
        version = latest["version"]
        if doc.min_pass_rate is not None:
            ok = latest["pass_rate"] is not None and latest["pass_rate"] >= doc.min_pass_rate
            checks.append({"check": "pass_rate", "ok": ok, "value": latest["pass_rate"], "bar": doc.min_pass_rate,
                           "words": f"Pass rate {fmt_pct(latest['pass_rate'])} of {fmt_int(latest['examples'])} graded "
                                    f"examples {'meets' if ok else 'is under'} the bar of {fmt_pct(doc.min_pass_rate)}."})
    has_bars = any(c["check"] in ("precision", "recall", "pass_rate") for c in checks)
    if doc.signed_off_by:
        checks.append({"check": "sign_off", "ok": True, "value": None, "bar": None,
                       "words": f"Signed off by {doc.signed_off_by}."})
    else:
        checks.append({"check": "sign_off", "ok": False, "value": None, "bar": None, "words": "Nobody has signed off yet."})
    if not doc.fallback:
        checks.append({"check": "fallback", "ok": False, "value": None, "bar": None,
                       "words": "No fallback written for when the AI is wrong."})
    if doc.marked_not_ready:
        checks.append({"check": "marked", "ok": False, "value": None, "bar": None,
                       "words": "Marked not ready" + (f": {doc.not_ready_reason}" if doc.not_ready_reason else ".")})
    reasons = [c["words"] for c in checks if not c["ok"]]
    if kind is None:
        status, ready = "no_data", False
        reasons.insert(0, "No evaluation imported yet.")
    elif not has_bars:
        status, ready = "no_bars", False
        reasons.insert(0, "No launch bars agreed yet (minimum precision and recall, or pass rate).")
    else:
        ready = not reasons
        status = "ready" if ready else "not_ready"
    head = (f"{feature} is ready to launch ({version})." if ready else
            f"{feature} is not ready: {reasons[0]}" if reasons else f"{feature}: not ready.")
    return Readiness(feature=feature, ready=ready, status=status, version=version, checks=checks, reasons=reasons,
                     initiative_id=doc.initiative_id, signed_off_by=doc.signed_off_by, headline=head)


def readiness_for_initiative(store: Store, initiative_id: str) -> list[Readiness]:
    """Return the readiness of every AI feature linked to an initiative; [] when none is."""
    docs = store.memo(("ai.features",), lambda: ai_store.read_features(store), areas=(AREA,))
    return [readiness(store, f) for f, d in docs.items() if d.get("initiative_id") == initiative_id]


# -- key results linked to an AI metric -------------------------------------------------------------
def metric_link(feature: str, metric: str) -> str:
    """Return the KR link key of an AI metric ('ai:support-intent:precision'); AiError for an unknown metric."""
    if metric not in METRICS:
        raise AiError(f"unknown AI metric {metric!r}; metrics: {', '.join(METRICS)}")
    return f"ai:{feature}:{metric}"


def metric_choices(store: Store) -> list[str]:
    """Return the AI metric links a key result can use ('ai:<feature>:precision', ...); [] without AI evaluations."""
    out = []
    for f in feature_names(store):
        kind = feature_kind(store, f)
        metrics = ("precision", "recall", "f1") if kind == "predictions" else ("pass_rate",) if kind == "evals" else ()
        out.extend(f"ai:{f}:{m}" for m in metrics)
    return out


def parse_metric_link(key: str) -> tuple[str, str]:
    """Return (feature, metric) of an 'ai:<feature>:<metric>' key; AiError when it is not one."""
    parts = str(key).split(":")
    if len(parts) < 3 or parts[0] != "ai" or parts[-1] not in METRICS or not ":".join(parts[1:-1]).strip():
        raise AiError(f"{key!r} is not an AI metric link; write ai:<feature>:<metric> with metric one of {', '.join(METRICS)}")
    return ":".join(parts[1:-1]), parts[-1]


def metric_value(store: Store, key: str) -> tuple[float | None, str | None]:
    """Return (value, note) of an AI metric for a key result, from the feature's latest evaluation at its agreed threshold; value None with the reason otherwise."""
    feature, metric = parse_metric_link(key)
    try:
        if metric == "pass_rate":
            s = eval_summary(store, feature)
            v = s.versions[0]
            return v["pass_rate"], f"{v['version']}: {fmt_int(v['examples'])} graded examples"
        ex = explore(store, feature)
    except AiError as exc:
        return None, str(exc)
    value = {"precision": ex.at.precision.value, "recall": ex.at.recall.value, "f1": ex.at.f1}[metric]
    note = f"{ex.version} at threshold {ex.at.threshold:.3g} ({fmt_int(ex.examples)} examples)"
    return value, note if value is not None else f"{metric} is undefined for {ex.version}"
