"""AppTest of the Overview range picker, segment filter and headline captions: figures checked against compute_kpis and
plain pandas on the events built in tests.factories; the view round-trips through the URL."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pm_core.store import open_store
from tests.factories.metrics import _events, _insert_events


@pytest.fixture
def ev_db(tmp_path):
    path = tmp_path / "ranges.duckdb"
    s = open_store(path)
    _insert_events(s, _events())  # 25 May - 19 Aug 2026
    s.close()
    return path


def _metric(at, label):
    return next(m for m in at.metric if m.label == label)


def _users(ev, a, b_excl, **where):
    for k, v in where.items():
        ev = ev[ev[k].isin(v)]
    return ev[(ev["ts"] >= pd.Timestamp(a)) & (ev["ts"] < pd.Timestamp(b_excl))]["user_id"].nunique()


def test_all_data_reports_the_latest_complete_month_and_says_so(run_page, ev_db):
    ev = _events()
    at = run_page("app_pages/overview.py", "viewer", ev_db)
    assert not at.exception, [e.value for e in at.exception]
    assert _metric(at, "Monthly active users").value == f"{_users(ev, '2026-07-01', '2026-08-01'):,}"
    captions = [c.value for c in at.caption]
    assert any("July 2026, the latest complete month" in c for c in captions)
    assert any(c.startswith("**July 2026**") for c in captions)  # the card's own period, visible
    to_date = f"August 2026 so far (1–19 Aug): {_users(ev, '2026-08-01', '2026-08-20'):,}"
    assert any(c.startswith(to_date) and "vs 1–19 Jul" in c for c in captions)


def test_custom_range_from_the_url_and_back(run_page, ev_db):
    ev = _events()
    at = run_page("app_pages/overview.py", "editor", ev_db,
                  query={"period": "2026-07-06..2026-07-19", "compare": "previous", "segment": "platform=iOS|Android"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="overview_period").value == "custom"
    assert at.date_input(key="overview_dates").value == (dt.date(2026, 7, 6), dt.date(2026, 7, 19))
    assert at.multiselect(key="overview_seg_platform").value == ["iOS", "Android"]
    mau = _metric(at, "Monthly active users")
    assert mau.value == f"{_users(ev, '2026-07-06', '2026-07-20', platform=['iOS', 'Android']):,}"
    assert any(c.value.startswith("**6 Jul – 19 Jul 2026** · platform is iOS or Android") for c in at.caption)
    # surveys and delivery are not split by platform: their cards say so instead of pretending
    assert any("all segments" in c.value for c in at.caption)
    at.date_input(key="overview_dates").set_value((dt.date(2026, 6, 1), dt.date(2026, 6, 14))).run()
    assert not at.exception
    assert at.query_params["period"] in (["2026-06-01..2026-06-14"], "2026-06-01..2026-06-14")
    assert _metric(at, "Monthly active users").value == \
        f"{_users(ev, '2026-06-01', '2026-06-15', platform=['iOS', 'Android']):,}"


def test_rolling_range_and_a_year_before(run_page, ev_db):
    at = run_page("app_pages/overview.py", "viewer", ev_db, query={"period": "last-quarter", "compare": "year"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="overview_period").value == "last-quarter"
    assert at.segmented_control(key="overview_compare").value == "year"
    assert any("compared with" in c.value and str(dt.date.today().year - 1) in c.value for c in at.caption)
    at.segmented_control(key="overview_compare").set_value("previous").run()
    assert not at.exception and "compare" not in at.query_params


def test_is_not_segment_from_the_url(run_page, ev_db):
    ev = _events()
    at = run_page("app_pages/overview.py", "viewer", ev_db, query={"period": "2026-07", "segment": "platform!=iOS"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.toggle(key="overview_segnot_platform").value is True
    assert _metric(at, "Monthly active users").value == \
        f"{_users(ev, '2026-07-01', '2026-08-01', platform=['Android', 'Web']):,}"


def test_kpi_trend_breakdown_from_the_url(run_page, ev_db):
    ev = _events()
    at = run_page("app_pages/overview.py", "viewer", ev_db, query={"kpi": "mau", "by": "platform", "top": "2"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="overview_trend").value == "mau" and at.selectbox(key="overview_by").value == "platform"
    spec = str(at.get("vega_lite_chart")[-1].spec)
    assert "Monthly active users by month, by platform" in spec and "Other" in spec
    users = ev.groupby("platform")["user_id"].nunique().sort_values(ascending=False)
    assert all(v in spec for v in users.index[:2])
    at.selectbox(key="overview_by").set_value("").run()
    assert not at.exception and "by platform" not in str(at.get("vega_lite_chart")[-1].spec)
    assert "by" not in at.query_params and "kpi" not in at.query_params  # back to the defaults: a bare link


def test_a_segment_on_a_property_no_picker_lists_is_kept_as_text(run_page, ev_db):
    ev = _events()
    # 'user_id' style property with too many values for a picker is not offered; the link's clause stays typed
    at = run_page("app_pages/overview.py", "viewer", ev_db,
                  query={"period": "2026-07", "segment": 'country=PT,platform=iOS,"plan"!=free'})
    assert not at.exception, [e.value for e in at.exception]
    assert at.text_input(key="overview_segtext").value == "plan!=free"
    assert at.multiselect(key="overview_seg_platform").value == ["iOS"]
    # events have no 'plan': 'is not' keeps them all, so the figure is the iOS (and PT) users
    assert _metric(at, "Monthly active users").value == f"{_users(ev, '2026-07-01', '2026-08-01', platform=['iOS']):,}"
    assert at.query_params["segment"] in (["country=PT,plan!=free,platform=iOS"], "country=PT,plan!=free,platform=iOS")
    at.text_input(key="overview_segtext").set_value("platform=Web").run()  # the same property twice: refused in words
    assert not at.exception and any("given twice" in w.value for w in at.warning)
