"""Altair charts for KPIs: the small sparkline on an Overview card and the titled KPI trend (no Streamlit here).

Builders take the DataFrame(period_start, value) that `pm_core.metrics.kpi_series` returns; exports
reuse them so a deck shows what the page shows.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from ..kpi_defs import KPI_BY_KEY
from ..store import Store

_LINE = "#1565c0"
_TARGET = "#c62828"


def axis_format(unit: str) -> str:
    """Return a d3 format for a KPI unit's axis ('.0%' for fractions, '$,.2s' for money)."""
    return {"fraction": ".0%", "currency": "$,.2s", "users": ",.0f", "nps": "+.0f", "days": ",.1f", "score": ".1f"}.get(unit, ",.2f")


def tooltip_format(unit: str) -> str:
    """Return a d3 format for a KPI unit's tooltip (more precise than the axis)."""
    return {"fraction": ".1%", "currency": "$,.0f", "users": ",.0f", "nps": "+.0f", "days": ",.2f", "score": ".2f"}.get(unit, ",.2f")


def _frame(df: pd.DataFrame) -> pd.DataFrame:
    data = df[["period_start", "value"]].copy() if not df.empty else pd.DataFrame({"period_start": [], "value": []})
    data["period_start"] = pd.to_datetime(data["period_start"])
    return data


def sparkline(df: pd.DataFrame, unit: str, label: str = "Value", height: int = 48) -> alt.Chart:
    """Return a small axis-free line of a KPI per period, with a tooltip giving month and value (empty df -> empty chart)."""
    data = _frame(df)
    base = alt.Chart(data).encode(
        x=alt.X("period_start:T", axis=None, title="Month"),
        y=alt.Y("value:Q", axis=None, title=label, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("period_start:T", title="Month", format="%B %Y"),
                 alt.Tooltip("value:Q", title=label, format=tooltip_format(unit))],
    )
    line = base.mark_line(color=_LINE, strokeWidth=2)
    last = base.transform_window(rank="rank()", sort=[alt.SortField("period_start", order="descending")]) \
        .transform_filter("datum.rank == 1").mark_point(color=_LINE, filled=True, size=30)
    return (line + last).properties(height=height, width="container").configure_view(strokeWidth=0)


def kpi_trend(df: pd.DataFrame, key: str, target: float | None = None, freq: str = "month") -> alt.Chart:
    """Return a titled line chart of one KPI over time with labelled axes, tooltips and an optional target rule."""
    d = KPI_BY_KEY[key]
    data = _frame(df)
    x_title = "Month" if freq == "month" else "Quarter"
    base = alt.Chart(data).encode(
        x=alt.X("period_start:T", title=x_title, axis=alt.Axis(format="%b %Y", labelAngle=0)),
        y=alt.Y("value:Q", title=d.label, axis=alt.Axis(format=axis_format(d.unit)),
                scale=alt.Scale(zero=d.unit in ("users", "currency"))),
        tooltip=[alt.Tooltip("period_start:T", title=x_title, format="%B %Y"),
                 alt.Tooltip("value:Q", title=d.label, format=tooltip_format(d.unit))],
    )
    chart = base.mark_line(color=_LINE, strokeWidth=2.5) + base.mark_point(color=_LINE, filled=True, size=50)
    if target is not None:
        rule = alt.Chart(pd.DataFrame({"target": [target], "what": ["Target"]})).mark_rule(
            color=_TARGET, strokeDash=[6, 4]).encode(
            y="target:Q", tooltip=[alt.Tooltip("what:N", title=""), alt.Tooltip("target:Q", title="Target", format=tooltip_format(d.unit))])
        chart = chart + rule
    return chart.properties(title=f"{d.label} by {x_title.lower()}", height=220, width="container")


def sparkline_specs(store: Store, segment: tuple = ()) -> dict[str, dict]:
    """Return key -> Vega-Lite spec of each KPI's monthly sparkline (a KPI with fewer than two points gets none).

    Returns plain dicts so a page can cache them on the data version and render without rebuilding.
    """
    from ..metrics import all_kpi_series

    out = {}
    for key, df in all_kpi_series(store, "month", dict(segment) or None).items():
        if len(df) >= 2:
            out[key] = sparkline(df, KPI_BY_KEY[key].unit, KPI_BY_KEY[key].label).to_dict(validate=False)
    return out
