"""The executive view's figures: realised ROI from launched work and projected ROI apart, checked against sums written here; battle-card proof points only where the change supports the pitch."""
from __future__ import annotations

import datetime as dt

import pytest

from pm_core import audiences as A
from pm_core import roadmap
from pm_core.audiences import cards
from pm_core.auth import Actor
from pm_core.store import open_store

EDITOR = Actor(email="pm@example.com", role="editor")
TODAY = dt.date(2026, 11, 25)


def _ini(title, status, cost=None, gain=None, **kw):
    data = {"title": title, "status": status, "health": "on_track", "cost": cost, "gain": gain, **kw}
    if status in ("launched", "measured"):
        data["launch_date"] = "2026-08-03"
    return data


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "w.duckdb")
    yield s
    s.close()


def _metric(b, key):
    return next(m for m in b.section("metrics").metrics() if m.key == key)


def test_realised_roi_ignores_planned_estimates_and_projected_is_labelled_apart(store):
    roadmap.create_initiative(store, EDITOR, _ini("Verified WiFi filter", "launched", 100_000, 200_000))
    roadmap.create_initiative(store, EDITOR, _ini("Monthly pricing", "measured", 50_000, 60_000))
    b = A.build_briefing(store, "executives", "all", today=TODAY)
    realised = (200_000 + 60_000 - 150_000) / 150_000
    assert _metric(b, "roi").value == pytest.approx(realised)
    assert _metric(b, "roi_projected").value == pytest.approx(realised)
    # An estimate typed into a planned initiative: realised ROI does not move, projected ROI does.
    planned = roadmap.create_initiative(store, EDITOR, _ini("Community guides", "planned", 10_000, 160_000))
    roadmap.create_initiative(store, EDITOR, _ini("Workspace listings", "in_progress", 40_000, 20_000))
    b = A.build_briefing(store, "executives", "all", today=TODAY)
    roi, projected = _metric(b, "roi"), _metric(b, "roi_projected")
    assert roi.value == pytest.approx(realised)
    assert projected.value == pytest.approx((200_000 + 60_000 + 160_000 + 20_000 - 200_000) / 200_000)
    assert "launched work" in roi.label and "Projected" in projected.label and "estimated" in projected.label
    assert "planned" in roi.definition and "not realised" in projected.note
    assert roadmap.get_initiative(store, planned).status == "planned"


def test_roi_without_launched_work_says_so(store):
    roadmap.create_initiative(store, EDITOR, _ini("Community guides", "planned", 10_000, 160_000))
    b = A.build_briefing(store, "executives", "all", today=TODAY)
    assert _metric(b, "roi").value is None and "launched" in _metric(b, "roi").note
    assert _metric(b, "roi_projected").value == pytest.approx(15.0)


def test_proof_points_only_where_the_change_supports_the_pitch(store, monkeypatch):
    iid = roadmap.create_initiative(store, EDITOR, _ini("Verified WiFi filter", "launched"))
    outcome = {"kpis": [
        {"kpi": "conversion_rate", "before": 0.119, "after": 0.103},   # fell: higher is better -> not proof
        {"kpi": "feature_adoption", "before": 0.0, "after": 0.55},     # rose -> proof
        {"kpi": "bug_rate", "before": 0.20, "after": 0.12},            # fell, and lower is better -> proof
        {"kpi": "nps", "before": None, "after": 30},                   # nothing to compare -> not proof
    ]}
    monkeypatch.setattr(cards.nb, "outcome_check", lambda s, i: outcome)
    sec = A.battle_card(store, iid, TODAY)
    bullets = {i.title: i.bullets for i in sec.items if i.kind == "bullets"}
    proof = bullets["Proof points"]
    assert any(p.startswith("Feature adoption") for p in proof) and any(p.startswith("Bug rate") for p in proof)
    assert not any("11.9%" in p for p in proof) and not any(p.startswith("Net Promoter") for p in proof)
    apart = next(v for k, v in bullets.items() if k.startswith("Not proof points"))
    assert any("11.9% before launch → 10.3% after" in p for p in apart)
