"""Executive presentation mode: one screen per slide-sized section, large type, prints to clean PDF pages."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import pillars_ui as ui
from pm_core import audiences as A
from pm_core.briefing import BulletsItem, ChartItem, MetricItem, TableItem, TextItem, format_cell, known_items
from pm_core.exports import EXPORT_BY_ID, export_briefing, file_name
from pm_core.periods import parse_period
from pm_core.text import md

# Static CSS only (no user text): large type on screen, and for print hide Streamlit's chrome and
# start every slide on a new page, so the browser's "Print to PDF" gives one clean page per slide.
SLIDE_CSS = """
<style>
div[class*="st-key-slide-"] { min-height: 82vh; padding: 1.5rem 0 2rem; border-bottom: 1px solid #d9dee5; }
div[class*="st-key-slide-"] h2 { font-size: 2.6rem !important; line-height: 1.15; }
div[class*="st-key-slide-"] p, div[class*="st-key-slide-"] li { font-size: 1.35rem !important; }
div[class*="st-key-slide-"] [data-testid="stMetricValue"],
div[class*="st-key-slide-"] [data-testid="stMetricValue"] * { font-size: 3rem !important; line-height: 1.1; }
div[class*="st-key-slide-"] [data-testid="stMetricLabel"] p { font-size: 1.2rem !important; }
div[class*="st-key-slide-"] [data-testid="stMetricDelta"],
div[class*="st-key-slide-"] [data-testid="stMetricDelta"] * { font-size: 1.15rem !important; }
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stDownloadButton"], [data-testid="stElementToolbar"], .st-key-present-chrome,
  header, footer { display: none !important; }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"], .block-container {
    padding: 0 !important; margin: 0 !important; max-width: none !important; }
  div[class*="st-key-slide-"] { min-height: auto; border: none; break-after: page; page-break-after: always;
    break-inside: avoid; page-break-inside: avoid; }
  div[class*="st-key-slide-"]:last-of-type { break-after: auto; page-break-after: auto; }
  @page { size: A4 landscape; margin: 12mm; }
}
</style>
"""
st.markdown(SLIDE_CSS, unsafe_allow_html=True)

periods = ui.cached(A.period_choices)
default_period = ui.cached(A.default_period)
period, notice = ui.query_param("period", periods, default_period)
with st.sidebar:
    period = st.selectbox("Period", periods, index=periods.index(period), key="present_period",
                          format_func=lambda p: "All data" if p == "all" else parse_period(p).describe())
st.query_params["period"] = period

with st.spinner("Preparing the presentation…"):
    brief = ui.cached(A.build_briefing, "executives", period, None, None, sections=A.PRESENTATION_SECTIONS)

with st.sidebar:
    st.caption("Print this page (Ctrl/Cmd + P → Save as PDF) for one clean page per slide.")
    deck = EXPORT_BY_ID["pptx"]
    st.download_button(deck.label, data=lambda: export_briefing(brief, deck.id),
                       file_name=file_name(brief, deck.id, variant="presentation"),
                       mime=deck.mime, icon=deck.icon, on_click="ignore", key="present_dl_pptx")

with st.container(key="slide-0"):
    ui.page_header("Executive presentation", "Are we moving the business, and are we on track against our goals?")
    if notice:
        with st.container(key="present-chrome"):
            st.warning(notice, icon=":material/link_off:")
    st.markdown(f"## {md(brief.headline)}")
    st.markdown(md(f"{brief.concern} Figures for {brief.period_text}."))
    if periods == ["all"]:
        st.info("No data yet: once events, surveys, Jira issues or metric series are imported, these slides fill themselves.")


for i, s in enumerate(brief.sections, start=1):
    with st.container(key=f"slide-{i}"):
        st.markdown(f"## {md(s.title)}")
        if s.lead:
            st.markdown(md(s.lead))
        if s.error:
            st.error(md(s.error))
        if s.empty:
            st.info(md(s.empty))
        metric_items = [x for x in known_items(s, "presentation page") if isinstance(x, MetricItem)]
        if metric_items:
            ui.metric_tiles(metric_items, slide=True)
        for item in s.items:
            if isinstance(item, TextItem) and item.text != s.lead:
                st.markdown(md(item.text))
            elif isinstance(item, BulletsItem):
                head = f"**{md(item.title)}**\n\n" if item.title else ""
                st.markdown(head + "\n".join(f"- {md(b)}" for b in item.bullets))
            elif isinstance(item, ChartItem):
                st.vega_lite_chart(spec=item.spec, width="stretch", alt=item.alt or item.title)
            elif isinstance(item, TableItem):
                df = pd.DataFrame([{c.label: format_cell(r.get(c.key), c.unit) for c in item.columns} for r in item.rows],
                                  columns=[c.label for c in item.columns])
                st.dataframe(df, hide_index=True, width="stretch")
