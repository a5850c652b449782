"""AppTest of the Discovery page for an editor and a viewer on the demo workspace; every form's save (tags, node
edit, add child, attach evidence, delete, outcome, theme to opportunity) is read back from the workspace file through
pm_core.discovery and the audit log, and the figures shown are recounted here from the stored highlights with plain Python."""
from __future__ import annotations

import pytest

from pm_core import audit, discovery
from tests.conftest import EDITOR
from tests.factories.apptest import _confirmed, _ok, _read

PAGE = "app_pages/discovery.py"


def _tree(db):
    return _read(db, lambda s: {n.title: n for n in discovery.flatten(discovery.tree(s))})


def _audit(db, object_type):
    return _read(db, audit.list_audit, EDITOR, object_type=object_type)


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_page_renders_tree_counts_and_gaps(run_page, demo_db_path, role):
    at = run_page(PAGE, role, demo_db_path)
    _ok(at)
    assert at.title[0].value == "Discovery"
    highlights = _read(demo_db_path, discovery.list_highlights)
    interviews = {" ".join(str(h["interview"]).split()).casefold() for h in highlights}
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Interviews"] == str(len(interviews)) == "6"
    assert metrics["Highlights"] == str(len(highlights))
    assert len(at.get("graphviz_chart")) == 1
    gaps = _read(demo_db_path, lambda s: discovery.gap_list(discovery.tree(s)))
    assert metrics["Gaps"] == str(len(gaps)) and gaps
    forms = [b.label for b in at.button] + [getattr(b, "label", "") for b in at.get("form_submit_button")]
    has_writes = any(label in ("Save node", "Add outcome", "Delete") for label in forms)
    assert has_writes == (role == "editor")
    assert at.query_params["view"] == "tree" and at.query_params["node"]


def test_deep_link_opens_node_and_view(run_page, demo_db_path):
    nodes = _tree(demo_db_path)
    target = nodes["Long stays feel punished on price"]
    at = run_page(PAGE, "viewer", demo_db_path, query={"view": "tree", "node": target.id})
    _ok(at)
    assert at.selectbox(key="dv_node").value == target.id
    assert any(s.value == "Long stays feel punished on price" for s in at.subheader)
    at = run_page(PAGE, "viewer", demo_db_path, query={"view": "nonsense"})
    assert any("does not exist here" in w.value for w in at.warning)


@pytest.mark.parametrize("view", ["list", "evidence", "themes", "guide"])
def test_other_views_render_for_viewers_without_write_controls(run_page, demo_db_path, view):
    at = run_page(PAGE, "viewer", demo_db_path, query={"view": view})
    _ok(at)
    assert not [b for b in at.button if b.label in ("Save tags", "Create opportunity from this theme")]
    assert not at.get("data_editor") if view == "evidence" else True


def test_editor_saves_tags(run_page, demo_db_path):
    at = run_page(PAGE, "editor", demo_db_path, query={"view": "evidence"})
    _ok(at)
    hs = _read(demo_db_path, discovery.list_highlights)
    untagged = next(h for h in hs if not h.get("tag"))
    # the data editor's rows follow the listed highlights; set the untagged one's Tag cell
    row = [int(h["id"]) for h in hs].index(int(untagged["id"]))
    at.session_state["dv_tags"] = {"edited_rows": {row: {"Tag": "Pain point"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    [save] = [b for b in at.button if b.label == "Save tags"]
    at = save.click().run()
    _ok(at)
    _confirmed(at, "Tags saved: 1 highlight changed.")
    after = {int(h["id"]): h for h in _read(demo_db_path, discovery.list_highlights)}
    assert after[int(untagged["id"])]["tag"] == "pain_point"
    assert _audit(demo_db_path, "highlight")[0]["summary"] == "tag: — → Pain point"


def test_editor_edits_adds_attaches_and_deletes(run_page, demo_db_path):
    nodes = _tree(demo_db_path)
    opp = nodes["Cancelling a two-month stay is risky"]
    at = run_page(PAGE, "editor", demo_db_path, query={"node": opp.id})
    _ok(at)
    # edit the node
    form = at.get("form")
    edit = next(f for f in form if f.proto.form.form_id == f"dv_edit_{opp.id}")
    edit.text_input[0].set_value("Cancelling a long stay is risky")
    at = edit.button[0].click().run() if edit.button else at
    _ok(at)
    _confirmed(at, "Saved Cancelling a long stay is risky.")
    nodes = _tree(demo_db_path)
    assert "Cancelling a long stay is risky" in nodes
    # add a solution under it
    at.text_input(key=f"dv_add_title_{opp.id}").set_value("Flexible monthly cancellation")
    add = next(f for f in at.get("form") if f.proto.form.form_id == f"dv_add_{opp.id}")
    add.selectbox[0].set_value("solution")
    at = add.button[0].click().run()
    _ok(at)
    nodes = _tree(demo_db_path)
    sol = nodes["Flexible monthly cancellation"]
    assert sol.parent_id == opp.id and sol.kind == "solution" and "no assumption test" in sol.gaps
    # attach the Lena cancellation highlight as evidence
    hs = _read(demo_db_path, discovery.list_highlights)
    cancel = next(h for h in hs if "cancellation rules" in h["text"])
    at = run_page(PAGE, "editor", demo_db_path, query={"node": opp.id})
    attach = next(f for f in at.get("form") if f.proto.form.form_id == f"dv_attach_{opp.id}")
    attach.multiselect[0].set_value([int(cancel["id"])])
    at = attach.button[0].click().run()
    _ok(at)
    _confirmed(at, "Evidence saved: 1 highlight attached.")
    ev = _read(demo_db_path, discovery.evidence_of, opp.id)
    assert ev["highlights"] == 1 and ev["interviews"] == 1 and ev["segments"] == [("Remote families", 1)]
    assert "no interview evidence" not in _tree(demo_db_path)["Cancelling a long stay is risky"].gaps
    # delete the opportunity with the solution under it
    at.checkbox(key=f"dv_del_ok_{opp.id}").check().run()
    at = at.button(key=f"dv_del_{opp.id}").click().run()
    _ok(at)
    nodes = _tree(demo_db_path)
    assert "Cancelling a long stay is risky" not in nodes and "Flexible monthly cancellation" not in nodes
    assert _audit(demo_db_path, "tree_node")[0]["summary"] == "Opportunity removed with 1 node under it"


def test_editor_adds_outcome_linked_to_a_kpi(run_page, demo_db_path):
    at = run_page(PAGE, "editor", demo_db_path)
    add = next(f for f in at.get("form") if f.proto.form.form_id == "dv_add_outcome")
    add.text_input[0].set_value("More nomads pay for monthly stays")
    at.selectbox(key="dv_outcome_link").set_value("kpi|retention")
    at = add.button[0].click().run()
    _ok(at)
    node = _tree(demo_db_path)["More nomads pay for monthly stays"]
    assert node.kind == "outcome" and node.link_kind == "kpi" and node.link_target == "retention" and not node.gaps
    assert at.query_params["node"] == node.id


def test_editor_turns_a_theme_into_an_opportunity(run_page, demo_db_path):
    at = run_page(PAGE, "editor", demo_db_path, query={"view": "themes"})
    _ok(at)
    themes = _read(demo_db_path, discovery.themes)
    assert themes
    form = next(f for f in at.get("form") if f.proto.form.form_id == "dv_theme_0")
    at.text_input(key="dv_theme_title_0").set_value("Theme made opportunity")
    at = form.button[0].click().run()
    _ok(at)
    node = _tree(demo_db_path)["Theme made opportunity"]
    assert node.evidence["highlights"] == len(themes[0]["highlight_ids"])


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_empty_workspace_says_what_to_import(run_page, tmp_path, role):
    from pm_core.store import open_store

    db = tmp_path / "empty.duckdb"
    open_store(db).close()
    at = run_page(PAGE, role, db)
    _ok(at)
    info = " ".join(i.value for i in at.info)
    assert "No interview evidence yet." in info and "Markdown or text files" in info and "highlights CSV/XLSX" in info
    assert ("Import it on the **Data** page." in info) == (role == "editor")
    assert not at.get("graphviz_chart")
    assert any(b.label == "Add outcome" for b in at.button) == (role == "editor")
