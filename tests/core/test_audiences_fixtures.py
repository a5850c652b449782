"""The audiences workspace builder (tests.factories.audiences) fills what the views and exports read."""
from __future__ import annotations

from tests.factories.audiences import build_workspace


def test_builder_fills_every_source(store):
    ids = build_workspace(store)["initiatives"]
    counts = store.table_counts()
    for table in ("events", "work_items", "metric_points", "experiment_exposures", "survey_responses"):
        assert counts[table] > 0, table
    assert len(ids) == 4


def test_builder_can_leave_surveys_out(store):
    build_workspace(store, surveys=False)
    assert store.table_counts()["survey_responses"] == 0
