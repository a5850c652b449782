"""Data page, Activity tab: an editor sees the audit log rows that writes made here produced (newest first, in words) and can filter them; a viewer never reaches it."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import pm_core.ingest.after
from pm_core import okrs
from pm_core.auth import Actor
from pm_core.ingest import import_file
from pm_core.settings import update_settings
from pm_core.store import open_store
from tests.conftest import ROOT

LEAD = Actor(email="lead@example.com", role="editor")


@pytest.fixture
def db_with_changes(tmp_path, monkeypatch):
    monkeypatch.setattr(pm_core.ingest.after, "after_import", lambda *a: [])
    db = tmp_path / "w.duckdb"
    f = tmp_path / "events.csv"
    f.write_text("user_id,event,timestamp\na,search,2026-06-01\nb,search,2026-06-02\n")
    s = open_store(db)
    try:
        import_file(s, LEAD, f)
        okrs.create_objective(s, LEAD, {"title": "Nomads book long stays", "period": "2026-Q3"})
        update_settings(s, Actor(email="ana@example.com", role="editor"), {"conversion_window_days": 14})
    finally:
        s.close()
    return db


def _log(at):
    tables = [df.value for df in at.dataframe if "Change" in df.value.columns]
    assert tables, "no audit table on the page"
    return tables[0]


def test_editor_sees_the_log_newest_first_in_words(run_page, db_with_changes):
    at = run_page("app_pages/data.py", "editor", db_with_changes)
    assert not at.exception
    assert any(t.label == "Activity" for t in at.tabs)
    log = _log(at)
    assert list(log.columns) == ["When", "Who", "Action", "Object type", "Object", "Change"]
    assert list(log["Action"]) == ["Changed", "Created", "Imported"]
    assert list(log["Who"]) == ["ana@example.com", "lead@example.com", "lead@example.com"]
    assert log["Object"].tolist() == ["conversion_window_days", "Nomads book long stays", "events.csv"]
    assert log["Change"].iloc[0] == "conversion_window_days: 30 → 14"
    assert log["When"].str.endswith(" UTC").all()


def test_editor_filters_by_person_and_action(run_page, db_with_changes):
    at = run_page("app_pages/data.py", "editor", db_with_changes)
    at.selectbox(key="audit_person").set_value("lead@example.com").run()
    assert not at.exception
    assert list(_log(at)["Action"]) == ["Created", "Imported"]
    at.selectbox(key="audit_action").set_value("import").run()
    assert list(_log(at)["Object"]) == ["events.csv"]
    at.selectbox(key="audit_action").set_value("change").run()
    assert not any("Change" in df.value.columns for df in at.dataframe)
    assert any("No changes recorded for these filters" in i.value for i in at.info)


def test_viewer_sees_no_log(monkeypatch, db_with_changes):
    # the navigation does not offer viewers the Data page; opened directly, the page stops before any tab
    import streamlit as st

    monkeypatch.setenv("PILLARS_DB", str(db_with_changes))
    monkeypatch.setenv("PILLARS_DEMO", "0")
    monkeypatch.setenv("PILLARS_MODE", "intranet")
    monkeypatch.setenv("PILLARS_EDITORS", "")
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app_pages" / "data.py"), default_timeout=60).run()
        assert not at.exception
        assert any("for editors" in w.value for w in at.warning)
        assert not at.dataframe and not at.tabs
    finally:
        st.cache_resource.clear()
