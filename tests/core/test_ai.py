"""AI quality (issue 18), checked against scikit-learn and Fairlearn on data built here: scores of a LogisticRegression fitted on sklearn's breast-cancer set (shipped offline).

Every figure Pillars shows (precision, recall, curve, thresholds, bias-audit groups, calibration,
Wilson intervals, McNemar) is recomputed here with the library a data scientist would use
(sklearn.metrics, fairlearn.metrics.MetricFrame, sklearn.calibration, scipy.stats) on the same
arrays, after a real import of the file through pm_core.ingest. Graded eval files of each tool are
in tests/data/ai/ (see tests/data/README.md for where each format comes from).
"""
from __future__ import annotations

import csv
import io
import json
import contextlib

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame
from scipy.stats import binomtest
from sklearn.calibration import calibration_curve
from sklearn.metrics import precision_recall_curve, precision_score, recall_score

from pm_core import ai, audit, okrs
from pm_core.ai import maths
from pm_core.auth import PermissionDenied
from pm_core.ingest import ImportRefused, import_file, preview_file
from pm_core.store import ai_store
from tests.conftest import EDITOR, VIEWER
from tests.factories.ai import DATA, breast_cancer_predictions, write_predictions







@pytest.fixture
def cancer(store, tmp_path):
    df = breast_cancer_predictions()
    res = import_file(store, EDITOR, write_predictions(df, tmp_path / "intent_eval.csv"))
    assert res.kind == "predictions" and res.rows_imported == 2 * len(df) and res.rows_rejected == 0
    return store, df


# -- the threshold explorer ---------------------------------------------------------------------------
@pytest.mark.parametrize("t", [0.05, 0.3, 0.5, 0.8, 0.97])
def test_metrics_at_a_threshold_match_sklearn(cancer, t):
    store, df = cancer
    ex = ai.explore(store, "support-intent", "v1", threshold=t)
    y, s = df["label"].to_numpy(), df["v1"].to_numpy()
    pred = (s >= t).astype(int)
    assert ex.at.precision.value == pytest.approx(precision_score(y, pred))
    assert ex.at.recall.value == pytest.approx(recall_score(y, pred))
    assert ex.at.fp == int(((pred == 1) & (y == 0)).sum()) and ex.at.fn == int(((pred == 0) & (y == 1)).sum())
    assert ex.at.sentence.startswith(f"Of {int(pred.sum()):,} items flagged, {ex.at.tp:,} were right")


def test_curve_matches_precision_recall_curve(cancer):
    store, df = cancer
    y, s = df["label"].to_numpy(), df["v1"].to_numpy()
    p, r, thr = precision_recall_curve(y, s)
    c = ai.run_data(store, "support-intent", "v1").curve
    for i, t in enumerate(thr):
        o = ai.operating_point(c, t)
        assert o.precision.value == pytest.approx(p[i]) and o.recall.value == pytest.approx(r[i])
    assert sorted(c.thresholds) == pytest.approx(sorted(thr))


def test_required_precision_gives_the_most_recall(cancer):
    store, df = cancer
    y, s = df["label"].to_numpy(), df["v1"].to_numpy()
    p, r, thr = precision_recall_curve(y, s)
    ok = p[:-1] >= 0.97
    want_recall = r[:-1][ok].max()
    ex = ai.explore(store, "support-intent", "v1", min_precision=0.97)
    assert ex.threshold_source == "min_precision"
    assert ex.at.precision.value >= 0.97 and ex.at.recall.value == pytest.approx(want_recall)
    ok_r = r[:-1] >= 0.99
    ex2 = ai.explore(store, "support-intent", "v1", min_recall=0.99)
    assert ex2.at.precision.value == pytest.approx(p[:-1][ok_r].max())
    nothing = ai.explore(store, "support-intent", "v1", min_precision=1.0 + 0 * 1e-9)
    assert nothing.at.precision.value is None or nothing.at.precision.value <= 1.0


def test_cheapest_threshold_is_the_brute_force_minimum(cancer):
    store, df = cancer
    y, s = df["label"].to_numpy(), df["v1"].to_numpy()
    ex = ai.explore(store, "support-intent", "v1", cost_fp=1, cost_fn=5)
    costs = {t: ((s >= t) & (y == 0)).sum() * 1 + ((s < t) & (y == 1)).sum() * 5 for t in np.unique(s)}
    best = min(costs.values())
    assert ex.cheapest["cost"] == pytest.approx(best)
    assert costs[ex.cheapest["threshold"]] == best


def test_intervals_are_wilson_and_sample_size_is_stated(cancer):
    store, _ = cancer
    ex = ai.explore(store, "support-intent", "v1", threshold=0.5, min_precision=0.99, min_recall=0.9)
    for iv in (ex.at.precision, ex.at.recall):
        ci = binomtest(iv.successes, iv.trials).proportion_ci(confidence_level=0.95, method="wilson")
        assert (iv.low, iv.high) == pytest.approx((ci.low, ci.high), abs=1e-9)
    assert {n["metric"] for n in ex.needed} == {"precision", "recall"}
    assert all(n["trials_needed"] > 0 and "labelled examples" in n["words"] for n in ex.needed)


@pytest.mark.parametrize("y,s", [
    ([1, 0, 1, 0, 1], [0.5, 0.5, 0.5, 0.2, 0.9]),      # ties: tied scores are flagged together
    ([1, 1, 1, 1], [0.1, 0.4, 0.4, 0.9]),              # all positive
    ([0, 0, 0], [0.3, 0.6, 0.9]),                       # no positives
])
def test_threshold_edges(y, s):
    y, s = np.array(y), np.array(s, dtype=float)
    c = maths.build_curve(y.astype(bool), s)
    for t in [0.0, 0.2, 0.4, 0.5, 0.5000001, 0.9, 1.0]:
        pred = (s >= t).astype(int)
        o = ai.operating_point(c, t)
        assert o.tp + o.fp == pred.sum()
        want_p = precision_score(y, pred, zero_division=np.nan)
        assert (o.precision.value is None) == bool(np.isnan(want_p))
        if o.precision.value is not None:
            assert o.precision.value == pytest.approx(want_p)
        if y.sum() == 0:
            assert o.recall.value is None and o.recall.low is None
        else:
            assert o.recall.value == pytest.approx(recall_score(y, pred))


def test_edge_notes_in_words(store, tmp_path):
    p = tmp_path / "all_pos.csv"
    p.write_text("id,label,score\n1,1,0.2\n2,1,0.7\n3,1,0.9\n")
    import_file(store, EDITOR, p)
    ex = ai.explore(store, "all_pos")
    assert any("Every example is positive" in n for n in ex.notes)
    q = tmp_path / "no_pos.csv"
    q.write_text("id,label,score\n1,0,0.2\n2,0,0.7\n")
    import_file(store, EDITOR, q)
    ex = ai.explore(store, "no_pos")
    assert ex.at.recall.value is None and any("no positive examples" in n for n in ex.notes)


# -- bias audit -----------------------------------------------------------------------------------
def test_bias_audit_matches_fairlearn_and_suppresses_small_groups(cancer):
    store, df = cancer
    audits = {a.segment: a for a in ai.bias_audit(store, "support-intent", "v1", threshold=0.5)}
    assert set(audits) == {"language", "tier"}  # example_id is a column, not a segment (too many values)
    a = audits["language"]
    y, pred, lang = df["label"].to_numpy(), (df["v1"].to_numpy() >= 0.5).astype(int), df["language"].to_numpy()
    sizes = pd.Series(lang).value_counts()
    big = sizes[sizes >= 30].index
    keep = np.isin(lang, big)
    mf = MetricFrame(metrics={"precision": precision_score, "recall": recall_score}, y_true=y[keep], y_pred=pred[keep],
                     sensitive_features=lang[keep])
    by = {g.group: g for g in a.groups}
    for g in big:
        assert by[g].recall == pytest.approx(mf.by_group.loc[g, "recall"])
        assert by[g].precision == pytest.approx(mf.by_group.loc[g, "precision"])
    assert a.recall_ratio == pytest.approx(mf.ratio()["recall"])
    assert a.recall_gap == pytest.approx(mf.difference()["recall"])
    small = [g for g in a.groups if g.suppressed]
    assert [g.group for g in small] == ["de"] and small[0].recall is None and small[0].examples == sizes["de"]
    assert a.flagged and a.worst_recall_group == "fr" and "under the 0.80 bar" in a.words and "de" in a.words
    assert not audits["tier"].flagged


def test_min_group_size_and_ratio_come_from_the_feature(cancer):
    store, _ = cancer
    ai.save_readiness(store, EDITOR, "support-intent", {"min_group_size": 1000, "ratio_threshold": 0.5})
    a = ai.bias_audit(store, "support-intent", "v1")[0]
    assert all(g.suppressed for g in a.groups) and a.recall_ratio is None and not a.flagged


# -- calibration and versions ----------------------------------------------------------------------
def test_calibration_matches_sklearn(cancer):
    store, df = cancer
    pts = ai.calibration(store, "support-intent", "v2")
    frac, mean = calibration_curve(df["label"], df["v2"], n_bins=10)
    assert [p["observed"] for p in pts] == pytest.approx(list(frac))
    assert [p["predicted"] for p in pts] == pytest.approx(list(mean))
    assert sum(p["examples"] for p in pts) == len(df)


def test_versions_side_by_side_with_mcnemar(cancer):
    store, df = cancer
    r = ai.compare_versions(store, "support-intent", "v1", "v2", threshold=0.5)
    y = df["label"].to_numpy()
    ok1, ok2 = (df["v1"].to_numpy() >= 0.5) == y, (df["v2"].to_numpy() >= 0.5) == y
    b, c = int((ok1 & ~ok2).sum()), int((~ok1 & ok2).sum())
    assert (r.a_only_right, r.b_only_right, r.shared) == (b, c, len(df))
    if b + c < 25:
        assert r.p_value == pytest.approx(binomtest(min(b, c), b + c, 0.5).pvalue)
    else:
        from scipy.stats import chi2

        assert r.p_value == pytest.approx(chi2.sf((abs(b - c) - 1) ** 2 / (b + c), 1))
    assert r.b_metrics["recall"] == pytest.approx(recall_score(y, (df["v2"] >= 0.5).astype(int)))


def test_mcnemar_exact_branch():
    assert maths.mcnemar(2, 9) == pytest.approx(binomtest(2, 11, 0.5).pvalue)
    assert maths.mcnemar(0, 0) is None


# -- imports: shapes, rejects, all or nothing -------------------------------------------------------
def test_class_names_need_a_positive_class(store, tmp_path):
    p = tmp_path / "router.csv"
    p.write_text("id,label,predicted,country\n" + "".join(
        f"{i},{'billing' if i % 3 else 'refund'},{'billing' if i % 4 else 'refund'},{'DE' if i % 2 else 'FR'}\n"
        for i in range(60)))
    import_file(store, EDITOR, p)
    with pytest.raises(ai.AiError, match="class names"):
        ai.explore(store, "router")
    ai.save_readiness(store, EDITOR, "router", {"positive_label": "refund"})
    ex = ai.explore(store, "router")
    y = np.array([0 if i % 3 else 1 for i in range(60)])
    pred = np.array([0 if i % 4 else 1 for i in range(60)])
    assert not ex.from_scores and ex.at.precision.value == pytest.approx(precision_score(y, pred))
    assert ex.at.recall.value == pytest.approx(recall_score(y, pred))


def test_a_bad_row_is_rejected_with_row_and_column(store, tmp_path):
    p = tmp_path / "preds.csv"
    p.write_text("example_id,label,score,language\na,1,0.9,en\nb,0,high,en\nc,,0.3,es\nd,0,0.1,es\n")
    pv = preview_file(p, store=store)
    assert pv.kind == "predictions" and pv.rows_rejected == 2
    res = import_file(store, EDITOR, p)
    assert res.rows_imported == 2 and res.rows_rejected == 2
    rej = pd.read_csv(res.rejects_file)
    assert list(rej["row_number"]) == [3, 4] and list(rej["column"]) == ["score", "label"]
    assert "'high' is not a number" in rej["reason"][0]


def test_a_file_with_no_usable_row_is_refused_and_nothing_is_stored(store, tmp_path):
    p = tmp_path / "broken.csv"
    p.write_text("example_id,label,score\na,1,x\nb,0,y\n")
    with pytest.raises(ImportRefused, match=r"broken.csv: none of the 2 rows.*row 2, column 'score'"):
        import_file(store, EDITOR, p)
    assert ai_store.example_counts(store) == {"ai_predictions": 0, "ai_evals": 0}


def test_json_lines_predictions(store, tmp_path):
    p = tmp_path / "ranker.jsonl"
    p.write_text("".join(json.dumps({"id": i, "label": i % 2, "score": i / 10, "meta": {"device": "ios" if i % 3 else "web"}}) + "\n"
                         for i in range(10)))
    res = import_file(store, EDITOR, p)
    assert res.kind == "predictions" and res.rows_imported == 10
    ex = ai.explore(store, "ranker", threshold=0.5)
    y, s = np.arange(10) % 2, np.arange(10) / 10
    assert ex.at.precision.value == pytest.approx(precision_score(y, s >= 0.5))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "label": 1, "score": 0.5}\n{"id": 2, "label": \n')
    with pytest.raises(ImportRefused, match="bad.jsonl: line 2 is not valid JSON"):
        import_file(store, EDITOR, bad)


# -- graded evals of each tool ----------------------------------------------------------------------
def _promptfoo_expected() -> tuple[int, int]:
    doc = json.loads((DATA / "promptfoo_results.json").read_text())
    rs = doc["results"]["results"]
    return sum(1 for r in rs if r["success"]), len(rs)


def _csv_rows(name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO((DATA / name).read_text())))


@pytest.mark.parametrize("name,source,feature,expected", [
    ("promptfoo_results.json", "promptfoo", "Support replies", _promptfoo_expected()),
    ("openai_evals_record.jsonl", "openai_evals", "support-intent.dev.v0",
     (sum(1 for l in (DATA / "openai_evals_record.jsonl").read_text().splitlines()
          if json.loads(l).get("type") == "match" and json.loads(l)["data"]["correct"]), 6)),
    ("langsmith_experiment.csv", "langsmith", "langsmith_experiment",
     (sum(1 for r in _csv_rows("langsmith_experiment.csv") if float(r["feedback.correctness"]) >= 0.5), 6)),
    ("braintrust_experiment.csv", "braintrust", "braintrust_experiment",
     (sum(1 for r in _csv_rows("braintrust_experiment.csv") if json.loads(r["scores"])["Factuality"] >= 0.5), 5)),
])
def test_graded_eval_file_of_each_tool(store, name, source, feature, expected):
    res = import_file(store, EDITOR, DATA / name)
    assert (res.kind, res.source, res.rows_rejected) == ("evals", source, 0)
    s = ai.eval_summary(store, feature)
    passed, n = expected
    v = s.versions[0]
    assert (v["passed"], v["examples"]) == (passed, n)
    ci = binomtest(passed, n).proportion_ci(method="wilson")
    assert (v["low"], v["high"]) == pytest.approx((ci.low, ci.high))


def test_generic_evals_on_a_1_to_5_scale_with_two_versions(store):
    import_file(store, EDITOR, DATA / "generic_evals.csv")
    s = ai.eval_summary(store, "generic_evals")
    assert s.scale == "1_5" and [v["version"] for v in s.versions] == ["summariser-v2", "summariser-v1"]
    df = pd.read_csv(DATA / "generic_evals.csv")
    want = df.assign(p=df["grade"] >= 4).groupby("model_version")["p"].mean()
    assert {v["version"]: v["pass_rate"] for v in s.versions} == pytest.approx(want.to_dict())
    cats = {(c["version"], c["category"]): c["pass_rate"] for c in s.categories}
    want_c = df.assign(p=df["grade"] >= 4).groupby(["model_version", "category"])["p"].mean()
    assert cats == pytest.approx({k: v for k, v in want_c.items()})
    wide = df.pivot(index="example_id", columns="model_version", values="grade") >= 4
    b = int((wide["summariser-v1"] & ~wide["summariser-v2"]).sum())
    c = int((~wide["summariser-v1"] & wide["summariser-v2"]).sum())
    assert (s.comparison["b_worse"], s.comparison["b_better"]) == (b, c)
    assert s.comparison["p_value"] == pytest.approx(binomtest(min(b, c), b + c, 0.5).pvalue)


def test_a_grade_off_its_scale_is_rejected(store, tmp_path):
    p = tmp_path / "judged.csv"
    p.write_text("example_id,category,grade\n1,a,4\n2,a,7\n3,b,maybe\n4,b,2\n")
    res = import_file(store, EDITOR, p)
    rej = pd.read_csv(res.rejects_file)
    assert list(rej["row_number"]) == [3, 4] and set(rej["column"]) == {"grade"}
    assert "outside the 1-5 scale" in rej["reason"][0] and "'maybe' is not pass/fail" in rej["reason"][1]


# -- launch readiness, KR links, writes -----------------------------------------------------------
def test_readiness_from_bars_and_bias_audit(cancer):
    store, _ = cancer
    assert ai.readiness(store, "support-intent").status == "no_bars"
    ai.save_readiness(store, EDITOR, "support-intent", {
        "min_precision": 0.9, "min_recall": 0.5, "threshold": 0.5, "fallback": "Route to a human agent",
        "signed_off_by": "lead@example.com"})
    r = ai.readiness(store, "support-intent")
    # v2 is the latest version; its French recall is not degraded, v1's is
    assert r.version == "v2"
    flagged = [c for c in r.checks if c["check"].startswith("bias:")]
    assert r.ready == (not flagged and all(c["ok"] for c in r.checks))
    ai.save_readiness(store, EDITOR, "support-intent", {**ai.get_readiness(store, "support-intent").model_dump(),
                                                        "marked_not_ready": True,
                                                        "not_ready_reason": "French recall under the audit bar"})
    r = ai.readiness(store, "support-intent")
    assert not r.ready and any("French recall" in x for x in r.reasons)
    rows = audit.list_audit(store, EDITOR, object_type="ai_feature")
    assert len(rows) == 2 and "marked_not_ready: no → yes" in rows[0]["summary"]


def test_readiness_refuses_bad_input_naming_the_field(cancer):
    store, _ = cancer
    with pytest.raises(ai.AiError, match="min_precision: the min precision must be between 0 and 1"):
        ai.save_readiness(store, EDITOR, "support-intent", {"min_precision": 1.5})
    with pytest.raises(ai.AiError, match="finite"):
        ai.save_readiness(store, EDITOR, "support-intent", {"threshold": float("nan")})
    with pytest.raises(ai.AiError, match="not on the roadmap"):
        ai.save_readiness(store, EDITOR, "support-intent", {"initiative_id": "nope"})


def test_viewers_cannot_write(cancer, tmp_path):
    store, df = cancer
    with pytest.raises(PermissionDenied):
        ai.save_readiness(store, VIEWER, "support-intent", {"min_precision": 0.9})
    with pytest.raises(PermissionDenied):
        import_file(store, VIEWER, write_predictions(df, tmp_path / "again.csv", versions=("v1",)))
    assert ai.get_readiness(store, "support-intent").min_precision is None


def test_a_key_result_linked_to_an_ai_metric_updates_on_import(store, tmp_path):
    import datetime as dt

    obj = okrs.create_objective(store, EDITOR, {"title": "Trustworthy support intent", "period": "2026-Q4"})
    df = breast_cancer_predictions()
    import_file(store, EDITOR, write_predictions(df, tmp_path / "first.csv", versions=("v1",)))
    kr = okrs.create_key_result(store, EDITOR, {"objective_id": obj, "title": "Precision at least 90%",
                                                "kr_type": "increase_to", "baseline": 0.8, "target": 0.9,
                                                "link": "ai:support-intent:precision"}, today=dt.date(2026, 11, 1))
    want1 = precision_score(df["label"], (df["v1"] >= 0.5).astype(int))
    cis = okrs.get_checkins(store, kr)
    assert cis[-1].value == pytest.approx(want1)
    import_file(store, EDITOR, write_predictions(df, tmp_path / "second.csv", versions=("v2",)))
    want2 = precision_score(df["label"], (df["v2"] >= 0.5).astype(int))
    assert okrs.get_checkins(store, kr)[-1].value == pytest.approx(want2)
    assert okrs.get_key_result(store, kr)["link"] == "ai:support-intent:precision"
    with pytest.raises(Exception, match="metric"):
        okrs.create_key_result(store, EDITOR, {"objective_id": obj, "title": "x", "link": "ai:support-intent:speed"})


# -- the command line -----------------------------------------------------------------------------
def _cli(args: list[str]) -> tuple[int, str, str]:
    from pm_core.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def test_cli_json(cancer):
    store, df = cancer
    path = str(store.path)
    store.close()
    code, out, err = _cli(["--db", path, "ai", "--feature", "support-intent", "--threshold", "0.5", "--json"])
    assert code == 0, err
    doc = json.loads(out)
    y = df["label"]
    assert doc["version"] == "v2" and doc["at"]["threshold"] == 0.5
    assert doc["at"]["precision"]["value"] == pytest.approx(precision_score(y, (df["v2"] >= 0.5).astype(int)))
    assert {"curve", "segments", "calibration", "readiness", "needed", "cheapest"} <= set(doc)
    assert {s["segment"] for s in doc["segments"]} == {"language", "tier"}
    code, out, _ = _cli(["--db", path, "ai", "versions", "--feature", "support-intent", "--json"])
    assert code == 0 and json.loads(out)["shared"] == len(df)
    code, out, _ = _cli(["--db", path, "ai", "readiness", "support-intent", "--min-precision", "0.9",
                         "--not-ready", "French recall", "--json"])
    assert code == 0 and json.loads(out)["checklist"]["min_precision"] == 0.9
    code, _, err = _cli(["--db", path, "ai", "--feature", "nope", "--json"])
    assert code == 2 and "unknown AI feature 'nope'" in err


def test_briefing_sections(cancer):
    from pm_core import audiences

    store, _ = cancer
    ai.save_readiness(store, EDITOR, "support-intent", {"min_precision": 0.95, "min_recall": 0.99, "threshold": 0.5})
    b = audiences.build_briefing(store, "executives")
    sec = b.section("ai")
    assert sec is not None and sec.error is None and sec.lead == "0 of 1 AI feature ready to launch."
    assert sec.items[0].rows[0]["feature"] == "support-intent"
    assert any("Recall" in x for x in sec.items[1].bullets)
    assert audiences.build_briefing(store, "engineering").section("ai") is not None


def test_predictions_from_an_xlsx_workbook(store, tmp_path):
    import openpyxl

    df = breast_cancer_predictions()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Intent model evaluation, November"])   # a title row above the header, as people write them
    ws.append(["example_id", "label", "score", "language"])
    for r in df.itertuples():
        ws.append([r.example_id, int(r.label), float(r.v1), r.language])
    path = tmp_path / "intent_eval.xlsx"
    wb.save(path)
    res = import_file(store, EDITOR, path)
    assert res.kind == "predictions" and res.rows_imported == len(df)
    ex = ai.explore(store, "intent_eval", threshold=0.5)
    assert ex.at.recall.value == pytest.approx(recall_score(df["label"], (df["v1"] >= 0.5).astype(int)))


def test_the_issue_journey_ends_in_the_executive_deck(store, tmp_path):
    """Import, agree bars, move the threshold until precision meets the bar, see French recall flagged, mark not ready, find it in the deck."""
    from pptx import Presentation

    from pm_core import audiences
    from pm_core.exports import export_briefing

    df = breast_cancer_predictions()
    import_file(store, EDITOR, write_predictions(df, tmp_path / "intent_eval.csv", versions=("v1",)))
    ai.save_readiness(store, EDITOR, "support-intent", {"min_precision": 0.95, "min_recall": 0.8,
                                                        "fallback": "Route to a human agent"})
    ex = ai.explore(store, "support-intent", min_precision=0.95)
    assert ex.at.precision.value >= 0.95
    audit_lang = next(a for a in ai.bias_audit(store, "support-intent", threshold=ex.at.threshold)
                      if a.segment == "language")
    assert audit_lang.flagged and audit_lang.worst_recall_group == "fr"
    ai.save_readiness(store, EDITOR, "support-intent", {**ai.get_readiness(store, "support-intent").model_dump(),
                                                        "threshold": ex.at.threshold, "marked_not_ready": True,
                                                        "not_ready_reason": "recall for French is under the audit bar"})
    b = audiences.build_briefing(store, "executives")
    sec = b.section("ai")
    assert sec.items[0].rows[0]["status"] == "Not ready"
    deck = Presentation(io.BytesIO(export_briefing(b, "pptx")))
    text = " ".join(sh.text_frame.text for slide in deck.slides for sh in slide.shapes if sh.has_text_frame)
    tables = " ".join(c.text for slide in deck.slides for sh in slide.shapes if sh.has_table
                      for row in sh.table.rows for c in row.cells)
    assert "AI quality" in text and "recall for French is under the audit bar" in text + tables
    assert "support-intent" in tables and "Not ready" in tables


def test_the_executive_presentation_has_an_ai_slide_only_with_ai_data(store, tmp_path):
    from pm_core import audiences

    before = audiences.build_briefing(store, "executives", sections=audiences.PRESENTATION_SECTIONS)
    assert before.section("ai") is None
    import_file(store, EDITOR, DATA / "generic_evals.csv")
    after = audiences.build_briefing(store, "executives", sections=audiences.PRESENTATION_SECTIONS)
    assert after.section("ai").items[0].rows[0]["feature"] == "generic_evals"
