"""Test builders moved from tests/core/test_ai.py (shared by several test modules)."""
from __future__ import annotations
from pathlib import Path
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split


DATA = Path(__file__).resolve().parent.parent / "data" / "ai"


def breast_cancer_predictions(seed: int = 0) -> pd.DataFrame:
    """Return one row per held-out example: id, label, two versions' scores, language (with a small 'de' group) and tier."""
    X, y = load_breast_cancer(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.5, random_state=seed, stratify=y)
    v1 = LogisticRegression(max_iter=5000).fit(Xtr, ytr).predict_proba(Xte)[:, 1]
    v2 = LogisticRegression(max_iter=5000).fit(Xtr[:, :5], ytr).predict_proba(Xte[:, :5])[:, 1]
    rng = np.random.default_rng(seed)
    lang = rng.choice(["en", "es", "fr", "de"], size=len(yte), p=[0.5, 0.27, 0.18, 0.05])
    # French positives are scored low: the model misses them (the bias audit must see it)
    fr_pos = (lang == "fr") & (yte == 1)
    v1 = np.where(fr_pos & (rng.random(len(yte)) < 0.5), v1 * 0.2, v1)
    return pd.DataFrame({"example_id": [f"ex{i:03d}" for i in range(len(yte))], "label": yte,
                         "v1": v1.round(6), "v2": v2.round(6), "language": lang,
                         "tier": rng.choice(["free", "pro"], size=len(yte))})


def write_predictions(df: pd.DataFrame, path: Path, versions=("v1", "v2"), feature: str | None = "support-intent") -> Path:
    """Write the long CSV a model-evaluation notebook exports: one row per example and version."""
    rows = []
    for v in versions:
        part = pd.DataFrame({"example_id": df["example_id"], "label": df["label"].map({1: "yes", 0: "no"}),
                             "score": df[v], "model_version": v, "language": df["language"], "tier": df["tier"]})
        if feature:
            part.insert(0, "feature", feature)
        rows.append(part)
    pd.concat(rows).to_csv(path, index=False)
    return path
