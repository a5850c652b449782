"""The demo story's event settings (sample_data/settings.json) for builders whose events are the story's.

Event settings start unset in every workspace; a builder that writes the story's events (search,
booking_completed, wifi_filter_used ...) sets them too, as the demo does, so KPI tests read the funnel,
feature and task the story means.
"""
from __future__ import annotations

import json
from pathlib import Path

from pm_core.store.core import utcnow

STORY_SETTINGS: dict[str, str] = json.loads(
    (Path(__file__).resolve().parents[2] / "sample_data" / "settings.json").read_text(encoding="utf-8"))["settings"]


def put_story_settings(cur) -> None:
    """Store the story's event settings inside the caller's transaction, keeping any value already stored."""
    for key, value in STORY_SETTINGS.items():
        cur.execute("INSERT INTO settings VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                    [key, json.dumps(value), "tests", utcnow()])

