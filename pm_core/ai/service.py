"""AI feature quality (issue 18): the threshold explorer, uncertainty, versions, bias audit, calibration, readiness.

Everything a page, the CLI or a briefing shows about an AI feature comes from here. Reads go
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

import math
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .. import audit
from ..errors import InputError, from_pydantic
from ..auth import Actor, require_editor
from ..formatting import fmt_int, fmt_pct
from ..store import Store, utcnow
from ..store import ai_store
from ..text import clean_text
from ..validators import finite_number
from . import maths

AREA = "ai"
POSITIVE_WORDS = ("1", "1.0", "true", "yes", "y", "t", "positive", "pos")
NEGATIVE_WORDS = ("0", "0.0", "false", "no", "n", "f", "negative", "neg")
DEFAULT_THRESHOLD = 0.5
DEFAULT_MIN_GROUP = 30
DEFAULT_RATIO = 0.8
METRICS = ("precision", "recall", "f1", "pass_rate")


class AiError(InputError):
    """Input or data an AI computation cannot use; the message says what to do (per field for the readiness form)."""


# -- runs -------------------------------------------------------------------------------------------
def runs(store: Store) -> list[dict]:
    """Return every imported run (kind, feature, version, n, imported_at), newest first; empty without AI imports."""
    return store.memo(("ai.runs",), lambda: ai_store.runs(store).to_dict(orient="records"), areas=(AREA,))


def feature_names(store: Store) -> list[str]:
    """Return the AI features that have evaluations or a readiness record, most recently imported first."""
    names = list(dict.fromkeys(r["feature"] for r in runs(store)))
    for f in ai_store.read_features(store):
        if f not in names:
            names.append(f)
    return names


def versions(store: Store, feature: str, kind: str | None = None) -> list[str]:
    """Return a feature's versions, newest import first (only predictions or evals when kind is given); [] when unknown."""
    return [r["version"] for r in runs(store) if r["feature"] == feature and (kind is None or r["kind"] == kind)]


def feature_kind(store: Store, feature: str) -> str | None:
    """Return 'predictions' or 'evals' for a feature's latest run ('predictions' wins when it has both); None without runs."""
    kinds = {r["kind"] for r in runs(store) if r["feature"] == feature}
    return "predictions" if "predictions" in kinds else ("evals" if kinds else None)


def _latest(store: Store, feature: str, version: str | None, kind: str) -> str:
    vs = versions(store, feature, kind)
    if not vs:
        known = ", ".join(dict.fromkeys(r["feature"] for r in runs(store) if r["kind"] == kind)) or "none yet"
        raise AiError(f"no {'scored predictions' if kind == 'predictions' else 'graded evals'} for the AI feature "
                      f"{feature!r}; features with them: {known}")
    if version is None:
        return vs[0]
    if version not in vs:
        raise AiError(f"the AI feature {feature!r} has no version {version!r}; versions: {', '.join(vs)}")
    return version


# -- labels and scores ------------------------------------------------------------------------------
def positive_words(store: Store, feature: str, version: str, positive_label: str | None = None) -> list[str]:
    """Return the lower-cased label texts counted as positive; AiError when labels are class names and none was chosen."""
    labels = [v for v, _ in ai_store.label_values(store, feature, version)]
    if positive_label:
        if positive_label.lower() not in {v.lower() for v in labels}:
            raise AiError(f"the positive class {positive_label!r} is not a label of {feature} {version}; labels seen: "
                          + ", ".join(labels[:12]))
        return [positive_label.lower()]
    lowered = {v.lower() for v in labels}
    if lowered <= set(POSITIVE_WORDS) | set(NEGATIVE_WORDS):
        return list(POSITIVE_WORDS)
    raise AiError(f"the labels of {feature} {version} are class names ({', '.join(labels[:8])}"
                  f"{' ...' if len(labels) > 8 else ''}); choose the positive class in the feature's launch readiness "
                  "(or --positive on the command line)")


class RunData:
    """One run's arrays and its sorted curve (kept in the store's memo; never modified)."""

    def __init__(self, feature: str, version: str, arrays: dict[str, np.ndarray], segment_keys: list[str]):
        self.feature, self.version = feature, version
        self.arrays = arrays
        self.segment_keys = segment_keys
        y, score, pred = arrays["y"], arrays["score"], arrays["pred"]
        has_score = np.isfinite(score)
        self.from_scores = bool(has_score.any())
        if self.from_scores:
            self.mask = has_score
            self.curve = maths.build_curve(y[has_score], score[has_score])
        else:  # predicted labels only: one operating point (flag = predicted positive)
            self.mask = pred >= 0
            self.curve = maths.build_curve(y[self.mask], pred[self.mask].astype(float))
        self.left_out = int(len(y) - self.mask.sum())
        self.probabilities = bool(self.from_scores and score[has_score].min() >= 0 and score[has_score].max() <= 1)
        self._encoded: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def encoded(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the group codes of a segment over the measured rows, computed once per run (threshold moves reuse them)."""
        if key not in self._encoded:
            self._encoded[key] = encode_groups(self.arrays[f"seg:{key}"][self.mask])
        return self._encoded[key]


def run_data(store: Store, feature: str, version: str | None = None, positive_label: str | None = None) -> RunData:
    """Return the memoised arrays and curve of a run (latest version when None); AiError when the feature has no predictions."""
    version = _latest(store, feature, version, "predictions")
    if positive_label is None:
        positive_label = get_readiness(store, feature).positive_label or None

    def load() -> RunData:
        pos = positive_words(store, feature, version, positive_label)
        keys = [k for k, _ in ai_store.segment_keys(store, feature, version)]
        return RunData(feature, version, ai_store.scored(store, feature, version, pos, tuple(keys)), keys)

    return store.memo(("ai.run", feature, version, positive_label), load, areas=(AREA,))


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


# -- bias audit -------------------------------------------------------------------------------------
class GroupRow(BaseModel):
    """One group of a segment: its size and metrics (None when suppressed for size)."""

    group: str
    examples: int
    positives: int
    suppressed: bool
    precision: float | None = None
    recall: float | None = None
    recall_low: float | None = None
    recall_high: float | None = None
    selection_rate: float | None = None


class SegmentAudit(BaseModel):
    """Every metric by group of one segment column, the largest gap and ratio, and whether it is flagged."""

    segment: str
    groups: list[GroupRow]
    min_group: int
    ratio_threshold: float
    precision_gap: float | None = None
    precision_ratio: float | None = None
    recall_gap: float | None = None
    recall_ratio: float | None = None
    worst_recall_group: str | None = None
    flagged: bool = False
    words: str = ""


def _nan_none(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def encode_groups(groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (codes, sorted group names) of a segment column; a missing value is the group '(empty)'."""
    import pandas as pd

    # hash-based factorize: np.unique sorts 1M strings per segment (about 1 s), this takes ~50 ms
    codes, uniq = pd.factorize(np.asarray(groups, dtype=object), sort=True, use_na_sentinel=False)
    names = np.array(["(empty)" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in uniq],
                     dtype=object)
    return codes, names


def audit_segment(y: np.ndarray, flagged: np.ndarray, groups: np.ndarray | None, segment: str,
                  min_group: int = DEFAULT_MIN_GROUP, ratio_threshold: float = DEFAULT_RATIO,
                  encoded: tuple[np.ndarray, np.ndarray] | None = None) -> SegmentAudit:
    """Return the audit of one segment from arrays (or its `encode_groups` codes); groups under min_group are counted but not measured."""
    from fairlearn.metrics import MetricFrame, selection_rate
    from sklearn.metrics import precision_score, recall_score

    inverse, names = encoded if encoded is not None else encode_groups(groups)
    sizes = np.bincount(inverse, minlength=len(names))
    pos = np.bincount(inverse, weights=y.astype(float), minlength=len(names)).astype(int)
    big = sizes >= min_group
    rows: dict[str, GroupRow] = {str(g): GroupRow(group=str(g), examples=int(n), positives=int(p), suppressed=not b)
                                 for g, n, p, b in zip(names, sizes, pos, big)}
    out = SegmentAudit(segment=segment, groups=[], min_group=min_group, ratio_threshold=ratio_threshold)
    if big.sum() >= 1:
        # MetricFrame stacks its inputs row by row in Python (1.8 s per segment at 100k rows), so each
        # group's rows are first collapsed to its four confusion cells, weighted by their counts: every
        # metric here is a weighted count, so the figures are the same as on the rows (the tests check).
        cell = inverse * 4 + y.astype(np.int64) * 2 + flagged.astype(np.int64)
        counts = np.bincount(cell, minlength=len(names) * 4)
        idx = np.nonzero(counts)[0]
        idx = idx[big[idx // 4]]
        w = counts[idx].astype(float)
        yc, pc, gc = (idx // 2) % 2, idx % 2, names[idx // 4]
        weights = {"sample_weight": w}
        mf = MetricFrame(metrics={"precision": lambda a, b, sample_weight: precision_score(
                                      a, b, sample_weight=sample_weight, zero_division=np.nan),
                                  "recall": lambda a, b, sample_weight: recall_score(
                                      a, b, sample_weight=sample_weight, zero_division=np.nan),
                                  "selection_rate": selection_rate},
                         y_true=yc, y_pred=pc, sensitive_features=gc,
                         sample_params={"precision": weights, "recall": weights, "selection_rate": weights})
        table = mf.by_group
        for g, row in table.iterrows():
            r = rows[str(g)]
            r.precision, r.recall, r.selection_rate = (_nan_none(row["precision"]), _nan_none(row["recall"]),
                                                       _nan_none(row["selection_rate"]))
            tp = int(round((r.recall or 0) * r.positives))
            ci = maths.wilson(tp, r.positives)
            if ci:
                r.recall_low, r.recall_high = ci
        if big.sum() >= 2:
            diff, rat = mf.difference(), mf.ratio()
            out.precision_gap, out.precision_ratio = _nan_none(diff["precision"]), _nan_none(rat["precision"])
            out.recall_gap, out.recall_ratio = _nan_none(diff["recall"]), _nan_none(rat["recall"])
            measured = [r for r in rows.values() if r.recall is not None]
            if measured:
                worst = min(measured, key=lambda r: r.recall)
                out.worst_recall_group = worst.group
    out.groups = sorted(rows.values(), key=lambda r: (-r.examples, r.group))
    small = [r for r in out.groups if r.suppressed]
    out.flagged = out.recall_ratio is not None and out.recall_ratio < ratio_threshold
    if out.recall_ratio is None:
        out.words = (f"{segment}: fewer than two groups have {min_group} or more examples; nothing to compare.")
    else:
        best = max((r for r in out.groups if r.recall is not None), key=lambda r: r.recall)
        worst = next(r for r in out.groups if r.group == out.worst_recall_group)
        out.words = (f"{segment}: recall for {worst.group} is {fmt_pct(worst.recall)} against {fmt_pct(best.recall)} for "
                     f"{best.group} (ratio {out.recall_ratio:.2f}"
                     + (f", under the {ratio_threshold:.2f} bar)." if out.flagged else f", within the {ratio_threshold:.2f} bar)."))
    if small:
        out.words += (f" {len(small)} group{'s' if len(small) > 1 else ''} under {min_group} examples "
                      f"({', '.join(r.group for r in small[:5])}{' ...' if len(small) > 5 else ''}) not measured.")
    return out


def bias_audit(store: Store, feature: str, version: str | None = None, threshold: float | None = None,
               segment: str | None = None, min_group: int | None = None,
               ratio_threshold: float | None = None) -> list[SegmentAudit]:
    """Return the audit of every segment column of a run (or one) at a threshold (the agreed one, else 0.5); [] without segments."""
    doc = get_readiness(store, feature)
    rd = run_data(store, feature, version)
    mg = int(finite_number(min_group if min_group is not None else doc.min_group_size, "minimum group size", lo=1, hi=1e9))
    rt = finite_number(ratio_threshold if ratio_threshold is not None else doc.ratio_threshold,
                       "audit ratio threshold", lo=0, hi=1)
    t = threshold if threshold is not None else (doc.threshold if doc.threshold is not None else DEFAULT_THRESHOLD)
    t = finite_number(t, "threshold")
    keys = rd.segment_keys if segment is None else [segment]
    unknown = [k for k in keys if k not in rd.segment_keys]
    if unknown:
        raise AiError(f"{feature} {rd.version} has no segment column {unknown[0]!r}; segments: "
                      + (", ".join(rd.segment_keys) or "none"))

    def compute() -> list[SegmentAudit]:
        a = rd.arrays
        m = rd.mask
        y = a["y"][m]
        flagged = (a["score"][m] >= t) if rd.from_scores else (a["pred"][m] == 1)
        return [audit_segment(y, flagged, None, k, mg, rt, encoded=rd.encoded(k)) for k in keys]

    return store.memo(("ai.audit", feature, rd.version, float(t), tuple(keys), mg, rt), compute, areas=(AREA,))


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


# -- versions side by side --------------------------------------------------------------------------
class VersionsResult(BaseModel):
    """Two versions on the examples they share: metrics of each, who got better or worse, McNemar's p."""

    feature: str
    a: str
    b: str
    shared: int
    a_metrics: dict[str, Any]
    b_metrics: dict[str, Any]
    a_only_right: int                # examples version a got right and b wrong (b got worse)
    b_only_right: int                # examples b got right and a wrong (b got better)
    p_value: float | None
    worse_examples: list[str] = Field(default_factory=list)
    better_examples: list[str] = Field(default_factory=list)
    words: str = ""


def _correct(rd: RunData, t: float) -> np.ndarray:
    a = rd.arrays
    flagged = (a["score"] >= t) if rd.from_scores else (a["pred"] == 1)
    return (flagged == a["y"]) & rd.mask


def _pairs(store: Store, ra: RunData, rb: RunData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (rows of a, rows of b, example ids) of the examples both runs scored, matched by id, sorted by id (first row of a repeated id)."""
    import pandas as pd

    def index(rd: RunData) -> pd.Series:
        ids = pd.Series(rd.arrays["example_id"], dtype=object)
        keep = rd.mask & (ids != "").to_numpy()
        s = pd.Series(np.nonzero(keep)[0], index=ids[keep].to_numpy())
        return s[~s.index.duplicated()]

    def compute():
        ia, ib = index(ra), index(rb)
        shared = ia.index.intersection(ib.index).sort_values()
        return ia[shared].to_numpy(), ib[shared].to_numpy(), np.asarray(shared, dtype=object)

    return store.memo(("ai.pairs", ra.feature, ra.version, rb.version), compute, areas=(AREA,))


def _paired_words(a: str, b: str, shared: int, b_better: int, b_worse: int, p: float | None, unit: str) -> str:
    if shared == 0:
        return f"{a} and {b} share no examples (matched by example id); they cannot be compared pair by pair."
    sig = "" if p is None else (f" McNemar p = {p:.3g}: " + ("a real difference." if p < 0.05 else "could be chance."))
    return (f"On {fmt_int(shared)} shared examples, {b} got {fmt_int(b_better)} right that {a} got wrong, and "
            f"{fmt_int(b_worse)} wrong that {a} got right.{sig}")


def compare_versions(store: Store, feature: str, a: str | None = None, b: str | None = None,
                     threshold: float | None = None) -> VersionsResult:
    """Return versions a (default: the one before the latest) and b (default: the latest) of scored predictions, paired by example id."""
    vs = versions(store, feature, "predictions")
    if len(vs) < 2 and (a is None or b is None):
        raise AiError(f"{feature} has {len(vs)} version{'s' if len(vs) != 1 else ''} of scored predictions; import "
                      "another version (a model/version column, or a second file) to compare")
    b = b or vs[0]
    a = a or next(v for v in vs if v != b)
    doc = get_readiness(store, feature)
    t = finite_number(threshold if threshold is not None else (doc.threshold if doc.threshold is not None else DEFAULT_THRESHOLD), "threshold")
    ra, rb = run_data(store, feature, a), run_data(store, feature, b)
    ia, ib, ids = _pairs(store, ra, rb)
    oka, okb = _correct(ra, t)[ia], _correct(rb, t)[ib]
    shared = ids
    worse = list(ids[oka & ~okb][:20])
    better = list(ids[~oka & okb][:20])
    n_worse, n_better = int((oka & ~okb).sum()), int((~oka & okb).sum())
    p = maths.mcnemar(n_worse, n_better)

    def m(rd: RunData) -> dict[str, Any]:
        o = operating_point(rd.curve, t)
        return {"examples": rd.curve.n, "precision": o.precision.value, "recall": o.recall.value, "f1": o.f1,
                "precision_interval": [o.precision.low, o.precision.high], "recall_interval": [o.recall.low, o.recall.high]}

    return VersionsResult(feature=feature, a=a, b=b, shared=len(shared), a_metrics=m(ra), b_metrics=m(rb),
                          a_only_right=n_worse, b_only_right=n_better, p_value=p,
                          worse_examples=[str(x) for x in worse], better_examples=[str(x) for x in better],
                          words=_paired_words(a, b, len(shared), n_better, n_worse, p, "examples"))


# -- graded evals -----------------------------------------------------------------------------------
class EvalSummary(BaseModel):
    """Pass rates of a generative feature by version and category, and the latest two versions compared."""

    feature: str
    versions: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    comparison: dict[str, Any] | None = None
    scale: str


def eval_summary(store: Store, feature: str) -> EvalSummary:
    """Return pass rates (with Wilson intervals) per version and per category; AiError when the feature has no graded evals."""
    vs = versions(store, feature, "evals")
    if not vs:
        _latest(store, feature, None, "evals")

    def compute() -> EvalSummary:
        df = ai_store.eval_rows(store, feature)
        out_v, out_c = [], []
        for v in vs:
            d = df[df["version"] == v]
            k, n = int(d["passed"].sum()), len(d)
            iv = _interval(k, n)
            out_v.append({"version": v, "examples": n, "passed": k, "pass_rate": iv.value, "low": iv.low, "high": iv.high,
                          "mean_grade": float(d["grade"].mean()) if n else None})
            for cat, g in d.groupby("category", sort=True):
                kc, nc = int(g["passed"].sum()), len(g)
                ic = _interval(kc, nc)
                out_c.append({"version": v, "category": str(cat), "examples": nc, "passed": kc, "pass_rate": ic.value,
                              "low": ic.low, "high": ic.high})
        comp = None
        if len(vs) >= 2:
            new, old = vs[0], vs[1]
            pa = df[(df["version"] == old) & df["example_id"].notna()].drop_duplicates("example_id").set_index("example_id")["passed"]
            pb = df[(df["version"] == new) & df["example_id"].notna()].drop_duplicates("example_id").set_index("example_id")["passed"]
            shared = pa.index.intersection(pb.index)
            worse = int(((pa[shared]) & ~(pb[shared])).sum())
            better = int((~(pa[shared]) & (pb[shared])).sum())
            p = maths.mcnemar(worse, better)
            comp = {"a": old, "b": new, "shared": len(shared), "b_better": better, "b_worse": worse, "p_value": p,
                    "words": _paired_words(old, new, len(shared), better, worse, p, "examples")}
        scale = str(df["scale"].iloc[0]) if len(df) else "0_1"
        return EvalSummary(feature=feature, versions=out_v, categories=out_c, comparison=comp, scale=scale)

    return store.memo(("ai.evals", feature), compute, areas=(AREA,))


# -- launch readiness -------------------------------------------------------------------------------
class ReadinessIn(BaseModel):
    """What a team agrees for an AI feature before launch (the guide's checklist), as a PM fills it in."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")
    initiative_id: str | None = None
    problem_fit: str = ""             # why a model fits this problem
    data_source: str = ""             # where the labelled data comes from
    data_quality: str = ""            # its known quality issues
    min_precision: float | None = None
    min_recall: float | None = None
    min_pass_rate: float | None = None  # for graded (generative) evals
    threshold: float | None = None    # the agreed operating threshold
    positive_label: str = ""          # the positive class when labels are class names
    fallback: str = ""                # what the product does when the AI is wrong
    explanation: str = ""             # what users are shown about the AI's answer
    bias_note: str = ""
    min_group_size: int = DEFAULT_MIN_GROUP
    ratio_threshold: float = DEFAULT_RATIO
    signed_off_by: str = ""
    marked_not_ready: bool = False
    not_ready_reason: str = ""

    @field_validator("problem_fit", "data_source", "data_quality", "fallback", "explanation", "bias_note",
                     "not_ready_reason")
    @classmethod
    def _long(cls, v: str, info) -> str:
        return clean_text(v, info.field_name.replace("_", " "), max_len=2000)

    @field_validator("positive_label", "signed_off_by", "initiative_id")
    @classmethod
    def _short(cls, v: str | None, info) -> str | None:
        if v is None:
            return None
        t = clean_text(v, info.field_name.replace("_", " "), max_len=200)
        return t or (None if info.field_name == "initiative_id" else "")

    @field_validator("min_precision", "min_recall", "min_pass_rate", "ratio_threshold")
    @classmethod
    def _prob(cls, v: float | None, info) -> float | None:
        return None if v is None else finite_number(v, info.field_name.replace("_", " "), lo=0, hi=1)

    @field_validator("threshold")
    @classmethod
    def _thr(cls, v: float | None) -> float | None:
        return None if v is None else finite_number(v, "threshold")

    @field_validator("min_group_size")
    @classmethod
    def _mg(cls, v: int) -> int:
        return int(finite_number(v, "minimum group size", lo=1, hi=1_000_000))


def get_readiness(store: Store, feature: str) -> ReadinessIn:
    """Return a feature's stored launch readiness, or an empty checklist (defaults) when none was saved."""
    doc = store.memo(("ai.features",), lambda: ai_store.read_features(store), areas=(AREA,)).get(feature)
    if not doc:
        return ReadinessIn()
    return ReadinessIn(**{k: v for k, v in doc.items() if not k.startswith("_")})


def initiative_choices(store: Store) -> list[tuple[str, str]]:
    """Return (id, title) of every roadmap initiative not archived, for linking a feature; [] on an empty roadmap.

    Read from the store, not through pm_core.roadmap: roadmap shows AI readiness, so ai sits below it.
    """
    from ..store import roadmap_store

    return roadmap_store.active_titles(store)


def save_readiness(store: Store, actor: Actor, feature: str, data: ReadinessIn | dict) -> ReadinessIn:
    """Validate and save a feature's launch readiness (editors only), with an audit row; AiError names the field."""
    require_editor(actor)
    try:
        name = clean_text(feature, "AI feature name", max_len=200, required=True)
    except ValueError as exc:
        raise AiError({"feature": str(exc)}) from None
    try:
        doc = data if isinstance(data, ReadinessIn) else ReadinessIn(**data)
    except ValidationError as exc:
        raise from_pydantic(exc, AiError) from None
    if doc.initiative_id and doc.initiative_id not in {i for i, _ in initiative_choices(store)}:
        raise AiError(f"initiative {doc.initiative_id!r} is not on the roadmap; choose one of its initiatives")
    new = doc.model_dump()
    with store.transaction(AREA) as cur:
        old = ai_store.read_feature_row(cur, name)
        ai_store.write_feature(cur, name, new, actor.email, utcnow())
        audit.record(cur, actor, "save", "ai_feature", name, name,
                     audit.changes(old, new) if old else audit.filled(new))
    return doc


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
