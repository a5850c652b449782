"""Altair charts for growth and experiments (no Streamlit here, so exports can reuse them)."""
from __future__ import annotations

import datetime as dt
import math

import altair as alt
import pandas as pd

from ..experiments import ExperimentResult, rate_interval
from ..formatting import Unit, fmt_pp, format_value, human_name
from ..periods import add_months, coverage_note, month_label
from .layout import band_height, month_axis
from ..growth import FunnelResult, RetentionResult, retention_matrix

_UNIT_LABEL = {"hour": "Hour", "day": "Day", "week": "Week", "month": "Month"}
_UNIT_ADJ = {"hour": "Hourly", "day": "Daily", "week": "Weekly", "month": "Monthly"}
_SERIES_COLORS = {"DAU": "#4c78a8", "WAU": "#d57415", "MAU": "#529f4a"}


def _data(df: pd.DataFrame) -> alt.Data:
    """Return df as inline chart data with NaN as null and times as ISO text, so the spec is valid JSON.

    Altair's own DataFrame conversion writes NaN (invalid JSON) for missing values under pandas 3,
    which breaks exports through vl-convert.
    """
    def cell(v):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
            return None
        if hasattr(v, "isoformat"):
            return v.isoformat()
        if hasattr(v, "item"):  # numpy scalars
            return v.item()
        return v
    return alt.Data(values=[{k: cell(v) for k, v in row.items()} for row in df.to_dict(orient="records")])


def active_users_chart(dau: pd.DataFrame, wau: pd.DataFrame, mau: pd.DataFrame, calendar: str = "UTC") -> alt.LayerChart:
    """Return DAU, WAU and MAU lines over time; partial periods hollow, joined by a dashed line and labelled ('to 22 Nov').

    The data's first and last days are those of the daily series (every day from the first to the last
    event), and periods.coverage_note words the days a partial week or month covers. The time axis has
    one tick per month, labelled once ('Nov 2026'). `calendar` names the zone (and week start) periods are cut in.
    """
    days = pd.to_datetime(dau["period_start"]) if dau is not None and not dau.empty else pd.Series(dtype="datetime64[ns]")
    first, last = (days.min().date(), days.max().date()) if len(days) else (None, None)
    parts = []
    for name, df, label, unit in (("DAU", dau, "day", "day"), ("WAU", wau, "week of", "week"), ("MAU", mau, "month of", "month")):
        if df is None or df.empty:
            continue
        d = df.copy()
        d["series"] = name
        d["period"] = [f"{label} {p:%d %b %Y}" if name != "MAU" else f"{p:%B %Y}" for p in d["period_start"]]
        starts = [pd.Timestamp(p).date() for p in d["period_start"]]
        ends = [s + dt.timedelta(days=1) if unit == "day" else s + dt.timedelta(days=7) if unit == "week"
                else add_months(s, 1) for s in starts]
        notes = [None if c else coverage_note(s, e, first, last) for s, e, c in zip(starts, ends, d["complete"])]
        d["note"] = [f"{n} ({name})" if n else "" for n in notes]
        d["coverage"] = ["full period" if not n else f"partial period: {n}" for n in notes]
        d["seg"] = [f"{name}-{'partial' if n else 'whole'}" for n in notes]
        parts.append(d)
    data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["period_start", "active_users", "complete", "series", "period", "coverage", "note", "seg"])
    data["period_start"] = pd.to_datetime(data["period_start"])
    color = alt.Color("series:N", title="Active users", sort=["DAU", "WAU", "MAU"],
                      scale=alt.Scale(domain=list(_SERIES_COLORS), range=list(_SERIES_COLORS.values())))
    tooltip = [alt.Tooltip("series:N", title="Series"), alt.Tooltip("period:N", title="Period"),
               alt.Tooltip("active_users:Q", title="Active users", format=","),
               alt.Tooltip("coverage:N", title="Coverage")]
    x = alt.X("period_start:T", title=f"Period start ({calendar})",
              axis=alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 1}, labelAngle=0))
    base = alt.Chart(_data(data)).encode(x=x, y=alt.Y("active_users:Q", title="Distinct active users"), color=color)
    whole = base.transform_filter(alt.datum.complete)
    lines = whole.mark_line(strokeWidth=1.5).encode(detail="series:N")
    # each partial point is joined to its whole neighbour by a dashed segment (the last and first periods)
    edge = _data(_partial_edges(data))
    dashed = alt.Chart(edge).mark_line(strokeWidth=1.5, strokeDash=[4, 3]).encode(
        x=x, y="active_users:Q", color=color, detail="pair:N")
    points = whole.mark_point(size=30, filled=True).encode(tooltip=tooltip)
    hollow = base.transform_filter(~alt.datum.complete).mark_point(size=60, filled=False, strokeWidth=1.5).encode(
        tooltip=tooltip)
    # the words go on the monthly series only: three labels stacked on one day would collide
    words = base.transform_filter((~alt.datum.complete) & (alt.datum.series == "MAU")).mark_text(
        dy=-12, fontSize=11, align="center").encode(text="note:N")
    return alt.layer(lines, dashed, points, hollow, words).properties(
        title="Daily, weekly and monthly active users", height=280)


def _partial_edges(data: pd.DataFrame) -> pd.DataFrame:
    """Return, per series, each partial period with its whole neighbour as a two-point 'pair' (the dashed segments)."""
    rows = []
    for name, d in data.sort_values("period_start").groupby("series", sort=False):
        d = d.reset_index(drop=True)
        for i, complete in enumerate(d["complete"]):
            if complete:
                continue
            for j in (i - 1, i + 1):
                if 0 <= j < len(d) and bool(d.loc[j, "complete"]):
                    for k in (i, j):
                        rows.append({**d.loc[k, ["period_start", "active_users", "series"]].to_dict(), "pair": f"{name}-{i}-{j}"})
    return pd.DataFrame(rows, columns=["period_start", "active_users", "series", "pair"])


def stickiness_chart(df: pd.DataFrame) -> alt.LayerChart:
    """Return monthly stickiness bars (mean DAU / MAU); a month the data covers in part is a hollow, dashed bar labelled
    with its days ('May 2026 (from 25 May)'), MAU and mean DAU in the tooltip.

    calendar_days is the days of the month the data covers (growth.stickiness_series), so the first and
    last months give the data's first and last days.
    """
    d = df.copy()
    months = [pd.Timestamp(m).date() for m in d["month"]]
    notes: list[str | None] = [None] * len(months)
    if months:
        first = add_months(months[0], 1) - dt.timedelta(days=int(d["calendar_days"].iloc[0]))
        last = months[-1] + dt.timedelta(days=int(d["calendar_days"].iloc[-1]) - 1)
        notes = [coverage_note(m, add_months(m, 1), first, last) for m in months]
    d["month_label"] = [month_label(m, n) for m, n in zip(months, notes)]
    d["partial"] = [n is not None for n in notes]
    d["coverage"] = [f"partial month: {n}" if n else "whole month" for n in notes]
    d = d.drop(columns=["month"])  # plain dates are not JSON; the label carries the month
    base = alt.Chart(_data(d)).encode(
        x=alt.X("month_label:N", title="Month", sort=list(d["month_label"]), axis=month_axis(len(d))),
        y=alt.Y("stickiness:Q", title="Stickiness (mean DAU / MAU)", axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("month_label:N", title="Month"),
                 alt.Tooltip("stickiness:Q", title="Stickiness", format=".1%"),
                 alt.Tooltip("mau:Q", title="MAU", format=","),
                 alt.Tooltip("mean_dau:Q", title="Mean DAU", format=",.1f"),
                 alt.Tooltip("days_with_events:Q", title="Days with events"),
                 alt.Tooltip("calendar_days:Q", title="Days the data covers (mean DAU over these)"),
                 alt.Tooltip("coverage:N", title="Coverage")])
    whole = base.transform_filter(~alt.datum.partial).mark_bar(color="#4c78a8")
    part = base.transform_filter(alt.datum.partial).mark_bar(
        color="#4c78a8", fillOpacity=0.15, stroke="#4c78a8", strokeWidth=1.5, strokeDash=[4, 3])
    return alt.layer(whole, part).properties(title="Stickiness by month", height=240)


def days_active_chart(df: pd.DataFrame, period_label: str) -> alt.Chart:
    """Return bars of users by the number of days they were active in the period (PostHog's stickiness histogram)."""
    d = df.copy()
    total = int(d["users"].sum()) or 1
    d["share"] = d["users"] / total
    return alt.Chart(_data(d)).mark_bar(color="#4c78a8").encode(
        x=alt.X("days_active:O", title="Days active in the period", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("users:Q", title="Users"),
        tooltip=[alt.Tooltip("days_active:O", title="Days active"), alt.Tooltip("users:Q", title="Users", format=","),
                 alt.Tooltip("share:Q", title="Share of active users", format=".1%")],
    ).properties(title=f"How many days users were active · {period_label}", height=240)


def retention_heatmap(res: RetentionResult) -> alt.Chart:
    """Return the cohort x period heatmap with percentages, a weighted-mean row on top, and tooltips."""
    unit = _UNIT_LABEL[res.unit]
    m = retention_matrix(res)
    fmt = "%d %b %Y %H:00" if res.unit == "hour" else "%d %b %Y"
    m["row"] = [f"{c:{fmt}} ({s:,})" for c, s in zip(m["cohort"], m["size"])]
    w = pd.DataFrame([{"row": "Weighted mean", "k": k, "rate": v, "retained": None, "size": None}
                      for k, v in res.weighted.items() if v is not None]
                     + [{"row": "Weighted mean", "k": 0, "rate": 1.0, "retained": None, "size": None}])
    data = pd.concat([w, m[["row", "k", "rate", "retained", "size"]]], ignore_index=True)
    data["col"] = [str(int(k)) for k in data["k"]]
    data["label"] = [f"{r * 100:.0f}%" if r is not None and not (isinstance(r, float) and math.isnan(r)) else ""
                     for r in data["rate"]]
    order_rows = ["Weighted mean"] + list(dict.fromkeys(m["row"]))
    order_cols = [str(int(k)) for k in sorted(data["k"].unique())]
    # 22 px a row gives every cohort its label (the chart showed every other one when rows were 20 px)
    height = band_height(len(order_rows), 22, 160)
    mean_row = alt.datum.value == "Weighted mean"
    base = alt.Chart(_data(data)).encode(
        x=alt.X("col:N", title=f"{unit}s after the cohort {res.unit}", sort=order_cols,
                  axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("row:N", title=f"Cohort ({res.unit} starting, users)", sort=order_rows,
                axis=alt.Axis(labelOverlap=False, labelLimit=260,
                              labelFontWeight=alt.condition(mean_row, alt.value("bold"), alt.value("normal")))))
    rect = base.mark_rect().encode(
        color=alt.Color("rate:Q", title="Retained", scale=alt.Scale(scheme="blues", domain=[0, 1]),
                        legend=alt.Legend(format="%")),
        tooltip=[alt.Tooltip("row:N", title="Cohort"), alt.Tooltip("col:N", title=f"{unit}s after"),
                 alt.Tooltip("rate:Q", title="Retained", format=".1%"),
                 alt.Tooltip("retained:Q", title="Users retained", format=","),
                 alt.Tooltip("size:Q", title="Cohort size", format=",")])
    # the weighted-mean row is not a cohort: it gets a dark frame and a bold label so it never reads as one
    frame = base.transform_filter(alt.datum.row == "Weighted mean").mark_rect(
        fill=None, stroke="#737373", strokeWidth=1.5)
    text = base.mark_text(fontSize=10).encode(
        text="label:N",
        color=alt.condition(alt.datum.rate > 0.7, alt.value("white"), alt.value("#111")))  # on_cell: 4.5:1 on its cell
    kind = "first-time" if res.first_time else "recurring"
    how = "on" if res.mode == "on" else "on or after"
    events = ""
    if res.start_event or res.return_event or res.min_events > 1:
        events = (f" ({res.start_event or 'any event'} → {res.return_event or 'any event'}"
                  + (f", at least {res.min_events} times" if res.min_events > 1 else "") + ")")
    return (rect + frame + text).properties(
        title=f"{_UNIT_ADJ[res.unit]} retention{events}, {kind} users, returning {how} {res.unit} N", height=height)


def retention_curve(res: RetentionResult) -> alt.Chart:
    """Return the weighted retention curve by periods since the cohort (observable k only)."""
    unit = _UNIT_LABEL[res.unit]
    d = pd.DataFrame([{"k": k, "rate": v} for k, v in res.weighted.items() if v is not None])
    if d.empty:
        d = pd.DataFrame(columns=["k", "rate"])
    return alt.Chart(_data(d)).mark_line(point=True).encode(
        x=alt.X("k:Q", title=f"{unit}s after the cohort {res.unit}", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("rate:Q", title="Weighted retention", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("k:Q", title=unit), alt.Tooltip("rate:Q", title="Weighted retention", format=".1%")],
    ).properties(title="Retention curve (weighted mean across cohorts)", height=240)


def retention_trend_chart(trend: pd.DataFrame, k: int, unit: str, calendar: str = "UTC") -> alt.Chart:
    """Return the k-period retention of each cohort over cohort start dates (is retention improving?)."""
    u = _UNIT_LABEL[unit]
    d = trend.copy()
    d["cohort"] = pd.to_datetime(d["cohort"])
    return alt.Chart(_data(d)).mark_line(point=True).encode(
        x=alt.X("cohort:T", title=f"Cohort ({unit} starting, {calendar})"),
        y=alt.Y("rate:Q", title=f"{u}-{k} retention", axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("cohort:T", title="Cohort", format="%d %b %Y"),
                 alt.Tooltip("rate:Q", title=f"{u}-{k} retention", format=".1%"),
                 alt.Tooltip("retained:Q", title="Users retained", format=","),
                 alt.Tooltip("size:Q", title="Cohort size", format=",")],
    ).properties(title=f"{u}-{k} retention by cohort", height=240)


def funnel_chart(res: FunnelResult) -> alt.Chart:
    """Return horizontal bars of users per funnel step, labelled with conversion from the first step."""
    rows = []
    for i, s in enumerate(res.steps, 1):
        rows.append({"step": f"{i}. {human_name(s.event)}", "event": s.event, "users": s.users,
                     "from_start": s.conversion_from_start, "from_prev": s.conversion_from_previous,
                     "label": format_value(s.users, Unit.COUNT) + (f" · {format_value(s.conversion_from_start, Unit.FRACTION)}" if s.conversion_from_start is not None else "")})
    d = pd.DataFrame(rows)
    order = list(d["step"])
    # the x scale runs past the widest bar so its value label ('26,824 · 100.0%') stays inside the chart
    top = float(d["users"].max()) if len(d) else 1.0
    base = alt.Chart(_data(d)).encode(
        y=alt.Y("step:N", title=None, sort=order, axis=alt.Axis(labelLimit=320)),
        x=alt.X("users:Q", title="Users reaching the step", scale=alt.Scale(domain=[0, max(1.0, top * 1.3)], nice=False)))
    bars = base.mark_bar(color="#4c78a8").encode(tooltip=[
        alt.Tooltip("step:N", title="Step"), alt.Tooltip("event:N", title="Event"),
        alt.Tooltip("users:Q", title="Users", format=","),
        alt.Tooltip("from_prev:Q", title="Converted from previous step", format=".1%"),
        alt.Tooltip("from_start:Q", title="Converted from first step", format=".1%")])
    text = base.mark_text(align="left", dx=4).encode(text="label:N")
    window = res.window_label or f"{res.window_days}-day"
    return (bars + text).properties(title=f"Funnel ({window} conversion window, "
                                          f"{'any attempt' if res.attempt == 'any' else 'first attempt only'})",
                                    height=band_height(len(order), 45))


def funnel_trend_chart(df: pd.DataFrame, unit: str, window_label: str) -> alt.Chart:
    """Return conversion by the day/week/month users entered, with entrants in the tooltip; still-converting periods faded."""
    d = df.copy()
    d["period_start"] = pd.to_datetime(d["period_start"])
    d["state"] = ["complete" if c else "still converting" for c in d["complete"]]
    u = _UNIT_LABEL.get(unit, unit.capitalize())
    return alt.Chart(_data(d)).mark_line(point=True).encode(
        x=alt.X("period_start:T", title=f"{u} users entered the funnel"),
        y=alt.Y("conversion:Q", title="Conversion to the last step", axis=alt.Axis(format="%")),
        opacity=alt.Opacity("state:N", title=None, scale=alt.Scale(domain=["complete", "still converting"], range=[1, 0.4])),
        tooltip=[alt.Tooltip("period_start:T", title=f"{u} of entry", format="%d %b %Y"),
                 alt.Tooltip("conversion:Q", title="Conversion", format=".1%"),
                 alt.Tooltip("entered:Q", title="Users who entered", format=","),
                 alt.Tooltip("converted:Q", title="Users who converted", format=","),
                 alt.Tooltip("state:N", title="Period")],
    ).properties(title=f"Funnel conversion by {unit} of entry ({window_label} window)", height=240)


def variant_rates_chart(res: ExperimentResult) -> alt.Chart:
    """Return conversion rate per variant with each variant's 95% interval (normal approximation)."""
    rows = []
    for v in res.variants:
        lo, hi = rate_interval(v.rate, v.users)
        rows.append({"variant": v.name, "rate": v.rate, "lo": lo, "hi": hi, "users": v.users, "conversions": v.conversions,
                     "role": "control" if v.name == res.control else ("treatment" if v.name == res.treatment else "other")})
    d = pd.DataFrame(rows)
    colours = {"control": "#8e8e8e", "treatment": "#4c78a8", "other": "#958d8a"}
    roles = [r for r in colours if r in set(d["role"])]  # the legend names only roles that have a bar
    base = alt.Chart(_data(d)).encode(x=alt.X("variant:N", title="Variant", sort=list(d["variant"]), axis=alt.Axis(labelAngle=0)))
    bars = base.mark_bar(size=48).encode(
        y=alt.Y("rate:Q", title="Conversion rate", axis=alt.Axis(format="%")),
        color=alt.Color("role:N", title=None, scale=alt.Scale(domain=roles, range=[colours[r] for r in roles])),
        tooltip=[alt.Tooltip("variant:N", title="Variant"), alt.Tooltip("rate:Q", title="Rate", format=".2%"),
                 alt.Tooltip("users:Q", title="Users", format=","),
                 alt.Tooltip("conversions:Q", title="Conversions", format=","),
                 alt.Tooltip("lo:Q", title="95% CI low", format=".2%"),
                 alt.Tooltip("hi:Q", title="95% CI high", format=".2%")])
    # ticks as wide as the bar's middle third, not the whole band
    err = base.mark_errorbar(ticks={"size": 16}, thickness=1.5, color="#737373").encode(
        y=alt.Y("lo:Q", title="Conversion rate"), y2="hi:Q")
    return (bars + err).properties(title="Conversion rate by variant (with 95% intervals)", height=260)


def lift_chart(res: ExperimentResult) -> alt.Chart:
    """Return the absolute lift (treatment - control) with its 95% CI against a zero line, in percentage points.

    The lift is a difference of two rates, so the axis and tooltip say 'pp' ('+1.7 pp'), never '%'.
    """
    d = pd.DataFrame([{"what": f"{human_name(res.treatment)} vs {human_name(res.control)}", "lift": res.abs_lift,
                       "lo": res.ci95[0], "hi": res.ci95[1], "lift_text": fmt_pp(res.abs_lift),
                       "lo_text": fmt_pp(res.ci95[0]), "hi_text": fmt_pp(res.ci95[1])}])
    y = alt.Y("what:N", title=None, axis=alt.Axis(labelLimit=240))
    pp = "(datum.value > 0 ? '+' : '') + format(datum.value * 100, '.1f') + ' pp'"
    point = alt.Chart(_data(d)).mark_point(filled=True, size=120, color="#4c78a8").encode(
        x=alt.X("lift:Q", title="Difference in conversion rate (percentage points)",
                axis=alt.Axis(labelExpr=pp, tickCount=5, labelOverlap="greedy")),
        y=y, tooltip=[alt.Tooltip("lift_text:N", title="Absolute lift"),
                      alt.Tooltip("lo_text:N", title="95% CI low"),
                      alt.Tooltip("hi_text:N", title="95% CI high")])
    rule = alt.Chart(_data(d)).mark_rule(strokeWidth=3, color="#4c78a8").encode(x="lo:Q", x2="hi:Q", y=y)
    zero = alt.Chart(_data(pd.DataFrame({"x": [0.0]}))).mark_rule(strokeDash=[4, 4], color="#888").encode(x="x:Q")
    return (zero + rule + point).properties(title="Lift with its 95% confidence interval", height=band_height(1, 60, 90))
