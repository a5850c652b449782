"""Starting and serving safely: no page crashes on any stored setting, an intranet workspace gets no demo, a locked
workspace is explained without internals (checked in AppTest against values written to the store here)."""
from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from pm_core.store import open_store
from pm_core.store import settings_store
from tests.conftest import ROOT

PAGES = ["app_pages/overview.py", "app_pages/growth.py", "app_pages/experiments.py", "app_pages/okrs.py",
         "app_pages/roadmap.py", "app_pages/audiences.py", "app_pages/present.py", "app_pages/career.py",
         "app_pages/settings.py"]
# What an older version (or a hand edit) could have stored: out of range, wrong type, non-finite.
BAD = {"conversion_window_days": 100_000, "salary_min_group": 1, "gross_margin": 7, "experiment_split": [1e999, -1],
       "currency": "dollars", "max_upload_mb": 0, "funnel_start_event": "", "feature_event": 12}


@pytest.mark.slow
@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_no_page_crashes_on_out_of_range_stored_settings(run_page, demo_db_path, role):
    s = open_store(demo_db_path)
    try:
        settings_store.write(s, BAD, "an older version")
    finally:
        s.close()
    for page in PAGES:
        at = run_page(page, role, demo_db_path)
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not [e.value for e in at.error if "went wrong" in e.value.lower()], page
        if page.endswith("settings.py"):
            warnings = " ".join(w.value for w in at.warning).replace("\\", "")  # Markdown-escaped source
            assert "Conversion window days" in warnings and "default (30)" in warnings
            assert "Salary min group" in warnings


def _app(monkeypatch, db, **env) -> AppTest:
    import streamlit as st

    for k in ("PILLARS_DEMO", "PILLARS_MODE", "PILLARS_EDITORS"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("PILLARS_DB", str(db))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    return at


def test_intranet_mode_does_not_fill_a_new_workspace_with_the_demo(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "new.duckdb", PILLARS_MODE="intranet", PILLARS_EDITORS="pm@example.com")
    assert not at.exception
    s = open_store(tmp_path / "new.duckdb")
    try:
        assert s.table_counts()["imports"] == 0 and s.table_counts()["events"] == 0
    finally:
        s.close()


def test_explicit_demo_flag_still_loads_it_in_intranet_mode(monkeypatch, tmp_path):
    at = _app(monkeypatch, tmp_path / "demo.duckdb", PILLARS_MODE="intranet", PILLARS_DEMO="1")
    assert not at.exception
    s = open_store(tmp_path / "demo.duckdb")
    try:
        assert s.table_counts()["imports"] > 0
    finally:
        s.close()


def test_local_mode_with_demo_off_starts_empty(monkeypatch, tmp_path):
    _app(monkeypatch, tmp_path / "empty.duckdb", PILLARS_MODE="local", PILLARS_DEMO="0")
    s = open_store(tmp_path / "empty.duckdb")
    try:
        assert s.table_counts()["imports"] == 0
    finally:
        s.close()


@pytest.mark.parametrize("mode", ["intranett", "Intranet mode", "editor"])
def test_a_typo_in_the_mode_shows_nothing_and_makes_nobody_an_editor(monkeypatch, demo_db_path, mode):
    at = _app(monkeypatch, demo_db_path, PILLARS_MODE=mode)
    errors = " ".join(e.value for e in at.error)
    assert "not configured correctly" in errors and "PILLARS_MODE" in errors
    assert not at.metric and not at.button and not at.text_input  # no page, no write control


def test_a_workspace_locked_by_another_process_is_explained_without_internals(monkeypatch, demo_db_path):
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               f"c = duckdb.connect({str(demo_db_path)!r}); print('held', flush=True); time.sleep(120)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        at = _app(monkeypatch, demo_db_path, PILLARS_MODE="intranet")
        shown = " ".join(e.value for e in at.error) + " ".join(c.value for c in at.caption)
        assert "in use by another Pillars process" in shown
        assert str(demo_db_path) not in shown and str(demo_db_path.parent) not in shown
        assert "PID" not in shown and "IO Error" not in shown and sys.executable not in shown
        assert not at.exception
    finally:
        holder.kill()
        holder.wait()


def test_saving_settings_replaces_a_stored_value_that_is_out_of_range(run_page, demo_db_path):
    s = open_store(demo_db_path)
    try:
        settings_store.write(s, {"conversion_window_days": 100_000}, "an older version")
    finally:
        s.close()
    at = run_page("app_pages/settings.py", "editor", demo_db_path)
    assert at.number_input(key="setting_conversion_window_days").value == 30  # the default, shown
    at.button(key="FormSubmitter:settings_form-Save settings").click()
    at.run()
    assert not at.exception
    s = open_store(demo_db_path)
    try:
        from pm_core.settings import invalid_settings

        assert settings_store.read_all(s)["conversion_window_days"] == 30 and invalid_settings(s) == []
    finally:
        s.close()
