"""Feedback themes as workspace data: checked against themes and comments written here (counted by hand) and the audit log read back."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pm_core import audiences as A
from pm_core import audit
from pm_core.auth import PermissionDenied
from tests.conftest import SAMPLE_DATA
from tests.factories import append_df

DEMO_NAMES = {"Long stays & visas", "WiFi & connectivity", "Listing accuracy & hosts"}
MINE = {"Onboarding": ["signup", "sign-up", "onboarding"], "Exports": ["export", "csv", "pdf"]}


def _comments(store, comments: list[str]) -> None:
    rows = [dict(import_id="imp_t", respondent=f"r{i}", responded_at=dt.datetime(2026, 8, 1) + dt.timedelta(hours=i),
                 scale="nps", score=7.0, comment=c) for i, c in enumerate(comments)]
    with store.transaction() as cur:
        append_df(cur, "survey_responses", pd.DataFrame(rows))


def test_a_new_workspace_has_the_generic_defaults_and_no_demo_theme(store):
    got = A.list_themes(store)
    assert got == A.DEFAULT_THEMES and not A.themes_customised(store)
    assert {"Pricing", "Bugs & errors", "Support", "Feature requests"} <= set(got)
    assert not DEMO_NAMES & set(got)
    assert not DEMO_NAMES & set(A.DEFAULT_THEMES)


def test_editors_save_and_reset_themes_with_an_audit_row(store, editor):
    saved = A.save_themes(store, editor, [{"name": " Onboarding ", "keywords": "Signup, sign-up\nonboarding"},
                                          {"name": "Exports", "keywords": ["export", "csv", "pdf", "CSV"]}])
    assert saved == MINE
    assert A.list_themes(store) == MINE and A.themes_customised(store)
    rows = audit.list_audit(store, editor, object_type="feedback_themes")
    assert [(r["action"], r["object_name"]) for r in rows] == [("save", "Feedback themes")]
    assert "added Onboarding, Exports" in rows[0]["summary"]
    A.save_themes(store, editor, {"Onboarding": ["signup"], "Exports": ["export", "csv", "pdf"]})
    assert A.list_themes(store)["Onboarding"] == ["signup"]
    assert "Onboarding: keywords" in audit.list_audit(store, editor, object_type="feedback_themes")[0]["summary"]
    assert A.reset_themes(store, editor) == A.DEFAULT_THEMES
    assert A.list_themes(store) == A.DEFAULT_THEMES and not A.themes_customised(store)
    assert [r["action"] for r in audit.list_audit(store, editor, object_type="feedback_themes")] == ["reset", "save", "save"]


def test_viewers_cannot_change_themes(store, viewer, editor):
    with pytest.raises(PermissionDenied):
        A.save_themes(store, viewer, MINE)
    A.save_themes(store, editor, MINE)
    with pytest.raises(PermissionDenied):
        A.reset_themes(store, viewer)
    assert A.list_themes(store) == MINE


@pytest.mark.parametrize("themes, words", [
    ([{"name": "", "keywords": "a"}], "give the theme a name"),
    ([{"name": "A", "keywords": " , "}], "at least one keyword"),
    ([{"name": "Price", "keywords": "a"}, {"name": "price", "keywords": "b"}], "two themes are called 'price'"),
    ([], "keep at least one theme"),
    ([{"name": "Bad \u202e", "keywords": "x"}], "bidirectional"),
])
def test_bad_themes_are_refused_and_nothing_is_stored(store, editor, themes, words):
    before = store.data_version()
    with pytest.raises(A.AudienceError) as exc:
        A.save_themes(store, editor, themes)
    assert words in str(exc.value)
    assert store.data_version() == before and not A.themes_customised(store)


def test_the_form_text_round_trips_and_a_line_without_a_colon_is_named():
    assert A.parse_themes(A.themes_from_text(A.themes_text(MINE))) == MINE
    with pytest.raises(A.AudienceError, match="line 2"):
        A.themes_from_text("Onboarding: signup\nExports csv")


def test_the_demo_themes_live_in_sample_data_and_only_the_demo_gets_them(store, editor):
    demo = A.demo_themes(SAMPLE_DATA)
    assert DEMO_NAMES <= set(demo) and "visa" in demo["Long stays & visas"]
    assert not A.themes_customised(store)
    A.seed_demo(store, editor, SAMPLE_DATA)
    assert A.list_themes(store) == demo
    A.save_themes(store, editor, MINE)
    A.seed_demo_themes(store, editor, SAMPLE_DATA)  # the workspace's own themes are kept
    assert A.list_themes(store) == MINE


def test_comments_that_match_no_theme_are_reported_and_lead_the_view(store):
    # 9 of 10 comments fit no generic theme: the view says 90% first, never a theme that fits nobody.
    comments = [f"Kanban board column {i} should remember its width" for i in range(9)] + ["Far too expensive"]
    _comments(store, comments)
    assert A.unmatched_comments(comments, A.list_themes(store)) == (9, 10)
    fb = A.build_briefing(store, "support", "2026-Q3", today=dt.date(2026, 9, 30)).section("feedback")
    assert fb.error is None
    assert fb.lead.startswith("10 comments in") and "9 of 10 comments (90%) match no theme; of the rest, most mentioned: Pricing" in fb.lead
    assert not any(name in fb.lead for name in DEMO_NAMES)
    assert any("90%" in getattr(i, "text", "") for i in fb.items)


def test_a_view_uses_the_workspace_themes(store, editor):
    _comments(store, ["The CSV export drops accents", "Signup asked twice for my email", "Nice"])
    A.save_themes(store, editor, MINE)
    fb = A.build_briefing(store, "support", "2026-Q3", today=dt.date(2026, 9, 30)).section("feedback")
    chart = next(i for i in fb.items if i.kind == "chart")
    assert {r["theme"]: r["comments"] for r in chart.data.rows} == {"Exports": 1, "Onboarding": 1}
    assert "1 of 3 comments (33%) match no theme" in fb.lead and "Onboarding: signup, sign-up, onboarding" in fb.notes
