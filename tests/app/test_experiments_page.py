"""AppTest of the Experiments page for an editor and a viewer: results, SRM warning, sample size, empty state."""
from __future__ import annotations

import pytest

from pm_core.store import open_store
from tests.factories.experiments import put_exposures, synthetic


def make_db(path, n_c=3000, n_t=3000):
    s = open_store(path)
    put_exposures(s, synthetic(n_c=n_c, n_t=n_t), experiment="verified_wifi_filter")
    put_exposures(s, [("x1", "solo", True, "2026-01-01 00:00:00")], experiment="broken", import_id="i0")
    s.close()
    return path


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_experiments_page_renders(run_page, tmp_path, role):
    at = run_page("app_pages/experiments.py", role, make_db(tmp_path / "e.duckdb"),
                  query={"experiment": "verified_wifi_filter"})
    assert not at.exception
    assert at.title[0].value == "Experiments"
    labels = [m.label for m in at.metric]
    assert "Absolute lift" in labels and "Relative lift" in labels
    assert "Users needed per variant" in labels
    assert len(at.get("vega_lite_chart")) == 2
    assert len(at.button) == 0
    assert not any("Sample ratio mismatch" in e.value for e in at.error)


def test_experiments_page_srm_and_bad_experiment(run_page, tmp_path):
    at = run_page("app_pages/experiments.py", "viewer", make_db(tmp_path / "e.duckdb", n_c=3000, n_t=2500),
                  query={"experiment": "verified_wifi_filter"})
    assert not at.exception
    assert any("Sample ratio mismatch" in e.value for e in at.error)
    at.selectbox(key="exp_name").set_value("broken").run()
    assert not at.exception
    assert any("cannot be analysed" in e.value for e in at.error)


def test_experiments_page_sample_size_inputs(run_page, tmp_path):
    at = run_page("app_pages/experiments.py", "editor", make_db(tmp_path / "e.duckdb"),
                  query={"experiment": "verified_wifi_filter"})
    at.number_input(key="exp_ss_base").set_value(10.0).run()
    at.number_input(key="exp_ss_mde").set_value(2.0).run()
    assert not at.exception
    m = next(m for m in at.metric if m.label == "Users needed per variant")
    assert m.value == "3,841"
    at.number_input(key="exp_ss_base").set_value(99.0).run()
    assert not at.exception
    assert any("Cannot size this test" in w.value for w in at.warning)


def test_experiments_page_unknown_link(run_page, tmp_path):
    at = run_page("app_pages/experiments.py", "viewer", make_db(tmp_path / "e.duckdb"), query={"experiment": "nope"})
    assert not at.exception
    assert any("does not exist here" in w.value for w in at.warning)


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_experiments_page_empty(run_page, tmp_path, role):
    path = tmp_path / "empty.duckdb"
    open_store(path).close()
    at = run_page("app_pages/experiments.py", role, path)
    assert not at.exception
    assert any("No experiments yet" in i.value for i in at.info)
