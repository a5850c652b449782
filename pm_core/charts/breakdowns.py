"""Altair charts for breakdowns (a line per property value, top N plus Other) and the launch / experiment marks
any trend chart can carry (no Streamlit here, so exports can reuse them)."""
from __future__ import annotations

import altair as alt
import pandas as pd

from ..formatting import Unit, format_value
from .growth import _data

_KIND_COLOURS = {"launch": "#328036", "experiment start": "#9259b5", "experiment end": "#8e8e8e"}


def annotation_layer(notes: pd.DataFrame | None) -> alt.Chart | None:
    """Return dashed vertical rules (with a tooltip naming each launch or experiment) for the annotations, or None."""
    if notes is None or notes.empty:
        return None
    d = notes.copy()
    d["date"] = pd.to_datetime(d["date"])
    d["day"] = [f"{x:%d %b %Y}" for x in d["date"]]
    return alt.Chart(_data(d)).mark_rule(strokeDash=[4, 3], strokeWidth=1.5).encode(
        x="date:T",
        color=alt.Color("kind:N", title="Marked", scale=alt.Scale(domain=list(_KIND_COLOURS),
                                                                  range=list(_KIND_COLOURS.values()))),
        tooltip=[alt.Tooltip("label:N", title="What"), alt.Tooltip("day:N", title="Date")])


def with_annotations(chart: alt.Chart, notes: pd.DataFrame | None) -> alt.Chart:
    """Return the chart with the annotation rules layered on it (the chart itself when there are none);
    colour scales stay independent, so the lines keep their legend."""
    layer = annotation_layer(notes)
    if layer is None:
        return chart
    return alt.layer(chart, layer).resolve_scale(color="independent")


def breakdown_chart(df: pd.DataFrame, title: str, y_title: str, value: str = "active_users", unit: str = "count",
                    prop: str = "", notes: pd.DataFrame | None = None, x_title: str = "Period start") -> alt.Chart:
    """Return one line per breakdown group (period_start, group, value column) with tooltips, and the annotations."""
    d = df.copy()
    d["period_start"] = pd.to_datetime(d["period_start"])
    d["shown"] = [format_value(v, Unit(unit)) for v in d[value]]
    d["when"] = [f"{p:%d %b %Y}" for p in d["period_start"]]
    order = list(dict.fromkeys(d["group"]))
    lines = alt.Chart(_data(d)).mark_line(point=alt.OverlayMarkDef(size=25, filled=True), strokeWidth=1.5).encode(
        x=alt.X("period_start:T", title=x_title),
        y=alt.Y(f"{value}:Q", title=y_title),
        color=alt.Color("group:N", title=prop or "Group", sort=order),
        tooltip=[alt.Tooltip("group:N", title=prop or "Group"), alt.Tooltip("when:N", title="Period start"),
                 alt.Tooltip("shown:N", title=y_title)])
    return with_annotations(lines, notes).properties(title=title, height=300)


def annotated_active_users(dau: pd.DataFrame, wau: pd.DataFrame, mau: pd.DataFrame,
                           notes: pd.DataFrame | None = None, calendar: str = "UTC") -> alt.Chart:
    """Return the DAU/WAU/MAU chart (charts.growth.active_users_chart) with launches and experiments marked."""
    from .growth import active_users_chart

    chart = active_users_chart(dau, wau, mau, calendar)
    return with_annotations(chart, notes).properties(title="Daily, weekly and monthly active users", height=280)


def funnel_breakdown_chart(df: pd.DataFrame, prop: str, window_label: str) -> alt.Chart:
    """Return grouped bars: each funnel step's conversion from the first step, one bar per breakdown value."""
    d = df.copy()
    d["step_label"] = [f"{s}. {e}" for s, e in zip(d["step"], d["event"])]
    d["shown"] = [format_value(v, Unit.FRACTION) for v in d["conversion_from_start"]]
    order = list(dict.fromkeys(d["group"]))
    steps = list(dict.fromkeys(d["step_label"]))
    return alt.Chart(_data(d)).mark_bar().encode(
        x=alt.X("step_label:N", title="Funnel step", sort=steps, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("group:N", sort=order),
        y=alt.Y("conversion_from_start:Q", title="Converted from step 1", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("group:N", title=prop, sort=order),
        tooltip=[alt.Tooltip("group:N", title=prop), alt.Tooltip("step_label:N", title="Step"),
                 alt.Tooltip("users:Q", title="Users", format=","), alt.Tooltip("shown:N", title="From step 1")],
    ).properties(title=f"Funnel conversion by {prop} ({window_label} window)", height=300)


def retention_breakdown_chart(df: pd.DataFrame, prop: str, unit: str) -> alt.Chart:
    """Return one retention curve per breakdown value: weighted share of a cohort active N periods later."""
    d = df.copy()
    d["shown"] = [format_value(v, Unit.FRACTION) for v in d["rate"]]
    order = list(dict.fromkeys(d["group"]))
    return alt.Chart(_data(d)).mark_line(point=alt.OverlayMarkDef(size=25, filled=True), strokeWidth=1.5).encode(
        x=alt.X("k:Q", title=f"{unit.capitalize()}s after the cohort's {unit}", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("rate:Q", title="Retained (weighted across cohorts)", axis=alt.Axis(format="%")),
        color=alt.Color("group:N", title=prop, sort=order),
        tooltip=[alt.Tooltip("group:N", title=prop), alt.Tooltip("k:Q", title=f"{unit.capitalize()} N"),
                 alt.Tooltip("shown:N", title="Retained"), alt.Tooltip("users:Q", title="Cohort users", format=",")],
    ).properties(title=f"Retention by {prop}", height=300)
