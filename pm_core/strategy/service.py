"""Strategy service: read and write the vision statement, PESTLE boards, market sizings and competitive grids.

Every write refuses a viewer (auth.require_editor, here and again in the store), validates its input
(StrategyError naming the field) and writes its change and its audit row in one
`store.transaction("strategy")`. Reads return the validated models of pm_core.strategy.models.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .. import audit
from ..errors import from_pydantic
from ..auth import Actor, require_editor
from ..settings import get_setting
from ..store import Store, new_id
from ..store import roadmap_store
from ..store import strategy_store as q
from .maths import Figures, figures, grid_totals, pestle_weights
from .models import (FACTORS, IMPACT_SCALE, KINDS, LEVEL_WORDS, LEVELS, LIKELIHOOD_SCALE, METHODS, SCORE_SCALE,
                     Cell, Grid, GridIn, Pestle, PestleEntry, PestleIn, Sizing, SizingIn, StatementIn, StrategyError,
                     validate)

_AUDIT_TYPES = {"pestle": "pestle", "sizing": "market_sizing", "grid": "competitive_grid"}
_MODELS = {"pestle": Pestle, "sizing": Sizing, "grid": Grid}


@dataclass(frozen=True)
class Statement:
    """The workspace's vision statement and strategy narrative ('' when never written), and who wrote them last."""

    vision: str = ""
    narrative: str = ""
    updated_by: str | None = None
    updated_at: dt.datetime | None = None

    @property
    def empty(self) -> bool:
        """Return True when neither the vision nor the narrative is written."""
        return not self.vision and not self.narrative


@dataclass(frozen=True)
class ShareBasis:
    """The sizing level that stands in for market size in the Market share KPI: which sizing, which level, how much a year."""

    sizing_id: str
    market: str
    level: str
    method: str
    annual: float

    def words(self) -> str:
        """Return 'the SAM of the market sizing 'X' (bottom-up)' for the KPI card's note."""
        return f"the {LEVELS[self.level]} of the market sizing '{self.market}' ({METHODS[self.method].lower()})"


def currency(store: Store) -> str:
    """Return the workspace currency (settings 'currency'), the one every sizing's money is in."""
    return str(get_setting(store, "currency"))


# -- the vision statement --------------------------------------------------------------------------
def get_statement(store: Store) -> Statement:
    """Return the workspace's statement; an empty Statement before anyone wrote one."""
    row = q.get_statement(store)
    if row is None:
        return Statement()
    return Statement(vision=row["vision"] or "", narrative=row["narrative"] or "", updated_by=row["updated_by"],
                     updated_at=row["updated_at"])


def save_statement(store: Store, actor: Actor, data: StatementIn | dict) -> Statement:
    """Validate and store the vision statement and narrative (editors only); return what was stored."""
    require_editor(actor)
    clean = validate(StatementIn, data, "vision")
    with store.transaction("strategy") as cur:
        old = q.get_statement(cur) or {}
        new = {"vision": clean.vision, "narrative": clean.narrative}
        action = "edit" if old else "create"
        q.write_statement(cur, actor, clean.vision, clean.narrative,
                          audit.entry(actor, action, "strategy_statement", "workspace", "Vision and strategy",
                                      audit.changes(old, new) if old else audit.filled(new)))
    return get_statement(store)


# -- reading boards, sizings, grids ------------------------------------------------------------------
def _model(row: dict):
    return _MODELS[row["kind"]].model_validate({**row["doc"], "id": row["id"], "archived": row["archived"],
                                                "updated_by": row["updated_by"]})


def _list(store: Store, kind: str, include_archived: bool) -> list:
    return [_model(r) for r in q.read_items(store, kind, include_archived)]


def list_pestles(store: Store, include_archived: bool = False) -> list[Pestle]:
    """Return the PESTLE boards, oldest first (archived ones only on request)."""
    return _list(store, "pestle", include_archived)


def list_sizings(store: Store, include_archived: bool = False) -> list[Sizing]:
    """Return the market sizings, oldest first (archived ones only on request)."""
    return _list(store, "sizing", include_archived)


def list_grids(store: Store, include_archived: bool = False) -> list[Grid]:
    """Return the competitive grids, oldest first (archived ones only on request)."""
    return _list(store, "grid", include_archived)


def _get(cur, kind: str, item_id: str):
    row = q.get_item(cur, item_id)
    if row is None or row["kind"] != kind:
        raise StrategyError({"id": f"no {KINDS[kind].lower()} with id {item_id!r}; it may have been deleted"})
    return row, _model(row)


def get_item(store: Store, kind: str, item_id: str):
    """Return one board, sizing or grid by id (archived too); StrategyError naming the id when there is none."""
    if kind not in KINDS:
        raise StrategyError({"kind": f"unknown kind {kind!r}; use one of {', '.join(KINDS)}"})
    cur = store.cursor()
    try:
        return _get(cur, kind, item_id)[1]
    finally:
        cur.close()


def _doc(model, drop: tuple[str, ...] = ("id", "archived", "updated_by")) -> dict:
    return model.model_dump(mode="json", exclude=set(drop))


def _save(store: Store, actor: Actor, kind: str, name: str, doc: dict, item_id: str | None,
          fields: list[str], cur=None) -> str:
    """Insert (item_id None) or replace a row with its audit row; return the id."""
    otype = _AUDIT_TYPES[kind]
    if item_id is None:
        return q.insert_item(cur, actor, kind, name, doc,
                             audit.entry(actor, "create", otype, None, name, audit.filled(doc, fields)))
    row, _ = _get(cur, kind, item_id)
    q.update_item(cur, actor, item_id, name, doc,
                  audit.entry(actor, "edit", otype, item_id, name, audit.changes(row["doc"], doc, fields)))
    return item_id


# -- PESTLE ------------------------------------------------------------------------------------------
def initiative_choices(store: Store) -> list[tuple[str, str]]:
    """Return (id, title) of the roadmap's active initiatives, for a board that covers one; [] on an empty roadmap."""
    return roadmap_store.active_titles(store)


def _check_initiative(cur, header: PestleIn) -> None:
    if header.scope == "initiative" and header.initiative_id not in roadmap_store.initiative_titles(cur):
        raise StrategyError({"initiative_id": f"no initiative with id {header.initiative_id!r} on the roadmap"})


def save_pestle(store: Store, actor: Actor, data: PestleIn | dict, pestle_id: str | None = None) -> str:
    """Create (pestle_id None) or edit a PESTLE board's header (name, scope, summary); return its id. Entries are kept."""
    require_editor(actor)
    header = validate(PestleIn, data, "PESTLE board")
    with store.transaction("strategy") as cur:
        _check_initiative(cur, header)
        entries = [] if pestle_id is None else _get(cur, "pestle", pestle_id)[1].entries
        doc = {**header.model_dump(mode="json"), "entries": [e.model_dump(mode="json") for e in entries]}
        return _save(store, actor, "pestle", header.name, doc, pestle_id,
                     ["name", "scope", "initiative_id", "summary"], cur)


def save_pestle_entry(store: Store, actor: Actor, pestle_id: str, data: PestleEntry | dict,
                      entry_id: str | None = None) -> str:
    """Add (entry_id None) or replace one entry of a board; return the entry's id. Unknown board or entry: StrategyError."""
    require_editor(actor)
    entry = validate(PestleEntry, data, "PESTLE entry")
    with store.transaction("strategy") as cur:
        row, board = _get(cur, "pestle", pestle_id)
        entries = list(board.entries)
        if entry_id is None:
            entry = entry.model_copy(update={"id": new_id("pe_")})
            entries.append(entry)
            what = f"added {FACTORS[entry.factor]} entry: {audit.show(entry.title)}"
        else:
            at = next((i for i, e in enumerate(entries) if e.id == entry_id), None)
            if at is None:
                raise StrategyError({"entry": f"no entry {entry_id!r} on the board '{board.name}'"})
            old = entries[at]
            entry = entry.model_copy(update={"id": entry_id})
            entries[at] = entry
            fields = ["factor", "title", "impact", "likelihood"]
            moved = audit.changes({**old.model_dump(), **old.evidence.model_dump()},
                                  {**entry.model_dump(), **entry.evidence.model_dump()}, fields + ["url", "note"])
            what = f"{FACTORS[entry.factor]} entry '{audit.show(entry.title)}': {moved}"
        doc = {**row["doc"], "entries": [e.model_dump(mode="json") for e in entries]}
        q.update_item(cur, actor, pestle_id, board.name, doc,
                      audit.entry(actor, "edit", "pestle", pestle_id, board.name, what))
    return entry.id


def remove_pestle_entry(store: Store, actor: Actor, pestle_id: str, entry_id: str) -> None:
    """Remove one entry from a board (editors only); StrategyError when the board or the entry does not exist."""
    require_editor(actor)
    with store.transaction("strategy") as cur:
        row, board = _get(cur, "pestle", pestle_id)
        gone = next((e for e in board.entries if e.id == entry_id), None)
        if gone is None:
            raise StrategyError({"entry": f"no entry {entry_id!r} on the board '{board.name}'"})
        doc = {**row["doc"], "entries": [e.model_dump(mode="json") for e in board.entries if e.id != entry_id]}
        q.update_item(cur, actor, pestle_id, board.name, doc,
                      audit.entry(actor, "edit", "pestle", pestle_id, board.name,
                                  f"removed {FACTORS[gone.factor]} entry: {audit.show(gone.title)}"))


# -- market sizing -------------------------------------------------------------------------------------
_SIZING_FIELDS = ["market", "method", "tam", "sam", "som", "units", "unit_label", "price", "sam_share", "som_share",
                  "assumptions", "sources", "share_basis"]


def save_sizing(store: Store, actor: Actor, data: SizingIn | dict, sizing_id: str | None = None) -> str:
    """Create (sizing_id None) or edit a market sizing; return its id.

    A sizing that names a market share basis takes it from every other sizing in the same transaction
    (each change audited): the Market share KPI reads one denominator, never a choice between two.
    """
    require_editor(actor)
    clean = validate(SizingIn, data, "market sizing")
    doc = clean.model_dump(mode="json")
    with store.transaction("strategy") as cur:
        sid = _save(store, actor, "sizing", clean.market, doc, sizing_id, _SIZING_FIELDS, cur)
        if clean.share_basis != "none":
            for other in q.items_in(cur, "sizing"):
                if other["id"] != sid and other["doc"].get("share_basis", "none") != "none":
                    before = other["doc"]["share_basis"]
                    q.update_item(cur, actor, other["id"], other["name"], {**other["doc"], "share_basis": "none"},
                                  audit.entry(actor, "edit", "market_sizing", other["id"], other["name"],
                                              f"share_basis: {before} → none (market share now uses '{clean.market}')"))
    return sid


def sizing_figures(store: Store, s: Sizing) -> Figures:
    """Return a sizing's TAM, SAM and SOM with the arithmetic, in the workspace currency."""
    return figures(s, currency(store))


def market_share_basis(src) -> ShareBasis | None:
    """Return the sizing level that stands in for market size in Market share, or None when no active sizing names one.

    `src` is a Store or an open cursor (the KPI computation passes its own).
    """
    row = q.share_basis_sizing(src)
    if row is None:
        return None
    s = _model(row)
    return ShareBasis(sizing_id=s.id, market=s.market, level=s.share_basis, method=s.method,
                      annual=figures(s).level(s.share_basis))


# -- competitive grid --------------------------------------------------------------------------------
def save_grid(store: Store, actor: Actor, data: GridIn | dict, grid_id: str | None = None) -> str:
    """Create (grid_id None) or reshape a grid (name, competitors, criteria); return its id.

    Cells of competitors and criteria still listed are kept; those of removed ones go (the audit row says which).
    """
    require_editor(actor)
    shape = validate(GridIn, data, "competitive grid")
    with store.transaction("strategy") as cur:
        old_cells: dict = {}
        if grid_id is not None:
            old_cells = _get(cur, "grid", grid_id)[1].model_dump(mode="json")["cells"]
        cells = {c: {k: v for k, v in old_cells.get(c, {}).items() if k in shape.criteria}
                 for c in shape.competitors if old_cells.get(c)}
        doc = {**shape.model_dump(mode="json"), "cells": cells}
        return _save(store, actor, "grid", shape.name, doc, grid_id, ["name", "competitors", "criteria"], cur)


def score_competitor(store: Store, actor: Actor, grid_id: str, competitor: str, cells: dict[str, Any]) -> None:
    """Replace one competitor's scores and notes: cells maps criterion -> {'score', 'note'} (or a Cell).

    An unknown competitor or criterion is a StrategyError naming it; a criterion left out keeps its cell.
    """
    require_editor(actor)
    with store.transaction("strategy") as cur:
        row, grid = _get(cur, "grid", grid_id)
        if competitor not in grid.competitors:
            raise StrategyError({"competitor": f"'{competitor}' is not a competitor on the grid '{grid.name}'"})
        mine = dict(grid.cells.get(competitor, {}))
        changed = []
        for criterion, raw in cells.items():
            if criterion not in grid.criteria:
                raise StrategyError({"criterion": f"'{criterion}' is not a criterion on the grid '{grid.name}'"})
            try:
                cell = raw if isinstance(raw, Cell) else Cell.model_validate(raw)
            except ValidationError as exc:
                err = from_pydantic(exc, StrategyError, prefix=f"{criterion}: ")
                raise StrategyError(str(err), {f"{criterion}.{k}": v for k, v in err.errors.items()}) from None
            before = grid.cell(competitor, criterion)
            if before != cell:
                changed.append(f"{criterion}: {audit.show(before.score)} → {audit.show(cell.score)}"
                               + (" (note changed)" if before.note != cell.note else ""))
            mine[criterion] = cell
        doc = {**row["doc"], "cells": {**row["doc"].get("cells", {}),
                                       competitor: {k: v.model_dump(mode="json") for k, v in mine.items()}}}
        q.update_item(cur, actor, grid_id, grid.name, doc,
                      audit.entry(actor, "edit", "competitive_grid", grid_id, grid.name,
                                  f"{competitor}: " + ("; ".join(changed) if changed else "no score changed")))


# -- archive ------------------------------------------------------------------------------------------
def archive(store: Store, actor: Actor, kind: str, item_id: str, archived: bool = True) -> None:
    """Archive (or restore) a board, sizing or grid (editors only); StrategyError for an unknown kind or id.

    An archived sizing no longer feeds the Market share KPI.
    """
    require_editor(actor)
    if kind not in KINDS:
        raise StrategyError({"kind": f"unknown kind {kind!r}; use one of {', '.join(KINDS)}"})
    with store.transaction("strategy") as cur:
        row, _ = _get(cur, kind, item_id)
        q.set_archived(cur, actor, item_id, archived,
                       audit.entry(actor, "archive" if archived else "restore", _AUDIT_TYPES[kind], item_id,
                                   row["name"], f"archived: {audit.show(row['archived'])} → {audit.show(archived)}"))


# -- one report (CLI JSON) ----------------------------------------------------------------------------
def report(store: Store, include_archived: bool = False) -> dict:
    """Return everything on the Strategy page as plain JSON-ready data: statement, boards, sizings with figures, grids.

    Also the scales the entries use and which sizing (if any) feeds Market share.
    """
    cur_code = currency(store)
    st = get_statement(store)
    basis = market_share_basis(store)
    boards = []
    for b in list_pestles(store, include_archived):
        weights = pestle_weights(b)
        boards.append({"id": b.id, "name": b.name, "scope": b.scope, "initiative_id": b.initiative_id,
                       "summary": b.summary, "archived": b.archived,
                       "factors": {f: {"label": FACTORS[f], **weights[f],
                                       "entries": [{"id": e.id, "title": e.title, "impact": e.impact,
                                                    "impact_label": IMPACT_SCALE[e.impact], "likelihood": e.likelihood,
                                                    "likelihood_label": LIKELIHOOD_SCALE[e.likelihood],
                                                    "weight": e.weight, "source_link": e.evidence.url or None,
                                                    "note": e.evidence.note or None} for e in entries]}
                                   for f, entries in b.by_factor().items()}})
    sizings = []
    for s in list_sizings(store, include_archived):
        fig = figures(s, cur_code)
        sizings.append({"id": s.id, "market": s.market, "method": s.method, "currency": cur_code,
                        "tam": fig.tam, "sam": fig.sam, "som": fig.som, "arithmetic": fig.lines,
                        "inputs": {k: getattr(s, k) for k in ("units", "unit_label", "price", "sam_share", "som_share")}
                        if s.method == "bottom_up" else None,
                        "assumptions": s.assumptions, "sources": [e.model_dump() for e in s.sources],
                        "share_basis": s.share_basis, "archived": s.archived})
    grids = []
    for g in list_grids(store, include_archived):
        totals = grid_totals(g)
        grids.append({"id": g.id, "name": g.name, "criteria": g.criteria, "archived": g.archived,
                      "competitors": [{"name": c, "mean": totals[c]["mean"], "scored": totals[c]["scored"],
                                       "cells": {k: g.cell(c, k).model_dump() for k in g.criteria}}
                                      for c in g.competitors]})
    return {"vision": st.vision, "narrative": st.narrative,
            "scales": {"impact": IMPACT_SCALE, "likelihood": LIKELIHOOD_SCALE, "score": SCORE_SCALE},
            "market_share_basis": None if basis is None else {
                "sizing_id": basis.sizing_id, "market": basis.market, "level": basis.level,
                "level_words": LEVEL_WORDS[basis.level], "annual": basis.annual, "currency": cur_code},
            "pestles": boards, "sizings": sizings, "grids": grids}
