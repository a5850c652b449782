"""PowerPoint deck of a briefing (python-pptx): one idea per slide, charts as PNGs from the page's own specs.

A section becomes one or more slides: headline numbers as tiles (six per slide), each chart on its
own slide, each table on its own slide (ten rows per slide), text and bullets together. Speaker
notes carry the section's definitions and sources, so whoever presents can answer "how is that
counted?". Text is placed as text runs, which python-pptx escapes for XML.
"""
from __future__ import annotations

import io
from typing import Callable

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Emu, Inches, Pt

from ..briefing import (BulletsItem, ChartItem, MetricItem, Section, TableItem, TextItem, Briefing, format_cell,
                        known_items, unknown_item)
from .png import PngRenderer, png_size

W, H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
INK = RGBColor(0x1B, 0x1F, 0x24)
MUTED = RGBColor(0x5F, 0x6B, 0x7A)
GOOD = RGBColor(0x2E, 0x7D, 0x32)
BAD = RGBColor(0xC6, 0x28, 0x28)
LINE = RGBColor(0xD9, 0xDE, 0xE5)
TILES_PER_SLIDE = 6
ROWS_PER_SLIDE = 10
MAX_TABLE_COLS = 7


def _lines_height(paras: list[tuple[str, str]], size: int, width: int) -> int:
    """Return the estimated height (EMU) of paragraphs at a font size: ~0.5 em per character, 1.2 line spacing + 6 pt gap."""
    chars_per_line = max(20, int(width / Pt(size) / 0.5))
    lines = sum(max(1, -(-len(text) // chars_per_line)) for _, text in paras)
    return int(lines * Pt(size) * 1.2 + len(paras) * Pt(6))


class _Deck:
    def __init__(self, b: Briefing, render: Callable[[dict], bytes]):
        self.b = b
        self.render = render
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = W, H
        self.blank = self.prs.slide_layouts[6]

    # -- primitives ------------------------------------------------------------------------------
    def text(self, slide, left, top, width, height, text: str, size: int, bold: bool = False,
             color: RGBColor = INK, wrap: bool = True):
        """Add a text box with one run of text; returns the shape."""
        box = slide.shapes.add_textbox(left, top, width, height)
        tf = box.text_frame
        tf.word_wrap = wrap
        p = tf.paragraphs[0]
        run = p.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = color
        return box

    def slide(self, title: str, lead: str = "", notes: str = ""):
        """Add a blank slide with a title, an optional lead, a footer and speaker notes; returns it."""
        s = self.prs.slides.add_slide(self.blank)
        self.text(s, MARGIN, Inches(0.35), W - 2 * MARGIN, Inches(0.8), title, 30, bold=True)
        if lead:
            self.text(s, MARGIN, Inches(1.1), W - 2 * MARGIN, Inches(0.7), lead, 16, color=MUTED)
        footer = f"{self.b.audience_name} · {self.b.period_text}"
        self.text(s, MARGIN, H - Inches(0.5), W - 2 * MARGIN, Inches(0.3), footer, 10, color=MUTED)
        if notes:
            s.notes_slide.notes_text_frame.text = notes
        return s

    # -- slides ----------------------------------------------------------------------------------
    def cover(self) -> None:
        """Add the cover slide: title, headline, concern, audience and period."""
        b = self.b
        s = self.prs.slides.add_slide(self.blank)
        self.text(s, MARGIN, Inches(1.4), W - 2 * MARGIN, Inches(1.4), b.title, 36, bold=True)
        self.text(s, MARGIN, Inches(3.0), W - 2 * MARGIN, Inches(1.2), b.headline, 22)
        self.text(s, MARGIN, Inches(4.4), W - 2 * MARGIN, Inches(0.8), f"The concern it answers: {b.concern}", 16, color=MUTED)
        when = f"{b.audience_name} · {b.period_text} · generated {b.generated_at:%d %b %Y %H:%M} UTC"
        self.text(s, MARGIN, Inches(5.4), W - 2 * MARGIN, Inches(0.5), when, 14, color=MUTED)
        notes = [f"What {b.audience_name} look for: {', '.join(b.cares_about)}."] if b.cares_about else []
        s.notes_slide.notes_text_frame.text = "\n".join(notes + b.notices) or b.concern

    def tiles(self, s: Section, metrics: list[MetricItem]) -> None:
        """Add metric tiles (six per slide) with value, change and period; definitions in the notes."""
        for start in range(0, len(metrics), TILES_PER_SLIDE):
            chunk = metrics[start:start + TILES_PER_SLIDE]
            title = s.title + (" (continued)" if start else "")
            notes = "\n".join(f"{m.label}: {m.definition} Source: {m.source}." + (f" Note: {m.note}." if m.note else "")
                              for m in chunk)
            slide = self.slide(title, s.lead if not start else "", notes)
            cols = 3
            gap = Inches(0.3)
            tw = (W - 2 * MARGIN - gap * (cols - 1)) // cols
            th = Inches(2.3)
            for i, m in enumerate(chunk):
                left = MARGIN + (tw + gap) * (i % cols)
                top = Inches(1.9) + (th + gap) * (i // cols)
                rect = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, tw, th)
                rect.fill.background()
                rect.line.color.rgb = LINE
                pad = Inches(0.2)
                self.text(slide, left + pad, top + Inches(0.1), tw - 2 * pad, Inches(0.45), m.label, 15, color=MUTED)
                self.text(slide, left + pad, top + Inches(0.5), tw - 2 * pad, Inches(0.8), m.value_text, 36, bold=True)
                ch = m.change_text
                colour = GOOD if m.trend == "better" else BAD if m.trend == "worse" else MUTED
                self.text(slide, left + pad, top + Inches(1.3), tw - 2 * pad, Inches(0.4),
                          f"{ch} vs previous period" if ch != "—" else "no previous period to compare", 14, color=colour)
                small = m.period + (f" · {m.note}" if m.note else "")
                self.text(slide, left + pad, top + Inches(1.7), tw - 2 * pad, Inches(0.5), small, 11, color=MUTED)

    def chart(self, s: Section, c: ChartItem, first: bool) -> None:
        """Add one chart as a PNG scaled to fit the slide."""
        notes = "\n".join(x for x in [s.notes, f"Chart: {c.alt}" if c.alt else ""] if x)
        slide = self.slide(s.title if first else f"{s.title}: {c.title}", s.lead if first else "", notes)
        png = self.render(c.spec)
        pw, ph = png_size(png)
        box_w, box_h = W - 2 * MARGIN, H - Inches(1.9) - Inches(0.7)
        scale = min(box_w / pw, box_h / ph)
        w, h = int(pw * scale), int(ph * scale)
        slide.shapes.add_picture(io.BytesIO(png), MARGIN + (box_w - w) // 2, Inches(1.9), Emu(w), Emu(h))

    def table(self, s: Section, t: TableItem, first: bool) -> None:
        """Add a table, ten rows per slide, cells formatted as in the other exports."""
        cols = t.columns[:MAX_TABLE_COLS]
        rows = t.rows or [{}]
        for start in range(0, len(rows), ROWS_PER_SLIDE):
            chunk = rows[start:start + ROWS_PER_SLIDE]
            name = t.title or s.title
            title = s.title if first and not start else f"{s.title}: {name}" + (" (continued)" if start else "")
            notes = s.notes + (f"\nColumns not shown on the slide: {', '.join(c.label for c in t.columns[MAX_TABLE_COLS:])}."
                               if len(t.columns) > MAX_TABLE_COLS else "")
            slide = self.slide(title, s.lead if first and not start else (t.title if first else ""), notes)
            top = Inches(1.9)
            shape = slide.shapes.add_table(len(chunk) + 1, len(cols), MARGIN, top, W - 2 * MARGIN,
                                           Inches(0.4) * (len(chunk) + 1))
            tbl = shape.table
            weights = [3 if c.unit == "text" else 1 for c in cols]
            total = sum(weights)
            for j, c in enumerate(cols):
                tbl.columns[j].width = int((W - 2 * MARGIN) * weights[j] / total)
                self._cell(tbl.cell(0, j), c.label, bold=True)
            for i, r in enumerate(chunk, start=1):
                for j, c in enumerate(cols):
                    v = r.get(c.key) if r else None
                    self._cell(tbl.cell(i, j), format_cell(v, c.unit) if r else "No rows.")

    @staticmethod
    def _cell(cell, text: str, bold: bool = False) -> None:
        tf = cell.text_frame
        tf.word_wrap = True
        p = tf.paragraphs[0]
        run = p.add_run()
        run.text = text
        run.font.size = Pt(12)
        run.font.bold = bold

    def words(self, s: Section, items: list, first: bool) -> None:
        """Text and bullets on as few slides as fit: the font shrinks to 12 pt, then a continuation slide follows."""
        paras: list[tuple[str, str]] = []   # (kind, text): head | line | text | muted
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
        box_w, box_h = W - 2 * MARGIN, H - Inches(2.6)
        pages, page = [], []
        for p in paras:
            if page and _lines_height(page + [p], 12, box_w) > box_h:
                pages.append(page)
                page = []
            page.append(p)
        pages.append(page)
        for n, chunk in enumerate(pages):
            size = next((sz for sz in (18, 16, 14, 12) if _lines_height(chunk, sz, box_w) <= box_h), 12)
            title = s.title + (" (continued)" if n else "")
            slide = self.slide(title, s.lead if first and not n else "", s.notes)
            box = slide.shapes.add_textbox(MARGIN, Inches(1.9), box_w, box_h)
            tf = box.text_frame
            tf.word_wrap = True
            for k, (kind, text) in enumerate(chunk):
                p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
                run = p.add_run()
                run.text = text
                run.font.size = Pt(size + 2 if kind == "head" else size)
                run.font.bold = kind == "head"
                run.font.color.rgb = BAD if kind == "warn" else MUTED if kind == "muted" else INK
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
    """Return the briefing as .pptx bytes: a cover slide, then one idea per slide with definitions in the notes."""
    return _Deck(b, render or PngRenderer()).build()
