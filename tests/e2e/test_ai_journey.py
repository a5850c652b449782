"""Oracle: the precision, recall and per-language recall the AI quality page shows in Chromium equal figures computed in this test with scikit-learn (precision_score, recall_score) on the same scored-predictions file.

The journey: a copy of the demo workspace; a scored-predictions file written here (out-of-fold scores of a
LogisticRegression on sklearn's breast-cancer set, shipped offline, with a `language` column where French
positives are scored low so French recall is clearly lower) and one graded-eval file from tests/data/ai, both
imported through pm_core.ingest.import_file as an editor; the app in local mode; the AI quality page at
1280x800, each tab opened, read and screenshotted (test-artifacts/ai-journey-*.png).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_score, recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from pm_core.formatting import fmt_pct
from pm_core.ingest import import_file
from pm_core.store import open_store
from tests.conftest import EDITOR, ROOT
from tests.e2e.conftest import _need_chromium, demo_copy, open_tab, page_at, serving, shot_all, wait_idle

pytestmark = pytest.mark.e2e

FEATURE = "ticket-triage"
EVALS = ROOT / "tests" / "data" / "ai" / "generic_evals.csv"
TIMEOUT = 60_000   # ms; a loaded 2-core machine runs the page's first script in well under this


def scored_predictions(path) -> pd.DataFrame:
    """Write ~570 labelled examples with out-of-fold scores and a language column; French positives are half missed."""
    X, y = load_breast_cancer(return_X_y=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    score = cross_val_predict(model, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0),
                              method="predict_proba")[:, 1]
    rng = np.random.default_rng(7)
    lang = rng.choice(["en", "es", "fr"], size=len(y), p=[0.5, 0.3, 0.2])
    missed = (lang == "fr") & (y == 1) & (rng.random(len(y)) < 0.6)
    score = np.where(missed, score * 0.2, score).round(6)
    df = pd.DataFrame({"feature": FEATURE, "example_id": [f"t{i:04d}" for i in range(len(y))],
                       "label": np.where(y == 1, "yes", "no"), "score": score, "model_version": "lr-1",
                       "language": lang})
    df.to_csv(path, index=False)
    return df


@pytest.fixture(scope="module")
def ai_server(demo_db_template, tmp_path_factory):
    _need_chromium()
    folder = tmp_path_factory.mktemp("ai-journey")
    db = demo_copy(demo_db_template, folder / "ai.duckdb")
    df = scored_predictions(folder / "triage_eval.csv")
    s = open_store(db)
    try:
        res = import_file(s, EDITOR, folder / "triage_eval.csv")
        assert (res.kind, res.rows_imported, res.rows_rejected) == ("predictions", len(df), 0)
        res = import_file(s, EDITOR, EVALS)
        assert res.kind == "evals" and res.rows_rejected == 0
    finally:
        s.close()   # the server opens the file next
    with serving(db, "ai-journey") as server:
        yield server, df


def _assert_clean(pg, where: str) -> None:
    errors = pg.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"{where}: exception box shown: {errors.first.inner_text()[:500]}"
    body = pg.locator('[data-testid="stMainBlockContainer"]').inner_text()
    assert "Traceback" not in body and "Error:" not in body, f"{where}: an error is shown:\n{body[:1500]}"


def _metric(pg, label: str) -> str:
    box = pg.locator('[data-testid="stMetric"]').filter(
        has=pg.locator('[data-testid="stMetricLabel"]', has_text=label)).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_ai_quality_page_matches_sklearn_and_flags_french(ai_server, browser):
    server, df = ai_server
    y = (df["label"] == "yes").astype(int).to_numpy()
    flagged = (df["score"] >= 0.5).astype(int).to_numpy()   # the page's default threshold: flag at or above 0.5
    want_p, want_r = fmt_pct(precision_score(y, flagged)), fmt_pct(recall_score(y, flagged))
    by_lang = {g: recall_score(y[df["language"] == g], flagged[df["language"] == g]) for g in ("en", "es", "fr")}
    assert min(by_lang, key=by_lang.get) == "fr" and by_lang["fr"] / max(by_lang.values()) < 0.8   # the data's premise

    with page_at(browser, f"{server.url}/ai_quality?feature={FEATURE}", TIMEOUT) as pg:
        pg.get_by_text("items flagged").first.wait_for(timeout=TIMEOUT)
        pg.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=TIMEOUT)
        wait_idle(pg, TIMEOUT)
        _assert_clean(pg, "threshold explorer")
        assert _metric(pg, "Threshold") == "0.500"
        assert (_metric(pg, "Precision"), _metric(pg, "Recall")) == (want_p, want_r)
        tp, fp = int(((y == 1) & (flagged == 1)).sum()), int(((y == 0) & (flagged == 1)).sum())
        assert f"Of {tp + fp:,} items flagged, {tp:,} were right and {fp:,} were not" in \
            pg.locator('[data-testid="stMainBlockContainer"]').inner_text()
        shot_all(pg, "ai-journey-1-threshold-explorer")

        open_tab(pg, "Bias audit")
        words = (f"language: recall for fr is {fmt_pct(by_lang['fr'])} against {fmt_pct(max(by_lang.values()))} for "
                 f"{max(by_lang, key=by_lang.get)}")
        alert = pg.get_by_role("tabpanel").locator('[data-testid="stAlertContentError"]').filter(has_text=words)
        alert.wait_for(timeout=TIMEOUT)   # flagged: the audit shows it as an error box, not a success
        assert "under the 0.80 bar" in alert.inner_text()
        pg.get_by_role("tabpanel").locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=TIMEOUT)
        wait_idle(pg, TIMEOUT)
        _assert_clean(pg, "bias audit")
        shot_all(pg, "ai-journey-2-bias-audit")

        open_tab(pg, "Calibration")
        pg.get_by_text("calibration_curve").first.wait_for(timeout=TIMEOUT)
        _assert_clean(pg, "calibration")
        shot_all(pg, "ai-journey-3-calibration")

        open_tab(pg, "Versions")
        pg.get_by_text("One version so far").first.wait_for(timeout=TIMEOUT)
        shot_all(pg, "ai-journey-4-versions")

        open_tab(pg, "Launch readiness")
        pg.get_by_role("button", name="Save launch readiness").wait_for(timeout=TIMEOUT)
        _assert_clean(pg, "launch readiness")
        shot_all(pg, "ai-journey-5-launch-readiness")

        # the graded-eval feature imported beside it: its pass rates tab draws
        pg.goto(f"{server.url}/ai_quality?feature=generic_evals", timeout=TIMEOUT)
        wait_idle(pg, TIMEOUT)
        pg.get_by_text("Intervals are 95% Wilson").first.wait_for(timeout=TIMEOUT)
        box = pg.locator('[data-testid="stSelectbox"]').first
        picked = box.text_content() + " ".join(i.input_value() for i in box.locator("input").all())
        assert "generic_evals" in picked and "\\_" not in picked, f"the feature name is shown escaped: {picked!r}"
        pg.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=TIMEOUT)
        wait_idle(pg, TIMEOUT)
        _assert_clean(pg, "pass rates")
        shot_all(pg, "ai-journey-6-pass-rates")
