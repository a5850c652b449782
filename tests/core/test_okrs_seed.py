"""seed_demo: baselines from data, relative targets, back-filled history, idempotence; and the demo story itself."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from pm_core import okrs
from pm_core.ingest import import_file
from tests.conftest import SAMPLE_DATA


def _events(path):
    """Bookings: 2 a day in June, 3 a day from July to mid-August (UTC)."""
    rows, day = [], dt.date(2026, 6, 1)
    while day <= dt.date(2026, 8, 15):
        for j in range(2 if day.month == 6 else 3):
            rows.append((f"u{day}-{j}", "booking_completed", f"{day} 10:0{j}:00"))
        day += dt.timedelta(days=1)
    pd.DataFrame(rows, columns=["user_id", "event_type", "event_time"]).to_csv(path, index=False)


def test_seed_from_a_sample_dir(store, editor, tmp_path):
    _events(tmp_path / "events.csv")
    import_file(store, editor, tmp_path / "events.csv")
    spec = {"objectives": [{"title": "Bookings", "period": "2026-Q3", "key_results": [
        {"title": "Bookings over 28 days +15%", "link": "events:booking_completed:28d", "baseline_from": "2026-Q2",
         "target_change": 0.15, "backfill_days": 7,
         "checkins": [{"value": "current", "confidence": 6, "as_of": "2026-07-20", "comment": "on the way"}]},
        {"title": "Ship it", "kr_type": "milestone", "checkins": [{"value": 1, "as_of": "2026-08-03"}]}]}]}
    (tmp_path / "okrs.json").write_text(json.dumps(spec))
    okrs.seed_demo(store, editor, tmp_path)
    [o] = okrs.list_okrs(store, "2026-Q3", dt.date(2026, 8, 20))
    bk, ms = o.key_results
    assert bk.baseline == 56 and bk.target == pytest.approx(56 * 1.15)  # 28 June days x 2
    hist = okrs.get_checkins(store, bk.id)
    # History every 7 days from 7 Jul to the last event day (15 Aug), plus the first link value and the confidence.
    weekly = [h for h in hist if h.comment == "From data (history)"]
    assert [h.as_of for h in weekly] == [dt.date(2026, 7, d) for d in (7, 14, 21, 28)] + [dt.date(2026, 8, d) for d in (4, 11)]
    # 28 days ending 7 Jul: 21 June days x 2 + 7 July days x 3.
    assert weekly[0].value == 21 * 2 + 7 * 3
    manual = [h for h in hist if h.source == "manual"]
    assert [(h.value, h.confidence) for h in manual] == [(8 * 2 + 20 * 3, 6)]  # 28 days ending 20 Jul: 23 Jun on
    assert bk.current == 84 and bk.confidence == 6  # latest: 28 days x 3 ending 15 Aug
    assert ms.progress == 1.0
    okrs.seed_demo(store, editor, tmp_path)  # idempotent
    assert len(okrs.list_okrs(store, "2026-Q3", dt.date(2026, 8, 20))) == 1


def test_seed_refuses_a_baseline_the_data_cannot_give(store, editor, tmp_path):
    spec = {"objectives": [{"title": "R", "period": "2026-Q3", "key_results": [
        {"title": "Retention +5%", "link": "kpi:retention", "baseline_from": "2026-Q2", "target_change": 0.05}]}]}
    (tmp_path / "okrs.json").write_text(json.dumps(spec))
    with pytest.raises(ValueError, match="Retention \\+5%.*2026-Q2"):
        okrs.seed_demo(store, editor, tmp_path)


def test_demo_okrs_follow_the_story(demo_store):
    """The demo (all areas loaded): Q3 graded, Q4 in progress, linked KRs seeded from the data."""
    from pm_core import metrics

    q2 = metrics.compute_kpi(demo_store, "retention", period="2026-Q2").value
    q3 = okrs.list_okrs(demo_store, "2026-Q3", dt.date(2026, 11, 25))
    krs = {k.title: k for o in q3 for k in o.key_results}
    ret = krs["Increase user retention by 5% in Q3"]
    assert ret.kpi == "retention" and ret.baseline == pytest.approx(q2) and ret.target == pytest.approx(q2 * 1.05)
    assert ret.current == pytest.approx(metrics.compute_kpi(demo_store, "retention", period="2026-Q3").value)
    assert krs["Increase bookings over 28 days by 15% in Q3"].link == "events:booking_completed:28d"
    assert krs["Launch the verified WiFi filter"].progress == 1.0
    assert all(k.grade is not None for k in krs.values())
    q4 = okrs.list_okrs(demo_store, "2026-Q4", dt.date(2026, 11, 25))
    kpis = {k.kpi for o in q4 for k in o.key_results}
    assert {"conversion_rate", "csat", "feature_adoption"} <= kpis
    assert any(k.kpi is None and k.checkins >= 3 and k.confidence is not None for o in q4 for k in o.key_results)
    assert okrs.targets_by_kpi(demo_store, "2026-Q3") == {"retention": pytest.approx(q2 * 1.05)}
    assert (SAMPLE_DATA / "okrs.json").exists()
