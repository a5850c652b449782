"""The demo story through the real importer: the A/B test result and retention/funnel figures vs pandas on the raw files."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from pm_core import experiments, growth
from pm_core.auth import CLI_ACTOR
from pm_core.store import open_store
from tests.conftest import SAMPLE_DATA

EVENTS_FILE = SAMPLE_DATA / "amplitude_events.csv.gz"
AB_FILE = SAMPLE_DATA / "ab_test_verified_wifi_filter.csv"


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    if not (EVENTS_FILE.exists() and AB_FILE.exists()):
        pytest.skip("demo sample files not generated yet")
    from pm_core.ingest import import_file

    s = open_store(tmp_path_factory.mktemp("gd") / "w.duckdb")
    import_file(s, CLI_ACTOR, EVENTS_FILE)
    import_file(s, CLI_ACTOR, AB_FILE)
    yield s
    s.close()


def test_ab_story_matches_raw_file(sample_store):
    raw = pd.read_csv(AB_FILE, parse_dates=["timestamp"])
    first = raw.sort_values(["timestamp", "group"]).groupby("user_id").agg(
        variant=("group", "first"), converted=("converted", "max"))
    agg = first.groupby("variant").agg(n=("converted", "size"), c=("converted", "sum"))
    n1, c1 = int(agg.loc["control", "n"]), int(agg.loc["control", "c"])
    n2, c2 = int(agg.loc["treatment", "n"]), int(agg.loc["treatment", "c"])
    r = experiments.analyse(sample_store)
    by = {v.name: v for v in r.variants}
    assert (by["control"].users, by["control"].conversions) == (n1, c1)
    assert (by["treatment"].users, by["treatment"].conversions) == (n2, c2)
    assert by["control"].rate == pytest.approx(0.090, abs=0.005)
    assert by["treatment"].rate == pytest.approx(0.108, abs=0.005)
    assert 2500 < n1 < 3500 and 2500 < n2 < 3500
    p = (c1 + c2) / (n1 + n2)
    z = (c2 / n2 - c1 / n1) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    assert r.abs_p_value == pytest.approx(2 * stats.norm.sf(abs(z)))
    assert r.srm_p_value == pytest.approx(stats.chisquare([n1, n2]).pvalue)
    assert r.users_in_both == int((raw.groupby("user_id")["group"].nunique() > 1).sum())


def test_demo_retention_and_funnel_match_raw_file(sample_store):
    raw = pd.read_csv(EVENTS_FILE, usecols=["user_id", "event_time", "event_type"])
    raw["ts"] = pd.to_datetime(raw["event_time"], format="ISO8601")
    raw["week"] = (raw["ts"].dt.normalize() - pd.to_timedelta(raw["ts"].dt.day_of_week, unit="D")).dt.date
    up = raw[["user_id", "week"]].drop_duplicates()
    first = up.groupby("user_id")["week"].min().rename("c")
    up = up.join(first, on="user_id")
    up["k"] = up.apply(lambda r: (r["week"] - r["c"]).days // 7, axis=1)
    last = up["week"].max()
    sizes = first.value_counts()
    ok = sizes[[c + pd.Timedelta(weeks=1).to_pytimedelta() <= last for c in sizes.index]]
    k1 = up[up["k"] == 1].groupby("c").size()
    expected_w1 = sum(k1.get(c, 0) for c in ok.index) / ok.sum()
    res = growth.retention_table(sample_store, "week")
    assert res.weighted[1] == pytest.approx(expected_w1, abs=1e-12)
    assert res.last_period == last
    # conversion search -> booking_completed, 30 days
    s = raw[raw["event_type"] == "search"].groupby("user_id")["ts"].min().rename("t1")
    g = raw[raw["event_type"] == "booking_completed"][["user_id", "ts"]].join(s, on="user_id", how="inner")
    conv = g[(g["ts"] >= g["t1"]) & (g["ts"] <= g["t1"] + pd.Timedelta(days=30))]["user_id"].nunique()
    f = growth.funnel(sample_store, ["search", "booking_completed"], 30)
    assert (f.steps[0].users, f.steps[1].users) == (len(s), conv)
