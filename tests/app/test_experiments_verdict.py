"""AppTest: the Experiments verdict names the test that decided it (workspace setting), the disagreement, the plan, Holm."""
from __future__ import annotations

import pytest

from pm_core.settings import update_settings
from pm_core.store import open_store
from tests.conftest import EDITOR
from tests.factories import put_experiment_totals


def shown(at) -> str:
    """Return the verdict box's text without Markdown escapes (pages pass it through pm_core.text.md)."""
    box = at.success[0] if at.success else at.info[0]
    return box.value.replace("\\", "")


def make_db(path, verdict_test=None, planned=None):
    s = open_store(path)
    put_experiment_totals(s, "posthog_fixture", {"control": (1529, 87), "test": (1471, 62)}, import_id="a1",
                          imported_at="2030-01-01")
    put_experiment_totals(s, "three", {"control": (4000, 400), "b": (4000, 470), "c": (4000, 415)}, import_id="a2",
                          imported_at="2029-01-01")
    values = {}
    if verdict_test:
        values["experiment_verdict_test"] = verdict_test
    if planned is not None:
        values["experiment_planned_users"] = planned
    if values:
        update_settings(s, EDITOR, values)
    s.close()
    return path


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_verdict_states_the_relative_test_and_the_disagreement(run_page, tmp_path, role):
    at = run_page("app_pages/experiments.py", role, make_db(tmp_path / "e.duckdb"), query={"experiment": "posthog_fixture"})
    assert not at.exception
    verdict = shown(at)
    assert "Decided by the relative-lift test (delta method, as PostHog and GrowthBook)" in verdict
    assert "statistically significant (p = 0.031)" in verdict
    assert "absolute-difference test (pooled z-test) says not significant (p = 0.063)" in verdict
    assert any("disagree" in w.value for w in at.warning)
    table = at.dataframe[0].value
    assert list(table["p-value"]) == ["0.031", "0.063", table["p-value"].iloc[2]]
    assert table["Test"].iloc[0].endswith("· decides")


def test_verdict_follows_the_absolute_setting_and_the_plan(run_page, tmp_path):
    at = run_page("app_pages/experiments.py", "viewer", make_db(tmp_path / "e.duckdb", "absolute", 3000),
                  query={"experiment": "posthog_fixture"})
    assert not at.exception
    verdict = shown(at)
    assert verdict.startswith("No significant difference")
    assert "always-valid (sequential) absolute-difference test" in verdict
    assert "planned sample size was not reached (1,471 of 3,000" in verdict


def test_three_variants_pick_treatment_and_holm_table(run_page, tmp_path):
    at = run_page("app_pages/experiments.py", "editor", make_db(tmp_path / "e.duckdb"), query={"experiment": "three"})
    assert not at.exception
    assert at.selectbox(key="exp_treatment").options == ["b", "c"]
    assert any(h.value == "Every variant against control" for h in at.subheader)
    assert "Holm-corrected for 2 comparisons" in shown(at)
    at.selectbox(key="exp_treatment").set_value("c").run()
    assert not at.exception
    assert shown(at).startswith("No significant difference between c")
