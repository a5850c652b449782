"""Exports of a briefing: PowerPoint, Excel, self-contained HTML, and PNG of any chart (bytes out, no files).

Every exporter renders the same `pm_core.briefing.Briefing`, so a deck, a workbook and an HTML file
of one view show the same content; the page only offers the bytes for download.
"""
from __future__ import annotations

import re

from ..briefing import Briefing

FORMATS = ("pptx", "xlsx", "html")
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "png": "image/png",
}


def export_briefing(b: Briefing, fmt: str) -> bytes:
    """Return the briefing in one format ('pptx', 'xlsx' or 'html'); raise ValueError naming the formats otherwise."""
    if fmt == "pptx":
        from .pptx import briefing_pptx

        return briefing_pptx(b)
    if fmt == "xlsx":
        from .xlsx import briefing_xlsx

        return briefing_xlsx(b, currency=_currency(b))
    if fmt == "html":
        from .html import briefing_html

        return briefing_html(b)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def _currency(b: Briefing) -> str:
    for s in b.sections:
        for m in s.metrics():
            return m.currency
    return "USD"


def file_name(b: Briefing, fmt: str) -> str:
    """Return a download name such as 'pillars-executives-2026-Q3.pptx' (only letters, digits and dashes)."""
    stem = re.sub(r"[^A-Za-z0-9-]+", "-", f"pillars-{b.audience_id}-{b.period}").strip("-")
    return f"{stem}.{fmt}"
