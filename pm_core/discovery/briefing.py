"""The opportunity solution tree as a briefing section: the picture (a chart item, so every renderer —
page, PPTX, HTML, PNG — draws it), the opportunities with their evidence as a table (the XLSX sheet),
and the gaps in words.
"""
from __future__ import annotations

from ..briefing import BulletsItem, ChartItem, Column, Section, TableItem
from ..formatting import Unit
from ..store import Store
from . import tree as tree_mod
from .service import opportunity_evidence, tree


def briefing_section(store: Store) -> Section:
    """Return the 'Discovery: opportunity solution tree' section; `empty` says what to build when there is no tree."""
    roots = tree(store)
    sid, title = "discovery_tree", "Discovery: opportunity solution tree"
    if not roots:
        return Section(id=sid, title=title, empty="No opportunity solution tree yet: import interview notes on the Data "
                                                   "page and build the tree on the Discovery page.")
    nodes = tree_mod.flatten(roots)
    ops = opportunity_evidence(store)
    backed = sum(1 for o in ops if o["highlights"])
    gaps = tree_mod.gap_list(roots)
    lead = (f"{len(roots)} outcome{'s' if len(roots) != 1 else ''}, {len(ops)} opportunit{'ies' if len(ops) != 1 else 'y'} "
            f"({backed} backed by interviews), {sum(1 for n in nodes if n.kind == 'solution')} solutions and "
            f"{sum(1 for n in nodes if n.kind == 'test')} assumption tests; {len(gaps)} gap{'s' if len(gaps) != 1 else ''}.")
    rows = [{"opportunity": o["title"], "outcome": o["outcome"], "interviews": o["interviews"],
             "highlights": o["highlights"], "segments": ", ".join(s for s, _ in o["segments"]),
             "quote": o["quotes"][0]["text"] if o["quotes"] else ""} for o in ops]
    table = TableItem(title="Opportunities and their evidence", columns=[
        Column(key="opportunity", label="Opportunity"), Column(key="outcome", label="Outcome"),
        Column(key="interviews", label="Interviews", unit=Unit.COUNT), Column(key="highlights", label="Highlights", unit=Unit.COUNT),
        Column(key="segments", label="Segments"), Column(key="quote", label="Strongest quote")], rows=rows)
    chart = ChartItem(chart_id="discovery_tree", title="Opportunity solution tree", spec=tree_mod.vega_spec(roots),
                      alt=f"Opportunity solution tree with {len(nodes)} nodes: " + "; ".join(
                          f"{n.title} ({tree_mod.detail_line(n)})" if tree_mod.detail_line(n) else n.title for n in nodes[:12]),
                      data=table)
    items: list = [chart, table]
    if gaps:
        items.append(BulletsItem(title="Gaps", bullets=[f"{g['title']}: {g['gap']}" for g in gaps[:12]]))
    return Section(id=sid, title=title, lead=lead, items=items,
                   notes="Opportunities are backed by interview highlights attached by editors; an interview is counted "
                         "once however many of its highlights are attached.")
