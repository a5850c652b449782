"""AppTest of the Growth funnel options: reordering, an hour window, any/first attempt, exclusions, the entry trend.

Every figure the page shows is checked against pm_core.growth called with the same options (whose own
numbers tests/core/test_funnel_options.py checks against pandas and PostHog's cases).
"""
from __future__ import annotations

import pytest

from pm_core import growth
from pm_core.formatting import fmt_pct
from pm_core.store import open_store
from tests.factories.events import put_events, random_events


@pytest.fixture
def events_db(tmp_path):
    path = tmp_path / "g.duckdb"
    s = open_store(path)
    put_events(s, random_events(users=150, days=90))
    s.close()
    return path


def conversion_metric(at):
    return next(m for m in at.metric if m.label.startswith("Conversion "))


def expected(path, steps, **kw):
    s = open_store(path)
    try:
        return growth.funnel(s, steps, **kw)
    finally:
        s.close()


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_funnel_options_on_the_page(run_page, events_db, role):
    at = run_page("app_pages/growth.py", role, events_db)
    assert not at.exception
    steps = ["search", "listing_view", "booking_completed"]
    at.multiselect(key="growth_funnel_steps").set_value(steps).run()
    # default: any attempt, the workspace window in days
    want = expected(events_db, steps, window="30d", attempt="any")
    assert conversion_metric(at).value == fmt_pct(want.conversion)
    assert "30-day window" in conversion_metric(at).label
    # a one-hour window
    at.number_input(key="growth_funnel_window").set_value(1).run()
    at.selectbox(key="growth_funnel_window_unit").set_value("hours").run()
    assert not at.exception
    want = expected(events_db, steps, window="1h", attempt="any")
    assert "1-hour window" in conversion_metric(at).label and conversion_metric(at).value == fmt_pct(want.conversion)
    # first attempt only
    at.segmented_control(key="growth_funnel_attempt").set_value("first").run()
    want = expected(events_db, steps, window="1h", attempt="first")
    assert conversion_metric(at).value == fmt_pct(want.conversion)
    assert any("First attempt only" in c.value for c in at.caption)
    # an exclusion between steps 2 and 3
    at.segmented_control(key="growth_funnel_attempt").set_value("any").run()
    at.number_input(key="growth_funnel_window").set_value(7).run()
    at.selectbox(key="growth_funnel_window_unit").set_value("days").run()
    at.multiselect(key="growth_funnel_exclude").set_value(["booking_started"]).run()
    at.select_slider(key="growth_funnel_between").set_value((2, 3)).run()
    assert not at.exception
    want = expected(events_db, steps, window="7d", attempt="any", exclusions=["booking_started:2-3"])
    assert conversion_metric(at).value == fmt_pct(want.conversion)
    table = at.table[-1].value  # a static table (every column shown at 1280 px)
    assert list(table["Users"]) == [f"{s.users:,}" for s in want.steps]
    assert "Mean time from previous step" in table.columns
    assert any("'booking_started' at or after step 2 and before step 3" in c.value.replace("\\", "") for c in at.caption)
    # the trend by week of entry is drawn
    assert any("by week of entry" in str(c.proto.spec) for c in at.get("vega_lite_chart"))


def test_reordering_steps_with_the_arrows(run_page, events_db):
    at = run_page("app_pages/growth.py", "viewer", events_db)
    at.multiselect(key="growth_funnel_steps").set_value(["search", "listing_view", "booking_completed"]).run()
    at.button(key="growth_funnel_down_0").click().run()
    assert not at.exception
    assert at.multiselect(key="growth_funnel_steps").value == ["listing_view", "search", "booking_completed"]
    want = expected(events_db, ["listing_view", "search", "booking_completed"], window="30d", attempt="any")
    assert conversion_metric(at).value == fmt_pct(want.conversion)
    assert conversion_metric(at).label.replace("\\", "").startswith("Conversion listing_view")
    at.button(key="growth_funnel_up_2").click().run()
    assert at.multiselect(key="growth_funnel_steps").value == ["listing_view", "booking_completed", "search"]
    assert at.button(key="growth_funnel_up_0").disabled and at.button(key="growth_funnel_down_2").disabled


def retention_metric(at):
    return next(m for m in at.metric if "retention, weighted" in m.label)


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_retention_options_on_the_page(run_page, events_db, role):
    import datetime as dt

    at = run_page("app_pages/growth.py", role, events_db)
    at.selectbox(key="growth_ret_start").set_value("sign_up").run()
    at.selectbox(key="growth_ret_return").set_value("booking_completed").run()
    at.number_input(key="growth_ret_min").set_value(2).run()
    assert not at.exception
    s = open_store(events_db)
    try:
        want = growth.retention_table(s, "week", True, "on", None, None, None, 12, "sign_up", "booking_completed", 2)
        k1 = next(k for k, v in want.weighted.items() if v is not None)
        assert retention_metric(at).value == fmt_pct(want.weighted[k1])
        assert any("did 'booking_completed' at least 2 times" in c.value.replace("\\", "") for c in at.caption)
        # a cohort range pads the cells to its end, as PostHog
        at.date_input(key="growth_ret_from").set_value(dt.date(2026, 1, 1)).run()
        at.date_input(key="growth_ret_to").set_value(dt.date(2026, 2, 28)).run()
        assert not at.exception
        padded = growth.retention_table(s, "week", True, "on", None, dt.date(2026, 1, 1), dt.date(2026, 2, 28), 12,
                                        "sign_up", "booking_completed", 2, dt.date(2026, 2, 28))
        assert retention_metric(at).value == fmt_pct(padded.weighted[1])
        assert any("Cells run to the end of the chosen range (28 Feb 2026)" in c.value for c in at.caption)
        # hourly cohorts
        at.segmented_control(key="growth_ret_unit").set_value("hour").run()
        assert not at.exception
        assert retention_metric(at).label.startswith("Hour-1 retention")
    finally:
        s.close()


def test_days_active_histogram_on_the_page(run_page, events_db):
    at = run_page("app_pages/growth.py", "viewer", events_db)
    assert not at.exception
    month = next(m for m in at.metric if m.label.startswith("MAU")).label.split("· ")[1].split(" (")[0]
    specs = [str(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert any(f"How many days users were active \\u00b7 {month}" in sp or f"How many days users were active · {month}" in sp
               for sp in specs)
    mean_dau = next(m for m in at.metric if m.label.startswith("Mean DAU"))
    s = open_store(events_db)
    try:
        st_ = growth.stickiness_series(s)
        row = st_[st_["month"].map(lambda m: f"{m:%B %Y}") == month].iloc[0]
        assert mean_dau.value == f"{row['mean_dau']:,.0f}"
        assert row["calendar_days"] >= row["days_with_events"]
    finally:
        s.close()
