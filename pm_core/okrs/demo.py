"""The demo's OKRs: sample_data/okrs.json loaded through the write functions."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from ..auth import Actor, require_editor
from ..store import Store
from ..store import okrs_store as db
from .links import linked_value
from .models import parse_link
from .periods import resolve_period
from .service import add_checkin, backfill_linked, create_key_result, create_objective


def seed_demo(store: Store, actor: Actor, sample_dir: Path) -> None:
    """Load sample_dir/okrs.json through the write functions; does nothing when objectives already exist.

    A KR may say `"baseline_from": "2026-Q2"` (baseline = its linked value for that period) and
    `"target_change": 0.05` (target = baseline x 1.05, a relative change as in "increase by 5%");
    a check-in value "current" records a confidence against the linked value on its as_of day (for
    a KPI link that is the whole period's value, so such check-ins carry no as_of); `"backfill_days": 7`
    fills an event-count KR's history from the data (see backfill_linked).
    """
    require_editor(actor)
    if db.count_objectives(store) > 0:
        return
    spec = json.loads((Path(sample_dir) / "okrs.json").read_text(encoding="utf-8"))
    today = dt.date.fromisoformat(spec["today"]) if spec.get("today") else None
    for obj in spec["objectives"]:
        krs = obj.pop("key_results", [])
        oid = create_objective(store, actor, obj)
        for kr in krs:
            checkins = kr.pop("checkins", [])
            base_from = kr.pop("baseline_from", None)
            change = kr.pop("target_change", None)
            backfill = kr.pop("backfill_days", None)
            if base_from:
                link = parse_link(kr.get("link"))
                value, note = linked_value(store, link["kpi"], link["event_name"], link["window_days"],
                                           kr.get("segment"), resolve_period(store, base_from), today)
                if value is None:
                    raise ValueError(f"okrs.json: KR '{kr['title']}' takes its baseline from {base_from}, "
                                     f"but the data gives no value ({note})")
                kr["baseline"] = value
            if change is not None:
                kr["target"] = kr["baseline"] * (1 + float(change))
            kid = create_key_result(store, actor, {**kr, "objective_id": oid}, today=today)
            if backfill:
                backfill_linked(store, actor, kid, int(backfill), today=today)
            for c in checkins:
                value = c["value"]
                as_of = dt.date.fromisoformat(c["as_of"]) if c.get("as_of") else None
                if value == "current":
                    link = parse_link(kr.get("link"))
                    per = resolve_period(store, obj["period"])
                    value, _ = linked_value(store, link["kpi"], link["event_name"], link["window_days"],
                                            kr.get("segment"), per, as_of or today)
                    if value is None:
                        continue  # the data gave no value, so there is nothing to be confident about yet
                add_checkin(store, actor, kid, value, c.get("confidence"), c.get("comment"), as_of=as_of, today=today)
