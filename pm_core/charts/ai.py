"""Altair charts of AI quality (issue 18): precision-recall curve, reliability curve, recall by segment, pass rates.

Inputs are the plain lists and dicts `pm_core.ai` returns (small, so pages cache their specs).
"""
from __future__ import annotations

import altair as alt
import pandas as pd

from .growth import _data


def pr_curve_chart(points: list[dict], threshold: float, precision: float | None, recall: float | None,
                   min_precision: float | None = None, min_recall: float | None = None) -> alt.Chart:
    """Return the precision-recall curve with the current operating point and the launch bars as dashed lines."""
    d = pd.DataFrame(points or [], columns=["threshold", "precision", "recall"])
    line = alt.Chart(_data(d)).mark_line(color="#4c78a8", interpolate="step-after").encode(
        x=alt.X("recall:Q", title="Recall (share of real cases found)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("precision:Q", title="Precision (share of flags that are right)", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("threshold:Q", title="Threshold", format=".3f"),
                 alt.Tooltip("precision:Q", title="Precision", format=".1%"),
                 alt.Tooltip("recall:Q", title="Recall", format=".1%")])
    here = pd.DataFrame([{"threshold": threshold, "precision": precision, "recall": recall, "what": "current threshold"}])
    point = alt.Chart(_data(here)).mark_point(filled=True, size=140, color="#e45756").encode(
        x="recall:Q", y="precision:Q",
        tooltip=[alt.Tooltip("what:N", title="Point"), alt.Tooltip("threshold:Q", title="Threshold", format=".3f"),
                 alt.Tooltip("precision:Q", title="Precision", format=".1%"),
                 alt.Tooltip("recall:Q", title="Recall", format=".1%")])
    layers = [line, point]
    if min_precision is not None:
        layers.append(alt.Chart(_data(pd.DataFrame({"y": [min_precision], "bar": ["minimum precision"]})))
                      .mark_rule(strokeDash=[4, 4], color="#888").encode(
                          y="y:Q", tooltip=[alt.Tooltip("bar:N", title="Launch bar"), alt.Tooltip("y:Q", format=".0%", title="Value")]))
    if min_recall is not None:
        layers.append(alt.Chart(_data(pd.DataFrame({"x": [min_recall], "bar": ["minimum recall"]})))
                      .mark_rule(strokeDash=[4, 4], color="#888").encode(
                          x="x:Q", tooltip=[alt.Tooltip("bar:N", title="Launch bar"), alt.Tooltip("x:Q", format=".0%", title="Value")]))
    # 360 px: at 300 the long rotated y title outgrew the plot, and Streamlit's fit autosize then squashed the
    # plot to half height and clipped the chart title
    return alt.layer(*layers).properties(title="Precision-recall curve (red: the current threshold)", height=360)


def calibration_chart(points: list[dict]) -> alt.Chart:
    """Return the reliability curve (mean predicted score vs observed positive rate per bin) against the diagonal."""
    d = pd.DataFrame(points or [], columns=["predicted", "observed", "examples"])
    diag = alt.Chart(_data(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]}))).mark_line(
        strokeDash=[4, 4], color="#888").encode(x="x:Q", y="y:Q")
    curve = alt.Chart(_data(d)).mark_line(point=True, color="#4c78a8").encode(
        x=alt.X("predicted:Q", title="Mean predicted score in the bin", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("observed:Q", title="Observed share of positives", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("predicted:Q", title="Mean score", format=".1%"),
                 alt.Tooltip("observed:Q", title="Observed rate", format=".1%"),
                 alt.Tooltip("examples:Q", title="Examples", format=",")])
    return (diag + curve).properties(title="Calibration: predicted score vs what happened (dashed: perfect)", height=280)


def segment_recall_chart(groups: list[dict], segment: str, bar: float | None = None) -> alt.Chart:
    """Return recall by group of one segment with 95% intervals; groups too small to measure are left out (the table lists them)."""
    rows = [g for g in groups if g.get("recall") is not None]
    d = pd.DataFrame(rows or [], columns=["group", "examples", "positives", "recall", "recall_low", "recall_high"])
    order = list(d["group"])
    y = alt.Y("group:N", title=segment, sort=order)
    tip = [alt.Tooltip("group:N", title=segment), alt.Tooltip("recall:Q", title="Recall", format=".1%"),
           alt.Tooltip("recall_low:Q", title="95% low", format=".1%"),
           alt.Tooltip("recall_high:Q", title="95% high", format=".1%"),
           alt.Tooltip("positives:Q", title="Real cases", format=","),
           alt.Tooltip("examples:Q", title="Examples", format=",")]
    bars = alt.Chart(_data(d)).mark_bar(color="#4c78a8", opacity=0.8).encode(
        x=alt.X("recall:Q", title="Recall", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])), y=y, tooltip=tip)
    err = alt.Chart(_data(d)).mark_rule(color="#737373").encode(x="recall_low:Q", x2="recall_high:Q", y=y)
    layers = [bars, err]
    if bar is not None:
        layers.append(alt.Chart(_data(pd.DataFrame({"x": [bar]}))).mark_rule(strokeDash=[4, 4], color="#e45756")
                      .encode(x="x:Q"))
    # a height per group: a fixed total height is shared with the title and axes under Streamlit's fit
    # autosize, which left a 120 px chart with no room for its bars (all labels drawn on one line)
    return alt.layer(*layers).properties(title=f"Recall by {segment} (lines: 95% intervals)", height=alt.Step(30))


def pass_rate_chart(rows: list[dict]) -> alt.Chart:
    """Return pass rates by category and version as grouped bars with 95% intervals in the tooltip."""
    d = pd.DataFrame(rows or [], columns=["version", "category", "examples", "passed", "pass_rate", "low", "high"])
    return alt.Chart(_data(d)).mark_bar().encode(
        x=alt.X("pass_rate:Q", title="Pass rate", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("category:N", title="Category"),
        yOffset=alt.YOffset("version:N"),
        color=alt.Color("version:N", title="Version"),
        tooltip=[alt.Tooltip("category:N", title="Category"), alt.Tooltip("version:N", title="Version"),
                 alt.Tooltip("pass_rate:Q", title="Pass rate", format=".1%"),
                 alt.Tooltip("low:Q", title="95% low", format=".1%"), alt.Tooltip("high:Q", title="95% high", format=".1%"),
                 alt.Tooltip("passed:Q", title="Passed", format=","), alt.Tooltip("examples:Q", title="Graded", format=",")],
    ).properties(title="Pass rate by category and version", height=max(140, 22 * max(1, len(d))))
