"""The numbers of AI quality, as plain functions over numpy arrays (issue 18); no store, no Streamlit.

The threshold explorer sorts the scores once (`Curve`), so each threshold move is a binary search
over the distinct scores: O(log n), the same operating points as scikit-learn's
`precision_recall_curve` (an example is flagged when its score is at or above the threshold, and
tied scores move together). Intervals are Wilson score intervals (95%); version comparisons use
McNemar's test on the examples the two versions disagree on (exact binomial under 25 disagreements,
else chi-square with continuity correction).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Curve:
    """Confusion counts at every distinct score, highest first: flag when score >= thresholds[i]."""

    thresholds: np.ndarray   # distinct scores, descending
    tp: np.ndarray           # true positives when flagging at thresholds[i]
    fp: np.ndarray           # false positives when flagging at thresholds[i]
    positives: int
    negatives: int

    @property
    def n(self) -> int:
        """Return the number of examples behind the curve."""
        return self.positives + self.negatives


def build_curve(y: np.ndarray, score: np.ndarray) -> Curve:
    """Return the Curve of labels y (bool) and scores (finite floats); empty arrays give a curve with no thresholds."""
    y = np.asarray(y, dtype=bool)
    score = np.asarray(score, dtype=float)
    order = np.argsort(-score, kind="stable")
    s, t = score[order], y[order]
    tp_all = np.cumsum(t, dtype=np.int64)
    fp_all = np.arange(1, len(t) + 1, dtype=np.int64) - tp_all
    # the last index of each run of equal scores: ties are flagged together
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1] if len(s) else np.array([], dtype=np.int64)
    return Curve(thresholds=s[last], tp=tp_all[last], fp=fp_all[last],
                 positives=int(t.sum()), negatives=int(len(t) - t.sum()))


def counts_at(curve: Curve, threshold: float) -> tuple[int, int, int, int]:
    """Return (tp, fp, fn, tn) when flagging scores >= threshold; a threshold above every score flags nothing."""
    k = int(np.searchsorted(-curve.thresholds, -float(threshold), side="right"))
    tp = int(curve.tp[k - 1]) if k else 0
    fp = int(curve.fp[k - 1]) if k else 0
    return tp, fp, curve.positives - tp, curve.negatives - fp


def ratio(num: int, den: int) -> float | None:
    """Return num / den, or None when den is 0 (precision with nothing flagged, recall with no positives)."""
    return None if den == 0 else num / den


def f1(precision: float | None, recall: float | None) -> float | None:
    """Return the harmonic mean of precision and recall; None when either is undefined, 0 when both are 0."""
    if precision is None or recall is None:
        return None
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Return the Wilson score interval of k successes in n trials (95% by default); None when n is 0."""
    if n <= 0:
        return None
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


def n_to_distinguish(bar: float, current: float, alpha: float = 0.05, power: float = 0.8) -> int | None:
    """Return the trials needed to tell a proportion `current` from `bar` (two-sided one-sample test); None when equal or out of (0, 1)."""
    from scipy.stats import norm

    if not (0 < bar < 1) or not (0 <= current <= 1) or abs(current - bar) < 1e-12:
        return None
    za, zb = norm.ppf(1 - alpha / 2), norm.ppf(power)
    num = za * math.sqrt(bar * (1 - bar)) + zb * math.sqrt(current * (1 - current))
    return int(math.ceil((num / (current - bar)) ** 2))


def cheapest_threshold(curve: Curve, cost_fp: float, cost_fn: float) -> tuple[float | None, float]:
    """Return (threshold, total cost) minimising cost_fp*FP + cost_fn*FN; threshold None means flag nothing is cheapest."""
    fn = curve.positives - curve.tp
    costs = cost_fp * curve.fp + cost_fn * fn
    none_cost = cost_fn * curve.positives
    if not len(costs) or none_cost <= costs.min():
        return None, float(none_cost)
    i = int(np.argmin(costs))  # the first minimum: the highest threshold at that cost
    return float(curve.thresholds[i]), float(costs[i])


def best_for_precision(curve: Curve, min_precision: float) -> float | None:
    """Return the threshold with the most recall whose precision is at least min_precision (ties: the higher threshold); None when none meets it."""
    flagged = curve.tp + curve.fp
    ok = np.nonzero(curve.tp >= min_precision * flagged - 1e-12)[0]
    ok = ok[flagged[ok] > 0]
    if not len(ok):
        return None
    best = ok[np.argmax(curve.tp[ok])]   # argmax gives the first (highest threshold) of equal recalls
    return float(curve.thresholds[best])


def best_for_recall(curve: Curve, min_recall: float) -> float | None:
    """Return the threshold with the best precision whose recall is at least min_recall; None when no positives."""
    if curve.positives == 0:
        return None
    ok = np.nonzero(curve.tp >= min_recall * curve.positives - 1e-12)[0]
    if not len(ok):
        return None
    prec = curve.tp[ok] / (curve.tp[ok] + curve.fp[ok])
    return float(curve.thresholds[ok[np.argmax(prec)]])


def mcnemar(b: int, c: int) -> float | None:
    """Return McNemar's two-sided p-value for b and c discordant pairs; None when the versions never disagree."""
    from scipy.stats import binomtest, chi2

    n = b + c
    if n == 0:
        return None
    if n < 25:
        return float(binomtest(min(b, c), n, 0.5).pvalue)
    stat = (abs(b - c) - 1) ** 2 / n
    return float(chi2.sf(stat, 1))


def curve_points(curve: Curve, max_points: int = 250) -> list[dict]:
    """Return at most max_points (threshold, precision, recall) points of the curve for a chart, evenly spread over its thresholds."""
    m = len(curve.thresholds)
    if m == 0 or curve.positives == 0:
        return []
    idx = np.unique(np.linspace(0, m - 1, min(m, max_points)).round().astype(int))
    flagged = curve.tp[idx] + curve.fp[idx]
    return [{"threshold": float(curve.thresholds[i]), "precision": float(curve.tp[i] / f) if f else None,
             "recall": float(curve.tp[i] / curve.positives)} for i, f in zip(idx, flagged)]


def encode_groups(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (codes, sorted group names) of a segment column; a missing value is the group '(empty)'."""
    import pandas as pd

    # hash-based factorize: np.unique sorts 1M strings per segment (about 1 s), this takes ~50 ms
    codes, uniq = pd.factorize(np.asarray(groups, dtype=object), sort=True, use_na_sentinel=False)
    names = np.array(["(empty)" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in uniq],
                     dtype=object)
    return codes, names
