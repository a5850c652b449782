"""Retention options (start and return events, hourly periods, minimum events per period, a date range padded
to its end) against a plain pandas computation on events built here."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pm_core import growth
from pm_core.growth import GrowthError
from tests.factories.events import put_events, random_events


def period(ts: pd.Series, unit: str) -> pd.Series:
    if unit == "hour":
        return ts.dt.floor("h")
    if unit == "day":
        return ts.dt.floor("D")
    if unit == "week":
        return ts.dt.floor("D") - pd.to_timedelta(ts.dt.day_of_week, unit="D")
    return ts.dt.to_period("M").dt.start_time


def k_of(unit, a, b):
    if unit == "hour":
        return int((b - a) / pd.Timedelta(hours=1))
    if unit == "day":
        return (b - a).days
    if unit == "week":
        return (b - a).days // 7
    return (b.year - a.year) * 12 + b.month - a.month


def ref(df, unit, first_time, mode, start_event=None, return_event=None, min_events=1, max_k=12, last=None):
    """Return ({cohort: (size, {k: retained})}, weighted) by looping over users in pandas."""
    d = df.assign(p=period(df["ts"], unit))
    s = d if start_event is None else d[d["event"] == start_event]
    r = d if return_event is None else d[d["event"] == return_event]
    r_counts = r.groupby(["user_id", "p"]).size()
    returns: dict = {}
    for (u, p), n in r_counts.items():
        if n >= min_events:
            returns.setdefault(u, set()).add(p)
    last = max(d["p"]) if last is None else last
    starts = s.groupby("user_id")["p"].apply(set).to_dict()
    members = [(u, min(ps)) for u, ps in starts.items()] if first_time else [(u, p) for u, ps in starts.items() for p in ps]
    cohorts: dict = {}
    for u, c in members:
        cohorts.setdefault(c, []).append(u)
    table, num, den = {}, {k: 0 for k in range(1, max_k + 1)}, {k: 0 for k in range(1, max_k + 1)}
    for c, us in sorted(cohorts.items()):
        if c > last:
            continue
        ret = {}
        for k in range(1, min(max_k, k_of(unit, c, last)) + 1):
            if mode == "on":
                n = sum(1 for u in us if any(k_of(unit, c, p) == k for p in returns.get(u, ())))
            else:
                n = sum(1 for u in us if any(p > c and k_of(unit, c, p) >= k for p in returns.get(u, ())))
            ret[k] = n
            num[k] += n
            den[k] += len(us)
        table[c] = (len(us), ret)
    return table, {k: (num[k] / den[k] if den[k] else None) for k in num}


def as_table(res):
    return {pd.Timestamp(c.cohort): (c.size, c.retained) for c in res.cohorts}


@pytest.mark.parametrize("unit", ["day", "week", "month"])
@pytest.mark.parametrize("first_time", [True, False])
@pytest.mark.parametrize("mode", ["on", "on_or_after"])
def test_start_and_return_events_match_pandas(store, unit, first_time, mode):
    df = put_events(store, random_events(seed=2))
    res = growth.retention_table(store, unit, first_time, mode, start_event="sign_up", return_event="booking_completed")
    table, weighted = ref(df, unit, first_time, mode, "sign_up", "booking_completed")
    assert as_table(res) == table
    assert res.weighted == pytest.approx(weighted)
    assert res.start_event == "sign_up" and res.return_event == "booking_completed"


@pytest.mark.parametrize("mode", ["on", "on_or_after"])
def test_minimum_events_per_period_match_pandas(store, mode):
    df = put_events(store, random_events(seed=6))
    res = growth.retention_table(store, "week", True, mode, min_events=3)
    table, weighted = ref(df, "week", True, mode, min_events=3)
    assert as_table(res) == table and res.weighted == pytest.approx(weighted)
    plain = growth.retention_table(store, "week", True, mode)
    assert all(res.weighted[k] <= plain.weighted[k] for k in res.weighted if res.weighted[k] is not None)


def test_hourly_retention_by_hand_and_against_pandas(store):
    df = put_events(store, [
        ("a", "open", "2026-03-01 10:05:00"), ("a", "open", "2026-03-01 11:59:59"), ("a", "open", "2026-03-01 13:00:00"),
        ("b", "open", "2026-03-01 10:59:59"), ("b", "open", "2026-03-01 11:00:00"),
        ("c", "open", "2026-03-01 11:30:00"),
    ])
    res = growth.retention_table(store, "hour", True, "on", max_k=5)
    by = {c.cohort: (c.size, c.retained) for c in res.cohorts}
    assert by[dt.datetime(2026, 3, 1, 10)] == (2, {1: 2, 2: 0, 3: 1})  # a and b at hour 1, a at hour 3
    assert by[dt.datetime(2026, 3, 1, 11)] == (1, {1: 0, 2: 0})        # c; the data ends at 13:00
    table, weighted = ref(df, "hour", True, "on", max_k=5)
    assert as_table(res) == table and res.weighted == pytest.approx(weighted)


def test_signed_up_then_booked_again_with_padding_to_the_range_end(store):
    df = put_events(store, [
        ("u1", "signed_up", "2026-01-05 09:00:00"), ("u1", "booked", "2026-01-13 09:00:00"),
        ("u1", "booked", "2026-01-20 09:00:00"),
        ("u2", "signed_up", "2026-01-06 09:00:00"), ("u2", "search", "2026-01-14 09:00:00"),  # returns, but not booking
        ("u3", "signed_up", "2026-01-14 09:00:00"), ("u3", "booked", "2026-01-15 09:00:00"),  # same week: not a return
        ("u4", "booked", "2026-01-21 09:00:00"),                                             # never signed up
    ])
    stop = growth.retention_table(store, "week", True, "on", start_event="signed_up", return_event="booked")
    assert {c.cohort: (c.size, c.retained) for c in stop.cohorts} == {
        dt.date(2026, 1, 5): (2, {1: 1, 2: 1}), dt.date(2026, 1, 12): (1, {1: 0})}
    assert not stop.padded and stop.last_period == dt.date(2026, 1, 19)  # stops at the last event's week
    padded = growth.retention_table(store, "week", True, "on", start_event="signed_up", return_event="booked",
                                    cohort_start=dt.date(2026, 1, 1), cohort_end=dt.date(2026, 2, 15),
                                    range_end=dt.date(2026, 2, 15))
    by = {c.cohort: c.retained for c in padded.cohorts}
    assert padded.padded and padded.last_period == dt.date(2026, 2, 9)
    assert by[dt.date(2026, 1, 5)] == {1: 1, 2: 1, 3: 0, 4: 0, 5: 0}  # zeros up to the range's last week
    table, _ = ref(df, "week", True, "on", "signed_up", "booked", last=pd.Timestamp("2026-02-09"))
    assert as_table(padded) == table
    narrow = growth.retention_table(store, "week", True, "on", start_event="signed_up", return_event="booked",
                                    cohort_end=dt.date(2026, 1, 11), range_end=dt.date(2026, 1, 11))
    assert [c.cohort for c in narrow.cohorts] == [dt.date(2026, 1, 5)] and narrow.cohorts[0].retained == {}


def test_retention_option_errors(store):
    with pytest.raises(GrowthError, match="unit"):
        growth.retention_table(store, "year")
    with pytest.raises(GrowthError, match="minimum events"):
        growth.retention_table(store, "week", min_events=0)
    with pytest.raises(GrowthError, match="after it ends"):
        growth.retention_table(store, "week", cohort_start=dt.date(2026, 2, 1), cohort_end=dt.date(2026, 1, 1))
    assert growth.retention_table(store, "hour", start_event="x").cohorts == []
