"""PowerPoint deck of a briefing (python-pptx): a title slide, then one idea per slide, every box sized to its text.

A section becomes one or more slides: headline numbers as tiles (six per slide), each chart on its
own slide (a native, editable chart when the briefing gives its series, else a picture of the
page's own spec), each table on as many slides as its rows need, text and bullets together.
Every text box is measured with the font's metrics (exports/fit.py): a text shrinks to the
smallest size its box allows, then continues on the next slide (tables, bullets) or is cut at a
word with the full text in the speaker notes (titles, tile captions) — it never overflows its box.
Speaker notes carry the section's definitions and sources. The workspace brand (company name,
accent colour, logo) marks the title slide, the title rule of every slide and the charts.
"""
from __future__ import annotations

import io
from typing import Callable

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Emu, Inches, Pt

from ..briefing import (BulletsItem, ChartItem, MetricItem, Section, TableItem, TextItem, Briefing, known_items, unknown_item)
from . import fit
from .png import PngRenderer, png_size
from .pptx_charts import add_native_chart

W, H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
INSET = Inches(0.05)                   # every text box's inner margin, left/right and top/bottom
TITLE_TOP, TITLE_H = Inches(0.3), Inches(0.8)
LEAD_TOP, LEAD_H = Inches(1.1), Inches(0.75)
BODY_TOP = Inches(1.95)
FOOTER_TOP, FOOTER_H = H - Inches(0.5), Inches(0.32)
BODY_BOTTOM = FOOTER_TOP - Inches(0.12)
INK = RGBColor(0x1B, 0x1F, 0x24)
MUTED = RGBColor(0x5F, 0x6B, 0x7A)
GOOD = RGBColor(0x2E, 0x7D, 0x32)
BAD = RGBColor(0xC6, 0x28, 0x28)
LINE = RGBColor(0xD9, 0xDE, 0xE5)
HEADER_FILL = RGBColor(0xEE, 0xF1, 0xF5)
TILES_PER_SLIDE = 6
MAX_TABLE_COLS = 7
CELL_MX, CELL_MY = Inches(0.06), Inches(0.04)
CHART_CATEGORIES_PER_SLIDE = 10


def _rgb(hex_colour: str) -> RGBColor:
    h = hex_colour.lstrip("#")
    return RGBColor(int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))


def _style_run(run, size: float, bold: bool = False, color: RGBColor = INK) -> None:
    run.font.name = fit.FONT_NAME
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color


def _para_size(p, size: float) -> None:
    """Give a paragraph itself the size of its text (its default and end-of-paragraph mark): PowerPoint and
    LibreOffice take a line's height from the largest of these, and the template's default is 18 pt."""
    p.font.size = Pt(size)
    p._p.get_or_add_endParaRPr().set("sz", str(int(size * 100)))


def _frame(tf) -> None:
    """Fix a text frame's margins and turn autofit off, so what was measured is what is drawn."""
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = INSET
    tf.margin_top = tf.margin_bottom = INSET


class _Deck:
    def __init__(self, b: Briefing, render: Callable[[dict], bytes]):
        self.b = b
        self.render = render
        self.accent = _rgb(b.brand.accent)
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = W, H
        self.blank = self.prs.slide_layouts[6]

    # -- primitives ------------------------------------------------------------------------------
    def text(self, slide, left, top, width, height, text: str, sizes: tuple[float, ...], bold: bool = False,
             color: RGBColor = INK, notes: list[str] | None = None):
        """Add a text box at the largest of `sizes` that fits; at the smallest, cut at a word (full text to `notes`)."""
        inner_w, inner_h = width - 2 * INSET, height - 2 * INSET
        size = fit.fit_size(text, inner_w, inner_h, sizes, bold)
        if size is None:
            size = sizes[-1]
            short = fit.shorten(text, size, inner_w, inner_h, bold)
            if short != text and notes is not None:
                notes.append(text)
            text = short
        box = slide.shapes.add_textbox(left, top, width, height)
        _frame(box.text_frame)
        para = box.text_frame.paragraphs[0]
        _para_size(para, size)
        _style_run(para.add_run(), size, bold, color)
        para.runs[0].text = text
        return box

    def slide(self, title: str, lead: str = "", notes: str = ""):
        """Add a blank slide with a title, an accent rule, an optional lead, a footer and speaker notes; returns it."""
        s = self.prs.slides.add_slide(self.blank)
        extra: list[str] = []
        self.text(s, MARGIN, TITLE_TOP, W - 2 * MARGIN, TITLE_H, title, (30, 26, 22, 20), bold=True, notes=extra)
        rule = s.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN + INSET, TITLE_TOP + TITLE_H, Inches(1.2), Inches(0.05))
        rule.fill.solid()
        rule.fill.fore_color.rgb = self.accent
        rule.line.fill.background()
        if lead:
            self.text(s, MARGIN, LEAD_TOP + Inches(0.05), W - 2 * MARGIN, LEAD_H, lead, (16, 14, 13, 12), color=MUTED,
                      notes=extra)
        self.footer(s)
        body = "\n".join([notes] + extra).strip()
        if body:
            s.notes_slide.notes_text_frame.text = body
        return s

    def footer(self, s) -> None:
        """Add the footer: who it is from, audience and period; the logo at the right when the workspace has one."""
        b = self.b
        who = f"{b.owner_name} · " if b.owner_name else ""
        logo_w = self.logo(s, W - MARGIN, FOOTER_TOP, FOOTER_H, right=True)
        self.text(s, MARGIN, FOOTER_TOP, W - 2 * MARGIN - logo_w, FOOTER_H, f"{who}{b.audience_name} · {b.period_text}",
                  (10, 9), color=MUTED)

    def logo(self, s, x: int, top: int, height: int, right: bool = False) -> int:
        """Place the brand logo `height` high (its right edge at x when right); return its width (0 without a logo)."""
        png = self.b.brand.logo_png
        if not png:
            return 0
        pw, ph = png_size(png)
        w = int(height * pw / ph)
        w = min(w, Inches(2.5))
        h = int(w * ph / pw)
        s.shapes.add_picture(io.BytesIO(png), x - w if right else x, top + (height - h) // 2, Emu(w), Emu(h))
        return w + Inches(0.15)

    # -- slides ----------------------------------------------------------------------------------
    def cover(self) -> None:
        """Add the title slide: company (and logo), the briefing's name, its question, audience, period and date."""
        b = self.b
        s = self.prs.slides.add_slide(self.blank)
        band = s.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Inches(0.35), H)
        band.fill.solid()
        band.fill.fore_color.rgb = self.accent
        band.line.fill.background()
        extra: list[str] = []
        top = Inches(0.8)
        logo_w = self.logo(s, MARGIN + Inches(0.2), top, Inches(0.9))
        if b.owner_name:
            self.text(s, MARGIN + Inches(0.2) + logo_w, top, W - 2 * MARGIN - logo_w, Inches(0.9), b.owner_name,
                      (24, 20, 18), bold=True, color=self.accent, notes=extra)
        question = b.title.split(": ", 1)[1] if b.title.startswith(f"{b.audience_name}: ") else b.title
        left, width = MARGIN + Inches(0.2), W - 2 * MARGIN - Inches(0.2)
        self.text(s, left, Inches(2.2), width, Inches(1.0), f"{b.audience_name} briefing", (44, 40, 36), bold=True)
        self.text(s, left, Inches(3.25), width, Inches(1.3), question, (24, 22, 20, 18), notes=extra)
        self.text(s, left, Inches(4.75), width, Inches(0.6), f"For {b.audience_name} · {b.period_text}", (20, 18, 16),
                  color=MUTED, notes=extra)
        self.text(s, left, Inches(5.4), width, Inches(0.5), f"Prepared {b.generated_at:%-d %B %Y}", (16, 14), color=MUTED)
        notes = [b.headline, f"The concern it answers: {b.concern}"]
        if b.cares_about:
            notes.append(f"What {b.audience_name} look for: {', '.join(b.cares_about)}.")
        s.notes_slide.notes_text_frame.text = "\n".join(notes + b.notices + extra)

    def tiles(self, s: Section, metrics: list[MetricItem]) -> None:
        """Add metric tiles (six per slide) with value, change and period; definitions and long notes in the notes."""
        for start in range(0, len(metrics), TILES_PER_SLIDE):
            chunk = metrics[start:start + TILES_PER_SLIDE]
            title = s.title + (" (continued)" if start else "")
            notes = [f"{m.label}: {m.definition} Source: {m.source}." + (f" Note: {m.note}." if m.note else "")
                     for m in chunk]
            slide = self.slide(title, s.lead if not start else "", "\n".join(notes))
            extra: list[str] = []
            cols, gap = 3, Inches(0.3)
            tw = (W - 2 * MARGIN - gap * (cols - 1)) // cols
            th = (BODY_BOTTOM - BODY_TOP - gap) // 2
            for i, m in enumerate(chunk):
                left = MARGIN + (tw + gap) * (i % cols)
                top = BODY_TOP + (th + gap) * (i // cols)
                rect = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, tw, th)
                rect.adjustments[0] = 0.06
                rect.fill.background()
                rect.line.color.rgb = LINE
                pad, x, w = Inches(0.12), left + Inches(0.12), tw - Inches(0.24)
                y = top + pad
                self.text(slide, x, y, w, Inches(0.42), m.label, (15, 13, 12), color=MUTED, notes=extra)
                self.text(slide, x, y + Inches(0.42), w, Inches(0.72), m.value_text, (36, 32, 28, 24), bold=True)
                ch = m.change_text
                colour = GOOD if m.trend == "better" else BAD if m.trend == "worse" else MUTED
                change = f"{ch} vs previous period" if ch != "—" else "no previous period to compare"
                self.text(slide, x, y + Inches(1.14), w, Inches(0.36), change, (14, 12, 11), color=colour)
                small = m.period + (f" · {m.note}" if m.note else "")
                rest = top + th - pad - (y + Inches(1.5))
                self.text(slide, x, y + Inches(1.5), w, rest, small, (11, 10, 9), color=MUTED, notes=extra)
            if extra:
                tf = slide.notes_slide.notes_text_frame
                tf.text = tf.text + "\n" + "\n".join(extra)

    def chart(self, s: Section, c: ChartItem, first: bool) -> None:
        """Add one chart: native and editable when the briefing gives its series, else a PNG scaled to fit."""
        notes = "\n".join(x for x in [s.notes, f"Chart: {c.alt}" if c.alt else ""] if x)
        box_w, box_h = W - 2 * MARGIN, BODY_BOTTOM - BODY_TOP
        if c.plot is not None and c.plot.categories:
            n = len(c.plot.categories)
            per = CHART_CATEGORIES_PER_SLIDE if c.plot.kind == "bar" else n  # trends stay whole on one slide
            for start in range(0, n, per):
                part = c.plot.model_copy(update={
                    "categories": c.plot.categories[start:start + per],
                    "series": [x.model_copy(update={"values": x.values[start:start + per]}) for x in c.plot.series]})
                title = s.title if first and not start else f"{s.title}: {c.title}"
                slide = self.slide(title + (" (continued)" if start else ""), s.lead if first and not start else "", notes)
                h = box_h if c.plot.kind != "bar" else min(box_h, Inches(1.3) + Inches(0.42) * len(part.categories))
                add_native_chart(slide, part, c.title, MARGIN, BODY_TOP, box_w, h, self.accent)
            return
        slide = self.slide(s.title if first else f"{s.title}: {c.title}", s.lead if first else "", notes)
        png = self.render(c.spec)
        pw, ph = png_size(png)
        scale = min(box_w / pw, box_h / ph)
        w, h = int(pw * scale), int(ph * scale)
        slide.shapes.add_picture(io.BytesIO(png), MARGIN + (box_w - w) // 2, BODY_TOP, Emu(w), Emu(h))

    def table(self, s: Section, t: TableItem, first: bool) -> None:
        """Add a table on as many slides as its rows need: no header breaks mid-word, no row runs over the footer."""
        from .pptx_tables import layout_table

        width = W - 2 * MARGIN
        lay = layout_table(t, width, BODY_BOTTOM - BODY_TOP, MAX_TABLE_COLS, CELL_MX, CELL_MY)
        hidden = [c.label for c in t.columns[len(lay.columns):]]
        for n, rows in enumerate(lay.pages):
            name = t.title or s.title
            title = s.title if first and not n else f"{s.title}: {name}" + (" (continued)" if n else "")
            notes = s.notes + (f"\nColumns not shown on the slide: {', '.join(hidden)}." if hidden else "")
            slide = self.slide(title, s.lead if first and not n else (t.title if first and not n else ""), notes)
            heights = [lay.header_height] + [lay.row_heights[i] for i in rows]
            shape = slide.shapes.add_table(len(heights), len(lay.columns), MARGIN, BODY_TOP, width, sum(heights))
            tbl = shape.table
            tbl.first_row = True
            for j, w in enumerate(lay.widths):
                tbl.columns[j].width = w
            for i, h in enumerate(heights):
                tbl.rows[i].height = h
            for j, c in enumerate(lay.columns):
                self._cell(tbl.cell(0, j), c.label, lay.size, bold=True, fill=HEADER_FILL)
            for i, r in enumerate(rows, start=1):
                for j, text in enumerate(lay.cells[r]):
                    self._cell(tbl.cell(i, j), text, lay.size, fill=None)

    def _cell(self, cell, text: str, size: float, bold: bool = False, fill: RGBColor | None = None) -> None:
        cell.margin_left = cell.margin_right = CELL_MX
        cell.margin_top = cell.margin_bottom = CELL_MY
        if fill is not None:
            cell.fill.solid()
            cell.fill.fore_color.rgb = fill
        else:
            cell.fill.background()
        tf = cell.text_frame
        tf.word_wrap = True
        _para_size(tf.paragraphs[0], size)
        if not text:
            return
        run = tf.paragraphs[0].add_run()
        run.text = text
        _style_run(run, size, bold, INK)

    def words(self, s: Section, items: list, first: bool) -> None:
        """Text and bullets on as few slides as fit: the font shrinks to 12 pt, then a continuation slide follows."""
        paras: list[tuple[str, str]] = []   # (kind, text): head | line | text | muted | warn
        for item in items:
            if isinstance(item, TextItem):
                if item.text != s.lead:
                    paras.append(("warn" if item.tone == "warning" else "text", item.text))
            elif isinstance(item, BulletsItem):
                if item.title:
                    paras.append(("head", item.title))
                paras += [("line", f"• {line}") for line in item.bullets]
            elif isinstance(item, str):
                paras.append(("muted", item))
        box_w, box_h = W - 2 * MARGIN, BODY_BOTTOM - BODY_TOP
        inner_w, inner_h = box_w - 2 * INSET, box_h - 2 * INSET

        def height(chunk, size):
            return fit.paragraphs_height([(t, size + 2 if k == "head" else size, k == "head") for k, t in chunk],
                                         inner_w, space_after=6)
        pages, page = [], []
        for p in paras:
            if page and height(page + [p], 12) > inner_h:
                pages.append(page)
                page = []
            page.append(p)
        pages.append(page)
        for n, chunk in enumerate(pages):
            size = next((sz for sz in (18, 16, 14, 12) if height(chunk, sz) <= inner_h), 12)
            title = s.title + (" (continued)" if n else "")
            slide = self.slide(title, s.lead if first and not n else "", s.notes)
            box = slide.shapes.add_textbox(MARGIN, BODY_TOP, box_w, box_h)
            tf = box.text_frame
            _frame(tf)
            for k, (kind, text) in enumerate(chunk):
                p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
                _para_size(p, size + 2 if kind == "head" else size)
                run = p.add_run()
                run.text = text
                colour = BAD if kind == "warn" else MUTED if kind == "muted" else INK
                _style_run(run, size + 2 if kind == "head" else size, kind == "head", colour)
                p.space_after = Pt(6)

    def section(self, s: Section) -> None:
        """Add the slides of one section: tiles, then text, then each chart and table on its own."""
        if s.error or (s.empty and not s.items):
            self.words(s, [s.error or s.empty], True)
            return
        known_items(s, "pptx")
        metrics = [i for i in s.items if isinstance(i, MetricItem)]
        first = True
        if metrics:
            self.tiles(s, metrics)
            first = False
        words = [i for i in s.items if isinstance(i, (TextItem, BulletsItem))]
        meaningful = [w for w in words if not (isinstance(w, TextItem) and w.text == s.lead)]
        if meaningful or (first and not any(isinstance(i, (ChartItem, TableItem)) for i in s.items)):
            self.words(s, words, first)
            first = False
        for item in s.items:
            if isinstance(item, ChartItem):
                self.chart(s, item, first)
                first = False
            elif isinstance(item, TableItem):
                self.table(s, item, first)
                first = False
            elif not isinstance(item, (MetricItem, TextItem, BulletsItem)):
                raise unknown_item(item, "pptx")

    def build(self) -> bytes:
        """Return the finished deck as bytes."""
        self.cover()
        for s in self.b.sections:
            self.section(s)
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


def briefing_pptx(b: Briefing, render: Callable[[dict], bytes] | None = None) -> bytes:
    """Return the briefing as .pptx bytes: a title slide, then one idea per slide with definitions in the notes."""
    return _Deck(b, render or PngRenderer()).build()
