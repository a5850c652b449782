"""A small hand-built KPI workspace (events, survey, work items, metric series) whose figures the tests recompute with pandas."""
from __future__ import annotations
import datetime as dt
import json
import numpy as np
import pandas as pd
from tests.factories import append_df
from tests.factories.settings import STORY_SETTINGS as STORY_EVENT_SETTINGS, put_story_settings


EVENTS = ["sign_up", "search", "listing_view", "booking_started", "booking_completed", "wifi_filter_used"]


T0 = pd.Timestamp("2026-05-25")


LAST = pd.Timestamp("2026-08-19 17:00")


def _events(seed: int = 7, n: int = 6000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    users = rng.integers(0, 400, n)
    # Users start at different times and stay for different spans, so cohorts differ and users churn.
    life = 10 + (users * 37) % 80
    offset = (users % 60) * 86400 + (rng.random(n) * life * 86400).astype(int)
    ts = T0 + pd.to_timedelta(np.minimum(offset, int((LAST - T0).total_seconds())), unit="s")
    ev = rng.choice(EVENTS, n, p=[.05, .35, .25, .15, .12, .08])
    plat = rng.choice(["iOS", "Android", "Web"], n)
    df = pd.DataFrame({"user_id": [f"u{u}" for u in users], "event": ev, "ts": ts,
                       "platform": plat})
    df["properties"] = [json.dumps({"platform": p, "country": "PT"}) for p in plat]
    df.loc[df.index[-1], "ts"] = LAST
    return df


def _insert(store, table, df):
    with store.transaction() as cur:
        append_df(cur, table, df)


def _insert_events(store, df, import_id="imp_ev", story_settings=True):
    """Write the events; story_settings: also store the story's funnel, feature and task events (settings start unset)."""
    with store.transaction() as cur:
        append_df(cur, "events", df.assign(import_id=import_id)[["import_id", "user_id", "event", "ts", "properties"]])
        if story_settings:
            put_story_settings(cur)


SURVEY = pd.DataFrame({
    "respondent": [f"r{i}" for i in range(14)],
    "responded_at": pd.to_datetime(["2026-06-03", "2026-06-10", "2026-06-20", "2026-07-01", "2026-07-15",
                                    "2026-08-02", None, None,
                                    "2026-06-05", "2026-06-06", "2026-07-07", "2026-07-08", "2026-08-09", None]),
    "scale": ["csat"] * 8 + ["nps"] * 6,
    "score": [5, 4, 2, None, 3, 4, 5, 1, 10, 9, 6, 8, 0, 10],
})


WORK = pd.DataFrame({
    "key": [f"NOM-{i}" for i in range(1, 11)],
    "type": ["Story", "Bug", "Historia", "Error", "Task", "Bug", "Story", "Sub-task", "Story", "Bug"],
    "type_category": ["story", "bug", "story", "bug", "task", "bug", "story", "subtask", "story", None],
    "created": pd.to_datetime(["2026-06-01 09:00", "2026-06-02 10:00", "2026-06-15 08:00", "2026-07-01 12:00",
                               "2026-07-02 12:00", "2026-07-10 00:00", "2026-07-20 00:00", "2026-08-01 00:00",
                               None, "2026-08-05 00:00"]),
    "resolved": pd.to_datetime(["2026-06-03 09:00", "2026-06-02 16:00", "2026-07-01 08:00", "2026-07-04 00:00",
                                None, "2026-07-30 00:00", "2026-08-02 00:00", "2026-08-03 06:00",
                                None, None]),
    "due": pd.to_datetime(["2026-06-03", None, "2026-06-30", "2026-07-05", "2026-07-10", "2026-07-29", "2026-08-02",
                           None, None, None]).date,
})


METRICS = pd.DataFrame([
    *[("revenue", dt.date(2026, m, 1), 1000.0 * m, None) for m in range(4, 9)],
    *[("market_size", dt.date(2026, m, 1), 50000.0 + 1000 * m, None) for m in range(4, 9)],
    *[("stakeholder_pulse", dt.date(2026, m, 1), 3.0 + 0.25 * (m - 4), None) for m in range(4, 9)],
    ("stakeholder_pulse", dt.date(2026, 7, 15), 2.0, None),
], columns=["metric", "date", "value", "segment"])


# The events this workspace's story uses for the funnel, adoption and task KPIs (the settings start unset).
STORY_SETTINGS = STORY_EVENT_SETTINGS  # sample_data/settings.json, the demo's own


def set_story_settings(store) -> None:
    """Set the funnel, feature and task events of the built story (as an editor would on the Settings page)."""
    from pm_core.auth import Actor
    from pm_core.settings import update_settings

    update_settings(store, Actor(email="pm@example.com", role="editor"), STORY_SETTINGS)
