"""Results memoised on the store (growth, KPI series) follow every write and cannot be edited by callers."""
from __future__ import annotations

import datetime as dt

from pm_core import growth, metrics
from tests.core.test_growth import put_events

ROWS = [
    ("a", "search", "2026-03-02 10:00:00"), ("a", "booking_completed", "2026-03-03 10:00:00"),
    ("b", "search", "2026-03-04 10:00:00"), ("a", "search", "2026-03-10 09:00:00"),
    ("c", "search", "2026-04-01 08:00:00"), ("c", "booking_completed", "2026-04-20 08:00:00"),
]
LATER = [("d", "search", "2026-04-02 08:00:00"), ("d", "booking_completed", "2026-04-03 08:00:00"),
         ("b", "listing_view", "2026-03-11 10:00:00")]


def _snapshot(store):
    ret = growth.retention_table(store, "week")
    fun = growth.funnel(store, ["search", "booking_completed"], 30)
    return {
        "retention": ret.weighted[1],
        "sizes": [c.size for c in ret.cohorts],
        "funnel": [s.users for s in fun.steps],
        "monthly": growth.funnel_monthly(store, ["search", "booking_completed"], 30),
        "mau": list(growth.active_users_series(store, "month")["active_users"]),
        "stickiness": list(growth.stickiness_series(store)["stickiness"]),
        "conversion": list(metrics.kpi_series(store, "conversion_rate")["value"]),
        "series_mau": list(metrics.kpi_series(store, "mau")["value"]),
    }


def test_memos_follow_a_write(store):
    put_events(store, ROWS)
    before = _snapshot(store)
    assert before["funnel"] == [3, 2]
    assert before["monthly"] == {dt.date(2026, 3, 1): [2, 1], dt.date(2026, 4, 1): [1, 1]}
    assert _snapshot(store) == before  # memo hit: same answers
    put_events(store, LATER, import_id="imp2")
    after = _snapshot(store)
    assert after["funnel"] == [4, 3]
    assert after["mau"] == [2, 2]  # March a, b; April c, d
    assert after["series_mau"] == [2.0, 2.0]
    assert after["conversion"] == [0.5, 1.0]
    # week 1: cohort of 2 Mar (a, b) now keeps both, cohort of 30 Mar (c, d) keeps nobody
    assert before["retention"] == 1 / 3 and after["retention"] == 2 / 4
    # a fresh store object on the same file (no memo) agrees with the memoised answers
    from pm_core.store import open_store

    fresh = open_store(store.path)
    try:
        assert _snapshot(fresh) == after
    finally:
        fresh.close()


def test_callers_cannot_edit_the_memo(store):
    put_events(store, ROWS)
    ret = growth.retention_table(store, "week")
    ret.cohorts[0].retained[1] = 999
    ret.weighted[1] = 0.0
    again = growth.retention_table(store, "week")
    assert again.cohorts[0].retained[1] != 999 and again.weighted[1] != 0.0
    s = metrics.kpi_series(store, "mau")
    s["value"] = -1
    assert (metrics.kpi_series(store, "mau")["value"] >= 0).all()
    m = growth.funnel_monthly(store, ["search", "booking_completed"], 30)
    next(iter(m.values()))[0] = 999
    assert 999 not in next(iter(growth.funnel_monthly(store, ["search", "booking_completed"], 30).values()))
