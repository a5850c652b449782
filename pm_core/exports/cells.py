"""Spreadsheet cells safe from formula injection (OWASP "CSV injection"), shared by every sheet Pillars writes."""
from __future__ import annotations

import re
from typing import Any

# A value starting with one of these is read as a formula (or as a DDE trigger) by Excel,
# LibreOffice and Google Sheets; OWASP's advice is to prefix it with a single quote.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Characters XML 1.0 (and so .xlsx) cannot hold; openpyxl refuses them, so they are dropped.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value: Any) -> Any:
    """Return value ready for a spreadsheet cell: text starting with = + - @ tab CR or LF gets a leading "'".

    Numbers, booleans, dates and None pass through unchanged (they are never formulas); any other
    object is turned into text first. Control characters that XML cannot hold are removed.
    """
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value
    text = _ILLEGAL_XML.sub("", value if isinstance(value, str) else str(value))
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text
