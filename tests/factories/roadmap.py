"""Test builders moved from tests/app/test_roadmap_page.py (shared by several test modules)."""
from __future__ import annotations
import datetime as dt
from pm_core import roadmap as rm
from pm_core.auth import CLI_ACTOR
from pm_core.store import open_store
from tests.conftest import SAMPLE_DATA


def make_workspace(path, n: int = 0, demo: bool = False):
    """Create a workspace at path with the demo roadmap and/or n generated initiatives; returns their ids."""
    s = open_store(path)
    ids = []
    try:
        if demo:
            rm.seed_demo(s, CLI_ACTOR, SAMPLE_DATA)
        teams = ["Search", "Payments", "Supply", "Content"]
        pillars = ["strategy", "discovery", "delivery", "growth"]
        statuses = list(rm.STATUSES)
        prev = None
        for i in range(n):
            start = dt.date(2026, 1, 1) + dt.timedelta(days=(i * 7) % 500)
            launched = statuses[i % 6] in ("launched", "measured")
            ids.append(rm.create_initiative(s, CLI_ACTOR, {
                "title": f"Initiative {i:03d}", "team": teams[i % 4], "pillar": pillars[i % 4],
                "status": statuses[i % 6], "health": rm.HEALTHS[i % 3],
                "start_date": start, "end_date": start + dt.timedelta(days=30 + i % 90),
                "launch_date": start + dt.timedelta(days=30) if launched else None,
                "reach": 100 + 37 * i, "impact": [0.25, 0.5, 1, 2, 3][i % 5], "confidence": 10 + (i * 7) % 90,
                "effort": 0.5 + (i % 12), "ice_impact": 1 + i % 10, "ice_confidence": 1 + (i * 3) % 10,
                "ice_ease": 1 + (i * 7) % 10, "value": 1 + (i * 5) % 10, "problem": f"Problem {i}",
            }, dependencies=[prev] if prev and i % 10 == 0 else None))
            prev = ids[-1]
    finally:
        s.close()
    return ids
