"""Report-style text files made readable as one table: `#` preambles, extra survey header rows, totals rows,
several tables in one file (GA4's reports snapshot) and mixed CRLF/LF line ends.

Everything here works on the decoded UTF-8 text that sniff hands over, before the header is read.
When a file needs none of it the file is left alone (no copy); otherwise one cleaned temp copy is
written and `FileInfo.row_offset` keeps row numbers pointing at the original lines, so a rejected
row is still found where the user sees it. What was understood and assumed is added to `notes`.
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .base import norm
from .files import FileInfo, SniffError

SPLIT_LIMIT = 20 << 20          # several tables are looked for in files up to this size (reports are small)
TAIL_BYTES = 64 << 10           # a totals row is looked for in the last bytes of the file
# first cells that mark a totals row (Google Analytics, Looker, Excel pivots, localized BI tools)
TOTAL_WORDS = {"total", "totals", "grand_total", "gesamt", "gesamtsumme", "summe", "total_general", "totale",
               "totaal", "suma", "sum", "all", "overall", "gesamtergebnis"}
_DATE_LINE = re.compile(r"#\s*(start|end)\s*date\s*[:,]?\s*([0-9]{8}|[0-9]{4}-[0-9]{2}-[0-9]{2})", re.I)
_NTH = re.compile(r"nth[ _](day|week|month)", re.I)
_SM_SUBHEAD = {"response", "open_ended_response", "other_please_specify", ""}


@dataclass
class Table:
    """One table found in a report file: its first line (0-based, in the file) and its lines."""

    start: int
    lines: list[str]
    name: str = ""


@dataclass
class Layout:
    preamble: list[str] = field(default_factory=list)    # the '#' lines before the first table
    tables: list[Table] = field(default_factory=list)
    start: dt.date | None = None                          # date range stated in the preamble
    end: dt.date | None = None


def _parse_day(text: str) -> dt.date | None:
    for fmt in ("%Y%m%d", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _is_blank(line: str, delimiter: str | None = None) -> bool:
    s = line.strip()
    return not s or (delimiter is not None and not s.replace(delimiter, "").strip())


def _quote_open(line: str, open_: bool) -> bool:
    """Return whether a quoted value is still open after this line (a blank line inside quotes is data)."""
    return open_ ^ (line.count('"') % 2 == 1)


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def _guess_delimiter(line: str) -> str:
    return max((",", ";", "\t", "|"), key=line.count)


def layout_of(text: str) -> Layout:
    """Return the preamble, the tables (split on blank or '#' lines outside quotes) and the stated date range.

    For a head of a longer file the last table may be cut short; callers only split whole texts.
    """
    lines = _lines(text)
    out = Layout()
    i = 0
    while i < len(lines) and (lines[i].lstrip().startswith("#") or not lines[i].strip()):
        if lines[i].strip():
            out.preamble.append(lines[i])
            m = _DATE_LINE.match(lines[i].strip())
            if m:
                day = _parse_day(m.group(2))
                if m.group(1).lower() == "start":
                    out.start = day
                else:
                    out.end = day
        i += 1
    cur: list[str] = []
    start, open_ = i, False
    for j in range(i, len(lines)):
        line = lines[j]
        if not open_ and (not line.strip() or line.lstrip().startswith("#")):
            if cur:
                out.tables.append(Table(start, cur))
                cur = []
            start = j + 1
            continue
        if not cur:
            start = j
        cur.append(line)
        open_ = _quote_open(line, open_)
    if cur:
        out.tables.append(Table(start, cur))
    for t in out.tables:
        d = _guess_delimiter(t.lines[0])
        head = [h.strip() for h in _cells(t.lines[0], d)]
        values = [h for h in head[1:] if h] or head[:1]
        t.name = ", ".join(values)[:80] or f"table at line {t.start + 1}"
    return out


def _is_total(line: str, delimiter: str) -> bool:
    cells = _cells(line, delimiter)
    return bool(cells) and norm(cells[0]) in TOTAL_WORDS and len(cells) > 1


def _open_text(info: FileInfo):
    """Open the file's (decompressed) UTF-8 text, keeping its line ends as written."""
    if info.container == "gzip":
        return gzip.open(info.path, "rt", encoding="utf-8", errors="replace", newline="")
    return info.path.open("r", encoding="utf-8", errors="replace", newline="")


def _read_text(info: FileInfo) -> str:
    with _open_text(info) as fh:
        return fh.read().lstrip("\ufeff")


def _tail(path: Path) -> str:
    """Return the decoded last bytes of a file (TAIL_BYTES), for its last row and its line ends."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - TAIL_BYTES))
        return fh.read().decode("utf-8", errors="replace")


def _last_line(tail: str) -> str:
    for line in reversed(_lines(tail)):
        if line.strip():
            return line
    return ""


def _mixed_line_ends(head: str) -> bool:
    crlf = head.count("\r\n")
    return crlf > 0 and head.count("\n") > crlf


def _survey_extra_rows(lines: list[str], delimiter: str) -> tuple[int, list[str] | None, str]:
    """Return (extra header rows under the header, the header to use instead or None, the tool) for survey exports.

    SurveyMonkey writes a second row naming each answer option ('Response', 'Open-Ended Response');
    Qualtrics writes the question text, then a row of {"ImportId": ...}. The question text is the
    header people recognise, so it replaces Qualtrics' column ids.
    """
    if len(lines) < 3:
        return 0, None, ""
    h = [c.strip() for c in _cells(lines[0], delimiter)]
    r2 = [c.strip() for c in _cells(lines[1], delimiter)]
    r3 = [c.strip() for c in _cells(lines[2], delimiter)]
    hn = {norm(c) for c in h}
    if r3 and sum(1 for c in r3 if c.startswith("{") and "importid" in c.replace(" ", "").lower()) >= max(1, len(r3) // 2):
        header = [(r2[i] if i < len(r2) and r2[i] else h[i]) for i in range(len(h))]
        return 2, header, "Qualtrics"
    if {"respondent_id", "collector_id"} <= hn:
        if not r2[0] and any(r2[2:]):  # a data row always has its Respondent ID
            header, last = [], ""
            for i, name in enumerate(h):
                sub = r2[i] if i < len(r2) else ""
                if name:
                    last = name
                    header.append(name if norm(sub) in _SM_SUBHEAD else f"{name} - {sub}")
                else:
                    header.append(f"{last} - {sub}" if sub else f"column {i + 1}")
            return 1, header, "SurveyMonkey"
    return 0, None, ""


def _nth_to_dates(lines: list[str], delimiter: str, start: dt.date) -> list[str] | None:
    """Return the table with an 'Nth day/week/month' index turned into dates counted from the stated start."""
    head = _cells(lines[0], delimiter)
    m = _NTH.fullmatch(head[0].strip()) if head else None
    if not m:
        return None
    unit = m.group(1).lower()
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(["Date", *head[1:]])
    for line in lines[1:]:
        cells = _cells(line, delimiter)
        try:
            n = int(cells[0])
        except (ValueError, IndexError):
            return None
        if unit == "day":
            day = start + dt.timedelta(days=n)
        elif unit == "week":
            day = start + dt.timedelta(weeks=n)
        else:
            y, mo = divmod(start.month - 1 + n, 12)
            day = dt.date(start.year + y, mo + 1, 1)
        w.writerow([day.isoformat(), *cells[1:]])
    return buf.getvalue().splitlines()


def _compact_dates(lines: list[str], delimiter: str) -> list[str] | None:
    """Return the table with a first column of YYYYMMDD days (GA4's Date dimension) written as ISO dates, else None."""
    head = _cells(lines[0], delimiter)
    if not head or norm(head[0]) not in ("date", "day", "datum", "fecha", "data"):
        return None
    rows = [_cells(line, delimiter) for line in lines[1:]]
    if not rows or not all(r and re.fullmatch(r"[0-9]{8}", r[0].strip()) and _parse_day(r[0].strip()) for r in rows):
        return None
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(head)
    for r in rows:
        w.writerow([_parse_day(r[0].strip()).isoformat(), *r[1:]])
    return buf.getvalue().splitlines()


def _by_dimension(lines: list[str], delimiter: str, end: dt.date) -> list[str] | None:
    """Return a table broken down by a dimension (channel, country) as date,segment,metrics at the range's end."""
    head = _cells(lines[0], delimiter)
    if len(head) < 2 or norm(head[0]) in ("date", "day", "week", "month") or _NTH.fullmatch(head[0].strip()):
        return None
    rows = [_cells(line, delimiter) for line in lines[1:]]
    if not all(re.fullmatch(r"[-+]?[0-9][0-9,]*([.][0-9]+)?%?", c.strip()) or not c.strip() for r in rows for c in r[1:]):
        return None  # a dimension table holds numbers beside its first column; anything else is left as it is
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(["Date", "Segment", *head[1:]])
    for cells in rows:
        w.writerow([end.isoformat(), *cells])
    return buf.getvalue().splitlines()


def _lines(text: str) -> list[str]:
    # only CR/LF end a line (str.splitlines would also split on U+2028 and form feeds inside values)
    return text.replace("\r\n", "\n").split("\n")


def tidy(info: FileInfo, head: str, complete: bool, table: str | None) -> str:
    """Clean info's text file into a temp copy when needed; return the (new) decoded head.

    Decides: '#' preamble lines are skipped (a stated date range is kept in the notes); extra
    SurveyMonkey/Qualtrics header rows are dropped (never counted as rejected rows); a first or last
    row whose first cell says Total is left out; after a preamble, tables separated by blank or '#'
    lines become choices in `info.sheets` (`table` picks one, the first by default; an unknown name is
    refused listing them); mixed CRLF/LF becomes LF. Nothing changes (no copy) when the file needs
    none of it. A blank line in an ordinary CSV never splits it: several tables need a preamble.
    """
    name = info.display_name
    stripped = head.lstrip("\ufeff")
    has_preamble = stripped.lstrip().startswith("#")
    mixed = _mixed_line_ends(stripped)
    size = info.path.stat().st_size
    lay = layout_of(stripped)
    first_lines = lay.tables[0].lines if lay.tables else []
    delim = _guess_delimiter(first_lines[0]) if first_lines else ","
    extra, survey_header, tool = _survey_extra_rows(first_lines, delim) if first_lines else (0, None, "")
    # a gzip file's last bytes are compressed: its tail is not looked at (its head still is)
    tail_text = stripped if complete else ("" if info.container == "gzip" else _tail(info.path))
    tail = _last_line(tail_text)
    total_last = bool(tail) and _is_total(tail, delim)
    # an editor that trimmed a preamble may leave CRLF at one end and LF at the other: head and tail tell
    if not mixed and not complete:
        ends = {("crlf" if t.count("\r\n") == t.count("\n") else "lf") for t in (stripped, tail_text) if "\n" in t}
        mixed = _mixed_line_ends(tail_text) or len(ends) > 1
    total_first = len(first_lines) > 1 + extra and _is_total(first_lines[1 + extra], delim)
    if not (has_preamble or mixed or extra or total_last or total_first):
        if table:
            raise SniffError(f"{name}: the file holds one table, so there is no table {table!r} to choose")
        return head
    if has_preamble and (complete or size <= SPLIT_LIMIT):
        lay = layout_of(stripped if complete else _read_text(info))
        new, offset = _from_tables(info, lay, table)
    else:
        if table:
            raise SniffError(f"{name}: the file holds one table, so there is no table {table!r} to choose")
        if lay.preamble:
            info.notes.append(_preamble_note(lay))
        new, offset = _stream_clean(info, lay.tables[0].start if lay.tables else 0, extra, survey_header, tool,
                                    total_first, total_last, delim)
    if mixed:
        info.notes.append("mixed Windows (CRLF) and Unix (LF) line ends read as one")
    info.temp_files.append(new)
    info.path = new
    info.container = "csv"
    info.row_offset += offset
    with new.open("r", encoding="utf-8") as fh:
        return fh.read(len(head) or 1 << 20)


def _preamble_note(lay: Layout) -> str:
    n = len(lay.preamble)
    note = f"{n} '#' line{'s' if n != 1 else ''} before the header skipped (report preamble)"
    if lay.start or lay.end:
        note += "; date range stated there: " + " to ".join(d.isoformat() for d in (lay.start, lay.end) if d)
    return note


def _survey_note(tool: str, extra: int) -> str:
    return (f"{tool} export: {extra} extra header row{'s' if extra != 1 else ''} under the column names skipped "
            "(not data, not counted as rejected)"
            + ("; the question text is used as the column names" if tool == "Qualtrics" else ""))


def _header_line(header: list[str], delimiter: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="").writerow(header)
    return buf.getvalue()


def _stream_clean(info: FileInfo, start: int, extra: int, header: list[str] | None, tool: str,
                  total_first: bool, total_last: bool, delimiter: str) -> tuple[Path, int]:
    """Copy the file line by line without what precedes the header, extra header rows and totals rows.

    Returns the copy and how many original lines no longer precede the data (the row-number shift).
    """
    fd, tmp = tempfile.mkstemp(prefix="pillars-tidy-", suffix=".csv")
    shift = start + extra
    if extra:
        info.notes.append(_survey_note(tool, extra))
    held: list[str] = []   # the last line(s), held back until the end to drop a trailing totals row
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out, \
            _open_text(info) as fh:
        for i, raw in enumerate(fh):
            line = raw.rstrip("\r\n")
            if i < start:
                continue
            if i == start:
                out.write((_header_line(header, delimiter) if header else line.lstrip("\ufeff")) + "\n")
                continue
            if i <= start + extra:
                continue
            if total_first and i == start + extra + 1:
                info.notes.append(f"row {i + 1} ('{_cells(line, delimiter)[0].strip()}') is a totals row: left out")
                shift += 1
                continue
            if not line.strip():
                held.append(line)
                continue
            for h in held:
                out.write(h + "\n")
            held = [line]
        if held and total_last and _is_total(held[-1], delimiter):
            info.notes.append(f"the last row ('{_cells(held[-1], delimiter)[0].strip()}') is a totals row: left out")
            held = held[:-1]
        for h in held:
            out.write(h + "\n")
    return Path(tmp), shift


def _from_tables(info: FileInfo, lay: Layout, table: str | None) -> tuple[Path, int]:
    """Write the chosen table of a report (after its preamble) as a plain CSV; returns it and the row shift."""
    name = info.display_name
    tables = [t for t in lay.tables if len(t.lines) >= 2] or lay.tables
    if not tables:
        raise SniffError(f"{name}: after the '#' lines there is no table (no header row with data under it)")
    chosen = tables[0]
    if len(tables) > 1:
        names = _unique([t.name for t in tables])
        for t, n in zip(tables, names):
            t.name = n
        info.sheets = names
        if table:
            chosen = next((t for t in tables if t.name == table), None)
            if chosen is None:
                raise SniffError(f"{name}: no table named {table!r}; the tables are: {', '.join(names)}")
        info.sheet = chosen.name
        info.notes.append(f"the file holds {len(tables)} tables; reading {chosen.name!r} as its own series "
                          "(choose another table to import it)")
    elif table and table != chosen.name:
        raise SniffError(f"{name}: the file holds one table, so there is no table {table!r} to choose")
    info.notes.append(_preamble_note(lay))
    lines = [ln.rstrip("\r") for ln in chosen.lines]
    offset = chosen.start
    d = _guess_delimiter(lines[0])
    extra, header, tool = _survey_extra_rows(lines, d)
    if extra:
        lines = [_header_line(header, d), *lines[1 + extra:]]
        info.notes.append(_survey_note(tool, extra))
        offset += extra
    if len(lines) > 2 and _is_total(lines[1], d):
        info.notes.append(f"row {offset + 2} ('{_cells(lines[1], d)[0].strip()}') is a totals row: left out")
        del lines[1]
        offset += 1
    if len(lines) > 2 and _is_total(lines[-1], d):
        info.notes.append(f"the last row ('{_cells(lines[-1], d)[0].strip()}') is a totals row: left out")
        lines.pop()
    compact = _compact_dates(lines, d)
    if compact is not None:  # GA4 writes a Date dimension as 20260301
        info.notes.append(f"'{_cells(lines[0], d)[0].strip()}' read as dates written YYYYMMDD (20260301 = 2026-03-01)")
        lines = compact
    if lay.start and compact is None:
        dated = _nth_to_dates(lines, d, lay.start)
        if dated is not None:
            info.notes.append(f"'{_cells(lines[0], d)[0].strip()}' counted from the preamble's start date "
                              f"{lay.start.isoformat()} to give each row its date")
            lines = dated
        elif lay.end and len(tables) > 1 and compact is None:
            by = _by_dimension(lines, d, lay.end)
            if by is not None:
                info.notes.append(f"'{_cells(lines[0], d)[0].strip()}' values kept as the segment; every row dated "
                                  f"{lay.end.isoformat()}, the end of the preamble's date range")
                lines = by
    fd, tmp = tempfile.mkstemp(prefix="pillars-tidy-", suffix=".csv")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        for line in lines:
            out.write(line + "\n")
    return Path(tmp), offset


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out
