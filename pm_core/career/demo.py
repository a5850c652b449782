"""The career area's demo seeding: the guide's defaults plus the demo's level map and reference points."""
from __future__ import annotations

import json
from pathlib import Path

from .. import audit
from ..auth import Actor, require_editor
from ..store import Store
from ..store import career_store as cs
from .ladder import ensure_defaults, ladder_ids, validate_level_map, validate_reference_points
from .models import CareerError


def seed_demo(store: Store, actor: Actor, sample_dir: Path) -> None:
    """Write the guide's defaults and the demo's level map and reference points (sample_data/career.json).

    Idempotent: mappings and points already stored are left as they are. A missing career.json
    means defaults only; an unreadable one raises CareerError naming the file.
    """
    require_editor(actor)
    ensure_defaults(store, actor)
    path = Path(sample_dir) / "career.json"
    if not path.exists():
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CareerError(f"{path}: not readable JSON ({exc})") from None
    known = ladder_ids(store)
    mappings = validate_level_map(data.get("level_map", []), known)
    points = validate_reference_points(data.get("reference_points", []), known)
    with store.transaction("career") as cur:
        n_map = cs.add_level_map_rows(cur, mappings, actor.email)
        n_points = cs.add_reference_points(cur, points, actor.email)
        if n_map:
            audit.record(cur, actor, "save", "level_map", "level_map", "Company level map",
                         f"demo: added {n_map} mapping{'s' if n_map != 1 else ''}")
        if n_points:
            audit.record(cur, actor, "save", "reference_points", "reference_points", "Pay reference points",
                         f"demo: added {n_points} reference point{'s' if n_points != 1 else ''}")
