"""The threshold explorer: one operating point with its uncertainty, what a bar needs, calibration."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ..formatting import fmt_int, fmt_pct
from ..store import Store
from ..validators import finite_number
from . import maths
from .features import DEFAULT_THRESHOLD, get_readiness, run_data


# -- the threshold explorer -------------------------------------------------------------------------
class Interval(BaseModel):
    """A proportion with its 95% Wilson interval and the count it rests on."""

    value: float | None
    low: float | None = None
    high: float | None = None
    successes: int = 0
    trials: int = 0


class Operating(BaseModel):
    """The confusion counts and metrics at one threshold, with intervals and the sentence a PM reads."""

    threshold: float
    tp: int
    fp: int
    fn: int
    tn: int
    precision: Interval
    recall: Interval
    f1: float | None
    flag_rate: float | None
    sentence: str


def _interval(k: int, n: int) -> Interval:
    ci = maths.wilson(k, n)
    return Interval(value=maths.ratio(k, n), low=ci[0] if ci else None, high=ci[1] if ci else None, successes=k, trials=n)


def _sentence(tp: int, fp: int, fn: int) -> str:
    flagged = tp + fp
    if flagged == 0:
        return f"Nothing is flagged at this threshold; all {fmt_int(fn)} real cases are missed."
    return (f"Of {fmt_int(flagged)} items flagged, {fmt_int(tp)} were right and {fmt_int(fp)} were not; "
            f"{fmt_int(fn)} real case{'s were' if fn != 1 else ' was'} missed.")


def operating_point(curve: maths.Curve, threshold: float) -> Operating:
    """Return the metrics at a threshold (flag when score >= threshold); precision is None when nothing is flagged."""
    tp, fp, fn, tn = maths.counts_at(curve, threshold)
    p, r = _interval(tp, tp + fp), _interval(tp, tp + fn)
    return Operating(threshold=float(threshold), tp=tp, fp=fp, fn=fn, tn=tn, precision=p, recall=r,
                     f1=maths.f1(p.value, r.value), flag_rate=maths.ratio(tp + fp, curve.n), sentence=_sentence(tp, fp, fn))


class Explorer(BaseModel):
    """What the threshold explorer shows for one run at one threshold."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    feature: str
    version: str
    examples: int
    positives: int
    left_out: int
    from_scores: bool
    probabilities: bool
    threshold_source: str            # 'given' | 'min_precision' | 'min_recall' | 'agreed' | 'default'
    at: Operating
    cheapest: dict[str, Any]
    for_min_precision: dict[str, Any] | None = None
    for_min_recall: dict[str, Any] | None = None
    needed: list[dict[str, Any]] = Field(default_factory=list)
    curve: list[dict[str, Any]] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def _check_prob(value: float | None, what: str) -> float | None:
    return None if value is None else finite_number(value, what, lo=0, hi=1)


def _needed(metric: str, bar: float | None, current: Interval, per_example: float | None) -> dict[str, Any] | None:
    if bar is None or current.value is None:
        return None
    n = maths.n_to_distinguish(bar, current.value)
    examples = None if n is None or not per_example else int(math.ceil(n / per_example))
    have = current.trials
    if n is None:
        words = f"The {metric} equals the bar; no sample can tell them apart."
    else:
        unit = "flagged items" if metric == "precision" else "real cases"
        words = (f"Telling a {metric} of {fmt_pct(current.value)} from the bar of {fmt_pct(bar)} takes about "
                 f"{fmt_int(n)} {unit}" + (f" (about {fmt_int(examples)} labelled examples)" if examples else "")
                 + f"; this evaluation has {fmt_int(have)}" + (" — enough." if have >= n else " — not enough yet."))
    return {"metric": metric, "bar": bar, "current": current.value, "trials_needed": n, "examples_needed": examples,
            "trials_now": have, "enough": None if n is None else have >= n, "words": words}


def explore(store: Store, feature: str, version: str | None = None, threshold: float | None = None,
            min_precision: float | None = None, min_recall: float | None = None,
            cost_fp: float = 1.0, cost_fn: float = 1.0, positive_label: str | None = None) -> Explorer:
    """Return the explorer at a threshold: given, else the one meeting min_precision (or min_recall) best, else the agreed one, else 0.5.

    With no threshold meeting the asked precision/recall, the agreed (or default) threshold is
    used and a note says so. Costs must be finite and >= 0.
    """
    cost_fp = finite_number(cost_fp, "cost of a false positive", lo=0)
    cost_fn = finite_number(cost_fn, "cost of a false negative", lo=0)
    min_precision = _check_prob(min_precision, "minimum precision")
    min_recall = _check_prob(min_recall, "minimum recall")
    rd = run_data(store, feature, version, positive_label)
    c = rd.curve
    notes: list[str] = []
    doc = get_readiness(store, feature)
    for_p = maths.best_for_precision(c, min_precision) if min_precision is not None else None
    for_r = maths.best_for_recall(c, min_recall) if min_recall is not None else None
    if not rd.from_scores:
        t, source = 0.5, "given"
        notes.append("This run has predicted labels and no scores: there is one operating point, no threshold to move.")
    elif threshold is not None:
        t, source = finite_number(threshold, "threshold"), "given"
    elif min_precision is not None and for_p is not None:
        t, source = for_p, "min_precision"
    elif min_recall is not None and for_r is not None:
        t, source = for_r, "min_recall"
    elif doc.threshold is not None:
        t, source = doc.threshold, "agreed"
    else:
        t, source = DEFAULT_THRESHOLD, "default"
    if min_precision is not None and for_p is None:
        notes.append(f"No threshold reaches a precision of {fmt_pct(min_precision)} on this evaluation.")
    if min_recall is not None and for_r is None:
        notes.append(f"No threshold reaches a recall of {fmt_pct(min_recall)} on this evaluation.")
    if c.positives == 0:
        notes.append("This evaluation has no positive examples: recall is undefined and precision can only be 0.")
    if c.negatives == 0:
        notes.append("Every example is positive: precision is 100% at any threshold that flags something.")
    if rd.left_out:
        notes.append(f"{fmt_int(rd.left_out)} examples without a score are left out.")
    at = operating_point(c, t)
    cheap_t, cheap_cost = maths.cheapest_threshold(c, cost_fp, cost_fn)
    here_cost = cost_fp * at.fp + cost_fn * at.fn
    cheapest = {"threshold": cheap_t, "cost": cheap_cost, "cost_here": here_cost, "cost_fp": cost_fp, "cost_fn": cost_fn,
                "words": ("Flagging nothing is cheapest at these costs." if cheap_t is None else
                          f"At these costs the cheapest threshold is {cheap_t:.3g}: a total cost of {cheap_cost:,.0f} "
                          f"there, against {here_cost:,.0f} at the current threshold.")}
    bar_p = min_precision if min_precision is not None else doc.min_precision
    bar_r = min_recall if min_recall is not None else doc.min_recall

    def described(th: float | None) -> dict[str, Any] | None:
        if th is None:
            return None
        o = operating_point(c, th)
        return {"threshold": th, "precision": o.precision.value, "recall": o.recall.value}

    needed = [x for x in (_needed("precision", bar_p, at.precision, at.flag_rate),
                          _needed("recall", bar_r, at.recall, maths.ratio(c.positives, c.n))) if x]
    return Explorer(feature=feature, version=rd.version, examples=c.n, positives=c.positives, left_out=rd.left_out,
                    from_scores=rd.from_scores, probabilities=rd.probabilities, threshold_source=source, at=at,
                    cheapest=cheapest, for_min_precision=described(for_p) if min_precision is not None else None,
                    for_min_recall=described(for_r) if min_recall is not None else None, needed=needed,
                    curve=maths.curve_points(c) if rd.from_scores else [], notes=notes)


def score_range(store: Store, feature: str, version: str | None = None) -> tuple[float, float]:
    """Return (lowest, highest) score of a run, for a threshold slider; (0, 1) for a run without scores."""
    rd = run_data(store, feature, version)
    t = rd.curve.thresholds
    if not rd.from_scores or not len(t):
        return 0.0, 1.0
    return float(t[-1]), float(t[0])


# -- calibration ------------------------------------------------------------------------------------
def calibration(store: Store, feature: str, version: str | None = None, bins: int = 10) -> list[dict] | None:
    """Return the reliability curve (mean predicted score vs observed rate per bin, with counts); None when scores are not probabilities."""
    from sklearn.calibration import calibration_curve

    rd = run_data(store, feature, version)
    if not rd.probabilities or rd.curve.positives in (0, rd.curve.n):
        return None
    a = rd.arrays
    y, s = a["y"][rd.mask], a["score"][rd.mask]
    frac, mean = calibration_curve(y, s, n_bins=bins, strategy="uniform")
    edges = np.linspace(0, 1, bins + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], s), minlength=bins)  # the bins calibration_curve uses
    counts = counts[counts > 0]
    return [{"predicted": float(m), "observed": float(f), "examples": int(n)} for m, f, n in zip(mean, frac, counts)]
