"""The Roadmap page in AppTest: editor and viewer, 0 / 1 / 300 initiatives, URL state round trip, RACI editing."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from pm_core import roadmap as rm
from pm_core.auth import CLI_ACTOR
from pm_core.store import open_store
from pm_core.text import md
from tests.conftest import SAMPLE_DATA
from tests.factories.roadmap import make_workspace

PAGE = "app_pages/roadmap.py"




def _texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
                     + [w.value for w in at.warning] + [e.value for e in at.error])


def _write_widgets(at) -> list:
    """Widgets a viewer must never get: forms' submit buttons, data editors, write buttons."""
    found = []
    found += [b for b in at.button if b.label not in ("Sign in",)]
    found += list(at.get("data_editor")) if hasattr(at, "get") else []
    found += [t for t in at.text_area]
    return found


@pytest.mark.parametrize("role", ["editor", "viewer"])
@pytest.mark.parametrize("n", [0, 1, 300])
def test_page_renders(run_page, tmp_path, role, n):
    db = tmp_path / "w.duckdb"
    make_workspace(db, n)
    at = run_page(PAGE, role, db)
    assert not at.exception, at.exception
    text = _texts(at)
    if n == 0:
        assert "No initiatives yet" in text
    else:
        assert len(at.get("vega_lite_chart")) == 1  # the timeline
    if role == "viewer":
        assert not _write_widgets(at)
        assert not at.get("form")
    else:
        assert any(e.label == "Add an initiative" for e in at.expander)


def test_viewer_sees_detail_but_no_write_controls(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    make_workspace(db, demo=True)
    s = open_store(db)
    wifi = next(v for v in rm.list_initiatives(s) if v.title == "Verified WiFi filter")
    s.close()
    at = run_page(PAGE, "viewer", db, query={"initiative": wifi.id, "view": "board"})
    assert not at.exception, at.exception
    text = _texts(at)
    assert "## Problem statement & hypothesis" in text and "## Out of scope" in text
    assert "Now (1)" in text and "Shipped (2)" in text
    assert not _write_widgets(at) and not at.get("form")
    assert len(at.dataframe) >= 1  # the RACI as a read-only table
    downloads = at.get("download_button")
    assert len(downloads) >= 2  # PRD and RACI downloads are open to viewers


def test_url_state_round_trip(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    make_workspace(db, demo=True)
    query = {"view": "priorities", "team": "Supply", "status": "in_progress", "w_reach": "3", "n": "1"}
    at = run_page(PAGE, "viewer", db, query=query)
    assert not at.exception, at.exception
    assert at.selectbox(key="rm_team").value == "Supply"
    assert at.selectbox(key="rm_status").value == "in_progress"
    assert at.slider(key="rm_w_reach").value == 3.0
    assert at.number_input(key="rm_n").value == 1
    # only the one in-progress Supply initiative is listed
    (table,) = [d for d in at.dataframe if "Initiative" in d.value.columns]
    assert table.value["Initiative"].tolist() == ["Dedicated workspace listings"]
    for k, v in query.items():
        assert at.query_params[k] == [v] or at.query_params[k] == v
    # changing a filter writes it back to the URL
    at.selectbox(key="rm_team").set_value("Content").run()
    at.selectbox(key="rm_status").set_value("").run()
    assert not at.exception
    qp = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert qp["team"] == "Content" and "status" not in qp and qp["view"] == "priorities"


def test_bad_url_values_fall_back_with_a_notice(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    make_workspace(db, n=1)
    at = run_page(PAGE, "viewer", db, query={"view": "gantt", "w_effort": "99", "initiative": "ini_nope"})
    assert not at.exception
    warn = " ".join(w.value for w in at.warning)
    assert "view 'gantt'" in warn and "weight effort" in warn and f"initiative '{md('ini_nope')}'" in warn  # escaped Markdown


def test_editor_sees_raci_violations_inline_and_cannot_save_them(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    (iid,) = make_workspace(db, n=1)
    s = open_store(db)
    try:
        rm.set_raci(s, CLI_ACTOR, iid, [{"task": "Launch", "person": "Ana", "role": "A"},
                                        {"task": "Launch", "person": "Ben", "role": "R"}])
    finally:
        s.close()
    at = run_page(PAGE, "editor", db, query={"initiative": iid})
    assert not at.exception, at.exception
    assert at.text_input(key=f"rm_raci_people_{iid}").value == "Ana, Ben"
    assert not [e for e in at.error if "Task 'Launch'" in e.value]
    assert at.button(key=f"rm_raci_save_{iid}").disabled is False
    # dropping the only Accountable from the matrix shows the violation inline and blocks saving
    at.text_input(key=f"rm_raci_people_{iid}").set_value("Ben").run()
    assert not at.exception, at.exception
    assert any(md("Task 'Launch' has no Accountable (A)") in e.value for e in at.error)
    assert at.button(key=f"rm_raci_save_{iid}").disabled is True
    at.text_input(key=f"rm_raci_people_{iid}").set_value("Ana, Ben, Cy").run()
    at.button(key=f"rm_raci_save_{iid}").click().run()
    assert not at.exception, at.exception
    assert any("RACI of 'Initiative 000' saved" in m.value for m in at.success)
    s = open_store(db)
    try:
        # a person with no role on any task is not part of the RACI, so only Ana and Ben are stored
        assert rm.get_raci(s, iid).to_dict(orient="list") == {"Task": ["Launch"], "Ana": ["A"], "Ben": ["R"]}
    finally:
        s.close()


def test_editor_adds_an_initiative_through_the_form(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    make_workspace(db)
    at = run_page(PAGE, "editor", db)
    form_inputs = [t for t in at.text_input if t.label == "Title *"]
    form_inputs[0].set_value("Verified WiFi filter")
    submit = [b for b in at.button if b.label == "Add initiative"]
    submit[0].click().run()
    assert not at.exception, at.exception
    s = open_store(db)
    try:
        assert [v.title for v in rm.list_initiatives(s)] == ["Verified WiFi filter"]
    finally:
        s.close()


def test_form_errors_are_shown_in_words(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    make_workspace(db)
    at = run_page(PAGE, "editor", db)
    [t for t in at.text_input if t.label == "Title *"][0].set_value("Inverted")
    at.date_input[0].set_value(dt.date(2026, 9, 1))
    at.date_input[1].set_value(dt.date(2026, 8, 1))
    [b for b in at.button if b.label == "Add initiative"][0].click().run()
    assert not at.exception, at.exception
    assert any("end date 2026-08-01 is before start date 2026-09-01" in e.value for e in at.error)
    s = open_store(db)
    try:
        assert rm.list_initiatives(s) == []
    finally:
        s.close()


def test_demo_json_is_valid():
    spec = json.loads((SAMPLE_DATA / "roadmap.json").read_text())
    assert {i["title"] for i in spec["initiatives"]} >= {
        "Verified WiFi filter", "Monthly stay pricing", "Dedicated workspace listings", "Nomad community guides",
        "Visa & tax info hub", "Long-stay host onboarding"}


def test_demo_filtered_timeline_link_opens_the_same_view_for_a_viewer(run_page, demo_db_path):
    s = open_store(demo_db_path)
    wifi = next(v for v in rm.list_initiatives(s) if v.title == "Verified WiFi filter")
    s.close()
    query = {"pillar": "discovery", "lane": "pillar", "scale": "quarter", "colour": "pillar", "initiative": wifi.id}
    at = run_page(PAGE, "viewer", demo_db_path, query=query)
    assert not at.exception, at.exception
    assert at.selectbox(key="rm_pillar").value == "discovery"
    assert at.selectbox(key="rm_initiative").value == wifi.id
    assert len(at.get("vega_lite_chart")) == 1
    text = _texts(at)
    assert "Increase bookings over 28 days by 15% in Q3" in text  # PRD success metrics with the KR
    labels = [m.label for m in at.metric]
    assert "Feature adoption" in labels and "Jira delivery" in labels  # outcome check and delivery
    assert not _write_widgets(at) and not at.get("form")
    qp = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert {k: qp.get(k) for k in query} == query
