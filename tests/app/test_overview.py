"""AppTest of the Overview page: both roles, an empty workspace, the period in the URL and segment filters."""
from __future__ import annotations

import pytest

from pm_core.metrics import compute_kpis
from pm_core.store import open_store
from tests.factories.metrics import METRICS, SURVEY, WORK, _events, _insert, _insert_events


@pytest.fixture
def kpi_db(tmp_path):
    """A workspace with events, surveys, work items and metric series (built without the demo)."""
    path = tmp_path / "kpi.duckdb"
    s = open_store(path)
    _insert_events(s, _events())
    _insert(s, "survey_responses", SURVEY.assign(import_id="s"))
    w = WORK.assign(import_id="w")
    w["due"] = w["due"].astype("object")
    _insert(s, "work_items", w)
    _insert(s, "metric_points", METRICS.assign(import_id="m"))
    s.close()
    return path


def _metric(at, label):
    return next(m for m in at.metric if m.label == label)


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_overview_renders_every_pillar(run_page, kpi_db, role):
    at = run_page("app_pages/overview.py", role, kpi_db)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Overview"
    assert [h.value for h in at.subheader] == ["Strategy", "Discovery", "Delivery", "Growth & Stakeholders", "KPI trend"]
    assert len(at.metric) == 18
    s = open_store(kpi_db)
    try:
        expected = compute_kpis(s, "all")
    finally:
        s.close()
    assert _metric(at, "Monthly active users").value == f"{expected['growth']['mau'].value:,.0f}"
    # ROI has no roadmap costs here: the card says why instead of showing a number.
    assert any("Not enough data" in c.value for c in at.caption)
    assert "period" not in at.query_params  # the default view leaves the address bare


def test_overview_period_from_url_and_segment(run_page, kpi_db):
    at = run_page("app_pages/overview.py", "editor", kpi_db, query={"period": "2026-07", "segment": "platform=iOS"})
    assert not at.exception
    assert at.selectbox(key="overview_period").value == "2026-07"
    assert at.multiselect(key="overview_seg_platform").value == ["iOS"]
    s = open_store(kpi_db)
    try:
        expected = compute_kpis(s, "2026-07", {"platform": "iOS"})
    finally:
        s.close()
    assert _metric(at, "Monthly active users").value == f"{expected['growth']['mau'].value:,.0f}"
    at.multiselect(key="overview_seg_platform").set_value([]).run()
    assert not at.exception and "segment" not in at.query_params
    at.selectbox(key="overview_period").set_value("2026-Q3").run()
    assert not at.exception and at.query_params["period"] in (["2026-Q3"], "2026-Q3")


def test_overview_bad_period_in_url_falls_back_with_notice(run_page, kpi_db):
    at = run_page("app_pages/overview.py", "viewer", kpi_db, query={"period": "1999-13"})
    assert not at.exception
    assert any("does not exist" in w.value for w in at.warning)
    assert at.selectbox(key="overview_period").value == "all"


def test_overview_on_an_empty_workspace(run_page, tmp_path):
    at = run_page("app_pages/overview.py", "editor", tmp_path / "empty.duckdb")
    assert not at.exception
    assert len(at.metric) == 18 and all(m.value == "—" for m in at.metric)


def test_overview_on_the_demo(run_page, demo_db_path):
    for role in ("editor", "viewer"):
        at = run_page("app_pages/overview.py", role, demo_db_path)
        assert not at.exception, [e.value for e in at.exception]
        assert len(at.metric) == 18


def test_task_success_card_names_the_survey_it_came_from(run_page, tmp_path):
    from tests.factories import imported_workspace

    f = tmp_path / "task_survey.csv"
    f.write_text("Response ID,Date Submitted,Were you able to complete your task today?\n"
                 "r1,2026-09-02 10:00:00,Yes\nr2,2026-09-03 10:00:00,No\nr3,2026-09-04 10:00:00,Yes\n", encoding="utf-8")
    path = imported_workspace(tmp_path / "task.duckdb", f)
    at = run_page("app_pages/overview.py", "viewer", path, query={"period": "2026-09"})
    assert not at.exception
    assert _metric(at, "Task success rate").value == "66.7%"
    assert any("from 3 task-survey answers" in c.value for c in at.caption)


@pytest.fixture
def dollar_db(tmp_path):
    """Events whose properties are named as PostHog and Amplitude write them ($os, [Amplitude] Country)."""
    from tests.factories.events import put_events

    path = tmp_path / "dollar.duckdb"
    s = open_store(path)
    rows = []
    for i, (os_, country) in enumerate([("iOS", "PT"), ("iOS", "DE"), ("Android", "PT"), ("iOS", "PT")]):
        props = {"$os": os_, "[Amplitude] Country": country}
        rows += [(f"u{i}", "search", f"2026-03-0{i + 1} 10:00:00", props),
                 (f"u{i}", "booking_completed", f"2026-03-0{i + 1} 11:00:00", props)]
    put_events(s, rows)
    s.close()
    return path


def test_overview_segment_on_dollar_and_bracket_property_names(run_page, dollar_db):
    at = run_page("app_pages/overview.py", "editor", dollar_db)
    assert not at.exception, [e.value for e in at.exception]
    at.multiselect(key="overview_seg_$os").set_value(["iOS"]).run()
    assert not at.exception, [e.value for e in at.exception]
    s = open_store(dollar_db)
    try:
        expected = compute_kpis(s, "all", {"$os": "iOS"})
    finally:
        s.close()
    assert expected["growth"]["mau"].value == 3
    assert _metric(at, "Monthly active users").value == "3"
    assert at.query_params["segment"] in (["$os=iOS"], "$os=iOS")
    at.multiselect(key="overview_seg_[Amplitude] Country").set_value(["PT"]).run()
    assert not at.exception
    assert _metric(at, "Monthly active users").value == "2"
    # the link reproduces the view
    again = run_page("app_pages/overview.py", "viewer", dollar_db, query={"segment": '"[Amplitude] Country"=PT,$os=iOS'})
    assert not again.exception
    assert again.multiselect(key="overview_seg_$os").value == ["iOS"]
    assert _metric(again, "Monthly active users").value == "2"


def test_cards_say_which_event_setting_is_not_set(run_page, tmp_path):
    # A PM's own export: events, but none of the story's names and no funnel, feature or task settings.
    path = tmp_path / "own.duckdb"
    s = open_store(path)
    ev = _events().replace({"event": {"search": "$pageview", "booking_completed": "purchase"}})
    _insert_events(s, ev, story_settings=False)
    s.close()
    at = run_page("app_pages/overview.py", "editor", path)
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value.replace("\\", "") for c in at.caption]  # the page's Markdown source, escaped
    for label, where in [("Conversion rate", "the funnel's start event and the funnel's goal event in Settings → Funnel"),
                         ("Feature adoption", "the feature's event in Settings → Adoption"),
                         ("Task success rate", "the task's attempt event and the task's success event in Settings → Adoption")]:
        assert _metric(at, label).value == "—", label  # not a 0%
        assert any(c.startswith(f"Not set: choose {where}") for c in captions), (label, captions)
    assert not any("not enough data" in c.lower() and "not set" in c.lower() for c in captions)
    assert _metric(at, "Monthly active users").value != "—"  # the events themselves are read
