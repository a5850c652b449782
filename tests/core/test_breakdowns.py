"""Breakdowns (a line per property value, top N plus Other) checked against independent pandas counts on events built in
tests.factories; annotations against launch and exposure dates written in the test."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd

import pytest

from pm_core import breakdowns as bd
from pm_core.breakdowns import OTHER, BreakdownError
from tests.factories.metrics import _events, _insert_events


@pytest.fixture
def bstore(store):
    ev = _events()
    # a fourth, rare platform so that top 2 leaves an "Other" of two values, and events without the property
    ev.loc[ev.index[:40], "platform"] = "Linux"
    ev.loc[ev.index[:40], "properties"] = [json.dumps({"platform": "Linux", "country": "PT"})] * 40
    ev.loc[ev.index[40:60], "platform"] = None
    ev.loc[ev.index[40:60], "properties"] = [json.dumps({"country": "PT"})] * 20
    _insert_events(store, ev)
    store.test_events = ev
    return store


def _top(ev, n):
    users = ev.dropna(subset=["platform"]).groupby("platform")["user_id"].nunique()
    return sorted(users.index, key=lambda v: (-users[v], v))[:n]


def test_groups_are_the_top_values_by_users_then_other(bstore):
    ev = bstore.test_events
    got = bd.groups(bstore, "platform", 2)
    assert [g for g, _ in got] == [*_top(ev, 2), OTHER]
    assert got[-1][1].text() == "platform!=" + "|".join(_top(ev, 2))  # Other is 'is not' the top values
    assert [g for g, _ in bd.groups(bstore, "platform", 10)] == _top(ev, 10)  # every value shown: no Other


@pytest.mark.parametrize("freq", ["month", "week"])
def test_active_users_per_value_match_pandas(bstore, freq):
    ev = bstore.test_events
    top = _top(ev, 2)
    df = bd.active_users(bstore, freq, "platform", 2)
    period = ev["ts"].dt.to_period("M" if freq == "month" else "W-SUN").dt.start_time.dt.date
    for group in [*top, OTHER]:
        rows = ev["platform"].isin(top) == False if group == OTHER else ev["platform"] == group  # noqa: E712
        want = ev[rows].groupby(period[rows])["user_id"].nunique()
        got = df[(df["group"] == group) & (df["active_users"] > 0)].set_index("period_start")["active_users"]
        assert got.to_dict() == want.to_dict(), group


def test_a_kpi_series_per_value_matches_pandas(bstore):
    ev = bstore.test_events
    df = bd.kpi(bstore, "mau", "platform", 3)
    month = ev["ts"].dt.to_period("M").dt.start_time.dt.date
    for group in _top(ev, 3):
        want = ev[ev["platform"] == group].groupby(month)["user_id"].nunique().astype(float)
        got = df[df["group"] == group].set_index("period_start")["value"]
        assert got.to_dict() == want.to_dict()


def test_breakdown_inside_a_segment(bstore):
    ev = bstore.test_events
    seg_users = ev[ev["properties"].str.contains('"country": "PT"')]
    got = bd.groups(bstore, "platform", 1, segment="country=PT")
    assert got[0][0] == _top(seg_users, 1)[0] and got[0][1].text() == f"country=PT,platform={got[0][0]}"


@pytest.mark.parametrize("prop,top,segment,words", [
    ("", 5, None, "needs an event property"),
    ("platform", 0, None, "top 1 to 20"),
    ("platform", 21, None, "top 1 to 20"),
    ("platform", 5, "platform=iOS", "already filters"),
    ("no_such_property", 5, None, "no events have the property"),
])
def test_breakdowns_refuse_in_words(bstore, prop, top, segment, words):
    with pytest.raises(BreakdownError, match=words):
        bd.groups(bstore, prop, top, segment)


def test_a_kpi_without_event_properties_is_not_broken_down(bstore):
    with pytest.raises(BreakdownError, match="not split by event properties"):
        bd.kpi(bstore, "bug_rate", "platform")
    with pytest.raises(BreakdownError, match="not split by 'platform'"):  # no survey carries a platform here
        bd.kpi(bstore, "nps", "platform")
    with pytest.raises(KeyError):
        bd.kpi(bstore, "no_kpi", "platform")


def test_annotations_are_launches_and_experiment_spans(store, editor):
    with store.transaction() as cur:
        cur.execute("INSERT INTO initiatives (id, title, status, health, launch_date, archived) VALUES "
                    "('i1', 'Wi-Fi filter', 'launched', 'on_track', DATE '2026-07-10', false), "
                    "('i2', 'Old idea', 'launched', 'on_track', DATE '2026-06-01', true), "
                    "('i3', 'Maps', 'planned', 'on_track', NULL, false)")
        cur.execute("INSERT INTO experiment_exposures VALUES "
                    "('x', 'checkout_test', 'u1', 'control', false, TIMESTAMP '2026-07-01 23:30:00'), "
                    "('x', 'checkout_test', 'u2', 'treatment', true, TIMESTAMP '2026-07-20 08:00:00')")
    notes = bd.annotations(store)
    assert notes.to_dict("records") == [
        {"date": dt.date(2026, 7, 1), "label": "Experiment starts: checkout_test", "kind": "experiment start"},
        {"date": dt.date(2026, 7, 10), "label": "Launch: Wi-Fi filter", "kind": "launch"},
        {"date": dt.date(2026, 7, 20), "label": "Experiment ends: checkout_test", "kind": "experiment end"}]
    assert len(bd.within(notes, dt.date(2026, 7, 2), dt.date(2026, 7, 15))) == 1
    # in the workspace zone: 23:30 UTC on 1 July is already 2 July in Lisbon (UTC+1 in summer)
    from pm_core.settings import update_settings

    update_settings(store, editor, {"time_zone": "Europe/Lisbon"})
    assert bd.annotations(store)["date"].iloc[0] == dt.date(2026, 7, 2)


def test_cli_breakdown(bstore, tmp_path, capsys):
    from tests.factories import run_cli

    ev = bstore.test_events
    bstore.close()
    db = str(tmp_path / "w.duckdb")
    code, out, err = run_cli(capsys, "--db", db, "breakdown", "--by", "platform", "--top", "2", "--json")
    assert code == 0, err
    got = json.loads(out)
    assert list(got["groups"]) == [*_top(ev, 2), OTHER]
    month = ev["ts"].dt.to_period("M").dt.start_time.dt.date
    top = _top(ev, 1)[0]
    want = ev[ev["platform"] == top].groupby(month)["user_id"].nunique()
    assert {dt.date.fromisoformat(r["period_start"]): r["value"] for r in got["groups"][top] if r["value"]} == want.to_dict()
    code, _, err = run_cli(capsys, "--db", db, "breakdown", "--by", "platform", "--kpi", "on_time_rate")
    assert code == 2 and "not split by event properties" in err and "Traceback" not in err
    code, _, err = run_cli(capsys, "--db", db, "breakdown", "--by", "platform", "--kpi", "nope")
    assert code == 2 and "unknown KPI" in err


def test_funnel_per_value_is_each_values_own_funnel(bstore):
    from pm_core import growth

    ev = bstore.test_events
    steps = ["search", "booking_completed"]
    df = bd.funnel(bstore, steps, "platform", 2, window="30d", attempt="first")
    top = _top(ev, 2)
    assert list(dict.fromkeys(df["group"])) == [*top, OTHER]
    for group, seg in bd.groups(bstore, "platform", 2):
        want = growth.funnel(bstore, steps, 30, None, seg.text(), "30d", "first")
        got = df[df["group"] == group].sort_values("step")
        assert got["users"].tolist() == [s.users for s in want.steps]
    # first step of one value against pandas: users with a search event on that platform
    first = df[(df["group"] == top[0]) & (df["step"] == 1)]["users"].iloc[0]
    assert first == ev[(ev["platform"] == top[0]) & (ev["event"] == "search")]["user_id"].nunique()


def test_retention_per_value_matches_pandas(bstore):
    ev = bstore.test_events
    df = bd.retention(bstore, "platform", 2, unit="week", max_k=4)
    top = _top(ev, 2)[0]
    sel = ev[ev["platform"] == top].copy()
    sel["w"] = sel["ts"].dt.to_period("W-SUN").dt.start_time
    first = sel.groupby("user_id")["w"].min()
    last_w = ev["ts"].dt.to_period("W-SUN").dt.start_time.max()  # the workspace's last week bounds what is observable
    for k in (1, 2):
        eligible = first[first + pd.Timedelta(weeks=k) <= last_w]
        active = set(zip(sel["user_id"], sel["w"]))
        kept = sum((u, c + pd.Timedelta(weeks=k)) in active for u, c in eligible.items())
        got = df[(df["group"] == top) & (df["k"] == k)]["rate"].iloc[0]
        assert got == pytest.approx(kept / len(eligible))


def test_stakeholder_trend_charts_mark_launches(bstore):
    from pm_core import audiences as A

    with bstore.transaction() as cur:
        cur.execute("INSERT INTO initiatives (id, title, status, health, launch_date, archived) VALUES "
                    "('i1', 'Wi-Fi filter', 'launched', 'on_track', DATE '2026-07-10', false)")
    b = A.build_briefing(bstore, "executives", "all")
    trend = next(i for s in b.sections if s.id == "trend_mau" for i in s.items if type(i).__name__ == "ChartItem")
    spec = json.dumps(trend.spec)
    assert "Launch: Wi-Fi filter" in spec and "Jul 2026" in spec  # the rule sits on July's month
