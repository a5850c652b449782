"""A KPI registered in the test (one KpiSpec) shows its value in compute_kpis and its series in kpi_series, checked against counts taken by hand from the events built here.

The KPI is 'searches per active user' in the period: search events / distinct users with any event.
It declares no series function, so its series must come from its value function per month or quarter.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pm_core import metrics
from pm_core.kpi_defs import KPI_BY_KEY, KPI_DEFS
from pm_core.metrics import KpiDef, KpiSpec
from pm_core.metrics.context import Context
from pm_core.periods import Period
from tests.factories.events import put_events

ROWS = [  # (user, event, time, properties)
    ("a", "search", "2026-01-05 10:00:00", {"platform": "iOS"}),
    ("a", "search", "2026-01-20 10:00:00", {"platform": "iOS"}),
    ("b", "open", "2026-01-21 10:00:00", {"platform": "Android"}),
    ("b", "search", "2026-02-02 09:00:00", {"platform": "Android"}),
    ("c", "search", "2026-02-03 09:00:00", {"platform": "iOS"}),
    ("c", "search", "2026-02-04 09:00:00", {"platform": "iOS"}),
    ("c", "search", "2026-04-10 09:00:00", {"platform": "iOS"}),
]


def _by_hand(rows, start: dt.date | None, end: dt.date | None, platform: str | None = None) -> float | None:
    df = pd.DataFrame(rows, columns=["user", "event", "ts", "props"])
    df["ts"] = pd.to_datetime(df["ts"])
    keep = pd.Series(True, index=df.index)
    if start is not None:
        keep &= (df["ts"] >= pd.Timestamp(start)) & (df["ts"] < pd.Timestamp(end))
    if platform is not None:
        keep &= df["props"].map(lambda p: p.get("platform") == platform)
    df = df[keep]
    users = df["user"].nunique()
    return None if users == 0 else float((df["event"] == "search").sum()) / users


def _searches_per_user(ctx: Context, p: Period | None):
    """The test KPI's value function: built only from the Context, as a newcomer would write it."""
    counts = ctx.event_counts(["search"], p)
    lo, hi = (None, None) if p is None or p.is_all else (p.start, p.end)
    n = _distinct_users(ctx, lo, hi)
    if not n:
        return None, "no active users in the period.", {}
    return counts["search"] / n, None, {"searches": counts["search"], "users": n}


def _distinct_users(ctx: Context, lo, hi) -> int:
    from pm_core.store.segment_sql import where

    seg, params = where(ctx.segment)
    sql = "SELECT count(DISTINCT user_id) AS n FROM events WHERE true" + seg
    if lo is not None:
        sql += " AND ts >= ? AND ts < ?"
        params = params + [dt.datetime.combine(lo, dt.time()), dt.datetime.combine(hi, dt.time())]
    return int(ctx.store.query_df(sql, params)["n"].iloc[0])


@pytest.fixture
def registered():
    spec = KpiSpec(KpiDef("searches_per_user", "discovery", "Searches per active user", "ratio",
                          "Search events divided by distinct users with any event in the period.", "events"),
                   value=_searches_per_user)
    metrics.register(spec)
    try:
        yield spec
    finally:
        metrics.unregister(spec.key)
    assert "searches_per_user" not in KPI_BY_KEY and all(d.key != "searches_per_user" for d in KPI_DEFS)


def test_a_registered_kpi_has_its_value_and_its_series(store, registered):
    put_events(store, ROWS)
    assert "searches_per_user" in KPI_BY_KEY  # the definitions every page reads follow the registry

    res = metrics.compute_kpis(store, "2026-02")["discovery"]["searches_per_user"]
    assert res.value == pytest.approx(_by_hand(ROWS, dt.date(2026, 2, 1), dt.date(2026, 3, 1)))  # 3 / 2
    assert res.previous == pytest.approx(_by_hand(ROWS, dt.date(2026, 1, 1), dt.date(2026, 2, 1)))  # 2 / 2
    assert res.label == "Searches per active user" and res.unit == "ratio"
    assert metrics.compute_kpi(store, "searches_per_user", "all").value == pytest.approx(_by_hand(ROWS, None, None))

    s = metrics.kpi_series(store, "searches_per_user", "month")
    expected = {m: _by_hand(ROWS, m, (pd.Timestamp(m) + pd.offsets.MonthBegin(1)).date())
                for m in (dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 4, 1))}
    assert list(s["period_start"]) == sorted(expected)  # March has no events: no point, not a zero
    assert list(s["value"]) == pytest.approx([expected[m] for m in sorted(expected)])

    q = metrics.kpi_series(store, "searches_per_user", "quarter")
    assert list(q["period_start"]) == [dt.date(2026, 1, 1), dt.date(2026, 4, 1)]
    assert list(q["value"]) == pytest.approx([_by_hand(ROWS, dt.date(2026, 1, 1), dt.date(2026, 4, 1)),
                                              _by_hand(ROWS, dt.date(2026, 4, 1), dt.date(2026, 7, 1))])
    assert "searches_per_user" in metrics.all_kpi_series(store, "month")

    # the segment reaches the new KPI's value and series like every other KPI's
    ios = metrics.compute_kpis(store, "2026-02", "platform=iOS")["discovery"]["searches_per_user"]
    assert ios.value == pytest.approx(_by_hand(ROWS, dt.date(2026, 2, 1), dt.date(2026, 3, 1), "iOS"))  # 2 / 1
    s_ios = metrics.kpi_series(store, "searches_per_user", "month", {"platform": "iOS"})
    assert list(s_ios["value"]) == pytest.approx([2.0, 2.0, 1.0])


def test_a_key_is_registered_once_and_unknown_keys_say_so(registered):
    with pytest.raises(ValueError, match="already registered"):
        metrics.register(registered)
    with pytest.raises(KeyError, match="unknown KPI"):
        metrics.kpi_series(None, "no_such_kpi")
