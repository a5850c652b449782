"""Altair charts for OKRs: a key result's progress over time, a check-in sparkline, a progress bullet chart.

Builders take plain values / DataFrames from pm_core.okrs and return charts (no Streamlit), so the
page and the exports draw the same thing. Colours follow the status chips.
"""
from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from ..formatting import axis_format

STATUS_COLOURS = {"On track": "#328036", "At risk": "#c0811c", "Off track": "#cc3e3e", "No check-in yet": "#8e8e8e"}
ACTUAL, EXPECTED, BASELINE, TARGET, TODAY = "#1f77b4", "#7f7f7f", "#8e8e8e", "#328036", "#d72b2c"


def progress_over_time(title: str, kr_type: str, unit: str, baseline: float, target: float,
                       period_start: dt.date, period_end_exclusive: dt.date, checkins: pd.DataFrame,
                       today: dt.date | None = None) -> alt.LayerChart:
    """Return the KR chart: actual check-ins over the period, baseline and target lines, the expected-pace line and today.

    `checkins` has columns as_of, value, source, confidence, comment (may be empty: the reference
    lines still show what is expected). For stay above/below there is no pace line, only the
    threshold; a milestone plots 0 (not done) / 1 (done).
    """
    last = period_end_exclusive - dt.timedelta(days=1)
    start_ts, end_ts = pd.Timestamp(period_start), pd.Timestamp(last)
    x_scale = alt.Scale(domain=[start_ts.isoformat(), end_ts.isoformat()])
    fmt = axis_format(unit)
    y_title = "Done (1) / not done (0)" if kr_type == "milestone" else f"Value ({unit})"
    x = alt.X("as_of:T", title="Day", scale=x_scale)
    layers: list[alt.Chart] = []
    refs = pd.DataFrame([{"line": "Baseline", "value": baseline}, {"line": "Target", "value": target}])
    if kr_type in ("stay_above", "stay_below"):
        refs = refs[refs["line"] == "Target"].assign(line="Threshold")
    colours = {"Baseline": BASELINE, "Target": TARGET, "Threshold": TARGET, "Expected pace": EXPECTED, "Actual": ACTUAL}
    shown = [*refs["line"], *(["Expected pace"] if kr_type in ("increase_to", "decrease_to") else []), "Actual"]
    layers.append(alt.Chart(refs).mark_rule(strokeDash=[4, 4]).encode(
        # not from 0: a key result moving 23.5% -> 26% would be a sliver at the top of a 0-based axis
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False, padding=12)),
        color=alt.Color("line:N", title="", scale=alt.Scale(domain=shown, range=[colours[n] for n in shown])),
        tooltip=[alt.Tooltip("line:N", title="Line"), alt.Tooltip("value:Q", title="Value", format=fmt)]))
    if kr_type in ("increase_to", "decrease_to"):
        pace = pd.DataFrame({"as_of": [start_ts, end_ts], "value": [baseline, target], "line": "Expected pace"})
        layers.append(alt.Chart(pace).mark_line(strokeDash=[2, 2]).encode(
            x=x, y="value:Q", color="line:N",
            tooltip=[alt.Tooltip("as_of:T", title="Day"), alt.Tooltip("value:Q", title="Expected", format=fmt)]))
    if checkins is not None and not checkins.empty:
        df = checkins[["as_of", "value", "source", "confidence", "comment"]].copy()
        df["as_of"] = pd.to_datetime(df["as_of"])
        df["line"] = "Actual"
        df["confidence"] = df["confidence"].astype("Float64")
        df["comment"] = df["comment"].fillna("")
        tips = [alt.Tooltip("as_of:T", title="Day"), alt.Tooltip("value:Q", title="Value", format=fmt),
                alt.Tooltip("source:N", title="Source"), alt.Tooltip("confidence:Q", title="Confidence (0-10)"),
                alt.Tooltip("comment:N", title="Comment")]
        interp = "step-after" if kr_type == "milestone" else "linear"
        layers.append(alt.Chart(df).mark_line(point=True, interpolate=interp).encode(
            x=x, y="value:Q", color="line:N", tooltip=tips))
    if today is not None and period_start <= today <= last:
        layers.append(alt.Chart(pd.DataFrame({"as_of": [pd.Timestamp(today)], "label": ["Today"]}))
                      .mark_rule(color=TODAY).encode(x=x, tooltip=[alt.Tooltip("as_of:T", title="Today")]))
    return alt.layer(*layers).properties(title=title, width="container", height=280)


def sparkline(values: list[float], title: str = "") -> alt.Chart:
    """Return a tiny line of check-in values (oldest first) without axes; an empty list gives an empty chart."""
    df = pd.DataFrame({"n": range(1, len(values) + 1), "value": values})
    return alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("n:Q", axis=None, title="Check-in"), y=alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False),
                                                                title="Value"),
        tooltip=[alt.Tooltip("n:Q", title="Check-in"), alt.Tooltip("value:Q", title="Value")],
    ).properties(title=title, width=120, height=30)


def progress_bullets(rows: pd.DataFrame, title: str) -> alt.LayerChart:
    """Return horizontal progress bars (coloured by status) with a tick at the expected pace, one row per KR.

    rows: title, progress (0..1), expected (0..1), status (label as in STATUS_COLOURS).
    """
    base = alt.Chart(rows).encode(y=alt.Y("title:N", title="Key result", sort=None))
    bars = base.mark_bar().encode(
        x=alt.X("progress:Q", title="Progress", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        color=alt.Color("status:N", title="Status", scale=alt.Scale(domain=list(STATUS_COLOURS),
                                                                   range=list(STATUS_COLOURS.values()))),
        tooltip=[alt.Tooltip("title:N", title="Key result"), alt.Tooltip("progress:Q", title="Progress", format=".0%"),
                 alt.Tooltip("expected:Q", title="Expected by now", format=".0%"), alt.Tooltip("status:N", title="Status")])
    ticks = base.mark_tick(color="black", thickness=2).encode(
        x="expected:Q", tooltip=[alt.Tooltip("expected:Q", title="Expected by now", format=".0%")])
    return alt.layer(bars, ticks).properties(title=title, width="container")
