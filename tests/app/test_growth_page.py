"""AppTest of the Growth page for an editor and a viewer, on an empty and a filled workspace."""
from __future__ import annotations

import pytest

from pm_core.store import open_store
from tests.factories.events import put_events, random_events


@pytest.fixture
def events_db(tmp_path):
    path = tmp_path / "g.duckdb"
    s = open_store(path)
    put_events(s, random_events(users=120, days=90))
    s.close()
    return path


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_growth_page_renders(run_page, events_db, role):
    at = run_page("app_pages/growth.py", role, events_db)
    assert not at.exception
    assert at.title[0].value == "Growth"
    assert len(at.get("vega_lite_chart")) >= 4  # active users, stickiness, heatmap, curve/trend, funnel
    # only read inputs on this page: no forms, and the only buttons reorder funnel steps (nothing is written)
    assert all(b.key.startswith(("growth_funnel_up_", "growth_funnel_down_")) for b in at.button)
    labels = [m.label for m in at.metric]
    assert any(lbl.startswith("MAU") for lbl in labels)
    assert any(lbl.startswith("Conversion search") for lbl in labels)


def test_growth_page_controls(run_page, events_db):
    at = run_page("app_pages/growth.py", "editor", events_db)
    at.multiselect(key="growth_seg_platform").set_value(["iOS"]).run()
    assert not at.exception
    assert any("platform is iOS" in c.value for c in at.caption)
    at.segmented_control(key="growth_ret_unit").set_value("month").run()
    at.segmented_control(key="growth_ret_who").set_value("recurring").run()
    at.segmented_control(key="growth_ret_mode").set_value("on_or_after").run()
    assert not at.exception
    at.multiselect(key="growth_funnel_steps").set_value(["search", "listing_view", "booking_completed"]).run()
    at.number_input(key="growth_funnel_window").set_value(7).run()
    assert not at.exception
    assert any("7-day window" in m.label for m in at.metric)
    at.multiselect(key="growth_funnel_steps").set_value(["search"]).run()
    assert not at.exception
    assert any("at least two events" in i.value for i in at.info)


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_growth_page_empty(run_page, tmp_path, role):
    path = tmp_path / "empty.duckdb"
    open_store(path).close()
    at = run_page("app_pages/growth.py", role, path)
    assert not at.exception
    assert any("No product events yet" in i.value for i in at.info)


def test_growth_page_segment_on_a_dollar_property(run_page, tmp_path):
    """$os (PostHog's name) is offered and filters: the caption names it, MAU counts its users only."""
    path = tmp_path / "os.duckdb"
    s = open_store(path)
    rows = [(f"u{i}", "search", f"2026-03-0{i + 1} 10:00:00", {"$os": os_})
            for i, os_ in enumerate(["iOS", "iOS", "Android"])]
    put_events(s, rows)
    s.close()
    at = run_page("app_pages/growth.py", "editor", path)
    assert not at.exception
    at.multiselect(key="growth_seg_$os").set_value(["iOS"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("$os is iOS" in c.value.replace("\\", "") for c in at.caption)
    assert next(m for m in at.metric if m.label.startswith("MAU")).value == "2"
