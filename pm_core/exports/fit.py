"""Text measured with real font metrics, so every box of the deck is sized to its text (never an overflow).

The deck sets its text in Arial; Liberation Sans has Arial's metrics (it was drawn to be
metric-compatible, so PowerPoint with Arial and LibreOffice with Liberation Sans break lines at the
same words). Where Liberation Sans is missing, DejaVu Sans measures instead: it is wider than
Arial (about 9% on this deck's text), so boxes come out larger, never too small. Without any
TrueType font a conservative estimate of 0.62 em per character is used.

Heights: one line is 1.2 x the font size (PowerPoint's single spacing for Arial; LibreOffice's
Liberation Sans line is 1.15 em), plus the paragraph spacing the deck sets.
"""
from __future__ import annotations

import functools
import os

EMU_PER_PT = 12700
LINE = 1.2
FONT_NAME = "Arial"  # what the deck asks for; measured below with a metric-compatible file

_CANDIDATES = {
    False: ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
            "/Library/Fonts/Arial.ttf", "C:/Windows/Fonts/arial.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    True: ("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
           "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
           "/Library/Fonts/Arial Bold.ttf", "C:/Windows/Fonts/arialbd.ttf",
           "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}
_REF_SIZE = 100  # fonts are loaded once at 100 px and widths scaled (PIL measures in whole pixels)


def font_file(bold: bool = False) -> str | None:
    """Return the TrueType file that measures the deck's text (Liberation Sans first), None when none exists."""
    return next((p for p in _CANDIDATES[bold] if os.path.exists(p)), None)


@functools.lru_cache(maxsize=4)
def _font(bold: bool):
    path = font_file(bold)
    if path is None:
        return None
    from PIL import ImageFont  # Pillow comes with python-pptx

    # The basic layout engine: no text shaping is needed to measure Latin widths, and raqm's refuses
    # some strings outright ("raqm_layout() failed" on text the contract check sends).
    return ImageFont.truetype(path, _REF_SIZE, layout_engine=ImageFont.Layout.BASIC)


@functools.lru_cache(maxsize=20000)
def text_width(text: str, size: float, bold: bool = False) -> int:
    """Return the width of one line of text in EMU at a font size in points."""
    f = _font(bold)
    if f is not None:
        try:
            return int(f.getlength(text) / _REF_SIZE * size * EMU_PER_PT)
        except (ValueError, RuntimeError, UnicodeError):  # text the font engine cannot lay out: estimate it
            pass
    return int(len(text) * 0.62 * size * EMU_PER_PT)


def wrap(text: str, size: float, width: int, bold: bool = False) -> list[str]:
    """Return text broken into lines no wider than width (EMU) at spaces; explicit newlines start new lines.

    A single word wider than the line is put on its own line whole (callers that must never break a
    word, such as table headers, size the column to `longest_word` first).
    """
    lines: list[str] = []
    for para in (text or "").split("\n"):
        words = para.split(" ")
        cur = ""
        for w in words:
            trial = w if not cur else f"{cur} {w}"
            if cur and text_width(trial, size, bold) > width:
                lines.append(cur)
                cur = w
            else:
                cur = trial
        lines.append(cur)
    return lines


def longest_word(text: str, size: float, bold: bool = False) -> int:
    """Return the width (EMU) of the widest word of text: the narrowest a column can be without breaking a word."""
    return max((text_width(w, size, bold) for w in (text or "").split()), default=0)


def lines_height(n_lines: int, size: float, space_after: float = 0.0, paragraphs: int = 1) -> int:
    """Return the height (EMU) of n lines at a font size, plus `space_after` points after each paragraph."""
    return int((n_lines * size * LINE + paragraphs * space_after) * EMU_PER_PT)


def paragraphs_height(paras: list[tuple[str, float, bool]], width: int, space_after: float = 0.0) -> int:
    """Return the height (EMU) of paragraphs (text, size, bold) wrapped to width."""
    total = 0
    for text, size, bold in paras:
        total += lines_height(len(wrap(text, size, width, bold)), size, space_after)
    return total


def fit_size(text: str, width: int, height: int, sizes: tuple[float, ...], bold: bool = False) -> float | None:
    """Return the largest size (points) of `sizes` at which text fits width x height (EMU), None when none does."""
    for size in sizes:
        if lines_height(len(wrap(text, size, width, bold)), size) <= height and \
                all(text_width(line, size, bold) <= width for line in wrap(text, size, width, bold)):
            return size
    return None


def shorten(text: str, size: float, width: int, height: int, bold: bool = False) -> str:
    """Return text cut at a word with '…' so it fits width x height at size (the full text goes to the notes)."""
    if fit_size(text, width, height, (size,), bold):
        return text
    words = text.split(" ")
    while len(words) > 1:
        words.pop()
        cand = " ".join(words).rstrip(",;:—-") + "…"
        if fit_size(cand, width, height, (size,), bold):
            return cand
    return "…"
