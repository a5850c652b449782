"""Rejected rows: found in file order with row, column, value and reason, refused when nothing is usable, written as CSV."""
from __future__ import annotations

import bisect
import csv
import re
import tempfile
from pathlib import Path

import pandas as pd

from ..exports.cells import safe_cell
from ..store import ingest_store
from .plan import _Prepared
from .types import MAX_VALUE_CHARS, ImportRefused

REJECTS_DIR = Path(tempfile.gettempdir()) / "pillars-rejects"


_STRUCTURAL = {
    "MISSING COLUMNS": "row has fewer values than the header",
    "TOO MANY COLUMNS": "row has more values than the header",
    "LINE SIZE OVER MAXIMUM": f"row is longer than {ingest_store.MAX_LINE_BYTES >> 20} MB",
    "INVALID UNICODE": "row has bytes that are not valid text",
    "INVALID ENCODING": "row has bytes that are not valid text",
}


def _structural_reason(s: dict) -> str:
    # never the reader's own message: an unknown error type is said in words (issue 14)
    base = _STRUCTURAL.get(s["error_type"], "row cannot be split into the header's columns (check its quotes and "
                                            "delimiters)")
    m = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", s["message"] or "")
    if m:
        base = f"row has {m.group(2)} values, the header has {m.group(1)}"
    return base


def _collect_rejects(cur, prep: _Prepared, sc: ingest_store.Scan, limit: int | None = None) -> pd.DataFrame:
    """Return rejects (row_number, column, value, reason) in file order; structural rows shift value-row numbers."""
    info, plan = prep.info, prep.plan
    def colname(c):
        if not c:
            return None
        try:
            return info.header[int(str(c).lstrip("c"))]
        except (ValueError, IndexError):
            return str(c)

    for s in sc.structural:
        if s["error_type"] == "UNQUOTED VALUE":
            col = colname(s["column"])
            raise ImportRefused(
                f"{info.display_name}: row {s['line'] + info.row_offset}"
                + (f", column '{col}'" if col else "")
                + ": a quoted value is never closed (unterminated quote), so the rest of the file cannot be split "
                  "into rows. Close the quote (or remove the stray \") and retry")
    out = []
    for s in sc.structural:
        col = colname(s["column"]) if s["error_type"] != "TOO MANY COLUMNS" else None
        out.append((s["line"] + info.row_offset, col, s["csv_line"][:MAX_VALUE_CHARS], _structural_reason(s)))
    if sc.bad:
        # a parsed row's position skips the unsplittable rows before it: add them back
        thresholds = [line - k for k, line in enumerate(sorted(s["line"] for s in sc.structural))]
        for line, code, value in ingest_store.bad_rows(cur, sc, limit):
            shift = bisect.bisect_right(thresholds, line)
            check = plan.checks[code - 1]
            text = "" if value is None else str(value)
            out.append((line + shift + info.row_offset, check.column, text[:MAX_VALUE_CHARS],
                        check.reason.replace("{value}", text[:80])))
    df = pd.DataFrame(out, columns=["row_number", "column", "value", "reason"])
    return df.sort_values("row_number", kind="stable").reset_index(drop=True)


def write_rejects_csv(df: pd.DataFrame, import_id: str) -> str:
    """Write rejects to <tmp>/pillars-rejects/<import_id>.csv (cells safe from formula injection); returns the path."""
    REJECTS_DIR.mkdir(parents=True, exist_ok=True)
    path = REJECTS_DIR / f"{import_id}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["row_number", "column", "value", "reason"])
        for row in df.itertuples(index=False):
            w.writerow([safe_cell(x, xml=False) for x in row])
    return str(path)


def rejects_csv_bytes(df: pd.DataFrame) -> bytes:
    """Return rejects as UTF-8 CSV bytes with every cell safe from formula injection (for downloads)."""
    safe = df.apply(lambda col: col.map(lambda v: safe_cell(v, xml=False))) if not df.empty else df
    return safe.to_csv(index=False).encode("utf-8")


def _direct_rejects(cur, prep: _Prepared, sc: ingest_store.Scan) -> pd.DataFrame:
    """Return the rejects of a one-pass import; rows that failed a check are found by reading the file again.

    The second read keeps only each row's check code, and happens only when some row failed.
    """
    if not sc.bad:
        return _collect_rejects(cur, prep, sc)
    codes = ingest_store.stage(cur, prep.plan, values=False)
    try:
        if codes.bad != sc.bad:
            raise ImportRefused(f"{prep.info.display_name}: the file changed while it was imported "
                                f"({sc.bad} then {codes.bad} rows failed the checks); nothing was saved")
        return _collect_rejects(cur, prep, codes)
    finally:
        ingest_store.drop_stage(cur, codes)


def _refuse_unusable(prep: _Prepared, sc: ingest_store.Scan, rejects: pd.DataFrame | None) -> None:
    name = prep.info.display_name
    rows_read = sc.parsed + len(sc.structural)
    if rows_read == 0:
        raise ImportRefused(f"{name}: the file has a header row but no data rows; export it again with the data")
    if sc.parsed - sc.bad == 0:
        first = rejects.head(3) if rejects is not None else pd.DataFrame()
        detail = "; ".join(f"row {r.row_number}" + (f", column '{r.column}'" if r.column else "") + f": {r.reason}"
                           for r in first.itertuples())
        raise ImportRefused(f"{name}: none of the {rows_read:,} rows could be imported as {prep.plan.kind}"
                            + (f" ({detail})" if detail else "") + ". Check the column mapping and types, or the --kind")


