"""The demo's battle cards, debrief notes and feedback themes, from sample_data/ (audiences.json, feedback_themes.json)."""
from __future__ import annotations

import json
from pathlib import Path


from ..auth import Actor, require_editor
from ..store import Store
from ..store import audiences_store as q
from . import neighbours as nb
from .notes import save_battle_card, save_debrief_notes
from .themes import save_themes, themes_customised


def seed_demo(store: Store, actor: Actor, sample_dir: Path) -> dict:
    """Write the demo battle cards and debrief notes from sample_data/audiences.json; does nothing if any exist.

    The demo's feedback themes (sample_data/feedback_themes.json) are stored first unless the workspace has its own.

    Cards are matched to initiatives by title (ids are the roadmap's); titles not on the roadmap are skipped.
    Audience definitions are not written: the cheatsheet defaults apply until an editor changes one.
    """
    require_editor(actor)
    seed_demo_themes(store, actor, sample_dir)
    counts = q.count_rows(store)
    if counts["battle_cards"] or counts["debrief_notes"]:
        return {"battle_cards": 0, "debrief_notes": 0, "skipped": True}
    path = Path(sample_dir) / "audiences.json"
    if not path.exists():
        return {"battle_cards": 0, "debrief_notes": 0, "skipped": True}
    doc = json.loads(path.read_text(encoding="utf-8"))
    by_title = {i.title.strip().lower(): i.id for i in nb.initiatives(store)}
    n_cards = n_notes = 0
    for title, card in doc.get("battle_cards", {}).items():
        iid = by_title.get(title.strip().lower())
        if iid:
            save_battle_card(store, actor, iid, card)
            n_cards += 1
    for title, notes in doc.get("debrief_notes", {}).items():
        iid = by_title.get(title.strip().lower())
        if iid:
            save_debrief_notes(store, actor, iid, notes)
            n_notes += 1
    return {"battle_cards": n_cards, "debrief_notes": n_notes, "skipped": False}


def demo_themes(sample_dir: Path) -> dict[str, list[str]]:
    """Return the demo story's feedback themes {name: keywords} from sample_dir/feedback_themes.json (empty when absent)."""
    path = Path(sample_dir) / "feedback_themes.json"
    if not path.exists():
        return {}
    return {t["name"]: list(t["keywords"]) for t in json.loads(path.read_text(encoding="utf-8"))["themes"]}


def seed_demo_themes(store: Store, actor: Actor, sample_dir: Path) -> int:
    """Store the demo's feedback themes unless the workspace has its own; returns how many were written."""
    require_editor(actor)
    themes = demo_themes(sample_dir)
    if not themes or themes_customised(store):
        return 0
    return len(save_themes(store, actor, themes))
