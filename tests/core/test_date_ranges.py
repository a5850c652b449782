"""Date ranges (custom, rolling, compared with the previous equal range or a year before): periods checked against
dates written out here, KPIs over a range against independent pandas computations on events built in tests.factories."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from pm_core.metrics import compute_kpis
from pm_core.periods import PeriodError, date_range, parse_period, rolling
from tests.factories import run_cli
from tests.factories.metrics import _events, _insert_events

D = dt.date
TODAY = D(2026, 12, 3)


@pytest.mark.parametrize("text,start,last,kind", [
    ("last-7d", D(2026, 11, 26), D(2026, 12, 2), "custom"),      # the 7 whole days before today
    ("last-30d", D(2026, 11, 3), D(2026, 12, 2), "custom"),
    ("last-90d", D(2026, 9, 4), D(2026, 12, 2), "custom"),
    ("last-14d", D(2026, 11, 19), D(2026, 12, 2), "custom"),     # any N days
    ("this-month", D(2026, 12, 1), D(2026, 12, 3), "custom"),    # through today
    ("last-month", D(2026, 11, 1), D(2026, 11, 30), "month"),
    ("this-quarter", D(2026, 10, 1), D(2026, 12, 3), "custom"),
    ("last-quarter", D(2026, 7, 1), D(2026, 9, 30), "quarter"),
    ("ytd", D(2026, 1, 1), D(2026, 12, 3), "custom"),
    ("2026-11-03..2026-11-09", D(2026, 11, 3), D(2026, 11, 9), "custom"),
    ("2026-11-01..2026-11-30", D(2026, 11, 1), D(2026, 11, 30), "month"),   # a whole month is that month
    ("2026-07-01..2026-09-30", D(2026, 7, 1), D(2026, 9, 30), "quarter"),
    ("2025-01-01..2025-12-31", D(2025, 1, 1), D(2025, 12, 31), "year"),
])
def test_ranges_resolve_on_today(text, start, last, kind):
    p = parse_period(text, today=TODAY)
    assert (p.start, p.end - dt.timedelta(days=1), p.kind) == (start, last, kind)
    assert parse_period(p.label, today=TODAY).start == p.start  # the label reads back as the same range


@pytest.mark.parametrize("text,compare,start,last", [
    ("last-7d", "previous", D(2026, 11, 19), D(2026, 11, 25)),    # the same number of days just before
    ("last-7d", "year", D(2025, 11, 26), D(2025, 12, 2)),
    ("this-month", "previous", D(2026, 11, 28), D(2026, 11, 30)),  # 3 days against 3 days, never a whole month
    ("last-month", "previous", D(2026, 10, 1), D(2026, 10, 31)),
    ("last-month", "year", D(2025, 11, 1), D(2025, 11, 30)),
    ("last-quarter", "year", D(2025, 7, 1), D(2025, 9, 30)),
    ("ytd", "year", D(2025, 1, 1), D(2025, 12, 3)),
    ("2028-02-20..2028-02-29", "year", D(2027, 2, 20), D(2027, 2, 28)),  # 29 February a year before is the 28th
])
def test_compared_with(text, compare, start, last):
    prev = parse_period(text, today=TODAY, compare=compare).previous()
    assert (prev.start, prev.end - dt.timedelta(days=1)) == (start, last)
    if compare == "previous" and prev.kind == "custom":
        p = parse_period(text, today=TODAY)
        assert prev.end == p.start and (prev.end - prev.start) == (p.end - p.start)


@pytest.mark.parametrize("bad", ["last-0d", "last-x", "2026-11-09..2026-11-03", "next-month", "2026-13-01..2026-13-02"])
def test_bad_ranges_say_what_to_use(bad):
    with pytest.raises(PeriodError) as exc:
        parse_period(bad, today=TODAY)
    assert "Traceback" not in str(exc.value) and str(exc.value)


def test_rolling_and_date_range_refuse_unknown_compare():
    with pytest.raises(PeriodError, match="comparison"):
        rolling("last-7d", TODAY, compare="quarter")
    assert date_range("2026-11-01", "2026-11-30").label == "2026-11"


# -- KPIs over a range, against pandas ----------------------------------------------------------------
def _in(ev, a: D, b_excl: D):
    return ev[(ev["ts"] >= pd.Timestamp(a)) & (ev["ts"] < pd.Timestamp(b_excl))]


@pytest.fixture
def rstore(store):
    ev = _events()
    _insert_events(store, ev)
    store.test_events = ev
    return store


@pytest.mark.parametrize("text", ["2026-07-06..2026-07-19", "2026-06-10..2026-07-25", "last-30d"])
def test_active_users_over_a_range_match_pandas(rstore, text):
    ev = rstore.test_events
    today = D(2026, 8, 20)  # the data ends on 19 August, so last-30d is 21 Jul - 19 Aug, whole
    p = parse_period(text, today=today)
    prev = p.previous()
    res = compute_kpis(rstore, text, today=today)
    g = res["growth"]
    cur = _in(ev, p.start, p.end)
    assert g["mau"].value == cur["user_id"].nunique()
    assert g["dau"].value == pytest.approx(cur.groupby(cur["ts"].dt.floor("D"))["user_id"].nunique().mean())
    before = set(_in(ev, p.start - (p.end - p.start), p.start)["user_id"])
    assert g["churn"].value == pytest.approx(len(before - set(cur["user_id"])) / len(before))
    feat = cur.loc[cur["event"] == "wifi_filter_used", "user_id"].nunique()
    assert res["delivery"]["feature_adoption"].value == pytest.approx(feat / cur["user_id"].nunique())
    assert g["mau"].previous == _in(ev, prev.start, prev.end)["user_id"].nunique()
    assert g["mau"].period == p.label and g["mau"].extra["previous_period"] == prev.label
    assert res["strategy"]["clv"].value is None and "calendar month" in res["strategy"]["clv"].note


def test_a_range_the_data_ends_inside_is_compared_like_for_like(rstore):
    ev = rstore.test_events
    text = "2026-08-10..2026-08-29"  # the events end on 19 August: 10 of its 20 days have data
    res = compute_kpis(rstore, text)
    mau = res["growth"]["mau"]
    assert mau.extra["previous_days"] == 10
    prev = parse_period(text).previous()  # 21 Jul - 9 Aug, cut to its first 10 days
    assert mau.previous == _in(ev, prev.start, prev.start + dt.timedelta(days=10))["user_id"].nunique()
    assert "like for like" in mau.note


def test_same_range_a_year_before_has_no_data_here(rstore):
    res = compute_kpis(rstore, "2026-07-06..2026-07-19", compare="year")
    mau = res["growth"]["mau"]
    assert mau.value is not None and mau.previous is None
    assert mau.extra["previous_period"] == "2025-07-06..2025-07-19"


def test_cli_from_to_last_and_compare(rstore, tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    rstore.close()
    code, out, err = run_cli(capsys, "--db", str(db), "kpis", "--from", "2026-07-06", "--to", "2026-07-19", "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["period"] == "2026-07-06..2026-07-19"
    assert got["range"] == {"from": "2026-07-06", "to": "2026-07-19", "compared_with": "2026-06-22..2026-07-05"}
    ev = _events()
    assert got["growth"]["mau"]["value"] == _in(ev, D(2026, 7, 6), D(2026, 7, 20))["user_id"].nunique()
    code, out, _ = run_cli(capsys, "--db", str(db), "kpis", "--last", "last-month", "--compare", "year", "--json")
    want = parse_period("last-month", today=dt.datetime.now(dt.timezone.utc).date(), compare="year").previous().label
    assert code == 0 and json.loads(out)["range"]["compared_with"] == want
    code, _, err = run_cli(capsys, "--db", str(db), "kpis", "--to", "2026-07-19")
    assert code == 2 and "--from" in err
    code, _, err = run_cli(capsys, "--db", str(db), "kpis", "--last", "30d", "--period", "2026-07")
    assert code == 2 and "not both" in err
    code, _, err = run_cli(capsys, "--db", str(db), "kpis", "--from", "2026-07-19", "--to", "2026-07-01")
    assert code == 2 and "before it starts" in err and "Traceback" not in err


def test_a_key_result_on_a_custom_okr_period_reads_the_kpi_over_that_range(rstore):
    from pm_core.okrs.links import linked_value
    from pm_core.periods import custom

    ev = rstore.test_events
    half = custom(D(2026, 6, 1), D(2026, 7, 31), label="Summer push")  # an OKR period of its own
    value, _ = linked_value(rstore, "mau", None, None, "platform=iOS|Web", half, D(2026, 8, 20))
    sel = ev[ev["platform"].isin(["iOS", "Web"])]
    assert value == _in(sel, D(2026, 6, 1), D(2026, 8, 1))["user_id"].nunique()


def test_cli_funnel_and_retention_take_ranges(rstore, tmp_path, capsys):
    from pm_core import growth

    want = growth.funnel(rstore, ["search", "booking_completed"], 30, "2026-07-06..2026-07-19", attempt="any")
    want_ret = growth.retention_table(rstore, "week", cohort_start=D(2026, 6, 1), cohort_end=D(2026, 6, 30),
                                      range_end=D(2026, 6, 30))
    rstore.close()
    db = str(tmp_path / "w.duckdb")
    code, out, err = run_cli(capsys, "--db", db, "funnel", "--steps", "search,booking_completed",
                             "--from", "2026-07-06", "--to", "2026-07-19", "--any-attempt", "--json")
    assert code == 0, err
    assert [s["users"] for s in json.loads(out)["steps"]] == [s.users for s in want.steps]
    code, out, err = run_cli(capsys, "--db", db, "retention", "--from", "2026-06-01", "--to", "2026-06-30", "--json")
    assert code == 0, err
    got = json.loads(out)
    assert got["period"] == "2026-06" and [c["size"] for c in got["cohorts"]] == [c.size for c in want_ret.cohorts]
    code, _, err = run_cli(capsys, "--db", db, "funnel", "--steps", "search,booking_completed", "--last", "nope")
    assert code == 2 and "--last" in err
