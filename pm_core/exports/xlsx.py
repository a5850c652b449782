"""Excel workbook of a briefing: a summary sheet, then one sheet per section, numbers as numbers.

Every text cell goes through `safe_cell`, so a title such as '=HYPERLINK(...)' arrives as text, never
as a formula; the workbook holds no formulas at all.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..briefing import BulletsItem, ChartItem, MetricItem, Section, TableItem, TextItem, Briefing, known_items, unknown_item
from ..formatting import Unit, as_unit
from .cells import xlsx_text

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="E8EAF6")
_WRAP = Alignment(wrap_text=True, vertical="top")


_NUMBER_FORMATS = {Unit.FRACTION: "0.0%", Unit.COUNT: "#,##0", Unit.USERS: "#,##0", Unit.MS: '#,##0 "ms"',
                   Unit.DAYS: '0.0 "days"', Unit.HOURS: '0.0 "hours"', Unit.MINUTES: '0 "min"', Unit.SCORE: "0.0",
                   Unit.NPS: "+0;-0;0", Unit.RATIO: "0.000", Unit.DATE: "yyyy-mm-dd"}


def number_format(unit: Unit | str, currency: str = "USD") -> str | None:
    """Return the Excel number format for a unit ('0.0%' for fractions, '"$"#,##0' for USD); None for text."""
    try:
        u = as_unit(unit)
    except ValueError:
        return None
    if u is Unit.CURRENCY:
        return '"$"#,##0' if currency.upper() == "USD" else f'#,##0 "{currency.upper()[:3]}"'
    return _NUMBER_FORMATS.get(u)


def _sheet_name(index: int, title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and no leading or trailing apostrophe. A colon reads
    # as a dash ('Trend - Revenue'); a long title is cut at a word with '…'; a clash gets ' (2)'.
    clean = re.sub(r"\s*:\s*", " - ", title)
    clean = re.sub(r"\s*[/\\]\s*", "-", clean)   # 'A/B tests' -> 'A-B tests'
    clean = re.sub(r"[\[\]*?]", " ", clean)
    clean = re.sub(r"\s+", " ", clean).strip(" '-") or f"Section {index}"
    if len(clean) > 31:
        cut = clean[:30].rsplit(" ", 1)[0].rstrip(" -,;")
        clean = (cut if len(cut) >= 12 else clean[:30]) + "…"
    base = clean
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def _put(ws, row: int, col: int, value: Any, unit: str = "text", currency: str = "USD", font: Font | None = None):
    if isinstance(value, float) and value != value:
        value = None
    if unit != "text" and isinstance(value, (int, float)) and not isinstance(value, bool):
        cell = ws.cell(row=row, column=col, value=float(value))
        fmt = number_format(unit, currency)
        if fmt:
            cell.number_format = fmt
    elif isinstance(value, (dt.date, dt.datetime)):
        cell = ws.cell(row=row, column=col, value=value)
        cell.number_format = "yyyy-mm-dd"
    else:
        text, quote = xlsx_text(value)
        cell = ws.cell(row=row, column=col, value=text)
        if quote:  # stored as text with Excel's quote prefix: no formula, and no apostrophe shown
            cell.data_type = "s"
            cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def _header(ws, row: int, labels: list[str]) -> None:
    for c, lab in enumerate(labels, start=1):
        cell = _put(ws, row, c, lab, font=_BOLD)
        cell.fill = _HEADER_FILL


def change_number(m: MetricItem) -> tuple[float | None, str]:
    """Return the change of a metric as a number with its Excel format, in the same terms as fmt_change."""
    if m.value is None or m.previous is None:
        return None, "General"
    d = m.value - m.previous
    if m.unit == "fraction":
        return d * 100, '+0.0" pp";-0.0" pp";0.0" pp"'
    if m.unit == "nps":
        return d, '+0" pts";-0" pts";0" pts"'
    if m.unit == "days":
        return d, '+0.0" days";-0.0" days";0.0" days"'
    if m.unit == "score":
        return d, "+0.0;-0.0;0.0"
    if m.previous == 0:
        return None, "General"
    return d / abs(m.previous), "+0.0%;-0.0%;0.0%"


def _metrics(ws, row: int, items: list[MetricItem]) -> int:
    _header(ws, row, ["Metric", "Value", "Previous period", "Change", "Period", "Note", "Definition", "Source"])
    for m in items:
        row += 1
        _put(ws, row, 1, m.label)
        _put(ws, row, 2, m.value, m.unit, m.currency)
        _put(ws, row, 3, m.previous, m.unit, m.currency)
        ch, fmt = change_number(m)
        if ch is not None:
            ws.cell(row=row, column=4, value=ch).number_format = fmt
        _put(ws, row, 5, m.period)
        _put(ws, row, 6, m.note)
        _put(ws, row, 7, m.definition).alignment = _WRAP
        _put(ws, row, 8, m.source)
    return row + 2


def _table(ws, row: int, t: TableItem, currency: str) -> int:
    if t.title:
        _put(ws, row, 1, t.title, font=_BOLD)
        row += 1
    _header(ws, row, [c.label for c in t.columns])
    for r in t.rows:
        row += 1
        for j, c in enumerate(t.columns, start=1):
            v = r.get(c.key)
            if c.unit == "date" and isinstance(v, str):
                _put(ws, row, j, v)
            else:
                _put(ws, row, j, v, c.unit, currency)
    if not t.rows:
        row += 1
        _put(ws, row, 1, "No rows.")
    if t.note:
        row += 1
        _put(ws, row, 1, t.note)
    return row + 2


def _section_sheet(ws, s: Section, currency: str) -> None:
    _put(ws, 1, 1, s.title, font=_TITLE)
    row = 2
    if s.lead:
        _put(ws, row, 1, s.lead)
        row += 1
    row += 1
    if s.error:
        _put(ws, row, 1, s.error)
        row += 2
    if s.empty:
        _put(ws, row, 1, s.empty)
        row += 2
    metrics = [i for i in known_items(s, "xlsx") if isinstance(i, MetricItem)]
    if metrics:
        row = _metrics(ws, row, metrics)
    for item in s.items:
        if isinstance(item, TextItem):
            _put(ws, row, 1, item.text)
            row += 2
        elif isinstance(item, BulletsItem):
            if item.title:
                _put(ws, row, 1, item.title, font=_BOLD)
                row += 1
            for b in item.bullets:
                _put(ws, row, 1, b)
                row += 1
            row += 1
        elif isinstance(item, TableItem):
            row = _table(ws, row, item, currency)
        elif isinstance(item, MetricItem):
            pass  # shown above, together
        elif not isinstance(item, ChartItem):
            raise unknown_item(item, "xlsx")
        else:
            _put(ws, row, 1, f"Chart: {item.title}", font=_BOLD)
            row += 1
            if item.data is not None:
                row = _table(ws, row, item.data.model_copy(update={"title": ""}), currency)
            else:
                _put(ws, row, 1, item.alt)
                row += 2
    if s.notes:
        _put(ws, row, 1, "Definitions and sources", font=_BOLD)
        for line in s.notes.splitlines():
            row += 1
            _put(ws, row, 1, line)
    _widths(ws)


def _widths(ws) -> None:
    for col in range(1, ws.max_column + 1):
        letter = get_column_letter(col)
        longest = max((len(str(c.value)) for c in ws[letter][2:] if c.value is not None), default=10)
        ws.column_dimensions[letter].width = max(12, min(60, longest + 2))


def briefing_xlsx(b: Briefing, currency: str = "USD") -> bytes:
    """Return the briefing as .xlsx bytes: 'Summary' then one sheet per section (empty sections say why)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    _put(ws, 1, 1, b.title, font=_TITLE)
    rows = [("Audience", b.audience_name), ("Period", b.period_text), ("Headline", b.headline),
            ("The concern it answers", b.concern), ("What they look for", ", ".join(b.cares_about)),
            ("Generated (UTC)", b.generated_at.replace(microsecond=0))]
    r = 3
    for k, v in rows:
        _put(ws, r, 1, k, font=_BOLD)
        _put(ws, r, 2, v)
        r += 1
    for n in b.notices:
        _put(ws, r, 2, n)
        r += 1
    r += 1
    _header(ws, r, ["Sheet", "Section", "What it says"])
    used = {"summary"}
    names = [_sheet_name(i, s.title, used) for i, s in enumerate(b.sections, start=1)]
    for name, s in zip(names, b.sections):
        r += 1
        _put(ws, r, 1, name)
        _put(ws, r, 2, s.title)
        _put(ws, r, 3, s.error or s.empty or s.lead)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 80
    for name, s in zip(names, b.sections):
        _section_sheet(wb.create_sheet(title=name), s, currency)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
