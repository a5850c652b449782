"""AppTest: the workspace calendar (time zone, week start) is saved from the Settings page and checked in the store;
an unknown zone is refused in words; a viewer has no form. The figures it changes are tested in tests/core/test_timezone.py."""
from __future__ import annotations

from pm_core.settings import get_settings
from pm_core.store import open_store


def _settings(path) -> dict:
    s = open_store(path)
    try:
        return get_settings(s)
    finally:
        s.close()


def test_editor_saves_the_calendar(run_page, tmp_path):
    path = tmp_path / "w.duckdb"
    at = run_page("app_pages/settings.py", "editor", path)
    assert not at.exception
    at.text_input(key="setting_time_zone").set_value("america/new_york")
    at.selectbox(key="setting_week_start").set_value("sunday")
    at.button[0].click().run()
    assert not at.exception and any("Settings saved" in s.value for s in at.success)
    got = _settings(path)
    assert (got["time_zone"], got["week_start"]) == ("America/New_York", "sunday")  # spelled as zoneinfo spells it


def test_an_unknown_zone_is_refused_and_nothing_is_saved(run_page, tmp_path):
    path = tmp_path / "w.duckdb"
    at = run_page("app_pages/settings.py", "editor", path)
    at.text_input(key="setting_time_zone").set_value("Mars/Olympus")
    at.button[0].click().run()
    assert not at.exception
    errors = " ".join(e.value.replace("\\", "") for e in at.error)
    assert "IANA time zone" in errors and "Mars/Olympus" in errors
    assert _settings(path)["time_zone"] == "UTC"


def test_a_viewer_cannot_change_the_calendar(run_page, tmp_path):
    path = tmp_path / "w.duckdb"
    open_store(path).close()
    at = run_page("app_pages/settings.py", "viewer", path)
    assert not at.exception
    assert not [t for t in at.text_input if t.key == "setting_time_zone"]
