"""Discovery (issue 19), checked against notes and highlight files built here with their expected passages written out
by hand, and evidence counts recomputed with plain pandas from the stored highlights: every import format (Markdown,
TXT, ZIP, CSV, XLSX) and the bad files (empty notes, broken front matter, bad dates, huge transcripts, mixed ZIPs),
tree rules, links to KRs, initiatives and experiments and what their removal leaves, DOT escaping, themes that never
write, the CLI and the viewer refusals."""
from __future__ import annotations

import json
import random
import zipfile

import pandas as pd
import pytest

from pm_core import audit, discovery, roadmap
from pm_core.auth import PermissionDenied
from pm_core.formats.interview_notes import MAX_NOTE_CHARS
from pm_core.ingest import ImportRefused, delete_import, import_file, list_imports
from pm_core.store import open_store
from tests.conftest import EDITOR, VIEWER
from tests.factories import run_cli

NOTE = """---
participant: Maria Lopez
segment: Digital nomads
date: 2026-05-12
interviewer: Sam
---
# Booking a month in Lisbon

Q: How do you book long stays?

I book a month at a time but the wifi is never what the listing says.
It ruins my first week of work.

- Pain: I never know if the wifi is fast enough for video calls.
- Workaround: I message every host to ask for a speed test screenshot.
- JTBD: When I move city I want to work from day one, so I keep my clients.
- ok thanks

> "I just want to know I can take my client calls from day one."
"""
# what NOTE must become, written out by hand: (line, text, tag)
NOTE_PASSAGES = [
    (11, "I book a month at a time but the wifi is never what the listing says. It ruins my first week of work.", None),
    (14, "I never know if the wifi is fast enough for video calls.", "pain_point"),
    (15, "I message every host to ask for a speed test screenshot.", "workaround"),
    (16, "When I move city I want to work from day one, so I keep my clients.", "job"),
    (19, "I just want to know I can take my client calls from day one.", "quote"),
]


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "w.duckdb")
    yield s
    s.close()


def _rows(store):
    return pd.DataFrame(discovery.list_highlights(store))


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# -- import formats --------------------------------------------------------------------------------
def test_markdown_note_becomes_its_passages(store, tmp_path):
    res = import_file(store, EDITOR, _write(tmp_path / "maria.md", NOTE))
    assert (res.kind, res.source, res.rows_imported, res.rows_rejected) == ("interviews", "notes", 5, 0)
    df = _rows(store).sort_values("line")
    got = [(int(r.line), r.text, r.tag if isinstance(r.tag, str) else None) for r in df.itertuples()]
    assert got == NOTE_PASSAGES
    assert set(df["participant"]) == {"Maria Lopez"} and set(df["segment"]) == {"Digital nomads"}
    assert set(df["interviewer"]) == {"Sam"} and {str(d)[:10] for d in df["interviewed_on"]} == {"2026-05-12"}
    assert set(df["interview"]) == {"maria"} and set(df["note_file"]) == {"maria.md"}
    assert audit.list_audit(store, EDITOR, object_type="import")[0]["object_name"] == "maria.md"


def test_text_note_without_front_matter_and_a_csv_named_txt(store, tmp_path):
    res = import_file(store, EDITOR, _write(tmp_path / "call with bo.txt",
                                            "Bo said the monthly price is just thirty nights, which feels unfair.\n\n"
                                            "Bo: I compare every flat in a spreadsheet before booking.\n"))
    assert res.kind == "interviews" and res.rows_imported == 2
    assert set(_rows(store)["interview"]) == {"call with bo"}
    # a table saved as .txt is still a table (here metrics), not a note
    res = import_file(store, EDITOR, _write(tmp_path / "series.txt", "date,metric,value\n2026-01-01,revenue,10\n2026-02-01,revenue,12\n"))
    assert res.kind == "metrics"


def test_zip_of_notes_is_one_import_with_one_interview_per_note(store, tmp_path):
    z = tmp_path / "round1.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("round1/maria.md", NOTE)
        zf.writestr("round1/ana.md", NOTE.replace("Maria Lopez", "Ana").replace("Digital nomads", "Families"))
        zf.writestr("round1/tom.txt", "Tom books two weeks and then extends by messaging the host.\n")
        zf.writestr("__MACOSX/round1/._maria.md", b"\x00\x01junk")
        zf.writestr(".DS_Store", b"\x00")
    res = import_file(store, EDITOR, z)
    assert (res.kind, res.rows_imported) == ("interviews", 11)
    df = _rows(store)
    assert df.groupby("interview").size().to_dict() == {"ana": 5, "maria": 5, "tom": 1}
    assert set(df["note_file"]) == {"round1/maria.md", "round1/ana.md", "round1/tom.txt"}
    assert len(list_imports(store)) == 1
    assert discovery.report(store)["interviews"] == 3


HIGHLIGHTS = pd.DataFrame({
    "Highlight": ["Wifi dropped during every call", "I use a spreadsheet to compare flats", "Need a monthly discount",
                  "Nice host", "  ", "The desk was a kitchen table"],
    "Tags": ["Pricing, Pain points", "Workaround", "JTBD", "Misc", "Pain", "pain point; desk"],
    "Note": ["Interview 3", "Interview 3", "Interview 4", "Interview 4", "Interview 4", ""],
    "Participant": ["Ana", "Ana", "Bo", "Bo", "Bo", "Cy"],
    "Segment": ["Nomads", "Nomads", "Families", "Families", "Families", "Nomads"],
    "Created at": ["2026-05-01", "2026-05-01", "2026-05-02", "2026-05-02", "2026-05-02", "2026-05-03"],
    "Created by": ["Sam"] * 6,
})
# the tags these cells name, by hand (the first part that names one wins; 'Misc' names none)
HIGHLIGHT_TAGS = {"Wifi dropped during every call": "pain_point", "I use a spreadsheet to compare flats": "workaround",
                  "Need a monthly discount": "job", "Nice host": None, "The desk was a kitchen table": "pain_point"}


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_highlights_file_dovetail_style(store, tmp_path, ext):
    path = tmp_path / f"highlights.{ext}"
    if ext == "csv":
        HIGHLIGHTS.to_csv(path, index=False)
    else:
        HIGHLIGHTS.to_excel(path, index=False)
    res = import_file(store, EDITOR, path)
    assert (res.kind, res.source, res.rows_read, res.rows_imported, res.rows_rejected) == ("interviews", "highlights", 6, 5, 1)
    df = _rows(store)
    assert {r.text: (r.tag if isinstance(r.tag, str) else None) for r in df.itertuples()} == HIGHLIGHT_TAGS
    # the interview is the Note column, else the participant
    assert df.set_index("text")["interview"].to_dict()["The desk was a kitchen table"] == "Cy"
    from pm_core.ingest import rejects_for

    rej = rejects_for(store, res.import_id)
    assert list(rej["row_number"]) == [6] and list(rej["column"]) == ["Highlight"]


@pytest.mark.parametrize("name, text, words", [
    ("empty.md", "---\nparticipant: Ana\n---\n\n", "has no text after its front matter"),
    ("blank.md", "\n\n   \n", "the note has no text"),
    ("open.md", "---\nparticipant: Ana\nsegment: Nomads\nI forgot to close it and wrote notes here.\n", "line 4"),
    ("unclosed.md", "---\nparticipant: Ana\nsegment: Nomads\n", "never closed"),
    ("date.md", "---\ndate: next tuesday\n---\nShe books every month and hates the fees.\n", "line 2: date 'next tuesday'"),
    ("twice.md", "---\nparticipant: Ana\nparticipant: Bo\n---\nShe books every month and hates the fees.\n", "given twice"),
])
def test_bad_notes_are_refused_naming_file_and_line(store, tmp_path, name, text, words):
    with pytest.raises(ImportRefused) as exc:
        import_file(store, EDITOR, _write(tmp_path / name, text))
    msg = str(exc.value)
    assert name in msg and words in msg, msg
    assert "Traceback" not in msg and str(tmp_path) not in msg
    assert list_imports(store) == [] and _rows(store).empty


def test_huge_transcript_is_refused_with_what_to_do(store, tmp_path):
    words = "and then I said the wifi was slow again " * (MAX_NOTE_CHARS // 40 + 10)
    with pytest.raises(ImportRefused) as exc:
        import_file(store, EDITOR, _write(tmp_path / "all_sessions.md", words))
    assert "all_sessions.md" in str(exc.value) and "split it into one file per interview" in str(exc.value)
    assert list_imports(store) == []


def test_zip_is_all_or_nothing(store, tmp_path):
    z = tmp_path / "mixed.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("good.md", NOTE)
        zf.writestr("bad.md", "---\nparticipant Ana\n---\nText that would be fine.\n")
    with pytest.raises(ImportRefused) as exc:
        import_file(store, EDITOR, z)
    assert "mixed.zip: bad.md, line 2" in str(exc.value) and "key: value" in str(exc.value)
    assert list_imports(store) == [] and _rows(store).empty
    z2 = tmp_path / "other.zip"
    with zipfile.ZipFile(z2, "w") as zf:
        zf.writestr("good.md", NOTE)
        zf.writestr("photo.jpg", b"\xff\xd8")
    with pytest.raises(ImportRefused, match="not notes .photo.jpg"):
        import_file(store, EDITOR, z2)
    assert _rows(store).empty


# -- evidence counts -------------------------------------------------------------------------------
def _many_notes(store, tmp_path, n=10):
    rng = random.Random(7)
    segs = ["Digital nomads", "Remote families", "Students"]
    z = tmp_path / "ten.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for i in range(n):
            lines = [f"- Pain: problem number {j} happened to person {i} again" for j in range(rng.randint(2, 6))]
            zf.writestr(f"p{i:02}.md", f"---\nparticipant: P{i}\nsegment: {segs[i % 3]}\n---\n" + "\n".join(lines) + "\n")
    import_file(store, EDITOR, z)


def test_evidence_counts_match_an_independent_count(store, tmp_path):
    _many_notes(store, tmp_path)
    out = discovery.add_node(store, EDITOR, "outcome", {"title": "Retention"})
    opp = discovery.add_node(store, EDITOR, "opportunity", {"title": "Problems"}, parent_id=out)
    df = _rows(store)
    picked = df.sample(frac=0.5, random_state=3)
    discovery.attach_evidence(store, EDITOR, opp, [int(i) for i in picked["id"]] + [int(picked["id"].iloc[0])])
    want_segments = picked["segment"].value_counts()
    got = discovery.evidence_of(store, opp)
    assert got["highlights"] == len(picked)
    assert got["interviews"] == picked["interview"].str.casefold().nunique()
    assert dict(got["segments"]) == want_segments.to_dict()
    assert [s for s, _ in got["segments"]] == sorted(want_segments.index, key=lambda s: (-want_segments[s], s))
    assert len(got["quotes"]) == 3 and all(q["id"] in set(picked["id"]) for q in got["quotes"])
    rep = discovery.report(store)
    [o] = rep["opportunities"]
    assert (o["interviews"], o["highlights"]) == (got["interviews"], got["highlights"])
    assert rep["interviews"] == 10 and rep["highlights"] == len(df)


def test_strongest_quotes_rank_quotes_then_pain_points_then_shorter():
    hs = [{"id": 1, "text": "a long pain point with many many words", "tag": "pain_point"},
          {"id": 2, "text": "short pain", "tag": "pain_point"},
          {"id": 3, "text": "a quote that is rather long indeed", "tag": "quote"},
          {"id": 4, "text": "untagged", "tag": None}]
    assert [h["id"] for h in discovery.strongest(hs)] == [3, 2, 1]


# -- the tree: rules, links, deletions -------------------------------------------------------------
def test_tree_rules_are_refused_in_words(store):
    out = discovery.add_node(store, EDITOR, "outcome", {"title": "Grow"})
    opp = discovery.add_node(store, EDITOR, "opportunity", {"title": "Pain"}, parent_id=out)
    with pytest.raises(discovery.DiscoveryError, match="under an opportunity goes opportunity, solution, not an assumption test"):
        discovery.add_node(store, EDITOR, "test", {"title": "T"}, parent_id=opp)
    with pytest.raises(discovery.DiscoveryError, match="an outcome is a root"):
        discovery.add_node(store, EDITOR, "outcome", {"title": "O"}, parent_id=opp)
    with pytest.raises(discovery.DiscoveryError, match="title"):
        discovery.add_node(store, EDITOR, "opportunity", {"title": "\u200b"}, parent_id=out)
    with pytest.raises(discovery.DiscoveryError, match="does not exist"):
        discovery.add_node(store, EDITOR, "outcome", {"title": "O", "link_kind": "kr", "link_target": "kr_nope"})
    with pytest.raises(discovery.DiscoveryError, match="an opportunity links to nothing"):
        discovery.update_node(store, EDITOR, opp, {"title": "Pain", "link_kind": "kpi", "link_target": "retention"})
    roots = discovery.tree(store)
    assert [g["gap"] for g in discovery.gap_list(roots)] == ["no key result or KPI linked", "no interview evidence"]


def test_demo_links_and_what_deleting_them_leaves(demo_store):
    s = demo_store
    nodes = {n.title: n for n in discovery.flatten(discovery.tree(s))}
    outcome = nodes["Long-stay guests come back and book again"]
    sol = nodes["Verified WiFi speed on listings"]
    test = nodes["Guests filter by verified WiFi and book more"]
    assert outcome.link_kind == "kr" and outcome.link_state == "ok" and not outcome.gaps
    assert sol.link_state == "ok" and "Verified WiFi filter" in sol.link_text
    assert test.link_state == "ok" and test.link_text.startswith("Experiment: ")
    exp_import = next(r["id"] for r in list_imports(s) if r["kind"] == "experiment")
    # the initiative is archived and the experiment's import deleted: the tree stays whole and says so
    roadmap.archive_initiative(s, EDITOR, sol.link_target)
    delete_import(s, EDITOR, exp_import)
    nodes = {n.title: n for n in discovery.flatten(discovery.tree(s))}
    sol, test = nodes["Verified WiFi speed on listings"], nodes["Guests filter by verified WiFi and book more"]
    assert sol.link_state == "missing" and "(archived)" in sol.link_text
    assert any("linked roadmap initiative 'Verified WiFi filter' no longer exists" in g for g in sol.gaps)
    assert test.link_state == "missing" and "its import was deleted" in test.link_text
    assert test.parent_id == sol.id and len(nodes) == 11
    # an interview import deleted: its highlights leave the counts and the removal is flagged
    opp = nodes["Arriving in a new city is lonely"]
    tom = next(r["id"] for r in list_imports(s) if r["file_name"] == "interview_04_tom.md")
    delete_import(s, EDITOR, tom)
    opp = {n.title: n for n in discovery.flatten(discovery.tree(s))}["Arriving in a new city is lonely"]
    assert opp.evidence["highlights"] == 0 and len(opp.evidence["removed"]) == 2
    assert "2 attached highlights removed with their import" in opp.gaps and "no interview evidence" in opp.gaps
    rep = discovery.report(s)
    assert next(o for o in rep["opportunities"] if o["title"] == opp.title)["highlights"] == 0


def test_delete_node_takes_its_subtree_and_evidence_not_highlights(demo_store):
    s = demo_store
    nodes = {n.title: n for n in discovery.flatten(discovery.tree(s))}
    before = len(discovery.list_highlights(s))
    wifi = nodes["I can't trust the wifi in a listing"]
    assert discovery.delete_node(s, EDITOR, wifi.id) == 4
    left = {n.title for n in discovery.flatten(discovery.tree(s))}
    assert "Verified WiFi speed on listings" not in left and "Hosts run a speed test when asked" not in left
    assert len(discovery.list_highlights(s)) == before
    assert audit.list_audit(s, EDITOR, object_type="tree_node")[0]["summary"] == "Opportunity removed with 3 nodes under it"


def test_tag_highlights_validates_and_audits(store, tmp_path):
    import_file(store, EDITOR, _write(tmp_path / "maria.md", NOTE))
    first = next(h for h in discovery.list_highlights(store) if h["tag"] is None)
    with pytest.raises(discovery.DiscoveryError, match="not a tag"):
        discovery.tag_highlights(store, EDITOR, {first["id"]: "insight"})
    with pytest.raises(discovery.DiscoveryError, match="does not exist"):
        discovery.tag_highlights(store, EDITOR, {first["id"]: "quote", 99999: "quote"})
    assert next(h for h in discovery.list_highlights(store) if h["id"] == first["id"])["tag"] is None
    assert discovery.tag_highlights(store, EDITOR, {first["id"]: "motivation"}) == 1
    assert discovery.tag_highlights(store, EDITOR, {first["id"]: "motivation"}) == 0
    assert audit.list_audit(store, EDITOR, object_type="highlight")[0]["summary"] == "tag: — → Motivation"


def test_viewers_cannot_write_and_leave_no_audit_row(demo_store):
    s = demo_store
    nodes = discovery.flatten(discovery.tree(s))
    opp = next(n for n in nodes if n.kind == "opportunity")
    hid = int(discovery.list_highlights(s)[0]["id"])
    rows = len(audit.list_audit(s, EDITOR, limit=None))
    version = s.data_version()
    for call in (lambda: discovery.add_node(s, VIEWER, "outcome", {"title": "x"}),
                 lambda: discovery.update_node(s, VIEWER, opp.id, {"title": "x"}),
                 lambda: discovery.delete_node(s, VIEWER, opp.id),
                 lambda: discovery.attach_evidence(s, VIEWER, opp.id, [hid]),
                 lambda: discovery.tag_highlights(s, VIEWER, {hid: "quote"}),
                 lambda: discovery.opportunity_from_theme(s, VIEWER, nodes[0].id, "x", [hid])):
        with pytest.raises(PermissionDenied):
            call()
    assert len(audit.list_audit(s, EDITOR, limit=None)) == rows and s.data_version() == version


# -- drawing, themes, CLI ---------------------------------------------------------------------------
def test_dot_escapes_labels_and_draws_a_large_tree(store):
    nasty = 'He said "fast" \\ slow\nnext line } { | < >'
    out = discovery.add_node(store, EDITOR, "outcome", {"title": nasty})
    for i in range(12):
        o = discovery.add_node(store, EDITOR, "opportunity", {"title": f"Opportunity {i} with a fairly long title to wrap"},
                               parent_id=out)
        s = discovery.add_node(store, EDITOR, "solution", {"title": f"Solution {i}"}, parent_id=o)
        if i % 2:
            discovery.add_node(store, EDITOR, "test", {"title": f"Test {i}"}, parent_id=s)
    roots = discovery.tree(store)
    dot = discovery.to_dot(roots)
    nodes = discovery.flatten(roots)
    assert len(nodes) == 31
    assert dot.count(" -> ") == 30 and sum(1 for ln in dot.splitlines() if "[label=" in ln) == 31
    assert discovery.dot_string(nasty) == '"He said \\"fast\\" \\\\ slow\\nnext line } { | < >"'
    # every quote inside a label is escaped: splitting on unescaped quotes gives whole attributes only
    for line in dot.splitlines():
        assert line.replace('\\\\', '').replace('\\"', '').count('"') % 2 == 0, line
    spec = discovery.vega_spec(roots)
    assert spec["height"] >= 44 * 12 and len(spec["layer"][1]["data"]["values"]) == 31


def test_themes_are_suggestions_that_write_nothing(demo_store):
    s = demo_store
    version = s.data_version()
    themes = discovery.themes(s)
    assert themes and s.data_version() == version
    ids = {int(h["id"]) for h in discovery.list_highlights(s)}
    for t in themes:
        assert len(t["highlight_ids"]) >= 2 and set(t["highlight_ids"]) <= ids and t["label"]
    assert discovery.suggest_themes([{"id": 1, "text": "hello there", "interview": "a"}]) == []
    assert themes == discovery.suggest_themes(discovery.list_highlights(s))  # same text, same themes


def test_cli_discovery_json_and_writes(tmp_path, capsys):
    db = tmp_path / "c.duckdb"
    note = _write(tmp_path / "maria.md", NOTE)
    code, out, err = run_cli(capsys, "--db", str(db), "import", str(note))
    assert code == 0 and json.loads(out)["kind"] == "interviews"
    code, out, _ = run_cli(capsys, "--db", str(db), "discovery", "add", "outcome", "Retention", "--link-kind", "kpi",
                           "--link", "retention")
    oid = json.loads(out)["id"]
    code, out, _ = run_cli(capsys, "--db", str(db), "discovery", "add", "opportunity", "Wifi", "--parent", oid)
    pid = json.loads(out)["id"]
    code, out, _ = run_cli(capsys, "--db", str(db), "discovery", "highlights")
    hids = [h["id"] for h in json.loads(out)][:2]
    code, out, _ = run_cli(capsys, "--db", str(db), "discovery", "attach", pid, *map(str, hids))
    assert json.loads(out)["attached"] == 2
    code, out, _ = run_cli(capsys, "--db", str(db), "discovery", "--json")
    rep = json.loads(out)
    assert code == 0 and rep["interviews"] == 1 and rep["highlights"] == 5
    assert rep["opportunities"][0]["highlights"] == 2 and rep["tree"][0]["link"]["target"] == "retention"
    assert rep["tree"][0]["children"][0]["evidence"]["interviews"] == 1
    code, out, err = run_cli(capsys, "--db", str(db), "discovery", "add", "test", "T", "--parent", pid)
    assert code == 2 and "assumption test" in err and "Traceback" not in err
    code, out, _ = run_cli(capsys, "--db", str(db), "discovery", "guide")
    assert code == 0 and "Jobs-to-be-done interview guide" in out


def test_briefing_section_renders_in_the_html_export(demo_store):
    from pm_core import audiences, exports

    b = audiences.build_briefing(demo_store, "executives", "all")
    [sec] = [x for x in b.sections if x.id == "discovery_tree"]
    assert sec.items[0].kind == "chart" and sec.items[1].kind == "table"
    rows = {r["opportunity"]: r for r in sec.items[1].rows}
    assert rows["I can't trust the wifi in a listing"]["interviews"] == 5
    html = exports.export_briefing(b, "html").decode("utf-8")
    assert "Discovery: opportunity solution tree" in html and "Opportunities and their evidence" in html
    # the deck: the tree is a picture on its own slide (the table's slide has none)
    import io

    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    deck = Presentation(io.BytesIO(exports.export_briefing(b, "pptx")))
    pictures = {}
    for slide in deck.slides:
        title = next((sh.text_frame.text for sh in slide.shapes if sh.has_text_frame and sh.text_frame.text), "")
        if title.startswith("Discovery: opportunity solution tree"):
            pictures[title] = sum(1 for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE)
    assert pictures.get("Discovery: opportunity solution tree: Opportunity solution tree") == 1, pictures


def test_a_zip_of_text_tables_is_not_taken_for_notes(tmp_path):
    from pm_core.formats.interview_notes import zip_holds_notes

    tables = tmp_path / "tables.zip"
    with zipfile.ZipFile(tables, "w") as zf:
        zf.writestr("a.txt", "date,metric,value\n2026-01-01,revenue,10\n2026-02-01,revenue,12\n")
    notes = tmp_path / "notes.zip"
    with zipfile.ZipFile(notes, "w") as zf:
        zf.writestr("a.txt", "She books a month at a time and the wifi is never right.\n")
    csvs = tmp_path / "csvs.zip"
    with zipfile.ZipFile(csvs, "w") as zf:
        zf.writestr("a.txt", "She books a month at a time.\n")
        zf.writestr("events.csv", "user,event,time\n")
    assert (zip_holds_notes(tables), zip_holds_notes(notes), zip_holds_notes(csvs)) == (False, True, False)


def test_cli_import_of_a_broken_note_is_one_line_naming_file_and_line(tmp_path, capsys):
    db = tmp_path / "c.duckdb"
    bad = _write(tmp_path / "p7.md", "---\nparticipant: Ana\nsegment Nomads\n---\nShe books every month and hates the fees.\n")
    code, out, err = run_cli(capsys, "--db", str(db), "import", str(bad))
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "p7.md, line 3" in err and "key: value" in err and "Traceback" not in err
    code, out, _ = run_cli(capsys, "--db", str(db), "imports", "--json")
    assert json.loads(out) == []


def test_preview_shows_what_a_note_becomes_and_writes_nothing(store, tmp_path):
    from pm_core.ingest import preview_file

    version = store.data_version()
    pv = preview_file(_write(tmp_path / "maria.md", NOTE), store=store)
    assert (pv.kind, pv.source, pv.rows_read, pv.rows_rejected) == ("interviews", "notes", 5, 0)
    assert pv.mapping["text"] == "highlight" and pv.mapping["participant"] == "participant"
    assert any("1 interview note: 5 passages" in n for n in pv.notes)
    assert [r["highlight"] for r in pv.sample] == [t for _, t, _ in NOTE_PASSAGES]
    assert store.data_version() == version and _rows(store).empty


TAG_CELLS = {"Pain points": "pain_point", "pain-point": "pain_point", "Frustration": "pain_point", "painting": None,
             "JTBD - booking": "job", "Jobs to be done": "job", "job story": "job", "Quotes": "quote",
             "verbatim": "quote", "Misc, Workaround": "workaround", "Pricing; motivation": "motivation",
             "hacks": "workaround", "Delight": None, "": None}


def test_tag_cells_read_the_same_in_sql_and_python(store, tmp_path):
    from pm_core.formats.interviews import tag_of

    assert {c: tag_of(c) for c in TAG_CELLS} == TAG_CELLS
    df = pd.DataFrame({"Highlight": [f"highlight number {i} about booking" for i in range(len(TAG_CELLS))],
                       "Tags": list(TAG_CELLS), "Participant": "Ana"})
    df.to_csv(tmp_path / "tags.csv", index=False)
    import_file(store, EDITOR, tmp_path / "tags.csv")
    got = {r.text: (r.tag if isinstance(r.tag, str) else None) for r in _rows(store).itertuples()}
    assert [got[f"highlight number {i} about booking"] for i in range(len(TAG_CELLS))] == list(TAG_CELLS.values())
