"""Altair charts for the career area: the ladder with its bands, and the team's pay percentiles.

Builders take the frames pm_core.career returns and draw them; they decide nothing about pay.
Every chart states its currency, and open-ended bands are drawn as fading bars with a '+' label,
never with an upper bound the source did not publish.
"""
from __future__ import annotations


import textwrap

import altair as alt
import pandas as pd

from ..formatting import Unit, format_value

BAND_COLOUR = "#4C78A8"
TEAM_COLOUR = "#d57415"
POINT_COLOUR = "#737373"
QUALIFIER_LABELS = {"about": "about", "at_least": "at least", "up_to": "up to", "exact": "exact"}
# Fit the width to the page but keep the height we ask for (one row per level stays readable).
_FIT_X = alt.AutoSizeParams(type="fit-x", contains="padding")
SERIES = ["Published band", "Team P25–P75 (median tick)", "Reference point"]


def _money(v, currency: str) -> str:
    return format_value(v, Unit.CURRENCY, currency=currency, trim=True)


def _x(title: str, xmax: float, field: str = "low") -> alt.X:
    return alt.X(f"{field}:Q", title=title, scale=alt.Scale(domain=[0, xmax], nice=False),
                 axis=alt.Axis(format="~s", grid=True))


def ladder_chart(data: dict, title: str | None = None) -> alt.LayerChart:
    """Return the ladder: bands as floating bars (open bands fade out with a 'NNN+' label), team P25–P75, reference points.

    `data` is pm_core.career.ladder_chart_data(...). Rows follow the ladder's order; reference points
    without a level sit on a 'Level not stated' row. Team groups below the minimum never reach here.
    """
    currency = data["currency"]
    bands, points, team = data["bands"].copy(), data["points"].copy(), data["team"].copy()
    values = [v for v in list(bands["low"]) + list(bands["high"]) + list(points["amount"]) + list(team.get("p75", []))
              if v is not None and not pd.isna(v)]
    xmax = (max(values) if values else 1.0) * 1.18
    present = set(bands["name"]) | set(points["name"]) | set(team.get("name", []))
    order = [n for n in data["levels"] if n in present]
    y = alt.Y("name:N", title=None, sort=order, scale=alt.Scale(domain=order),
              axis=alt.Axis(labelLimit=220))
    xtitle = f"Yearly pay ({currency})"
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=SERIES, range=[BAND_COLOUR, TEAM_COLOUR, POINT_COLOUR]),
                       legend=alt.Legend(orient="bottom", labelLimit=260))
    layers = []

    if not bands.empty:
        bands["series"] = SERIES[0]
        bands["open_from"] = bands["high"].where(bands["high"].notna(), bands["low"])
        bands["open_label"] = [_money(f, currency) + "+" for f in bands["open_from"]]
        bands["xmax"] = xmax
        tip = [alt.Tooltip("name:N", title="Level"), alt.Tooltip("band:N", title="Band"),
               alt.Tooltip("source:N", title="Source"), alt.Tooltip("note:N", title="Note")]
        closed = bands[bands["high"].notna()]
        if not closed.empty:
            layers.append(alt.Chart(closed).mark_bar(size=22, opacity=0.85, cornerRadius=2).encode(
                x=_x(xtitle, xmax), x2="high:Q", y=y, color=colour, tooltip=tip))
        opened = bands[bands["open"].astype(bool)]
        if not opened.empty:
            fade = alt.Gradient(gradient="linear", x1=0, x2=1, y1=0, y2=0,
                                stops=[alt.GradientStop(color=BAND_COLOUR, offset=0),
                                       alt.GradientStop(color="#ffffff", offset=1)])
            open_tip = tip + [alt.Tooltip("open_label:N", title="Open-ended from")]
            layers.append(alt.Chart(opened).mark_bar(size=22, opacity=0.6, color=fade).encode(
                x=_x(xtitle, xmax, "open_from"), x2="xmax:Q", y=y, tooltip=open_tip))
            layers.append(alt.Chart(opened).mark_text(align="left", dx=4, fontWeight="bold").encode(
                x=_x(xtitle, xmax, "open_from"), y=y, text="open_label:N", tooltip=open_tip))

    if not team.empty:
        team = team.assign(series=SERIES[1], low=team["p25"],
                           p25_s=[_money(v, currency) for v in team["p25"]],
                           p50_s=[_money(v, currency) for v in team["p50"]],
                           p75_s=[_money(v, currency) for v in team["p75"]])
        ttip = [alt.Tooltip("name:N", title="Level"), alt.Tooltip("n:Q", title="Rows", format=","),
                alt.Tooltip("p25_s:N", title="Team P25"), alt.Tooltip("p50_s:N", title="Team median"),
                alt.Tooltip("p75_s:N", title="Team P75")]
        layers.append(alt.Chart(team).mark_bar(size=6).encode(
            x=_x(xtitle, xmax), x2="p75:Q", y=y, color=colour, tooltip=ttip))
        layers.append(alt.Chart(team).mark_tick(thickness=3, size=16, color=TEAM_COLOUR).encode(
            x=_x(xtitle, xmax, "p50"), y=y, tooltip=ttip))

    if not points.empty:
        points["series"] = SERIES[2]
        points["text"] = points["label"] + " " + points["display"]
        points["qualifier"] = points["qualifier"].map(QUALIFIER_LABELS).fillna(points["qualifier"])
        ptip = [alt.Tooltip("label:N", title="Reference"), alt.Tooltip("display:N", title="Pay"),
                alt.Tooltip("comp:N", title="Figure"), alt.Tooltip("source:N", title="Source"),
                alt.Tooltip("note:N", title="Note")]
        layers.append(alt.Chart(points).mark_point(filled=True, size=110).encode(
            x=_x(xtitle, xmax, "amount"), y=y, color=colour,
            shape=alt.Shape("qualifier:N", title="Figure is", legend=alt.Legend(orient="bottom"),
                            scale=alt.Scale(domain=list(QUALIFIER_LABELS.values()),
                                            range=["diamond", "triangle-right", "triangle-left", "circle"])),
            tooltip=ptip))
        layers.append(alt.Chart(points).mark_text(align="left", dx=8, dy=-12, fontSize=11).encode(
            x=_x(xtitle, xmax, "amount"), y=y, text="text:N", tooltip=ptip))

    if not layers:
        layers.append(alt.Chart(pd.DataFrame({"name": [], "low": []})).mark_bar().encode(x=_x(xtitle, xmax), y=y))
    subtitle = [f"Yearly pay in {currency}." + (" Bands with '+' have no published top and fade out." if not bands.empty
                                                 else f" No ladder band is published in {currency}; enter a rate to convert one.")]
    subtitle.append("Markers are published reference points" + ("; orange is the team's own P25–P75." if not team.empty else "."))
    chart = alt.layer(*layers).properties(
        title=alt.TitleParams(title or f"PM career ladder — pay bands in {currency}", subtitle=subtitle),
        height=max(180, 56 * len(order)), autosize=_FIT_X)
    return chart


def percentile_chart(pct: pd.DataFrame, currency: str, group_title: str) -> alt.LayerChart:
    """Return P10–P90 whiskers, a P25–P75 box and a median tick per group for one currency.

    Suppressed groups carry no figures into the chart: they are named in the subtitle only.
    """
    df = pct[(pct["currency"] == currency)].copy()
    hidden = list(df.loc[df["suppressed"].astype(bool), "label"])
    df = df[~df["suppressed"].astype(bool)].copy()
    order = list(df["label"])
    for c in ("p10", "p25", "p50", "p75", "p90"):
        df[f"{c}_s"] = [_money(v, currency) for v in df[c]]
    words = f"Total yearly pay in {currency}: line P10–P90, box P25–P75, tick median."
    if hidden:
        words += f" Fewer than the minimum rows, so hidden: {', '.join(hidden)}."
    # wrapped, not one long line: the page draws this chart in half its width and cuts a longer line ('… Unmap…')
    subtitle = textwrap.wrap(words, 46)
    y = alt.Y("label:N", title=group_title, sort=order, axis=alt.Axis(labelLimit=220))
    tip = [alt.Tooltip("label:N", title=group_title), alt.Tooltip("n:Q", title="Rows", format=",")] + [
        alt.Tooltip(f"{c}_s:N", title=c.upper()) for c in ("p10", "p25", "p50", "p75", "p90")]
    x = alt.X("p10:Q", title=f"Total yearly pay ({currency})", axis=alt.Axis(format="~s"))
    base = alt.Chart(df)
    chart = alt.layer(
        base.mark_rule(color="#777").encode(x=x, x2="p90:Q", y=y, tooltip=tip),
        base.mark_bar(size=16, color=BAND_COLOUR, opacity=0.85).encode(x="p25:Q", x2="p75:Q", y=y, tooltip=tip),
        base.mark_tick(size=22, thickness=3, color=TEAM_COLOUR).encode(x="p50:Q", y=y, tooltip=tip),
    ).properties(title=alt.TitleParams(f"Team pay by {group_title.lower()} — {currency}", subtitle=subtitle),
                 height=max(120, 34 * max(1, len(order))), autosize=_FIT_X)
    return chart


def breakdown_chart(pct: pd.DataFrame, currency: str, group_title: str) -> alt.Chart:
    """Return stacked median base, stock and bonus per group for one currency (suppressed groups left out)."""
    df = pct[(pct["currency"] == currency) & ~pct["suppressed"].astype(bool)]
    order = list(df["label"])
    long = df.melt(id_vars=["label", "n"], value_vars=["base", "stock", "bonus"], var_name="part", value_name="median")
    long = long[long["median"].notna()].copy()
    long["part"] = long["part"].str.capitalize()
    long["stack_order"] = long["part"].map({"Base": 0, "Stock": 1, "Bonus": 2})
    long["median_s"] = [_money(v, currency) for v in long["median"]]
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("median:Q", title=f"Median per part ({currency})", stack="zero", axis=alt.Axis(format="~s")),
        y=alt.Y("label:N", title=group_title, sort=order, axis=alt.Axis(labelLimit=220)),
        color=alt.Color("part:N", title="Part", scale=alt.Scale(domain=["Base", "Stock", "Bonus"],
                                                             range=[BAND_COLOUR, "#529f4a", TEAM_COLOUR])),
        order=alt.Order("stack_order:Q"),
        tooltip=[alt.Tooltip("label:N", title=group_title), alt.Tooltip("part:N", title="Part"),
                 alt.Tooltip("median_s:N", title="Median"), alt.Tooltip("n:Q", title="Rows", format=",")],
    ).properties(title=alt.TitleParams(f"Base, stock and bonus by {group_title.lower()} — {currency}",
                                       subtitle=["Median of each part where reported;", "parts need not add up to the median total."]),
                 height=max(120, 34 * max(1, len(order))), autosize=_FIT_X)
