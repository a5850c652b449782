"""Import messages in words: DuckDB reader errors turned into what happened and what to do, and CLI hints reworded
for the Data page.

A user never sees the CSV parser's own text ('state machine reached an invalid state'): the row
(counted as in a spreadsheet, header = row 1) and the likely fix are said instead.
"""
from __future__ import annotations

import re

_LINE = re.compile(r"(?:line|Line)\s*:?\s*(\d+)")
# CLI hints in refusal messages and what the Data page says instead (the page has a control for each)
_PAGE_WORDS: tuple[tuple[str, str], ...] = (
    (r"Choose the columns with --map FIELD=COLUMN \(or the mapping on the Data page\)",
     "Choose the columns in the mapping below"),
    (r"Pick the kind with --kind and map columns with --map FIELD=COLUMN",
     "Pick what the file holds in 'What this file holds' and choose its columns in the mapping"),
    (r"choose skip or replace \(--on-duplicate skip\|replace\)", "choose to skip it or to replace the earlier import"),
    (r"Check the column mapping and types, or the --kind", "Check the column mapping and types, or what the file holds"),
    (r"--sheet applies to XLSX workbooks only", "a sheet applies to XLSX workbooks only"),
    (r"\(--map [^)]*\)", "(the mapping)"),
    (r"\(--type [^)]*\)", "(the type drop-downs)"),
    (r"--map FIELD=COLUMN", "the column mapping"),
    (r"--map\b", "the column mapping"),
    (r"--kind\b", "'What this file holds'"),
    (r"--type\b", "the type drop-downs"),
    (r"--sheet\b", "the sheet choice"),
    (r"--currency\b", "the currency choice"),
    (r"--encoding\b", "the encoding choice"),
    (r"--on-duplicate\b", "the duplicate choice"),
    (r"--source\b", "the source choice"),
)


def read_error(exc: BaseException, name: str, delimiter: str, row_offset: int = 0) -> str:
    """Return a DuckDB read failure in words naming the row when the reader gave one (never the reader's text)."""
    text = str(exc)
    m = _LINE.search(text)
    sep = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(delimiter, repr(delimiter))
    where = f"row {int(m.group(1)) + row_offset}" if m else "a row near the start"
    if "quote" in text.lower() and "unterminated" in text.lower():
        what = "a quoted value is never closed"
        fix = "close the quote (or remove the stray \") on that row"
    else:
        what = f"cannot be split into {sep}-separated columns"
        fix = ("check the quotes on that row (a quote inside a value is written as two quotes \"\") and that the "
               "file has one record per line; if it was edited by hand, save it again as CSV (UTF-8) from a "
               "spreadsheet")
    return f"{name}: {where} {what}; {fix}, then retry"


def for_page(message: str) -> str:
    """Return a refusal message as the Data page shows it: CLI flags replaced by the page's own controls."""
    out = str(message)
    for pat, words in _PAGE_WORDS:
        out = re.sub(pat, words, out)
    return out
