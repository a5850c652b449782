"""The deck re-read with python-pptx: every text box measured here with the font file's own metrics (Pillow, this test's own wrapping), native chart values against revenue written here, title slide, brand, file names; and, where LibreOffice is installed, the deck converted to PDF with every word checked inside a shape.

The fit check uses the same font file the deck is sized with (Liberation Sans, Arial's metrics;
DejaVu Sans where it is missing) but its own line breaking; the LibreOffice check is independent
of both: it reads where LibreOffice actually drew each word (pdftotext -bbox).
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from xml.etree import ElementTree

import pandas as pd
import pytest
from PIL import Image, ImageFont
from pptx import Presentation
from pptx.util import Emu

from pm_core import audiences as A
from pm_core.auth import Actor
from pm_core.brand import BrandError, get_brand, remove_logo, save_logo
from pm_core.briefing import (Briefing, BriefingBrand, BulletsItem, ChartItem, ChartPlot, ChartSeries, Column, MetricItem,
                              Section, TableItem, TextItem)
from pm_core.exports import file_name
from pm_core.exports.fit import font_file
from pm_core.exports.pptx import BODY_BOTTOM, FOOTER_TOP, H, W, briefing_pptx
from pm_core.settings import update_settings
from pm_core.store import open_store
from pm_core.store import settings_store
from tests.factories.audiences import TODAY, build_workspace

EDITOR = Actor(email="pm@example.com", role="editor")
VIEWER = Actor(email="v@example.com", role="viewer")
EMU_PT = 12700
LONG = ("Raise the share of long-stay bookings made by remote workers who filter on verified WiFi and dedicated "
        "workspaces, measured weekly across every market where the filter has launched")


def _png(w=300, h=100, colour=(200, 30, 30, 255)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", (w, h), colour).save(buf, format="PNG")
    return buf.getvalue()


# -- this test's own measurement -------------------------------------------------------------------
class Measure:
    def __init__(self):
        self.fonts = {b: ImageFont.truetype(font_file(b), 200) for b in (False, True)}

    def width(self, text: str, size: float, bold: bool) -> float:
        return self.fonts[bold].getlength(text) / 200 * size * EMU_PT

    def lines(self, text: str, size: float, bold: bool, width: float) -> int:
        n = 0
        for para in text.split("\n"):
            line = ""
            for word in para.split(" "):
                cand = f"{line} {word}".strip()
                if line and self.width(cand, size, bold) > width:
                    n += 1
                    line = word
                else:
                    line = cand
            n += 1
        return n


M = Measure()


def _frame_need(tf, width: float) -> float:
    """Return the height (EMU) the text frame's paragraphs need at their run sizes (1.2 line height + space after)."""
    total = 0.0
    for p in tf.paragraphs:
        runs = p.runs
        if not runs:
            continue
        size = runs[0].font.size.pt
        bold = bool(runs[0].font.bold)
        text = "".join(r.text for r in runs)
        total += M.lines(text, size, bold, width) * size * 1.2 * EMU_PT
        total += (p.space_after.pt if p.space_after is not None else 0) * EMU_PT
    return total


def check_deck(data: bytes) -> dict:
    """Assert every text box, table and chart fits its slide and box; return counts for the callers."""
    prs = Presentation(io.BytesIO(data))
    boxes = tables = charts = 0
    for n, slide in enumerate(prs.slides, start=1):
        for sh in slide.shapes:
            where = f"slide {n} shape {sh.name}"
            assert sh.left >= 0 and sh.top >= 0 and sh.left + sh.width <= W and sh.top + sh.height <= H, where
            content = (sh.has_text_frame and sh.text_frame.text.strip()) or sh.has_table or sh.has_chart
            if content and sh.top < FOOTER_TOP:  # every text, table and chart but the footer stays above it
                assert sh.top + sh.height <= FOOTER_TOP, where
            if sh.has_text_frame and sh.text_frame.text.strip():
                tf = sh.text_frame
                inner_w = sh.width - tf.margin_left - tf.margin_right
                inner_h = sh.height - tf.margin_top - tf.margin_bottom
                need = _frame_need(tf, inner_w)
                assert need <= inner_h + 1, (where, tf.text[:80], need / EMU_PT, inner_h / EMU_PT)
                for p in tf.paragraphs:
                    for r in p.runs:
                        assert r.font.name == "Arial", where
                boxes += 1
            if sh.has_table:
                tables += 1
                tbl = sh.table
                assert sh.top + sum(r.height for r in tbl.rows) <= BODY_BOTTOM, where
                for i, row in enumerate(tbl.rows):
                    for j, col in enumerate(tbl.columns):
                        cell = tbl.cell(i, j)
                        text = cell.text_frame.text
                        if not text:
                            continue
                        run = cell.text_frame.paragraphs[0].runs[0]
                        size, bold = run.font.size.pt, bool(run.font.bold)
                        inner = col.width - cell.margin_left - cell.margin_right
                        if i == 0:  # a header word never breaks: each fits the column on its own
                            for word in text.split():
                                assert M.width(word, size, bold) <= inner, (where, text, word)
                        need = M.lines(text, size, bold, inner) * size * 1.2 * EMU_PT + cell.margin_top + cell.margin_bottom
                        assert need <= row.height + 1, (where, i, j, text[:60])
            if sh.has_chart:
                charts += 1
    return {"slides": len(prs.slides), "boxes": boxes, "tables": tables, "charts": charts}


# -- briefings --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(tmp_path_factory.mktemp("deck") / "nomadly_team.duckdb")
    build_workspace(s)
    yield s
    s.close()


def _stress() -> Briefing:
    words = TableItem(title="Initiatives with long names", columns=[
        Column(key="title", label="Initiative"), Column(key="status", label="Status"),
        Column(key="progress", label="Progress", unit="fraction"), Column(key="conf", label="Confidence (0-10)", unit="score"),
        Column(key="delivery", label="Delivery (work items done)", unit="fraction"), Column(key="krs", label="Key results it should move"),
        Column(key="owner", label="Responsible"), Column(key="x", label="Accountability"), Column(key="y", label="Consulted")],
        rows=[{"title": f"{LONG[: 40 + i * 3]}", "status": "In progress", "progress": i / 25, "conf": 7,
               "delivery": 0.5, "krs": LONG if i % 2 else "Lift conversion", "owner": "Maya", "x": "Ana", "y": "Raj"}
              for i in range(25)])
    plot = ChartPlot(kind="bar", unit="fraction", y_title="Progress towards target",
                     categories=[f"KR {i}: {LONG[:50]}" for i in range(14)],
                     series=[ChartSeries(name="Progress", values=[i / 14 for i in range(14)]),
                             ChartSeries(name="Expected by now", values=[0.68] * 14)])
    metrics = [MetricItem(key=f"m{i}", label=f"Customer lifetime value of long-stay nomads {i}", value=123456.0 * (i + 1),
                          previous=100000.0, unit="currency", period="Q4 2026 (1 Oct – 31 Dec 2026)",
                          note=LONG + " " + LONG, definition="d", source="s") for i in range(8)]
    return Briefing(title="Executives: " + LONG, audience_id="executives", audience_name="Executives",
                    headline=LONG, concern=LONG, period="2026-Q4", period_text="Q4 2026 (1 Oct – 31 Dec 2026)",
                    generated_at=dt.datetime(2026, 12, 3, 9, 0), workspace="Nomadly",
                    brand=BriefingBrand(company="Nomadly Holdings International Limited", accent="#AA3300",
                                        logo_png=_png()),
                    sections=[
                        Section(id="metrics", title="Headline numbers for the board: " + LONG, lead=LONG + LONG, items=metrics),
                        Section(id="table", title="Roadmap", lead="Top items.", items=[words]),
                        Section(id="bullets", title="Risks", lead="Many risks.", items=[
                            TextItem(text=LONG, tone="warning"),
                            BulletsItem(title="Key results at risk", bullets=[f"{i}. {LONG}" for i in range(30)])]),
                        Section(id="chart", title="OKR progress", lead="Where each key result stands.",
                                items=[ChartItem(chart_id="c", title="Key result progress", spec={}, plot=plot)])])


@pytest.mark.parametrize("aid", A.AUDIENCE_IDS)
def test_every_text_box_fits_in_each_audience_deck(store, aid):
    counts = check_deck(briefing_pptx(A.build_briefing(store, aid, "2026-Q3", today=TODAY)))
    assert counts["slides"] >= 3 and counts["boxes"] > counts["slides"]


def test_long_text_shrinks_continues_or_moves_to_notes_and_never_overflows():
    b = _stress()
    data = briefing_pptx(b)
    counts = check_deck(data)
    prs = Presentation(io.BytesIO(data))
    titles = [next((sh.text_frame.text for sh in s.shapes if sh.has_text_frame and sh.text_frame.text), "")
              for s in prs.slides]
    assert sum(t.startswith("Roadmap") for t in titles) >= 3      # 25 long rows continue over several slides
    assert sum(t.startswith("Risks") for t in titles) >= 2        # 31 long bullets continue
    assert sum(t.startswith("OKR progress") for t in titles) == 2  # 14 bars: 10, then 4
    assert counts["charts"] == 2 and counts["tables"] >= 3
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in prs.slides if s.has_notes_slide)
    assert LONG + " " + LONG in notes                              # the cut tile note is whole in the notes
    assert "Columns not shown on the slide" in notes or all(
        len(sh.table.columns) == 9 for s in prs.slides for sh in s.shapes if sh.has_table)


def test_native_charts_carry_revenue_written_here(store):
    b = A.build_briefing(store, "executives", "2026-Q3", today=TODAY)
    prs = Presentation(io.BytesIO(briefing_pptx(b)))
    charts = {sh.chart.chart_title.text_frame.text: sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart}
    rev = charts["Revenue by month"]
    # tests/factories/audiences.py: revenue is 100,000 + 8,000 i for the i-th month from December 2025;
    # the Q3 2026 view draws every month before October 2026.
    months = pd.date_range("2025-12-01", "2026-09-01", freq="MS")
    expected = [100000 + 8000 * i for i in range(len(months))]
    cats = list(rev.plots[0].categories)  # a month's label may carry a partial-period mark after it
    assert len(cats) == len(months) and all(c.startswith(m.strftime("%b %Y")) for c, m in zip(cats, months))
    assert list(rev.plots[0].series[0].values) == pytest.approx(expected)
    okr = charts["Key result progress, 2026-Q3"]
    assert [s.name for s in okr.plots[0].series] == ["Progress", "Expected by now"]
    assert list(okr.plots[0].categories) == ["Increase user retention by 5% in Q3", "Launch the verified WiFi filter"]
    # 2026-Q3 is over on 25 Nov: expected pace is 100%; the milestone has no check-in, so its progress is 0
    assert list(okr.plots[0].series[1].values) == pytest.approx([1.0, 1.0])
    assert okr.plots[0].series[0].values[1] == 0


def test_title_slide_names_workspace_audience_period_and_date(store):
    b = A.build_briefing(store, "executives", "2026-Q3", today=TODAY)
    prs = Presentation(io.BytesIO(briefing_pptx(b)))
    texts = [sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame]
    assert "Nomadly team" in texts                       # the workspace's name when no company is set
    assert "Executives briefing" in texts
    assert "Are we moving the business, and are we on track against our goals?" in texts
    assert "For Executives · Q3 2026 (1 Jul – 30 Sep 2026)" in texts
    assert f"Prepared {b.generated_at.day} {b.generated_at:%B %Y}" in texts
    assert not any(re.search(r"\$|%", t) for t in texts)  # no string of metrics on the title slide
    assert b.headline in prs.slides[0].notes_slide.notes_text_frame.text


def test_brand_is_applied_to_deck_and_html(store):
    update_settings(store, EDITOR, {"brand_company": "Nomadly", "brand_accent": "#aa3300"})
    save_logo(store, EDITOR, _png(400, 100), "nomadly.png")
    try:
        b = A.build_briefing(store, "executives", "2026-Q3", today=TODAY)
        assert b.brand.company == "Nomadly" and b.brand.accent == "#AA3300" and b.brand.logo_png
        prs = Presentation(io.BytesIO(briefing_pptx(b)))
        cover = prs.slides[0]
        assert "Nomadly" in [sh.text_frame.text for sh in cover.shapes if sh.has_text_frame]
        band = next(sh for sh in cover.shapes if sh.shape_type == 1 and sh.height == H)
        assert str(band.fill.fore_color.rgb) == "AA3300"
        pictures = [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
        assert len(pictures) >= len(prs.slides)          # the logo on the title slide and in every footer
        logo = pictures[0]
        assert logo.width / logo.height == pytest.approx(4, rel=0.02)  # drawn at its own aspect ratio
        footers = [sh.text_frame.text for s in list(prs.slides)[1:] for sh in s.shapes
                   if sh.has_text_frame and sh.top == FOOTER_TOP]
        assert footers and all(f.startswith("Nomadly · Executives") for f in footers)
        line = next(sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart and sh.chart.chart_type == 65)
        assert str(line.plots[0].series[0].format.line.color.rgb) == "AA3300"
        html = A.build_briefing(store, "executives", "2026-Q3", today=TODAY)
        from pm_core.exports.html import briefing_html

        doc = briefing_html(html, render=lambda spec: _png(10, 10)).decode()
        assert "--accent: #AA3300" in doc and '<span class="company">Nomadly</span>' in doc
        assert 'class="logo"' in doc and "data:image/png;base64," in doc
    finally:
        remove_logo(store, EDITOR)
        update_settings(store, EDITOR, {"brand_company": "", "brand_accent": "#1565C0"})


def test_logo_is_validated_reencoded_audited_and_editor_only(store):
    with pytest.raises(BrandError, match="notes.txt: not an image"):
        save_logo(store, EDITOR, b"hello, not a picture", "notes.txt")
    with pytest.raises(BrandError, match="big.png: .* over the 1 MB"):
        save_logo(store, EDITOR, b"\x89PNG" + b"0" * (1024 * 1024 + 1), "big.png")
    with pytest.raises(BrandError, match="empty"):
        save_logo(store, EDITOR, b"", "empty.png")
    from pm_core.auth import PermissionDenied

    with pytest.raises(PermissionDenied):
        save_logo(store, VIEWER, _png(), "logo.png")
    assert get_brand(store).logo_png is None
    buf = io.BytesIO()
    Image.new("RGB", (1600, 400), (10, 20, 30)).save(buf, format="JPEG")
    brand = save_logo(store, EDITOR, buf.getvalue(), "logo.jpg")
    assert brand.logo_png[:8] == b"\x89PNG\r\n\x1a\n" and brand.logo_size == (800, 200)  # PNG, at most 800 px
    from pm_core.audit import list_audit

    rows = list_audit(store, EDITOR)
    assert any(r["object_id"] == "brand_logo" and "logo.jpg (800×200 px" in r["summary"] for r in rows)
    with pytest.raises(PermissionDenied):
        remove_logo(store, VIEWER)
    remove_logo(store, EDITOR)
    assert get_brand(store).logo_png is None and settings_store.read_one(store, "brand_logo") is None


def test_stakeholder_and_presentation_decks_have_distinct_names(store):
    b = A.build_briefing(store, "executives", "2026-Q3", today=TODAY)
    view, deck = file_name(b, "pptx"), file_name(b, "pptx", variant="presentation")
    assert view == "pillars-executives-2026-Q3.pptx" and deck == "pillars-executives-presentation-2026-Q3.pptx"
    src = open(os.path.join(os.path.dirname(__file__), "..", "..", "app_pages", "present.py")).read()
    assert 'variant="presentation"' in src  # the presentation page's download uses its own name


# -- LibreOffice: where the words were really drawn ---------------------------------------------------
def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _need_libreoffice():
    if _soffice() and shutil.which("pdftotext"):
        return
    msg = "LibreOffice (soffice) and pdftotext are needed: apt-get install libreoffice-impress-nogui poppler-utils"
    if os.environ.get("CI"):
        pytest.fail(f"CI installs them (.ci/run): {msg}")
    pytest.skip(msg)


def _words_per_page(pdf) -> list[list[tuple[float, float, float, float, str]]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    html = re.sub(r"<!DOCTYPE[^>]*>", "", html).replace("&nbsp;", " ")
    root = ElementTree.fromstring(re.sub(r' xmlns="[^"]+"', "", html))
    pages = []
    for page in root.iter("page"):
        pages.append([(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")), w.text or "")
                      for w in page.iter("word")])
    return pages


@pytest.mark.parametrize("which", ["executives", "stress"])
def test_libreoffice_draws_every_word_inside_its_shape(store, tmp_path, which):
    _need_libreoffice()
    b = A.build_briefing(store, "executives", "2026-Q3", today=TODAY) if which == "executives" else _stress()
    data = briefing_pptx(b)
    src = tmp_path / "deck.pptx"
    src.write_bytes(data)
    subprocess.run([_soffice(), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    pages = _words_per_page(tmp_path / "deck.pdf")
    prs = Presentation(io.BytesIO(data))
    assert len(pages) == len(prs.slides)
    to_pt = 72 / 914400
    tol = 2.0
    for n, (slide, words) in enumerate(zip(prs.slides, pages), start=1):
        rects = [(sh.left * to_pt, sh.top * to_pt, (sh.left + sh.width) * to_pt, (sh.top + sh.height) * to_pt)
                 for sh in slide.shapes if sh.has_text_frame or sh.has_table or sh.has_chart]
        assert words, f"slide {n} drew no text"
        for x0, y0, x1, y1, text in words:
            inside = any(x0 >= a - tol and y0 >= b_ - tol and x1 <= c + tol and y1 <= d + tol for a, b_, c, d in rects)
            assert inside, f"slide {n}: {text!r} drawn at ({x0:.0f},{y0:.0f})-({x1:.0f},{y1:.0f}) pt, outside every shape"
            assert y1 <= Emu(H).pt + tol and x1 <= Emu(W).pt + tol


def test_cli_sets_brand_and_logo(tmp_path, capsys):
    import json

    from tests.factories import run_cli

    db = tmp_path / "w.duckdb"
    logo = tmp_path / "logo.png"
    logo.write_bytes(_png(300, 90))
    code, out, _ = run_cli(capsys, "--db", str(db), "settings", "brand_company=Nomadly", "brand_accent=0b6e4f", "--logo",
                           str(logo))
    values = {s["key"]: s["value"] for s in json.loads(out)}
    assert code == 0 and values["brand_company"] == "Nomadly" and values["brand_accent"] == "#0B6E4F"
    assert values["brand_logo"] == "300x90 px PNG"
    (tmp_path / "bad.png").write_text("not an image")
    code, _, err = run_cli(capsys, "--db", str(db), "settings", "--logo", str(tmp_path / "bad.png"))
    assert code == 2 and "bad.png: not an image" in err
    code, out, _ = run_cli(capsys, "--db", str(db), "settings", "--remove-logo")
    assert code == 0 and {s["key"]: s["value"] for s in json.loads(out)}["brand_logo"] is None
