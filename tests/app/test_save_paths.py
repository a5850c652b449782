"""Every create / edit / archive / save path of every form, in AppTest as an editor; the oracle is the stored workspace, read back through pm_core after each submit.

Each test fills a form the way a person would, submits it, then opens the workspace file afresh and
reads the result through pm_core (never only the page text). Each save must also confirm itself on the
run after the save (ui.flash / ui.show_flash: a success box and a toast naming what was saved).
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

from pm_core import okrs
from pm_core.text import md as md_escape
from pm_core.store import open_store
from tests.factories.okrs import build_workspace as build_okrs
from tests.factories.apptest import _read, _ok, _confirmed, _okrs_page, _widget, _click

HOSTILE = "Nomads <b>love</b> [it](javascript:x) *a lot*"  # user text that must show as typed
















# == OKRs ======================================================================================
def test_okrs_create_objective(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    build_okrs(db, objectives=1, krs_per=1)
    at = _okrs_page(run_page, db)
    form = at.get_by_key("okrs_new_obj")
    _widget(form, "text_input", "Objective").set_value(HOSTILE)
    _widget(form, "text_input", "Owner").set_value("Ana")
    _widget(form, "selectbox", "Pillar").set_value("growth")
    _widget(form, "text_area", "Why it matters (optional)").set_value("Long stays pay the bills.")
    _click(at, form, "Save objective")
    _ok(at)
    [new] = [o for o in _read(db, okrs.list_okrs, "2026-Q4") if o.title == HOSTILE]
    assert (new.owner, new.pillar) == ("Ana", "growth")
    assert _read(db, okrs.get_objective, new.id)["description"] == "Long stays pay the bills."
    _confirmed(at, f"Objective '{md_escape(HOSTILE)}' added to {md_escape('2026-Q4')}.")


def test_okrs_edit_objective(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    ids = build_okrs(db, objectives=2, krs_per=1)
    oid, other = ids["objectives"]
    at = _okrs_page(run_page, db)
    at.selectbox(key="okrs_edit_obj_pick").set_value(oid).run()
    form = at.get_by_key(f"okrs_edit_obj_{oid}")
    _widget(form, "text_input", "Objective").set_value("Own the long-stay market")
    _widget(form, "text_input", "Owner").set_value("Ben")
    _widget(form, "selectbox", "Parent objective (optional)").set_value(other)
    _click(at, form, "Save objective")
    _ok(at)
    got = _read(db, okrs.get_objective, oid)
    assert (got["title"], got["owner"], got["parent_id"], got["archived"]) == ("Own the long-stay market", "Ben", other, False)
    assert got["updated_by"] == "local user"
    _confirmed(at, f"Objective '{md_escape('Own the long-stay market')}' saved.")


def test_okrs_archive_objective_archives_its_key_results(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    ids = build_okrs(db, objectives=2, krs_per=2)
    oid = ids["objectives"][0]
    at = _okrs_page(run_page, db)
    at.selectbox(key="okrs_edit_obj_pick").set_value(oid).run()
    _click(at, at.get_by_key(f"okrs_edit_obj_{oid}"), "Archive objective")
    _ok(at)
    assert _read(db, okrs.get_objective, oid)["archived"] is True
    assert [_read(db, okrs.get_key_result, k)["archived"] for k in ids["krs"]] == [True, True, False, False]
    assert [o.id for o in _read(db, okrs.list_okrs, "2026-Q4")] == [ids["objectives"][1]]
    _confirmed(at, f"Objective '{md_escape('Objective 1: grow long stays')}' archived, with its key results.")


def test_okrs_create_key_result(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    ids = build_okrs(db, objectives=1, krs_per=1)
    at = _okrs_page(run_page, db)
    form = at.get_by_key("okrs_new_kr")
    _widget(form, "text_input", "Key result").set_value("Cut support tickets per booking")
    _widget(form, "selectbox", "Type").set_value("decrease_to")
    _widget(form, "number_input", "Baseline").set_value(12.0)
    _widget(form, "number_input", "Target").set_value(8.0)
    _widget(form, "number_input", "Weight").set_value(2.0)
    _widget(form, "text_input", "Owner (optional)").set_value("Cy")
    _widget(form, "date_input", "Due (optional)").set_value(dt.date(2026, 12, 15))
    _click(at, form, "Save key result")
    _ok(at)
    [o] = _read(db, okrs.list_okrs, "2026-Q4")
    [new] = [k for k in o.key_results if k.title == "Cut support tickets per booking"]
    stored = _read(db, okrs.get_key_result, new.id)
    assert {k: stored[k] for k in ("objective_id", "kr_type", "baseline", "target", "weight", "owner", "due_date")} == {
        "objective_id": ids["objectives"][0], "kr_type": "decrease_to", "baseline": 12.0, "target": 8.0, "weight": 2.0,
        "owner": "Cy", "due_date": dt.date(2026, 12, 15)}
    _confirmed(at, f"Key result 'Cut support tickets per booking' added to '{md_escape('Objective 1: grow long stays')}'.")


def test_okrs_edit_key_result_without_changes_saves(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    ids = build_okrs(db, objectives=1, krs_per=2)
    kid = ids["krs"][0]
    before = _read(db, okrs.get_key_result, kid)
    at = _okrs_page(run_page, db)
    at.selectbox(key="okrs_edit_kr_pick").set_value(kid).run()
    _click(at, at.get_by_key(f"okrs_edit_kr_{kid}"), "Save key result")
    _ok(at)
    after = _read(db, okrs.get_key_result, kid)
    assert after["updated_at"] is not None and after["updated_by"] == "local user"
    same = ("objective_id", "title", "kr_type", "baseline", "target", "unit", "weight", "link", "due_date", "owner")
    assert {k: after[k] for k in same} == {k: before[k] for k in same}
    assert len(_read(db, okrs.get_checkins, kid)) == 3  # a manual KR gains no check-in from an edit
    _confirmed(at, f"Key result '{md_escape(before['title'])}' saved.")


def test_okrs_edit_key_result_moves_it_to_another_objective(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    ids = build_okrs(db, objectives=2, krs_per=1)
    kid, target_obj = ids["krs"][0], ids["objectives"][1]
    at = _okrs_page(run_page, db)
    at.selectbox(key="okrs_edit_kr_pick").set_value(kid).run()
    form = at.get_by_key(f"okrs_edit_kr_{kid}")
    _widget(form, "selectbox", "Objective").set_value(target_obj)
    _widget(form, "text_input", "Key result").set_value("Moved KR")
    _widget(form, "number_input", "Target").set_value(250.0)
    _click(at, form, "Save key result")
    _ok(at)
    got = _read(db, okrs.get_key_result, kid)
    assert (got["objective_id"], got["title"], got["target"]) == (target_obj, "Moved KR", 250.0)
    by_obj = {o.id: [k.id for k in o.key_results] for o in _read(db, okrs.list_okrs, "2026-Q4")}
    assert by_obj == {ids["objectives"][0]: [], target_obj: [ids["krs"][1], kid]} or \
        sorted(by_obj[target_obj]) == sorted([ids["krs"][1], kid])
    _confirmed(at, "Key result 'Moved KR' saved.")


def test_okrs_edit_key_result_still_checks_the_period(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    ids = build_okrs(db, objectives=1, krs_per=1)
    kid = ids["krs"][0]
    before = _read(db, okrs.get_key_result, kid)
    at = _okrs_page(run_page, db)
    at.selectbox(key="okrs_edit_kr_pick").set_value(kid).run()
    form = at.get_by_key(f"okrs_edit_kr_{kid}")
    _widget(form, "text_input", "Key result").set_value("Due after the quarter")
    _widget(form, "date_input", "Due (optional)").set_value(dt.date(2027, 2, 1))
    _click(at, form, "Save key result")
    assert not at.exception
    assert any("outside the period 2026-Q4" in e.value for e in at.error), [e.value for e in at.error]
    assert _read(db, okrs.get_key_result, kid) == before  # nothing saved
    assert not at.toast


def test_okrs_archive_key_result(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    ids = build_okrs(db, objectives=1, krs_per=2)
    kid = ids["krs"][1]
    at = _okrs_page(run_page, db)
    at.selectbox(key="okrs_edit_kr_pick").set_value(kid).run()
    _click(at, at.get_by_key(f"okrs_edit_kr_{kid}"), "Archive key result")
    _ok(at)
    assert _read(db, okrs.get_key_result, kid)["archived"] is True
    assert [k.id for k in _read(db, okrs.list_okrs, "2026-Q4")[0].key_results] == [ids["krs"][0]]
    _confirmed(at, f"Key result '{md_escape(_read(db, okrs.get_key_result, kid)['title'])}' archived.")


def test_okrs_add_checkin(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    ids = build_okrs(db, objectives=1, krs_per=1)
    kid = ids["krs"][0]
    at = _okrs_page(run_page, db)
    at.selectbox(key="okrs_kr").set_value(kid).run()
    form = at.get_by_key(f"okrs_checkin_{kid}")
    _widget(form, "number_input", "Value").set_value(175.0)
    _widget(form, "slider", "Confidence (0-10)").set_value(9)
    _widget(form, "date_input", "Day it describes").set_value(dt.date(2026, 11, 20))
    _widget(form, "text_input", "Comment").set_value(HOSTILE)
    _click(at, form, "Save check-in")
    _ok(at)
    last = _read(db, okrs.get_checkins, kid)[-1]
    assert (last.value, last.confidence, last.as_of, last.comment, last.source) == (
        175.0, 9, dt.date(2026, 11, 20), HOSTILE, "manual")
    _confirmed(at, f"Check-in saved for '{md_escape('KR 1.1 <b>increase_to</b>')}': 175 on 20 Nov 2026.")


def test_okrs_edit_and_delete_a_checkin(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    ids = build_okrs(db, objectives=1, krs_per=1, checkins_per=2)
    kid = ids["krs"][0]
    first, newest = _read(db, okrs.get_checkins, kid)
    at = _okrs_page(run_page, db)
    at.selectbox(key="okrs_kr").set_value(kid).run()
    at.selectbox(key=f"okrs_ci_pick_{kid}").set_value(first.id).run()
    form = at.get_by_key(f"okrs_ci_edit_{first.id}")
    _widget(form, "number_input", "Value").set_value(142.0)
    _widget(form, "text_input", "Comment").set_value("corrected from the dashboard")
    _click(at, form, "Save changes")
    _ok(at)
    edited = next(c for c in _read(db, okrs.get_checkins, kid) if c.id == first.id)
    assert (edited.value, edited.comment, edited.edited_by) == (142.0, "corrected from the dashboard", "local user")
    _confirmed(at, f"Check-in of {first.as_of:%d %b %Y} updated for")
    at.selectbox(key=f"okrs_ci_pick_{kid}").set_value(newest.id).run()
    _click(at, at.get_by_key(f"okrs_ci_edit_{newest.id}"), "Delete check-in")
    _ok(at)
    assert [c.id for c in _read(db, okrs.get_checkins, kid)] == [first.id]
    _confirmed(at, f"Check-in of {newest.as_of:%d %b %Y} deleted from")


def test_okrs_add_custom_period(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    build_okrs(db, objectives=1, krs_per=1)
    at = _okrs_page(run_page, db)
    form = at.get_by_key("okrs_new_period")
    _widget(form, "text_input", "Name").set_value("Launch sprint")
    _widget(form, "date_input", "First day").set_value(dt.date(2026, 11, 2))
    _widget(form, "date_input", "Last day").set_value(dt.date(2026, 11, 29))
    _click(at, form, "Add period")
    _ok(at)
    per = _read(db, okrs.resolve_period, "Launch sprint")
    assert (per.start, per.end) == (dt.date(2026, 11, 2), dt.date(2026, 11, 30))
    assert "Launch sprint" in _read(db, okrs.okr_periods)
    _confirmed(at, "Period 'Launch sprint' added.")


# == Roadmap ===================================================================================
ROADMAP = "app_pages/roadmap.py"


def test_roadmap_create_initiative_with_links(run_page, tmp_path):
    from pm_core import roadmap as rm
    from tests.factories.roadmap import make_workspace

    db = tmp_path / "w.duckdb"
    okr_ids = build_okrs(db, objectives=1, krs_per=1)
    (dep,) = make_workspace(db, n=1)
    at = run_page(ROADMAP, "editor", db)
    form = at.get_by_key("rm_add_form")
    _widget(form, "text_input", "Title *").set_value(HOSTILE)
    _widget(form, "text_input", "Team").set_value("Search")
    _widget(form, "selectbox", "Pillar").set_value("discovery")
    _widget(form, "selectbox", "Status").set_value("planned")
    _widget(form, "text_area", "Problem statement").set_value("Nomads cannot trust listing WiFi")
    _widget(form, "date_input", "Start").set_value(dt.date(2026, 10, 1))
    _widget(form, "date_input", "End").set_value(dt.date(2026, 12, 20))
    _widget(form, "multiselect", "Key results it should move").set_value([okr_ids["krs"][0]])
    _widget(form, "multiselect", "KPIs that prove it").set_value(["retention"])
    _widget(form, "multiselect", "Depends on").set_value([dep])
    _click(at, form, "Add initiative")
    _ok(at)
    [new] = [v for v in _read(db, rm.list_initiatives) if v.title == HOSTILE]
    assert (new.team, new.pillar, new.status, new.problem) == ("Search", "discovery", "planned",
                                                               "Nomads cannot trust listing WiFi")
    assert (new.start_date, new.end_date) == (dt.date(2026, 10, 1), dt.date(2026, 12, 20))
    assert [k["id"] for k in new.key_results] == [okr_ids["krs"][0]]
    assert (new.kpis, new.dependencies) == (["retention"], [dep])
    assert at.selectbox(key="rm_initiative").value == new.id  # the page opens what was just added
    _confirmed(at, f"Initiative '{md_escape(HOSTILE)}' added to the roadmap.")


def test_roadmap_edit_initiative_scores_launch_and_prd(run_page, tmp_path):
    from pm_core import roadmap as rm
    from tests.factories.roadmap import make_workspace

    db = tmp_path / "w.duckdb"
    (iid,) = make_workspace(db, n=1)
    at = run_page(ROADMAP, "editor", db, query={"initiative": iid})
    form = at.get_by_key(f"rm_edit_{iid}_form")
    _widget(form, "text_input", "Title *").set_value("Verified WiFi filter")
    _widget(form, "selectbox", "Status").set_value("launched")
    _widget(form, "date_input", "Launch date").set_value(dt.date(2026, 9, 1))
    _widget(form, "number_input", "Reach (users/quarter)").set_value(2000.0)
    _widget(form, "selectbox", "Impact (RICE)").set_value(2.0)
    _widget(form, "number_input", "Confidence (%)").set_value(80.0)
    _widget(form, "number_input", "Effort (person-months)").set_value(4.0)
    _widget(form, "number_input", "Value (1-10)").set_value(7.0)
    _widget(form, "number_input", "ICE impact (1-10)").set_value(6.0)
    _widget(form, "number_input", "ICE confidence (1-10)").set_value(5.0)
    _widget(form, "number_input", "ICE ease (1-10)").set_value(4.0)
    _widget(form, "text_area", "Hypothesis").set_value("If nomads can filter by verified WiFi, they book longer stays")
    _widget(form, "text_area", "Out of scope").set_value("Coworking spaces")
    _click(at, form, "Save initiative")
    _ok(at)
    v = _read(db, rm.get_initiative, iid)
    assert (v.title, v.status, v.launch_date) == ("Verified WiFi filter", "launched", dt.date(2026, 9, 1))
    assert (v.reach, v.impact, v.confidence, v.effort, v.value) == (2000.0, 2.0, 80.0, 4.0, 7.0)
    assert v.scores["rice"] == pytest.approx(2000 * 2 * 0.8 / 4)
    assert v.scores["ice"] == pytest.approx(6 * 5 * 4)
    assert v.scores["value_effort"] == pytest.approx(7 / 4)
    prd = _read(db, rm.prd_markdown, iid)
    assert "they book longer stays" in prd and "Coworking spaces" in prd
    assert _read(db, rm.outcome_check, iid)["launch_date"] == dt.date(2026, 9, 1)
    _confirmed(at, "Initiative 'Verified WiFi filter' saved.")


def test_roadmap_archive_initiative(run_page, tmp_path):
    from pm_core import roadmap as rm
    from tests.factories.roadmap import make_workspace

    db = tmp_path / "w.duckdb"
    keep, gone = make_workspace(db, n=2)
    at = run_page(ROADMAP, "editor", db, query={"initiative": gone})
    at.button(key=f"rm_archive_{gone}").click().run()
    _ok(at)
    assert [v.id for v in _read(db, rm.list_initiatives)] == [keep]
    with pytest.raises(rm.RoadmapError, match="archived"):
        _read(db, rm.get_initiative, gone)
    _confirmed(at, "Initiative 'Initiative 001' archived; it no longer shows on the roadmap.")


def test_roadmap_save_raci(run_page, tmp_path):
    from pm_core import roadmap as rm
    from tests.factories.roadmap import make_workspace

    db = tmp_path / "w.duckdb"
    (iid,) = make_workspace(db, n=1)
    at = run_page(ROADMAP, "editor", db, query={"initiative": iid})
    at.text_input(key=f"rm_raci_people_{iid}").set_value("Ana, Ben").run()
    at.session_state[f"rm_raci_editor_{iid}"] = {
        "edited_rows": {0: {"Task": "Ship the filter", "Ana": "A", "Ben": "R"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key=f"rm_raci_save_{iid}").click().run()
    _ok(at)
    assert _read(db, rm.get_raci, iid).to_dict(orient="list") == {"Task": ["Ship the filter"], "Ana": ["A"], "Ben": ["R"]}
    _confirmed(at, "RACI of 'Initiative 000' saved.")


# == Stakeholder views =========================================================================
AUDIENCES = "app_pages/audiences.py"


@pytest.fixture(scope="module")
def _audiences_template(tmp_path_factory):
    from tests.factories.audiences import build_workspace

    path = tmp_path_factory.mktemp("save_paths_aud") / "w.duckdb"
    s = open_store(path)
    try:
        ids = build_workspace(s)["initiatives"]
    finally:
        s.close()
    return path, ids


@pytest.fixture
def aud_db(_audiences_template, tmp_path):
    import shutil

    template, ids = _audiences_template
    path = tmp_path / "aud.duckdb"
    shutil.copy(template, path)
    return path, ids


def test_audiences_save_a_customised_view(run_page, aud_db):
    from pm_core import audiences as A

    db, _ = aud_db
    at = run_page(AUDIENCES, "editor", db, query={"audience": "support", "period": "2026-Q3"})
    form = at.get_by_key("aud_form_support")
    _widget(form, "text_input", "Name").set_value("Support desk")
    _widget(form, "text_input", "The question this view answers").set_value("What broke this week?")
    _widget(form, "text_area", "What they look for (one per line)").set_value("open bugs\nCSAT")
    _widget(form, "multiselect", "Metrics").set_value(["csat", "nps"])
    _widget(form, "number_input", "Rows per roadmap or table section").set_value(7)
    _click(at, form, "Save this view")
    _ok(at)
    got = _read(db, A.get_audience, "support")
    assert (got.name, got.title, got.cares_about, got.metrics, got.max_items) == (
        "Support desk", "What broke this week?", ["open bugs", "CSAT"], ["csat", "nps"], 7)
    assert _read(db, A.is_customised, "support")
    _confirmed(at, "Saved the Support desk view.")


def test_audiences_reset_a_customised_view(run_page, aud_db):
    from pm_core import audiences as A
    from tests.conftest import EDITOR

    db, _ = aud_db
    s = open_store(db)
    try:
        A.save_audience(s, EDITOR, {**A.DEFAULT_AUDIENCES["engineering"].model_dump(), "name": "Platform team"})
    finally:
        s.close()
    at = run_page(AUDIENCES, "editor", db, query={"audience": "engineering", "period": "2026-Q3"})
    at.button(key="aud_reset_engineering").click().run()
    _ok(at)
    assert not _read(db, A.is_customised, "engineering")
    assert _read(db, A.get_audience, "engineering").name == "Engineering"
    _confirmed(at, "Reset the Engineering view to the cheatsheet default.")


def test_audiences_save_a_battle_card(run_page, aud_db):
    from pm_core import audiences as A

    db, ids = aud_db
    iid = ids["workspace"]
    at = run_page(AUDIENCES, "editor", db, query={"audience": "sales", "period": "all"})
    at.selectbox(key="bc_initiative").set_value(iid).run()
    form = at.get_by_key(f"bc_form_{iid}")
    _widget(form, "text_area", "Value proposition").set_value(HOSTILE)
    _widget(form, "text_area", "Who it is for").set_value("Nomads who work from the flat")
    _widget(form, "text_area", "Why us (differentiation)").set_value("Checked desks and chairs")
    _widget(form, "text_area", "Other proof points (one per line)").set_value("Hosts opt in\n40 cities")
    at.session_state[f"bc_obj_{iid}"] = {"edited_rows": {}, "deleted_rows": [],
                                         "added_rows": [{"objection": "Too pricey", "answer": "Same price per night"}]}
    _click(at, form, "Save battle card")
    _ok(at)
    card = _read(db, A.get_battle_card, iid)
    assert (card.value_proposition, card.for_whom, card.differentiation, card.proof_notes) == (
        HOSTILE, "Nomads who work from the flat", "Checked desks and chairs", ["Hosts opt in", "40 cities"])
    assert [(o.objection, o.answer) for o in card.objections] == [("Too pricey", "Same price per night")]
    _confirmed(at, "Saved battle card for Dedicated workspace listings.")


def test_audiences_save_debrief_notes(run_page, aud_db):
    from pm_core import audiences as A
    from tests.factories.audiences import FORMULA

    db, ids = aud_db
    iid = ids["wifi"]
    at = run_page(AUDIENCES, "editor", db, query={"audience": "engineering", "period": "2026-Q3"})
    at.selectbox(key="db_initiative").set_value(iid).run()
    form = at.get_by_key(f"db_form_{iid}")
    _widget(form, "text_area", "What went well (one per line)").set_value("Shipped on the date\nNo incidents")
    _widget(form, "text_area", "What to improve (one per line)").set_value("Start the Jira epic earlier")
    _click(at, form, "Save debrief notes")
    _ok(at)
    notes = _read(db, A.get_debrief_notes, iid)
    assert (notes.went_well, notes.to_improve) == (["Shipped on the date", "No incidents"], ["Start the Jira epic earlier"])
    _confirmed(at, f"Saved debrief notes for {md_escape(FORMULA)}.")


# == Career & pay ==============================================================================
CAREER = "app_pages/career.py"


def _edit_table(at, key: str, edited_rows: dict | None = None, added_rows: list | None = None) -> None:
    """Stage cell edits on a data editor the way the browser sends them (AppTest cannot type into cells)."""
    at.session_state[key] = {"edited_rows": edited_rows or {}, "added_rows": added_rows or [], "deleted_rows": []}
    at.run()


def test_career_save_ladder(run_page, tmp_path):
    from pm_core import career

    db = tmp_path / "w.duckdb"
    open_store(db).close()
    at = run_page(CAREER, "editor", db)
    _edit_table(at, "edit_ladder", {0: {"note": HOSTILE, "band_low": 99000.0}})
    at.button(key="save_ladder").click().run()
    _ok(at)
    stored = _read(db, career.ladder)
    assert (stored[0].note, stored[0].band_low) == (HOSTILE, 99000.0)
    assert [lv.id for lv in stored] == [lv.id for lv in career.default_ladder()]
    _confirmed(at, f"Ladder saved: {len(stored)} levels.")


def test_career_save_level_map(run_page, tmp_path):
    from pm_core import career

    db = tmp_path / "w.duckdb"
    open_store(db).close()
    at = run_page(CAREER, "editor", db)
    before = len(_read(db, career.level_map))
    _edit_table(at, "edit_map", added_rows=[{"company": "Wise", "company_level": "P3", "ladder_level": "pm",
                                              "note": "from the offer letter"}])
    at.button(key="save_map").click().run()
    _ok(at)
    stored = _read(db, career.level_map)
    assert len(stored) == before + 1
    assert stored[stored["company"] == "Wise"][["company_level", "ladder_level", "note"]].values.tolist() == [
        ["P3", "pm", "from the offer letter"]]
    _confirmed(at, f"Level map saved ({before + 1} rows)")


def test_career_save_reference_points(run_page, tmp_path):
    from pm_core import career

    db = tmp_path / "w.duckdb"
    open_store(db).close()
    at = run_page(CAREER, "editor", db)
    points = _read(db, career.reference_points)
    _edit_table(at, "edit_points", {0: {"amount": 123456.0, "note": "checked in 2026"}})
    at.button(key="save_points").click().run()
    _ok(at)
    stored = {p.id: p for p in _read(db, career.reference_points)}
    assert set(stored) == {p.id for p in points}
    assert (stored[points[0].id].amount, stored[points[0].id].note) == (123456.0, "checked in 2026")
    assert all(stored[p.id] == p for p in points[1:])
    _confirmed(at, f"Reference points saved: {len(points)} points.")


# == Settings ==================================================================================
def test_settings_save(run_page, tmp_path):
    from pm_core.settings import get_settings

    db = tmp_path / "w.duckdb"
    at = run_page("app_pages/settings.py", "editor", db)
    at.text_input(key="setting_feature_event").set_value("workspace_filter_used")
    at.text_input(key="setting_experiment_split").set_value("60, 40")
    at.number_input(key="setting_salary_min_group").set_value(3)
    _click(at, at.get_by_key("settings_form"), "Save settings")
    _ok(at)
    got = _read(db, get_settings)
    assert (got["feature_event"], got["experiment_split"], got["salary_min_group"]) == (
        "workspace_filter_used", [60.0, 40.0], 3)
    assert got["gross_margin"] == 0.7  # untouched settings keep their values
    _confirmed(at, "Settings saved (feature event, experiment split, salary min group).")


# == Data ======================================================================================
DATA = "app_pages/data.py"
EVENTS_CSV = b"user_id,event,timestamp\na,search,2026-06-01\nb,booking_completed,2026-06-02\nc,search,not a date\n"


def test_data_import_confirm(run_page, tmp_path):
    from pm_core.ingest import list_imports

    db = tmp_path / "w.duckdb"
    at = run_page(DATA, "editor", db)
    at.file_uploader[0].set_value(("june events.csv", EVENTS_CSV, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception][:1]
    [go] = [b for b in at.button if b.label.startswith("Import ")]
    assert go.label == "Import 2 rows"
    go.click().run()
    assert not at.exception, [e.value for e in at.exception][:1]
    [imp] = _read(db, list_imports)
    assert (imp["file_name"], imp["kind"], imp["rows_read"], imp["rows_imported"], imp["rows_rejected"]) == (
        "june events.csv", "events", 3, 2, 1)
    assert _read(db, lambda s: s.table_counts()["events"]) == 2
    done = [s.value for s in at.success]
    assert any("Imported 2 of 3 rows" in v and (imp["id"] in v or md_escape(imp["id"]) in v) for v in done), done


def test_data_delete_an_import_keeps_the_others(run_page, tmp_path, monkeypatch):
    import pm_core.ingest.after
    from pm_core.ingest import import_file, list_imports
    from tests.conftest import EDITOR

    monkeypatch.setattr(pm_core.ingest.after, "after_import", lambda *a: [])
    db = tmp_path / "w.duckdb"
    s = open_store(db)
    try:
        for name, body in (("june.csv", EVENTS_CSV), ("july.csv", b"user_id,event,timestamp\nd,search,2026-07-01\n")):
            (tmp_path / name).write_bytes(body)
            import_file(s, EDITOR, tmp_path / name)
        june, july = sorted(list_imports(s), key=lambda r: r["file_name"], reverse=True)
    finally:
        s.close()
    at = run_page(DATA, "editor", db)
    at.selectbox(key="hist_pick").set_value(june["id"]).run()
    at.checkbox(key=f"sure_{june['id']}").check().run()
    at.button(key=f"del_{june['id']}").click().run()
    assert not at.exception, [e.value for e in at.exception][:1]
    assert [r["id"] for r in _read(db, list_imports)] == [july["id"]]
    assert _read(db, lambda s: s.table_counts()["events"]) == 1
    toasts = [t.value for t in at.toast]
    assert any("Deleted import" in v and (june["id"] in v or md_escape(june["id"]) in v) for v in toasts), toasts


# == Viewers ===================================================================================
# Controls that only change what this viewer sees (and the link), never the workspace: the typed segment
# filter (pillars_ui.segment_filter) and the Growth funnel's step-order arrows. Named by key, so any other
# button or text box still counts.
_VIEW_ONLY_KEYS = re.compile(r"^(\w+_segtext|growth_funnel_(up|down)_\d+)$")


def _write_controls(at) -> list[str]:
    """Every control that could change the workspace: forms, data editors, uploads, buttons, free-text inputs."""
    found = [f"form {f.key}" for f in at.get("form")]
    found += [f"data editor {d.key}" for d in at.get("data_editor")]
    found += ["file uploader" for _ in at.get("file_uploader")]
    found += [f"button {b.label!r}" for b in at.button
              if b.label != "Sign in" and not _VIEW_ONLY_KEYS.match(b.key or "")]
    found += [f"text area {t.label!r}" for t in at.text_area]
    found += [f"text input {t.label!r}" for t in at.text_input if not _VIEW_ONLY_KEYS.match(t.key or "")]
    return found


def _demo_ids(db) -> dict:
    from pm_core import roadmap as rm

    s = open_store(db)
    try:
        objectives = okrs.list_okrs(s, okrs.default_period(s, dt.date.today()), dt.date.today())
        return {"kr": next(k.id for o in objectives for k in o.key_results),
                "initiative": next(v.id for v in rm.list_initiatives(s) if v.title == "Verified WiFi filter")}
    finally:
        s.close()


# (page, URL parameters that open the parts where editors get forms, whether editors get write controls there)
VIEWER_PAGES = [
    ("app_pages/overview.py", {}, False),
    ("app_pages/growth.py", {}, False),
    ("app_pages/experiments.py", {}, False),
    ("app_pages/okrs.py", {"kr": "{kr}"}, True),
    ("app_pages/roadmap.py", {"initiative": "{initiative}"}, True),
    ("app_pages/audiences.py", {"audience": "sales", "period": "all"}, True),
    ("app_pages/audiences.py", {"audience": "engineering", "period": "all"}, True),
    ("app_pages/present.py", {}, False),
    ("app_pages/career.py", {}, True),
    ("app_pages/settings.py", {}, True),
    ("app_pages/data.py", {}, True),
]


@pytest.mark.parametrize("page,query,editable", VIEWER_PAGES,
                         ids=[f"{p.split('/')[-1][:-3]}{'-' + q['audience'] if 'audience' in q else ''}"
                              for p, q, _ in VIEWER_PAGES])
def test_viewer_sees_no_write_controls(run_page, demo_db_path, page, query, editable):
    ids = _demo_ids(demo_db_path)
    query = {k: v.format(**ids) for k, v in query.items()}
    if editable:  # the oracle can fail: an editor on the same view gets write controls
        at = run_page(page, "editor", demo_db_path, query=query)
        assert not at.exception, [e.value for e in at.exception][:1]
        assert _write_controls(at), f"no write controls found for an editor on {page}"
    try:
        at = run_page(page, "viewer", demo_db_path, query=query)
    except Exception as exc:  # the Data page is not in a viewer's navigation at all
        assert page == DATA and "data.py" in str(exc), exc
        return
    assert not at.exception, [e.value for e in at.exception][:1]
    if "kr" in query:  # the drill-down (where editors add check-ins) is open
        assert at.selectbox(key="okrs_kr").value == query["kr"]
    if "initiative" in query:  # the initiative detail (where editors get the Edit tab and RACI editor) is open
        assert at.selectbox(key="rm_initiative").value == query["initiative"]
    assert _write_controls(at) == []
