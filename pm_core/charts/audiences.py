"""Altair charts for stakeholder views and their exports (no Streamlit here).

Each builder takes a small DataFrame and returns an Altair chart with a title, labelled axes and
tooltips. The stakeholder page shows the chart's spec and the PPTX/HTML/PNG exports render the
same spec through vl-convert, so a deck shows exactly what the page shows.
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from ..periods import month_label
from .layout import month_axis

WIDTH, HEIGHT = 560, 260
SERIES_COLOUR = "#2871c5"
STATUS_COLOURS = {"On track": "#328036", "At risk": "#c0811c", "Off track": "#cc3e3e", "No check-in yet": "#8e8e8e"}


def axis_format(unit: str, currency: str = "USD") -> str:
    """Return a d3 number format for an axis of that unit ('.0%' for fractions, '$,.2s' for dollars)."""
    if unit == "fraction":
        return ".1~%"  # whole percents where they suffice; 97.5% where a narrow range would repeat '98%'
    if unit == "currency":
        return "$,.2s" if currency.upper() == "USD" else ",.2s"
    if unit in ("ms", "int", "users"):
        return ",.0f"
    return ",.2~f"


def tooltip_format(unit: str, currency: str = "USD") -> str:
    """Return a d3 number format for tooltips of that unit (more precise than the axis)."""
    if unit == "fraction":
        return ".1%"
    if unit == "currency":
        return "$,.0f" if currency.upper() == "USD" else ",.0f"
    if unit in ("ms", "int", "users"):
        return ",.0f"
    return ",.2f"


def _months(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Return df with a month label per row (a partial month says which days it covers) and the labels in order.

    The x axis is one category per month, labelled once in the month's own words: a time axis put
    "May 2026" on two ticks and November after the "Oct" tick. `note` (periods.coverage_note) marks partial months.
    """
    d = df.copy()
    if "note" not in d:
        d["note"] = None
    d["note"] = d["note"].astype(object).where(d["note"].notna(), None)
    d["month"] = [month_label(p, n) for p, n in zip(d["period_start"], d["note"])]
    d["partial"] = d["note"].notna()
    return d, list(d["month"])


def trend_chart(df: pd.DataFrame, title: str, unit: str, y_title: str, currency: str = "USD",
                notes: pd.DataFrame | None = None) -> alt.LayerChart:
    """Return a monthly line chart of df(period_start, value[, note]); partial months hollow, dashed and labelled.

    A month whose `note` is set (the days the data covers, 'to 22 Nov') is drawn as a hollow point joined
    by a dashed line, so a month still running never reads as a real drop. An empty df gives an empty, titled chart.
    `notes` (breakdowns.annotations: date, label, kind) marks roadmap launches and experiment starts and ends with
    a dashed rule at their month, its tooltip naming them.
    """
    data = df[[c for c in ("period_start", "value", "note") if c in df]].copy() if not df.empty else \
        pd.DataFrame({"period_start": [], "value": []})
    data["period_start"] = pd.to_datetime(data["period_start"])
    data, months = _months(data)
    data["period_start"] = data["period_start"].dt.strftime("%Y-%m-%d")
    data["coverage"] = ["partial month: " + n if n else "whole month" for n in data["note"]]
    x = alt.X("month:N", title="Month", sort=months, axis=month_axis(len(months), labelOverlap=False))
    y = alt.Y("value:Q", title=y_title, axis=alt.Axis(format=axis_format(unit, currency)),
              scale=alt.Scale(zero=unit in ("currency", "int", "users")))
    tips = [alt.Tooltip("month:N", title="Month"), alt.Tooltip("value:Q", title=y_title, format=tooltip_format(unit, currency)),
            alt.Tooltip("coverage:N", title="Coverage")]
    whole = data[~data["partial"]]
    # the dashed part joins each partial month to its whole neighbour, so the line stays continuous
    dashed_idx = set()
    for i, part in enumerate(data["partial"]):
        if part:
            dashed_idx.update(j for j in (i - 1, i, i + 1) if 0 <= j < len(data))
    dashed = data.iloc[sorted(dashed_idx)]
    dashed = dashed.assign(run=(dashed.index.to_series().diff() != 1).cumsum().values)
    layers = [alt.Chart(whole).mark_line(color=SERIES_COLOUR, strokeWidth=2.5).encode(x=x, y=y),
              alt.Chart(dashed).mark_line(color=SERIES_COLOUR, strokeWidth=2, strokeDash=[5, 4]).encode(
                  x=x, y=y, detail="run:N"),
              alt.Chart(whole).mark_point(color=SERIES_COLOUR, filled=True, size=50).encode(x=x, y=y, tooltip=tips),
              alt.Chart(data[data["partial"]]).mark_point(color=SERIES_COLOUR, filled=False, size=70, strokeWidth=2).encode(
                  x=x, y=y, tooltip=tips)]
    if notes is not None and not notes.empty and not data.empty:
        by_month = {m[:7]: lab for m, lab in zip(data["period_start"], data["month"])}
        marks = notes.assign(month=[by_month.get(f"{pd.Timestamp(d):%Y-%m}") for d in notes["date"]]).dropna(subset=["month"])
        if not marks.empty:
            marks = marks.groupby("month", as_index=False, sort=False).agg(what=("label", "; ".join))
            layers.append(alt.Chart(marks).mark_rule(color="#2e7d32", strokeDash=[4, 3], strokeWidth=1.5).encode(
                x=x, tooltip=[alt.Tooltip("month:N", title="Month"), alt.Tooltip("what:N", title="Marked")]))
    return alt.layer(*layers).properties(title=title, width=WIDTH, height=HEIGHT)


def okr_progress_chart(df: pd.DataFrame, title: str) -> alt.Chart:
    """Return horizontal progress bars per key result (df: kr, objective, progress, expected, status) with a pace tick."""
    data = df[["kr", "objective", "progress", "expected", "status"]].copy()
    data["progress"] = data["progress"].astype(float).fillna(0.0)
    y = alt.Y("kr:N", title=None, sort=None, axis=alt.Axis(labelLimit=260))
    tips = [alt.Tooltip("objective:N", title="Objective"), alt.Tooltip("kr:N", title="Key result"),
            alt.Tooltip("progress:Q", title="Progress", format=".0%"),
            alt.Tooltip("expected:Q", title="Expected by today", format=".0%"),
            alt.Tooltip("status:N", title="Status")]
    # Only the statuses present get a legend entry; unknown words fall back to grey.
    present = [st for st in STATUS_COLOURS if st in set(data["status"])]
    present += sorted(set(data["status"]) - set(present))
    colour = alt.Color("status:N", title="Status",
                       scale=alt.Scale(domain=present, range=[STATUS_COLOURS.get(st, "#8e8e8e") for st in present]))
    bars = alt.Chart(data).mark_bar(height=14).encode(
        x=alt.X("progress:Q", title="Progress towards target", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format=".0%")),
        y=y, color=colour, tooltip=tips)
    pace = alt.Chart(data.dropna(subset=["expected"])).mark_tick(color="#737373", thickness=2, size=22).encode(
        x="expected:Q", y=y, tooltip=tips)
    return (bars + pace).properties(title=title, width=WIDTH, height=max(60, 30 * len(data)))


def themes_chart(df: pd.DataFrame, title: str) -> alt.Chart:
    """Return a bar chart of comments per feedback theme (df: theme, comments, share)."""
    data = df[["theme", "comments", "share"]].copy()
    return alt.Chart(data).mark_bar(color="#9259b5").encode(
        x=alt.X("comments:Q", title="Comments mentioning the theme", axis=alt.Axis(format=",.0f", tickMinStep=1)),
        y=alt.Y("theme:N", title=None, sort="-x", axis=alt.Axis(labelLimit=220)),
        tooltip=[alt.Tooltip("theme:N", title="Theme"), alt.Tooltip("comments:Q", title="Comments", format=",.0f"),
                 alt.Tooltip("share:Q", title="Share of comments", format=".0%")],
    ).properties(title=title, width=WIDTH, height=max(60, 28 * len(data)))


def experiment_chart(df: pd.DataFrame, title: str) -> alt.Chart:
    """Return conversion rate per variant with 95% interval whiskers (df: variant, rate, low, high, users, conversions)."""
    data = df[["variant", "rate", "low", "high", "users", "conversions"]].copy()
    tips = [alt.Tooltip("variant:N", title="Variant"), alt.Tooltip("rate:Q", title="Conversion", format=".2%"),
            alt.Tooltip("low:Q", title="95% low", format=".2%"), alt.Tooltip("high:Q", title="95% high", format=".2%"),
            alt.Tooltip("users:Q", title="Users", format=",.0f"),
            alt.Tooltip("conversions:Q", title="Conversions", format=",.0f")]
    x = alt.X("variant:N", title="Variant", axis=alt.Axis(labelAngle=0))
    bars = alt.Chart(data).mark_bar(color="#00838f", size=60).encode(
        x=x, y=alt.Y("rate:Q", title="Conversion rate", axis=alt.Axis(format=".1%")), tooltip=tips)
    whiskers = alt.Chart(data).mark_rule(color="#737373", strokeWidth=2).encode(
        x=x, y="low:Q", y2="high:Q", tooltip=tips)
    return (bars + whiskers).properties(title=title, width=WIDTH // 2 + 80, height=HEIGHT)


def before_after_chart(df: pd.DataFrame, title: str, unit: str, y_title: str, launch_label: str) -> alt.Chart:
    """Return a monthly line of a KPI (df: period_start, value, phase 'before'|'after') with the launch month marked."""
    data = df[[c for c in ("period_start", "value", "phase", "note") if c in df]].copy()
    data["period_start"] = pd.to_datetime(data["period_start"])
    data, months = _months(data)
    data["period_start"] = data["period_start"].dt.strftime("%Y-%m-%d")
    base = alt.Chart(data).encode(
        x=alt.X("month:N", title="Month", sort=months, axis=month_axis(len(months))),
        y=alt.Y("value:Q", title=y_title, axis=alt.Axis(format=axis_format(unit)), scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("month:N", title="Month"),
                 alt.Tooltip("value:Q", title=y_title, format=tooltip_format(unit)),
                 alt.Tooltip("phase:N", title="Launch")],
    )
    colour = alt.Color("phase:N", title=launch_label,
                       scale=alt.Scale(domain=["before", "after"], range=["#8e8e8e", "#328036"]))
    return (base.mark_line(color="#8e8e8e") + base.mark_point(filled=True, size=60).encode(color=colour)
            ).properties(title=title, width=WIDTH, height=HEIGHT)
