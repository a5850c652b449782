"""Spreadsheet cells safe from formula injection (OWASP "CSV injection"): the one guard every xlsx and csv writer uses.

Used by the workbook export (exports/xlsx.py), the rejects CSV of an import (ingest/rejects.py) and
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
