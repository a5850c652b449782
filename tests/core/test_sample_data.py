"""The demo exports in sample_data/: reproducible, listed in the manifest, and true to the demo story.

Everything here reads the raw files with pandas/csv (never through pm_core), so it checks the data
the importers receive, independently of how they interpret it.
"""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
GENERATED = ["amplitude_events.csv.gz", "jira_nom_export.csv", "nps_survey.csv", "csat_feature_survey.csv",
             "ab_test_verified_wifi_filter.csv", "metric_series.csv", "levels_salaries.csv", "manifest.json"]
EVENT_NAMES = {"sign_up", "search", "listing_view", "booking_started", "booking_completed", "wifi_filter_used"}
START, END = pd.Timestamp("2026-05-25"), pd.Timestamp("2026-11-23")
TEST_START, TEST_END = pd.Timestamp("2026-07-06"), pd.Timestamp("2026-08-03")


def _load_generator():
    spec = importlib.util.spec_from_file_location("sample_data_generate", SAMPLE / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    df = pd.read_csv(SAMPLE / "amplitude_events.csv.gz", dtype={"user_id": str, "city": str})
    df["event_time"] = pd.to_datetime(df["event_time"], format="%Y-%m-%d %H:%M:%S.%f")
    return df


@pytest.fixture(scope="module")
def ab() -> pd.DataFrame:
    df = pd.read_csv(SAMPLE / "ab_test_verified_wifi_filter.csv", dtype={"user_id": str})
    df["timestamp"] = pd.to_datetime(df["timestamp"], format="%Y-%m-%d %H:%M:%S.%f")
    return df


@pytest.fixture(scope="module")
def ab_first(ab) -> pd.DataFrame:
    """Each user once, in their first variant (the analysis rule)."""
    return ab.sort_values(["timestamp", "user_id"]).drop_duplicates("user_id", keep="first")


# ---- reproducibility and manifest -----------------------------------------------------------
def test_generator_rewrites_the_committed_files_byte_for_byte(tmp_path):
    written = _load_generator().generate(tmp_path)
    assert sorted(written) == sorted(GENERATED)
    for name in GENERATED:
        assert _sha(tmp_path / name) == _sha(SAMPLE / name), f"{name} differs from a fresh generation"


def test_gzip_header_has_no_timestamp_or_name():
    raw = (SAMPLE / "amplitude_events.csv.gz").read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    assert raw[4:8] == b"\x00\x00\x00\x00", "gzip mtime must be 0 for reproducible bytes"
    assert raw[3] & 0x08 == 0, "no original file name embedded"


def test_manifest_lists_every_export_with_a_kind_events_first():
    entries = json.loads((SAMPLE / "manifest.json").read_text(encoding="utf-8"))["imports"]
    files = [e["file"] for e in entries]
    assert files[0] == "amplitude_events.csv.gz"
    # hand-written interview notes (issue 19) sit in sample_data/discovery/ beside the generated exports
    written = [f for f in files if f.startswith("discovery/")]
    assert sorted(set(files) - set(written)) == sorted(n for n in GENERATED if n != "manifest.json")
    assert len(written) == 6 and all((SAMPLE / f).is_file() for f in written)
    assert len(set(files)) == len(files)
    kinds = {"events", "work_items", "survey", "experiment", "metrics", "salaries", "interviews"}
    for e in entries:
        assert e["kind"] in kinds, e
        assert e["note"].strip()
        assert (SAMPLE / e["file"]).is_file()
    assert sum(SAMPLE.joinpath(f).stat().st_size for f in files) < 6_000_000, "keep the repo light"


# ---- events ---------------------------------------------------------------------------------
def test_events_have_amplitude_columns_and_only_the_story_event_names(events):
    assert list(events.columns) == ["amplitude_id", "user_id", "event_time", "event_type", "platform", "country",
                                    "city", "device_type", "os_name", "session_id"]
    assert set(events["event_type"]) == EVENT_NAMES
    assert set(events["platform"]) == {"iOS", "Android", "Web"}
    assert 150_000 <= len(events) <= 250_000
    assert events["event_time"].min() >= START and events["event_time"].max() < END
    assert events["event_time"].is_monotonic_increasing
    # One Amplitude id per user and back.
    assert events.groupby("user_id")["amplitude_id"].nunique().max() == 1
    assert events.groupby("amplitude_id")["user_id"].nunique().max() == 1


def test_every_user_signs_up_once_and_nothing_precedes_it(events):
    signups = events[events["event_type"] == "sign_up"].groupby("user_id")["event_time"]
    assert signups.size().max() == 1
    first_any = events.groupby("user_id")["event_time"].min()
    su = signups.min()
    assert set(su.index) == set(first_any.index), "every user has a sign_up"
    assert (first_any.loc[su.index] >= su).all()
    assert (first_any == su.loc[first_any.index]).all()


def test_wifi_filter_used_only_by_treatment_during_the_test_and_by_anyone_after_launch(events, ab_first):
    wifi = events[events["event_type"] == "wifi_filter_used"]
    before = wifi[wifi["event_time"] < TEST_END]
    assert (before["event_time"] >= TEST_START).all()
    arms = ab_first.set_index("user_id")
    joined = before.join(arms[["group", "timestamp"]], on="user_id")
    assert (joined["group"] == "treatment").all()
    assert (joined["event_time"] >= joined["timestamp"]).all(), "used only after exposure"
    assert (wifi["event_time"] >= TEST_END).sum() > len(before), "everyone can use it after launch"


def test_mau_grows_and_feature_adoption_after_launch_is_a_quarter_to_a_third(events):
    month = events["event_time"].dt.to_period("M")
    mau = events.groupby(month)["user_id"].nunique()
    assert mau[pd.Period("2026-07")] < mau[pd.Period("2026-08")] < mau[pd.Period("2026-09")] < \
        mau[pd.Period("2026-10")]
    wifi_users = events[events["event_type"] == "wifi_filter_used"].groupby(month)["user_id"].nunique()
    for m in ["2026-08", "2026-09", "2026-10", "2026-11"]:
        assert 0.22 <= wifi_users[pd.Period(m)] / mau[pd.Period(m)] <= 0.36, m


def _weighted_retention(events: pd.DataFrame, k: int, cohorts: slice | None = None) -> float:
    week = events["event_time"].dt.to_period("W-SUN").dt.start_time
    act = pd.DataFrame({"user_id": events["user_id"], "week": week}).drop_duplicates()
    cohort = act.groupby("user_id")["week"].min().rename("cohort")
    act = act.join(cohort, on="user_id")
    last = act["week"].max()
    sizes = cohort.value_counts()
    sizes = sizes[sizes.index + pd.Timedelta(weeks=k) <= last]
    if cohorts is not None:
        sizes = sizes[(sizes.index >= cohorts.start) & (sizes.index < cohorts.stop)]
    kept = act[(act["week"] == act["cohort"] + pd.Timedelta(weeks=k)) & act["cohort"].isin(sizes.index)]
    return len(kept) / sizes.sum()


def test_retention_decays_like_a_product_and_improves_after_the_wifi_filter(events):
    w1, w4 = _weighted_retention(events, 1), _weighted_retention(events, 4)
    assert 0.35 <= w1 <= 0.46
    assert 0.20 <= w4 <= 0.27
    assert _weighted_retention(events, 8) < w4
    before = _weighted_retention(events, 4, slice(START, pd.Timestamp("2026-06-29")))
    q3 = _weighted_retention(events, 4, slice(pd.Timestamp("2026-06-29"), pd.Timestamp("2026-09-28")))
    assert q3 > before * 1.02, (before, q3)


def test_search_to_booking_within_30_days_is_about_ten_percent(events):
    first_search = events[events["event_type"] == "search"].groupby("user_id")["event_time"].min()
    bookings = events[events["event_type"] == "booking_completed"].join(first_search.rename("fs"), on="user_id")
    ok = bookings[(bookings["event_time"] >= bookings["fs"])
                  & (bookings["event_time"] <= bookings["fs"] + pd.Timedelta(days=30))]
    rate = ok["user_id"].nunique() / len(first_search)
    assert 0.08 <= rate <= 0.12
    started = (events["event_type"] == "booking_started").sum()
    completed = (events["event_type"] == "booking_completed").sum()
    assert 0.5 < completed / started < 0.8


def test_bookings_grow_through_q3(events):
    done = events.loc[events["event_type"] == "booking_completed", "event_time"]

    def last_28_days(end: str) -> int:
        e = pd.Timestamp(end)
        return int(((done >= e - pd.Timedelta(days=28)) & (done < e)).sum())

    assert last_28_days("2026-10-01") > 1.15 * last_28_days("2026-07-01")


# ---- A/B test -------------------------------------------------------------------------------
def test_ab_file_layout_window_and_arms(ab, ab_first, events):
    assert list(ab.columns) == ["user_id", "timestamp", "group", "landing_page", "converted"]
    assert set(ab["group"]) == {"control", "treatment"}
    assert ((ab["group"] == "control") == (ab["landing_page"] == "old_page")).all()
    assert set(ab["converted"]) == {0, 1}
    assert ab["timestamp"].min() >= TEST_START and ab["timestamp"].max() < TEST_END
    assert set(ab["user_id"]) <= set(events["user_id"])
    both = ab.groupby("user_id")["group"].nunique()
    assert 3 <= (both == 2).sum() <= 20, "a handful of users appear in both groups"
    sizes = ab_first["group"].value_counts()
    assert 2_700 <= sizes["control"] <= 3_300 and 2_700 <= sizes["treatment"] <= 3_300
    rates = ab_first.groupby("group")["converted"].mean()
    assert abs(rates["control"] - 0.090) < 0.005
    assert abs(rates["treatment"] - 0.108) < 0.005


def test_ab_conversions_agree_with_the_events(ab_first, events):
    """converted = a booking_completed within 14 days of the user's exposure, in the events file."""
    done = events[events["event_type"] == "booking_completed"][["user_id", "event_time"]]
    j = done.join(ab_first.set_index("user_id")["timestamp"], on="user_id", how="inner")
    in_window = j[(j["event_time"] >= j["timestamp"]) & (j["event_time"] < j["timestamp"] + pd.Timedelta(days=14))]
    booked = set(in_window["user_id"])
    expected = ab_first["user_id"].isin(booked).astype(int)
    assert (expected.values == ab_first["converted"].values).all()
    # Exposure is a search by that user at that instant.
    searches = events[events["event_type"] == "search"].set_index(["user_id", "event_time"]).index
    assert pd.MultiIndex.from_arrays([ab_first["user_id"], ab_first["timestamp"]]).isin(searches).all()


# ---- Jira -----------------------------------------------------------------------------------
def _jira_rows() -> tuple[list[str], list[list[str]]]:
    with open(SAMPLE / "jira_nom_export.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def test_jira_export_shape_crlf_and_repeated_columns():
    raw = (SAMPLE / "jira_nom_export.csv").read_bytes()
    assert raw.count(b"\r\n") >= 140 and b"\n" not in raw.split(b"\r\n")[0]
    header, rows = _jira_rows()
    for col, n in [("Labels", 3), ("Sprint", 3), ("Attachment", 2)]:
        assert header.count(col) == n
    for col in ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Created", "Resolved", "Due date",
                "Custom field (Story Points)", "Parent", "Parent key", "Parent summary", "Status Category"]:
        assert col in header
    assert all(len(r) == len(header) for r in rows)
    assert 130 <= len(rows) <= 170
    ix = header.index("Created")
    assert all(pd.to_datetime(r[ix], format="%d/%b/%y %I:%M %p") is not None for r in rows)


def test_jira_epics_children_bugs_and_lead_times():
    header, rows = _jira_rows()
    df = pd.DataFrame([{h: r[i] for i, h in enumerate(header) if h not in ("Labels", "Sprint", "Attachment")}
                       | {"labels": [r[i] for i, h in enumerate(header) if h == "Labels" and r[i]]} for r in rows])
    epics = df[df["Issue Type"] == "Epic"].set_index("Issue key")
    expected = {"NOM-1": ("Verified WiFi filter", "wifi-filter", "Done"),
                "NOM-2": ("Dedicated workspace listings", "workspace", "In Progress"),
                "NOM-3": ("Monthly stay pricing", "monthly-pricing", "Done"),
                "NOM-4": ("Nomad community guides", "guides", "To Do"),
                "NOM-5": ("Visa and tax info hub", "visa-hub", "To Do")}
    assert sorted(epics.index) == sorted(expected)
    for key, (summary, label, status) in expected.items():
        assert epics.loc[key, "Summary"] == summary and epics.loc[key, "Status"] == status
        assert epics.loc[key, "labels"] == [label]
        children = df[df["Parent key"] == key]
        assert len(children) > 0
        assert all(label in ls for ls in children["labels"])
        assert (children["Parent"] == epics.loc[key, "Issue id"]).all()
    assert df.loc[df["Parent key"] == "NOM-4", "Resolved"].eq("").all()
    bug_share = (df["Issue Type"] == "Bug").mean()
    assert 0.12 <= bug_share <= 0.18
    created = pd.to_datetime(df["Created"], format="%d/%b/%y %I:%M %p")
    resolved = pd.to_datetime(df["Resolved"].replace("", None), format="%d/%b/%y %I:%M %p")
    due = pd.to_datetime(df["Due date"].replace("", None), format="%d/%b/%y %I:%M %p")
    assert (resolved.dropna() >= created[resolved.notna()]).all()
    days = (resolved - created).dt.total_seconds() / 86_400
    assert 1 <= days.median() <= 14
    assert 0.4 <= due.notna().mean() <= 0.6
    late = (resolved.dt.normalize() > due) & resolved.notna() & due.notna()
    assert late.sum() >= 3
    assert (df["Status"] == "Done").eq(df["Resolved"] != "").all()


# ---- surveys --------------------------------------------------------------------------------
def test_nps_export_scores_comments_and_escaping_bait():
    df = pd.read_csv(SAMPLE / "nps_survey.csv", keep_default_na=False)
    assert list(df.columns) == ["Response ID", "Email", "Score", "Comment", "Created At", "Platform"]
    assert 600 <= len(df) <= 900
    assert df["Score"].between(0, 10).all()
    assert df["Email"].str.endswith("@example.com").all()
    assert df["Response ID"].is_unique
    assert df["Comment"].str.contains("<img src=x onerror=alert(1)>", regex=False).any()
    assert df["Comment"].str.contains("\n").any() and df["Comment"].str.contains('"').any()
    ts = pd.to_datetime(df["Created At"], format="%Y-%m-%dT%H:%M:%SZ")
    assert ts.min() >= START and ts.max() < END
    nps = ((df["Score"] >= 9).mean() - (df["Score"] <= 6).mean()) * 100
    assert 15 <= nps <= 45


def test_csat_export_rates_the_wifi_filter_after_launch(events):
    df = pd.read_csv(SAMPLE / "csat_feature_survey.csv", dtype={"Respondent ID": str})
    q = "How would you rate your satisfaction with the verified WiFi filter? (1-5)"
    assert list(df.columns) == ["Submitted At", "Respondent ID", q, "Any feedback on what could be better?"]
    assert 380 <= len(df) <= 420
    scores = df[q].dropna()
    assert scores.between(1, 5).all() and df[q].isna().sum() >= 1
    csat = (scores >= 4).mean()
    assert 0.6 <= csat <= 0.8
    assert pd.to_datetime(df["Submitted At"]).min() >= TEST_END
    users = set(events.loc[events["event_type"] == "wifi_filter_used", "user_id"])
    assert set(df["Respondent ID"]) <= users


# ---- metric series and salaries -------------------------------------------------------------
def test_metric_series_monthly_with_plausible_share_and_growth():
    df = pd.read_csv(SAMPLE / "metric_series.csv")
    assert list(df.columns) == ["date", "metric", "value", "segment"]
    assert set(df["metric"]) == {"revenue", "market_size", "marketing_spend", "stakeholder_pulse", "uptime",
                                 "p95_latency_ms", "cac", "leads"}
    assert df.groupby("metric").size().eq(12).all()
    wide = df.pivot(index="date", columns="metric", values="value")
    assert wide.index.min() == "2025-12-01" and wide.index.max() == "2026-11-01"
    share = wide["revenue"] / wide["market_size"]
    assert share.between(0.01, 0.06).all()
    growth = wide["revenue"].pct_change().dropna()
    assert growth.between(0.04, 0.10).all()
    assert wide["stakeholder_pulse"].between(1, 5).all() and wide["uptime"].between(0.99, 1).all()


def test_salaries_levels_currencies_and_realistic_oddities():
    df = pd.read_csv(SAMPLE / "levels_salaries.csv", keep_default_na=False)
    assert 150 <= len(df) <= 250
    assert (df["title"] == "Product Manager").all()
    assert df.duplicated().sum() == 1
    assert (df["level"] == "Staff PM").sum() == 1
    gbp = df[df["currency"] == "GBP"]
    assert len(gbp) > 0 and gbp["location"].str.startswith("London").all()
    assert set(df["currency"]) == {"USD", "GBP"}
    num = lambda c: pd.to_numeric(df[c].replace("", "0"))  # noqa: E731
    assert (num("basesalary") + num("stockgrantvalue") + num("bonus") == num("totalyearlycompensation")).all()
    meta = df[df["company"] == "Meta"].groupby("level")["totalyearlycompensation"].median()
    assert 250_000 <= meta["L4"] <= 310_000 and meta["L6"] >= 480_000
    nomadly = df[df["company"] == "Nomadly"].groupby("level")["totalyearlycompensation"].median()
    assert 80_000 <= nomadly["APM"] <= 115_000 and 115_000 <= nomadly["PM"] <= 160_000
    assert 160_000 <= nomadly["Senior PM"] <= 220_000
    assert np.all(pd.to_datetime(df["timestamp"], format="%m/%d/%Y %H:%M:%S") < pd.Timestamp("2026-11-25"))
