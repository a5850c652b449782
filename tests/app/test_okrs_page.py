"""OKR page in AppTest: empty, one objective, 200 key results; as an editor and as an intranet viewer."""
from __future__ import annotations


import pytest

from pm_core import okrs
from pm_core.store import open_store
from tests.factories.okrs import build_workspace, build_big_workspace

PAGE = "app_pages/okrs.py"










def _open(run_page, role, db, **query):
    """Render the OKR page, then apply URL parameters (the Overview page, which runs first, rewrites 'period')."""
    at = run_page(PAGE, role, db)
    if query:
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
    return at


def _labels(at, kind="button"):
    return [w.label for w in getattr(at, kind)]


def _click(at, label):
    [b] = [b for b in at.button if b.label == label]
    return b.click().run()


# -- empty ---------------------------------------------------------------------------------------
def test_empty_workspace_editor(run_page, tmp_path):
    open_store(tmp_path / "w.duckdb").close()
    at = run_page(PAGE, "editor", tmp_path / "w.duckdb")
    assert not at.exception
    assert any("No objectives for" in i.value for i in at.info)
    assert "Save objective" in _labels(at)


def test_empty_workspace_viewer(run_page, tmp_path):
    open_store(tmp_path / "w.duckdb").close()
    at = run_page(PAGE, "viewer", tmp_path / "w.duckdb")
    assert not at.exception
    assert any("An editor adds them" in i.value for i in at.info)
    assert _labels(at) == [] and len(at.text_input) == 0 and len(at.number_input) == 0


# -- one objective -------------------------------------------------------------------------------
def test_one_objective_editor_drill_down_and_checkin(run_page, tmp_path):
    ids = build_workspace(tmp_path / "w.duckdb", objectives=1, krs_per=3)
    at = _open(run_page, "editor", tmp_path / "w.duckdb", period="2026-Q4")
    assert not at.exception
    assert any("key result" in m.value and "on track" in m.value for m in at.markdown)  # the OKR headline
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 3
    assert len(at.get("vega_lite_chart")) == 0  # charts only in the drill-down
    kid = ids["krs"][0]
    at.selectbox(key="okrs_kr").set_value(kid).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1
    # Add a check-in with confidence through the form.
    [value] = [n for n in at.number_input if n.label == "Value"][:1]
    value.set_value(190.0)
    at.text_input[[t.label for t in at.text_input].index("Comment")].set_value("nearly there")
    _click(at, "Save check-in")
    assert not at.exception
    assert any("Check-in saved" in s.value for s in at.success)
    s = open_store(tmp_path / "w.duckdb")
    try:
        last = okrs.get_checkins(s, kid)[-1]
    finally:
        s.close()
    assert (last.value, last.comment, last.source, last.author) == (190.0, "nearly there", "manual", "local user")


def test_invalid_key_result_shows_inline_error_and_saves_nothing(run_page, tmp_path):
    build_workspace(tmp_path / "w.duckdb", objectives=1, krs_per=1)
    at = _open(run_page, "editor", tmp_path / "w.duckdb", period="2026-Q4")
    # The "Add key result" form is the first KR form: title, then baseline = target = 5.
    [title] = [t for t in at.text_input if t.label == "Key result"][:1]
    title.set_value("Broken KR")
    [base] = [n for n in at.number_input if n.label == "Baseline"][:1]
    [target] = [n for n in at.number_input if n.label == "Target"][:1]
    base.set_value(5.0)
    target.set_value(5.0)
    [b for b in at.button if b.label == "Save key result"][0].click().run()
    assert not at.exception
    assert any("zero-width" in e.value for e in at.error)
    s = open_store(tmp_path / "w.duckdb")
    try:
        assert len(okrs.list_okrs(s, "2026-Q4")[0].key_results) == 1
    finally:
        s.close()


def test_one_objective_viewer_sees_no_write_widgets(run_page, tmp_path):
    ids = build_workspace(tmp_path / "w.duckdb", objectives=1, krs_per=2)
    at = _open(run_page, "viewer", tmp_path / "w.duckdb", period="2026-Q4", kr=ids["krs"][0])
    assert not at.exception
    assert any("key result" in m.value and "on track" in m.value for m in at.markdown)
    assert len(at.get("vega_lite_chart")) == 1  # the drill-down opened from the URL
    assert _labels(at) == [] and len(at.text_input) == 0 and len(at.number_input) == 0 and len(at.slider) == 0


def test_unknown_period_in_url_falls_back_with_a_notice(run_page, tmp_path):
    build_workspace(tmp_path / "w.duckdb", objectives=1, krs_per=1)
    at = _open(run_page, "viewer", tmp_path / "w.duckdb", period="2026-Q9")
    assert not at.exception
    assert any("2026-Q9" in w.value for w in at.warning)
    assert len(at.dataframe) == 1  # the default period (the one with objectives) is shown
    at.query_params["period"] = "2026-Q3"
    at.run()
    assert any("No objectives for 2026-Q3" in i.value for i in at.info) and len(at.dataframe) == 0


# -- 200 key results ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("okrs200") / "w.duckdb"
    assert build_big_workspace(path) == 200
    return path


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_200_key_results_render(run_page, big_db, tmp_path, role):
    import shutil

    db = tmp_path / "w.duckdb"
    shutil.copy(big_db, db)
    at = _open(run_page, role, db, period="2026-Q4")
    assert not at.exception
    # 40 objectives are drawn as two tables (objectives, key results), not 40 cards.
    assert len(at.dataframe) == 2
    assert len(at.dataframe[0].value) == 40 and len(at.dataframe[1].value) == 200
    assert len(at.get("vega_lite_chart")) == 0
    # User text (with HTML in it) is shown as text, never as markup.
    assert "KR 1.1 <b>increase_to</b>" in at.dataframe[1].value["Key result"].tolist()
    # Filtering by pillar leaves 10 objectives: cards again, one KR table each.
    at.selectbox(key="okrs_pillar").set_value("growth").run()
    assert not at.exception
    assert len(at.dataframe) == 10 and sum(len(d.value) for d in at.dataframe) == 50
    assert ("Save objective" in _labels(at)) == (role == "editor")


def test_editor_adds_objective_then_archives_a_kr_and_deletes_a_checkin(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    ids = build_workspace(db, objectives=1, krs_per=2, checkins_per=2)
    at = _open(run_page, "editor", db, period="2026-Q4")
    # Add an objective through the first form.
    [title] = [t for t in at.text_input if t.label == "Objective"][:1]
    title.set_value("Delight long-stay guests")
    _click(at, "Save objective")
    assert not at.exception and any("Delight long-stay guests" in s.value for s in at.success)
    assert any(s.value == "Delight long-stay guests" for s in at.subheader)
    # Archive the second KR through the edit form.
    kid = ids["krs"][1]
    at.selectbox(key="okrs_edit_kr_pick").set_value(kid).run()
    _click(at, "Archive key result")
    assert not at.exception and any("archived" in s.value for s in at.success)
    # Delete the newest check-in of the first KR from the drill-down.
    first = ids["krs"][0]
    at.selectbox(key="okrs_kr").set_value(first).run()
    _click(at, "Delete check-in")
    assert not at.exception
    s = open_store(db)
    try:
        [o] = [o for o in okrs.list_okrs(s, "2026-Q4") if o.title.startswith("Objective 1")]
        assert [k.id for k in o.key_results] == [ids["krs"][0]]
        assert len(okrs.get_checkins(s, first)) == 1
        assert {o.title for o in okrs.list_okrs(s, "2026-Q4")} == {"Objective 1: grow long stays", "Delight long-stay guests"}
    finally:
        s.close()


def test_period_picker_writes_the_url(run_page, tmp_path):
    build_workspace(tmp_path / "w.duckdb", objectives=1, krs_per=1)
    at = _open(run_page, "viewer", tmp_path / "w.duckdb", period="2026-Q4")
    at.selectbox(key="okrs_period").set_value("2027-Q1").run()
    assert not at.exception
    assert at.query_params["period"] in ("2027-Q1", ["2027-Q1"])
    assert any("No objectives for 2027-Q1" in i.value for i in at.info)
