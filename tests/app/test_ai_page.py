"""AppTest of the AI quality page for an editor and a viewer, checked against scikit-learn on the data built in tests/core/test_ai.py; the launch-readiness form's save is read back from the workspace through pm_core.ai."""
from __future__ import annotations

import pytest
from sklearn.metrics import precision_score

from pm_core import ai, audit
from pm_core.ingest import import_file
from pm_core.store import open_store
from tests.conftest import EDITOR
from tests.factories.ai import DATA, breast_cancer_predictions, write_predictions


def make_db(tmp_path, with_evals: bool = False):
    path = tmp_path / "ai.duckdb"
    s = open_store(path)
    df = breast_cancer_predictions()
    import_file(s, EDITOR, write_predictions(df, tmp_path / "intent_eval.csv"))
    if with_evals:
        import_file(s, EDITOR, DATA / "generic_evals.csv")
    s.close()
    return path, df


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_ai_page_renders(run_page, tmp_path, role):
    path, df = make_db(tmp_path)
    at = run_page("app_pages/ai_quality.py", role, path, query={"feature": "support-intent"})
    assert not at.exception
    assert at.title[0].value == "AI quality"
    metrics = {m.label: m.value for m in at.metric}
    want = precision_score(df["label"], (df["v2"] >= 0.5).astype(int))
    assert metrics["Precision"] == f"{want * 100:.1f}%" and metrics["Threshold"] == "0.500"
    assert any("items flagged" in i.value for i in at.info)
    assert len(at.get("vega_lite_chart")) >= 3          # PR curve, recall by segment, calibration
    assert any("not measured" in e.value for e in [*at.error, *at.success])   # 'de' is under 30 examples
    saves = [b for b in at.button if b.label == "Save launch readiness"]
    assert (len(saves) == 1) == (role == "editor")


def test_required_precision_moves_the_threshold(run_page, tmp_path):
    path, _ = make_db(tmp_path)
    at = run_page("app_pages/ai_quality.py", "viewer", path, query={"feature": "support-intent"})
    at.radio(key="ai_how").set_value("A required precision").run()
    at.number_input(key="ai_min_p").set_value(97.0).run()
    assert not at.exception
    p = float(next(m.value for m in at.metric if m.label == "Precision").rstrip("%"))
    assert p >= 97.0


def test_launch_readiness_form_saves(run_page, tmp_path):
    path, _ = make_db(tmp_path)
    at = run_page("app_pages/ai_quality.py", "editor", path, query={"feature": "support-intent"})
    form_inputs = [n for n in at.number_input if n.label == "Minimum precision (%)"]
    form_inputs[0].set_value(90.0)
    next(n for n in at.number_input if n.label == "Minimum recall (%)").set_value(80.0)
    next(t for t in at.text_area if t.label == "When the AI is wrong (fallback)").set_value("Route to a human agent")
    next(t for t in at.text_input if t.label == "Signed off by").set_value("lead@example.com")
    next(c for c in at.checkbox if c.label == "Mark not ready").check()
    next(t for t in at.text_input if t.label == "Why it is not ready").set_value("French recall under the bar")
    next(b for b in at.button if b.label == "Save launch readiness").click().run()
    assert not at.exception
    assert any("Saved launch readiness for support-intent" in s.value for s in at.success)
    s = open_store(path)
    try:
        doc = ai.get_readiness(s, "support-intent")
        assert (doc.min_precision, doc.min_recall, doc.fallback, doc.signed_off_by) == (
            0.9, 0.8, "Route to a human agent", "lead@example.com")
        assert doc.marked_not_ready and ai.readiness(s, "support-intent").status == "not_ready"
        assert audit.list_audit(s, EDITOR, object_type="ai_feature")[0]["actor"] == "local user"
    finally:
        s.close()


def test_readiness_form_refusal_in_words(run_page, tmp_path):
    path, _ = make_db(tmp_path)
    at = run_page("app_pages/ai_quality.py", "editor", path, query={"feature": "support-intent"})
    next(t for t in at.text_input if t.label == "Signed off by").set_value("x" * 300)
    next(b for b in at.button if b.label == "Save launch readiness").click().run()
    assert not at.exception
    assert any("signed off by" in e.value and "200" in e.value for e in at.error)


def test_graded_evals_and_empty_state(run_page, tmp_path):
    path, _ = make_db(tmp_path, with_evals=True)
    at = run_page("app_pages/ai_quality.py", "viewer", path, query={"feature": "generic_evals"})
    assert not at.exception
    assert any("McNemar" in i.value for i in at.info)
    empty = open_store(tmp_path / "empty.duckdb")
    empty.close()
    at = run_page("app_pages/ai_quality.py", "editor", tmp_path / "empty.duckdb")
    assert not at.exception
    assert any("No AI evaluations yet" in i.value and "Data" in i.value for i in at.info)


def test_a_key_result_linked_to_an_ai_metric_from_the_okrs_page(run_page, tmp_path):
    from pm_core import okrs
    from tests.factories.okrs import build_workspace
    from tests.factories.apptest import _click, _okrs_page, _ok, _read, _widget

    db = tmp_path / "w.duckdb"
    build_workspace(db, objectives=1, krs_per=1)
    s = open_store(db)
    df = breast_cancer_predictions()
    import_file(s, EDITOR, write_predictions(df, tmp_path / "intent_eval.csv", versions=("v1",)))
    s.close()
    at = _okrs_page(run_page, db)
    form = at.get_by_key("okrs_new_kr")
    _widget(form, "text_input", "Key result").set_value("Support-intent precision at least 95%")
    _widget(form, "radio", "Current value comes from").set_value("AI metric")
    _widget(form, "selectbox", "AI metric (if linked to an AI feature's latest evaluation)").set_value(
        "ai:support-intent:precision")
    _widget(form, "number_input", "Baseline").set_value(0.8)
    _widget(form, "number_input", "Target").set_value(0.95)
    _click(at, form, "Save key result")
    _ok(at)
    [o] = _read(db, okrs.list_okrs, "2026-Q4")
    [kr] = [k for k in o.key_results if k.link == "ai:support-intent:precision"]
    assert kr.current == pytest.approx(precision_score(df["label"], (df["v1"] >= 0.5).astype(int)))
    at.selectbox(key="okrs_edit_kr_pick").set_value(kr.id).run()   # editing it opens its form on the AI metric
    assert not at.exception
    edit = at.get_by_key(f"okrs_edit_kr_{kr.id}")
    assert _widget(edit, "radio", "Current value comes from").value == "AI metric"


def test_the_initiative_shows_its_ai_feature_readiness(run_page, demo_db_path, tmp_path):
    from pm_core import roadmap

    s = open_store(demo_db_path)
    df = breast_cancer_predictions()
    import_file(s, EDITOR, write_predictions(df, tmp_path / "intent_eval.csv", versions=("v1",)))
    init = roadmap.list_initiatives(s)[0]
    ai.save_readiness(s, EDITOR, "support-intent", {"initiative_id": init.id, "min_precision": 0.99,
                                                    "min_recall": 0.9, "fallback": "Route to a human agent"})
    prd = roadmap.prd_markdown(s, init.id)
    s.close()
    assert "## AI launch readiness" in prd and "support-intent" in prd and "Not ready" in prd
    at = run_page("app_pages/roadmap.py", "viewer", demo_db_path, query={"initiative": init.id})
    assert not at.exception
    assert any("support-intent is not ready" in w.value for w in at.warning)
