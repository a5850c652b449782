"""Discovery's demo seeding: the opportunity solution tree from sample_data/discovery/tree.json, over
the interview notes the demo imports (sample_data/manifest.json), linked to the demo's KR, initiatives
and A/B test by name.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..auth import Actor, require_editor
from ..store import Store
from ..store import discovery_store as ds
from .service import add_node, attach_evidence, link_choices, list_highlights


def seed_demo(store: Store, actor: Actor, sample_dir: Path) -> None:
    """Build the demo tree from sample_dir/discovery/tree.json; does nothing when a tree already exists.

    A KR, initiative or experiment named in the file but absent from the workspace is left unlinked (the
    tree then flags the gap), so the tree still loads without the OKR or roadmap demo.
    """
    require_editor(actor)
    path = Path(sample_dir) / "discovery" / "tree.json"
    if ds.count_nodes(store) or not path.exists():
        return
    spec = json.loads(path.read_text(encoding="utf-8"))
    choices = link_choices(store)
    krs = {label.split(" (")[0].strip().lower(): kid for kid, label in choices["kr"]}
    inits = {title.strip().lower(): iid for iid, title in choices["initiative"]}
    exps = [name for name, _ in choices["experiment"]]
    highlights = list_highlights(store)

    def link(kind: str, target: str | None) -> dict:
        return {"link_kind": kind, "link_target": target} if target else {}

    for o in spec["outcomes"]:
        oid = add_node(store, actor, "outcome", {"title": o["title"], **link("kr", krs.get(o.get("kr", "").lower()))})
        for op in o.get("opportunities", []):
            pid = add_node(store, actor, "opportunity", {"title": op["title"]}, parent_id=oid)
            phrases = [p.lower() for p in op.get("evidence", [])]
            ids = [int(h["id"]) for h in highlights if any(p in str(h["text"]).lower() for p in phrases)]
            if ids:
                attach_evidence(store, actor, pid, ids)
            for so in op.get("solutions", []):
                sid = add_node(store, actor, "solution", {"title": so["title"],
                                                          **link("initiative", inits.get(so.get("initiative", "").lower()))},
                               parent_id=pid)
                for t in so.get("tests", []):
                    word = (t.get("experiment") or "").lower()
                    exp = next((e for e in exps if word and word in e.lower()), None)
                    add_node(store, actor, "test", {"title": t["title"], **link("experiment", exp)}, parent_id=sid)
