"""Audience views: definitions (defaults, validation, editing), the view model for full / empty / partial data."""
from __future__ import annotations

import pandas as pd
import pytest

from pm_core import audiences as A
from pm_core.auth import PermissionDenied
from pm_core.briefing import ChartItem, MetricItem, TableItem
from pm_core.text import md
from pm_core.periods import PeriodError
from pm_core.store import open_store
from tests.conftest import SAMPLE_DATA
from tests.factories.audiences import FORMULA, TODAY, XSS, _metrics, _work_items, build_workspace
from tests.factories import append_df


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    s = open_store(tmp_path_factory.mktemp("full") / "w.duckdb")
    ids = build_workspace(s)["initiatives"]
    yield s, ids
    s.close()


@pytest.fixture(scope="module")
def nosurvey(tmp_path_factory):
    s = open_store(tmp_path_factory.mktemp("nosurvey") / "w.duckdb")
    build_workspace(s, surveys=False)
    yield s
    s.close()


# -- definitions ---------------------------------------------------------------------------------
def test_defaults_follow_the_cheatsheet():
    d = A.DEFAULT_AUDIENCES
    assert tuple(d) == A.AUDIENCE_IDS
    assert {"p95_latency_ms", "uptime", "bug_rate", "feature_adoption"} <= set(d["engineering"].metrics)
    assert {"csat", "task_success_rate"} <= set(d["design"].metrics) and "experiments" in d["design"].sections
    assert "feedback" in d["design"].sections
    assert {"conversion_rate", "cac", "leads", "market_share"} <= set(d["marketing"].metrics)
    assert {"revenue_growth", "clv", "gross_margin"} <= set(d["executives"].metrics)
    assert {"okrs", "roadmap", "risks"} <= set(d["executives"].sections)
    assert {"battle_cards", "shipped"} <= set(d["sales"].sections)
    assert {"known_issues", "feedback", "shipped"} <= set(d["support"].sections) and "csat" in d["support"].metrics
    assert "debrief" in d["engineering"].sections
    for a in d.values():  # a default that names trend charts also shows the trends section
        assert not a.charts or "trends" in a.sections, a.id


@pytest.mark.parametrize("change, field", [
    ({"id": "finance"}, "id"),
    ({"metrics": ["csat", "velocity"]}, "metrics"),
    ({"sections": ["metrics", "gossip"]}, "sections"),
    ({"sections": []}, "sections"),
    ({"name": ""}, "name"),
    ({"roadmap_statuses": ["shipped"]}, "roadmap_statuses"),
])
def test_bad_definitions_are_refused_naming_the_field(change, field):
    data = A.DEFAULT_AUDIENCES["design"].model_dump() | change
    with pytest.raises(A.AudienceError, match=field):
        A.parse_audience(data)


def test_editors_edit_and_reset_viewers_cannot(store, editor, viewer):
    data = A.DEFAULT_AUDIENCES["support"].model_dump() | {"metrics": ["nps", "csat"], "title": "What hurts?"}
    with pytest.raises(PermissionDenied):
        A.save_audience(store, viewer, data)
    assert not A.is_customised(store, "support")
    A.save_audience(store, editor, data)
    got = A.get_audience(store, "support")
    assert got.metrics == ["nps", "csat"] and got.title == "What hurts?"
    assert A.is_customised(store, "support")
    with pytest.raises(PermissionDenied):
        A.reset_audience(store, viewer, "support")
    A.reset_audience(store, editor, "support")
    assert A.get_audience(store, "support") == A.DEFAULT_AUDIENCES["support"]


def test_a_bad_edit_stores_nothing(store, editor):
    before = store.data_version()
    with pytest.raises(A.AudienceError):
        A.save_audience(store, editor, A.DEFAULT_AUDIENCES["sales"].model_dump() | {"charts": ["nope"]})
    assert store.data_version() == before and not A.is_customised(store, "sales")


def test_unknown_audience_and_period_are_errors_in_words(store):
    with pytest.raises(A.AudienceError, match="engineering"):
        A.build_briefing(store, "finance")
    with pytest.raises(PeriodError):
        A.build_briefing(store, "sales", "2026-Q9")


# -- the view model: empty, full, partial --------------------------------------------------------
@pytest.mark.parametrize("aid", A.AUDIENCE_IDS)
def test_empty_workspace_says_what_is_missing(store, aid):
    b = A.build_briefing(store, aid, "all", today=TODAY)
    assert b.sections and b.audience_id == aid
    for s in b.sections:
        assert s.error is None, (s.id, s.error)
        if s.id != "risks":
            assert s.empty, f"{aid}/{s.id} shows nothing but does not say why"
    assert "No data" in b.headline
    assert b.concern == A.DEFAULT_AUDIENCES[aid].concern


@pytest.mark.parametrize("aid", A.AUDIENCE_IDS)
def test_full_data_fills_every_section(full, aid):
    s, _ = full
    b = A.build_briefing(s, aid, "2026-Q3", today=TODAY)
    for sec in b.sections:
        assert sec.error is None, (sec.id, sec.error)
    metrics = b.section("metrics")
    assert metrics is not None and metrics.empty is None
    values = [m for m in metrics.metrics() if m.value is not None]
    assert len(values) >= 3, [(m.key, m.note) for m in metrics.metrics()]
    for m in metrics.metrics():
        assert m.definition and m.source, m.key
        assert m.value is not None or m.note, f"{m.key} has neither a value nor a reason"
    assert [m.key for m in metrics.metrics()] == A.DEFAULT_AUDIENCES[aid].metrics
    assert "Q3 2026" in b.headline


@pytest.mark.parametrize("aid", ["design", "support"])
def test_no_surveys_is_a_partial_view_not_an_error(nosurvey, aid):
    b = A.build_briefing(nosurvey, aid, "2026-Q3", today=TODAY)
    fb = b.section("feedback")
    assert fb is not None and fb.error is None
    assert fb.empty and "survey" in fb.empty.lower() and not fb.items
    csat = next(m for m in b.section("metrics").metrics() if m.key == "csat")
    assert csat.value is None and csat.note
    assert all(s.error is None for s in b.sections)
    # the rest of the view still has its numbers
    assert any(m.value is not None for m in b.section("metrics").metrics())


def test_series_metrics_match_an_independent_sum_and_mean(full):
    s, _ = full
    df = _metrics()
    df["date"] = pd.to_datetime(df["date"])
    q3 = df[(df["date"] >= "2026-07-01") & (df["date"] < "2026-10-01")]
    q2 = df[(df["date"] >= "2026-04-01") & (df["date"] < "2026-07-01")]
    b = A.build_briefing(s, "executives", "2026-Q3", today=TODAY)
    rev = next(m for m in b.section("metrics").metrics() if m.key == "revenue")
    assert rev.value == pytest.approx(q3[q3.metric == "revenue"]["value"].sum())
    assert rev.previous == pytest.approx(q2[q2.metric == "revenue"]["value"].sum())
    e = A.build_briefing(s, "engineering", "2026-Q3", today=TODAY)
    up = next(m for m in e.section("metrics").metrics() if m.key == "uptime")
    assert up.value == pytest.approx(q3[q3.metric == "uptime"]["value"].mean())
    lat = next(m for m in e.section("metrics").metrics() if m.key == "p95_latency_ms")
    assert lat.value_text.endswith(" ms") and lat.trend == "better"  # latency fell: lower is better


def test_all_data_compares_the_latest_month_with_the_one_before(full):
    s, _ = full
    b = A.build_briefing(s, "marketing", "all", today=TODAY)
    leads = next(m for m in b.section("metrics").metrics() if m.key == "leads")
    df = _metrics()
    # the month every headline reports (metrics.headline): the latest complete month of the events, or, when
    # the series has no point in it (or there are no events), the series' latest month
    from pm_core import metrics

    leads_df = df[df.metric == "leads"].sort_values("date")
    by_month = {(d.year, d.month): v for d, v in zip(pd.to_datetime(leads_df["date"]), leads_df["value"])}
    h = metrics.headline(s)
    if h is not None and h.complete and (h.month.start.year, h.month.start.month) in by_month:
        y, m = h.month.start.year, h.month.start.month
        assert "latest complete month" in leads.period and h.month.describe() in leads.period
    else:
        y, m = max(by_month)
        assert "latest month" in leads.period
    prev = (y - (m == 1), 12 if m == 1 else m - 1)
    assert (leads.value, leads.previous) == (by_month[(y, m)], by_month.get(prev))


def test_okrs_risks_and_roadmap_sections(full):
    s, ids = full
    b = A.build_briefing(s, "executives", "2026-Q3", today=TODAY)
    okr = b.section("okrs")
    table = next(i for i in okr.items if isinstance(i, TableItem))
    assert {r["kr"] for r in table.rows} == {"Increase user retention by 5% in Q3", "Launch the verified WiFi filter"}
    assert any(isinstance(i, ChartItem) for i in okr.items)
    risks = b.section("risks")
    text = " ".join(x for i in risks.items for x in getattr(i, "bullets", []))
    assert "Dedicated workspace listings" in text  # at-risk initiative
    road = next(i for i in b.section("roadmap").items if isinstance(i, TableItem))
    assert road.rows[0]["title"] == "Dedicated workspace listings"  # in progress comes first
    assert "Visa & tax info hub" not in [r["title"] for r in road.rows]  # ideas are not on the executive view
    # a month maps to its quarter's OKRs; 'all' to the current quarter (Q4 on 25 Nov 2026)
    assert A.build_briefing(s, "executives", "2026-08", today=TODAY).section("okrs").title.endswith("2026-Q3")
    assert A.build_briefing(s, "executives", "all", today=TODAY).section("okrs").title.endswith("2026-Q4")


def test_period_choices_and_default(full, store):
    s, _ = full
    choices = A.period_choices(s)
    assert choices[0] == "all" and "2026-Q3" in choices and "2026-09" in choices
    assert A.default_period(s, TODAY) == "2026-Q4"
    assert A.default_period(store, TODAY) == "all"


# -- feedback themes -----------------------------------------------------------------------------
def test_feedback_themes_count_whole_words_once_per_comment():
    comments = ["WiFi was great, wifi wifi", "too expensive", "Swifty app", "wi-fi slow and expensive", "", None]
    df = A.feedback_themes(comments, A.demo_themes(SAMPLE_DATA)).set_index("theme")  # the demo's themes
    assert df.loc["WiFi & connectivity", "comments"] == 2          # 'Swifty' does not count
    assert df.loc["Price & value", "comments"] == 2
    assert df.loc["App speed & bugs", "comments"] == 1
    assert df.loc["WiFi & connectivity", "share"] == pytest.approx(2 / 4)  # empty comments are not counted
    assert "Support & refunds" not in df.index
    assert A.feedback_themes([]).empty


def test_feedback_section_keeps_hostile_text_raw_for_renderers_to_escape(full):
    s, _ = full
    fb = A.build_briefing(s, "support", "2026-Q3", today=TODAY).section("feedback")
    comments = [r["comment"] for i in fb.items if isinstance(i, TableItem) for r in i.rows]
    assert XSS in comments or FORMULA in comments


# -- battle cards and debrief --------------------------------------------------------------------
def test_battle_card_shows_written_text_and_data_proof(tmp_path, editor, viewer):
    s = open_store(tmp_path / "w.duckdb")
    try:
        ids = build_workspace(s)["initiatives"]
        card = {"value_proposition": "Work from anywhere", "for_whom": "Nomads", "experiment": "verified_wifi_filter",
                "objections": [{"objection": "Speeds change", "answer": "We re-test"}], "proof_notes": [" ", "7 of 10"]}
        with pytest.raises(PermissionDenied):
            A.save_battle_card(s, viewer, ids["wifi"], card)
        with pytest.raises(A.AudienceError, match="answer"):
            A.save_battle_card(s, editor, ids["wifi"], card | {"objections": [{"objection": "x", "answer": ""}]})
        with pytest.raises(A.AudienceError, match="no initiative"):
            A.save_battle_card(s, editor, "ini_nope", card)
        A.save_battle_card(s, editor, ids["wifi"], card)
        sec = A.battle_card(s, ids["wifi"])
        bullets = {i.title: i.bullets for i in sec.items if i.kind == "bullets"}
        assert "Value proposition: Work from anywhere" in bullets["The pitch"]
        proof = " | ".join(bullets["Proof points"])
        assert "before launch" in proof and "7 of 10" in proof
        # the test's lift is not significant (p >= 0.05), so it is listed for the team, not as proof
        assert "A/B test verified_wifi_filter" not in proof
        assert any("A/B test verified_wifi_filter" in x for t, x_ in bullets.items() if t.startswith("Not proof") for x in x_)
        table = next(i for i in sec.items if isinstance(i, TableItem))
        assert table.rows == [{"objection": "Speeds change", "answer": "We re-test"}]
        assert A.get_battle_card(s, ids["wifi"]).proof_notes == ["7 of 10"]
        # sales view shows a card per launched / in-progress / planned initiative, not ideas
        b = A.build_briefing(s, "sales", "all", today=TODAY)
        cards = [x for x in b.sections if x.id.startswith("battle_card_")]
        assert {c.id.removeprefix("battle_card_") for c in cards} == {ids["wifi"], ids["workspace"], ids["guides"]}
        only = A.build_briefing(s, "sales", "all", initiative=ids["wifi"], today=TODAY)
        assert [x.id for x in only.sections if x.id.startswith("battle_card_")] == [f"battle_card_{ids['wifi']}"]
    finally:
        s.close()


def test_debrief_bug_rate_and_cycle_time_match_the_work_items(full):
    s, ids = full
    sec = A.debrief(s, ids["wifi"])
    wi = _work_items()
    mine = wi[(wi["epic"] == "NOM-1") & (wi["type_category"] != "epic")]
    assert len(mine) == 10
    days = (mine["resolved"] - mine["created"]).dt.total_seconds() / 86400
    metrics = {m.key: m for m in sec.items if isinstance(m, MetricItem)}
    assert metrics["debrief_bug_rate"].value == pytest.approx((mine["type_category"] == "bug").mean())
    assert metrics["debrief_cycle_time"].value == pytest.approx(days.median())
    shipped = next(i for i in sec.items if i.kind == "bullets")
    assert shipped.bullets[0] == "8 stories, 2 bugs"
    themes = [i for i in sec.items if isinstance(i, TableItem)]
    assert themes and themes[0].rows[0]["comments"] >= 1
    assert "Adoption" in " ".join(i.title for i in sec.items if i.kind == "bullets")


def test_debrief_notes_are_editor_only_and_shown(tmp_path, editor, viewer):
    s = open_store(tmp_path / "w.duckdb")
    try:
        ids = build_workspace(s)["initiatives"]
        with pytest.raises(PermissionDenied):
            A.save_debrief_notes(s, viewer, ids["wifi"], {"went_well": ["x"]})
        A.save_debrief_notes(s, editor, ids["wifi"], {"went_well": ["Clean A/B split"], "to_improve": ["", "Test earlier"]})
        sec = A.debrief(s, ids["wifi"])
        bullets = {i.title: i.bullets for i in sec.items if i.kind == "bullets"}
        assert bullets["What went well"] == ["Clean A/B split"] and bullets["What to improve"] == ["Test earlier"]
    finally:
        s.close()


def test_seed_demo_matches_initiatives_by_title_and_is_idempotent(store, editor):
    from pm_core import roadmap

    iid = roadmap.create_initiative(store, editor, {"title": "Verified WiFi filter", "status": "launched",
                                                    "launch_date": "2026-08-03", "bucket": "now"})
    res = A.seed_demo(store, editor, SAMPLE_DATA)
    assert res == {"battle_cards": 1, "debrief_notes": 1, "skipped": False}
    assert "video calls" in A.get_battle_card(store, iid).value_proposition
    assert A.seed_demo(store, editor, SAMPLE_DATA)["skipped"] is True


def test_md_escape_neutralises_markdown_and_html():
    assert md("[x](javascript:alert(1))") == r"\[x\]\(javascript\:alert\(1\)\)"
    assert md(XSS).startswith(r"\<img")
    assert md(None) == ""


def test_segment_is_passed_to_the_kpis(full):
    s, _ = full
    all_users = A.build_briefing(s, "executives", "2026-09", today=TODAY)
    ios = A.build_briefing(s, "executives", "2026-09", segment={"platform": "iOS"}, today=TODAY)
    mau = lambda b: next(m for m in b.section("metrics").metrics() if m.key == "mau").value  # noqa: E731
    assert 0 < mau(ios) < mau(all_users)
    assert "platform is iOS" in ios.period_text
    assert "September 2026" in ios.period_text
    # several values and 'is not' in the one segment grammar: iOS or Android is everyone but the rest
    both = A.build_briefing(s, "executives", "2026-09", segment="platform=iOS|Android", today=TODAY)
    assert mau(ios) < mau(both) <= mau(all_users) and "platform is iOS or Android" in both.period_text
    assert mau(A.build_briefing(s, "executives", "2026-09", segment="platform!=iOS", today=TODAY)) < mau(all_users)


def test_bug_rate_trend_with_a_month_without_creations(store, editor):
    # A month with resolutions but no creations once broke the KPI helper's bug-rate series.
    wi = _work_items()
    wi = wi[~wi["key"].isin(["NOM-90", "NOM-91"])]
    with store.transaction() as cur:
        append_df(cur, "work_items", wi)
    b = A.build_briefing(store, "engineering", "2026-Q3", today=TODAY)
    assert b.section("trend_bug_rate").error is None


def test_a_failing_trend_is_reported_in_its_section_only(store, monkeypatch):
    from pm_core import metrics

    def boom(*a, **k):
        raise RuntimeError("series exploded")
    monkeypatch.setattr(metrics, "kpi_series", boom)
    b = A.build_briefing(store, "engineering", "all", today=TODAY)
    assert "series exploded" in b.section("trend_bug_rate").error
    assert b.section("trend_p95_latency_ms").error is None  # a metric series, not a KPI series
    assert b.section("metrics").error is None


@pytest.mark.parametrize("names, wanted, found", [
    (["verified_wifi_filter"], "verified_wifi_filter", "verified_wifi_filter"),
    (["ab_test_verified_wifi_filter", "pricing"], "verified_wifi_filter", "ab_test_verified_wifi_filter"),
    (["wifi_a", "wifi_b"], "wifi", None),
    ([], "x", None),
])
def test_resolve_experiment(names, wanted, found):
    assert A.resolve_experiment(names, wanted) == found


# -- the demo workspace --------------------------------------------------------------------------
@pytest.mark.parametrize("aid", A.AUDIENCE_IDS)
def test_demo_views_are_complete(demo_store, aid):
    b = A.build_briefing(demo_store, aid, "2026-Q3", today=TODAY)
    assert all(s.error is None for s in b.sections), [(s.id, s.error) for s in b.sections if s.error]
    metrics = b.section("metrics").metrics()
    assert sum(m.value is not None for m in metrics) >= len(metrics) - 1  # ROI-like figures may lack inputs
    empty = [s.id for s in b.sections if s.empty]
    assert not empty, f"{aid}: demo sections with nothing to show: {empty}"


def test_demo_battle_cards_and_debrief_carry_the_seeded_words(demo_store):
    b = A.build_briefing(demo_store, "sales", "all", today=TODAY)
    wifi = next(s for s in b.sections if s.title == "Battle card: Verified WiFi filter")
    proof = next(i for i in wifi.items if i.kind == "bullets" and i.title == "Proof points").bullets
    assert any(p.startswith("A/B test") and "p = " in p for p in proof)
    assert any(isinstance(i, TableItem) and len(i.rows) == 3 for i in wifi.items)
    e = A.build_briefing(demo_store, "engineering", "all", today=TODAY)
    deb = next(s for s in e.sections if s.title == "Debrief: Verified WiFi filter")
    titles = [i.title for i in deb.items if i.kind == "bullets"]
    assert "What went well" in titles and any(t.startswith("What shipped") for t in titles)


# -- values that must be refused (issue 17, item 6) -------------------------------------------------
@pytest.mark.parametrize("field, value, words", [
    ("name", "\u200b\u200d", "name: the name holds only invisible characters"),
    ("title", "What \u202eshipped?", "title: the title contains bidirectional control characters (U+202E)"),
    ("concern", "\ufeff", "concern: the concern holds only invisible characters"),
    ("cares_about", ["OKRs", "Ro\u2066admap"], "cares_about: line 2: the 'what they look for' item contains bidirectional"),
])
def test_audience_text_refused_by_field(store, editor, field, value, words):
    data = A.get_audience(store, "executives").model_dump()
    data[field] = value
    with pytest.raises(A.AudienceError) as exc:
        A.save_audience(store, editor, data)
    assert words in str(exc.value)


@pytest.mark.parametrize("card, words", [
    ({"value_proposition": "Work \u202eanywhere"}, "value_proposition: the value proposition contains bidirectional"),
    ({"proof_notes": ["7 of 10", "\u2067x"]}, "proof_notes: line 2: the proof point contains bidirectional"),
    ({"objections": [{"objection": "\u200b", "answer": "We re-test"}]}, "objection holds only invisible characters"),
])
def test_battle_card_text_refused_by_field(tmp_path, editor, card, words):
    s = open_store(tmp_path / "w.duckdb")
    try:
        ids = build_workspace(s)["initiatives"]
        with pytest.raises(A.AudienceError) as exc:
            A.save_battle_card(s, editor, ids["wifi"], card)
        assert words in str(exc.value)
        with pytest.raises(A.AudienceError, match="went_well: line 1: the went well note contains bidirectional"):
            A.save_debrief_notes(s, editor, ids["wifi"], {"went_well": ["\u202dfast"]})
    finally:
        s.close()
