"""The one rule for "now" (periods.headline, metrics.headline): the month rule checked against dates written out here,
and the KPIs, Growth's series and a briefing checked against independent pandas counts on events built in tests.factories."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pm_core import growth, metrics
from pm_core.periods import headline, month
from tests.factories.metrics import _events, _insert_events

D = dt.date


@pytest.mark.parametrize("first,last,want,complete,partial,days", [
    (D(2026, 1, 5), D(2026, 11, 22), "2026-10", True, "2026-11", 22),   # the demo: ends inside November
    (D(2026, 1, 5), D(2026, 10, 31), "2026-10", True, None, None),      # ends on a month's last day: that month
    (D(2026, 1, 1), D(2026, 1, 31), "2026-01", True, None, None),
    (D(2026, 11, 5), D(2026, 11, 22), "2026-11", False, None, None),    # no whole month: the only month, marked
    (D(2026, 10, 2), D(2026, 11, 22), "2026-11", False, None, None),    # October starts after its first day
    (D(2026, 12, 1), D(2027, 1, 1), "2026-12", True, "2027-01", 1),     # over a year end
])
def test_headline_month(first, last, want, complete, partial, days):
    h = headline(first, last)
    assert (h.month.label, h.complete, h.partial.label if h.partial else None, h.partial_days) == \
        (want, complete, partial, days)
    assert h.month.describe() in h.caption()


def test_no_data_has_no_headline():
    assert headline(None, None) is None


@pytest.fixture
def hstore(store):
    ev = _events()  # 25 May - 19 August 2026
    _insert_events(store, ev)
    store.test_events = ev
    return store


def _users(ev, start, end_excl):
    return ev[(ev["ts"] >= pd.Timestamp(start)) & (ev["ts"] < pd.Timestamp(end_excl))]["user_id"].nunique()


def test_every_monthly_headline_reports_the_same_month_as_growth(hstore):
    ev = hstore.test_events
    h = metrics.headline(hstore)
    assert h.month == month(2026, 7) and h.partial == month(2026, 8) and h.partial_days == 19
    res = metrics.compute_kpis(hstore)
    monthly = [r for pillar in res.values() for r in pillar.values() if r.key in metrics.MONTHLY_KEYS]
    assert {r.period for r in monthly if r.value is not None} == {"2026-07"}
    # Growth's month tiles pick the latest complete month of its series: the same month and figure
    mau = growth.active_users_series(hstore, "month")
    latest = mau[mau["complete"]].iloc[-1]
    assert latest["period_start"] == h.month.start
    assert res["growth"]["mau"].value == latest["active_users"] == _users(ev, "2026-07-01", "2026-08-01")


def test_the_partial_month_is_shown_to_date_like_for_like(hstore):
    ev = hstore.test_events
    mau = metrics.compute_kpis(hstore)["growth"]["mau"]
    assert mau.extra["to_date_value"] == _users(ev, "2026-08-01", "2026-08-20")
    assert mau.extra["to_date_previous"] == _users(ev, "2026-07-01", "2026-07-20")  # July's first 19 days
    assert mau.previous == _users(ev, "2026-06-01", "2026-07-01")  # a whole month against a whole month


def test_a_quarter_follows_the_rule_inside_it(hstore):
    res = metrics.compute_kpis(hstore, "2026-Q3")
    assert res["growth"]["mau"].period == "2026-07" and "latest complete month of Q3 2026" in res["growth"]["mau"].note
    res = metrics.compute_kpis(hstore, "2026-Q2")  # April-June: June is whole
    assert res["growth"]["mau"].period == "2026-06" and "to_date_period" not in res["growth"]["mau"].extra


def test_clv_of_a_partial_month_is_refused(hstore):
    r = metrics.compute_kpi(hstore, "clv", "2026-08")
    assert r.value is None and "partial" in r.note and "19 Aug 2026" in r.note


def test_a_segment_has_its_own_headline(hstore):
    # iOS-only events: the rule is applied to the events the segment keeps
    h = metrics.headline(hstore, segment="platform=iOS")
    assert h.month == month(2026, 7)
