"""Overview: the four pillars' KPIs for one period, with change, sparkline, target and definition."""
from __future__ import annotations

import streamlit as st

import pillars_ui as ui
from pm_core import metrics, okrs, segments
from pm_core.formatting import change_arrow, fmt_change, fmt_value
from pm_core.kpi_defs import KPI_BY_KEY, PILLAR_LABELS, PILLARS
from pm_core.periods import parse_period
from pm_core.settings import get_settings
from pm_core.text import md

ui.page_header("Overview", "Where do strategy, discovery, delivery and growth stand for the chosen period, and what changed?")

periods = ui.cached(metrics.available_periods)
options = ui.cached(metrics.segment_options)
period, notice = ui.query_param("period", periods, "all")
if notice:
    st.warning(notice)

# Segment filters live in the URL in pm_core.segments' text form (?segment=platform=iOS,country=PT) so a
# link reproduces the view; the pickers hold one value per property, so other conditions are dropped.
try:
    url_segment = segments.parse(st.query_params.get("segment"))
except segments.SegmentError:
    url_segment = segments.EVERYONE
    st.warning("The link's segment filter could not be read; showing every segment.")
url_values = {c.key: c.values[0] for c in url_segment.conditions
              if not c.negate and len(c.values) == 1 and c.values[0] in options.get(c.key, [])}

shown_keys = list(options)[:3]
sources = ui.cached(metrics.event_sources)  # two tools' events are two user bases: a source picker (issue 14)
n_pick = len(shown_keys) + (len(sources) > 1)
cols = st.columns([2] + [1.3] * n_pick if n_pick else [2, 4])
with cols[0]:
    period = st.selectbox("Period", periods, index=periods.index(period), key="overview_period",
                          format_func=lambda p: parse_period(p).describe().capitalize() if p == "all" else parse_period(p).describe(),
                          help="Monthly KPIs (active users, churn, adoption, CLV) use one calendar month: "
                               "for a quarter its latest month with events, for all data the latest month.")
picks: dict[str, str] = {}
for col, key in zip(cols[1:], shown_keys):
    with col:
        choices = ["All", *options[key]]
        current = url_values.get(key, "All")
        picked = st.selectbox(md(key.replace("_", " ").capitalize()), choices, index=choices.index(current),
                              key=f"overview_seg_{key}")
        if picked != "All":
            picks[key] = picked
source = None
if len(sources) > 1:
    with cols[len(shown_keys) + 1]:
        choices = ["All", *sources]
        current = url_segment.sources[0] if len(url_segment.sources) == 1 and url_segment.sources[0] in sources else "All"
        picked_source = st.selectbox("Source", choices, index=choices.index(current), key="overview_source",
                                     help="Only events imported from this tool.")
        source = None if picked_source == "All" else picked_source
segment = segments.parse(picks).with_sources([source] if source else None)
seg_param = segment.text()  # canonical and hashable: the cache key and the URL

st.query_params["period"] = period
if segment:
    st.query_params["segment"] = seg_param
elif "segment" in st.query_params:
    del st.query_params["segment"]

with st.spinner("Computing KPIs…"):
    results = ui.cached(metrics.compute_kpis, period, seg_param)
    series = ui.cached(metrics.all_kpi_series, "month", seg_param or None)
    targets = ui.cached(okrs.kpi_targets, period)
currency = ui.cached(get_settings)["currency"]

if len(periods) == 1:
    ui.empty_state("No data yet.", "Import product events, surveys, Jira issues or metric series to see the KPIs.")

seg_text = (f" · segment {', '.join(f'{md(k)} = {md(v)}' for k, v in picks.items())}" if picks else "") + (
    f" · events from {md(source)}" if source else "")
st.caption(f"Figures for **{parse_period(period).describe()}**{seg_text}. Changes compare with the previous period; "
           "hover a card's :material/help: icon (or focus it) to see how it is computed and from which data.")


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
                 f"Covers {parse_period(r.period).describe()} ({md(r.period)})."] + ([f"Note: {md(r.note)}"] if r.note else [])
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
        if r.value is None:
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
    if r.extra.get("previous_days"):
        return f"vs 1–{r.extra['previous_days']} {prev.start:%b %Y}"
    return f"vs {prev.describe()}"


for col, pillar in zip(st.columns(len(PILLARS)), PILLARS):
    with col:
        st.subheader(PILLAR_LABELS[pillar])
        for r in results[pillar].values():
            card(r)
