"""Growth analysis checked against independent pandas computations on data built here."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from pm_core import growth
from pm_core.growth import GrowthError
from tests.factories.events import put_events, random_events







@pytest.fixture
def rand_store(store):
    df = put_events(store, random_events())
    return store, df


# -- independent computations ------------------------------------------------------------------
def period_start(ts: pd.Series, unit: str) -> pd.Series:
    if unit == "week":
        return (ts.dt.normalize() - pd.to_timedelta(ts.dt.day_of_week, unit="D")).dt.date
    if unit == "month":
        return ts.dt.to_period("M").dt.start_time.dt.date
    return ts.dt.date


def k_between(unit, a, b):
    if unit == "day":
        return (b - a).days
    if unit == "week":
        return (b - a).days // 7
    return (b.year - a.year) * 12 + b.month - a.month


def ref_retention(df, unit, first_time, mode, max_k=12):
    d = df.assign(p=period_start(df["ts"], unit))[["user_id", "p"]].drop_duplicates()
    last = max(d["p"])
    active = d.groupby("user_id")["p"].apply(set).to_dict()
    members = []  # (user, cohort)
    if first_time:
        members = [(u, min(ps)) for u, ps in active.items()]
    else:
        members = [(u, p) for u, ps in active.items() for p in ps]
    cohorts: dict = {}
    for u, c in members:
        cohorts.setdefault(c, []).append(u)
    table = {}
    num = {k: 0 for k in range(1, max_k + 1)}
    den = {k: 0 for k in range(1, max_k + 1)}
    for c, us in sorted(cohorts.items()):
        ret = {}
        for k in range(1, max_k + 1):
            if k_between(unit, c, last) < k:
                break
            if mode == "on":
                n = sum(1 for u in us if any(k_between(unit, c, p) == k for p in active[u]))
            else:
                n = sum(1 for u in us if any(k_between(unit, c, p) >= k for p in active[u]))
            ret[k] = n
            num[k] += n
            den[k] += len(us)
        table[c] = (len(us), ret)
    weighted = {k: (num[k] / den[k] if den[k] else None) for k in num}
    return table, weighted


# -- retention ---------------------------------------------------------------------------------
@pytest.mark.parametrize("unit", ["week", "month", "day"])
@pytest.mark.parametrize("first_time", [True, False])
@pytest.mark.parametrize("mode", ["on", "on_or_after"])
def test_retention_matches_pandas(rand_store, unit, first_time, mode):
    store, df = rand_store
    res = growth.retention_table(store, unit=unit, first_time=first_time, mode=mode)
    table, weighted = ref_retention(df, unit, first_time, mode)
    assert {c.cohort: (c.size, c.retained) for c in res.cohorts} == table
    for k, v in weighted.items():
        if v is None:
            assert res.weighted[k] is None
        else:
            assert res.weighted[k] == pytest.approx(v, abs=1e-12)


def test_retention_on_vs_on_or_after_and_first_time_vs_recurring(store):
    # a: weeks 0 and 2; b: weeks 0 and 1; c: week 1 only; d: week 2 (the last week).
    put_events(store, [
        ("a", "search", "2026-03-02 10:00:00"), ("a", "search", "2026-03-18 10:00:00"),
        ("b", "search", "2026-03-03 10:00:00"), ("b", "search", "2026-03-10 10:00:00"),
        ("c", "search", "2026-03-11 10:00:00"),
        ("d", "search", "2026-03-17 10:00:00"),
    ])
    on = growth.retention_table(store, "week", True, "on")
    after = growth.retention_table(store, "week", True, "on_or_after")
    c0 = {c.cohort: c for c in on.cohorts}[dt.date(2026, 3, 2)]
    assert c0.size == 2 and c0.retained == {1: 1, 2: 1}
    c0a = {c.cohort: c for c in after.cohorts}[dt.date(2026, 3, 2)]
    assert c0a.retained == {1: 2, 2: 1}  # a counts for week 1 "on or after" (active in week 2)
    # week-1 cohort (c) is observable at k=1 only; the last cohort at no k
    assert {c.cohort: c.retained for c in on.cohorts}[dt.date(2026, 3, 9)] == {1: 0}
    assert {c.cohort: c.retained for c in on.cohorts}[dt.date(2026, 3, 16)] == {}
    assert on.weighted[1] == pytest.approx(1 / 3)  # (1 + 0) / (2 + 1)
    assert on.weighted[2] == pytest.approx(1 / 2)
    assert on.weighted[3] is None
    rec = growth.retention_table(store, "week", False, "on")
    sizes = {c.cohort: c.size for c in rec.cohorts}
    assert sizes == {dt.date(2026, 3, 2): 2, dt.date(2026, 3, 9): 2, dt.date(2026, 3, 16): 2}
    assert {c.cohort: c.retained for c in rec.cohorts}[dt.date(2026, 3, 9)] == {1: 0}


def test_sunday_late_utc_event_is_in_that_monday_week(store):
    put_events(store, [("u", "search", "2026-03-08 23:30:00"), ("u", "search", "2026-03-09 00:00:00"),
                       ("v", "search", "2026-03-02 00:00:00")])
    res = growth.retention_table(store, "week")
    c = {c.cohort: c for c in res.cohorts}
    assert c[dt.date(2026, 3, 2)].size == 2  # Sunday 23:30 belongs to the week starting Monday 2 March
    assert c[dt.date(2026, 3, 2)].retained == {1: 1}
    wk = growth.active_users_series(store, "week")
    assert list(wk["active_users"]) == [2, 1]


def test_cohort_filters_and_empty_workspace(store):
    empty = growth.retention_table(store)
    assert empty.cohorts == [] and empty.last_period is None and all(v is None for v in empty.weighted.values())
    put_events(store, [("a", "x", "2026-01-05 00:00:00"), ("a", "x", "2026-01-12 00:00:00"),
                       ("b", "x", "2026-01-12 00:00:00"), ("b", "x", "2026-01-19 00:00:00")])
    res = growth.retention_table(store, cohort_start=dt.date(2026, 1, 12))
    assert [c.cohort for c in res.cohorts] == [dt.date(2026, 1, 12)]
    assert res.weighted[1] == 1.0
    with pytest.raises(GrowthError):
        growth.retention_table(store, unit="year")
    with pytest.raises(GrowthError):
        growth.retention_table(store, mode="later")


def test_retention_segment(rand_store):
    store, df = rand_store
    plat = df["properties"].map(lambda s: json.loads(s)["platform"])
    res = growth.retention_table(store, "week", segment={"platform": "iOS"})
    table, weighted = ref_retention(df[plat == "iOS"], "week", True, "on")
    # the last period is the workspace's, not the segment's; with this data both are the same week
    assert {c.cohort: (c.size, c.retained) for c in res.cohorts} == table


def test_retention_trend_and_matrix(rand_store):
    store, _ = rand_store
    res = growth.retention_table(store, "week")
    tr = growth.retention_trend(res, 2)
    assert len(tr) == sum(1 for c in res.cohorts if 2 in c.retained)
    m = growth.retention_matrix(res)
    assert (m[m["k"] == 0]["rate"] == 1.0).all()


# -- active users and stickiness ---------------------------------------------------------------
@pytest.mark.parametrize("freq", ["day", "week", "month"])
def test_active_users_match_pandas(rand_store, freq):
    store, df = rand_store
    got = growth.active_users_series(store, freq)
    ref = df.assign(p=period_start(df["ts"], freq)).groupby("p")["user_id"].nunique()
    got_nonzero = got[got["active_users"] > 0].set_index("period_start")["active_users"]
    assert got_nonzero.to_dict() == ref.to_dict()
    # silent periods are shown as 0, and the series has no holes
    assert len(got) == k_between(freq, min(ref.index), max(ref.index)) + 1
    assert not got["complete"].iloc[-1] or got["period_start"].iloc[-1] == max(ref.index)


def test_stickiness_matches_pandas(rand_store):
    store, df = rand_store
    got = growth.stickiness_series(store).set_index("month")
    d = df.assign(day=df["ts"].dt.date, month=period_start(df["ts"], "month"))
    mau = d.groupby("month")["user_id"].nunique()
    # calendar days the data covers in each month: a day without events counts as 0 active users
    days = pd.Series(pd.date_range(df["ts"].min().normalize(), df["ts"].max().normalize(), freq="D").date)
    cal = days.groupby(days.map(lambda x: x.replace(day=1))).size()
    mean_dau = d.groupby(["month", "day"])["user_id"].nunique().groupby(level=0).sum() / cal
    for m in mau.index:
        assert got.loc[m, "calendar_days"] == cal[m]
        assert got.loc[m, "mau"] == mau[m]
        assert got.loc[m, "mean_dau"] == pytest.approx(mean_dau[m])
        assert got.loc[m, "stickiness"] == pytest.approx(mean_dau[m] / mau[m])


def test_active_users_segment_and_empty(store):
    assert growth.active_users_series(store, "day").empty
    assert growth.stickiness_series(store).empty
    assert growth.event_names(store) == []
    put_events(store, [("a", "search", "2026-02-01 00:00:00", {"platform": "iOS"}),
                       ("b", "search", "2026-02-01 00:00:00", {"platform": "Web"}),
                       ("b", "search", "2026-02-03 00:00:00", {"platform": "Web"})])
    got = growth.active_users_series(store, "day", segment={"platform": "Web"})
    assert list(got["active_users"]) == [1, 0, 1]
    assert growth.segment_properties(store) == ["platform"]
    assert growth.segment_values(store, "platform") == ["Web", "iOS"]
    assert growth.event_names(store) == ["search"]


def test_segment_key_is_not_sql(store):
    put_events(store, [("a", "search", "2026-02-01 00:00:00", {"platform": "iOS"})])
    # Any property name is data now (pm_core.segments: $os, [Amplitude] Country): the name is bound as a
    # JSON pointer, so this one matches no event instead of being refused, and never widens the filter.
    got = growth.active_users_series(store, "day", segment={"x') OR 1=1 --": "y"})
    assert int(got["active_users"].sum()) == 0
    assert int(growth.active_users_series(store, "day")["active_users"].sum()) == 1
    assert growth.parse_segment(["platform=iOS", "country = DE"]) == {"platform": "iOS", "country": "DE"}
    with pytest.raises(GrowthError):
        growth.parse_segment(["platform"])


# -- funnels -----------------------------------------------------------------------------------
def ref_funnel(df, steps, window_days):
    w = pd.Timedelta(days=window_days)
    counts = [0] * len(steps)
    durations = [[] for _ in steps]
    for _, g in df.sort_values("ts").groupby("user_id"):
        s1 = g[g["event"] == steps[0]]
        if s1.empty:
            continue
        t1 = s1["ts"].min()
        counts[0] += 1
        prev = t1
        for i in range(1, len(steps)):
            cand = g[(g["event"] == steps[i]) & (g["ts"] <= t1 + w)]
            cand = cand[cand["ts"] > prev] if steps[i] == steps[i - 1] else cand[cand["ts"] >= prev]
            if cand.empty:
                break
            t = cand["ts"].min()
            durations[i].append((t - prev).total_seconds())
            counts[i] += 1
            prev = t
    return counts, [float(np.median(d)) if d else None for d in durations]


@pytest.mark.parametrize("steps,window", [
    (["search", "booking_completed"], 30),
    (["search", "listing_view", "booking_started", "booking_completed"], 14),
    (["sign_up", "search", "search", "listing_view", "booking_completed"], 60),
    (["booking_completed", "search"], 3),
])
def test_funnel_matches_pandas(rand_store, steps, window):
    store, df = rand_store
    res = growth.funnel(store, steps, window_days=window)
    counts, meds = ref_funnel(df, steps, window)
    assert [s.users for s in res.steps] == counts
    for s, m in zip(res.steps[1:], meds[1:]):
        assert (s.median_seconds_to_convert is None) == (m is None)
        if m is not None:
            assert s.median_seconds_to_convert == pytest.approx(m)
    assert res.conversion == pytest.approx(counts[-1] / counts[0])
    for i in range(1, len(steps)):
        prev = counts[i - 1]
        assert res.steps[i].conversion_from_previous == (pytest.approx(counts[i] / prev) if prev else None)


def test_funnel_window_edges_and_order(store):
    put_events(store, [
        ("in", "search", "2026-01-01 00:00:00"), ("in", "book", "2026-01-31 00:00:00"),        # exactly 30 days: in
        ("out", "search", "2026-01-01 00:00:00"), ("out", "book", "2026-01-31 00:00:01"),      # 30 days + 1 s: out
        ("before", "book", "2025-12-31 00:00:00"), ("before", "search", "2026-01-01 00:00:00"),  # goal before start: out
        ("same", "search", "2026-01-05 00:00:00"), ("same", "book", "2026-01-05 00:00:00"),    # same instant: in
        ("late", "search", "2026-01-01 00:00:00"), ("late", "search", "2026-01-20 00:00:00"),
        ("late", "book", "2026-02-05 00:00:00"),  # within 30 days of the 2nd search, not of the first: out
        ("nostart", "book", "2026-01-03 00:00:00"),
    ])
    res = growth.funnel(store, ["search", "book"], window_days=30)
    assert [s.users for s in res.steps] == [5, 2]
    assert res.conversion == pytest.approx(2 / 5)
    assert res.steps[1].median_seconds_to_convert == pytest.approx((30 * 86400 + 0) / 2)
    # three steps: ordering matters (view must come after search, book after view)
    put_events(store, [("o1", "search", "2026-03-01 00:00:00"), ("o1", "view", "2026-03-01 01:00:00"),
                       ("o1", "book", "2026-03-01 02:00:00"),
                       ("o2", "search", "2026-03-01 00:00:00"), ("o2", "book", "2026-03-01 01:00:00"),
                       ("o2", "view", "2026-03-01 02:00:00")], import_id="imp2")
    res3 = growth.funnel(store, ["search", "view", "book"], window_days=30, period="2026-03")
    assert [s.users for s in res3.steps] == [2, 2, 1]
    assert res3.period == "2026-03"


def test_funnel_period_uses_first_start_event(store):
    put_events(store, [("a", "search", "2026-01-31 23:59:59"), ("a", "search", "2026-02-02 00:00:00"),
                       ("a", "book", "2026-02-03 00:00:00"), ("b", "search", "2026-02-01 00:00:00")])
    feb = growth.funnel(store, ["search", "book"], period="2026-02")
    assert [s.users for s in feb.steps] == [1, 0]  # a's first search is in January
    jan = growth.funnel(store, ["search", "book"], period="2026-01")
    assert [s.users for s in jan.steps] == [1, 1]


def test_funnel_bad_input_and_empty(store):
    with pytest.raises(GrowthError):
        growth.funnel(store, ["search"])
    with pytest.raises(GrowthError):
        growth.funnel(store, ["a", "b", "c", "d", "e", "f"])
    with pytest.raises(GrowthError):
        growth.funnel(store, ["a", "b"], window_days=-1)
    res = growth.funnel(store, ["a", "b"])
    assert res.conversion is None and [s.users for s in res.steps] == [0, 0]


def test_funnel_user_spanning_two_imports(store):
    put_events(store, [("u", "search", "2026-01-01 00:00:00")], import_id="first")
    put_events(store, [("u", "book", "2026-01-02 00:00:00")], import_id="second")
    assert growth.funnel(store, ["search", "book"]).conversion == 1.0
    res = growth.retention_table(store, "day")
    assert res.cohorts[0].retained == {1: 1}


def test_segment_properties_leave_out_id_like_keys(store):
    put_events(store, [(f"u{i}", "search", "2026-02-01 00:00:00", {"platform": ["iOS", "Web"][i % 2], "session_id": str(i)})
                       for i in range(80)])
    assert growth.segment_properties(store) == ["platform"]
