"""The strategy's demo seeding: vision, a PESTLE board, a market sizing and a competitive grid from sample_data/strategy.json."""
from __future__ import annotations

import json
from pathlib import Path

from ..auth import Actor, require_editor
from ..store import Store
from ..store import strategy_store as q
from .service import save_grid, save_pestle, save_pestle_entry, save_sizing, save_statement, score_competitor


def seed_demo(store: Store, actor: Actor, sample_dir: Path) -> None:
    """Write the demo strategy through the area's own write functions; does nothing when any strategy content exists."""
    require_editor(actor)
    if q.count_items(store):
        return
    path = Path(sample_dir) / "strategy.json"
    if not path.exists():  # a sample folder without a strategy story (tests' minimal folders) seeds nothing
        return
    spec = json.loads(path.read_text(encoding="utf-8"))
    save_statement(store, actor, {"vision": spec.get("vision", ""), "narrative": spec.get("narrative", "")})
    for board in spec.get("pestles", []):
        pid = save_pestle(store, actor, {k: v for k, v in board.items() if k != "entries"})
        for entry in board.get("entries", []):
            save_pestle_entry(store, actor, pid, entry)
    for sizing in spec.get("sizings", []):
        save_sizing(store, actor, sizing)
    for grid in spec.get("grids", []):
        gid = save_grid(store, actor, {k: grid[k] for k in ("name", "competitors", "criteria")})
        for competitor, cells in grid.get("cells", {}).items():
            score_competitor(store, actor, gid, competitor, cells)
