"""Roadmap: initiatives on a timeline, a Now/Next/Later board and ranked side by side, each with its PRD and RACI."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

import pillars_ui as ui
from pm_core import ai
from pm_core import roadmap as rm
from pm_core.auth import PermissionDenied
from pm_core.charts import roadmap as charts
from pm_core.formatting import Unit, agree, change_arrow, format_change, format_value, plural
from pm_core.kpi_defs import KPI_BY_KEY, KPI_DEFS, PILLAR_LABELS, PILLARS
from pm_core.roadmap.raci import ROLE_HELP, ROLES, TASK_COL, matrix_csv
from pm_core.text import md
from pm_core.tones import ROADMAP_STATUS, tone_of

ui.page_header("Roadmap", "What are we building, in what order by each scoring method, and which key result should each initiative move?")

actor = ui.current_actor()
VIEWS = {"timeline": "Timeline", "board": "Now / Next / Later", "priorities": "Prioritisation", "matrix": "Value vs effort"}
WEIGHT_LABELS = {"reach": "Reach", "impact": "Impact", "confidence": "Confidence", "value": "Value", "ease": "Ease (ICE)",
                 "effort": "Effort (less is better)"}

ui.show_flash()


def _done(message: str, **user_text) -> None:
    """Confirm a save after the rerun (user text in braces, escaped by ui.flash)."""
    ui.flash(message, **user_text)
    st.rerun()


# -- state that lives in the URL -----------------------------------------------------------------
options = ui.cached(rm.filter_options)
objective_titles = dict(options["objectives"])
all_views = ui.cached(rm.list_initiatives)
ids = [v.id for v in all_views]
titles = {v.id: v.title for v in all_views}
def _weight(text: str) -> float:
    """Return a scoring weight read from the URL; ValueError outside 0-5."""
    number = float(text)
    if not 0 <= number <= 5:
        raise ValueError(text)
    return number


URL_STATE: dict[str, tuple[list[str] | None, str] | ui.UrlParam] = {
    "view": (list(VIEWS), "timeline"),
    "pillar": (["", *PILLARS], ""),
    "team": (["", *options["teams"]], ""),
    "status": (["", *rm.STATUSES], ""),
    "objective": (["", *objective_titles], ""),
    "initiative": (["", *ids], ""),
    "colour": (["status", "pillar"], "status"),
    "lane": (["team", "pillar", "none"], "team"),
    "scale": (["month", "quarter"], "month"),
    "n": ([str(i) for i in range(0, 11)], "2"),
    **{f"w_{k}": ui.UrlParam(None, f"{v:g}", _weight,
                             f"The link asked for weight {k} '{{value}}'; weights run from 0 to 5, so the default is used.")
       for k, v in rm.DEFAULT_WEIGHTS.items()},
}
URL_STATE["n"] = ui.UrlParam(*URL_STATE["n"], read=int)
if "_rm_select" in st.session_state:  # chosen by a form on the previous run, before the widget exists
    st.session_state["rm_initiative"] = st.session_state.pop("_rm_select")
for n in ui.url_state("rm", URL_STATE):
    st.warning(n)


# -- filters and view switch ---------------------------------------------------------------------
f1, f2, f3, f4 = st.columns(4)
f1.selectbox("Pillar", URL_STATE["pillar"][0], key="rm_pillar",
             format_func=lambda p: PILLAR_LABELS.get(p, "All pillars") if p else "All pillars")
f2.selectbox("Team", URL_STATE["team"][0], key="rm_team", format_func=lambda t: t or "All teams")
f3.selectbox("Status", URL_STATE["status"][0], key="rm_status",
             format_func=lambda s: rm.STATUS_LABELS.get(s, "Any status") if s else "Any status")
f4.selectbox("Linked objective", URL_STATE["objective"][0], key="rm_objective",
             format_func=lambda o: objective_titles.get(o, "Any objective") if o else "Any objective",
             help="Initiatives linked to a key result of this objective.")
st.segmented_control("View", list(VIEWS), key="rm_view", format_func=VIEWS.get, label_visibility="collapsed")
view = st.session_state.get("rm_view") or "timeline"

weights = {k: float(st.session_state[f"rm_w_{k}"]) for k in rm.DEFAULT_WEIGHTS}
if not any(weights.values()):
    st.warning("Every weight is 0, so the weighted score cannot rank anything; the default weights are used.")
    weights = dict(rm.DEFAULT_WEIGHTS)
flag_places = int(st.session_state["rm_n"])
views = ui.cached(rm.list_initiatives, pillar=st.session_state["rm_pillar"] or None,
                  team=st.session_state["rm_team"] or None, status=st.session_state["rm_status"] or None,
                  objective_id=st.session_state["rm_objective"] or None,
                  weights=tuple(sorted(weights.items())), flag_places=flag_places)
today = rm.today_default()

if not all_views:
    st.info("**No initiatives yet.** " + ("Add the first one below: a title is enough to start; dates, scores and "
                                          "links can follow." if actor.can_edit else
                                          "An editor adds initiatives on this page."), icon=":material/route:")
elif not views:
    st.info("No initiative matches these filters. Clear a filter to see more.", icon=":material/filter_alt_off:")


# -- the four views ------------------------------------------------------------------------------
def _timeline() -> None:
    c1, c2, c3 = st.columns(3)
    c1.segmented_control("Colour bars by", ["status", "pillar"], key="rm_colour", format_func=str.capitalize)
    c2.segmented_control("Swimlanes", ["team", "pillar", "none"], key="rm_lane",
                         format_func=lambda x: {"team": "By team", "pillar": "By pillar", "none": "None"}[x])
    c3.segmented_control("Scale", ["month", "quarter"], key="rm_scale", format_func=lambda x: f"By {x}")
    lane = st.session_state.get("rm_lane") or "team"
    ui.chart(charts.timeline_chart, tuple(views), today, colour_by=st.session_state.get("rm_colour") or "status",
             lane_by=None if lane == "none" else lane, scale=st.session_state.get("rm_scale") or "month")
    undated = [v.title for v in views if not (v.start_date and v.end_date)]
    st.caption("Bars run from start to end date; the dark strip inside a bar is Jira work done; ◆ marks launches "
               "and milestones; dashed arrows run from what an initiative waits on to its start; the red line is "
               f"today ({today:%d %b %Y}, UTC)."
               + (f" {plural(len(undated), 'initiative')} without dates {agree(len(undated), 'is', 'are')} on the Now / Next / Later board." if undated else ""))


def _board() -> None:
    columns = rm.board(views)
    for col, (bucket, items) in zip(st.columns(4), columns.items()):
        col.markdown(f"#### {rm.BUCKET_LABELS[bucket]} ({len(items)})")
        for v in items[:60]:
            with col.container(border=True):
                st.markdown(f"**{md(v.title)}**  \n{ui.tone_dot(tone_of(v.health))} {rm.HEALTH_LABELS[v.health]} · "
                            f"{rm.STATUS_LABELS[v.status]}" + (f" · {md(v.team)}" if v.team else ""))
                if v.ranks.get("rice"):
                    st.caption(f"RICE rank {v.ranks['rice']} of {len(views)}")
                if v.jira_total:
                    st.progress(v.jira_done / v.jira_total, text=f"{v.jira_done} of {v.jira_total} work items done")
        if len(items) > 60:
            col.caption(f"…and {len(items) - 60} more; filter to see them.")


def _rank_text(v, method) -> str:
    r = v.ranks.get(method)
    return "–" if r is None else str(r)


def _priorities() -> None:
    with st.expander("Weighted score: set the weights (0 = ignore)", expanded=False):
        st.caption("Each input is min-max normalised over the initiatives shown (effort inverted, so less effort "
                   "scores higher), then averaged with these weights and scaled to 0-100, as Jira Product Discovery does.")
        cols = st.columns(6)
        for col, k in zip(cols, rm.DEFAULT_WEIGHTS):
            col.slider(WEIGHT_LABELS[k], 0.0, 5.0, step=0.5, key=f"rm_w_{k}")
        st.number_input("Flag initiatives whose rank moves by more than this many places between methods",
                        min_value=0, max_value=10, step=1, key="rm_n")
    if not views:
        return
    rows = []
    for v in views:
        s = v.scores
        rows.append({
            # the flag beside the name: at the right end of twelve columns it was cut off at 1440 px
            "Initiative": v.title, "Flag": f"⚠ moves {v.rank_spread} places" if v.rank_flag else "",
            "RICE rank": v.ranks["rice"], "ICE rank": v.ranks["ice"],
            "V/E rank": v.ranks["value_effort"], "Weighted rank": v.ranks["weighted"],
            "RICE": s["rice"], "ICE": s["ice"], "Value/effort": s["value_effort"], "Weighted": s["weighted"],
            "Rank moves": v.rank_spread, "Status": rm.STATUS_LABELS[v.status],
        })
    df = pd.DataFrame(rows).sort_values("RICE rank", na_position="last")
    st.dataframe(df, hide_index=True, width="stretch", column_config={
        "RICE": st.column_config.NumberColumn(format="%.0f", help="reach x impact x confidence / effort"),
        "ICE": st.column_config.NumberColumn(format="%.0f", help="impact x confidence x ease, each 1-10"),
        "Value/effort": st.column_config.NumberColumn(format="%.2f", help="value (1-10) / effort (person-months)"),
        "Weighted": st.column_config.NumberColumn(format="%.1f", help="0-100, from the weights above"),
        "Rank moves": st.column_config.NumberColumn(help="best rank minus worst rank across the methods"),
    })
    flagged = [v for v in views if v.rank_flag]
    unscored = [v.title for v in views if all(x is None for x in v.scores.values())]
    st.caption(f"{plural(len(flagged), 'initiative')} {agree(len(flagged), 'moves', 'move')} more than {flag_places} places depending on the method: their "
               "priority depends on what you value, so discuss them before committing."
               + (f" {len(unscored)} have no scoring inputs yet." if unscored else ""))


def _matrix() -> None:
    ui.chart(charts.value_effort_chart, tuple(views))
    missing = [v.title for v in views if v.value is None or v.effort is None]
    if missing:
        st.caption(f"{plural(len(missing), 'initiative')} without value or effort {agree(len(missing), 'is', 'are')} not drawn.")


if views:
    {"timeline": _timeline, "board": _board, "priorities": _priorities, "matrix": _matrix}[view]()
elif view == "priorities":
    _priorities()


# -- one initiative in detail ------------------------------------------------------------------
def _detail(iid: str) -> None:
    v = next((x for x in all_views if x.id == iid), None)
    if v is None:
        return
    st.subheader(md(v.title))
    when = (f"{v.start_date:%d %b %Y} – {v.end_date:%d %b %Y}" if v.start_date and v.end_date
            else rm.BUCKET_LABELS[v.board_bucket])
    st.markdown(f"{ui.badge_md(rm.STATUS_LABELS[v.status], tone_of(v.status, ROADMAP_STATUS))} "
                f"{ui.badge_md(rm.HEALTH_LABELS[v.health], tone_of(v.health))} · {when}"
                + (f" · {md(v.team)}" if v.team else ""))
    m = st.columns(3)
    m[0].metric("RICE rank", _rank_text(v, "rice"), border=True, help="Among all active initiatives.")
    m[1].metric("Weighted rank", _rank_text(v, "weighted"), border=True, help="With the default weights, among all active initiatives.")
    if v.jira_total:
        m[2].metric("Jira delivery", f"{v.jira_done} / {v.jira_total}", border=True, help="Work items done / attached.")
    else:
        m[2].metric("Jira delivery", "–", border=True, help="No Jira work attached (set an epic or a label).")
    for w in v.warnings:
        st.warning(md(f"{v.title} {w}."))
    for r in ui.cached(ai.readiness_for_initiative, iid):  # the initiative's AI features (issue 18)
        (st.success if r.ready else st.warning)(md(r.headline), icon=":material/smart_toy:")
    names = ["PRD", "RACI", "Outcome", "Delivery"] + (["Edit"] if actor.can_edit else [])
    tabs = st.tabs(names)
    with tabs[0]:
        prd_md = ui.cached(rm.prd_markdown, iid)  # user text in it is escaped by pm_core.roadmap.prd
        st.markdown(prd_md)
        st.download_button("Download PRD (Markdown)", prd_md.encode("utf-8"), file_name=f"PRD - {v.title[:60]}.md",
                           mime="text/markdown", icon=":material/download:", key="rm_prd_dl")
    with tabs[1]:
        _raci(v)
    with tabs[2]:
        _outcome(v)
    with tabs[3]:
        _delivery(v)
    if actor.can_edit:
        with tabs[4]:
            _edit(v)


def _raci(v) -> None:
    matrix = ui.cached(rm.get_raci, v.id)
    st.caption("People across, tasks down. Every task needs exactly one **A**ccountable and at least one "
               "**R**esponsible; C = consulted, I = informed, A/R = accountable and doing the work.")
    if actor.can_edit:
        people_now = [c for c in matrix.columns if c != TASK_COL]
        people_text = st.text_input("People (comma separated)", ", ".join(people_now), key=f"rm_raci_people_{v.id}")
        people = list(dict.fromkeys(p.strip() for p in people_text.split(",") if p.strip()))
        base = matrix.reindex(columns=[TASK_COL, *people]).astype(object).fillna("")
        if base.empty:
            base = pd.DataFrame({TASK_COL: [""], **{p: [""] for p in people}}).astype(object)
        cfg = {p: st.column_config.SelectboxColumn(p, options=["", *ROLES], help=", ".join(f"{r}: {h}" for r, h in ROLE_HELP.items()))
               for p in people}
        cfg[TASK_COL] = st.column_config.TextColumn("Task", required=False)
        edited = st.data_editor(base, num_rows="dynamic", hide_index=True, width="stretch",
                                column_config=cfg, key=f"rm_raci_editor_{v.id}")
        problems = rm.check_raci(edited)
        for p in problems:
            st.error(md(p["message"]), icon=":material/error:")
        if st.button("Save RACI", disabled=bool(problems), key=f"rm_raci_save_{v.id}", type="primary"):
            try:
                rm.set_raci(ui.get_store(), actor, v.id, edited)
                _done("RACI of '{title}' saved.", title=v.title)
            except (rm.RoadmapError, PermissionDenied) as exc:
                st.error(md(str(exc)))
        export = edited
    else:
        if matrix.empty:
            st.info("No RACI yet. An editor sets it here.")
            return
        st.dataframe(matrix, hide_index=True, width="stretch")
        for p in rm.check_raci(matrix):
            st.error(md(p["message"]), icon=":material/error:")
        export = matrix
    st.download_button("Download RACI (CSV)", matrix_csv(export), file_name=f"RACI - {v.title[:60]}.csv",
                       mime="text/csv", icon=":material/download:", key=f"rm_raci_dl_{v.id}")


def _outcome(v) -> None:
    out = ui.cached(rm.outcome_check, v.id)
    if not out["applicable"]:
        st.info(md(out["note"]))
        return
    st.caption(f"Launched {out['launch_date']:%d %b %Y}. Each linked KPI in {out['before_month']:%B %Y} (the last full "
               f"month before launch) vs {out['after_month']:%B %Y} (the first full month after), from imported data.")
    cols = st.columns(min(len(out["kpis"]), 4))
    for i, k in enumerate(out["kpis"]):
        col = cols[i % len(cols)]
        if k["after"] is None or k["before"] is None:
            col.metric(md(k["label"]), "–", border=True, help=md(k["note"]))
            note = k["note"] or ""  # an unset event setting says so itself ('not set: choose ... in Settings')
            col.caption(md(note[:1].upper() + note[1:]) if k.get("not_set") else f"Not enough data: {md(note)}")
            continue
        arrow = change_arrow(k["after"], k["before"], k["unit"])
        col.metric(md(k["label"]), format_value(k["after"], k["unit"]), format_change(k["after"], k["before"], k["unit"]),
                   delta_color="off" if arrow == "off" else "normal" if k["higher_is_better"] else "inverse",
                   delta_arrow=arrow, border=True,
                   help=md(f"{out['after_month']:%b %Y}; before: {format_value(k['before'], k['unit'])} in {out['before_month']:%b %Y}. "
                           f"{KPI_BY_KEY[k['key']].definition if k['key'] in KPI_BY_KEY else ''}"))


def _delivery(v) -> None:
    if not (v.jira_epic or v.jira_label):
        st.info("No Jira epic or label is attached." + (" Set one in the Edit tab." if actor.can_edit else ""))
        return
    st.caption(f"Work items under epic **{md(v.jira_epic or '–')}** or labelled **{md(v.jira_label or '–')}**.")
    if not v.jira_total:
        ui.empty_state("No matching Jira work items yet.", "Import a Jira 'CSV (all fields)' export that contains this epic or label.")
        return
    st.progress(v.jira_done / v.jira_total, text=f"{v.jira_done} of {v.jira_total} work items done "
                                                 f"({format_value(v.jira_done / v.jira_total, Unit.FRACTION, digits=0)})")
    items = ui.cached(rm.jira_items, v.id)
    st.dataframe(items.rename(columns={"key": "Key", "title": "Summary", "type_category": "Type", "status": "Status",
                                       "status_category": "Category", "resolved": "Resolved"}),
                 hide_index=True, width="stretch")


# -- editor forms --------------------------------------------------------------------------------
def _date_or_none(d):
    return d if isinstance(d, dt.date) else None


def _initiative_form(prefix: str, v=None) -> None:
    """Render the add/edit form; on submit validate and save through pm_core, showing errors in words."""
    cur = v.input_fields() if v else {}
    kr_opts = ui.cached(rm.kr_choices)
    kr_label = {k["id"]: f"{k['title']} ({k['period']})" for k in kr_opts}
    others = {x.id: x.title for x in all_views if not v or x.id != v.id}
    with st.form(f"{prefix}_form", clear_on_submit=v is None):
        title = st.text_input("Title *", cur.get("title", ""), max_chars=200)
        c1, c2, c3, c4 = st.columns(4)
        pillar = c1.selectbox("Pillar", ["", *PILLARS], index=(["", *PILLARS].index(cur.get("pillar") or "")),
                              format_func=lambda p: PILLAR_LABELS.get(p, "–"))
        team = c2.text_input("Team", cur.get("team") or "")
        status = c3.selectbox("Status", rm.STATUSES, index=rm.STATUSES.index(cur.get("status", "idea")),
                              format_func=rm.STATUS_LABELS.get)
        health = c4.selectbox("Health", rm.HEALTHS, index=rm.HEALTHS.index(cur.get("health", "on_track")),
                              format_func=rm.HEALTH_LABELS.get)
        problem = st.text_area("Problem statement", cur.get("problem", ""))
        hypothesis = st.text_area("Hypothesis", cur.get("hypothesis", ""), help="If we ..., then ..., because ...")
        solution = st.text_area("Proposed solution", cur.get("solution", ""))
        d1, d2, d3, d4 = st.columns(4)
        start = d1.date_input("Start", cur.get("start_date"), format="YYYY-MM-DD")
        end = d2.date_input("End", cur.get("end_date"), format="YYYY-MM-DD")
        bucket = d3.selectbox("Or bucket (no dates)", ["", *rm.BUCKETS], index=["", *rm.BUCKETS].index(cur.get("bucket") or ""),
                              format_func=lambda b: rm.BUCKET_LABELS.get(b, "–"))
        launch = d4.date_input("Launch date", cur.get("launch_date"), format="YYYY-MM-DD")
        st.markdown("**Scores**")
        s = st.columns(5)
        reach = s[0].number_input("Reach (users/quarter)", min_value=0.0, value=cur.get("reach"), step=100.0)
        impact = s[1].selectbox("Impact (RICE)", [None, 0.25, 0.5, 1.0, 2.0, 3.0],
                                index=[None, 0.25, 0.5, 1.0, 2.0, 3.0].index(cur.get("impact")),
                                format_func=lambda x: "–" if x is None else f"{x:g}",
                                help="3 massive, 2 high, 1 medium, 0.5 low, 0.25 minimal")
        confidence = s[2].number_input("Confidence (%)", min_value=0.0, max_value=100.0, value=cur.get("confidence"), step=10.0)
        effort = s[3].number_input("Effort (person-months)", min_value=0.0, value=cur.get("effort"), step=0.5,
                                   help="Must be above 0")
        value = s[4].number_input("Value (1-10)", min_value=1.0, max_value=10.0, value=cur.get("value"), step=1.0)
        i = st.columns(5)
        ice_i = i[0].number_input("ICE impact (1-10)", min_value=1.0, max_value=10.0, value=cur.get("ice_impact"), step=1.0)
        ice_c = i[1].number_input("ICE confidence (1-10)", min_value=1.0, max_value=10.0, value=cur.get("ice_confidence"), step=1.0)
        ice_e = i[2].number_input("ICE ease (1-10)", min_value=1.0, max_value=10.0, value=cur.get("ice_ease"), step=1.0)
        cost = i[3].number_input("Cost (money)", min_value=0.0, value=cur.get("cost"), step=1000.0, help="For ROI")
        gain = i[4].number_input("Gain (money)", min_value=0.0, value=cur.get("gain"), step=1000.0, help="For ROI")
        st.markdown("**Links**")
        l1, l2 = st.columns(2)
        krs = l1.multiselect("Key results it should move", list(kr_label), default=[k["id"] for k in (v.key_results if v else [])
                                                                                  if k["id"] in kr_label],
                             format_func=kr_label.get, placeholder="No OKRs yet" if not kr_label else "Choose key results")
        kpis = l2.multiselect("KPIs that prove it", [k.key for k in KPI_DEFS], default=v.kpis if v else [],
                              format_func=lambda k: KPI_BY_KEY[k].label)
        deps = l1.multiselect("Depends on", list(others), default=[d for d in (v.dependencies if v else []) if d in others],
                              format_func=others.get)
        j1, j2 = l2.columns(2)
        epic = j1.text_input("Jira epic key", cur.get("jira_epic") or "", placeholder="NOM-1")
        label = j2.text_input("Jira label", cur.get("jira_label") or "", placeholder="wifi-filter")
        st.markdown("**User stories** (As a …, I want …, so that …)")
        stories = pd.DataFrame(cur.get("user_stories") or [], columns=["as_a", "i_want", "so_that"])
        stories = st.data_editor(stories, num_rows="dynamic", hide_index=True, width="stretch",
                                 column_config={"as_a": "As a", "i_want": "I want", "so_that": "so that"},
                                 key=f"{prefix}_stories")
        out_of_scope = st.text_area("Out of scope", cur.get("out_of_scope", ""))
        submitted = st.form_submit_button("Save initiative" if v else "Add initiative", type="primary")
    if not submitted:
        return
    story_rows = [{k: ("" if pd.isna(r.get(k)) else str(r.get(k))) for k in ("as_a", "i_want", "so_that")}
                  for r in stories.to_dict(orient="records")]
    story_rows = [r for r in story_rows if any(x.strip() for x in r.values())]
    data = {"title": title, "problem": problem, "hypothesis": hypothesis, "solution": solution, "pillar": pillar or None,
            "team": team, "status": status, "health": health, "start_date": _date_or_none(start),
            "end_date": _date_or_none(end), "bucket": bucket or None, "launch_date": _date_or_none(launch),
            "reach": reach, "impact": impact, "confidence": confidence, "effort": effort, "ice_impact": ice_i,
            "ice_confidence": ice_c, "ice_ease": ice_e, "value": value, "cost": cost, "gain": gain,
            "jira_epic": epic, "jira_label": label, "user_stories": story_rows, "out_of_scope": out_of_scope,
            "milestones": cur.get("milestones", [])}
    try:
        if v:
            rm.update_initiative(ui.get_store(), actor, v.id, data, key_results=krs, kpis=kpis, dependencies=deps)
            _done("Initiative '{title}' saved.", title=title.strip())
        else:
            new = rm.create_initiative(ui.get_store(), actor, data, key_results=krs, kpis=kpis, dependencies=deps)
            st.session_state["_rm_select"] = new
            _done("Initiative '{title}' added to the roadmap.", title=title.strip())
    except (rm.RoadmapError, PermissionDenied) as exc:
        st.error(md(str(exc)), icon=":material/error:")


def _edit(v) -> None:
    _initiative_form(f"rm_edit_{v.id}", v)
    if st.button("Archive this initiative", key=f"rm_archive_{v.id}", icon=":material/archive:"):
        try:
            rm.archive_initiative(ui.get_store(), actor, v.id)
            st.session_state["_rm_select"] = ""
            _done("Initiative '{title}' archived; it no longer shows on the roadmap.", title=v.title)
        except (rm.RoadmapError, PermissionDenied) as exc:
            st.error(md(str(exc)))


st.divider()
if all_views:
    st.selectbox("Initiative in detail", ["", *ids], key="rm_initiative",
                 format_func=lambda i: titles.get(i, "Choose an initiative to see its PRD, RACI, outcome and delivery"))
    if st.session_state.get("rm_initiative"):
        _detail(st.session_state["rm_initiative"])
if actor.can_edit:
    with st.expander("Add an initiative", expanded=not all_views, icon=":material/add:"):
        _initiative_form("rm_add")
ui.sync_url("rm", URL_STATE)

