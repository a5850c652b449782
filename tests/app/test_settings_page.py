"""AppTest of the Settings page: editors edit in a form with inline errors; viewers read values with no inputs."""
from __future__ import annotations

from pm_core.settings import SETTINGS, get_settings
from pm_core.store import open_store


def _settings(path):
    s = open_store(path)
    try:
        return get_settings(s)
    finally:
        s.close()


def test_viewer_reads_settings_without_any_input(run_page, tmp_path):
    at = run_page("app_pages/settings.py", "viewer", tmp_path / "w.duckdb")
    assert not at.exception
    assert at.title[0].value == "Settings"
    for kind in ("text_input", "number_input", "checkbox", "selectbox", "text_area", "button", "form"):
        assert len(getattr(at, kind)) == 0, f"viewer sees a {kind}"
    texts = [t.value for t in at.text]
    assert "search" in texts and "booking_completed" in texts
    captions = " ".join(c.value for c in at.caption)
    for s in SETTINGS:
        assert s.help in captions
    assert {h.value for h in at.subheader} == {s.group for s in SETTINGS}


def test_editor_saves_a_valid_change(run_page, tmp_path):
    path = tmp_path / "w.duckdb"
    at = run_page("app_pages/settings.py", "editor", path)
    assert not at.exception
    # text, number, yes/no and choice settings (week start, verdict test) each have one control
    assert len(at.text_input) + len(at.number_input) + len(at.checkbox) + len(at.selectbox) == len(SETTINGS)
    at.text_input(key="setting_funnel_goal_event").set_value("booking_started")
    at.number_input(key="setting_gross_margin").set_value(0.55)
    at.button[0].click().run()
    assert not at.exception
    assert any("Settings saved" in s.value for s in at.success)
    got = _settings(path)
    assert got["funnel_goal_event"] == "booking_started" and got["gross_margin"] == 0.55


def test_editor_sees_inline_errors_and_nothing_is_saved(run_page, tmp_path):
    path = tmp_path / "w.duckdb"
    at = run_page("app_pages/settings.py", "editor", path)
    at.text_input(key="setting_funnel_start_event").set_value("   ")
    at.number_input(key="setting_gross_margin").set_value(1.5)
    at.text_input(key="setting_currency").set_value("EUR")
    at.button[0].click().run()
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]  # the page's Markdown source, escaped
    assert any("Nothing was saved" in e for e in errors)
    assert any("funnel_start_event" in e and "empty" in e for e in errors)
    assert any("gross_margin" in e and "between 0 and 1" in e for e in errors)
    got = _settings(path)
    assert got["currency"] == "USD" and got["gross_margin"] == 0.7


def test_settings_on_the_demo(run_page, demo_db_path):
    for role in ("editor", "viewer"):
        at = run_page("app_pages/settings.py", role, demo_db_path)
        assert not at.exception
