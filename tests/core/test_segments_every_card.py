"""Segments apply to every card or the card says 'all segments': each KPI under a segment checked against plain pandas
on events, a survey with a Platform column imported through the real importer, metric series split by platform and
work items, all built here."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from pm_core.auth import CLI_ACTOR
from pm_core.ingest import import_file
from pm_core.metrics import compute_kpis
from pm_core.segments import parse
from pm_core.segments import for_source
from tests.factories.metrics import WORK, _events, _insert, _insert_events

# an NPS survey as Delighted exports it, with the platform of each respondent
NPS = pd.DataFrame({
    "Response ID": [f"r{i}" for i in range(12)],
    "Score": [10, 9, 3, 8, 10, 6, 0, 9, 7, 10, 2, 9],
    "Created At": [f"2026-07-{d:02d}T10:00:00Z" for d in range(1, 13)],
    "Platform": ["iOS", "iOS", "iOS", "Android", "Android", "Web", "Web", "iOS", "Android", "Web", "iOS", ""],
})
# a CSAT survey without any platform column
CSAT = pd.DataFrame({"Response ID": [f"c{i}" for i in range(5)], "CSAT (1-5)": [5, 4, 2, 5, 1],
                     "Submitted At": [f"2026-07-{d:02d} 09:00:00" for d in range(1, 6)]})


def _nps(df) -> float:
    s = df["Score"]
    return ((s >= 9).sum() - (s <= 6).sum()) / len(s) * 100


@pytest.fixture
def sstore(store, tmp_path):
    ev = _events()
    _insert_events(store, ev)
    NPS.to_csv(tmp_path / "nps.csv", index=False)
    CSAT.to_csv(tmp_path / "csat.csv", index=False)
    import_file(store, CLI_ACTOR, tmp_path / "nps.csv")
    import_file(store, CLI_ACTOR, tmp_path / "csat.csv")
    w = WORK.assign(import_id="w")
    w["due"] = w["due"].astype("object")
    _insert(store, "work_items", w)
    # revenue split by platform (rows 'iOS', 'platform=Android') and a total row, per month
    rows = []
    for m in (6, 7, 8):
        rows += [("revenue", pd.Timestamp(2026, m, 1).date(), 100.0 * m, "iOS"),
                 ("revenue", pd.Timestamp(2026, m, 1).date(), 50.0 * m, "platform=Android"),
                 ("revenue", pd.Timestamp(2026, m, 1).date(), 1000.0 * m, None)]
    _insert(store, "metric_points", pd.DataFrame(rows, columns=["metric", "date", "value", "segment"]).assign(import_id="m"))
    store.test_events = ev
    return store


@pytest.mark.parametrize("segment,rows", [
    ("platform=iOS", NPS["Platform"] == "iOS"),
    ("platform=iOS|Android", NPS["Platform"].isin(["iOS", "Android"])),
    ("platform!=iOS", NPS["Platform"] != "iOS"),   # 'is not' keeps the response without a platform
])
def test_nps_is_filtered_by_the_survey_platform_column(sstore, segment, rows):
    r = compute_kpis(sstore, "2026-07", segment)["discovery"]["nps"]
    assert r.value == pytest.approx(_nps(NPS[rows]))
    assert r.extra["segment"] == parse(segment).describe() and r.extra["n"] == int(rows.sum())


def test_a_survey_without_the_property_says_all_segments(sstore):
    r = compute_kpis(sstore, "2026-07", "platform=iOS")["discovery"]["csat"]
    assert r.value == pytest.approx((CSAT["CSAT (1-5)"] >= 4).mean()) and r.extra["segment"] == "all segments"
    # a property no survey has: NPS is every response, and says so
    r = compute_kpis(sstore, "2026-07", "country=PT")["discovery"]["nps"]
    assert r.value == pytest.approx(_nps(NPS)) and r.extra["segment"] == "all segments"


def test_every_card_says_whether_the_segment_applies(sstore):
    res = compute_kpis(sstore, "2026-07", "platform=iOS")
    flat = {k: r for pillar in res.values() for k, r in pillar.items()}
    assert all("segment" in r.extra for r in flat.values())
    for key in ("cycle_time_days", "on_time_rate", "bug_rate", "roi", "csat"):
        assert flat[key].extra["segment"] == "all segments", key
    for key in ("mau", "dau", "churn", "feature_adoption", "conversion_rate", "nps", "revenue_growth"):
        assert flat[key].extra["segment"] == "platform is iOS", key
    ev = sstore.test_events
    ios = ev[(ev["platform"] == "iOS") & (ev["ts"] >= "2026-07-01") & (ev["ts"] < "2026-08-01")]
    assert flat["mau"].value == ios["user_id"].nunique()
    assert compute_kpis(sstore, "2026-07")["growth"]["mau"].extra.get("segment") is None  # no segment: no mark


def test_metric_series_segments_follow_the_segment(sstore):
    g = lambda seg: compute_kpis(sstore, "2026-07", seg)["strategy"]["revenue_growth"]  # noqa: E731
    assert g("platform=iOS").value == pytest.approx(700 / 600 - 1)               # the 'iOS' rows
    assert g("platform=Android").value == pytest.approx(350 / 300 - 1)           # the 'platform=Android' rows
    assert g("platform=iOS|Android").value == pytest.approx((700 + 350) / (600 + 300) - 1)  # both, summed
    every = g("country=PT")  # not split by country: the totals, and the card says so
    assert every.value == pytest.approx(7000 / 6000 - 1) and every.extra["segment"] == "all segments"


def test_clv_never_mixes_whole_revenue_with_a_segment_of_users(sstore):
    everyone = compute_kpis(sstore, "2026-07")["strategy"]["clv"]
    by_country = compute_kpis(sstore, "2026-07", "country=PT")["strategy"]["clv"]  # revenue not split by country
    assert by_country.value == pytest.approx(everyone.value) and by_country.extra["segment"] == "all segments"


def test_for_source_matches_names_case_insensitively_once():
    seg = parse("platform=iOS,plan!=free")
    assert for_source(seg, ["Platform", "Plan"]).text() == "Plan!=free,Platform=iOS"
    assert for_source(seg, ["platform", "Platform", "plan"]).text() == "plan!=free,platform=iOS"  # exact name wins
    assert for_source(seg, ["PLATFORM", "Platform", "plan"]) is None  # two spellings: ambiguous, so not filtered
    assert for_source(seg, ["Platform"]) is None  # no 'plan' column: the source cannot be filtered
    assert for_source(parse("platform=iOS").with_sources(["amplitude"]), ["platform"]) is None


def test_survey_properties_are_kept_at_import(sstore):
    rows = sstore.query_df("SELECT properties FROM survey_responses WHERE scale = 'nps' ORDER BY respondent")
    props = [json.loads(p) for p in rows["properties"]]
    assert [p.get("Platform") for p in props] == [v or None for v in NPS.sort_values("Response ID")["Platform"]]
