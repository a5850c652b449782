"""Strategy as briefing sections, for the executive briefing, the presentation and every export.

Three sections, each only when the workspace has its content: the vision and narrative (text), the
market size and the PESTLE summary (TAM/SAM/SOM as metric items in the workspace currency, each with
its arithmetic as the definition; each board's summary sentence and heaviest entries as a table), and
the competitive grid (a table of scores). Only the existing item types are used, so every renderer
already draws them.
"""
from __future__ import annotations

from ..briefing import Column, MetricItem, Section, TableItem, TextItem
from ..formatting import Unit
from ..store import Store
from .maths import figures, grid_totals, top_entries
from .models import FACTORS, IMPACT_SCALE, LEVEL_WORDS, LEVELS, LIKELIHOOD_SCALE, METHODS
from .service import currency, get_statement, list_grids, list_pestles, list_sizings, market_share_basis


def _vision_section(store: Store) -> Section | None:
    st = get_statement(store)
    if st.empty:
        return None
    items: list = []
    if st.vision:
        items.append(TextItem(text=st.vision, tone="info"))
    paragraphs = [p.strip() for p in st.narrative.split("\n\n") if p.strip()]
    items.extend(TextItem(text=p) for p in paragraphs[:6])
    return Section(id="strategy_vision", title="Strategy: vision and narrative",
                   lead=st.vision or (paragraphs[0] if paragraphs else ""), items=items,
                   notes="The product vision and strategy narrative, as written on the Strategy page.")


def _market_section(store: Store) -> Section | None:
    sizings, boards = list_sizings(store), list_pestles(store)
    if not sizings and not boards:
        return None
    cur = currency(store)
    basis = market_share_basis(store)
    items: list = []
    leads = []
    for s in sizings[:2]:  # two markets side by side at most: a slide holds six tiles
        fig = figures(s, cur)
        src = "; ".join(e.url or e.note for e in s.sources) or "no source given"
        for lv in LEVELS:
            items.append(MetricItem(key=f"{s.id}_{lv}", label=f"{LEVELS[lv]}: {s.market}", value=fig.level(lv),
                                    unit=Unit.CURRENCY, currency=cur, definition=fig.lines[lv],
                                    source=f"{METHODS[s.method]} sizing; sources: {src}",
                                    note=(s.assumptions or None) if lv == "tam" else None, period="a year"))
        leads.append(f"{s.market}: SAM {items[-2].value_text}, SOM {items[-1].value_text} a year "
                     f"({METHODS[s.method].lower()})")
    for b in boards[:3]:
        if b.summary:
            items.append(TextItem(text=f"PESTLE, {b.name}: {b.summary}"))
        top = top_entries(b, 5)
        if top:
            items.append(TableItem(
                title=f"PESTLE: {b.name}, heaviest factors",
                columns=[Column(key="factor", label="Factor"), Column(key="entry", label="Entry"),
                         Column(key="impact", label="Impact"), Column(key="likelihood", label="Likelihood")],
                rows=[{"factor": FACTORS[e.factor], "entry": e.title,
                       "impact": f"{e.impact} {IMPACT_SCALE[e.impact].lower()}",
                       "likelihood": f"{e.likelihood} {LIKELIHOOD_SCALE[e.likelihood].lower()}"} for e in top],
                note=f"{len(b.entries)} entries over {sum(1 for f in b.by_factor().values() if f)} of 6 factors; "
                     "ordered by impact × likelihood (1-5 each)."))
    if not leads and boards:
        leads.append(f"PESTLE: {boards[0].name}" + (f" — {boards[0].summary}" if boards[0].summary else ""))
    notes = "Market sizes are annual, in the workspace currency; bottom-up = units × price × share."
    if basis is not None:
        notes += (f" The Market share KPI uses the {LEVEL_WORDS[basis.level]} of '{basis.market}' when no "
                  "market-size series is imported.")
    return Section(id="strategy_market", title="Strategy: market size and PESTLE", lead="; ".join(leads) + ".",
                   items=items, notes=notes)


def _grid_section(store: Store) -> Section | None:
    grids = list_grids(store)
    if not grids:
        return None
    items: list = []
    for g in grids[:2]:
        totals = grid_totals(g)
        cols = [Column(key="competitor", label="Competitor")] + [
            Column(key=f"c{i}", label=k, unit=Unit.COUNT) for i, k in enumerate(g.criteria)] + [
            Column(key="mean", label="Mean score", unit=Unit.SCORE)]
        rows = [{"competitor": c, **{f"c{i}": g.cell(c, k).score for i, k in enumerate(g.criteria)},
                 "mean": totals[c]["mean"]} for c in g.competitors]
        items.append(TableItem(title=g.name, columns=cols, rows=rows,
                               note="Scores 1 (weak) to 5 (leading); — where not scored yet."))
    best = max(((c, t["mean"]) for c, t in grid_totals(grids[0]).items() if t["mean"] is not None),
               key=lambda x: x[1], default=None)
    lead = f"{grids[0].name}: {len(grids[0].competitors)} competitors on {len(grids[0].criteria)} criteria"
    lead += f"; highest mean score {best[0]} ({best[1]:.1f} of 5)." if best else "."
    return Section(id="strategy_grid", title="Strategy: competitive grid", lead=lead, items=items,
                   notes="Scores and notes as entered by editors on the Strategy page.")


def briefing_sections(store: Store) -> list[Section]:
    """Return the strategy sections the workspace has content for (vision, market and PESTLE, grid); [] when none."""
    return [s for s in (_vision_section(store), _market_section(store), _grid_section(store)) if s is not None]
