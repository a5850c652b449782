"""The `kpis` command: the JSON contract, the readable table and bad input in words."""
from __future__ import annotations

import json

import pytest

from pm_core.kpi_defs import KPI_DEFS, PILLARS
from pm_core.metrics import compute_kpis
from pm_core.store import open_store
from tests.factories.metrics import METRICS, SURVEY, _events, _insert, _insert_events
from tests.factories import run_cli

CONTRACT_KEYS = {"market_share", "revenue_growth", "clv", "roi", "csat", "nps", "conversion_rate", "task_success_rate",
                 "cycle_time_days", "on_time_rate", "bug_rate", "feature_adoption", "mau", "retention",
                 "stakeholder_alignment", "churn"}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "cli.duckdb"
    s = open_store(path)
    _insert_events(s, _events())
    _insert(s, "survey_responses", SURVEY.assign(import_id="s"))
    _insert(s, "metric_points", METRICS.assign(import_id="m"))
    s.close()
    return path


@pytest.mark.parametrize("period", ["all", "2026-07", "2026-Q3"])
def test_json_contract(db, capsys, period):
    code, out, _ = run_cli(capsys, "--db", str(db), "kpis", "--period", period, "--json")
    assert code == 0
    d = json.loads(out)
    assert d["period"] == period
    assert {k for p in PILLARS for k in d[p]} == CONTRACT_KEYS | {"dau", "stickiness"}
    assert set(d["growth"]) >= {"dau", "stickiness", "mau", "churn"}
    s = open_store(db)
    try:
        expected = compute_kpis(s, period)
    finally:
        s.close()
    for k in KPI_DEFS:
        v = d[k.pillar][k.key]
        assert {"value", "previous", "unit", "definition", "note"} <= set(v)
        assert v["value"] == expected[k.pillar][k.key].value
        assert v["definition"] == k.definition and v["unit"] == k.unit
        if v["value"] is None:
            assert v["note"]
    assert d["discovery"]["nps"]["unit"] == "nps" and -100 <= d["discovery"]["nps"]["value"] <= 100
    assert 0 <= d["growth"]["churn"]["value"] <= 1


def test_segment_and_table(db, capsys):
    code, out, _ = run_cli(capsys, "--db", str(db), "kpis", "--period", "2026-07", "--segment", "platform=iOS", "--json")
    assert code == 0 and json.loads(out)["segment"] == {"platform": "iOS"}
    code, out, _ = run_cli(capsys, "--db", str(db), "kpis", "--period", "2026-07")
    assert code == 0
    assert "KPIs for July 2026" in out and "Monthly active users" in out and "Growth & Stakeholders" in out
    assert "not enough data:" in out  # ROI without roadmap costs, cycle time without work items


@pytest.mark.parametrize("args,words", [(("--period", "2026-13"), "unknown period"),
                                        (("--segment", "platform"), "property=value")])
def test_bad_input_is_one_line_exit_2(db, capsys, args, words):
    code, out, err = run_cli(capsys, "--db", str(db), "kpis", *args, "--json")
    assert code == 2 and out == "" and words in err and "Traceback" not in err
