"""The CLI gives the same figures as pm_core for every new growth and experiment option (funnel, retention,
stickiness, experiment), on workspaces built here."""
from __future__ import annotations

import json

import pytest

from pm_core import experiments, growth
from pm_core.store import open_store
from tests.factories import put_experiment_totals, run_cli
from tests.factories.events import put_events, random_events


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "w.duckdb"
    s = open_store(path)
    put_events(s, random_events(seed=12))
    put_experiment_totals(s, "posthog_fixture", {"control": (1529, 87), "test": (1471, 62)})
    s.close()
    return path


def cli_json(capsys, db, *args):
    code, out, err = run_cli(capsys, "--db", str(db), *args, "--json")
    assert code == 0, err
    return json.loads(out)


def with_store(db, fn):
    s = open_store(db)
    try:
        return fn(s)
    finally:
        s.close()


def test_funnel_options_cli(capsys, db):
    steps = ["search", "listing_view", "booking_completed"]
    d = cli_json(capsys, db, "funnel", "--steps", ",".join(steps), "--window", "1h", "--exclude", "booking_started:2-3",
                 "--trend", "week")
    want = with_store(db, lambda s: growth.funnel(s, steps, window="1h", attempt="any", exclusions=["booking_started:2-3"]))
    assert [x["users"] for x in d["steps"]] == [x.users for x in want.steps]
    assert d["attempt"] == "any" and d["window_seconds"] == 3600
    assert d["exclusions"] == [{"event": "booking_started", "from_step": 2, "to_step": 3}]
    tr = with_store(db, lambda s: growth.funnel_trend(s, steps, unit="week", window="1h", exclusions=["booking_started:2-3"]))
    assert [(x["entered"], x["converted"]) for x in d["trend"]] == list(zip(tr["entered"], tr["converted"]))
    first = cli_json(capsys, db, "funnel", "--steps", "search,booking_completed", "--first-attempt", "--window-days", "7")
    want = with_store(db, lambda s: growth.funnel(s, ["search", "booking_completed"], 7, attempt="first"))
    assert [x["users"] for x in first["steps"]] == [x.users for x in want.steps] and first["attempt"] == "first"
    code, _, err = run_cli(capsys, "--db", str(db), "funnel", "--steps", "a,b", "--exclude", "x:2-1")
    assert code != 0 and "1 <= from < to" in err and "Traceback" not in err


def test_retention_options_cli(capsys, db):
    import datetime as dt

    d = cli_json(capsys, db, "retention", "--start-event", "sign_up", "--return-event", "booking_completed",
                 "--min-events", "2", "--period", "2026-02")
    want = with_store(db, lambda s: growth.retention_table(
        s, "week", True, "on", None, dt.date(2026, 2, 1), dt.date(2026, 2, 28), 12, "sign_up", "booking_completed", 2,
        dt.date(2026, 2, 28)))
    assert d["padded_to_range_end"] and d["min_events"] == 2
    assert d["weighted"] == {str(k): v for k, v in want.weighted.items()}
    assert [c["size"] for c in d["cohorts"]] == [c.size for c in want.cohorts]
    h = cli_json(capsys, db, "retention", "--unit", "hour", "--max-k", "3")
    assert h["unit"] == "hour" and "T" in h["cohorts"][0]["cohort"]


def test_stickiness_cli(capsys, db):
    d = cli_json(capsys, db, "stickiness", "--period", "2026-02")
    st = with_store(db, growth.stickiness_series)
    assert [m["mean_dau"] for m in d["months"]] == pytest.approx(list(st["mean_dau"]))
    assert [m["calendar_days"] for m in d["months"]] == list(st["calendar_days"])
    hist = with_store(db, lambda s: growth.days_active_histogram(s, "2026-02"))
    assert [x["users"] for x in d["days_active"]] == list(hist["users"])


def test_experiment_options_cli(capsys, db):
    d = cli_json(capsys, db, "experiment", "--name", "posthog_fixture")
    assert d["decided_by"] == "relative" and d["p_value"] == pytest.approx(0.03096, abs=1e-5)
    assert d["abs_p_value"] == pytest.approx(0.063, abs=5e-4) and d["tests_disagree"]
    a = cli_json(capsys, db, "experiment", "--name", "posthog_fixture", "--verdict-test", "absolute",
                 "--planned-users", "3000")
    want = with_store(db, lambda s: experiments.analyse(s, "posthog_fixture", verdict_test="absolute", planned_users=3000))
    assert a["sequential"] and a["p_value"] == pytest.approx(want.p_value) and a["verdict"] == want.verdict
    code, out, _ = run_cli(capsys, "--db", str(db), "experiment", "--name", "posthog_fixture", "--treatment", "test")
    assert code == 0 and "Verdict test: relative" in out and "Decided by the relative-lift test" in out
