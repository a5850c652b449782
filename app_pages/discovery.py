"""Discovery: interview evidence, theme suggestions and the opportunity solution tree (issue 19)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import pillars_ui as ui
from pm_core import discovery as dv
from pm_core.formatting import fmt_int
from pm_core.text import md

ui.page_header("Discovery", "What did we hear in interviews, which opportunities does it back, and how does each one "
                            "lead from the outcome to a solution on the roadmap and a test that checks it?")
ui.show_flash()
actor = ui.current_actor()

VIEWS = {"tree": "Tree", "list": "List", "evidence": "Evidence", "themes": "Suggested themes", "guide": "Interview guide"}

highlights = ui.cached(dv.list_highlights)
roots = ui.cached(dv.tree)
nodes = dv.flatten(roots)
by_id = {n.id: n for n in nodes}

if not highlights and not roots:
    ui.empty_state("No interview evidence yet.",
                   "Import interview notes — Markdown or text files, one per interview, with optional front matter "
                   "(participant, segment, date, interviewer) — a ZIP of notes, or a highlights CSV/XLSX from a research "
                   "repository (Highlight, Tags, Note, Participant). The Interview guide below helps run the interviews.")

# -- URL state: view and selected node ------------------------------------------------------------
if "dv_view" not in st.session_state:
    value, notice = ui.query_param("view", list(VIEWS), "tree")
    st.session_state["dv_view"] = value
    if notice:
        st.warning(notice)
if st.session_state.get("dv_node_next") in by_id:  # a node just added: select it
    st.session_state["dv_node"] = st.session_state.pop("dv_node_next")
if "dv_node" not in st.session_state:
    value, notice = ui.query_param("node", list(by_id), nodes[0].id if nodes else None)
    st.session_state["dv_node"] = value
    if notice:
        st.warning(notice)
elif st.session_state["dv_node"] not in by_id:  # deleted, or a new workspace
    st.session_state["dv_node"] = nodes[0].id if nodes else None

st.segmented_control("View", list(VIEWS), key="dv_view", format_func=VIEWS.get, label_visibility="collapsed")
view = st.session_state.get("dv_view") or "tree"
st.query_params["view"] = view
if st.session_state.get("dv_node"):
    st.query_params["node"] = st.session_state["dv_node"]
elif "node" in st.query_params:
    del st.query_params["node"]


def _node_label(node_id: str) -> str:
    n = by_id[node_id]
    return f"{'· ' * n.depth}{dv.NODE_KINDS[n.kind]}: {n.title}"


def _errors(exc: dv.DiscoveryError) -> None:
    st.error(md(str(exc)))


def _link_fields(kind: str, key: str, current: dv.TreeNode | None = None) -> dict:
    """One link picker for a node of `kind` (none for an opportunity), every target of every link kind it takes
    in one list, so it works inside a form; returns {link_kind, link_target}."""
    kinds = list(dv.LINK_KINDS[kind])
    if not kinds:
        return {}
    choices = ui.cached(dv.link_choices)
    labels: dict[str, str] = {"": "No link"}
    for lk in kinds:
        for target, label in choices[lk]:
            labels[f"{lk}|{target}"] = f"{dv.LINK_LABELS[lk]}: {label}"
    here = f"{current.link_kind}|{current.link_target}" if current is not None and current.link_kind else ""
    if here and here not in labels:
        labels[here] = f"{dv.LINK_LABELS[current.link_kind]}: {current.link_label or current.link_target} (no longer exists)"
    options = list(labels)
    picked = st.selectbox("Link to", options, index=options.index(here), key=f"{key}_link", format_func=labels.get,
                          help=" or ".join(dv.LINK_LABELS[k].lower() for k in kinds))
    if not picked:
        return {"link_kind": None, "link_target": None}
    lk, target = picked.split("|", 1)
    return {"link_kind": lk, "link_target": target}


# -- tiles ----------------------------------------------------------------------------------------
ops = [n for n in nodes if n.kind == "opportunity"]
gaps = dv.gap_list(roots)
c1, c2, c3, c4 = st.columns(4)
c1.metric("Interviews", fmt_int(len({dv.interview_key(h) for h in highlights})), border=True)
c2.metric("Highlights", fmt_int(len(highlights)), border=True,
          help=f"{fmt_int(sum(1 for h in highlights if h.get('tag')))} tagged")
c3.metric("Opportunities backed by evidence", f"{sum(1 for o in ops if o.evidence.get('highlights'))} of {len(ops)}",
          border=True)
c4.metric("Gaps", fmt_int(len(gaps)), border=True,
          help="Opportunities without evidence, solutions without a test, outcomes without a KR, links to removed items.")


def _node_detail(n: dv.TreeNode) -> None:
    """What a node says, its evidence, its gaps; for editors, the forms that change it."""
    st.subheader(md(n.title))
    st.caption(md(f"{dv.NODE_KINDS[n.kind]}" + (f" · {n.link_text}" if n.link_text else "")))
    if n.notes:
        st.markdown(md(n.notes))
    for g in n.gaps:
        st.warning(md(g), icon=":material/warning:")
    if n.kind == "opportunity":
        ev = n.evidence
        st.markdown(f"**{fmt_int(ev['interviews'])} interview{'s' if ev['interviews'] != 1 else ''}**, "
                    f"{fmt_int(ev['highlights'])} highlight{'s' if ev['highlights'] != 1 else ''}"
                    + (" · segments: " + ", ".join(f"{md(s)} ({c})" for s, c in ev["segments"]) if ev["segments"] else ""))
        for q in ev["quotes"]:
            st.markdown(f"> {md(q['text'])}  \n> — {md(q.get('interview') or '')}")
    if not actor.can_edit:
        return
    with st.expander("Edit this node", icon=":material/edit:"):
        with st.form(f"dv_edit_{n.id}"):
            title = st.text_input("Title", value=n.title, max_chars=dv.models.TITLE_MAX)
            notes = st.text_area("Notes", value=n.notes)
            link = _link_fields(n.kind, f"dv_edit_{n.id}", n)
            if st.form_submit_button("Save node", type="primary"):
                try:
                    dv.update_node(ui.get_store(), actor, n.id, {"title": title, "notes": notes, **link})
                    ui.flash("Saved {t}.", t=title)
                    st.rerun()
                except dv.DiscoveryError as exc:
                    _errors(exc)
    kinds = dv.CHILD_KINDS[n.kind]
    if kinds:
        with st.expander("Add under this node", icon=":material/add:"):
            with st.form(f"dv_add_{n.id}"):
                kind = st.selectbox("Kind", list(kinds), format_func=dv.NODE_KINDS.get)
                title = st.text_input("Title", max_chars=dv.models.TITLE_MAX, key=f"dv_add_title_{n.id}")
                child_kind = kinds[-1]
                link = _link_fields(child_kind, f"dv_add_{n.id}") if dv.LINK_KINDS[child_kind] else {}
                if link:
                    st.caption(f"The link applies to a {dv.NODE_KINDS[child_kind].lower()}.")
                if st.form_submit_button("Add", type="primary"):
                    try:
                        new = dv.add_node(ui.get_store(), actor, kind, {"title": title, **(link if kind == child_kind else {})},
                                          parent_id=n.id)
                        st.session_state["dv_node_next"] = new  # applied before the picker is drawn
                        ui.flash("Added {t}.", t=title)
                        st.rerun()
                    except dv.DiscoveryError as exc:
                        _errors(exc)
    if n.kind == "opportunity" and highlights:
        with st.expander("Attach interview evidence", icon=":material/format_quote:"):
            attached = {int(h["id"]) for h in ui.cached(dv.evidence_of, n.id)["highlight_rows"]}
            with st.form(f"dv_attach_{n.id}"):
                texts = {int(h["id"]): f"{h['interview']}: {h['text'][:90]}" for h in highlights}
                chosen = st.multiselect("Highlights backing this opportunity", list(texts), default=sorted(attached),
                                        format_func=lambda i: texts[i])
                if st.form_submit_button("Save evidence", type="primary"):
                    try:
                        added = dv.attach_evidence(ui.get_store(), actor, n.id, [i for i in chosen if i not in attached],
                                                   detach=[i for i in attached if i not in chosen])
                        ui.flash(f"Evidence saved: {added} highlight{'s' if added != 1 else ''} attached.")
                        st.rerun()
                    except dv.DiscoveryError as exc:
                        _errors(exc)
    with st.expander("Delete this node", icon=":material/delete:"):
        below = len(dv.flatten([n])) - 1
        sure = st.checkbox(f"Delete it and the {below} node{'s' if below != 1 else ''} under it (highlights stay)",
                           key=f"dv_del_ok_{n.id}")
        if st.button("Delete", key=f"dv_del_{n.id}", disabled=not sure):
            try:
                dv.delete_node(ui.get_store(), actor, n.id)
                ui.flash("Deleted {t}.", t=n.title)
                st.rerun()
            except dv.DiscoveryError as exc:
                _errors(exc)


def _add_outcome() -> None:
    with st.expander("Add an outcome", icon=":material/flag:", expanded=not roots):
        with st.form("dv_add_outcome"):
            title = st.text_input("Desired outcome", max_chars=dv.models.TITLE_MAX,
                                  placeholder="e.g. Long-stay guests book again within 28 days")
            link = _link_fields("outcome", "dv_outcome")
            if st.form_submit_button("Add outcome", type="primary"):
                try:
                    new = dv.add_node(ui.get_store(), actor, "outcome", {"title": title, **link})
                    st.session_state["dv_node_next"] = new  # applied before the picker is drawn
                    ui.flash("Added outcome {t}.", t=title)
                    st.rerun()
                except dv.DiscoveryError as exc:
                    _errors(exc)


# -- views ----------------------------------------------------------------------------------------
if view == "tree":
    if not roots:
        st.info("No tree yet. Start with the outcome the team is asked to move, linked to its key result"
                + (", then add the opportunities you heard." if actor.can_edit else "; an editor can add it."))
    else:
        st.markdown("**Opportunity solution tree** — outcome → opportunities (with interview evidence) → solutions "
                    "(roadmap initiatives) → assumption tests (experiments). Dashed red boxes have a gap.")
        st.graphviz_chart(dv.to_dot(roots, st.session_state.get("dv_node")), width="stretch")
        if gaps:
            with st.expander(f"Gaps ({len(gaps)})", expanded=True, icon=":material/warning:"):
                for g in gaps:
                    st.markdown(f"- **{md(g['title'])}** ({dv.NODE_KINDS[g['kind']].lower()}): {md(g['gap'])}")
        st.selectbox("Node", list(by_id), key="dv_node", format_func=_node_label,
                     help="The selected node is in the page's address, so a link opens it.")
        _node_detail(by_id[st.session_state["dv_node"]])
    if actor.can_edit:
        _add_outcome()

elif view == "list":
    if not nodes:
        st.info("No tree yet: add an outcome in the Tree view.")
    else:
        rows = [{"Node": ("· " * n.depth) + n.title, "Kind": dv.NODE_KINDS[n.kind],
                 "Evidence / link": dv.detail_line(n), "Gaps": "; ".join(n.gaps)} for n in nodes]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        st.download_button("Download the tree (DOT)", dv.to_dot(roots), file_name="opportunity_solution_tree.dot",
                           mime="text/vnd.graphviz", icon=":material/download:")

elif view == "evidence":
    if not highlights:
        st.info("No highlights yet: import interview notes or a highlights file on the Data page.")
    else:
        st.markdown("**Interviews**")
        iv = pd.DataFrame(ui.cached(dv.interviews))
        iv["date"] = pd.to_datetime(iv["date"], errors="coerce")  # a note without a date shows an empty cell
        st.dataframe(iv, hide_index=True, width="stretch",
                     column_config={"interview": "Interview", "participant": "Participant", "segment": "Segment",
                                    "date": st.column_config.DateColumn("Date"), "highlights": "Highlights",
                                    "tagged": "Tagged"})
        st.markdown("**Highlights** — tag what you heard; opportunities are backed by the highlights attached to them.")
        tag_options = [""] + list(dv.TAGS.values())  # shown as words; saved as the tag keys
        tag_key = {label: key for key, label in dv.TAGS.items()}
        f1, f2 = st.columns(2)
        tag_filter = f1.selectbox("Show", ["all", "untagged", *dv.TAGS], format_func=lambda t: {
            "all": "All highlights", "untagged": "Untagged only"}.get(t, dv.TAGS.get(t, t)), key="dv_tag_filter")
        segs = sorted({h.get("segment") or "" for h in highlights})
        seg_filter = f2.selectbox("Segment", ["", *segs], format_func=lambda s: s or "All segments", key="dv_seg_filter")
        shown = [h for h in highlights
                 if (tag_filter == "all" or (tag_filter == "untagged" and not h.get("tag")) or h.get("tag") == tag_filter)
                 and (not seg_filter or (h.get("segment") or "") == seg_filter)]
        df = pd.DataFrame([{"id": int(h["id"]), "Interview": h["interview"], "Segment": h.get("segment") or "",
                            "Highlight": h["text"], "Tag": dv.TAGS.get(h.get("tag") or "", "")} for h in shown])
        cfg = {"id": None, "Tag": st.column_config.SelectboxColumn(
            "Tag", options=tag_options, help="Pain point, job to be done, motivation, workaround or quote")}
        if actor.can_edit and not df.empty:
            edited = st.data_editor(df, hide_index=True, width="stretch", key="dv_tags", column_config=cfg,
                                    disabled=["Interview", "Segment", "Highlight"])
            if st.button("Save tags", type="primary", key="dv_save_tags"):
                before = {int(r.id): r.Tag for r in df.itertuples()}
                changes = {int(r.id): tag_key.get(r.Tag or "") for r in edited.itertuples()
                           if (r.Tag or "") != (before[int(r.id)] or "")}
                try:
                    n = dv.tag_highlights(ui.get_store(), actor, changes)
                    ui.flash(f"Tags saved: {n} highlight{'s' if n != 1 else ''} changed.")
                    st.rerun()
                except dv.DiscoveryError as exc:
                    _errors(exc)
        else:
            st.dataframe(df, hide_index=True, width="stretch", column_config={"id": None})
        if ops:
            st.markdown("**Evidence per opportunity**")
            st.dataframe(pd.DataFrame([{
                "Opportunity": o.title, "Interviews": o.evidence["interviews"], "Highlights": o.evidence["highlights"],
                "Segments": ", ".join(s for s, _ in o.evidence["segments"]),
                "Strongest quote": o.evidence["quotes"][0]["text"] if o.evidence["quotes"] else ""} for o in ops]),
                hide_index=True, width="stretch")

elif view == "themes":
    st.caption("Suggestions only: grouped by the words highlights share (TF-IDF and k-means, no model download). "
               "Nothing is applied until an editor turns a theme into an opportunity.")
    untagged = st.toggle("Only untagged highlights", key="dv_theme_untagged")
    suggestions = ui.cached(dv.themes, untagged_only=untagged)
    if not suggestions:
        st.info("Not enough shared words to suggest themes yet (import a few more interviews).")
    text_of = {int(h["id"]): h for h in highlights}
    parents = [n for n in nodes if n.kind in ("outcome", "opportunity")]
    for i, t in enumerate(suggestions):
        with st.container(border=True):
            st.markdown(f"**{md(t['label'])}** — {len(t['highlight_ids'])} highlights from {t['interviews']} "
                        f"interview{'s' if t['interviews'] != 1 else ''}")
            for hid in t["highlight_ids"][:4]:
                if hid in text_of:
                    st.caption(md(f"“{text_of[hid]['text']}” — {text_of[hid]['interview']}"))
            if actor.can_edit and parents:
                with st.form(f"dv_theme_{i}"):
                    title = st.text_input("Opportunity title", value=t["label"].capitalize(), key=f"dv_theme_title_{i}")
                    parent = st.selectbox("Under", [p.id for p in parents], format_func=_node_label, key=f"dv_theme_parent_{i}")
                    if st.form_submit_button("Create opportunity from this theme"):
                        try:
                            new = dv.opportunity_from_theme(ui.get_store(), actor, parent, title, t["highlight_ids"])
                            st.session_state["dv_node_next"] = new  # applied before the picker is drawn
                            ui.flash("Created {t} with its highlights attached.", t=title)
                            st.rerun()
                        except dv.DiscoveryError as exc:
                            _errors(exc)

else:  # guide
    guide = dv.jtbd_guide_markdown()
    for section, questions in dv.JTBD_QUESTIONS:
        st.markdown(f"**{md(section)}**")
        st.markdown("\n".join(f"1. {md(q)}" for q in questions))
    st.download_button("Download the guide (Markdown)", guide, file_name="jtbd_interview_guide.md", mime="text/markdown",
                       icon=":material/download:")
