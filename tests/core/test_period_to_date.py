"""A period still in progress is compared like for like: never a partial quarter against a whole one."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pm_core import audiences, metrics
from tests.factories import append_df


@pytest.fixture
def revenue_store(store):
    months = pd.date_range("2026-04-01", "2026-11-01", freq="MS")
    values = [100.0, 110.0, 120.0, 130.0, 140.0, 150.0, 160.0, 170.0]  # Apr..Nov
    df = pd.DataFrame({"import_id": "t", "metric": "revenue", "date": months.date, "value": values, "segment": None})
    with store.transaction() as cur:
        append_df(cur, "metric_points", df)
    return store


def test_revenue_growth_of_a_quarter_in_progress_uses_the_same_months(revenue_store):
    r = metrics.compute_kpi(revenue_store, "revenue_growth", "2026-Q4")
    # Q4 so far: Oct 160 + Nov 170; Q3's first two months: Jul 130 + Aug 140 (not the whole quarter).
    assert r.value == pytest.approx((160 + 170) / (130 + 140) - 1)
    assert "period to date" in r.note


def test_revenue_growth_of_a_complete_quarter_uses_whole_quarters(revenue_store):
    r = metrics.compute_kpi(revenue_store, "revenue_growth", "2026-Q3")
    assert r.value == pytest.approx((130 + 140 + 150) / (100 + 110 + 120) - 1)


def test_audience_revenue_total_in_progress_compares_same_months(revenue_store):
    b = audiences.build_briefing(revenue_store, "executives", period="2026-Q4", today=dt.date(2026, 11, 25))
    items = [i for s in b.sections for i in s.items if getattr(i, "key", None) == "revenue"]
    assert items, "the executive view shows revenue"
    rev = items[0]
    assert rev.value == pytest.approx(160 + 170)
    assert rev.previous == pytest.approx(130 + 140)
    assert "first 2 months of 2026-Q3" in rev.note
