"""Roadmap charts (Altair, no Streamlit): the Gantt timeline with swimlanes, today line, dependencies and
milestones, and the value-vs-effort 2x2. Exports reuse these, so the deck shows what the page shows.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

import altair as alt
import pandas as pd

from ..kpi_defs import PILLAR_LABELS
from ..roadmap.models import HEALTH_LABELS, STATUS_LABELS, STATUSES
from ..roadmap.scoring import QUADRANT_LABELS, VALUE_SPLIT

STATUS_COLOURS = {"idea": "#898f98", "discovery": "#8e7cc3", "planned": "#6192bf", "in_progress": "#3c78d8",
                  "launched": "#38a169", "measured": "#387f58"}
PILLAR_COLOURS = {"strategy": "#3c78d8", "discovery": "#8e7cc3", "delivery": "#c67d30", "growth": "#38a169"}
QUADRANT_COLOURS = {"quick_win": "#38a169", "big_bet": "#3c78d8", "fill_in": "#898f98", "money_pit": "#cc4125"}
ROW_PX = 24


def _floor(d: dt.date, scale: str) -> dt.date:
    m = d.month if scale == "month" else 3 * ((d.month - 1) // 3) + 1
    return dt.date(d.year, m, 1)


def _ceil(d: dt.date, scale: str) -> dt.date:
    step = 1 if scale == "month" else 3
    start = _floor(d, scale)
    m = start.month + step
    return dt.date(start.year + (m - 1) // 12, (m - 1) % 12 + 1, 1)


def timeline_frame(views: Iterable, lane_by: str | None = "team") -> pd.DataFrame:
    """Return one row per dated initiative (title, lane, dates, status, progress...) in swimlane order.

    Initiatives without start and end dates are left out (they live on the Now/Next/Later board). Rows
    are ordered by lane, then start date, then title; duplicate titles get a numbered suffix so each
    bar keeps its own row.
    """
    rows = []
    for v in views:
        if not (v.start_date and v.end_date):
            continue
        lane = getattr(v, lane_by) if lane_by else None
        if lane_by == "pillar" and lane:
            lane = PILLAR_LABELS.get(lane, lane)
        done, total = v.jira_done, v.jira_total
        frac = (done / total) if total else None
        end_excl = v.end_date + dt.timedelta(days=1)
        rows.append({
            "id": v.id, "title": v.title, "lane": lane or "(none)", "start": pd.Timestamp(v.start_date),
            "end": pd.Timestamp(end_excl), "status": v.status, "status_label": STATUS_LABELS[v.status],
            "pillar": PILLAR_LABELS.get(v.pillar, v.pillar or "(none)"), "team": v.team or "(none)",
            "health": HEALTH_LABELS[v.health],
            "progress_end": pd.Timestamp(v.start_date) + (pd.Timestamp(end_excl) - pd.Timestamp(v.start_date)) * frac
            if frac is not None else pd.NaT,
            "delivery": f"{done} of {total} work items done" if total else "no Jira work attached",
            "rice_rank": v.ranks.get("rice"),
            "dates": f"{v.start_date:%d %b %Y} – {v.end_date:%d %b %Y}",
        })
    df = pd.DataFrame(rows, columns=["id", "title", "lane", "start", "end", "status", "status_label", "pillar",
                                     "team", "health", "progress_end", "delivery", "rice_rank", "dates"])
    if df.empty:
        df["row"] = pd.Series(dtype=str)
        return df
    df = df.sort_values(["lane", "start", "title"], kind="stable").reset_index(drop=True)
    seen: dict[str, int] = {}
    labels = []
    for t in df["title"]:
        seen[t] = seen.get(t, 0) + 1
        labels.append(t if seen[t] == 1 else f"{t} ({seen[t]})")
    df["row"] = labels
    return df


def timeline_chart(views: list, today: dt.date, colour_by: str = "status", lane_by: str | None = "team",
                   scale: str = "month", title: str = "Roadmap timeline") -> alt.LayerChart:
    """Return the Gantt chart: bars by status or pillar, swimlane bands, Jira progress, today line, dependencies, milestones.

    Only dated initiatives are drawn. The x axis runs from the month (or quarter) holding the first
    start or today to the one holding the last end or today. Dependencies are grey rules from the end
    of what is waited on to the start of the waiting initiative.
    """
    df = timeline_frame(views, lane_by)
    if df.empty:
        lo, hi = _floor(today, scale), _ceil(today, scale)
    else:
        lo = _floor(min(df["start"].min().date(), today), scale)
        hi = _ceil(max((df["end"].max() - pd.Timedelta(days=1)).date(), today), scale)
    domain = [pd.Timestamp(lo).isoformat(), pd.Timestamp(hi).isoformat()]
    if scale == "quarter":
        axis = alt.Axis(title="Quarter", format="%b %Y", tickCount={"interval": "month", "step": 3},
                        labelExpr="'Q' + quarter(datum.value) + ' ' + year(datum.value)", grid=True)
    else:
        axis = alt.Axis(title="Month", format="%b %Y", tickCount={"interval": "month", "step": 1}, grid=True)
    x_scale = alt.Scale(domain=domain)
    # Rows arrive in swimlane order and every other layer holds a subset of them, so keeping data
    # order (sort=None) gives the same order as an explicit list without copying it into each layer.
    y = alt.Y("row:N", sort=None, title=None, axis=alt.Axis(labelLimit=260))
    base = alt.Chart(df)
    # Only the values present are listed, so the legend stays one short line; colours stay fixed per value.
    if colour_by == "pillar":
        present = [p for p in PILLAR_COLOURS_LABELLED if p in set(df["pillar"])] or list(PILLAR_COLOURS_LABELLED)
        colour = alt.Color("pillar:N", title="Pillar",
                           scale=alt.Scale(domain=present, range=[PILLAR_COLOURS_LABELLED[p] for p in present]))
    else:
        present = [s for s in STATUSES if s in set(df["status"])] or list(STATUSES)
        colour = alt.Color("status_label:N", title="Status",
                           scale=alt.Scale(domain=[STATUS_LABELS[s] for s in present],
                                           range=[STATUS_COLOURS[s] for s in present]))
    tooltip = [alt.Tooltip("title:N", title="Initiative"), alt.Tooltip("dates:N", title="Dates"),
               alt.Tooltip("status_label:N", title="Status"), alt.Tooltip("health:N", title="Health"),
               alt.Tooltip("team:N", title="Team"), alt.Tooltip("pillar:N", title="Pillar"),
               alt.Tooltip("delivery:N", title="Delivery"), alt.Tooltip("rice_rank:Q", title="RICE rank")]
    layers = []
    if lane_by and not df.empty:
        lanes = sorted(df["lane"].unique())
        band = base.transform_calculate(x0=f"datetime('{domain[0]}')", x1=f"datetime('{domain[1]}')").mark_rect(
            opacity=0.10).encode(
            x=alt.X("x0:T", scale=x_scale, axis=axis), x2=alt.X2("x1:T"), y=y,
            fill=alt.Fill("lane:N", title="Team" if lane_by == "team" else "Pillar (swimlane)",
                          scale=alt.Scale(domain=lanes, scheme="tableau10")),
            tooltip=[alt.Tooltip("lane:N", title="Swimlane")])
        layers.append(band)
    layers.append(base.mark_bar(cornerRadius=3, height={"band": 0.7}).encode(
        x=alt.X("start:T", scale=x_scale, axis=axis), x2=alt.X2("end:T"), y=y, color=colour, tooltip=tooltip))
    layers.append(base.transform_filter("isValid(datum.progress_end)").mark_bar(
        color="#737373", opacity=0.22, height={"band": 0.25}).encode(
        x=alt.X("start:T", scale=x_scale), x2=alt.X2("progress_end:T"), y=y, tooltip=tooltip))
    deps = _dependency_frame(views, df)
    if not deps.empty:
        layers.append(alt.Chart(deps).mark_rule(color="#737373", strokeDash=[3, 2], strokeWidth=1.5).encode(
            x=alt.X("from_x:T", scale=x_scale), x2=alt.X2("to_x:T"),
            y=alt.Y("from_row:N", sort=None, bandPosition=0.5), y2=alt.Y2("to_row:N"),
            tooltip=[alt.Tooltip("text:N", title="Dependency")]))
        layers.append(alt.Chart(deps).mark_point(shape="triangle-right", filled=True, size=60, color="#737373").encode(
            x=alt.X("to_x:T", scale=x_scale), y=alt.Y("to_row:N", sort=None),
            tooltip=[alt.Tooltip("text:N", title="Dependency")]))
    ms = _milestone_frame(views, df)
    if not ms.empty:
        layers.append(alt.Chart(ms).mark_point(shape="diamond", filled=True, size=110, color="#737373").encode(
            x=alt.X("date:T", scale=x_scale), y=alt.Y("row:N", sort=None),
            tooltip=[alt.Tooltip("row:N", title="Initiative"), alt.Tooltip("label:N", title="Milestone"),
                     alt.Tooltip("date:T", title="Date", format="%d %b %Y")]))
    today_df = pd.DataFrame({"date": [pd.Timestamp(today)], "label": [f"Today {today:%d %b %Y}"]})
    layers.append(alt.Chart(today_df).mark_rule(color="#cc4125", strokeWidth=2).encode(
        x=alt.X("date:T", scale=x_scale), tooltip=[alt.Tooltip("label:N", title="")]))
    layers.append(alt.Chart(today_df).mark_text(align="left", dx=4, dy=-6, baseline="bottom",
                                                fontWeight="bold").encode(
        x=alt.X("date:T", scale=x_scale), y=alt.YValue(0), text=alt.TextValue("Today")))
    # A step height gives every row the same room whatever the number of initiatives.
    height = alt.Step(ROW_PX) if len(df) else 60
    # Legends above the plot: beside it they are taller than a short roadmap and get cut off.
    return alt.layer(*layers).properties(title=title, height=height, width="container").configure_legend(
        orient="top", direction="horizontal", titleOrient="left", columns=0)


PILLAR_COLOURS_LABELLED = {PILLAR_LABELS[k]: c for k, c in PILLAR_COLOURS.items()}


def _dependency_frame(views: list, df: pd.DataFrame) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame()
    info = {i: (t, r, st, en) for i, t, r, st, en in zip(df["id"], df["title"], df["row"], df["start"], df["end"])}
    rows = []
    for v in views:
        if v.id not in info:
            continue
        dst = info[v.id]
        for dep in v.dependencies:
            if dep in info:
                src = info[dep]
                rows.append({"from_x": src[3], "to_x": dst[2], "from_row": src[1], "to_row": dst[1],
                             "text": f"{dst[0]} waits on {src[0]}"})
    return pd.DataFrame(rows)


def _milestone_frame(views: list, df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    if df.empty:
        return pd.DataFrame(rows)
    row_of = dict(zip(df["id"], df["row"]))
    for v in views:
        if v.id not in row_of:
            continue
        if v.launch_date:
            rows.append({"row": row_of[v.id], "date": pd.Timestamp(v.launch_date), "label": "Launch"})
        for m in v.milestones:
            rows.append({"row": row_of[v.id], "date": pd.Timestamp(m.date), "label": m.label})
    return pd.DataFrame(rows)


def matrix_frame(views: Iterable) -> pd.DataFrame:
    """Return title, value, effort and quadrant of initiatives that have both value and effort."""
    rows = [{"title": v.title, "value": v.value, "effort": v.effort, "quadrant": v.quadrant,
             "quadrant_label": QUADRANT_LABELS.get(v.quadrant, ""), "status": STATUS_LABELS[v.status],
             "value_effort": v.scores.get("value_effort")}
            for v in views if v.value is not None and v.effort is not None]
    return pd.DataFrame(rows, columns=["title", "value", "effort", "quadrant", "quadrant_label", "status", "value_effort"])


# The narrowest plot the value-vs-effort chart gets on a page (1280 px wide screen, sidebar open) and its height:
# labels are placed in these pixels, so on a wider plot they only move further apart.
_PLOT_W, _PLOT_H, _CHAR_PX, _LINE_PX = 560.0, 420.0, 6.2, 14.0


def _place_labels(df: pd.DataFrame, max_effort: float) -> pd.DataFrame:
    """Return each initiative's label position (lx, ly in data units) and alignment, so no two labels overlap.

    Greedy, highest value first: right of the point, then left, then above and below it; a label that
    fits nowhere takes the spot that overlaps least. Positions are chosen on the narrowest plot the page draws.
    """
    if df.empty:
        return df.assign(lx=[], ly=[], align=[])
    px = _PLOT_W / max_effort
    py = _PLOT_H / 10.5
    taken: list[tuple[float, float, float, float]] = [(float(e) * px - 7, (10.5 - float(v)) * py - 7,
                                                       float(e) * px + 7, (10.5 - float(v)) * py + 7)
                                                      for e, v in zip(df["effort"], df["value"])]
    out = []
    for _, r in df.sort_values(["value", "effort"], ascending=[False, True]).iterrows():
        x0, y0, w = float(r["effort"]) * px, (10.5 - float(r["value"])) * py, len(str(r["title"])) * _CHAR_PX
        options = [(x0 + 9, y0, "left"), (x0 - 9, y0, "right"), (x0 + 9, y0 - _LINE_PX, "left"),
                   (x0 + 9, y0 + _LINE_PX, "left"), (x0 - 9, y0 - _LINE_PX, "right"), (x0 - 9, y0 + _LINE_PX, "right"),
                   (x0 + 9, y0 - 2 * _LINE_PX, "left"), (x0 + 9, y0 + 2 * _LINE_PX, "left")]

        def box(o):
            lx, ly, al = o
            return (lx, ly - _LINE_PX / 2, lx + w, ly + _LINE_PX / 2) if al == "left" else (lx - w, ly - _LINE_PX / 2, lx, ly + _LINE_PX / 2)

        def clash(b):
            off = max(0.0, b[2] - _PLOT_W) + max(0.0, -b[0])  # running off the plot counts as a clash
            return off + sum(max(0.0, min(b[2], t[2]) - max(b[0], t[0])) * max(0.0, min(b[3], t[3]) - max(b[1], t[1]))
                             for t in taken)
        best = min(options, key=lambda o: (clash(box(o)) > 0, clash(box(o)), options.index(o)))
        taken.append(box(best))
        out.append({**r.to_dict(), "lx": best[0] / px, "ly": 10.5 - best[1] / py, "align": best[2]})
    return pd.DataFrame(out)


def value_effort_chart(views: list, title: str = "Value vs effort") -> alt.LayerChart:
    """Return the 2x2: effort (person-months) across, value (1-10) up, split at value 5.5 and the median effort.

    Quadrants are named in their corners: quick wins (high value, low effort), big bets, fill-ins and
    money pits. With no scored initiative the chart shows empty quadrants.
    """
    df = matrix_frame(views)
    split = float(df["effort"].median()) if not df.empty else 1.0
    max_effort = max(float(df["effort"].max()) * 1.1 if not df.empty else 2.0, split * 2)
    x_scale = alt.Scale(domain=[0, max_effort], nice=False)
    y_scale = alt.Scale(domain=[0, 10.5], nice=False)
    points = alt.Chart(df).mark_circle(size=140, opacity=0.85).encode(
        x=alt.X("effort:Q", title="Effort (person-months)", scale=x_scale),
        y=alt.Y("value:Q", title="Value (1-10)", scale=y_scale),
        color=alt.Color("quadrant_label:N", title="Quadrant",
                        scale=alt.Scale(domain=list(QUADRANT_LABELS.values()), range=list(QUADRANT_COLOURS.values()))),
        tooltip=[alt.Tooltip("title:N", title="Initiative"), alt.Tooltip("value:Q", title="Value"),
                 alt.Tooltip("effort:Q", title="Effort (person-months)"), alt.Tooltip("quadrant_label:N", title="Quadrant"),
                 alt.Tooltip("value_effort:Q", title="Value / effort", format=".2f"), alt.Tooltip("status:N", title="Status")])
    placed = _place_labels(df, max_effort)
    labels = [alt.Chart(placed[placed["align"] == a]).mark_text(align=a, fontSize=11, baseline="middle").encode(
        x=alt.X("lx:Q", scale=x_scale), y=alt.Y("ly:Q", scale=y_scale), text=alt.Text("title:N"))
        for a in ("left", "right")]
    rules = pd.DataFrame({"effort": [split]})
    vrule = alt.Chart(rules).mark_rule(color="#888888", strokeDash=[4, 3]).encode(x=alt.X("effort:Q", scale=x_scale))
    hrule = alt.Chart(pd.DataFrame({"value": [VALUE_SPLIT]})).mark_rule(color="#888888", strokeDash=[4, 3]).encode(
        y=alt.Y("value:Q", scale=y_scale))
    corners = pd.DataFrame({
        "effort": [max_effort * 0.02, max_effort * 0.98, max_effort * 0.02, max_effort * 0.98],
        "value": [10.3, 10.3, 0.3, 0.3],
        "label": ["Quick wins", "Big bets", "Fill-ins", "Money pits"],
        "align": ["left", "right", "left", "right"]})
    corner_layers = [alt.Chart(corners[corners["align"] == a]).mark_text(
        align=a, fontWeight="bold", fontSize=12).encode(
        x=alt.X("effort:Q", scale=x_scale), y=alt.Y("value:Q", scale=y_scale), text=alt.Text("label:N")) for a in ("left", "right")]
    return alt.layer(vrule, hrule, *corner_layers, points, *labels).properties(
        title=alt.TitleParams(title, subtitle=f"Split at value {VALUE_SPLIT:g} and the median effort ({split:g} person-months)"),
        height=420, width="container")
