"""Spreadsheet cells safe from formula injection (OWASP "CSV injection"): the one guard every xlsx and csv writer uses.

The workbook export (exports/xlsx.py) uses `xlsx_text` (the text kept as written, in a cell with
Excel's quote-prefix style); CSV has no styles, so the rejects CSV of an import (ingest/rejects.py) and
the RACI matrix CSV (roadmap/raci.py). This module imports nothing of Pillars, so any area may use it.
"""
from __future__ import annotations

import re
from typing import Any

# A value starting with one of these is read as a formula (or as a DDE trigger) by Excel,
# LibreOffice and Google Sheets; OWASP's advice is to prefix it with a single quote. The full-width
# forms (U+FF1D = U+FF0B + U+FF0D - U+FF20 @) are included: spreadsheets in CJK locales fold them
# to their ASCII twins when a cell is edited.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Characters XML 1.0 (and so .xlsx) cannot hold; openpyxl refuses them, so they are dropped.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def guard_formula(text: str) -> str:
    """Return text with a leading "'" when a spreadsheet would read it as a formula, else text unchanged."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def formula_like(text: str) -> bool:
    """Return True when a spreadsheet would read the text as a formula (it starts with a trigger such as '=')."""
    return text.startswith(FORMULA_TRIGGERS)


def xlsx_text(value: Any) -> tuple[Any, bool]:
    """Return (value for an .xlsx cell, whether the cell needs Excel's quote-prefix style) with no visible apostrophe.

    Formula-looking text is kept as written, to be stored as a text cell with `quotePrefix` set: the
    file holds no formula, and Excel, LibreOffice and Google Sheets keep it text even when a person
    edits the cell (the style is Excel's own way to say "this is text"). Control characters XML
    cannot hold are removed; numbers, dates and None pass through.
    """
    if value is None or isinstance(value, (bool, int, float)) or hasattr(value, "isoformat"):
        return value, False
    text = _ILLEGAL_XML.sub("", value if isinstance(value, str) else str(value))
    return text, formula_like(text)


def safe_cell(value: Any, *, xml: bool = True) -> Any:
    """Return value ready for a spreadsheet cell: text starting with a formula trigger gets a leading "'".

    Numbers, booleans, dates and None pass through unchanged (they are never formulas). For an .xlsx
    cell (`xml=True`) any other object is turned into text first and control characters that XML
    cannot hold are removed; for a CSV cell (`xml=False`) only text is touched, and kept whole.
    """
    if not isinstance(value, str):
        if not xml or value is None or isinstance(value, (bool, int, float)) or hasattr(value, "isoformat"):
            return value
        value = str(value)
    return guard_formula(_ILLEGAL_XML.sub("", value) if xml else value)
