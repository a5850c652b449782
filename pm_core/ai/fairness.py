"""The bias audit: precision, recall and flag rate per segment group, with Fairlearn's gaps and ratios."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from pydantic import BaseModel

from ..formatting import fmt_pct
from ..store import Store
from ..validators import finite_number
from . import maths
from .features import AREA, AiError, DEFAULT_MIN_GROUP, DEFAULT_RATIO, DEFAULT_THRESHOLD, get_readiness, run_data


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


def audit_segment(y: np.ndarray, flagged: np.ndarray, groups: np.ndarray | None, segment: str,
                  min_group: int = DEFAULT_MIN_GROUP, ratio_threshold: float = DEFAULT_RATIO,
                  encoded: tuple[np.ndarray, np.ndarray] | None = None) -> SegmentAudit:
    """Return the audit of one segment from arrays (or its `encode_groups` codes); groups under min_group are counted but not measured."""
    from fairlearn.metrics import MetricFrame, selection_rate
    from sklearn.metrics import precision_score, recall_score

    inverse, names = encoded if encoded is not None else maths.encode_groups(groups)
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
