"""Versions side by side (paired on shared examples) and graded evaluations."""
from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from ..formatting import fmt_int
from ..store import Store
from ..store import ai_store
from ..validators import finite_number
from . import maths
from .features import AREA, AiError, DEFAULT_THRESHOLD, RunData, _latest, get_readiness, run_data, versions
from .explorer import _interval, operating_point


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
