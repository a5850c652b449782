"""How a chart's size reaches the page: one rule every chart passes through (no Streamlit here).

Why charts were squashed in the page and not in the exports: Streamlit 1.67's st.vega_lite_chart adds
`autosize: {type: "fit", contains: "padding"}` to any spec that sets no autosize (elements/vega_charts.py
_prepare_vega_lite_spec). Under "fit" a spec's `height` is the height of the WHOLE chart, title, axes
and legend included, so a 150 px key-result chart kept a 23 px plot for five bars; vl-convert (PNG,
PPTX, HTML) uses Vega-Lite's default "pad", where `height` is the plot's own height. `for_page` gives
the page "fit-x": the width follows the column, the height stays the plot's height, as in the exports.
"""
from __future__ import annotations

import copy
from typing import Any

import altair as alt

FIT_X = {"type": "fit-x", "contains": "padding"}
# A row of a bar chart or heatmap: room for a 12 px label and a gap (the visual check wants >= 14 px).
BAND_PX = 28


def band_height(n: int, px: int = BAND_PX, minimum: int = 120) -> int:
    """Return a plot height giving each of n bands px pixels; never below `minimum` (an empty chart keeps a frame)."""
    return max(minimum, px * max(0, int(n)))


def describe(spec: dict) -> str:
    """Return a one-sentence text alternative for a chart: its title, what it draws and along which axes.

    A spec without a title or encodings still gets a sentence ('Chart.'), never an empty alt text.
    """
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    views = spec.get("layer") or spec.get("vconcat") or spec.get("hconcat") or [spec]
    marks, axes = [], {}
    for v in views:
        mark = v.get("mark")
        mark = mark.get("type") if isinstance(mark, dict) else mark
        if mark and mark not in marks:
            marks.append(mark)
        for ch in ("x", "y"):
            enc = (v.get("encoding") or {}).get(ch) or {}
            if enc.get("title") and ch not in axes:
                axes[ch] = enc["title"]
    kind = {"bar": "Bar chart", "line": "Line chart", "rect": "Heatmap", "point": "Dot chart", "area": "Area chart",
            "rule": "Chart", "tick": "Chart", "text": "Chart"}.get(marks[0] if marks else "", "Chart")
    parts = [f"{title}." if title else ""]
    if axes:
        parts.append(f"{kind} of {axes.get('y', 'values')} by {axes.get('x', 'category')}.")
    else:
        parts.append(f"{kind}.")
    return " ".join(p for p in parts if p)


def for_page(spec: dict | alt.TopLevelMixin) -> dict[str, Any]:
    """Return the spec as the page draws it: width fitted to the column, height kept as the plot's height, SVG.

    A spec that sets its own autosize keeps it. SVG (not canvas) so that screen readers and the visual
    check read the axes' and titles' text; Streamlit itself switches to canvas only above 2,000 marks.
    """
    out = copy.copy(spec.to_dict(validate=False) if hasattr(spec, "to_dict") else spec)
    out.setdefault("autosize", dict(FIT_X))
    meta = dict(out.get("usermeta") or {})
    embed = dict(meta.get("embedOptions") or {})
    embed.setdefault("renderer", "svg")
    meta["embedOptions"] = embed
    out["usermeta"] = meta
    return out


# A month label with its coverage ('Nov 2026 (to 22 Nov)', periods.month_label) drawn on two lines, so seven
# months fit side by side on the narrowest page without the coverage being cut to 'Nov 2026 (to 22 N…'.
MONTH_LABEL_EXPR = ("indexof(datum.label, ' (') > 0 ? [substring(datum.label, 0, indexof(datum.label, ' (')), "
                    "substring(datum.label, indexof(datum.label, ' (') + 1)] : datum.label")


# Month labels side by side fit up to this many months on the narrowest plot (~700 px, 'Dec 2025' ~55 px each).
FLAT_MONTHS = 9


def month_axis(months: int = 0, **kw) -> alt.Axis:
    """Return the axis of a chart with one category per month, partial months on two lines; horizontal labels up to
    FLAT_MONTHS months, slanted beyond (a year of months side by side collided on a 1280 px screen)."""
    if months > FLAT_MONTHS:
        kw = {"labelAngle": -40, "labelAlign": "right", "labelBaseline": "top", **kw}
    return alt.Axis(**{"labelAngle": 0, "labelExpr": MONTH_LABEL_EXPR, "labelLimit": 200, **kw})
