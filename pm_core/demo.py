"""The embedded demo workspace: the travel marketplace's 'extended stays for digital nomads' launch.

Every sample file goes through the same importer a user's file does; the hand-written parts of
the story (OKRs, roadmap, audiences, ladder) go through each area's own write functions.
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Callable

from .auth import Actor, require_editor
from .store import Store

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
# Order matters: the roadmap links to key results, audiences show both; the discovery tree links to both.
AREAS = ("okrs", "roadmap", "audiences", "career", "discovery", "strategy")


def manifest(sample_dir: Path = SAMPLE_DIR) -> list[dict]:
    """Return the sample files to import, in order, from sample_data/manifest.json."""
    return json.loads((sample_dir / "manifest.json").read_text(encoding="utf-8"))["imports"]


def demo_settings(sample_dir: Path = SAMPLE_DIR) -> dict:
    """Return the demo story's workspace settings {key: value} from sample_dir/settings.json (empty when absent)."""
    path = Path(sample_dir) / "settings.json"
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8"))["settings"])


def seed_demo_settings(store: Store, actor: Actor, sample_dir: Path = SAMPLE_DIR) -> dict:
    """Write the demo story's settings (audited) except those the workspace already has; returns those written."""
    from .settings import seed_settings

    return seed_settings(store, actor, demo_settings(sample_dir))


def load_demo(store: Store, actor: Actor, sample_dir: Path = SAMPLE_DIR,
              progress: Callable[[float, str], None] | None = None) -> dict:
    """Import every sample export and seed each area's demo content; returns {'imports': [...], 'areas': [...]}.

    The story's settings (sample_data/settings.json: which events are the funnel, the feature, the task)
    are written first, through the audited settings write, unless the workspace already has them.

    Refuses a viewer. Files already imported (same sha256) are skipped, so running it twice is harmless.
    """
    require_editor(actor)
    from .ingest import import_file

    seed_demo_settings(store, actor, sample_dir)  # first: the story's funnel and feature events, before any KPI is read
    files = manifest(sample_dir)
    steps = len(files) + len(AREAS)
    done: list[dict] = []
    for i, entry in enumerate(files):
        if progress:
            progress(i / steps, f"Importing {entry['file']}")
        res = import_file(store, actor, sample_dir / entry["file"], kind=entry.get("kind"),
                          sheet=entry.get("sheet"), on_duplicate="skip")
        done.append(res.model_dump())
    areas = []
    for j, name in enumerate(AREAS):
        if progress:
            progress((len(files) + j) / steps, f"Setting up {name}")
        mod = importlib.import_module(f"pm_core.{name}")
        mod.seed_demo(store, actor, sample_dir)
        areas.append(name)
    if progress:
        progress(1.0, "Demo workspace ready")
    return {"imports": done, "areas": areas}
