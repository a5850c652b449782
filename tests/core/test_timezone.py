"""Workspace time zone and week start: periods cut in the zone, checked against pandas tz_convert on events built here
(midnight edges, a DST day of 23 hours), the setting's validation and the week start against dates written out."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from pm_core.metrics import compute_kpis
from pm_core.periods import period_start, utc_start
from pm_core.settings import SettingError, coerce, get_settings, update_settings
from tests.factories.metrics import _insert_events

NY = "America/New_York"


def _ev(rows):
    df = pd.DataFrame(rows, columns=["user_id", "event", "ts"])
    df["ts"] = pd.to_datetime(df["ts"])
    df["properties"] = json.dumps({"platform": "iOS"})
    return df


# Events at the edges of New York's days and months (times are UTC, as stored).
EDGES = _ev([
    ("a", "search", "2026-07-01 02:00"),   # 30 June, 22:00 in New York
    ("b", "search", "2026-07-01 05:00"),   # 1 July, 01:00
    ("c", "search", "2026-06-15 12:00"),
    ("d", "search", "2026-08-01 03:59"),   # still 31 July in New York
    ("e", "search", "2026-08-01 04:00"),   # 1 August, 00:00
    ("a", "search", "2026-03-08 04:30"),   # 7 March 23:30 (EST, UTC-5 until 2 am local)
    ("f", "search", "2026-03-08 05:30"),   # 8 March 00:30
    ("g", "search", "2026-03-09 03:30"),   # 8 March 23:30 (EDT, UTC-4): the day had 23 hours
    ("h", "search", "2026-03-09 04:30"),   # 9 March 00:30
])


def _local(df, zone):
    out = df.copy()
    out["local"] = out["ts"].dt.tz_localize("UTC").dt.tz_convert(zone).dt.tz_localize(None)
    return out


def _users(df, zone, start, end_excl):
    loc = _local(df, zone)
    return loc[(loc["local"] >= pd.Timestamp(start)) & (loc["local"] < pd.Timestamp(end_excl))]["user_id"].nunique()


@pytest.fixture
def zstore(store):
    _insert_events(store, EDGES)
    return store


@pytest.mark.parametrize("zone", ["UTC", NY, "Asia/Kolkata"])
@pytest.mark.parametrize("period,start,end", [("2026-07", "2026-07-01", "2026-08-01"),
                                              ("2026-06", "2026-06-01", "2026-07-01"),
                                              ("2026-03-08..2026-03-08", "2026-03-08", "2026-03-09"),
                                              ("2026-03-01..2026-03-31", "2026-03-01", "2026-04-01")])
def test_active_users_are_cut_in_the_workspace_zone(zstore, editor, zone, period, start, end):
    update_settings(zstore, editor, {"time_zone": zone})
    got = compute_kpis(zstore, period)["growth"]["mau"]
    assert got.value == _users(EDGES, zone, start, end)


def test_new_york_moves_the_midnight_events(zstore, editor):
    update_settings(zstore, editor, {"time_zone": NY})
    # a (30 June local) leaves July; d (31 July local) stays in July; e starts August
    assert compute_kpis(zstore, "2026-07")["growth"]["mau"].value == 2  # b and d
    assert compute_kpis(zstore, "2026-06")["growth"]["mau"].value == 2  # a and c
    # the DST day: 05:00 to 04:00 UTC next day holds f and g
    assert compute_kpis(zstore, "2026-03-08..2026-03-08")["growth"]["mau"].value == 2


def test_utc_start_follows_daylight_saving():
    assert utc_start(dt.date(2026, 3, 8), NY) == dt.datetime(2026, 3, 8, 5)
    assert utc_start(dt.date(2026, 3, 9), NY) == dt.datetime(2026, 3, 9, 4)
    assert utc_start(dt.date(2026, 3, 9), "UTC") == dt.datetime(2026, 3, 9)


def test_time_zone_setting_is_an_iana_name(store, editor):
    assert get_settings(store)["time_zone"] == "UTC" and get_settings(store)["week_start"] == "monday"
    assert coerce("time_zone", "europe/lisbon") == "Europe/Lisbon"
    with pytest.raises(SettingError, match="cannot be empty"):
        coerce("time_zone", "")
    for bad in ("Mars/Olympus", "GMT+1x", "EST5EDT;DROP"):
        with pytest.raises(SettingError, match="IANA time zone"):
            coerce("time_zone", bad)
    with pytest.raises(SettingError, match="monday, sunday"):
        coerce("week_start", "wednesday")
    update_settings(store, editor, {"time_zone": "Europe/Lisbon", "week_start": "Sunday"})
    assert get_settings(store)["time_zone"] == "Europe/Lisbon" and get_settings(store)["week_start"] == "sunday"


@pytest.mark.parametrize("day,monday,sunday", [
    (dt.date(2026, 11, 22), dt.date(2026, 11, 16), dt.date(2026, 11, 22)),  # a Sunday
    (dt.date(2026, 11, 23), dt.date(2026, 11, 23), dt.date(2026, 11, 22)),  # a Monday
    (dt.date(2026, 11, 28), dt.date(2026, 11, 23), dt.date(2026, 11, 22)),  # a Saturday
])
def test_week_start(day, monday, sunday):
    assert period_start(day, "week") == monday == period_start(day, "week", "monday")
    assert period_start(day, "week", "sunday") == sunday
    assert pd.Timestamp(day).to_period("W-SAT").start_time.date() == sunday  # pandas' Sunday weeks agree


@pytest.mark.parametrize("zone,week_start", [("UTC", "monday"), (NY, "sunday"), ("Asia/Kolkata", "sunday")])
def test_growth_active_users_follow_the_calendar(zstore, editor, zone, week_start):
    from pm_core import growth

    update_settings(zstore, editor, {"time_zone": zone, "week_start": week_start})
    loc = _local(EDGES, zone)
    day = loc["local"].dt.normalize().dt.date
    freq = "W-SAT" if week_start == "sunday" else "W-SUN"
    for unit, key in (("day", day), ("week", loc["local"].dt.to_period(freq).dt.start_time.dt.date),
                      ("month", loc["local"].dt.to_period("M").dt.start_time.dt.date)):
        want = loc.groupby(key)["user_id"].nunique().to_dict()
        got = growth.active_users_series(zstore, unit)
        assert {p: n for p, n in zip(got["period_start"], got["active_users"]) if n} == want, unit


@pytest.mark.parametrize("zone,week_start", [("UTC", "monday"), (NY, "sunday"), ("Asia/Kolkata", "monday")])
@pytest.mark.parametrize("unit", ["day", "week"])
@pytest.mark.parametrize("start_event", [None, "search"])  # the fast path and the start/return-event path
def test_retention_cohorts_follow_the_calendar(store, editor, zone, week_start, unit, start_event):
    from pm_core import growth

    rows = [(f"u{i % 7}", "search", pd.Timestamp("2026-03-01 03:00") + pd.Timedelta(hours=17 * i)) for i in range(40)]
    ev = _ev(rows)
    _insert_events(store, ev)
    update_settings(store, editor, {"time_zone": zone, "week_start": week_start})
    loc = _local(ev, zone)
    if unit == "day":
        loc["p"] = loc["local"].dt.normalize()
    else:
        loc["p"] = loc["local"].dt.to_period("W-SAT" if week_start == "sunday" else "W-SUN").dt.start_time
    first = loc.groupby("user_id")["p"].min()
    res = growth.retention_table(store, unit, True, "on", None, None, None, 3, start_event)
    step = pd.Timedelta(days=1 if unit == "day" else 7)
    last = loc["p"].max()
    for c in res.cohorts:
        members = first[first == pd.Timestamp(c.cohort)].index
        assert c.size == len(members)
        for k, n in c.retained.items():
            active = set(loc[loc["p"] == pd.Timestamp(c.cohort) + k * step]["user_id"])
            assert n == len(set(members) & active), (c.cohort, k)
    assert {pd.Timestamp(c.cohort) for c in res.cohorts} == set(first[first <= last].unique())


@pytest.mark.parametrize("zone,week_start", [("UTC", "monday"), (NY, "sunday")])
def test_funnels_are_cut_in_the_calendar(store, editor, zone, week_start):
    from pm_core import growth
    from pm_core.metrics import compute_kpis

    # each user searches once and books an hour later; searches fall on both sides of New York's midnight
    rows = []
    for i in range(30):
        t = pd.Timestamp("2026-06-28 02:30") + pd.Timedelta(hours=11 * i)
        rows += [(f"u{i}", "search", t), (f"u{i}", "booking_completed", t + pd.Timedelta(hours=1))] if i % 3 else \
            [(f"u{i}", "search", t)]
    ev = _ev(rows)
    _insert_events(store, ev)
    update_settings(store, editor, {"time_zone": zone, "week_start": week_start,
                                    "funnel_start_event": "search", "funnel_goal_event": "booking_completed"})
    loc = _local(ev, zone)
    starts = loc[loc["event"] == "search"].set_index("user_id")["local"]
    booked = set(loc[loc["event"] == "booking_completed"]["user_id"])
    july = starts[(starts >= "2026-07-01") & (starts < "2026-08-01")]
    res = growth.funnel(store, ["search", "booking_completed"], 30, "2026-07", attempt="first")
    assert [s.users for s in res.steps] == [len(july), len(set(july.index) & booked)]
    assert compute_kpis(store, "2026-07")["discovery"]["conversion_rate"].value == \
        pytest.approx(len(set(july.index) & booked) / len(july))
    tr = growth.funnel_trend(store, ["search", "booking_completed"], "week", attempt="first")
    wk = starts.dt.to_period("W-SAT" if week_start == "sunday" else "W-SUN").dt.start_time.dt.date
    want = starts.groupby(wk.values).size()
    got = tr[tr["entered"] > 0].set_index("period_start")["entered"]
    assert got.to_dict() == want.to_dict()


def test_days_active_histogram_counts_the_zones_days(zstore, editor):
    from pm_core import growth

    update_settings(zstore, editor, {"time_zone": NY})
    loc = _local(EDGES, NY)
    july = loc[(loc["local"] >= "2026-07-01") & (loc["local"] < "2026-08-01")]
    want = july.groupby("user_id")["local"].apply(lambda s: s.dt.normalize().nunique()).value_counts().to_dict()
    got = growth.days_active_histogram(zstore, "2026-07")
    assert {int(d): int(u) for d, u in zip(got["days_active"], got["users"]) if u} == want
