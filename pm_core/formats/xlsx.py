"""XLSX workbooks: pick a sheet, find its header row, and stream it into a UTF-8 CSV that DuckDB reads.

openpyxl's read-only mode streams rows, so memory stays flat; merged header cells (which only the
full loader can see) are filled from their left neighbour so a merged 'Revenue' over two columns
still names both.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
import zipfile
from pathlib import Path

from .files import FileInfo, SniffError, file_sha256

MERGE_SCAN_LIMIT = 20 << 20
_LOOKS_LIKE_DATA = re.compile(r"[0-9\s.,:/+%$£€T-]+")  # only workbooks under 20 MB are opened fully to read merged ranges


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _merged_header_fill(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """Return {(row, col): text} for cells covered by a merged range (value of its top-left cell), 1-based."""
    import openpyxl

    if path.stat().st_size > MERGE_SCAN_LIMIT:
        return {}
    wb = openpyxl.load_workbook(path, read_only=False, data_only=True)
    try:
        ws = wb[sheet]
        fill = {}
        for rng in ws.merged_cells.ranges:
            if rng.min_row > 12:
                continue
            top = _cell_text(ws.cell(rng.min_row, rng.min_col).value)
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    fill[(r, c)] = top
        return fill
    finally:
        wb.close()


def xlsx_to_csv(path: Path, display_name: str, sheet: str | None) -> FileInfo:
    """Return FileInfo for one sheet of a workbook (first sheet by default), converted to a temp UTF-8 CSV.

    The header row is the first of the top ten rows with the most filled cells; rows above it (titles,
    merged group labels) are skipped and noted. An unknown sheet name is refused listing the sheets.
    """
    import openpyxl

    name = display_name
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SniffError(f"{name}: this ZIP file is not a readable XLSX workbook ({exc}); save it again from Excel as .xlsx") from None
    try:
        sheets = list(wb.sheetnames)
        if not sheets:
            raise SniffError(f"{name}: the workbook has no sheets")
        chosen = sheet or sheets[0]
        if chosen not in sheets:
            raise SniffError(f"{name}: no sheet named {chosen!r}; the sheets are: {', '.join(sheets)}")
        ws = wb[chosen]
        rows = ws.iter_rows(values_only=True)
        top: list[list[str]] = []
        for row in rows:
            top.append([_cell_text(v) for v in row])
            if len(top) >= 10:
                break
        if not any(any(c.strip() for c in r) for r in top):
            raise SniffError(f"{name}: sheet {chosen!r} is empty")
        fill = _merged_header_fill(path, chosen)
        for (r, c), text in fill.items():
            if r <= len(top) and c <= len(top[r - 1]) and not top[r - 1][c - 1].strip():
                top[r - 1][c - 1] = text
        # the header is the row with the most distinct text labels: a merged title repeats one label,
        # data rows hold numbers and dates
        counts = [len({c.strip() for c in r if c.strip() and not _LOOKS_LIKE_DATA.fullmatch(c.strip())}) for r in top]
        hdr_idx = counts.index(max(counts))
        header = list(top[hdr_idx])
        for c in range(len(header)):
            if not header[c].strip() and (hdr_idx + 1, c + 1) in fill:
                header[c] = fill[(hdr_idx + 1, c + 1)]
        # trailing empty header cells are Excel's used-range padding, not columns
        while header and not header[-1].strip():
            header.pop()
        width = len(header)
        for c in range(width):
            if not header[c].strip():
                header[c] = f"column {c + 1}"
        fd, tmp = tempfile.mkstemp(prefix="pillars-xlsx-", suffix=".csv")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            w = csv.writer(out)
            w.writerow(header)
            for r in top[hdr_idx + 1:]:
                if any(c.strip() for c in r):
                    w.writerow((r + [""] * width)[:width])
            for row in rows:
                if row is None:
                    continue
                vals = [_cell_text(v) for v in row]
                if any(v.strip() for v in vals):
                    w.writerow((vals + [""] * width)[:width])
    finally:
        wb.close()
    sha256, size = file_sha256(path)
    info = FileInfo(path=Path(tmp), original=path, display_name=name, container="xlsx", encoding="utf-8",
                    delimiter=",", header=[h_.strip() for h_ in header], sha256=sha256,
                    size=size, sheets=sheets, sheet=chosen, row_offset=hdr_idx,
                    temp_files=[Path(tmp)])
    if hdr_idx:
        info.notes.append(f"sheet {chosen!r}: header found on row {hdr_idx + 1}; {hdr_idx} {'row' if hdr_idx == 1 else 'rows'} above it skipped")
    return info
