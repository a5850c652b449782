"""Exports: PPTX, XLSX, HTML and PNG re-read with their own libraries; hostile text escaped or neutralised in each."""
from __future__ import annotations

import io
import json
import re

import pytest
from openpyxl import load_workbook
from pptx import Presentation

from pm_core import audiences as A
from pm_core.briefing import ChartItem
from pm_core.cli import main as cli_main
from pm_core.exports import FORMATS, export_briefing, file_name
from pm_core.exports.cells import safe_cell
from pm_core.exports.html import briefing_html, esc
from pm_core.exports.png import PngRenderer, chart_png, png_size
from pm_core.exports.pptx import briefing_pptx
from pm_core.exports.xlsx import briefing_xlsx
from pm_core.store import open_store
from tests.factories.audiences import FORMULA, TODAY, XSS, build_workspace


@pytest.fixture(scope="module")
def full_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("exp") / "w.duckdb"
    s = open_store(path)
    build_workspace(s)
    s.close()
    return path


@pytest.fixture(scope="module")
def full(full_db):
    s = open_store(full_db)
    yield s
    s.close()


@pytest.fixture(scope="module")
def briefings(full):
    return {aid: A.build_briefing(full, aid, "2026-Q3", today=TODAY) for aid in A.AUDIENCE_IDS}


# -- cells ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, safe", [
    ("=1+1", "'=1+1"), ("+SUM(A1)", "'+SUM(A1)"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"),
    ("\t=x", "'\t=x"), ("\r=x", "'\r=x"), ("\n=x", "'\n=x"), (FORMULA, "'" + FORMULA),
    ("plain", "plain"), (" =not a formula", " =not a formula"), ("", ""), ("a\x00b\x07c", "abc"),
    (12.5, 12.5), (-3, -3), (None, None), (True, True),
])
def test_safe_cell(raw, safe):
    assert safe_cell(raw) == safe


def test_safe_cell_turns_other_objects_into_safe_text():
    class Weird:
        def __str__(self):
            return "=cmd|' /C calc'!A0"
    assert safe_cell(Weird()) == "'=cmd|' /C calc'!A0"


# -- PPTX ----------------------------------------------------------------------------------------
def _pptx_texts(data: bytes) -> tuple[list[str], list[str], int]:
    prs = Presentation(io.BytesIO(data))
    texts, notes = [], []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [c.text for row in shape.table.rows for c in row.cells]
        if slide.has_notes_slide:
            notes.append(slide.notes_slide.notes_text_frame.text)
    return texts, notes, len(prs.slides)


@pytest.mark.parametrize("aid", A.AUDIENCE_IDS)
def test_pptx_reopens_with_every_section_and_definitions_in_notes(briefings, aid):
    b = briefings[aid]
    data = briefing_pptx(b)
    texts, notes, n = _pptx_texts(data)
    joined = "\n".join(texts)
    assert n >= len(b.sections) + 1  # cover + at least one slide per section
    for s in b.sections:
        assert s.title in joined, s.title
    first_metric = b.section("metrics").metrics()[0]
    assert any(first_metric.definition in x for x in notes)
    assert first_metric.value_text in joined


def test_pptx_keeps_hostile_text_as_plain_text(briefings):
    texts, _, _ = _pptx_texts(briefing_pptx(briefings["support"]))
    joined = "\n".join(texts)
    assert XSS in joined and FORMULA in joined  # literal text, escaped in the XML by python-pptx


def test_pptx_charts_are_native_and_pictures_only_without_series(briefings):
    b = briefings["executives"]
    r = PngRenderer()
    data = briefing_pptx(b, r)
    prs = Presentation(io.BytesIO(data))
    native = [sh for sl in prs.slides for sh in sl.shapes if sh.has_chart]
    pictures = [sh for sl in prs.slides for sh in sl.shapes if sh.shape_type == 13]
    with_plot = [c for c in b.charts() if c.plot is not None]
    without = [c for c in b.charts() if c.plot is None]
    assert len(native) == len(with_plot) > 0 and len(pictures) == len(without)
    assert r.renders == len({json.dumps(c.spec, sort_keys=True) for c in without})  # each picture rendered once


# -- XLSX ----------------------------------------------------------------------------------------
def _cells(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    return wb, [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("aid", A.AUDIENCE_IDS)
def test_xlsx_has_no_formula_at_all(briefings, aid):
    wb, cells = _cells(briefing_xlsx(briefings[aid]))
    assert wb.sheetnames[0] == "Summary" and len(wb.sheetnames) == len(briefings[aid].sections) + 1
    for c in cells:
        assert c.data_type != "f", (c.coordinate, c.value)
        if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")):
            # kept as written, as text with Excel's quote-prefix style (tests/core/test_xlsx_cells.py)
            assert c.quotePrefix and c.data_type == "s", (c.parent.title, c.coordinate, c.value)


def test_xlsx_neutralises_user_text_and_keeps_it_readable(briefings):
    _, cells = _cells(briefing_xlsx(briefings["support"]))
    values = [c.value for c in cells if isinstance(c.value, str)]
    assert FORMULA in values and "'" + FORMULA not in values  # no visible apostrophe
    assert XSS in values  # not a formula trigger: kept as typed


def test_xlsx_numbers_are_numbers_with_formats(briefings):
    b = briefings["executives"]
    wb, _ = _cells(briefing_xlsx(b))
    ws = wb[wb.sheetnames[1]]
    rows = {ws.cell(row=r, column=1).value: r for r in range(1, ws.max_row + 1)}
    m = next(x for x in b.section("metrics").metrics() if x.key == "market_share")
    cell = ws.cell(row=rows[m.label], column=2)
    assert isinstance(cell.value, float) and cell.value == pytest.approx(m.value)
    assert cell.number_format == "0.0%"
    rev = next(x for x in b.section("metrics").metrics() if x.key == "revenue")
    rcell = ws.cell(row=rows[rev.label], column=2)
    assert rcell.value == pytest.approx(rev.value) and "$" in rcell.number_format
    change = ws.cell(row=rows[rev.label], column=4)
    assert change.value == pytest.approx((rev.value - rev.previous) / rev.previous)


def test_xlsx_sheet_names_are_unique_and_valid():
    from pm_core.exports.xlsx import _sheet_name

    used: set[str] = set()
    names = [_sheet_name(i, t, used) for i, t in enumerate(["Battle card: " + FORMULA] * 3 + ["a/b:c*d?[e]"], 1)]
    assert len(set(names)) == 4
    for n in names:
        assert len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) and n[0] != "'" and n[-1] != "'"
    assert names[0] == 'Battle card - =HYPERLINK("http…' and names[1].endswith(" (2)") and names[3] == "a-b - c d e"


# -- HTML ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("aid", A.AUDIENCE_IDS)
def test_html_is_self_contained_and_escaped(briefings, aid):
    page = briefing_html(briefings[aid]).decode("utf-8")
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page.lower() and "<link" not in page.lower() and "@import" not in page
    for src in re.findall(r'\bsrc="([^"]*)"', page):
        assert src.startswith("data:image/png;base64,")
    assert "<img src=x" not in page
    for s in briefings[aid].sections:
        assert esc(s.title) in page
    assert "@media print" in page


def test_html_shows_hostile_text_escaped(briefings):
    page = briefing_html(briefings["support"]).decode("utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "=HYPERLINK(&quot;http:&#x2F;&#x2F;x&quot;)" in page
    charts = briefings["support"].charts()
    assert page.count("data:image/png;base64,") == len(charts) > 0


def test_esc_encodes_every_special_character():
    assert esc('<a href="http://x">\'&/') == "&lt;a href=&quot;http:&#x2F;&#x2F;x&quot;&gt;&#x27;&amp;&#x2F;"
    assert esc(None) == ""


# -- PNG -----------------------------------------------------------------------------------------
def test_png_of_any_chart(briefings):
    charts = [c for b in briefings.values() for c in b.charts()]
    assert charts and all(isinstance(c, ChartItem) for c in charts)
    data = chart_png(charts[0].spec)
    w, h = png_size(data)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and w > 400 and h > 100
    with pytest.raises(ValueError):
        png_size(b"GIF89a....................")


# -- one content, every format; empty workspace; CLI ---------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_workspace_exports(store, fmt):
    b = A.build_briefing(store, "executives", "all", today=TODAY)
    data = export_briefing(b, fmt)
    assert len(data) > 1000
    assert file_name(b, fmt) == f"pillars-executives-all.{fmt}"


def test_unknown_format_is_refused(briefings):
    with pytest.raises(ValueError, match="pptx"):
        export_briefing(briefings["sales"], "pdf")


@pytest.mark.parametrize("fmt", ["pptx", "xlsx", "html", "png"])
def test_cli_export_writes_the_file_and_prints_one_json_line(full_db, tmp_path, capsys, fmt):
    out = tmp_path / f"deck.{fmt}"
    rc = cli_main(["--db", str(full_db), "export", fmt, str(out), "--audience", "design", "--period", "2026-Q3"])
    assert rc == 0
    line = capsys.readouterr().out.strip()
    assert "\n" not in line
    got = json.loads(line)
    assert got == {"file": str(out), "bytes": out.stat().st_size, "format": fmt, "audience": "design",
                   "period": "2026-Q3"}


@pytest.mark.parametrize("args, words", [
    (["export", "pptx", "{d}/x.pptx", "--period", "2026-Q9"], "--period"),
    (["export", "html", "{d}/missing/x.html"], "does not exist"),
    (["export", "png", "{d}/x.png", "--chart", "99"], "--chart"),
])
def test_cli_export_bad_input_exits_2_with_a_message(full_db, tmp_path, capsys, args, words):
    rc = cli_main(["--db", str(full_db)] + [a.format(d=tmp_path) for a in args])
    assert rc == 2
    assert words in capsys.readouterr().err


# -- one list of formats, one list of items ------------------------------------------------------
def test_cli_choices_and_readme_follow_the_format_list():
    import argparse
    from pathlib import Path

    from pm_core.commands import export as export_cmd
    from pm_core.exports import EXPORT_FORMATS

    parser = argparse.ArgumentParser()
    export_cmd.register(parser.add_subparsers())
    fmt_action = next(a for a in parser._subparsers._group_actions[0].choices["export"]._actions if a.dest == "format")
    ids = [f.id for f in EXPORT_FORMATS]
    assert list(fmt_action.choices) == ids
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert re.search(r"export \{([a-z,]+)\} OUT", readme).group(1).split(",") == ids
    for f in EXPORT_FORMATS:
        assert f.label and f.icon.startswith(":material/") and "/" in f.mime and f.extension == f.id


def test_the_presentation_deck_has_its_own_file_name(briefings):
    b = briefings["executives"]
    assert file_name(b, "pptx") == "pillars-executives-2026-Q3.pptx"
    assert file_name(b, "pptx", variant="presentation") == "pillars-executives-presentation-2026-Q3.pptx"
    assert len({file_name(x, "pptx") for x in briefings.values()}) == len(briefings)


def test_every_renderer_refuses_an_item_type_it_does_not_know(briefings):
    from pydantic import BaseModel

    from pm_core.briefing import ITEM_KINDS, UnknownItemError
    from pm_core.exports import briefing_charts

    class QuoteItem(BaseModel):  # a new item type, added without teaching any renderer
        kind: str = "quote"
        text: str = "Customers love it"

    assert "quote" not in ITEM_KINDS
    b = briefings["executives"].model_copy(deep=True)
    b.sections[0].items.append(QuoteItem())  # appended after validation, as a builder bug would
    for fmt in FORMATS:
        with pytest.raises(UnknownItemError, match=f"{fmt}.*'quote'"):
            export_briefing(b, fmt)
    with pytest.raises(UnknownItemError, match="png.*'quote'"):
        briefing_charts(b)
