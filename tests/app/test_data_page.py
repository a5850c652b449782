"""Data page: editors get the uploader and the import history (with delete); viewers never reach either."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

import pm_core.ingest.after
from pm_core.auth import Actor
from pm_core.ingest import import_file, list_imports
from pm_core.store import open_store
from tests.conftest import ROOT


@pytest.fixture
def db_with_import(tmp_path, monkeypatch):
    monkeypatch.setattr(pm_core.ingest.after, "after_import", lambda *a: [])
    db = tmp_path / "w.duckdb"
    f = tmp_path / "events.csv"
    f.write_text("user_id,event,timestamp\na,search,2026-06-01\nb,search,not a date\n")
    s = open_store(db)
    res = import_file(s, Actor(email="pm@example.com", role="editor"), f)
    s.close()
    return db, res.import_id


def test_editor_sees_uploader_and_history(run_page, db_with_import):
    db, imp = db_with_import
    at = run_page("app_pages/data.py", "editor", db)
    assert not at.exception
    assert at.title[0].value == "Data"
    assert at.get("file_uploader")
    # the import is offered by file, kind and time in words (no import id reaches the page since issue 16)
    assert at.selectbox(key="hist_pick").value == imp
    assert "events.csv" in str(at.selectbox(key="hist_pick").options) and imp not in str(at.selectbox(key="hist_pick").options)
    assert any("rejected rows" in b.label for b in at.get("download_button"))


def test_editor_deletes_an_import_after_confirming(run_page, db_with_import):
    db, imp = db_with_import
    at = run_page("app_pages/data.py", "editor", db)
    delete = next(b for b in at.button if b.label == "Delete this import")
    assert delete.disabled  # nothing happens before the confirmation box is ticked
    next(c for c in at.checkbox if "delete exactly" in c.label).check().run()
    next(b for b in at.button if b.label == "Delete this import").click().run()
    assert not at.exception
    s = open_store(db)
    try:
        assert list_imports(s) == [] and s.table_counts()["events"] == 0
    finally:
        s.close()


def test_viewer_cannot_use_the_page(monkeypatch, db_with_import):
    db, imp = db_with_import
    monkeypatch.setenv("PILLARS_DB", str(db))
    monkeypatch.setenv("PILLARS_DEMO", "0")
    monkeypatch.setenv("PILLARS_MODE", "intranet")
    monkeypatch.setenv("PILLARS_EDITORS", "")
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app_pages" / "data.py"), default_timeout=60).run()
    assert not at.exception
    assert any("for editors" in w.value for w in at.warning)
    assert not at.get("file_uploader") and not at.button
    st.cache_resource.clear()


def test_viewer_nav_has_no_data_page(run_page, db_with_import):
    db, _ = db_with_import
    at = run_page("app_pages/overview.py", "viewer", db)
    assert not at.exception
    try:
        at.switch_page("app_pages/data.py").run()
    except Exception as exc:  # the page is not registered for viewers
        assert "data.py" in str(exc) or "page" in str(exc).lower()
    else:
        # if the navigation let it through, the page itself must refuse
        assert not at.get("file_uploader")
        assert any("for editors" in w.value for w in at.warning)
