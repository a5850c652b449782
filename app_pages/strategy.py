"""Strategy: the vision and narrative, PESTLE boards, market sizing (TAM/SAM/SOM) and competitive grids.

Reads and writes go through pm_core.strategy; editors get forms (create, edit, archive), viewers read only.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

import pillars_ui as ui
from pm_core import metrics
from pm_core import strategy as S
from pm_core.formatting import Unit, format_value
from pm_core.text import md, md_block, md_link

ui.page_header("Strategy", "Where is the product going, how big is the market, what outside forces could change the "
                           "plan, and how do we compare with the competition?")
ui.show_flash()
actor = ui.current_actor()
editor = actor.can_edit
currency = ui.cached(S.currency)


_PENDING = "_strategy_pick"  # the selectbox to move to a just-created item on the next run


def _save(call, done: str, pick: str | None = None, **user_text) -> None:
    """Run a domain write; on success confirm after the rerun (and select the new item in the `pick` selectbox),
    on a refusal say why in words (naming the field)."""
    try:
        result = call()
    except S.StrategyError as exc:
        st.error(md(str(exc)), icon=":material/error:")
        return
    if pick and isinstance(result, str):
        st.session_state[_PENDING] = (pick, result)
    ui.flash(done, **user_text)
    st.rerun()


def _money(v: float | None) -> str:
    return format_value(v, Unit.CURRENCY, currency=currency)


def _pick(label: str, items: list, key: str, new_label: str | None = None):
    """A selectbox over items by name (plain text: selectboxes do not render Markdown); None = the 'new' option."""
    ids = [i.id for i in items] + ([None] if new_label else [])
    names = {i.id: _name(i) for i in items}
    pending = st.session_state.get(_PENDING)
    if pending and pending[0] == key and pending[1] in ids:  # set before the widget exists, as Streamlit requires
        st.session_state[key] = pending[1]
        del st.session_state[_PENDING]
    chosen = st.selectbox(label, ids, key=key, format_func=lambda i: new_label if i is None else names[i])
    return next((i for i in items if i.id == chosen), None)


def _name(item) -> str:
    """An item's name as people know it: a board's or grid's name, a sizing's market."""
    return getattr(item, "name", None) or getattr(item, "market", "")


def _archive_controls(kind: str, noun: str, item, items: list) -> None:
    """The editor's 'Archive this <noun>' button for the shown item (none when it is new), then the archived list."""
    if item is not None and st.button(f"Archive this {noun}", key=f"archive_{item.id}"):
        _save(lambda: S.archive(ui.get_store(), actor, kind, item.id), "Archived {name}.", name=_name(item))
    _archived_list(kind, items)


def _archived_list(kind: str, items: list) -> None:
    """Archived items with a Restore button each (editors only)."""
    gone = [i for i in items if i.archived]
    if not gone or not editor:
        return
    with st.expander(f"Archived ({len(gone)})"):
        for i in gone:
            name = _name(i)
            c1, c2 = st.columns([4, 1])
            c1.markdown(md(name))
            if c2.button("Restore", key=f"restore_{i.id}"):
                _save(lambda i=i: S.archive(ui.get_store(), actor, kind, i.id, archived=False), "Restored {name}.",
                      name=name)


tab_vision, tab_pestle, tab_size, tab_grid = st.tabs(["Vision", "PESTLE", "Market size", "Competitors"])

# -- vision ------------------------------------------------------------------------------------------
with tab_vision:
    stmt = ui.cached(S.get_statement)
    if stmt.empty:
        st.info("No product vision yet. " + ("Write it below: one statement and the narrative behind it; the executive "
                                             "briefing shows both." if editor else "An editor writes it on this page."),
                icon=":material/lightbulb:")
    else:
        if stmt.vision:
            st.subheader("Product vision")
            st.markdown(f"> **{md(stmt.vision)}**")  # bold: a quote alone renders grey and reads as a side note
        if stmt.narrative:
            st.subheader("Strategy narrative")
            st.markdown(md_block(stmt.narrative))
        if stmt.updated_by:
            st.caption(f"Last written by {md(stmt.updated_by)}.")
    if editor:
        with st.form("vision_form"):
            vision = st.text_area("Vision statement", value=stmt.vision, max_chars=600, key="vision_text",
                                  help="One or two sentences: for whom, what, and why it is better.")
            narrative = st.text_area("Strategy narrative", value=stmt.narrative, height=200, key="narrative_text",
                                     help="How you get there: paragraphs separated by a blank line.")
            if st.form_submit_button("Save vision"):
                _save(lambda: S.save_statement(ui.get_store(), actor, {"vision": vision, "narrative": narrative}),
                      "Vision and narrative saved.")

# -- PESTLE ------------------------------------------------------------------------------------------
_SCOPE_WORDS = {"market": "Market", "initiative": "Initiative"}


def _entry_line(e: S.PestleEntry) -> str:
    ev = e.evidence
    where = " · ".join(x for x in (md_link("source", ev.url) if ev.url else "", md(ev.note)) if x)
    return (f"**{md(e.title)}**  \nImpact {e.impact} ({S.IMPACT_SCALE[e.impact].lower()}) · likelihood "
            f"{e.likelihood} ({S.LIKELIHOOD_SCALE[e.likelihood].lower()})" + (f"  \n{where}" if where else ""))


def _board_form(board: S.Pestle | None, initiatives: list[tuple[str, str]]) -> None:
    key = board.id if board else "new"
    with st.form(f"pestle_form_{key}"):
        name = st.text_input("Market or initiative", value=board.name if board else "", key=f"pestle_name_{key}",
                             placeholder="Portugal long stays")
        scope = st.radio("Covers", list(S.SCOPES), format_func=S.SCOPES.get, horizontal=True, key=f"pestle_scope_{key}",
                         index=list(S.SCOPES).index(board.scope) if board else 0)
        ids = [None] + [i for i, _ in initiatives]
        titles = dict(initiatives)
        initiative = st.selectbox("Initiative (when it covers one)", ids, key=f"pestle_init_{key}",
                                  index=ids.index(board.initiative_id) if board and board.initiative_id in ids else 0,
                                  format_func=lambda i: "—" if i is None else titles[i])
        summary = st.text_input("Summary for the executive briefing (one sentence)", max_chars=S.models.SUMMARY_MAX,
                                value=board.summary if board else "", key=f"pestle_summary_{key}")
        if st.form_submit_button("Save board" if board else "Create board"):
            data = {"name": name, "scope": scope, "initiative_id": initiative, "summary": summary}
            _save(lambda: S.save_pestle(ui.get_store(), actor, data, board.id if board else None),
                  "PESTLE board {name} saved.", pick="pestle_pick", name=name)


def _entry_form(board: S.Pestle, entry: S.PestleEntry | None) -> None:
    key = entry.id if entry else f"new_{board.id}"
    factors = list(S.FACTORS)
    with st.form(f"entry_form_{key}"):
        factor = st.selectbox("Factor", factors, format_func=S.FACTORS.get, key=f"entry_factor_{key}",
                              index=factors.index(entry.factor) if entry else 0)
        title = st.text_input("What is happening", value=entry.title if entry else "", key=f"entry_title_{key}")
        c1, c2 = st.columns(2)
        url = c1.text_input("Source link (http or https)", value=entry.evidence.url if entry else "",
                            key=f"entry_url_{key}")
        note = c2.text_input("Or a note on the evidence", value=entry.evidence.note if entry else "",
                             key=f"entry_note_{key}")
        c3, c4 = st.columns(2)
        impact = c3.selectbox("Impact", list(S.IMPACT_SCALE), index=(entry.impact - 1) if entry else 2,
                              format_func=lambda v: f"{v} · {S.IMPACT_SCALE[v]}", key=f"entry_impact_{key}")
        likelihood = c4.selectbox("Likelihood", list(S.LIKELIHOOD_SCALE), index=(entry.likelihood - 1) if entry else 2,
                                  format_func=lambda v: f"{v} · {S.LIKELIHOOD_SCALE[v]}", key=f"entry_likely_{key}")
        data = {"factor": factor, "title": title, "evidence": {"url": url, "note": note}, "impact": impact,
                "likelihood": likelihood}
        b1, b2 = st.columns(2)
        if b1.form_submit_button("Save entry" if entry else "Add entry"):
            _save(lambda: S.save_pestle_entry(ui.get_store(), actor, board.id, data, entry.id if entry else None),
                  "Entry saved on {name}.", name=board.name)
        if entry and b2.form_submit_button("Remove entry"):
            _save(lambda: S.remove_pestle_entry(ui.get_store(), actor, board.id, entry.id),
                  "Entry removed from {name}.", name=board.name)


with tab_pestle:
    all_boards = ui.cached(S.list_pestles, include_archived=True)
    boards = [b for b in all_boards if not b.archived]
    initiatives = ui.cached(S.initiative_choices)
    if not boards:
        st.info("No PESTLE board yet. A board lists the political, economic, social, technological, legal and "
                "environmental forces on a market or an initiative, each with its evidence, impact and likelihood. "
                + ("Create one below." if editor else "An editor creates them on this page."), icon=":material/public:")
    board = _pick("Board", boards, "pestle_pick", "New board…" if editor else None) if boards else None
    if board is not None:
        scope = _SCOPE_WORDS[board.scope] + (f": {md(dict(initiatives).get(board.initiative_id, board.initiative_id))}"
                                             if board.initiative_id else "")
        st.markdown(f"**{md(board.name)}** · {scope}")
        if board.summary:
            st.markdown(f"**Summary:** {md(board.summary)}")
        else:
            st.caption("No summary yet: the executive briefing shows the board's heaviest entries only.")
        st.caption("Entries by factor, heaviest (impact × likelihood, 1-5 each) first.")
        grouped = board.by_factor()
        for row in (list(S.FACTORS)[:3], list(S.FACTORS)[3:]):
            for col, factor in zip(st.columns(3), row):
                with col.container(border=True):
                    st.markdown(f"**{S.FACTORS[factor]}** ({len(grouped[factor])})")
                    for e in grouped[factor]:
                        st.markdown(_entry_line(e))
                    if not grouped[factor]:
                        st.caption("No entry yet.")
    if editor:
        with st.expander("Board details" if board else "Create a PESTLE board", expanded=board is None):
            _board_form(board, initiatives)
        if board is not None:
            with st.expander("Add an entry"):
                _entry_form(board, None)
            if board.entries:
                with st.expander("Edit or remove an entry"):
                    chosen = st.selectbox("Entry", [e.id for e in board.entries], key=f"entry_pick_{board.id}",
                                          format_func=lambda i: next(f"{S.FACTORS[e.factor]}: {e.title}"
                                                                     for e in board.entries if e.id == i))
                    _entry_form(board, next(e for e in board.entries if e.id == chosen))
        _archive_controls("pestle", "board", board, all_boards)

# -- market size ---------------------------------------------------------------------------------------
def _sizing_form(s: S.Sizing | None) -> None:
    key = s.id if s else "new"
    with st.form(f"sizing_form_{key}"):
        market = st.text_input("Market", value=s.market if s else "", key=f"sizing_market_{key}")
        method = st.radio("Method", list(S.METHODS), format_func=S.METHODS.get, horizontal=True,
                          index=list(S.METHODS).index(s.method) if s else 0, key=f"sizing_method_{key}",
                          help="Top-down: the three figures from a market report. Bottom-up: units × price × share.")
        st.caption(f"Top-down figures, a year, in {currency}")
        c = st.columns(3)
        tam = c[0].number_input("TAM", min_value=0.0, value=s.tam if s else None, step=1e6, key=f"sizing_tam_{key}")
        sam = c[1].number_input("SAM", min_value=0.0, value=s.sam if s else None, step=1e6, key=f"sizing_sam_{key}")
        som = c[2].number_input("SOM", min_value=0.0, value=s.som if s else None, step=1e6, key=f"sizing_som_{key}")
        st.caption("Bottom-up inputs")
        c = st.columns(2)
        units = c[0].number_input("Units in the whole market", min_value=0.0, value=s.units if s else None, step=1000.0,
                                  key=f"sizing_units_{key}")
        unit_label = c[1].text_input("What a unit is", value=s.unit_label if s else "customers",
                                     key=f"sizing_unit_label_{key}")
        c = st.columns(3)
        price = c[0].number_input(f"Revenue per unit a year ({currency})", min_value=0.0, value=s.price if s else None,
                                  key=f"sizing_price_{key}")
        sam_pct = c[1].number_input("Serviceable share (SAM), %", min_value=0.0, max_value=100.0,
                                    value=s.sam_share * 100 if s and s.sam_share is not None else None,
                                    key=f"sizing_sam_share_{key}")
        som_pct = c[2].number_input("Obtainable share of SAM (SOM), %", min_value=0.0, max_value=100.0,
                                    value=s.som_share * 100 if s and s.som_share is not None else None,
                                    key=f"sizing_som_share_{key}")
        assumptions = st.text_area("Assumptions", value=s.assumptions if s else "", key=f"sizing_assumptions_{key}")
        sources = st.text_area("Sources (one a line: a link or a note)", key=f"sizing_sources_{key}",
                               value="\n".join(e.url or e.note for e in s.sources) if s else "")
        basis = st.selectbox("Stands in for market size in Market share", list(S.SHARE_BASES),
                             format_func=S.SHARE_BASES.get, key=f"sizing_basis_{key}",
                             index=list(S.SHARE_BASES).index(s.share_basis) if s else 0,
                             help="Used only when no market-size metric series is imported; one sizing at a time.")
        if st.form_submit_button("Save sizing" if s else "Create sizing"):
            data = {"market": market, "method": method, "tam": tam, "sam": sam, "som": som, "units": units,
                    "unit_label": unit_label, "price": price,
                    "sam_share": None if sam_pct is None else sam_pct / 100,
                    "som_share": None if som_pct is None else som_pct / 100,
                    "assumptions": assumptions, "sources": [x for x in sources.splitlines() if x.strip()],
                    "share_basis": basis}
            _save(lambda: S.save_sizing(ui.get_store(), actor, data, s.id if s else None),
                  "Market sizing {name} saved.", pick="sizing_pick", name=market)


with tab_size:
    all_sizings = ui.cached(S.list_sizings, include_archived=True)
    sizings = [x for x in all_sizings if not x.archived]
    if not sizings:
        st.info("No market sizing yet. Size a market top-down (TAM, SAM and SOM from a report) or bottom-up "
                "(units × price × share); the Market share KPI can use it when no market-size series is imported. "
                + ("Create one below." if editor else "An editor creates them on this page."),
                icon=":material/pie_chart:")
    sizing = _pick("Market", sizings, "sizing_pick", "New sizing…" if editor else None) if sizings else None
    if sizing is not None:
        fig = S.figures(sizing, currency)
        cols = st.columns(3)
        for col, lv in zip(cols, S.LEVELS):
            col.metric(f"{S.LEVELS[lv]} a year", _money(fig.level(lv)), border=True,
                       help=S.LEVEL_WORDS[lv].capitalize())
        st.markdown("**How it adds up** (" + S.METHODS[sizing.method].lower() + ")")
        for lv in S.LEVELS:
            st.markdown(md(fig.lines[lv]))
        if sizing.assumptions:
            st.markdown("**Assumptions**")
            st.markdown(md_block(sizing.assumptions))
        if sizing.sources:
            st.markdown("**Sources**")
            for e in sizing.sources:
                st.markdown("- " + (md_link(e.url, e.url) if e.url else md(e.note)))
        if sizing.share_basis != "none":
            share = ui.cached(metrics.compute_kpi, "market_share", "all")
            level = S.LEVELS[sizing.share_basis]
            if share.extra.get("sizing_id") == sizing.id:
                st.info(f"The Market share KPI uses this {level} as its market size: "
                        f"{format_value(share.value, Unit.FRACTION)} over all data. {md(share.note or '')}",
                        icon=":material/percent:")
            else:
                st.caption(f"Its {level} stands in for market size in the Market share KPI when no market-size series "
                           "is imported (prorated to the months with revenue); "
                           + ("a market-size series is imported, so the KPI uses that." if share.value is not None
                              else f"the KPI has no value yet: {md(share.note or 'no revenue series')}"))
    if editor:
        with st.expander("Edit this sizing" if sizing else "Create a market sizing", expanded=sizing is None):
            _sizing_form(sizing)
        _archive_controls("sizing", "sizing", sizing, all_sizings)

# -- competitive grid ----------------------------------------------------------------------------------
def _grid_form(g: S.Grid | None) -> None:
    key = g.id if g else "new"
    with st.form(f"grid_form_{key}"):
        name = st.text_input("Grid name", value=g.name if g else "", key=f"grid_name_{key}")
        c1, c2 = st.columns(2)
        competitors = c1.text_area("Competitors (one a line; include yourself)", key=f"grid_competitors_{key}",
                                   value="\n".join(g.competitors) if g else "")
        criteria = c2.text_area("Criteria (one a line)", value="\n".join(g.criteria) if g else "",
                                key=f"grid_criteria_{key}")
        if st.form_submit_button("Save grid" if g else "Create grid"):
            data = {"name": name, "competitors": competitors, "criteria": criteria}
            _save(lambda: S.save_grid(ui.get_store(), actor, data, g.id if g else None), "Grid {name} saved.",
                  pick="grid_pick", name=name)


def _score_form(g: S.Grid) -> None:
    who = st.selectbox("Competitor", g.competitors, key=f"score_pick_{g.id}")
    options = [None] + list(S.SCORE_SCALE)
    with st.form(f"score_form_{g.id}_{g.competitors.index(who)}"):
        cells = {}
        for i, k in enumerate(g.criteria):
            cell = g.cell(who, k)
            c1, c2 = st.columns([1, 2])
            score = c1.selectbox(k, options, index=options.index(cell.score), key=f"score_{g.id}_{who}_{i}",
                                 format_func=lambda v: "not scored" if v is None else f"{v} · {S.SCORE_SCALE[v]}")
            note = c2.text_input(f"Note on {k}", value=cell.note, key=f"note_{g.id}_{who}_{i}")
            cells[k] = {"score": score, "note": note}
        if st.form_submit_button("Save scores"):
            _save(lambda: S.score_competitor(ui.get_store(), actor, g.id, who, cells), "Scores saved for {who}.", who=who)


with tab_grid:
    all_grids = ui.cached(S.list_grids, include_archived=True)
    grids = [x for x in all_grids if not x.archived]
    if not grids:
        st.info("No competitive grid yet. A grid scores competitors (rows) on the criteria that win the market "
                "(columns), 1 to 5, with a note each. " + ("Create one below." if editor else
                                                          "An editor creates them on this page."),
                icon=":material/table_chart:")
    grid = _pick("Grid", grids, "grid_pick", "New grid…" if editor else None) if grids else None
    if grid is not None:
        totals = S.grid_totals(grid)
        table = pd.DataFrame([{"Competitor": c, **{k: grid.cell(c, k).score for k in grid.criteria},
                               "Mean": totals[c]["mean"]} for c in grid.competitors])
        st.markdown(f"**{md(grid.name)}** · scores 1 (weak) to 5 (leading)")
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={"Mean": st.column_config.NumberColumn(format="%.1f"),
                                    **{k: st.column_config.NumberColumn(k, format="%d") for k in grid.criteria}})
        notes = [f"- **{md(c)}**, {md(k)}: {md(grid.cell(c, k).note)}" for c in grid.competitors for k in grid.criteria
                 if grid.cell(c, k).note]
        if notes:
            with st.expander(f"Notes ({len(notes)})"):
                st.markdown("\n".join(notes))
    if editor:
        with st.expander("Edit this grid" if grid else "Create a competitive grid", expanded=grid is None):
            _grid_form(grid)
        if grid is not None:
            with st.expander("Score a competitor"):
                _score_form(grid)
        _archive_controls("grid", "grid", grid, all_grids)
