"""Stakeholder views: each audience's numbers, in its words, for a period; shareable by link; exportable."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import streamlit as st

import pillars_ui as ui
from pm_core import audiences as A
from pm_core import metrics
from pm_core.briefing import BulletsItem, ChartItem, MetricItem, Section, TableItem, TextItem, format_cell, known_items
from pm_core.exports import BRIEFING_FORMATS, EXPORT_BY_ID, export_briefing, export_chart, file_name
from pm_core.periods import ROLLING as PERIOD_ROLLING
from pm_core.text import md

ui.page_header("Stakeholder views",
               "What does each audience need to know, in its own words and numbers, for the chosen period?")
ui.show_flash()
actor = ui.current_actor()

# -- what the link asks for (audience, period, segment, initiative), with fallbacks and notices ----
audiences = {a.id: a for a in ui.cached(A.list_audiences)}
periods = ui.cached(A.period_choices)
default_period = ui.cached(A.default_period)
notices: list[str] = []
aud_id, n = ui.query_param("audience", list(A.AUDIENCE_IDS), A.DEFAULT_AUDIENCE)
notices += [n] if n else []
seg_options = ui.cached(metrics.segment_options)
# period (a quarter, month, rolling or custom range) and segment live in the URL through the one URL-state helper
range_choices = [periods[0], *PERIOD_ROLLING, *periods[1:]]
URL_STATE = {**ui.range_state("aud", range_choices, default_period), "segment": (None, "")}
notices += ui.url_state("aud", URL_STATE)
for msg in notices:
    st.warning(msg, icon=":material/link_off:")

# -- controls --------------------------------------------------------------------------------------
cols = st.columns([2.2, 2.2])
with cols[0]:
    aud_id = st.selectbox("Audience", list(A.AUDIENCE_IDS), index=list(A.AUDIENCE_IDS).index(aud_id),
                          format_func=lambda a: audiences[a].name, key="aud_audience")
with cols[1]:
    picked_segment, seg_notices = ui.segment_filter("aud", seg_options, st.query_params.get("segment"))
for msg in seg_notices:
    st.warning(msg, icon=":material/link_off:")
period, _ = ui.range_picker("aud", range_choices, metrics.range_words, compare=False)
segment = picked_segment.text()
st.session_state["aud_segment"] = segment
aud = audiences[aud_id]

initiative = None
if "battle_cards" in aud.sections or "debrief" in aud.sections:
    cands = ui.cached(A.battle_card_candidates) if "battle_cards" in aud.sections else ui.cached(A.debrief_candidates)
    if cands:
        # Options are the visible labels (a repeated title gets its id appended), mapped back to ids.
        seen: dict[str, int] = {}
        for _, t in cands:
            seen[t] = seen.get(t, 0) + 1
        by_label = {"All of them": None, **{(t if seen[t] == 1 else f"{t} ({i})"): i for i, t in cands}}
        ids = [i for i in by_label.values() if i]
        wanted, n = ui.query_param("initiative", ids, None)
        if n:
            st.warning(n, icon=":material/link_off:")
        labels = list(by_label)
        index = next(k for k, lab in enumerate(labels) if by_label[lab] == wanted)
        what = "Battle cards for" if "battle_cards" in aud.sections else "Debriefs for"
        initiative = by_label[st.selectbox(what, labels, index=index, key="aud_initiative")]

# The URL always holds the view, so copying it shares exactly this view.
st.query_params["audience"] = aud_id
ui.sync_url("aud", URL_STATE)
if "period" not in st.query_params:  # the default period too: a copied link names it (it moves with the data)
    st.query_params["period"] = period
if initiative:
    st.query_params["initiative"] = initiative
elif "initiative" in st.query_params:
    del st.query_params["initiative"]

with st.spinner(f"Building the {md(aud.name)} view…"):
    brief = ui.cached(A.build_briefing, aud_id, period, segment or None, initiative)

PNG = EXPORT_BY_ID["png"]

# -- header and downloads --------------------------------------------------------------------------
if periods == ["all"]:
    ui.empty_state("No data yet.", "Import product events, surveys, Jira issues or metric series to fill these views.")
st.subheader(md(brief.title))
st.markdown(f"**{md(brief.headline)}**")
st.caption(f"The concern it answers: {md(brief.concern)} · What they look for: "
           f"{md(', '.join(brief.cares_about)) or '—'} · Figures for {md(brief.period_text)}.")

dl = st.columns(len(BRIEFING_FORMATS) + 1)
for col, f in zip(dl, BRIEFING_FORMATS):
    with col:
        # A callable is run only when the button is clicked, so building the file never slows the page.
        st.download_button(f.label, data=lambda f=f: export_briefing(brief, f.id), file_name=file_name(brief, f.id),
                           mime=f.mime, icon=f.icon, key=f"aud_dl_{f.id}", on_click="ignore")
with dl[-1]:
    st.page_link("app_pages/present.py", label="Presentation mode", icon=":material/co_present:",
                 query_params={"period": period})


# -- sections ----------------------------------------------------------------------------------------
def render_table(t: TableItem) -> None:
    """Render a table with each cell formatted as in the exports (text only, so nothing is interpreted)."""
    if t.title:
        st.markdown(f"**{md(t.title)}**")
    # a static table, not a data grid: long answers and linked key results wrap instead of being cut at the
    # column's edge, and no column is hidden to the right at 1280 px (tests/e2e/test_visual_check.py)
    ui.static_table(ui.derived(t, _table_frame), cached=True)


def _table_frame(t: TableItem):
    # kept per cached table (ui.derived): building and converting it was a seventh of a run of this page
    return pa.Table.from_pylist([{c.label: format_cell(r.get(c.key), c.unit) for c in t.columns} for r in t.rows],
                                schema=pa.schema([(c.label, pa.string()) for c in t.columns]))


def render_section(s: Section, i: int) -> None:
    """Render one section of the briefing with native Streamlit elements."""
    with st.container(border=True):
        st.markdown(f"#### {md(s.title)}")
        if s.lead:
            st.markdown(md(s.lead))
        if s.error:
            st.error(md(s.error), icon=":material/error:")
        if s.empty:
            st.info(md(s.empty), icon=":material/info:")
        metric_items = [x for x in known_items(s, "stakeholder views page") if isinstance(x, MetricItem)]
        if metric_items:
            ui.metric_tiles(metric_items)
        for j, item in enumerate(s.items):
            if isinstance(item, TextItem):
                if item.text == s.lead:
                    continue
                box = {"warning": st.warning, "success": st.success, "info": st.info}.get(item.tone, st.write)
                box(md(item.text))
            elif isinstance(item, BulletsItem):
                head = f"**{md(item.title)}**\n\n" if item.title else ""
                st.markdown(head + "\n".join(f"- {md(b)}" for b in item.bullets))
            elif isinstance(item, TableItem):
                render_table(item)
            elif isinstance(item, ChartItem):
                ui.vega(item.spec, alt=item.alt or item.title)
                st.download_button(PNG.label, data=lambda spec=item.spec: export_chart(spec, PNG.id),
                                   file_name=f"{item.chart_id}.{PNG.extension}", mime=PNG.mime, icon=PNG.icon,
                                   key=f"aud_png_{i}_{j}", on_click="ignore", type="tertiary")
        if s.notes:
            with st.expander("Definitions and sources"):
                for line in s.notes.splitlines():
                    st.caption(md(line))


for i, section in enumerate(brief.sections):
    render_section(section, i)

# -- editing (editors only) ---------------------------------------------------------------------------
def _initiative_picker(label: str, cands: list[tuple[str, str]], key: str) -> str:
    """Return the chosen initiative id from (id, title) pairs, starting at the one the link names when it is there."""
    titles = dict(cands)
    return st.selectbox(label, list(titles), format_func=lambda i: titles[i], key=key,
                        index=list(titles).index(initiative) if initiative in titles else 0)


if actor.can_edit:
    st.divider()
    st.markdown("### Editing")
    catalog = A.metric_catalog()
    with st.expander(f"Change the {md(aud.name)} view (metrics, sections, words)"):
        custom = ui.cached(A.is_customised, aud_id)
        st.caption("Currently " + ("customised by an editor." if custom else "the stakeholder cheatsheet's default.")
                   + " Metrics and sections show in the order you pick them.")
        with st.form(f"aud_form_{aud_id}"):
            name = st.text_input("Name", aud.name, max_chars=60)
            title = st.text_input("The question this view answers", aud.title, max_chars=160)
            concern = st.text_area("The concern it answers", aud.concern, max_chars=300)
            cares = st.text_area("What they look for (one per line)", "\n".join(aud.cares_about))
            picked_metrics = st.multiselect("Metrics", list(catalog), default=aud.metrics,
                                            format_func=lambda k: f"{catalog[k].label} ({k})")
            picked_charts = st.multiselect("Trend charts", list(catalog), default=aud.charts,
                                           format_func=lambda k: catalog[k].label)
            picked_sections = st.multiselect("Sections", list(A.SECTION_KINDS), default=aud.sections,
                                             format_func=lambda k: A.SECTION_KINDS[k])
            statuses = st.multiselect("Roadmap statuses shown", list(A.ROADMAP_STATUSES), default=aud.roadmap_statuses)
            max_items = st.number_input("Rows per roadmap or table section", 1, 50, aud.max_items)
            if st.form_submit_button("Save this view", type="primary"):
                try:
                    saved = A.save_audience(ui.get_store(), actor, {
                        "id": aud_id, "name": name, "title": title, "concern": concern,
                        "cares_about": cares.splitlines(), "metrics": picked_metrics, "charts": picked_charts,
                        "sections": picked_sections, "roadmap_statuses": statuses, "max_items": int(max_items)})
                except A.AudienceError as exc:
                    st.error(md(str(exc)))
                else:
                    ui.flash("Saved the {name} view.", name=saved.name)
                    st.rerun()
        if custom and st.button("Reset to the cheatsheet default", key=f"aud_reset_{aud_id}"):
            default = A.reset_audience(ui.get_store(), actor, aud_id)
            ui.flash("Reset the {name} view to the cheatsheet default.", name=default.name)
            st.rerun()

    if "battle_cards" in aud.sections:
        cands = ui.cached(A.battle_card_candidates)
        with st.expander("Write a battle card"):
            if not cands:
                st.caption("Battle cards are written for launched, in-progress or planned initiatives; the roadmap has none.")
            else:
                iid = _initiative_picker("Initiative", cands, "bc_initiative")
                card = ui.cached(A.get_battle_card, iid) or A.BattleCardIn()
                experiments = ["", *ui.cached(A.experiment_names)]
                with st.form(f"bc_form_{iid}"):
                    vp = st.text_area("Value proposition", card.value_proposition, max_chars=600)
                    who = st.text_area("Who it is for", card.for_whom, max_chars=400)
                    diff = st.text_area("Why us (differentiation)", card.differentiation, max_chars=600)
                    exp = st.selectbox("A/B test that proves it", experiments,
                                       index=experiments.index(card.experiment) if card.experiment in experiments else 0,
                                       format_func=lambda e: e or "None")
                    notes = st.text_area("Other proof points (one per line)", "\n".join(card.proof_notes))
                    objections = st.data_editor(
                        pd.DataFrame([o.model_dump() for o in card.objections], columns=["objection", "answer"]),
                        num_rows="dynamic", width="stretch", key=f"bc_obj_{iid}",
                        column_config={"objection": st.column_config.TextColumn("Objection", max_chars=400),
                                       "answer": st.column_config.TextColumn("Answer", max_chars=1000)})
                    if st.form_submit_button("Save battle card", type="primary"):
                        rows = [r for r in objections.fillna("").to_dict("records")
                                if str(r["objection"]).strip() or str(r["answer"]).strip()]
                        try:
                            A.save_battle_card(ui.get_store(), actor, iid, {
                                "value_proposition": vp, "for_whom": who, "differentiation": diff,
                                "experiment": exp or None, "proof_notes": notes.splitlines(), "objections": rows})
                        except A.AudienceError as exc:
                            st.error(md(str(exc)))
                        else:
                            ui.flash("Saved battle card for {title}.", title=dict(cands)[iid])
                            st.rerun()

    if "debrief" in aud.sections:
        cands = ui.cached(A.debrief_candidates)
        with st.expander("Write debrief notes"):
            if not cands:
                st.caption("Debriefs are written for launched initiatives; the roadmap has none yet.")
            else:
                iid = _initiative_picker("Launched initiative", cands, "db_initiative")
                notes = ui.cached(A.get_debrief_notes, iid) or A.DebriefNotesIn()
                with st.form(f"db_form_{iid}"):
                    well = st.text_area("What went well (one per line)", "\n".join(notes.went_well))
                    improve = st.text_area("What to improve (one per line)", "\n".join(notes.to_improve))
                    if st.form_submit_button("Save debrief notes", type="primary"):
                        try:
                            A.save_debrief_notes(ui.get_store(), actor, iid,
                                                 {"went_well": well.splitlines(), "to_improve": improve.splitlines()})
                        except A.AudienceError as exc:
                            st.error(md(str(exc)))
                        else:
                            ui.flash("Saved debrief notes for {title}.", title=dict(cands)[iid])
                            st.rerun()

    if "feedback" in aud.sections:
        with st.expander("Feedback themes (how survey comments are grouped)"):
            own_themes = ui.cached(A.themes_customised)
            st.caption(("This workspace's own themes." if own_themes else "The generic default themes.")
                       + " A comment counts for a theme when it contains one of its keywords as a whole word "
                         "(any case); comments that match no theme are counted as such.")
            with st.form("themes_form"):
                themes_input = st.text_area("Themes (one per line: name: keyword, keyword, ...)",
                                            A.themes_text(ui.cached(A.list_themes)), height=240)
                if st.form_submit_button("Save themes", type="primary"):
                    try:
                        saved = A.save_themes(ui.get_store(), actor, A.themes_from_text(themes_input))
                    except A.AudienceError as exc:
                        st.error(md(str(exc)))
                    else:
                        ui.flash(f"Saved {len(saved)} feedback themes.")
                        st.rerun()
            if own_themes and st.button("Reset to the generic themes", key="themes_reset"):
                A.reset_themes(ui.get_store(), actor)
                ui.flash("Reset the feedback themes to the generic defaults.")
                st.rerun()

