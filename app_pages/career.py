"""Career & pay: the PM ladder from APM to CPO beside published figures and the team's own pay."""
import pandas as pd
import streamlit as st

import pillars_ui as ui
from pm_core import career
from pm_core.charts import career as charts
from pm_core.formatting import human_name
from pm_core.text import md

ui.page_header("Career & pay",
               "What each PM level owns and earns: the guide's bands, published reference points and your team's own pay, "
               "with groups under the minimum size hidden.")
ui.show_flash()
store = ui.get_store()
actor = ui.current_actor()

levels = ui.cached(career.ladder)
level_names = {lv.id: lv.name for lv in levels}
overview = ui.cached(career.salary_overview)
min_rows = ui.cached(career.salary_min_group)

# -- currency: one per chart; conversion only with a rate the viewer types (never stored) -------
points_all = ui.cached(career.reference_points)
currencies = sorted({lv.currency for lv in levels} | {p.currency for p in points_all} | set(overview["currencies"]))
top = st.columns([1, 3])
chart_ccy = top[0].selectbox("Currency", currencies, index=currencies.index("USD") if "USD" in currencies else 0,
                             help="Pay in different currencies is never mixed. Pick the currency to show.")
with top[1].expander("Convert other currencies (optional; not stored)"):
    st.caption(f"Enter how many {md(chart_ccy)} one unit of another currency is worth to fold it into {md(chart_ccy)}. "
               "Leave 0 to keep it separate.")
    rate_cols = st.columns(max(1, len(currencies) - 1))
    rates = []
    for col, ccy in zip(rate_cols, [c for c in currencies if c != chart_ccy]):
        r = col.number_input(f"1 {md(ccy)} = ? {md(chart_ccy)}", min_value=0.0, value=0.0, step=0.01, format="%.4f",
                             key=f"rate_{chart_ccy}_{ccy}")
        if r > 0:
            rates.append((ccy, float(r)))
rates = tuple(rates)

tabs = st.tabs(["Ladder", "Team pay", "Compare offers", "Growth path", "Data issues"]
               + (["Edit ladder & mapping"] if actor.can_edit else []))

# -- ladder ------------------------------------------------------------------------------------
with tabs[0]:
    data = ui.cached(career.ladder_chart_data, chart_ccy, rates or None)
    ui.chart(charts.ladder_chart, data)
    for ccy in sorted(set(data["other_points"]["currency"])):
        st.caption(f"Reference points in {md(ccy)} are shown on their own axis (no {md(ccy)}→{md(chart_ccy)} rate entered).")
        ui.chart(charts.ladder_chart, ui.cached(career.ladder_chart_data, ccy, None, False))
    ui.static_table(pd.DataFrame([{"Level": lv.name, "Scope": lv.scope, "Focus": lv.focus, "Band": lv.band_label,
                                   "Currency": lv.currency, "Source": lv.source_label, "Note": lv.note} for lv in levels]))  # a static table: scope and focus wrap, no column cut at 1280 px
    st.caption("Reference points: " + "; ".join(md(f"{p.label} {p.display} ({p.source_label}"
                                                     + (f", {p.note}" if p.note else "") + ")") for p in points_all))
    with st.expander("How company levels are placed on the ladder"):
        st.dataframe(ui.cached(career.level_map), hide_index=True, width="stretch")
        st.caption("Rows whose level is not in this map are kept and shown as 'unmapped'. '*' matches any company.")

# -- team pay ------------------------------------------------------------------------------------
with tabs[1]:
    if overview["rows"] == 0:
        ui.empty_state("No salary rows yet.", "Import a Levels.fyi-style CSV (company, level, title, total, base, stock, "
                       "bonus, currency) to see the team's pay beside the bands.")
    else:
        c1, c2 = st.columns(2)
        by = c1.selectbox("Group by", career.GROUPINGS, format_func=career.GROUPING_LABELS.get)
        titles = ui.cached(career.salary_titles)
        title = c2.selectbox("Title", ["All titles"] + titles)
        title = None if title == "All titles" else title
        pct = ui.cached(career.percentiles, by, title, None, None if not rates else chart_ccy, rates or None)
        group_title = career.GROUPING_LABELS[by]
        st.caption(f"Total yearly pay from {overview['used']:,} of {overview['rows']:,} salary rows"
                   + (f"; {overview['excluded']:,} left out for bad figures (see Data issues)" if overview["excluded"] else "")
                   + f". Groups with fewer than {min_rows} rows are hidden so no one's pay can be read off. "
                   "Percentiles use linear interpolation.")
        for assumed in overview.get("assumptions", []):  # e.g. Levels.fyi data read as USD (issue 14)
            st.caption(md(assumed))
        if overview["used"] == 0:
            st.warning(f"None of the {overview['rows']:,} salary rows can be used yet: see Data issues for why "
                       "(rows without a currency need the file re-imported with its currency set on the Data page).")
        if pct.empty:
            st.info("No usable salary rows match this choice.")
        else:
            # a static table: every percentile column fits the page at 1280 px (the grid hid P75 and P90 to the right)
            ui.static_table(career.percentile_table(pct, group_title))
            for ccy in list(dict.fromkeys(pct["currency"])):
                shown = pct[(pct["currency"] == ccy) & ~pct["suppressed"]]
                if shown.empty:
                    st.caption(f"Every {md(ccy)} group has fewer than {min_rows} rows, so no {md(ccy)} chart is drawn.")
                    continue
                left, right = st.columns(2)
                with left:
                    ui.chart(charts.percentile_chart, pct, ccy, group_title)
                with right:
                    ui.chart(charts.breakdown_chart, pct, ccy, group_title)

# -- compare ---------------------------------------------------------------------------------------
with tabs[2]:
    st.caption(f"Enter your current package and up to three offers in {md(chart_ccy)}. The sign-on bonus is spread over "
               "four years, as Levels.fyi does. Nothing you type here is stored.")
    level_options = [""] + [lv.id for lv in levels]
    cols = st.columns(4)
    packages = []
    for i, col in enumerate(cols):
        label = "Current" if i == 0 else f"Offer {i}"
        with col:
            st.markdown(f"**{label}**")
            base = st.number_input("Base", min_value=0.0, step=5000.0, key=f"cmp_base_{i}")
            stock = st.number_input("Stock per year", min_value=0.0, step=5000.0, key=f"cmp_stock_{i}")
            bonus = st.number_input("Bonus", min_value=0.0, step=1000.0, key=f"cmp_bonus_{i}")
            sign_on = st.number_input("Sign-on (one-off)", min_value=0.0, step=5000.0, key=f"cmp_sign_{i}")
            lvl = st.selectbox("Level", level_options, key=f"cmp_level_{i}",
                               format_func=lambda x: "Infer from pay" if not x else level_names[x])
        if base + stock + bonus + sign_on > 0:
            packages.append(career.OfferIn(label=label, base=base, stock=stock, bonus=bonus, sign_on=sign_on,
                                           ladder_level=lvl or None, currency=chart_ccy))
    if not packages:
        st.info("Enter at least a base salary to compare a package.")
    else:
        try:
            result = career.compare_offers(store, packages, currency=chart_ccy, rates=rates or None)
        except career.CareerError as exc:
            st.error(md(str(exc)))
        else:
            st.dataframe(career.offers_table(result), width="stretch")
            for c in result:
                st.markdown(f"**{md(c.label)}** · {md(c.band_note)} {md(c.team_note)} {md(c.next_note)}")

# -- growth path -----------------------------------------------------------------------------------
with tabs[3]:
    suggested = st.session_state.get("career_suggested")
    ids = [lv.id for lv in levels]
    chosen = st.selectbox("Level", ids, index=ids.index(suggested) if suggested in ids else 1 if len(ids) > 1 else 0,
                          format_func=level_names.get, key="growth_level")
    path = ui.cached(career.growth_path, chosen)
    nxt = path["next"]
    st.subheader(md(f"{path['level']['name']} → {nxt['name']}" if nxt else f"{path['level']['name']} (top of the ladder)"))
    st.caption(md(path["band_change"]))
    now_col, next_col = st.columns(2)
    now_col.markdown(f"**Now — {md(path['level']['name'])}**")
    next_col.markdown(f"**Next — {md(nxt['name'])}**" if nxt else "**Next —** nothing above this level")
    for c in path["changes"]:
        now_col.markdown(f"*{c['aspect']}:* {md(c['now'] or '—')}")
        next_col.markdown(f"*{c['aspect']}:* {md(c['next'] or '—')}")
    st.markdown("**Self-assessment** — answer at least three questions; the suggestion is the middle of your answers.")
    answers = {}
    for q in career.SELF_ASSESSMENT:
        answers[q["key"]] = st.radio(q["question"], q["options"], index=None, key=f"sa_{q['key']}")
    answered = {k: v for k, v in answers.items() if v}
    if len(answered) >= 3:
        level_id = career.self_assess(answered)
        st.success(f"You seem to work at **{md(level_names.get(level_id, level_id))}** level today.")
        st.session_state["career_suggested"] = level_id
    else:
        st.caption(f"{len(answered)} of {len(career.SELF_ASSESSMENT)} answered.")

# -- data issues -----------------------------------------------------------------------------------
with tabs[4]:
    issues = ui.cached(career.salary_issues)
    if overview["rows"] == 0:
        st.caption("No salary rows, so nothing to check.")
    elif not issues:
        st.success(f"All {overview['rows']:,} salary rows look usable.")
    else:
        st.caption("Nothing is dropped: rows with bad figures are kept in the workspace but left out of the percentiles; "
                   "unmapped levels and duplicates are counted.")
        ui.static_table(pd.DataFrame([{"Issue": human_name(i["kind"]), "Rows": i["count"],
                                       "In the figures": "yes" if i["in_figures"] else "no", "What to do": i["message"]}
                                      for i in issues]))

# -- editing (editors only) ------------------------------------------------------------------------
def _save_button(label: str, key: str, save, table: pd.DataFrame, done: str) -> None:
    """A save button for an edited table: on success `done` ({n} = rows stored) shows after the rerun; a refusal in words."""
    if st.button(label, key=key):
        try:
            stored = save(store, actor, table)
            ui.flash(done, n=len(stored))
            st.rerun()
        except career.CareerError as exc:
            st.error(md(str(exc)))


if actor.can_edit:
    with tabs[5]:
        st.caption("Changes replace the whole table when you save; a problem is reported by row and nothing is saved.")
        st.markdown("**Ladder levels** (leave band_high empty and tick band_open for a band with no published top)")
        ladder_df = pd.DataFrame([lv.model_dump() for lv in levels])
        edited = st.data_editor(ladder_df, num_rows="dynamic", hide_index=True, key="edit_ladder",
                                width="stretch")
        _save_button("Save ladder", "save_ladder", career.save_ladder, edited, "Ladder saved: {n} levels.")
        st.markdown("**Level map** (company level → ladder level; '*' = any company)")
        map_edit = st.data_editor(ui.cached(career.level_map), num_rows="dynamic", hide_index=True, key="edit_map",
                                  width="stretch",
                                  column_config={"ladder_level": st.column_config.SelectboxColumn(options=ids, required=True)})
        _save_button("Save level map", "save_map", career.save_level_map, map_edit,
                     "Level map saved ({n} rows); the percentiles use it right away.")
        st.markdown("**Reference points** (each needs a source; the year may be empty when the source gives none)")
        pts_df = pd.DataFrame([p.model_dump() for p in points_all])
        pts_edit = st.data_editor(pts_df, num_rows="dynamic", hide_index=True, key="edit_points",
                                  width="stretch",
                                  column_config={"qualifier": st.column_config.SelectboxColumn(options=list(career.QUALIFIERS)),
                                                 "ladder_level": st.column_config.SelectboxColumn(options=ids)})
        _save_button("Save reference points", "save_points", career.save_reference_points, pts_edit,
                     "Reference points saved: {n} points.")
