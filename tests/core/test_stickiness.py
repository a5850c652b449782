"""Stickiness over calendar days and the days-active histogram, against pandas on events built here."""
from __future__ import annotations

import pandas as pd
import pytest

from pm_core import growth
from tests.factories.events import put_events, random_events


def test_empty_weekend_days_count_as_zero(store):
    # Monday 2 Feb to Sunday 8 Feb 2026; nobody on the weekend, the data runs to 28 Feb
    rows = [(f"u{i}", "open", f"2026-02-0{d} 10:00:00") for d in range(2, 7) for i in range(10)]
    rows += [("u0", "open", "2026-02-01 09:00:00"), ("u0", "open", "2026-02-28 09:00:00")]
    put_events(store, rows)
    st = growth.stickiness_series(store).set_index("month")
    feb = st.loc[pd.Timestamp("2026-02-01").date()]
    assert feb["calendar_days"] == 28 and feb["days_with_events"] == 7
    assert feb["mean_dau"] == pytest.approx((5 * 10 + 1 + 1) / 28)  # not 52 / 7 over the days with events
    assert feb["stickiness"] == pytest.approx(feb["mean_dau"] / 10)


def test_partial_first_and_last_months_count_only_covered_days(store):
    put_events(store, [("a", "open", "2026-01-30 10:00:00"), ("a", "open", "2026-02-02 10:00:00"),
                       ("b", "open", "2026-03-03 10:00:00")])
    st = growth.stickiness_series(store).set_index("month")
    assert [int(st.loc[pd.Timestamp(m).date(), "calendar_days"]) for m in ("2026-01-01", "2026-02-01", "2026-03-01")] == [2, 28, 3]


@pytest.mark.parametrize("period", [None, "2026-02", "2026-Q1"])
def test_days_active_histogram_matches_pandas(store, period):
    df = put_events(store, random_events(seed=8))
    h = growth.days_active_histogram(store, period)
    d = df
    lo, hi = df["ts"].min().normalize(), df["ts"].max().normalize()
    if period == "2026-02":
        d = df[(df["ts"] >= "2026-02-01") & (df["ts"] < "2026-03-01")]
        lo, hi = max(lo, pd.Timestamp("2026-02-01")), min(hi, pd.Timestamp("2026-02-28"))
    elif period == "2026-Q1":
        d = df[(df["ts"] >= "2026-01-01") & (df["ts"] < "2026-04-01")]
        lo, hi = max(lo, pd.Timestamp("2026-01-01")), min(hi, pd.Timestamp("2026-03-31"))
    per_user = d.assign(day=d["ts"].dt.date).groupby("user_id")["day"].nunique()
    want = per_user.value_counts()
    n = (hi - lo).days + 1
    assert list(h["days_active"]) == list(range(1, n + 1))
    assert {int(k): int(v) for k, v in zip(h["days_active"], h["users"]) if v} == {int(k): int(v) for k, v in want.items()}
    assert int(h["users"].sum()) == per_user.size


def test_days_active_histogram_segment_and_empty(store):
    assert growth.days_active_histogram(store).empty
    put_events(store, [("a", "open", "2026-02-02 10:00:00", {"platform": "iOS"}),
                       ("a", "open", "2026-02-03 10:00:00", {"platform": "iOS"}),
                       ("b", "open", "2026-02-03 10:00:00", {"platform": "Web"})])
    h = growth.days_active_histogram(store, "2026-02", "platform=iOS")
    assert list(h["users"]) == [0, 1]  # the data covers 2 Feb to 3 Feb; a was active both days
