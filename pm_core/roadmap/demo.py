"""The roadmap's demo seeding: initiatives from sample_data/roadmap.json, linked to the demo's KRs and Jira epics."""
from __future__ import annotations

import json
from pathlib import Path

from ..auth import Actor, require_editor
from ..store import Store
from ..store import roadmap_store as rs
from . import links
from .service import create_initiative, set_raci


def seed_demo(store: Store, actor: Actor, sample_dir: Path) -> None:
    """Create the demo initiatives from sample_dir/roadmap.json, linked to demo KRs by title and Jira epics.

    Does nothing when any initiative already exists (idempotent). KRs named in the file but absent
    from the workspace are skipped, so the roadmap still loads without the OKR demo.
    """
    require_editor(actor)
    if rs.count_initiatives(store):
        return
    spec = json.loads((Path(sample_dir) / "roadmap.json").read_text(encoding="utf-8"))
    kr_by_title = {k["title"].strip().lower(): k["id"] for k in links.kr_catalog(store)}
    ids: dict[str, str] = {}
    for item in spec["initiatives"]:
        fields = {k: v for k, v in item.items() if k not in ("ref", "key_results", "kpis", "depends_on", "raci")}
        krs = [kr_by_title[t.strip().lower()] for t in item.get("key_results", []) if t.strip().lower() in kr_by_title]
        deps = [ids[r] for r in item.get("depends_on", [])]
        iid = create_initiative(store, actor, fields, key_results=krs, kpis=item.get("kpis", []), dependencies=deps)
        ids[item["ref"]] = iid
        if item.get("raci"):
            set_raci(store, actor, iid, item["raci"])
