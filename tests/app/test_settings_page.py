"""AppTest of the Settings page: editors edit in a form with inline errors; viewers read values with no inputs."""
from __future__ import annotations

from pm_core.settings import SETTINGS, get_settings
from pm_core.store import open_store
from tests.factories.apptest import _prepared, _read
from tests.factories.metrics import set_story_settings


def _with_story_settings(path):
    """A new workspace whose event settings are the story's (settings start unset), as the demo sets them."""
    return _prepared(path, set_story_settings)


def test_viewer_reads_settings_without_any_input(run_page, tmp_path):
    at = run_page("app_pages/settings.py", "viewer", _with_story_settings(tmp_path / "w.duckdb"))
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
    path = _with_story_settings(tmp_path / "w.duckdb")
    at = run_page("app_pages/settings.py", "editor", path)
    assert not at.exception
    # text, number, yes/no and choice settings (week start, verdict test) each have one control
    assert len(at.text_input) + len(at.number_input) + len(at.checkbox) + len(at.selectbox) == len(SETTINGS)
    at.text_input(key="setting_funnel_goal_event").set_value("booking_started")
    at.number_input(key="setting_gross_margin").set_value(0.55)
    at.button[0].click().run()
    assert not at.exception
    assert any("Settings saved" in s.value for s in at.success)
    got = _read(path, get_settings)
    assert got["funnel_goal_event"] == "booking_started" and got["gross_margin"] == 0.55


def test_editor_sees_inline_errors_and_nothing_is_saved(run_page, tmp_path):
    path = _with_story_settings(tmp_path / "w.duckdb")
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
    got = _read(path, get_settings)
    assert got["currency"] == "USD" and got["gross_margin"] == 0.7


def test_settings_on_the_demo(run_page, demo_db_path):
    for role in ("editor", "viewer"):
        at = run_page("app_pages/settings.py", role, demo_db_path)
        assert not at.exception


def _own_events_db(tmp_path):
    """A PM's own events (PostHog-style names), no event settings: 3 x $pageview, 2 x signup, 1 x purchase."""
    from tests.factories.events import put_events

    path = tmp_path / "own.duckdb"
    s = open_store(path)
    rows = [(f"u{i}", "$pageview", f"2026-03-0{i + 1} 10:00:00") for i in range(3)]
    rows += [(f"u{i}", "signup", f"2026-03-0{i + 1} 10:05:00") for i in range(2)] + [("u0", "purchase", "2026-03-01 11:00:00")]
    put_events(s, rows, story_settings=False)
    s.close()
    return path


EVENT_KEYS = [s.key for s in SETTINGS if s.event]


def test_event_settings_offer_the_workspace_event_names_and_save_the_choice(run_page, tmp_path):
    path = _own_events_db(tmp_path)
    at = run_page("app_pages/settings.py", "editor", path)
    assert not at.exception
    for key in EVENT_KEYS:
        box = at.selectbox(key=f"setting_{key}")  # a choice among the workspace's events, not free text
        assert box.options == ["(not set)", "$pageview", "signup", "purchase"], key  # most frequent first
        assert box.value is None
    assert not [t for t in at.text_input if t.key in {f"setting_{k}" for k in EVENT_KEYS}]
    notes = " ".join(c.value for c in at.caption)
    assert "Not set: KPIs using it show 'not set' until you choose the funnel's start event here." in notes
    at.selectbox(key="setting_funnel_start_event").set_value("$pageview")
    at.selectbox(key="setting_funnel_goal_event").set_value("purchase")
    at.button[0].click().run()
    assert not at.exception
    assert any("Settings saved" in s.value for s in at.success)
    got = _read(path, get_settings)
    assert (got["funnel_start_event"], got["funnel_goal_event"], got["feature_event"]) == ("$pageview", "purchase", None)


def test_viewer_reads_not_set_event_settings(run_page, tmp_path):
    at = run_page("app_pages/settings.py", "viewer", _own_events_db(tmp_path))
    assert not at.exception
    assert [t.value for t in at.text].count("(not set)") == len(EVENT_KEYS)


def test_other_settings_save_while_event_settings_are_not_set(run_page, tmp_path):
    path = tmp_path / "new.duckdb"  # no events: the event settings are typed boxes, left blank
    at = run_page("app_pages/settings.py", "editor", path)
    assert not at.exception
    at.number_input(key="setting_gross_margin").set_value(0.6)
    at.button[0].click().run()
    assert not at.exception and not at.error
    got = _read(path, get_settings)
    assert got["gross_margin"] == 0.6 and all(got[k] is None for k in EVENT_KEYS)
