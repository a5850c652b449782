"""KPIs against independent pandas computations on data built here, plus the not-enough-data states."""
from __future__ import annotations

import datetime as dt
import json
import sys
import time
import types

import pandas as pd
import pytest

from pm_core.kpi_defs import KPI_DEFS, PILLARS
from pm_core.metrics import (KpiResult, all_kpi_series, available_periods, compute_kpi, compute_kpis,
                             kpi_series, parse_segment, segment_options)
from pm_core.periods import PeriodError
from pm_core.settings import update_settings
from tests.factories.metrics import _events, _insert, _insert_events, SURVEY, WORK, METRICS













@pytest.fixture
def kstore(store):
    ev = _events()
    half = len(ev) // 2
    # Two imports of the same product: users appear in both and must be counted once.
    _insert_events(store, ev.iloc[:half], "imp_a")
    _insert_events(store, ev.iloc[half:], "imp_b")
    _insert(store, "survey_responses", SURVEY.assign(import_id="imp_s"))
    w = WORK.assign(import_id="imp_w")
    w["due"] = pd.Series(w["due"], dtype="object")
    _insert(store, "work_items", w)
    _insert(store, "metric_points", METRICS.assign(import_id="imp_m"))
    store.test_events = ev
    return store


# -- independent computations -------------------------------------------------------------
def _month_frame(ev, month_start, days=None):
    """Events of the calendar month, or of its first `days` days (a like-for-like comparison)."""
    m = pd.Timestamp(month_start)
    end = m + pd.DateOffset(months=1) if days is None else min(m + pd.Timedelta(days=days), m + pd.DateOffset(months=1))
    return ev[(ev["ts"] >= m) & (ev["ts"] < end)]


def pd_mau(ev, m, days=None):
    return _month_frame(ev, m, days)["user_id"].nunique()


def pd_churn_to_date(ev, m, days):
    """Churn of the first `days` days of month m: users of the whole month before not seen in those days."""
    prev = set(_month_frame(ev, pd.Timestamp(m) - pd.DateOffset(months=1))["user_id"])
    cur = set(_month_frame(ev, m, days)["user_id"])
    return len(prev - cur) / len(prev)


def pd_dau(ev, m):
    """Distinct users per day summed over the month, divided by its calendar days that the data covers."""
    f = _month_frame(ev, m)
    start = max(pd.Timestamp(m), ev["ts"].min().floor("D"))
    end = min(pd.Timestamp(m) + pd.DateOffset(months=1) - pd.Timedelta(days=1), ev["ts"].max().floor("D"))
    return f.groupby(f["ts"].dt.floor("D"))["user_id"].nunique().sum() / ((end - start).days + 1)


def pd_churn(ev, m):
    prev = set(_month_frame(ev, pd.Timestamp(m) - pd.DateOffset(months=1))["user_id"])
    cur = set(_month_frame(ev, m)["user_id"])
    return len(prev - cur) / len(prev)


def pd_adoption(ev, m, feature="wifi_filter_used"):
    f = _month_frame(ev, m)
    return f.loc[f["event"] == feature, "user_id"].nunique() / f["user_id"].nunique()


def _period_bounds(period):
    if period == "all":
        return None, None
    if "Q" in period:
        y, q = period.split("-Q")
        s = pd.Timestamp(int(y), 3 * (int(q) - 1) + 1, 1)
        return s, s + pd.DateOffset(months=3)
    s = pd.Timestamp(period + "-01")
    return s, s + pd.DateOffset(months=1)


def _in(df, col, period):
    s, e = _period_bounds(period)
    if s is None:
        return df
    return df[(df[col] >= s) & (df[col] < e)]


def pd_task(ev, period):
    f = _in(ev, "ts", period)
    return (f["event"] == "booking_completed").sum() / (f["event"] == "booking_started").sum()


def pd_retention(ev, period, k=4):
    week = ev["ts"].dt.normalize() - pd.to_timedelta(ev["ts"].dt.day_of_week, unit="D")
    e = ev.assign(week=week)
    cohort = e.groupby("user_id")["week"].min().rename("cohort")
    last_week = e["week"].max()
    active = e[["user_id", "week"]].drop_duplicates().merge(cohort, left_on="user_id", right_index=True)
    sizes = cohort.value_counts()
    ret = active[active["week"] == active["cohort"] + pd.Timedelta(weeks=k)].groupby("cohort")["user_id"].nunique()
    s, end = _period_bounds(period)
    num = den = 0
    for c, size in sizes.items():
        if c + pd.Timedelta(weeks=k) > last_week:
            continue
        if s is not None and not (s <= c < end):
            continue
        num += ret.get(c, 0)
        den += size
    return num / den if den else None


def pd_conversion(ev, period, start="search", goal="booking_completed", window=30):
    first = ev[ev["event"] == start].groupby("user_id")["ts"].min()
    s, e = _period_bounds(period)
    if s is not None:
        first = first[(first >= s) & (first < e)]
    g = ev[ev["event"] == goal].merge(first.rename("t1"), left_on="user_id", right_index=True)
    ok = g[(g["ts"] >= g["t1"]) & (g["ts"] <= g["t1"] + pd.Timedelta(days=window))]["user_id"].nunique()
    return ok / len(first)


def pd_csat(period):
    f = _in(SURVEY[SURVEY.scale == "csat"], "responded_at", period).dropna(subset=["score"])
    return (f["score"] >= 4).sum() / len(f)


def pd_nps(period):
    f = _in(SURVEY[SURVEY.scale == "nps"], "responded_at", period).dropna(subset=["score"])
    return ((f["score"] >= 9).mean() - (f["score"] <= 6).mean()) * 100


def pd_cycle(period):
    f = _in(WORK.dropna(subset=["resolved", "created"]), "resolved", period)
    days = (f["resolved"] - f["created"]).dt.total_seconds() / 86400
    return days.median(), days.quantile(0.85)


def pd_on_time(period):
    f = _in(WORK.dropna(subset=["resolved"]), "resolved", period)
    f = f[f["due"].notna()]
    return (f["resolved"].dt.date <= f["due"]).sum() / len(f)


def pd_bug(period):
    f = WORK if period == "all" else _in(WORK.dropna(subset=["created"]), "created", period)
    is_bug = (f["type_category"] == "bug") | (f["type_category"].isna() & (f["type"].str.lower() == "bug"))
    return is_bug.sum() / len(f)


def _metric(name, period):
    return _in(METRICS[METRICS.metric == name].assign(date=lambda d: pd.to_datetime(d["date"])), "date", period)


# -- the tests ---------------------------------------------------------------------------
def test_every_kpi_is_present_with_its_definition(kstore):
    res = compute_kpis(kstore)
    assert list(res) == list(PILLARS)
    for d in KPI_DEFS:
        r = res[d.pillar][d.key]
        assert isinstance(r, KpiResult) and r.definition == d.definition and r.unit == d.unit
        if r.value is None:
            assert r.note, f"{d.key} is None without a note"


@pytest.mark.parametrize("period,month", [("all", "2026-07-01"), ("2026-07", "2026-07-01"), ("2026-Q3", "2026-07-01"),
                                          ("2026-08", "2026-08-01")])
def test_monthly_kpis_match_pandas(kstore, period, month):
    ev = kstore.test_events
    res = compute_kpis(kstore, period)
    g = res["growth"]
    assert g["mau"].period == month[:7]
    assert g["mau"].value == pd_mau(ev, month)
    assert g["dau"].value == pytest.approx(pd_dau(ev, month))
    assert g["stickiness"].value == pytest.approx(pd_dau(ev, month) / pd_mau(ev, month))
    assert g["churn"].value == pytest.approx(pd_churn(ev, month))
    assert res["delivery"]["feature_adoption"].value == pytest.approx(pd_adoption(ev, month))
    prev = (pd.Timestamp(month) - pd.DateOffset(months=1)).strftime("%Y-%m-%d")
    last = ev["ts"].max()
    # The data stops on 19 August. The one rule (periods.headline): 'all' and Q3 report July, the
    # latest complete month, with August to date beside it against July's first 19 days; August
    # chosen by name is itself, compared with the same first days of July, never with a whole month.
    days = (last.normalize() - pd.Timestamp("2026-08-01")).days + 1
    assert days == 19
    if period == "2026-08":
        assert g["mau"].extra["previous_days"] == days
        assert g["mau"].previous == pd_mau(ev, prev, days)
        assert g["churn"].previous == pytest.approx(pd_churn_to_date(ev, prev, days))
        assert g["stickiness"].previous == pytest.approx(pd_dau(_month_frame(ev, prev, days), prev) / pd_mau(ev, prev, days))
        assert f"first {days} days of July 2026" in g["mau"].note and "partial" in g["mau"].note.lower()
        return
    assert "previous_days" not in g["mau"].extra
    assert g["mau"].previous == pd_mau(ev, prev)
    assert g["churn"].previous == pytest.approx(pd_churn(ev, prev))
    if period == "2026-07":
        assert "to_date_period" not in g["mau"].extra
        return
    assert "latest complete month" in g["mau"].note
    x = g["mau"].extra
    assert x["to_date_period"] == "2026-08" and x["to_date_days"] == days
    assert x["to_date_value"] == pd_mau(ev, "2026-08-01") and x["to_date_previous"] == pd_mau(ev, month, days)
    assert g["stickiness"].extra["to_date_previous"] == pytest.approx(
        pd_dau(_month_frame(ev, month, days), month) / pd_mau(ev, month, days))


@pytest.mark.parametrize("period", ["all", "2026-06", "2026-07", "2026-Q3"])
def test_event_period_kpis_match_pandas(kstore, period):
    ev = kstore.test_events
    res = compute_kpis(kstore, period)
    assert res["discovery"]["task_success_rate"].value == pytest.approx(pd_task(ev, period))
    assert res["discovery"]["conversion_rate"].value == pytest.approx(pd_conversion(ev, period))
    expected = pd_retention(ev, period)
    got = res["growth"]["retention"]
    if expected is None:
        assert got.value is None and got.note
    else:
        assert got.value == pytest.approx(expected)


@pytest.mark.parametrize("period", ["all", "2026-06", "2026-07", "2026-Q3"])
def test_survey_and_delivery_kpis_match_pandas(kstore, period):
    res = compute_kpis(kstore, period)
    assert res["discovery"]["csat"].value == pytest.approx(pd_csat(period))
    assert res["discovery"]["nps"].value == pytest.approx(pd_nps(period))
    med, p85 = pd_cycle(period)
    cyc = res["delivery"]["cycle_time_days"]
    assert cyc.value == pytest.approx(med) and cyc.extra["p85"] == pytest.approx(p85)
    assert res["delivery"]["on_time_rate"].value == pytest.approx(pd_on_time(period))
    assert res["delivery"]["bug_rate"].value == pytest.approx(pd_bug(period))


def test_all_covers_undated_rows(kstore):
    res = compute_kpis(kstore, "all")
    # 7 non-empty csat scores including two undated ones; 4 of them are 4-5.
    assert res["discovery"]["csat"].value == pytest.approx(4 / 7)
    assert res["discovery"]["csat"].extra["n"] == 7
    # NOM-9 has no Created date: counted under 'all' only.
    assert res["delivery"]["bug_rate"].extra["n"] == 10


@pytest.mark.parametrize("period", ["2026-06", "2026-07", "2026-Q3", "all"])
def test_strategy_and_stakeholder_kpis_match_pandas(kstore, period):
    res = compute_kpis(kstore, period)
    rev, size = _metric("revenue", period), _metric("market_size", period)
    assert res["strategy"]["market_share"].value == pytest.approx(rev["value"].sum() / size["value"].sum())
    assert res["growth"]["stakeholder_alignment"].value == pytest.approx(_metric("stakeholder_pulse", period)["value"].mean())
    growth = res["strategy"]["revenue_growth"]
    if period == "all":  # the headline month (July, the latest complete month of the events) over June
        assert growth.value == pytest.approx(7000 / 6000 - 1) and growth.period == "2026-07"
        assert growth.previous == pytest.approx(6000 / 5000 - 1)
    elif period == "2026-Q3":
        # Q3 has July and August only: compared with Q2's first two months (period to date).
        assert growth.value == pytest.approx((7000 + 8000) / (4000 + 5000) - 1)
        assert "2 of 3 data points" in growth.note and "period to date" in growth.note
    else:
        m = int(period[-2:])
        assert growth.value == pytest.approx(m / (m - 1) - 1)


def test_clv_is_arpu_times_margin_over_churn(kstore, editor):
    update_settings(kstore, editor, {"gross_margin": 0.5})
    ev = kstore.test_events

    def expected(rev, m):
        churn = pd_churn(ev, m)
        return None if churn == 0 else rev / pd_mau(ev, m) * 0.5 / churn

    for label, rev in (("2026-06", 6000), ("2026-07", 7000)):
        r = compute_kpi(kstore, "clv", label)
        want = expected(rev, label + "-01")
        if want is None:
            assert r.value is None and "unbounded" in r.note
        else:
            assert r.value == pytest.approx(want)
    r = compute_kpi(kstore, "clv", "2026-07")
    assert r.previous == pytest.approx(expected(6000, "2026-06-01"))
    # August ends on the 19th: a whole month's revenue over 19 days of users would read high, so no value.
    r = compute_kpi(kstore, "clv", "2026-08")
    assert r.value is None and "partial" in r.note
    assert compute_kpi(kstore, "clv", "all").period == "2026-07"


def test_roi_sums_gain_and_cost_over_initiatives(kstore, monkeypatch):
    fake = types.ModuleType("pm_core.roadmap")
    fake.cost_gain = lambda store: [(100.0, 250.0), (50.0, 20.0), (None, 5.0)]
    monkeypatch.setitem(sys.modules, "pm_core.roadmap", fake)
    r = compute_kpi(kstore, "roi")
    assert r.value == pytest.approx((270 - 150) / 150)
    fake.cost_gain = lambda store: []
    kstore.clear_memo()  # the fake roadmap changed without a write, so the memoised KPI is forgotten by hand
    r = compute_kpi(kstore, "roi")
    assert r.value is None and "cost" in r.note


def test_segment_filters_events(kstore):
    ev = kstore.test_events
    ios = ev[ev["platform"] == "iOS"]
    res = compute_kpis(kstore, "2026-07", segment={"platform": "iOS"})
    assert res["growth"]["mau"].value == pd_mau(ios, "2026-07-01")
    assert res["growth"]["churn"].value == pytest.approx(pd_churn(ios, "2026-07-01"))
    assert res["discovery"]["task_success_rate"].value == pytest.approx(pd_task(ios, "2026-07"))
    assert res["discovery"]["conversion_rate"].value == pytest.approx(pd_conversion(ios, "2026-07"))
    # Metric series are not split by platform: totals, said in the note.
    assert "not split by platform" in res["strategy"]["market_share"].note
    none = compute_kpis(kstore, "2026-07", segment={"platform": "Symbian"})
    assert none["growth"]["mau"].value is None and "segment" in none["growth"]["mau"].note


def test_empty_workspace_gives_notes_not_zeros(store):
    res = compute_kpis(store, "2026-05")
    for pillar in res.values():
        for key, r in pillar.items():
            assert r.value is None, key
            assert r.note and len(r.note) > 10, key


def test_not_enough_data_states(kstore):
    # Nothing was resolved in May; no survey answered in May.
    res = compute_kpis(kstore, "2026-05")
    assert res["delivery"]["cycle_time_days"].value is None
    assert "no resolved items" in res["delivery"]["cycle_time_days"].note
    assert res["discovery"]["csat"].value is None and "survey responses" in res["discovery"]["csat"].note
    # Churn of the first month with events has no previous month to compare with.
    assert res["growth"]["churn"].value is None and "no users active" in res["growth"]["churn"].note
    # Week-4 retention of August cohorts cannot be observed yet (data ends 19 Aug).
    aug = compute_kpi(kstore, "retention", "2026-08")
    assert aug.value is None and "4 weeks old" in aug.note


def test_a_wrong_setting_is_a_note_not_a_zero(kstore, editor):
    update_settings(kstore, editor, {"feature_event": "teleport_used", "task_attempt_event": "nope"})
    res = compute_kpis(kstore, "2026-07")
    fa = res["delivery"]["feature_adoption"]
    assert fa.value is None and "teleport_used" in fa.note and "feature_event" in fa.note
    assert res["discovery"]["task_success_rate"].value is None


def test_cycle_time_without_resolved_items_is_none(store):
    w = WORK.assign(import_id="x", resolved=pd.NaT)
    w["due"] = pd.Series(w["due"], dtype="object")
    _insert(store, "work_items", w)
    r = compute_kpi(store, "cycle_time_days")
    assert r.value is None and "no resolved items" in r.note
    assert compute_kpi(store, "bug_rate").value == pytest.approx(pd_bug("all"))


def test_utc_days_around_dst_changes(store, monkeypatch):
    """Events just before/after midnight UTC around the March and October DST changes count in their UTC day."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        rows = [
            ("a", "2026-03-28 23:59:59"), ("a", "2026-03-29 00:00:01"),  # two UTC days (DST starts 29 Mar in the EU)
            ("b", "2026-03-29 00:30:00"),
            ("c", "2026-03-31 23:30:00"),  # 01:30 on 1 April in Berlin, but March in UTC
            ("a", "2026-10-24 23:30:00"), ("b", "2026-10-25 00:30:00"),  # DST ends 25 Oct
            ("d", "2026-10-31 23:59:00"),
        ]
        df = pd.DataFrame(rows, columns=["user_id", "ts"]).assign(event="search", properties=None)
        df["ts"] = pd.to_datetime(df["ts"])
        _insert_events(store, df)
        mar = compute_kpis(store, "2026-03")["growth"]
        assert mar["mau"].value == 3  # a, b, c all in March UTC
        # the data starts on 28 March: calendar days 28-31, 30 March empty -> DAU (1 + 2 + 0 + 1) / 4
        assert mar["dau"].value == pytest.approx(4 / 4)
        assert mar["dau"].extra["days_with_events"] == 3
        oct_ = compute_kpis(store, "2026-10")["growth"]
        # all 31 October days are covered (the data runs to 31 October); users on 24, 25 and 31 October
        assert oct_["mau"].value == 3 and oct_["dau"].value == pytest.approx(3 / 31)
        assert compute_kpis(store, "2026-04")["growth"]["mau"].value is None
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_user_across_two_imports_counted_once(store):
    a = pd.DataFrame({"user_id": ["same", "x"], "event": "search", "ts": pd.to_datetime(["2026-06-02", "2026-06-03"]), "properties": None})
    b = pd.DataFrame({"user_id": ["same"], "event": "search", "ts": pd.to_datetime(["2026-06-20"]), "properties": None})
    _insert_events(store, a, "imp1")
    _insert_events(store, b, "imp2")
    r = compute_kpis(store, "2026-06")["growth"]
    assert r["mau"].value == 2
    assert r["dau"].value == pytest.approx(3 / 19)  # one user on each of 3 days, over the 19 days 2-20 June the data covers


def test_series_agree_with_compute_kpis(kstore):
    series = all_kpi_series(kstore)
    for key in ("mau", "churn", "csat", "cycle_time_days", "task_success_rate", "market_share", "clv", "conversion_rate"):
        df = series[key]
        assert list(df.columns) == ["period_start", "value"]
        one = kpi_series(kstore, key)
        pd.testing.assert_frame_equal(df.reset_index(drop=True), one.reset_index(drop=True))
        for row in df.itertuples():
            label = f"{row.period_start:%Y-%m}"
            assert compute_kpi(kstore, key, label).value == pytest.approx(row.value), (key, label)
    assert series["roi"].empty
    q = kpi_series(kstore, "mau", freq="quarter")
    assert q["value"].tolist() == [pd_mau(kstore.test_events, "2026-06-01"), pd_mau(kstore.test_events, "2026-08-01")]
    with pytest.raises(ValueError):
        kpi_series(kstore, "mau", freq="fortnight")


def test_periods_segments_and_parsing(kstore):
    periods = available_periods(kstore)
    assert periods[0] == "all" and "2026-Q3" in periods and "2026-08" in periods and "2026-04" in periods
    assert periods.index("2026-Q3") < periods.index("2026-08") < periods.index("2026-07") < periods.index("2026-Q2")
    opts = segment_options(kstore)
    assert opts == {"platform": ["Android", "Web", "iOS"], "country": ["PT"]}
    assert list(opts) == ["platform", "country"]
    assert parse_segment(["platform=iOS", "country=PT"]) == {"platform": "iOS", "country": "PT"}
    with pytest.raises(ValueError):
        parse_segment(["platform"])
    with pytest.raises(PeriodError):
        compute_kpis(kstore, "2026-13")
    with pytest.raises(KeyError):
        compute_kpi(kstore, "happiness")


def test_results_are_json_safe(kstore):
    res = compute_kpis(kstore, "2026-Q3")
    text = json.dumps({p: {k: r.as_contract() | {"extra": r.extra} for k, r in d.items()} for p, d in res.items()})
    assert "NaN" not in text and "Infinity" not in text


def test_targets_come_from_okr_key_results_linked_to_a_kpi(kstore, editor):
    from pm_core import okrs
    from pm_core.okrs import kpi_targets

    assert kpi_targets(kstore, "2026-07") == {}
    oid = okrs.create_objective(kstore, editor, {"title": "Happier nomads", "period": "2026-Q3"})
    okrs.create_key_result(kstore, editor, {"objective_id": oid, "title": "CSAT to 70%", "baseline": 0.5,
                                            "target": 0.7, "kpi": "csat"}, today=dt.date(2026, 8, 1))
    assert kpi_targets(kstore, "2026-07") == {"csat": {"target": 0.7, "okr_period": "2026-Q3"}}
    assert kpi_targets(kstore, "2026-Q3")["csat"]["target"] == 0.7
    assert kpi_targets(kstore, "2026-Q4") == {}


def test_series_with_months_that_only_create_or_only_resolve(store):
    w = pd.DataFrame({"key": ["A-1", "A-2", "A-3"], "type": ["Bug", "Story", "Story"], "type_category": ["bug", "story", "story"],
                      "created": pd.to_datetime(["2026-05-03", "2026-05-04", "2026-05-05"]),
                      "resolved": pd.to_datetime(["2026-06-03", None, "2026-07-05"])}).assign(import_id="w")
    _insert(store, "work_items", w)
    cyc = kpi_series(store, "cycle_time_days")
    assert cyc["period_start"].tolist() == [dt.date(2026, 6, 1), dt.date(2026, 7, 1)]
    assert cyc["value"].tolist() == [pytest.approx(31.0), pytest.approx(61.0)]
    bug = kpi_series(store, "bug_rate")
    assert bug["period_start"].tolist() == [dt.date(2026, 5, 1)] and bug["value"].tolist() == [pytest.approx(1 / 3)]
    assert kpi_series(store, "on_time_rate").empty
