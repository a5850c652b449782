"""Theme and chart colours against WCAG AA, computed here from the WCAG 2.1 relative-luminance formula.

Oracle: the contrast ratio (L1 + 0.05) / (L2 + 0.05) written out in this file, checked against known
pairs (black on white is 21:1). Both Streamlit themes in .streamlit/config.toml are read as TOML;
every hex colour written in pm_core/charts is a mark colour and must stand out 3:1 (WCAG 1.4.11) on
both themes' backgrounds, since one chart spec is drawn in either theme.
"""
from __future__ import annotations

import re
import tomllib

import pytest

from tests.conftest import ROOT


def _lum(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    chans = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in chans]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def ratio(a: str, b: str) -> float:
    hi, lo = sorted([_lum(a), _lum(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _themes() -> dict[str, dict]:
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    return {name: cfg["theme"][name] for name in ("light", "dark")}


def test_the_formula_matches_known_pairs():
    assert ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)   # the classic 'just fails AA' grey


def test_both_themes_are_configured_and_differ():
    themes = _themes()
    assert _lum(themes["light"]["backgroundColor"]) > 0.8 > 0.05 > _lum(themes["dark"]["backgroundColor"])


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_theme_text_and_controls_meet_wcag_aa(theme):
    t = _themes()[theme]
    for bg in ("backgroundColor", "secondaryBackgroundColor"):
        assert ratio(t["textColor"], t[bg]) >= 4.5, f"{theme}: text on {bg}"
        assert ratio(t["linkColor"], t[bg]) >= 4.5, f"{theme}: links on {bg}"
        assert ratio(t["primaryColor"], t[bg]) >= 3.0, f"{theme}: primary controls on {bg}"


def _chart_colours() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "pm_core" / "charts").glob("*.py")):
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if "GradientStop" in line:   # a fading bar's end stop is meant to vanish into the page
                continue
            if "on_cell" in line:   # text drawn on its own coloured cell (heatmap labels), checked below
                continue
            out += [(f"{path.name}:{n}", c) for c in re.findall(r"[\"'](#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})[\"']", line)]
    return out


def test_chart_mark_colours_stand_out_on_both_themes():
    themes = _themes()
    colours = _chart_colours()
    assert len(colours) > 20   # the scan reads the chart builders
    bad = [f"{where} {c}: {ratio(c, t[bg]):.2f}:1 on {name} {bg}"
           for where, c in colours for name, t in themes.items()
           for bg in ("backgroundColor", "secondaryBackgroundColor") if ratio(c, t[bg]) < 3.0]
    assert not bad, "\n".join(bad)


def test_heatmap_cell_labels_read_on_their_cells():
    """Retention heatmap labels: white above 70% retained, #111 at or below; 4.5:1 on every cell they sit on.

    The cells are Vega's 'blues' scheme (read from a vl-convert drawing of it: 0.70 -> #3181bd, 0.75 -> #2978b8,
    1.0 -> #08306b, 0.0 -> #cfe1f2); the growth chart's text condition must match these thresholds.
    """
    src = (ROOT / "pm_core" / "charts" / "growth.py").read_text()
    assert 'alt.datum.rate > 0.7, alt.value("white"), alt.value("#111")' in src
    assert ratio("#ffffff", "#2978b8") >= 4.5 and ratio("#ffffff", "#08306b") >= 4.5
    assert ratio("#111111", "#3181bd") >= 4.5 and ratio("#111111", "#cfe1f2") >= 4.5


def test_chart_text_takes_the_theme_text_colour():
    """No chart text (mark_text) is given a fixed colour: one colour cannot read 4.5:1 on both white and near-black
    (it would need a luminance under 0.18 and over 0.20 at once), so text follows the theme's textColor."""
    fixed = []
    for path in sorted((ROOT / "pm_core" / "charts").glob("*.py")):
        lines = path.read_text().splitlines()
        for n, line in enumerate(lines):
            if "mark_text(" in line:
                call = " ".join(lines[n:n + 2])
                if re.search(r"mark_text\([^)]*color=", call) and "on_cell" not in call:
                    fixed.append(f"{path.name}:{n + 1}")
    assert not fixed, fixed
