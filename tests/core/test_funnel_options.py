"""Funnel options against a plain pandas implementation and PostHog's own funnel test cases.

PostHog cases ported from posthog/hogql_queries/insights/funnels/test/test_funnel.py
(test_funnel_exclusion_no_end_event, test_funnel_exclusion_multiple_possible_no_end_event1/2/3,
test_funnel_exclusions_full_window): same events, same expected counts.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pm_core import growth
from pm_core.growth import GrowthError
from pm_core.store import funnel_store as fs
from tests.factories.events import put_events, random_events


# -- the independent computation -----------------------------------------------------------------
def ref_attempts(df, steps, window_s, attempt="any", exclusions=(), start=None, end=None, unit=None):
    """Return {(user, bucket): [t1, t2, ...]} of each user's best kept attempt, by looping over events in pandas."""
    w = pd.Timedelta(seconds=window_s)
    best = {}
    for user, g in df.sort_values("ts").groupby("user_id"):
        s1 = g[g["event"] == steps[0]]["ts"]
        if s1.empty:
            continue
        starts = [s1.min()] if attempt == "first" else sorted(set(s1))
        for t1 in starts:
            if (start is not None and t1 < start) or (end is not None and t1 >= end):
                continue
            times = [t1]
            for i in range(1, len(steps)):
                cand = g[(g["event"] == steps[i]) & (g["ts"] <= t1 + w)]["ts"]
                cand = cand[cand > times[-1]] if steps[i] == steps[i - 1] else cand[cand >= times[-1]]
                if cand.empty:
                    break
                times.append(cand.min())
            dropped = False
            for ev, f, t in exclusions:
                if len(times) < f:
                    continue
                lo = times[f - 1]
                xs = g[g["event"] == ev]["ts"]
                hit = xs[(xs >= lo) & ((xs < times[t - 1]) if len(times) >= t else (xs <= t1 + w))]
                dropped |= not hit.empty
            if dropped:
                continue
            if unit == "day":
                bucket = t1.normalize()
            elif unit == "week":
                bucket = (t1.normalize() - pd.Timedelta(days=t1.day_of_week))
            elif unit == "month":
                bucket = t1.to_period("M").start_time
            else:
                bucket = None
            key = (user, bucket)
            old = best.get(key)
            if old is None or len(times) > len(old) or (len(times) == len(old) and t1 < old[0]):
                best[key] = times
    return best


def ref_counts(best, n):
    counts = [sum(1 for t in best.values() if len(t) > i) for i in range(n)]
    gaps = [[(t[i] - t[i - 1]).total_seconds() for t in best.values() if len(t) > i] for i in range(n)]
    med = [float(np.median(g)) if g else None for g in gaps]
    mean = [float(np.mean(g)) if g else None for g in gaps]
    return counts, med, mean


def users(res):
    return [s.users for s in res.steps]


# -- PostHog's cases -------------------------------------------------------------------------------
def test_posthog_exclusion_no_end_event(store):
    put_events(store, [
        ("person1", "user signed up", "2021-05-01 01:00:00"), ("person1", "paid", "2021-05-01 02:00:00"),
        ("person2", "user signed up", "2021-05-01 03:00:00"), ("person2", "x", "2021-05-01 03:30:00"),
        ("person2", "paid", "2021-05-01 04:00:00"),
        # discarded even though nothing happened after x: x is inside the conversion window
        ("person3", "user signed up", "2021-05-01 05:00:00"), ("person3", "x", "2021-05-01 06:00:00"),
        # x after the window: kept at step 1
        ("person4", "user signed up", "2021-05-01 07:00:00"), ("person4", "x", "2021-05-02 08:00:00"),
    ])
    for attempt in ("any", "first"):
        res = growth.funnel(store, ["user signed up", "paid"], window="1d", attempt=attempt, exclusions=["x:1-2"])
        assert users(res) == [2, 1]


@pytest.mark.parametrize("events,expected", [
    ([("step one", 0), ("exclusion", 1), ("step one", 31)], [1, 0]),   # ..._no_end_event1
    ([("step one", 0), ("step one", 31), ("exclusion", 32)], [1, 0]),  # ..._no_end_event2
    ([("step one", 0), ("step one", 1), ("exclusion", 2)], [0, 0]),    # ..._no_end_event3
])
def test_posthog_exclusion_multiple_attempts(store, events, expected):
    t0 = pd.Timestamp("2021-05-01 00:00:00")
    put_events(store, [("user_one", e, str(t0 + pd.Timedelta(seconds=s))) for e, s in events])
    res = growth.funnel(store, ["step one", "step two"], window="10s", attempt="any", exclusions=["exclusion"])
    assert users(res) == expected


def test_posthog_exclusions_full_window(store):
    put_events(store, [
        ("person1", "user signed up", "2021-05-01 01:00:00"), ("person1", "paid", "2021-05-01 02:00:00"),
        ("person2", "user signed up", "2021-05-01 03:00:00"), ("person2", "x 1 name with numbers 2", "2021-05-01 03:30:00"),
        ("person2", "paid", "2021-05-01 04:00:00"),
        ("person3", "user signed up", "2021-05-01 05:00:00"), ("person3", "paid", "2021-05-01 06:00:00"),
    ])
    res = growth.funnel(store, ["user signed up", "paid"], window="14d", attempt="any",
                        exclusions=[("x 1 name with numbers 2", 1, 2)])
    assert users(res) == [2, 2]


# -- attempts, windows, same timestamps ------------------------------------------------------------
def test_any_attempt_counts_a_later_attempt_first_attempt_does_not(store):
    put_events(store, [
        ("a", "search", "2026-01-01 10:00:00"),                                   # first attempt fails
        ("a", "search", "2026-03-01 10:00:00"), ("a", "book", "2026-03-02 10:00:00"),  # weeks later: converts
        ("b", "search", "2026-01-05 10:00:00"), ("b", "book", "2026-01-06 10:00:00"),
    ])
    anyr = growth.funnel(store, ["search", "book"], window_days=30, attempt="any")
    first = growth.funnel(store, ["search", "book"], window_days=30, attempt="first")
    assert users(anyr) == [2, 2] and users(first) == [2, 1]
    assert anyr.attempt == "any" and first.attempt == "first"
    assert anyr.steps[1].median_seconds_to_convert == pytest.approx(86400)


def test_hour_window_edges_and_same_timestamp(store):
    put_events(store, [
        ("in", "s", "2026-01-01 00:00:00"), ("in", "g", "2026-01-01 01:00:00"),       # exactly 1 h: in
        ("out", "s", "2026-01-01 00:00:00"), ("out", "g", "2026-01-01 01:00:01"),     # 1 h + 1 s: out
        ("same", "s", "2026-01-01 05:00:00"), ("same", "g", "2026-01-01 05:00:00"),   # same instant: in
        ("rep", "s", "2026-01-01 06:00:00"),                                          # s -> s needs a later s
    ])
    res = growth.funnel(store, ["s", "g"], window="1h", attempt="any")
    assert users(res) == [4, 2] and res.window_seconds == 3600 and res.window_label == "1-hour"
    rep = growth.funnel(store, ["s", "s"], window="1h", attempt="any")
    assert users(rep) == [4, 0]
    m = growth.funnel(store, ["s", "g"], window="30m", attempt="first")
    assert users(m) == [4, 1] and m.window_label == "30-minute"


@pytest.mark.parametrize("steps,window,attempt,excl", [
    (["search", "booking_completed"], 30 * 86400, "any", []),
    (["search", "listing_view", "booking_completed"], 7 * 86400, "any", [("booking_started", 2, 3)]),
    (["search", "listing_view", "booking_completed"], 3 * 3600, "first", [("sign_up", 1, 3)]),
    (["sign_up", "search", "search"], 86400, "any", []),
    (["listing_view", "booking_started", "booking_completed"], 14 * 86400, "first", []),
])
def test_funnel_options_match_pandas(store, steps, window, attempt, excl):
    df = put_events(store, random_events(seed=3))
    res = growth.funnel(store, steps, window=f"{window}s", attempt=attempt, exclusions=excl)
    counts, med, mean = ref_counts(ref_attempts(df, steps, window, attempt, excl), len(steps))
    assert users(res) == counts
    for s, m, a in zip(res.steps[1:], med[1:], mean[1:]):
        assert s.median_seconds_to_convert == (pytest.approx(m) if m is not None else None)
        assert s.mean_seconds_to_convert == (pytest.approx(a) if a is not None else None)


def test_period_keeps_attempts_that_start_in_it(store):
    df = put_events(store, random_events(seed=5))
    res = growth.funnel(store, ["search", "booking_completed"], window="14d", attempt="any", period="2026-02")
    ref = ref_attempts(df, ["search", "booking_completed"], 14 * 86400, "any",
                       start=pd.Timestamp("2026-02-01"), end=pd.Timestamp("2026-03-01"))
    assert users(res) == ref_counts(ref, 2)[0] and res.period == "2026-02"


def test_first_attempt_general_query_equals_the_kpi_query(store):
    put_events(store, random_events(seed=9))
    steps = ["search", "listing_view", "booking_completed"]
    kpi_path = growth.funnel(store, steps, window_days=10)  # whole days, first attempt, no exclusions
    general = fs.funnel_steps(store, steps, 10 * 86400, "first")
    assert users(kpi_path) == [int(u) for u in general["users"]]
    assert kpi_path.steps[2].mean_seconds_to_convert == pytest.approx(float(general["mean_seconds"].iloc[2]))


# -- trends --------------------------------------------------------------------------------------
@pytest.mark.parametrize("unit,attempt", [("day", "any"), ("week", "any"), ("month", "first"), ("week", "first")])
def test_funnel_trend_matches_pandas(store, unit, attempt):
    df = put_events(store, random_events(seed=4))
    steps = ["search", "booking_started", "booking_completed"]
    tr = growth.funnel_trend(store, steps, unit=unit, window="7d", attempt=attempt)
    ref = ref_attempts(df, steps, 7 * 86400, attempt, unit=unit)
    by: dict = {}
    for (_, b), times in ref.items():
        e, c = by.get(b.date(), (0, 0))
        by[b.date()] = (e + 1, c + (len(times) == len(steps)))
    got = {r.period_start: (r.entered, r.converted) for r in tr.itertuples() if r.entered}
    assert got == by
    assert tr["period_start"].is_monotonic_increasing
    assert not tr["complete"].iloc[-1]  # the last period's entrants can still convert


def test_funnel_trend_counts_re_entry_once_per_period(store):
    put_events(store, [
        ("a", "s", "2026-01-05 10:00:00"), ("a", "s", "2026-01-06 10:00:00"),  # two attempts, same week: once
        ("a", "s", "2026-01-14 10:00:00"), ("a", "g", "2026-01-14 11:00:00"),  # re-enters the next week, converts
        ("b", "s", "2026-01-27 10:00:00"),
    ])
    tr = growth.funnel_trend(store, ["s", "g"], unit="week", window="1d", attempt="any")
    assert list(tr["entered"]) == [1, 1, 0, 1] and list(tr["converted"]) == [0, 1, 0, 0]
    assert pd.isna(tr["conversion"].iloc[2])  # nobody entered: no rate, not 0%
    first = growth.funnel_trend(store, ["s", "g"], unit="week", window="1d", attempt="first")
    assert list(first["entered"]) == [1, 0, 0, 1]


# -- bad input -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,match", [
    ({"exclusions": ["x:2-1"]}, "1 <= from < to"),
    ({"exclusions": ["x:1-3"]}, "1 <= from < to <= 2"),
    ({"exclusions": ["x:one-two"]}, "event:FROM-TO"),
    ({"exclusions": [":1-2"]}, "needs an event"),
    ({"window": "1 month"}, "not a duration"),
    ({"window": "4000d"}, "between 0 and 3660 days"),
    ({"attempt": "all"}, "'any' or 'first'"),
])
def test_bad_options_are_refused_with_a_message(store, kwargs, match):
    with pytest.raises(GrowthError, match=match):
        growth.funnel(store, ["a", "b"], **kwargs)
    with pytest.raises(GrowthError):
        growth.funnel_trend(store, ["a", "b"], unit="year")
