"""A small hand-built workspace for audience views and exports (full data, or without surveys).

It is written through the store and the neighbours' own write functions, with hostile user text
on purpose: a survey comment `<img src=x onerror=alert(1)>` and an initiative titled
`=HYPERLINK("http://x")`, so every view and export is checked against them.
"""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from pm_core.auth import Actor
from pm_core.store import Store
from tests.factories import append_df
from tests.factories.settings import put_story_settings

EDITOR = Actor(email="pm@example.com", role="editor")
XSS = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x")'
TODAY = dt.date(2026, 11, 25)


def _events(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    start = dt.datetime(2026, 5, 25)
    for u in range(240):
        first = start + dt.timedelta(days=int(rng.integers(0, 170)), hours=int(rng.integers(0, 23)))
        for k in range(int(rng.integers(1, 6))):
            t = first + dt.timedelta(days=7 * k + int(rng.integers(0, 3)))
            if t > dt.datetime(2026, 11, 22):
                break
            rows.append((f"u{u}", "search", t))
            if rng.random() < 0.5:
                rows.append((f"u{u}", "booking_started", t + dt.timedelta(minutes=5)))
                if rng.random() < 0.6:
                    rows.append((f"u{u}", "booking_completed", t + dt.timedelta(minutes=9)))
            if t >= dt.datetime(2026, 8, 3) and rng.random() < 0.4:
                rows.append((f"u{u}", "wifi_filter_used", t + dt.timedelta(minutes=2)))
    df = pd.DataFrame(rows, columns=["user_id", "event", "ts"])
    df["import_id"] = "imp_events"
    df["properties"] = [json.dumps({"platform": ["iOS", "Android", "Web"][int(u[1:]) % 3]}) for u in df["user_id"]]
    return df


def _work_items() -> pd.DataFrame:
    rows = []

    def add(key, title, typ, cat, created, resolved=None, epic=None, labels=(), status=None):
        rows.append(dict(import_id="imp_jira", key=key, title=title, type=typ, type_category=cat,
                         status=status or ("Done" if resolved else "In Progress"),
                         status_category="done" if resolved else "in_progress",
                         created=pd.Timestamp(created), resolved=pd.Timestamp(resolved) if resolved else None,
                         epic=epic, parent_key=epic, labels=list(labels), assignee="dev", priority="Medium"))
    add("NOM-1", "Verified WiFi filter", "Epic", "epic", "2026-05-26", "2026-08-03")
    for i in range(8):
        add(f"NOM-1{i}", f"WiFi story {i}", "Story", "story", f"2026-06-{1 + i:02d}", f"2026-06-{10 + i:02d}", "NOM-1", ["wifi-filter"])
    add("NOM-30", "Speed test crashes on old Android", "Bug", "bug", "2026-07-01", "2026-07-04", "NOM-1", ["wifi-filter"])
    add("NOM-31", XSS, "Bug", "bug", "2026-07-02", "2026-07-09", "NOM-1", ["wifi-filter"])
    add("NOM-2", "Dedicated workspace listings", "Epic", "epic", "2026-09-01")
    for i in range(4):
        add(f"NOM-4{i}", f"Workspace story {i}", "Story", "story", f"2026-09-{1 + i:02d}",
            f"2026-10-{1 + i:02d}" if i < 2 else None, "NOM-2", ["workspace"])
    add("NOM-50", FORMULA, "Bug", "bug", "2026-11-10", None, "NOM-2", ["workspace"], status="Open")
    # Unlinked chores, outside every initiative's epic and label.
    add("NOM-90", "Upgrade CI runners", "Task", "task", "2026-08-05", "2026-08-06")
    add("NOM-91", "Rotate certificates", "Task", "task", "2026-10-05", "2026-10-06")
    df = pd.DataFrame(rows)
    df["due"] = None
    df["points"] = 3.0
    df["sprint"] = None
    return df


def _surveys(rng: np.random.Generator) -> pd.DataFrame:
    comments = ["WiFi was fast and the filter saved me hours", "Too expensive for a monthly stay", XSS, FORMULA,
                "The desk and chair were great for work", "Search filters are confusing", "", None,
                "Host was helpful; wifi speed as promised", "App is slow when loading listings"]
    rows = []
    for i in range(60):
        day = dt.datetime(2026, 6, 1) + dt.timedelta(days=int(i * 2.8))
        rows.append(dict(import_id="imp_csat", respondent=f"r{i}", responded_at=day, scale="csat",
                         score=float(rng.integers(1, 6)), comment=comments[i % len(comments)]))
        rows.append(dict(import_id="imp_nps", respondent=f"n{i}", responded_at=day, scale="nps",
                         score=float(rng.integers(0, 11)), comment=comments[(i + 3) % len(comments)]))
    return pd.DataFrame(rows)


def _metrics() -> pd.DataFrame:
    rows = []
    months = pd.date_range("2025-12-01", "2026-11-01", freq="MS")
    for i, m in enumerate(months):
        for metric, value in [("revenue", 100000 + 8000 * i), ("market_size", 5_000_000 + 10000 * i),
                              ("marketing_spend", 20000 + 500 * i), ("uptime", 0.999 - 0.0001 * (i % 3)),
                              ("p95_latency_ms", 420 - 5 * i), ("cac", 40 - i), ("leads", 900 + 30 * i),
                              ("stakeholder_pulse", 3.5 + 0.05 * i)]:
            rows.append(dict(import_id="imp_metrics", metric=metric, date=m.date(), value=float(value), segment=None))
    return pd.DataFrame(rows)


def _exposures(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for i in range(1200):
        variant = "control" if i % 2 else "treatment"
        p = 0.09 if variant == "control" else 0.11
        rows.append(dict(import_id="imp_exp", experiment="verified_wifi_filter", user_id=f"e{i}", variant=variant,
                         converted=bool(rng.random() < p), exposed_at=dt.datetime(2026, 7, 6) + dt.timedelta(hours=i)))
    return pd.DataFrame(rows)


def build_workspace(store: Store, surveys: bool = True) -> dict:
    """Fill an empty store with events, work items, metric series, an experiment, surveys (optional), OKRs and a roadmap.

    Returns {'initiatives': {ref: id}} for the tests.
    """
    from pm_core import okrs, roadmap

    rng = np.random.default_rng(7)
    with store.transaction() as cur:
        append_df(cur, "events", _events(rng))
        put_story_settings(cur)  # the story's funnel, feature and task events (settings start unset)
        append_df(cur, "work_items", _work_items())
        append_df(cur, "metric_points", _metrics())
        append_df(cur, "experiment_exposures", _exposures(rng))
        if surveys:
            append_df(cur, "survey_responses", _surveys(rng))
    oid = okrs.create_objective(store, EDITOR, {"title": "Make Nomadly the home of long stays", "period": "2026-Q3"})
    okrs.create_key_result(store, EDITOR, {"objective_id": oid, "title": "Increase user retention by 5% in Q3",
                                           "kr_type": "increase_to", "baseline": 0.2, "target": 0.21,
                                           "kpi": "retention"}, today=TODAY)
    okrs.create_key_result(store, EDITOR, {"objective_id": oid, "title": "Launch the verified WiFi filter",
                                           "kr_type": "milestone"}, today=TODAY)
    oid4 = okrs.create_objective(store, EDITOR, {"title": "Grow nomad revenue", "period": "2026-Q4"})
    okrs.create_key_result(store, EDITOR, {"objective_id": oid4, "title": "Raise conversion to 60%",
                                           "kr_type": "increase_to", "baseline": 0.3, "target": 0.6,
                                           "kpi": "conversion_rate"}, today=TODAY)
    ids = {}
    ids["wifi"] = roadmap.create_initiative(store, EDITOR, {
        "title": FORMULA, "problem": "Nomads cannot trust listing WiFi", "solution": "Verified WiFi badge and filter",
        "status": "launched", "health": "on_track", "start_date": "2026-05-25", "end_date": "2026-08-03",
        "launch_date": "2026-08-03", "jira_epic": "NOM-1", "jira_label": "wifi-filter",
        "reach": 6000, "impact": 2, "confidence": 80, "effort": 3}, kpis=["conversion_rate", "feature_adoption"])
    ids["workspace"] = roadmap.create_initiative(store, EDITOR, {
        "title": "Dedicated workspace listings", "problem": XSS, "solution": "Workspace checklist",
        "status": "in_progress", "health": "at_risk", "start_date": "2026-09-01", "end_date": "2026-12-15",
        "jira_epic": "NOM-2", "reach": 3000, "impact": 1, "confidence": 50, "effort": 4})
    ids["guides"] = roadmap.create_initiative(store, EDITOR, {
        "title": "Nomad community guides", "status": "planned", "health": "on_track", "bucket": "next"})
    ids["visa"] = roadmap.create_initiative(store, EDITOR, {"title": "Visa & tax info hub", "status": "idea",
                                                            "bucket": "later"})
    return {"initiatives": ids}
