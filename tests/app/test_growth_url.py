"""AppTest: Growth keeps its view in the URL (tab, range, segment, breakdown, funnel steps and options) and a link
reopens it; figures checked against plain pandas on the events built in tests.factories."""
from __future__ import annotations

import pandas as pd
import pytest

from pm_core.store import open_store
from tests.factories.metrics import _events, _insert_events


@pytest.fixture
def ev_db(tmp_path):
    path = tmp_path / "growth_url.duckdb"
    s = open_store(path)
    _insert_events(s, _events())  # 25 May - 19 Aug 2026
    with s.transaction() as cur:
        cur.execute("INSERT INTO initiatives (id, title, status, health, launch_date, archived) VALUES "
                    "('i1', 'Wi-Fi filter', 'launched', 'on_track', DATE '2026-07-10', false)")
    s.close()
    return path


def _qp(at) -> dict:
    return {k: (v if isinstance(v, list) and len(v) > 1 else v[0] if isinstance(v, list) else v)
            for k, v in at.query_params.items()}


def test_the_view_round_trips_through_the_url(run_page, ev_db):
    at = run_page("app_pages/growth.py", "editor", ev_db)
    assert not at.exception, [e.value for e in at.exception]
    assert _qp(at) == {}  # the default view leaves the address bare
    at.selectbox(key="growth_period").set_value("2026-07").run()
    at.multiselect(key="growth_seg_platform").set_value(["iOS", "Web"]).run()
    at.selectbox(key="growth_by").set_value("platform").run()
    at.multiselect(key="growth_funnel_steps").set_value(["search", "listing_view", "booking_completed"]).run()
    at.number_input(key="growth_funnel_window").set_value(2).run()
    at.selectbox(key="growth_funnel_window_unit").set_value("hours").run()
    at.segmented_control(key="growth_funnel_attempt").set_value("first").run()
    assert not at.exception, [e.value for e in at.exception]
    link = _qp(at)
    assert link == {"period": "2026-07", "segment": "platform=iOS|Web", "by": "platform",
                    "steps": ["search", "listing_view", "booking_completed"], "window": "2", "unit": "hours",
                    "attempt": "first"}
    # the shared link reopens the same view, in the Funnels tab
    again = run_page("app_pages/growth.py", "viewer", ev_db, query={**link, "tab": "funnels"})
    assert not again.exception, [e.value for e in again.exception]
    assert again.session_state["growth_tab"] == "Funnels"
    assert again.selectbox(key="growth_period").value == "2026-07"
    assert again.multiselect(key="growth_seg_platform").value == ["iOS", "Web"]
    assert again.multiselect(key="growth_funnel_steps").value == ["search", "listing_view", "booking_completed"]
    assert again.number_input(key="growth_funnel_window").value == 2
    assert again.selectbox(key="growth_funnel_window_unit").value == "hours"
    assert again.segmented_control(key="growth_funnel_attempt").value == "first"
    assert any("2-hour window" in m.label for m in again.metric)
    assert _qp(again) == {**link, "tab": "funnels"}


def test_month_tiles_follow_the_headline_rule_and_the_range(run_page, ev_db):
    ev = _events()
    at = run_page("app_pages/growth.py", "viewer", ev_db, query={"segment": "platform=iOS"})
    assert not at.exception, [e.value for e in at.exception]
    ios = ev[ev["platform"] == "iOS"]
    july = ios[(ios["ts"] >= "2026-07-01") & (ios["ts"] < "2026-08-01")]["user_id"].nunique()
    mau = next(m for m in at.metric if m.label.startswith("MAU"))
    assert mau.label == "MAU · July 2026" and mau.value == f"{july:,}"  # the latest complete month, as Overview
    at2 = run_page("app_pages/growth.py", "viewer", ev_db, query={"period": "2026-07-06..2026-07-19"})
    users = ev[(ev["ts"] >= pd.Timestamp("2026-07-06")) & (ev["ts"] < pd.Timestamp("2026-07-20"))]["user_id"].nunique()
    tile = next(m for m in at2.metric if m.label.startswith("Active users"))
    assert tile.label == "Active users · 6 Jul – 19 Jul 2026" and tile.value == f"{users:,}"


def test_breakdown_chart_and_launch_marks(run_page, ev_db):
    at = run_page("app_pages/growth.py", "viewer", ev_db, query={"by": "platform", "top": "2"})
    assert not at.exception, [e.value for e in at.exception]
    specs = [c.spec for c in at.get("vega_lite_chart")]
    text = " ".join(map(str, specs))
    assert "Active users per week by platform" in text
    assert "Launch: Wi-Fi filter" in text  # the roadmap launch is marked on the charts
    assert "Funnel conversion by platform" in text  # the funnel per value of the same property
    assert "Retention by platform" in text  # and a retention curve per value


def test_a_bad_link_falls_back_with_notices(run_page, ev_db):
    at = run_page("app_pages/growth.py", "viewer", ev_db,
                  query={"tab": "nope", "period": "2026-13", "steps": ["search", "no_such_event"], "window": "-3"})
    assert not at.exception, [e.value for e in at.exception]
    warnings = " ".join(w.value for w in at.warning)
    assert "tab 'nope'" in warnings and "no\\_such\\_event" in warnings
    assert at.selectbox(key="growth_period").value == "all"  # (the test harness opens Overview first, which says why)
    assert "conversion window" in warnings
    assert at.multiselect(key="growth_funnel_steps").value == ["search"]
