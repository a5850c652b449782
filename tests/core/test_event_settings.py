"""Event settings start not set (issue 13): KPIs on them say what to choose and where; the demo sets its story's own.

Figures are checked against pandas over the raw sample export (sample_data/amplitude_events.csv.gz).
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from pm_core.audit import list_audit
from pm_core.auth import CLI_ACTOR
from pm_core.demo import seed_demo_settings
from pm_core.metrics import compute_kpis
from pm_core.settings import SETTINGS, get_settings, update_settings
from pm_core.store import open_store
from tests.conftest import SAMPLE_DATA
from tests.factories import run_cli
from tests.factories.metrics import _events, _insert_events

EVENT_KEYS = [s.key for s in SETTINGS if s.event]
NOT_SET = {"conversion_rate": ("discovery", "not set: choose the funnel's start event and the funnel's goal event "
                                            "in Settings → Funnel."),
           "feature_adoption": ("delivery", "not set: choose the feature's event in Settings → Adoption."),
           "task_success_rate": ("discovery", "not set: choose the task's attempt event and the task's success event "
                                              "in Settings → Adoption.")}


@pytest.fixture
def own_db(tmp_path):
    """A workspace with events (a PM's own names) and no event settings."""
    path = tmp_path / "own.duckdb"
    s = open_store(path)
    _insert_events(s, _events().replace({"event": {"search": "$pageview"}}), story_settings=False)
    s.close()
    return path


def test_no_event_setting_names_a_demo_event():
    assert all(s.default is None for s in SETTINGS if s.event)
    assert set(EVENT_KEYS) == {"funnel_start_event", "funnel_goal_event", "feature_event", "task_success_event",
                               "task_attempt_event"}


def test_kpis_json_gives_null_with_what_to_set(own_db, capsys):
    code, out, _ = run_cli(capsys, "--db", str(own_db), "kpis", "--json")
    assert code == 0
    d = json.loads(out)
    for key, (pillar, note) in NOT_SET.items():
        k = d[pillar][key]
        assert k["value"] is None and k["previous"] is None, key
        assert k["note"].startswith(note), (key, k["note"])
        assert k["extra"]["not_set"] is True
    assert d["growth"]["mau"]["value"] > 0  # the events are there: only the settings are missing
    code, out, _ = run_cli(capsys, "--db", str(own_db), "kpis")
    line = next(x for x in out.splitlines() if "Conversion rate" in x)
    assert NOT_SET["conversion_rate"][1] in line and "not enough data" not in line


def test_only_the_unset_event_is_named(own_db):
    s = open_store(own_db)
    try:
        update_settings(s, CLI_ACTOR, {"funnel_start_event": "$pageview"})
        k = compute_kpis(s, "all")["discovery"]["conversion_rate"]
    finally:
        s.close()
    assert k.value is None and k.note == "not set: choose the funnel's goal event in Settings → Funnel."


def test_demo_settings_come_from_sample_data_through_the_audited_write(demo_store):
    story = json.loads((SAMPLE_DATA / "settings.json").read_text(encoding="utf-8"))["settings"]
    got = get_settings(demo_store)
    assert {k: got[k] for k in story} == story
    rows = list_audit(demo_store, CLI_ACTOR, object_type="setting", limit=None)
    assert sorted(r["object_id"] for r in rows) == sorted(story)
    assert {r["summary"] for r in rows} == {f"{k}: not set → {v}" for k, v in story.items()}
    # seeding again keeps an editor's own choice
    update_settings(demo_store, CLI_ACTOR, {"feature_event": "search"})
    assert seed_demo_settings(demo_store, CLI_ACTOR) == {}
    assert get_settings(demo_store)["feature_event"] == "search"


def test_demo_gives_the_story_figures(demo_store):
    ev = pd.read_csv(SAMPLE_DATA / "amplitude_events.csv.gz", usecols=["user_id", "event_time", "event_type"])
    ev["ts"] = pd.to_datetime(ev["event_time"])
    got = compute_kpis(demo_store, "all")
    # task success: booking_completed over booking_started, all data
    n = ev["event_type"].value_counts()
    assert got["discovery"]["task_success_rate"].value == pytest.approx(n["booking_completed"] / n["booking_started"])
    # conversion: users at their first search; those with a booking_completed within 30 days after it
    first = ev[ev["event_type"] == "search"].groupby("user_id")["ts"].min()
    books = ev[ev["event_type"] == "booking_completed"].join(first.rename("first"), on="user_id", how="inner")
    won = books[(books["ts"] >= books["first"]) & (books["ts"] <= books["first"] + pd.Timedelta(days=30))]["user_id"]
    assert got["discovery"]["conversion_rate"].value == pytest.approx(won.nunique() / len(first))
    # feature adoption: wifi_filter_used users over active users in the month the card reports (UTC calendar)
    fa = got["delivery"]["feature_adoption"]
    month = ev[ev["ts"].dt.strftime("%Y-%m") == fa.period]
    wifi = month[month["event_type"] == "wifi_filter_used"]["user_id"].nunique()
    assert fa.value == pytest.approx(wifi / month["user_id"].nunique())


def test_roadmap_outcome_and_linked_kpis_say_what_to_set(own_db):
    from pm_core import roadmap as rm
    from pm_core.roadmap import links

    s = open_store(own_db)
    try:
        iid = rm.create_initiative(s, CLI_ACTOR, {
            "title": "Own feature", "problem": "p", "hypothesis": "h", "solution": "x", "pillar": "discovery",
            "team": "Search", "status": "launched", "start_date": "2026-06-01", "end_date": "2026-07-01",
            "launch_date": "2026-07-01", "reach": 10, "impact": 1, "confidence": 50, "effort": 1},
            kpis=["conversion_rate", "mau"])
        out = rm.outcome_check(s, iid)
        current = links.kpi_current(s, "feature_adoption")
    finally:
        s.close()
    by_key = {k["key"]: k for k in out["kpis"]}
    assert by_key["conversion_rate"]["not_set"] and by_key["conversion_rate"]["note"] == NOT_SET["conversion_rate"][1]
    assert not by_key["mau"]["not_set"] and by_key["mau"]["after"] is not None
    assert current["value"] is None and current["note"] == NOT_SET["feature_adoption"][1]
