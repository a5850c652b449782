"""Events written straight into a workspace for growth, memo and segment tests (rows, or a seeded random set)."""
from __future__ import annotations
import json
import numpy as np
import pandas as pd
from tests.factories import append_df
from tests.factories.settings import put_story_settings


EVENTS = ["sign_up", "search", "listing_view", "booking_started", "booking_completed"]


def put_events(store, rows, import_id="imp1", story_settings=True):
    """rows: (user, event, 'YYYY-MM-DD HH:MM:SS', props dict or None).

    story_settings: also store the story's funnel, feature and task events (settings start unset), as the demo does.
    """
    df = pd.DataFrame({
        "import_id": import_id,
        "user_id": [r[0] for r in rows],
        "event": [r[1] for r in rows],
        "ts": pd.to_datetime([r[2] for r in rows], format="ISO8601"),
        "properties": [json.dumps(r[3]) if len(r) > 3 and r[3] is not None else None for r in rows],
    })
    with store.transaction() as cur:
        append_df(cur, "events", df)
        if story_settings:
            put_story_settings(cur)
    return df


def random_events(seed=7, users=300, days=120):
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-01-01")
    rows = []
    for u in range(users):
        first = rng.integers(0, days - 5)
        n = int(rng.integers(1, 25))
        offs = np.sort(first + rng.exponential(20, n))
        offs = offs[offs < days]
        plat = ["iOS", "Android", "Web"][u % 3]
        for o in offs:
            ts = start + pd.Timedelta(seconds=int(o * 86400))
            rows.append((f"u{u}", EVENTS[int(rng.integers(0, len(EVENTS)))], ts.isoformat(sep=" "),
                         {"platform": plat, "country": ["US", "DE"][u % 2]}))
    return rows
