"""Exports of a briefing: PowerPoint, Excel, self-contained HTML, and PNG of any chart (bytes out, no files).

Every exporter renders the same `pm_core.briefing.Briefing`, so a deck, a workbook and an HTML file
of one view show the same content; the page only offers the bytes for download.

The formats are declared once, in `EXPORT_FORMATS` (label, icon, MIME type, file extension,
renderer): the CLI's `export` choices, the download buttons of the Stakeholder views and
Executive presentation pages, and the README's `export {...}` line are all read from it (the last
checked by tests/core/test_exports.py). A new format is one `ExportFormat(...)` and its renderer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from ..briefing import Briefing, ChartItem, known_items


# The renderers import their libraries when called, not when this module is imported: the pages
# and the CLI import pm_core.exports for the list of formats, and `import openpyxl` alone takes
# 0.98 s, `import vl_convert` 0.97 s and `import pptx` 0.09 s (python -X importtime, this machine).
def _pptx(b: Briefing) -> bytes:
    from .pptx import briefing_pptx

    return briefing_pptx(b)


def _xlsx(b: Briefing) -> bytes:
    from .xlsx import briefing_xlsx

    return briefing_xlsx(b, currency=_currency(b))


def _html(b: Briefing) -> bytes:
    from .html import briefing_html

    return briefing_html(b)


def _png(spec: Any) -> bytes:
    from .png import chart_png

    return chart_png(spec)


@dataclass(frozen=True)
class ExportFormat:
    """One export format: how the pages and the CLI name it, and what renders it."""

    id: str                          # the CLI's `export FORMAT` and the file extension
    label: str                       # the download button's text
    icon: str                        # the download button's Material icon
    mime: str
    render: Callable[[Any], bytes]   # a Briefing (of_chart False) or one chart's Vega-Lite spec (True)
    of_chart: bool = False           # True: one chart of a briefing, not the whole briefing

    @property
    def extension(self) -> str:
        """Return the file extension, without the dot."""
        return self.id


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("pptx", "PowerPoint deck", ":material/slideshow:",
                 "application/vnd.openxmlformats-officedocument.presentationml.presentation", _pptx),
    ExportFormat("xlsx", "Excel workbook", ":material/table_view:",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx),
    ExportFormat("html", "HTML briefing (offline)", ":material/description:", "text/html", _html),
    ExportFormat("png", "PNG of this chart", ":material/image:", "image/png", _png, of_chart=True),
)
EXPORT_BY_ID: dict[str, ExportFormat] = {f.id: f for f in EXPORT_FORMATS}
FORMATS: tuple[str, ...] = tuple(f.id for f in EXPORT_FORMATS if not f.of_chart)   # whole-briefing formats
BRIEFING_FORMATS: tuple[ExportFormat, ...] = tuple(f for f in EXPORT_FORMATS if not f.of_chart)
MIME: dict[str, str] = {f.id: f.mime for f in EXPORT_FORMATS}


def export_briefing(b: Briefing, fmt: str) -> bytes:
    """Return the briefing in one format ('pptx', 'xlsx' or 'html'); raise ValueError naming the formats otherwise."""
    f = EXPORT_BY_ID.get(fmt)
    if f is None or f.of_chart:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return f.render(b)


def export_chart(spec: Any, fmt: str = "png") -> bytes:
    """Return one chart (a Vega-Lite spec or Altair chart) in a chart format ('png')."""
    f = EXPORT_BY_ID.get(fmt)
    if f is None or not f.of_chart:
        raise ValueError(f"unknown chart format {fmt!r}; use one of "
                         f"{', '.join(x.id for x in EXPORT_FORMATS if x.of_chart)}")
    return f.render(spec)


def briefing_charts(b: Briefing) -> list[ChartItem]:
    """Return a briefing's charts for the PNG export, after checking every item is known (UnknownItemError if not)."""
    for s in b.sections:
        known_items(s, "png")
    return b.charts()


def _currency(b: Briefing) -> str:
    for s in b.sections:
        for m in s.metrics():
            return m.currency
    return "USD"


def file_name(b: Briefing, fmt: str, variant: str | None = None) -> str:
    """Return a download name such as 'pillars-executives-2026-Q3.pptx' (only letters, digits and dashes).

    A variant of the same audience's briefing gets its own name, so the executive presentation's
    deck ('pillars-executives-presentation-2026-Q3.pptx') does not overwrite the executives view's.
    """
    parts = ["pillars", b.audience_id, *([variant] if variant else []), b.period]
    stem = re.sub(r"[^A-Za-z0-9-]+", "-", "-".join(parts)).strip("-")
    return f"{stem}.{EXPORT_BY_ID[fmt].extension if fmt in EXPORT_BY_ID else fmt}"
