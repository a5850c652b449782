"""Executive presentation mode: one screen per slide-sized section, large type, prints to clean PDF pages."""
from __future__ import annotations

import re

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
  [data-testid="stTooltipIcon"], [data-testid="stTooltipHoverTarget"] > svg, [data-testid="stMetricHelp"],
  header, footer { display: none !important; }
  /* Tables print whole (st.table is plain HTML, every row), and a slide shrinks to its page rather than spill. */
  div[class*="st-key-slide-"] table { font-size: 0.85rem !important; }
  div[class*="st-key-slide-"] h2 { font-size: 2rem !important; }
  div[class*="st-key-slide-"] p, div[class*="st-key-slide-"] li { font-size: 1.05rem !important; }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"], .block-container {
    padding: 0 !important; margin: 0 !important; max-width: none !important; }
  /* Every slide but the first starts a page (break-before: the wrappers Streamlit puts around each
     container make :last-of-type match every slide, so a break-after rule could not spare the last). */
  div[class*="st-key-slide-"] { min-height: auto; border: none; break-before: page; page-break-before: always;
    break-inside: avoid; page-break-inside: avoid; }
  div.st-key-slide-0 { break-before: auto; page-break-before: auto; }
  @page { size: A4 landscape; margin: 12mm; }
}
</style>
"""


def _accent_css(accent: str) -> str:
    """Return the slide rule in the workspace's accent colour (a validated #RRGGBB setting; anything else is refused)."""
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", accent or ""):
        return ""
    return (f'div[class*="st-key-slide-"] h2 {{ border-bottom: 4px solid {accent}; display: inline-block; '
            "padding-bottom: 4px; }\n")

periods = ui.cached(A.period_choices)
default_period = ui.cached(A.default_period)
period, notice = ui.query_param("period", periods, default_period)
with st.sidebar:
    period = st.selectbox("Period", periods, index=periods.index(period), key="present_period",
                          format_func=lambda p: "All data" if p == "all" else parse_period(p).describe())
st.query_params["period"] = period

with st.spinner("Preparing the presentation…"):
    brief = ui.cached(A.build_briefing, "executives", period, None, None, sections=A.PRESENTATION_SECTIONS)

# One style block: the static CSS plus the accent rule (a validated colour, never free text).
st.markdown(SLIDE_CSS.replace("</style>", _accent_css(brief.brand.accent) + "</style>"), unsafe_allow_html=True)

with st.sidebar:
    st.caption("Print this page (Ctrl/Cmd + P → Save as PDF) for one clean page per slide.")
    deck = EXPORT_BY_ID["pptx"]
    st.download_button(deck.label, data=lambda: export_briefing(brief, deck.id),
                       file_name=file_name(brief, deck.id, variant="presentation"),
                       mime=deck.mime, icon=deck.icon, on_click="ignore", key="present_dl_pptx")

with st.container(key="slide-0"):
    if brief.brand.logo_png or brief.brand.company:
        with st.container(horizontal=True, vertical_alignment="center", key="present-brand"):
            if brief.brand.logo_png:
                st.image(brief.brand.logo_png, width=160)
            if brief.brand.company:
                st.markdown(f"**{md(brief.brand.company)}**")
    ui.page_header("Executive presentation", "Are we moving the business, and are we on track against our goals?")
    if notice:
        with st.container(key="present-chrome"):
            st.warning(notice, icon=":material/link_off:")
    st.markdown(f"## {md(brief.headline)}")
    st.markdown(md(f"{brief.concern} Figures for {brief.period_text}."))
    if periods == ["all"]:
        st.info("No data yet: once events, surveys, Jira issues or metric series are imported, these slides fill themselves.")


ROWS_PER_SLIDE = 8  # rows of a table per printed slide: more continue on the next one


def _item(s, item) -> None:
    """Render one briefing item of a slide (metrics are drawn together, above)."""
    if isinstance(item, TextItem) and item.text != s.lead:
        st.markdown(md(item.text))
    elif isinstance(item, BulletsItem):
        head = f"**{md(item.title)}**\n\n" if item.title else ""
        st.markdown(head + "\n".join(f"- {md(b)}" for b in item.bullets))
    elif isinstance(item, ChartItem):
        ui.vega(item.spec, alt=item.alt or item.title)
    elif isinstance(item, TableItem):
        df = pd.DataFrame([{c.label: format_cell(r.get(c.key), c.unit) for c in item.columns} for r in item.rows],
                          columns=[c.label for c in item.columns])
        # st.table, not st.dataframe: a static table prints every row (a data grid prints its scroll window).
        ui.static_table(df)


for i, s in enumerate(brief.sections, start=1):
    # As in the deck, a section's second chart or table starts a continuation slide, so each slide
    # fits one printed page (a chart and a table together ran over onto a second page).
    box = st.container(key=f"slide-{i}")
    with box:
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
    visual, part = bool(metric_items), 0
    for item in s.items:
        pieces = [item]
        if isinstance(item, TableItem) and len(item.rows) > ROWS_PER_SLIDE:
            pieces = [item.model_copy(update={"rows": item.rows[k:k + ROWS_PER_SLIDE]})
                      for k in range(0, len(item.rows), ROWS_PER_SLIDE)]
        for n, piece in enumerate(pieces):
            if isinstance(piece, (ChartItem, TableItem, BulletsItem)) and visual:
                part += 1
                box = st.container(key=f"slide-{i}-{part}")
                with box:
                    name = piece.title if isinstance(piece, (ChartItem, TableItem)) else ""
                    st.markdown(f"#### {md(s.title)}" + (f": {md(name)}" if name else "")
                                + (" (continued)" if n or not name else ""))
            if isinstance(piece, (ChartItem, TableItem)):
                visual = True
            with box:
                _item(s, piece)
