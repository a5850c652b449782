"""Table layout for the deck, by font metrics: column widths that never break a header word, rows paged to fit.

The font shrinks from 12 pt to 9 pt until every column is at least as wide as its widest header
word (and body word, up to a cap: a 60-character URL may wrap by characters); if no size does, the
last columns move to the speaker notes. Row heights are measured from the wrapped cell text, and
rows continue on the next slide before they would reach the footer.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..briefing import Column, TableItem, format_cell
from . import fit

SIZES = (12, 11, 10, 9)
_SLACK = 2 * fit.EMU_PER_PT        # 2 pt spare in each column: renderers' rounding, never a broken word


@dataclass
class TableLayout:
    """Where everything of one table goes: columns shown, their widths, the font size and which rows on which slide."""

    columns: list[Column]
    widths: list[int]
    size: float
    header_height: int
    row_heights: list[int]
    cells: list[list[str]]
    pages: list[list[int]] = field(default_factory=list)


def cell_lines(text: str, size: float, width: int, bold: bool = False) -> int:
    """Return how many lines text takes in a cell `width` wide: words wrap, a word wider than the cell wraps by characters."""
    n = 0
    for line in fit.wrap(text, size, width, bold):
        w = fit.text_width(line, size, bold)
        n += max(1, math.ceil(w / width)) if width > 0 else 1
    return n


def _row_height(texts: list[str], widths: list[int], size: float, mx: int, my: int, bold: bool = False) -> int:
    lines = max(cell_lines(t, size, w - 2 * mx, bold) for t, w in zip(texts, widths))
    return fit.lines_height(lines, size) + 2 * my + fit.EMU_PER_PT * 2


def _widths(cols: list[Column], cells: list[list[str]], width: int, size: float, mx: int) -> list[int] | None:
    cap = int(width * 0.35)
    mins, natural = [], []
    for j, c in enumerate(cols):
        body = [row[j] for row in cells]
        head = fit.longest_word(c.label, size, bold=True)
        word = max((fit.longest_word(t, size) for t in body), default=0)
        mins.append(max(head, min(word, cap)) + 2 * mx + _SLACK)
        full = max([fit.text_width(c.label, size, True)] + [fit.text_width(t, size) for t in body])
        natural.append(max(mins[-1], min(full + 2 * mx + _SLACK, int(width * 0.6))))
    if sum(mins) > width:
        return None
    out = list(mins)
    spare = width - sum(out)
    want = [n - m for n, m in zip(natural, mins)]
    if sum(want) > 0:
        give = [min(w, spare * w // sum(want)) for w in want]
        out = [o + g for o, g in zip(out, give)]
    spare = width - sum(out)
    if spare > 0:  # everything fits at its natural width: share what is left by text length
        weights = [max(1, n) for n in natural]
        out = [o + spare * w // sum(weights) for o, w in zip(out, weights)]
    out[-1] += width - sum(out)
    return out


def layout_table(t: TableItem, width: int, height: int, max_cols: int, mx: int, my: int) -> TableLayout:
    """Return the table's layout for a box width x height (EMU): columns, widths, size, row heights and pages."""
    cols = list(t.columns[:max_cols])
    while True:
        cells = [[format_cell(r.get(c.key), c.unit) for c in cols] for r in t.rows] or \
            [["No rows."] + [""] * (len(cols) - 1)]
        for size in SIZES:
            widths = _widths(cols, cells, width, size, mx)
            if widths is not None:
                break
        if widths is not None or len(cols) == 1:
            break
        cols = cols[:-1]  # the last column goes to the notes rather than break a word
    if widths is None:
        size, widths = SIZES[-1], [width]
    header = _row_height([c.label for c in cols], widths, size, mx, my, bold=True)
    room = height - header
    heights = []
    for i, row in enumerate(cells):
        h = _row_height(row, widths, size, mx, my)
        if h > room:  # one row taller than a whole slide: its cells are cut at a word to fit
            cells[i] = row = [fit.shorten(x, size, w - 2 * mx, room - 2 * my - 4 * fit.EMU_PER_PT)
                              for x, w in zip(row, widths)]
            h = min(_row_height(row, widths, size, mx, my), room)
        heights.append(h)
    pages, page, used = [], [], 0
    for i, h in enumerate(heights):
        if page and used + h > room:
            pages.append(page)
            page, used = [], 0
        page.append(i)
        used += h
    pages.append(page)
    return TableLayout(columns=cols, widths=widths, size=size, header_height=header, row_heights=heights,
                       cells=cells, pages=pages)
