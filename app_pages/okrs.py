"""OKRs: where each goal stands this period, how fast it moves, how confident the team is; editors edit here."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

import pillars_ui as ui
from pm_core import ai, okrs
from pm_core.charts import okrs as okr_charts
from pm_core.kpi_defs import KPI_BY_KEY, PILLAR_LABELS, PILLARS
from pm_core.periods import quarter_of
from pm_core.text import md
from pm_core.tones import tone_of

ui.page_header("OKRs", "Where does each goal stand this period, is it moving fast enough, and how confident is the team?")

actor = ui.current_actor()
today = dt.date.today()

ui.show_flash()


def _show_errors(exc: okrs.OkrInputError) -> None:
    for field, text in exc.errors.items():
        st.error(f"**{md(field.replace('_', ' '))}**: {md(text)}")


def _done(message: str, **user_text) -> None:
    """Confirm a save after the rerun (user text in braces, escaped by ui.flash)."""
    ui.flash(message, **user_text)
    st.rerun()


# -- period -----------------------------------------------------------------------------------
in_use = ui.cached(okrs.okr_periods)
default = ui.cached(okrs.default_period, today)
this_q = quarter_of(today)
next_q = quarter_of(this_q.end)
choices = list(dict.fromkeys([*in_use, default, this_q.label, next_q.label]))
period, notice = ui.query_param("period", None, default)
if period == "all":  # other pages' "all data" means nothing for OKRs: quietly show the default period
    period = default
try:
    per = okrs.resolve_period(ui.get_store(), period)
except okrs.OkrInputError:
    notice = f"The link asked for period '{md(period)}', which Pillars does not know; showing {md(default)} instead."
    period, per = default, okrs.resolve_period(ui.get_store(), default)
if period not in choices:
    choices.append(period)
if notice:
    st.warning(notice)

data = ui.cached(okrs.okr_page_data, period, today)
views_all = data["objectives"]
c1, c2, c3, c4 = st.columns([1.2, 1, 1, 1])


def _period_changed() -> None:
    st.query_params["period"] = st.session_state["okrs_period"]


st.session_state["okrs_period"] = period  # the address bar is the source of truth, so links open the same view
c1.selectbox("Period", choices, key="okrs_period", on_change=_period_changed,
             help="Quarters by default; editors can add custom periods below.")
pillar = c2.selectbox("Pillar", [None, *PILLARS], format_func=lambda p: "All pillars" if p is None else PILLAR_LABELS[p],
                      key="okrs_pillar")
owners = sorted({o.owner for o in views_all if o.owner} | {k.owner for o in views_all for k in o.key_results if k.owner})
owner = c3.selectbox("Owner", [None, *owners], format_func=lambda o: "Everyone" if o is None else o, key="okrs_owner")
status = c4.selectbox("Status", [None, *okrs.STATUSES], key="okrs_status",
                      format_func=lambda s: "Any status" if s is None else okrs.STATUS_LABELS[s])

# -- executive summary -------------------------------------------------------------------------
frac = per.fraction_elapsed(today) or 0.0
when = "over" if today >= per.end else ("not started" if today < per.start else f"{frac:.0%} elapsed")
st.caption(f"{md(per.describe() if per.kind != 'custom' else per.label)} · {when} · judged on {today:%d %b %Y}")
if views_all:
    st.markdown(f"#### {md(data['summary'])}")
    counts = data["counts"]
    m = st.columns(4)
    for col, key in zip(m, okrs.STATUSES):
        col.metric(f"{ui.tone_icon(tone_of(key))} {okrs.STATUS_LABELS[key]}", counts[key], border=True)
with st.expander("How progress, status and grades are worked out"):
    st.markdown(
        "**Progress** = (current − baseline) / (target − baseline), kept between 0% and 100% "
        "(it works the same for 'decrease to'). Stay above / below: 100% while holding, 0% once breached. "
        "Milestone: done or not. An objective's progress is the weighted mean of its key results.\n\n"
        f"**Status**: {okrs.thresholds_text()}\n\n"
        "**Linked key results** update themselves: each import re-computes the linked KPI or event count "
        "and adds a check-in naming the import when the value changed.")

views = views_all if not (pillar or owner or status) else ui.cached(
    okrs.list_okrs, period, today, pillar=pillar, owner=owner, status=status)

if not views_all:
    if actor.can_edit:
        st.info(f"**No objectives for {md(period)} yet.** Add one below: give it a title, then add key results "
                "(link them to a KPI so imports keep them up to date).", icon=":material/flag:")
    else:
        st.info(f"**No objectives for {md(period)} yet.** An editor adds them on this page.", icon=":material/flag:")
elif not views:
    st.info("No objectives match these filters.")


CARD_LIMIT = 12  # above this, objectives are drawn as two tables: forty cards of widgets take seconds to render


def _kr_rows(o: okrs.ObjectiveView, with_objective: bool = False) -> list[dict]:
    rows = []
    for k in o.key_results:
        row = {"Objective": o.title} if with_objective else {}
        row.update({
            "Key result": k.title,
            "Status": f"{ui.tone_dot(tone_of(k.status))} {okrs.STATUS_LABELS[k.status]}",
            "Progress": round(k.progress * 100),
            "Expected by now": round(k.expected * 100),
            "Current": okrs.format_kr_value(k.current, k.unit),
            "Baseline → target": f"{okrs.format_kr_value(k.baseline, k.unit)} → {okrs.format_kr_value(k.target, k.unit)}",
            "Confidence": None if k.confidence is None else f"{k.confidence}/10",
            "Check-ins": k.sparkline,
            "Linked to": okrs.link_label(k.link),
            "Grade": k.grade,
        })
        rows.append(row)
    return rows


# Columns of the key-result table in the order they earn their place, with the width each needs (px). The
# table keeps those that fit the narrowest page (a 1280 px screen with the sidebar open leaves ~780 px); the
# others are in the key result's detail below, so no column is cut off at the table's right edge.
KR_WIDTHS = {"Key result": 270, "Status": 105, "Progress": 85, "Expected by now": 110, "Baseline → target": 120,
             "Current": 80, "Grade": 60, "Objective": 200, "Confidence": 80, "Check-ins": 100, "Linked to": 170}
TABLE_PX = 780


def _show_krs(rows: list[dict], graded: bool) -> None:
    df = pd.DataFrame(rows)
    if not graded:
        df = df.drop(columns=["Grade"])
    keep, used = [], 0
    for col in KR_WIDTHS:
        if col in df.columns and used + KR_WIDTHS[col] <= TABLE_PX:
            keep.append(col)
            used += KR_WIDTHS[col]
    cols = [c for c in df.columns if c in keep]
    config = {c: dict(KR_COLUMNS.get(c) or st.column_config.TextColumn(c)) for c in cols}
    for c in cols:
        config[c]["width"] = KR_WIDTHS[c]
    st.dataframe(df[cols], column_config=config, hide_index=True, width="stretch")
    rest = [c for c in df.columns if c not in keep]
    if rest:
        st.caption(f"{', '.join(rest)}: open a key result below.")


def _definitions(krs: list[okrs.KeyResultView]) -> None:
    defs = {k.link: k.source_definition for k in krs if k.source_definition}
    if defs:
        st.caption("  \n".join(f"**{md(okrs.link_label(link))}** — {md(d)}" for link, d in defs.items()))


KR_COLUMNS = {
    "Progress": st.column_config.ProgressColumn("Progress", format="%d%%", min_value=0, max_value=100,
                                                help="(current − baseline) / (target − baseline), 0–100%"),
    "Expected by now": st.column_config.ProgressColumn("Expected by now", format="%d%%", min_value=0, max_value=100,
                                                       help="Share of the period elapsed: the linear pace"),
    "Check-ins": st.column_config.LineChartColumn("Check-ins", help="Values of the last 20 check-ins"),
    "Grade": st.column_config.NumberColumn("Grade", format="%.2f", help="0.0–1.0 at the end of the period; 0.6–0.7 is the sweet spot"),
}
graded = today >= per.end
objs_by_id = {o.id: o for o in views_all}

if len(views) <= CARD_LIMIT:
    for o in views:
        with st.container(border=True):
            head, chip = st.columns([5, 1])
            head.subheader(md(o.title), anchor=False)
            ui.badge(okrs.STATUS_LABELS[o.status], tone_of(o.status), where=chip)
            parent = objs_by_id.get(o.parent_id)
            bits = [b for b in (parent and f"Part of: {md(parent.title)}", o.owner and f"Owner: {md(o.owner)}",
                                o.pillar and PILLAR_LABELS[o.pillar],
                                o.confidence is not None and f"confidence {o.confidence:g}/10",
                                o.grade is not None and f"grade {o.grade:.2f} — {okrs.grade_note(o.grade)}") if b]
            if bits:
                st.caption(" · ".join(bits))
            st.progress(o.progress, text=f"{o.progress:.0%} done · expected pace {o.expected:.0%} by {today:%d %b}")
            if o.key_results:
                _show_krs(_kr_rows(o), graded)
                _definitions(o.key_results)
            else:
                st.caption("No key results yet.")
else:
    st.caption(f"{len(views)} objectives, shown as two tables; filter by pillar, owner or status to see them as cards.")
    st.dataframe(pd.DataFrame([{
        "Objective": o.title, "Status": f"{ui.tone_dot(tone_of(o.status))} {okrs.STATUS_LABELS[o.status]}",
        "Progress": round(o.progress * 100), "Expected by now": round(o.expected * 100), "Confidence": None if o.confidence is None else f"{o.confidence:g}/10",
        "Key results": len(o.key_results), "Owner": o.owner or "", "Pillar": PILLAR_LABELS.get(o.pillar, ""),
        **({"Grade": o.grade} if graded else {})} for o in views]),
        column_config=KR_COLUMNS, hide_index=True, width="stretch")
    rows = [r for o in views for r in _kr_rows(o, with_objective=True)]
    if rows:
        _show_krs(rows, graded)
        _definitions([k for o in views for k in o.key_results])

# -- drill-down ---------------------------------------------------------------------------------
krs = {k.id: (o, k) for o in views for k in o.key_results}
if krs:
    st.divider()
    st.subheader("Key result detail", anchor=False)
    wanted = st.query_params.get("kr")
    if wanted in krs and st.session_state.get("_okrs_kr_url") != wanted:
        # A link (?kr=...) opens that key result, also when the widget already holds another choice.
        st.session_state["okrs_kr"] = wanted
        st.session_state["_okrs_kr_url"] = wanted
    ids = list(krs)
    if st.session_state.get("okrs_kr") not in krs:
        st.session_state.pop("okrs_kr", None)
    kr_id = st.selectbox("Open a key result", ids, index=None,
                         format_func=lambda i: f"{krs[i][0].title} › {krs[i][1].title}",
                         placeholder="Choose a key result to see its history", key="okrs_kr")
    if kr_id and wanted != kr_id:
        st.query_params["kr"] = kr_id  # so the address bar can be shared
        st.session_state["_okrs_kr_url"] = kr_id
    if kr_id:
        o, k = krs[kr_id]
        hist = ui.cached(okrs.get_checkins, kr_id)
        # Formatted values are escaped too: a '$' of a currency value would otherwise start LaTeX.
        st.markdown(f"**{okrs.KR_TYPE_LABELS[k.type]}**: {md(okrs.format_kr_value(k.baseline, k.unit))} → "
                    f"{md(okrs.format_kr_value(k.target, k.unit))} · now {md(okrs.format_kr_value(k.current, k.unit))}"
                    + (f" (as of {k.current_as_of:%d %b %Y})" if k.current_as_of else "")
                    + f" · {ui.tone_icon(tone_of(k.status))} {okrs.STATUS_LABELS[k.status]}")
        st.caption(f"Linked to {md(okrs.link_label(k.link))}."
                   + (f" {md(k.source_definition)}" if k.source_definition else "")
                   + (f" Confidence {k.confidence}/10." if k.confidence is not None else ""))
        hdf = pd.DataFrame([c.model_dump() for c in hist]) if hist else pd.DataFrame(
            columns=["as_of", "value", "source", "confidence", "comment"])
        # through the cached spec: building the Altair chart on every run cost ~50 ms (an editor's save reruns the page)
        ui.chart(okr_charts.progress_over_time, f"{k.title} — progress over {period}", k.type, k.unit,
                 k.baseline, k.target, per.start, per.end, hdf, today)
        if hist:
            table = pd.DataFrame([{
                "Day": c.as_of, "Value": okrs.format_kr_value(c.value, k.unit),
                "Confidence": "" if c.confidence is None else f"{c.confidence}/10", "Source": c.source if not c.import_file else f"import: {c.import_file}",
                "Comment": c.comment or "", "By": c.author + (f" (edited by {c.edited_by})" if c.edited_by else ""),
            } for c in reversed(hist)])
            st.dataframe(table, hide_index=True, width="stretch")
        else:
            st.caption("No check-ins yet.")
        if actor.can_edit:
            with st.form(f"okrs_checkin_{kr_id}", clear_on_submit=True):
                st.markdown("**Add a check-in**")
                a, b, c = st.columns(3)
                value = a.number_input("Value", value=float(k.current if k.current is not None else k.baseline),
                                       format="%.4f", help="For a milestone: 1 = done, 0 = not done. Fractions as 0.25 for 25%.")
                conf = b.slider("Confidence (0-10)", 0, 10, value=k.confidence if k.confidence is not None else 7,
                                help="How likely the team thinks the target will be reached.")
                as_of = c.date_input("Day it describes", value=min(max(today, per.start), per.end - dt.timedelta(days=1)),
                                     min_value=per.start, max_value=per.end - dt.timedelta(days=1))
                comment = st.text_input("Comment", max_chars=2000)
                if st.form_submit_button("Save check-in", type="primary"):
                    try:
                        okrs.add_checkin(ui.get_store(), actor, kr_id, value, conf, comment or None, as_of=as_of)
                        _done("Check-in saved for '{kr}': {value} on {day}.", kr=k.title,
                              value=okrs.format_kr_value(value, k.unit), day=f"{as_of:%d %b %Y}")
                    except okrs.OkrInputError as exc:
                        _show_errors(exc)
            if hist:
                with st.expander("Edit or delete a check-in"):
                    by_id = {c.id: c for c in hist}
                    cid = st.selectbox("Check-in", list(reversed(list(by_id))), key=f"okrs_ci_pick_{kr_id}",
                                       format_func=lambda i: f"{by_id[i].as_of} · {okrs.format_kr_value(by_id[i].value, k.unit)}"
                                                             f" · {by_id[i].source}")
                    ci = by_id[cid]
                    with st.form(f"okrs_ci_edit_{cid}"):
                        a, b, c = st.columns(3)
                        v = a.number_input("Value", value=float(ci.value), format="%.4f")
                        cf = b.number_input("Confidence (0-10, empty = none)", min_value=0, max_value=10,
                                            value=ci.confidence, step=1)
                        d = c.date_input("Day it describes", value=ci.as_of, min_value=per.start,
                                         max_value=per.end - dt.timedelta(days=1))
                        cm = st.text_input("Comment", value=ci.comment or "", max_chars=2000)
                        s1, s2 = st.columns(2)
                        save = s1.form_submit_button("Save changes")
                        delete = s2.form_submit_button("Delete check-in")
                    try:
                        if save:
                            okrs.edit_checkin(ui.get_store(), actor, cid, v, cf, cm or None, as_of=d)
                            _done("Check-in of {day} updated for '{kr}': {value}.", day=f"{d:%d %b %Y}", kr=k.title,
                                  value=okrs.format_kr_value(v, k.unit))
                        if delete:
                            okrs.delete_checkin(ui.get_store(), actor, cid)
                            _done("Check-in of {day} deleted from '{kr}'.", day=f"{ci.as_of:%d %b %Y}", kr=k.title)
                    except okrs.OkrInputError as exc:
                        _show_errors(exc)

# -- editing (editors only) -----------------------------------------------------------------------
if not actor.can_edit:
    st.stop()

st.divider()
st.subheader("Edit OKRs", anchor=False)
objs = {o.id: o for o in views_all}
t_obj, t_kr, t_eobj, t_ekr, t_per = st.tabs(["Add objective", "Add key result", "Edit objective",
                                             "Edit key result", "Custom period"])
LINK_KINDS = ["Manual", "KPI", "Event count", "AI metric"]  # AI metric: ai:<feature>:<metric> (issue 18)


def _objective_form(key: str, current: dict | None) -> dict | None:
    cur = current or {}
    with st.form(key, clear_on_submit=current is None):
        title = st.text_input("Objective", value=cur.get("title") or "", max_chars=200,
                              placeholder="e.g. Become the first choice of our core customers")
        a, b, c = st.columns(3)
        per_choices = list(dict.fromkeys([period, *choices]))
        p = a.selectbox("Period", per_choices, index=per_choices.index(cur.get("period") or period))
        pil = b.selectbox("Pillar", [None, *PILLARS], index=([None, *PILLARS].index(cur.get("pillar"))),
                          format_func=lambda x: "—" if x is None else PILLAR_LABELS[x])
        own = c.text_input("Owner", value=cur.get("owner") or "")
        parents = [None, *[i for i in objs if i != cur.get("id")]]
        par = st.selectbox("Parent objective (optional)", parents,
                           index=parents.index(cur.get("parent_id")) if cur.get("parent_id") in parents else 0,
                           format_func=lambda i: "—" if i is None else objs[i].title)
        desc = st.text_area("Why it matters (optional)", value=cur.get("description") or "", max_chars=4000)
        s1, s2 = st.columns(2)
        save = s1.form_submit_button("Save objective", type="primary")
        archive = s2.form_submit_button("Archive objective") if current else False
    if archive:
        return {"_archive": True}
    if save:
        return {"title": title, "period": p, "pillar": pil, "owner": own, "parent_id": par, "description": desc}
    return None


def _kr_form(key: str, current: dict | None) -> dict | None:
    cur = current or {}
    if not objs:
        st.info("Add an objective first.")
        return None
    with st.form(key, clear_on_submit=current is None):
        oids = list(objs)
        oid = st.selectbox("Objective", oids, index=oids.index(cur["objective_id"]) if cur.get("objective_id") in oids else 0,
                           format_func=lambda i: objs[i].title)
        title = st.text_input("Key result", value=cur.get("title") or "", max_chars=200,
                              placeholder="e.g. Increase user retention by 5% in Q3")
        a, b, c = st.columns(3)
        kr_type = a.selectbox("Type", okrs.KR_TYPES, index=okrs.KR_TYPES.index(cur.get("kr_type") or "increase_to"),
                              format_func=okrs.KR_TYPE_LABELS.get)
        is_ai = str(cur.get("kpi_key") or "").startswith("ai:")
        kind_now = "AI metric" if is_ai else ("KPI" if cur.get("kpi_key") else ("Event count" if cur.get("event_name") else "Manual"))
        kind = b.radio("Current value comes from", LINK_KINDS, index=LINK_KINDS.index(kind_now), horizontal=True)
        weight = c.number_input("Weight", value=float(cur["weight"]) if cur.get("weight") is not None else 1.0,
                                min_value=0.0, step=0.5,
                                help="Objective progress is the weighted mean of its key results.")
        a, b, c = st.columns(3)
        keys = list(KPI_BY_KEY)
        kpi = a.selectbox("KPI (if linked to a KPI)", keys, index=keys.index(cur["kpi_key"]) if cur.get("kpi_key") in keys else keys.index("retention"),
                          format_func=lambda x: KPI_BY_KEY[x].label)
        event = b.text_input("Event (if an event count)", value=cur.get("event_name") or ui.cached(okrs.default_event),
                             placeholder="e.g. purchase_completed")
        window = c.number_input("Window (days)", value=int(cur.get("window_days") or 28), min_value=1, max_value=366)
        ai_links = ui.cached(ai.metric_choices)
        if is_ai and cur["kpi_key"] not in ai_links:
            ai_links = [cur["kpi_key"], *ai_links]
        ai_link = st.selectbox("AI metric (if linked to an AI feature's latest evaluation)", ai_links or ["—"],
                               index=ai_links.index(cur["kpi_key"]) if is_ai else 0,
                               help="Precision, recall or F1 at the feature's agreed threshold, or a graded eval's pass "
                                    "rate; each new evaluation imported adds a check-in.")
        segment = st.text_input("Segment filter (optional)", value=cur.get("segment") or "",
                                placeholder="platform=iOS", help="Only for linked key results: property=value, comma-separated.")
        a, b, c, d = st.columns(4)
        baseline = a.number_input("Baseline", value=float(cur.get("baseline") or 0.0), format="%.4f")
        target = b.number_input("Target", value=float(cur["target"]) if cur.get("target") is not None else 1.0, format="%.4f")
        unit_opts = ["", *okrs.UNITS]
        unit = c.selectbox("Unit", unit_opts, index=unit_opts.index(cur.get("unit") or ""),
                           format_func=lambda u: "from the link" if u == "" else u)
        due = d.date_input("Due (optional)", value=cur.get("due_date"), min_value=None)
        prev = st.checkbox("Take the baseline from the previous period's data (linked key results)",
                           help="E.g. for Q3, the KPI's value in Q2.")
        owner_kr = st.text_input("Owner (optional)", value=cur.get("owner") or "")
        s1, s2 = st.columns(2)
        save = s1.form_submit_button("Save key result", type="primary")
        archive = s2.form_submit_button("Archive key result") if current else False
    if archive:
        return {"_archive": True}
    if not save:
        return None
    if kind == "AI metric" and ai_link == "—":
        st.error("**link**: no AI evaluation is imported yet; import scored predictions or graded evals first "
                 "(AI quality page), or choose another source for the current value")
        return None
    link = {"Manual": None, "KPI": f"kpi:{kpi}", "Event count": f"events:{event.strip()}:{int(window)}d",
            "AI metric": ai_link}[kind]
    data = {"objective_id": oid, "title": title, "kr_type": kr_type, "baseline": baseline, "target": target,
            "unit": unit, "weight": weight, "segment": segment or None, "due_date": due, "owner": owner_kr, "link": link}
    if prev:
        value, words = okrs.previous_period_value(ui.get_store(), objs[oid].period, link, segment or None, today)
        if value is None:
            st.error(f"**baseline**: cannot take it from the data — {md(words)}")
            return None
        data["baseline"] = value
        st.caption(f"Baseline set to {value:g} ({md(words)}).")
    return data


with t_obj:
    data = _objective_form("okrs_new_obj", None)
    if data:
        try:
            okrs.create_objective(ui.get_store(), actor, data)
            _done("Objective '{title}' added to {period}.", title=data["title"], period=data["period"])
        except okrs.OkrInputError as exc:
            _show_errors(exc)

with t_kr:
    data = _kr_form("okrs_new_kr", None)
    if data:
        try:
            okrs.create_key_result(ui.get_store(), actor, data, today=today)
            _done("Key result '{title}' added to '{objective}'.", title=data["title"],
                  objective=objs[data["objective_id"]].title)
        except okrs.OkrInputError as exc:
            _show_errors(exc)

with t_eobj:
    if not objs:
        st.info("No objectives in this period.")
    else:
        oid = st.selectbox("Objective to edit", list(objs), index=None, format_func=lambda i: objs[i].title,
                           placeholder="Choose an objective", key="okrs_edit_obj_pick")
        data = _objective_form(f"okrs_edit_obj_{oid}", {**ui.cached(okrs.get_objective, oid), "id": oid}) if oid else None
        if data:
            try:
                if data.get("_archive"):
                    okrs.archive_objective(ui.get_store(), actor, oid)
                    _done("Objective '{title}' archived, with its key results.", title=objs[oid].title)
                else:
                    okrs.update_objective(ui.get_store(), actor, oid, data)
                    _done("Objective '{title}' saved.", title=data["title"])
            except okrs.OkrInputError as exc:
                _show_errors(exc)

with t_ekr:
    all_krs = {k.id: (o, k) for o in views_all for k in o.key_results}
    if not all_krs:
        st.info("No key results in this period.")
    else:
        kid = st.selectbox("Key result to edit", list(all_krs), index=None, key="okrs_edit_kr_pick",
                           placeholder="Choose a key result",
                           format_func=lambda i: f"{all_krs[i][0].title} › {all_krs[i][1].title}")
        data = _kr_form(f"okrs_edit_kr_{kid}", ui.cached(okrs.get_key_result, kid)) if kid else None
        if data:
            try:
                if data.get("_archive"):
                    okrs.archive_key_result(ui.get_store(), actor, kid)
                    _done("Key result '{title}' archived.", title=all_krs[kid][1].title)
                else:
                    okrs.update_key_result(ui.get_store(), actor, kid, data, today=today)
                    _done("Key result '{title}' saved.", title=data["title"])
            except okrs.OkrInputError as exc:
                _show_errors(exc)

with t_per:
    with st.form("okrs_new_period", clear_on_submit=True):
        st.caption("Quarters, months (2026-07) and years exist already; add a custom range for anything else.")
        a, b, c = st.columns(3)
        label = a.text_input("Name", placeholder="e.g. Launch sprint")
        start = b.date_input("First day", value=this_q.start)
        end = c.date_input("Last day", value=this_q.end - dt.timedelta(days=1))
        if st.form_submit_button("Add period"):
            try:
                okrs.create_period(ui.get_store(), actor, label, start, end)
                st.query_params["period"] = label.strip()
                _done("Period '{label}' added.", label=label.strip())
            except okrs.OkrInputError as exc:
                _show_errors(exc)
