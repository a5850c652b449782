"""AppTest of the stakeholder views page: every audience with full, empty and partial data; deep links; roles."""
from __future__ import annotations

import re
import shutil

import pytest

from pm_core import audiences as A
from pm_core.store import open_store
from pm_core.text import md
from tests.factories.audiences import FORMULA, build_workspace

PAGE = "app_pages/audiences.py"
WRITE_WORDS = re.compile(r"\b(save|delete|add|archive|import|create|update|replace|confirm|remove|edit|reset)\b", re.I)


@pytest.fixture(scope="module")
def full_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("aud_full") / "w.duckdb"
    s = open_store(path)
    build_workspace(s)
    s.close()
    return path


@pytest.fixture(scope="module")
def nosurvey_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("aud_nosurvey") / "w.duckdb"
    s = open_store(path)
    build_workspace(s, surveys=False)
    s.close()
    return path


@pytest.fixture
def full_db(full_template, tmp_path):
    p = tmp_path / "full.duckdb"
    shutil.copy(full_template, p)
    return p


@pytest.fixture
def nosurvey_db(nosurvey_template, tmp_path):
    p = tmp_path / "nosurvey.duckdb"
    shutil.copy(nosurvey_template, p)
    return p


@pytest.fixture
def open_link(monkeypatch):
    """Return open(role, db_path, query) -> AppTest that opened the page straight from a link (first run on it).

    run_page renders the overview first, which rewrites shared parameters such as period; a link a
    stakeholder clicks lands on this page directly, so this starts the session on it.
    """
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    def run(role: str, db_path, query: dict) -> AppTest:
        monkeypatch.setenv("PILLARS_DB", str(db_path))
        monkeypatch.setenv("PILLARS_DEMO", "0")
        monkeypatch.setenv("PILLARS_MODE", "local" if role == "editor" else "intranet")
        monkeypatch.setenv("PILLARS_EDITORS", "")
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for k, v in query.items():
            at.query_params[k] = v
        at.switch_page(PAGE)
        at.run()
        return at

    yield run
    st.cache_resource.clear()


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [h.value for h in at.subheader] + [t.value for t in at.title]
    return "\n".join(str(p) for p in parts)


def _assert_read_only(at) -> None:
    assert len(at.form) == 0, "viewer sees a form"
    assert len(at.data_editor) == 0 if hasattr(at, "data_editor") else True
    writes = [b.label for b in at.button if WRITE_WORDS.search(b.label or "")]
    assert not writes, f"viewer sees write buttons {writes}"
    assert not any(e.label == "Editing" for e in at.expander)


@pytest.mark.parametrize("aid", A.AUDIENCE_IDS)
@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_each_audience_with_full_data(run_page, full_db, aid, role):
    at = run_page(PAGE, role, full_db, query={"audience": aid, "period": "2026-Q3"})
    assert not at.exception, [e.value for e in at.exception][:1]
    assert at.selectbox(key="aud_audience").value == aid
    assert at.selectbox(key="aud_period").value == "2026-Q3"
    assert md(A.DEFAULT_AUDIENCES[aid].name) in at.subheader[0].value  # the Markdown source, escaped
    assert len(at.metric) >= 3
    assert not at.error, [e.value for e in at.error]
    if role == "viewer":
        _assert_read_only(at)
    else:
        assert len(at.form) >= 1


@pytest.mark.parametrize("aid", A.AUDIENCE_IDS)
def test_each_audience_on_an_empty_workspace(run_page, tmp_path, aid):
    at = run_page(PAGE, "viewer", tmp_path / "empty.duckdb", query={"audience": aid})
    assert not at.exception, [e.value for e in at.exception][:1]
    assert "No data yet" in _texts(at)
    assert not at.error
    _assert_read_only(at)


@pytest.mark.parametrize("aid", ["design", "support"])
def test_partial_data_without_surveys(run_page, nosurvey_db, aid):
    at = run_page(PAGE, "editor", nosurvey_db, query={"audience": aid, "period": "2026-Q3"})
    assert not at.exception, [e.value for e in at.exception][:1]
    assert any("No survey responses imported" in i.value for i in at.info)
    assert not at.error


def test_hostile_text_is_escaped_in_markdown(run_page, full_db):
    at = run_page(PAGE, "viewer", full_db, query={"audience": "sales", "period": "2026-Q3"})
    assert not at.exception
    md = "\n".join(m.value for m in at.markdown)
    assert "<img" not in md.replace("\\<img", "")  # only the backslash-escaped form appears
    assert r"\<img src=x onerror=alert\(1\)\>" in md  # the at-risk initiative's problem statement on its card
    assert r"\=HYPERLINK\(\"http://x\"\)" in md or "HYPERLINK" in md


def test_invalid_link_falls_back_with_a_notice(open_link, full_db):
    at = open_link("viewer", full_db, {"audience": "finance", "period": "2031-Q5", "segment": "platform=Amiga"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "finance" in warnings and "2031-Q5" in warnings and "Amiga" in warnings
    assert at.selectbox(key="aud_audience").value == "executives"
    assert at.query_params["audience"] == ["executives"] or at.query_params["audience"] == "executives"


def test_url_follows_the_controls(run_page, full_db):
    at = run_page(PAGE, "viewer", full_db, query={"audience": "marketing"})
    at.selectbox(key="aud_audience").set_value("support")
    at.selectbox(key="aud_period").set_value("2026-09")
    at.multiselect(key="aud_seg_platform").set_value(["iOS"])
    at.run()
    assert not at.exception
    qp = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert qp["audience"] == "support" and qp["period"] == "2026-09" and qp["segment"] == "platform=iOS"
    assert any("platform is iOS" in c.value for c in at.caption)
    at.selectbox(key="aud_period").set_value("last-90d").run()  # a rolling range stays rolling in the link
    assert not at.exception and at.query_params["period"] in (["last-90d"], "last-90d")


def test_editor_saves_an_audience_definition(run_page, full_db):
    at = run_page(PAGE, "editor", full_db, query={"audience": "support", "period": "2026-Q3"})
    form_title = next(t for t in at.text_input if t.label == "The question this view answers")
    form_title.set_value("What broke this week?")
    next(b for b in at.button if b.label == "Save this view").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception][:1]
    s = open_store(full_db)
    try:
        assert A.get_audience(s, "support").title == "What broke this week?"
    finally:
        s.close()
    assert "What broke this week?" in at.subheader[0].value


def test_editor_sees_battle_card_and_debrief_forms(run_page, full_db):
    at = run_page(PAGE, "editor", full_db, query={"audience": "sales"})
    assert any(b.label == "Save battle card" for b in at.button)
    at = run_page(PAGE, "editor", full_db, query={"audience": "engineering"})
    assert any(b.label == "Save debrief notes" for b in at.button)
    assert FORMULA  # the launched initiative's title is the formula string; the debrief select lists it


def test_a_valid_link_opens_exactly_that_view(open_link, full_db):
    at = open_link("viewer", full_db, {"audience": "engineering", "period": "2026-08", "segment": "platform=Web"})
    assert not at.exception and not at.warning
    assert at.selectbox(key="aud_audience").value == "engineering"
    assert at.selectbox(key="aud_period").value == "2026-08"
    assert at.multiselect(key="aud_seg_platform").value == ["Web"]
    assert any("August 2026" in c.value and "platform is Web" in c.value for c in at.caption)


@pytest.mark.parametrize("aid", A.AUDIENCE_IDS)
def test_each_audience_on_the_demo_as_a_viewer(open_link, demo_db_path, aid):
    at = open_link("viewer", demo_db_path, {"audience": aid, "period": "2026-Q3"})
    assert not at.exception, [e.value for e in at.exception][:1]
    assert not at.error and not at.warning
    assert len(at.metric) >= 4
    _assert_read_only(at)


def test_a_link_to_one_battle_card(open_link, full_db):
    s = open_store(full_db)
    try:
        iid, title = A.battle_card_candidates(s)[0]
    finally:
        s.close()
    at = open_link("viewer", full_db, {"audience": "sales", "period": "all", "initiative": iid})
    assert not at.exception and not at.warning
    cards = [m.value for m in at.markdown if m.value.startswith("#### Battle card")]
    assert len(cards) == 1
    qp = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert qp["initiative"] == iid
    at = open_link("viewer", full_db, {"audience": "sales", "initiative": "ini_gone"})
    assert any(md("ini_gone") in w.value for w in at.warning)
    assert len([m for m in at.markdown if m.value.startswith("#### Battle card")]) == 3


def test_viewer_can_download_every_export(open_link, full_db):
    at = open_link("viewer", full_db, {"audience": "executives", "period": "2026-Q3"})
    labels = [d.proto.label for d in at.get("download_button")]
    for want in ("PowerPoint deck", "Excel workbook", "HTML briefing (offline)", "PNG of this chart"):
        assert want in labels, labels


def test_editor_saves_a_battle_card_from_the_page(open_link, full_db):
    at = open_link("editor", full_db, {"audience": "marketing", "period": "all"})
    iid = at.selectbox(key="bc_initiative").value
    next(t for t in at.text_area if t.label == "Value proposition").set_value("=cmd| a pitch that looks like a formula")
    next(b for b in at.button if b.label == "Save battle card").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception][:1]
    s = open_store(full_db)
    try:
        assert A.get_battle_card(s, iid).value_proposition == "=cmd| a pitch that looks like a formula"
    finally:
        s.close()
    md = "\n".join(m.value for m in at.markdown)
    assert r"=cmd\| a pitch that looks like a formula" in md


# -- feedback themes (workspace data) ------------------------------------------------------------
THEMES_LABEL = "Themes (one per line: name: keyword, keyword, ...)"


def test_editor_saves_feedback_themes_from_the_page(run_page, full_db):
    at = run_page(PAGE, "editor", full_db, query={"audience": "support", "period": "2026-Q3"})
    form = at.get_by_key("themes_form")
    [box] = [t for t in form.text_area if t.label == THEMES_LABEL]
    assert box.value == A.themes_text(A.DEFAULT_THEMES)  # a workspace starts on the generic themes
    box.set_value("Connectivity: wifi, signal\nPrice <b>x</b>: expensive, cost")
    next(b for b in form.button if b.label == "Save themes").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception][:1]
    assert not at.error, [e.value for e in at.error]
    s = open_store(full_db)
    try:
        assert A.list_themes(s) == {"Connectivity": ["wifi", "signal"], "Price <b>x</b>": ["expensive", "cost"]}
        from pm_core import audit
        from tests.conftest import EDITOR

        assert audit.list_audit(s, EDITOR, object_type="feedback_themes")[0]["action"] == "save"
    finally:
        s.close()
    assert any("Saved 2 feedback themes." in x.value for x in at.success)
    fb = next(e.value for e in at.markdown if "most mentioned" in e.value)
    assert "Connectivity" in fb
    # a bad line is refused in words and nothing changes
    form = at.get_by_key("themes_form")
    next(t for t in form.text_area if t.label == THEMES_LABEL).set_value("No colon here")
    next(b for b in form.button if b.label == "Save themes").click()
    at.run()
    assert any("line 1" in e.value for e in at.error)
    s = open_store(full_db)
    try:
        assert set(A.list_themes(s)) == {"Connectivity", "Price <b>x</b>"}
    finally:
        s.close()
    at.button(key="themes_reset").click().run()
    assert not at.exception
    s = open_store(full_db)
    try:
        assert not A.themes_customised(s)
    finally:
        s.close()


def test_viewers_see_no_themes_form(run_page, full_db):
    at = run_page(PAGE, "viewer", full_db, query={"audience": "support", "period": "2026-Q3"})
    assert not any(t.label == THEMES_LABEL for t in at.text_area)
    assert not any(b.label == "Save themes" for b in at.button)


def test_an_unknown_briefing_item_fails_loudly(run_page, full_db, monkeypatch):
    """A briefing item type the page does not know raises (naming it) instead of vanishing from the page."""
    from tests.factories import add_unknown_briefing_item

    add_unknown_briefing_item(monkeypatch)
    at = run_page(PAGE, "viewer", full_db, query={"audience": "executives", "period": "2026-Q3"})
    assert at.exception  # UnknownItemError ('quote'); the app shows it redacted (client.showErrorDetails)
