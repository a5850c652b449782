"""Overview: the four pillars' KPIs for one period, with change, sparkline, target and definition."""
from __future__ import annotations

import streamlit as st

import pillars_ui as ui
from pm_core import breakdowns, metrics, okrs
from pm_core.charts import breakdowns as bcharts
from pm_core.formatting import change_arrow, fmt_change, fmt_value
from pm_core.kpi_defs import KPI_BY_KEY, PILLAR_LABELS, PILLARS
from pm_core.periods import calendar_words, parse_period
from pm_core.settings import get_settings
from pm_core.text import md

ui.page_header("Overview", "Where do strategy, discovery, delivery and growth stand for the chosen period, and what changed?")

periods = ui.cached(metrics.available_periods)
choices = ui.cached(metrics.range_choices)
options = ui.cached(metrics.segment_options)
sources = ui.cached(metrics.event_sources)  # two tools' events are two user bases: a source picker (issue 14)

# The view lives in the URL (?period=last-30d&compare=year&segment=platform=iOS|Android,country!=PT) so a
# link reproduces it; declared once, read and written by the one URL-state helper.
URL_STATE = {**ui.range_state("overview", choices), "segment": (None, ""),
             # the KPI trend below the cards: which KPI, broken down by which property, top how many
             "kpi": ui.UrlParam(list(KPI_BY_KEY), "mau", state="trend"), "by": ui.UrlParam(["", *options], ""),
             "top": ui.UrlParam([str(i) for i in range(1, 21)], "5", read=int)}
for n in ui.url_state("overview", URL_STATE):
    st.warning(n)
period, compare = ui.range_picker("overview", choices, metrics.range_words)
f1, f2, _ = st.columns([2, 1.3, 2])
with f1:
    picked_segment, seg_notices = ui.segment_filter("overview", options, st.query_params.get("segment"))
for n in seg_notices:
    st.warning(n)
with f2:
    source = ui.source_picker("overview", sources, "All", "Only events imported from this tool.")
segment = picked_segment.with_sources([source] if source else None)
seg_param = segment.text()  # canonical and hashable: the cache key and the URL
st.session_state["overview_segment"] = seg_param

with st.spinner("Computing KPIs…"):
    results = ui.cached(metrics.compute_kpis, period, seg_param, None, compare)
    series = ui.cached(metrics.all_kpi_series, "month", seg_param or None)
    targets = ui.cached(okrs.kpi_targets, period)
    head = ui.cached(metrics.headline, "all", seg_param or None)
settings = ui.cached(get_settings)
currency = settings["currency"]
calendar = calendar_words(settings["time_zone"], settings["week_start"])  # the workspace calendar, stated on the page

if len(periods) == 1:
    ui.empty_state("No data yet.", "Import product events, surveys, Jira issues or metric series to see the KPIs.")

shown = parse_period(period, compare=compare)
seg_text = f" · segment: {md(segment.describe())}" if segment else ""
rule = f" Monthly cards: {md(head.caption())}" if head is not None and shown.is_all else ""
st.caption(f"Figures for **{md(shown.describe())}**{seg_text}" + (f", {md(shown.compared_with())}" if not shown.is_all else "")
           + f".{rule} Periods: {calendar}. Each card names the period it covers; hover its :material/help: icon (or "
           "focus it) for how it is computed and from which data.")


def card(r: metrics.KpiResult) -> None:
    """Render one KPI card: value, change, sparkline, target, and its definition in the tooltip."""
    d = KPI_BY_KEY[r.key]
    with st.container(border=True):
        change = fmt_change(r.value, r.previous, r.unit)
        arrow = change_arrow(r.value, r.previous, r.unit)  # a change that rounds to zero has no arrow
        trend = series.get(r.key)
        # The definition is the value's tooltip: a popover per card was three more elements per card, and its
        # content went out with every run of the page (18 cards), for every viewer.
        about = [f"**{md(r.label)}**", md(r.definition), f"Source: {md(r.source)}",
                 f"Covers {parse_period(r.period).describe()} ({md(r.period)}); {calendar}."] + ([f"Note: {md(r.note)}"] if r.note else [])
        st.metric(md(r.label), fmt_value(r.value, r.unit, currency),
                  delta=None if change == "—" else change,
                  delta_color="off" if arrow == "off" else "normal" if d.higher_is_better else "inverse",
                  delta_arrow=arrow,
                  delta_description=_compared_with(r) if change != "—" else None,
                  help="\n\n".join(about))
        # The trend as a small SVG image, not st.metric's chart_data: each of those is a Vega view, and
        # seventeen of them doubled what Chromium spends drawing this page (bench_sessions.py --browser).
        if trend is not None and len(trend) >= 2 and r.value is not None:
            ui.sparkline(trend["value"].tolist(), f"{r.label}, by month")
        # The period the card covers, visibly (not only in the tooltip), and whether the segment applies to it.
        covers = "All data" if r.period == "all" else parse_period(r.period).describe()
        st.caption(f"**{md(covers)}**" + (f" · {md(r.extra['segment'])}" if r.extra.get("segment") else ""))
        if r.extra.get("assumption"):  # a figure resting on an assumption says so where it is read (market share)
            st.caption(md(r.extra["assumption"]))
        if r.extra.get("to_date_period") and r.extra.get("to_date_value") is not None:
            part = parse_period(r.extra["to_date_period"])
            days = r.extra["to_date_days"]
            ch = fmt_change(r.extra["to_date_value"], r.extra.get("to_date_previous"), r.unit)
            st.caption(f"{part.describe()} so far (1–{days} {part.start:%b}): "
                       f"{fmt_value(r.extra['to_date_value'], r.unit, currency)}"
                       + (f", {ch} vs 1–{days} {parse_period(r.period).start:%b}" if ch != "—" else ""))
        if r.value is None and r.extra.get("not_set"):  # an event setting is empty: what to choose and where
            st.caption(md(r.note[:1].upper() + r.note[1:]))
        elif r.value is None:
            st.caption(f"Not enough data: {md(r.note or 'no data for this period.')}")
        else:
            bits = []
            if r.key == "cycle_time_days" and r.extra.get("p85") is not None:
                bits.append(f"85th percentile {fmt_value(r.extra['p85'], 'days')}")
            if r.extra.get("n") is not None and r.key in ("csat", "nps", "cycle_time_days", "on_time_rate", "bug_rate"):
                bits.append(f"n = {int(r.extra['n']):,}")
            if r.extra.get("answers") is not None:  # task success taken from a yes/no survey, not events
                bits.append(f"from {int(r.extra['answers']):,} task-survey answers")
            if r.extra.get("period_elapsed") is not None:
                bits.append(f"{parse_period(r.period).describe()} in progress ({r.extra['period_elapsed']:.0%} elapsed)")
            if r.key in targets:
                t = targets[r.key]
                bits.append(f"target {fmt_value(t['target'], r.unit, currency)} ({t['okr_period']} OKR)")
            if bits:
                st.caption(md(" · ".join(bits)))


def _compared_with(r) -> str | None:
    """Return 'vs October 2026', or 'vs 1–22 Oct 2026' when a partial month is compared like for like."""
    if not r.extra.get("previous_period"):
        return None
    prev = parse_period(r.extra["previous_period"])
    if r.extra.get("previous_days") and prev.kind == "custom":
        return f"vs the first {r.extra['previous_days']} days of {prev.describe()}"
    if r.extra.get("previous_days"):
        return f"vs 1–{r.extra['previous_days']} {prev.start:%b %Y}"
    return f"vs {prev.describe()}"


for col, pillar in zip(st.columns(len(PILLARS)), PILLARS):
    with col:
        st.subheader(PILLAR_LABELS[pillar])
        for r in results[pillar].values():
            card(r)


# -- one KPI's trend, broken down by an event property, with launches and experiments marked ------------------
st.subheader("KPI trend")
st.caption("A KPI month by month; break it down by an event property to see a line per value (the most common "
           "values, the rest as Other). Dashed lines mark roadmap launches and experiment starts and ends.")
with_series = [k for k, df in series.items() if df is not None and len(df) >= 2] or ["mau"]
if st.session_state.get("overview_trend") not in with_series:
    st.session_state["overview_trend"] = with_series[0]
t1, t2, t3 = st.columns([2, 1.6, 0.8])
with t1:
    key = st.selectbox("KPI", with_series, key="overview_trend", format_func=lambda k: KPI_BY_KEY[k].label)
splittable = metrics.SPECS[key].segmented
with t2:
    by = st.selectbox("Break down by", ["", *options], key="overview_by", disabled=not splittable,
                      format_func=lambda k: "No breakdown" if not k else k,
                      help=None if splittable else "This KPI's data has no event properties, so it has no breakdown.")
with t3:
    top = st.number_input("Top values", min_value=1, max_value=20, step=1, key="overview_top", disabled=not by)
ui.sync_url("overview", URL_STATE)
d = KPI_BY_KEY[key]
notes = ui.cached(breakdowns.annotations)
trend = None
if by and splittable:
    try:
        trend = ui.cached(breakdowns.kpi, key, by, int(top), seg_param or None)
    except breakdowns.BreakdownError as exc:
        st.info(md(exc))
if trend is None:
    base = series.get(key)
    trend = base.assign(group=d.label) if base is not None else None
if trend is not None and not trend.empty:
    ui.chart(bcharts.breakdown_chart, trend, f"{d.label} by month" + (f", by {by}" if by and splittable else ""),
             d.label, "value", d.unit.value, by if by and splittable else "KPI", notes,
             f"Month ({settings['time_zone']})")
    st.caption(f"{md(d.definition)}" + (f" Segment: {md(segment.describe())}." if segment else ""))
else:
    st.info("No monthly series for this KPI yet.")
