"""Test builders moved from tests/app/test_okrs_page.py (shared by several test modules)."""
from __future__ import annotations
import datetime as dt

from pm_core.periods import parse_period
from pm_core import okrs
from pm_core.auth import Actor
from pm_core.store import open_store


EDITOR = Actor(email="pm@example.com", role="editor")


Q = parse_period("2026-Q4")  # the demo's current quarter; the page judges pace on the real today

TYPES = {"increase_to": (100, 200), "decrease_to": (10, 5), "stay_above": (0.99, 0.995), "stay_below": (380, 400),
         "milestone": (0, 1)}


def _plan(objectives: int, krs_per: int, checkins_per: int):
    """Yield (objective fields, [(kr fields, [(value, confidence, comment, as_of)])]) for a synthetic quarter."""
    types = list(TYPES)
    for i in range(objectives):
        obj = {"title": f"Objective {i + 1}: grow long stays", "period": Q.label, "owner": f"Owner {i % 4}",
               "pillar": ["growth", "strategy", "discovery", "delivery"][i % 4]}
        krs = []
        for j in range(krs_per):
            t = types[j % len(types)]
            base, target = TYPES[t]
            kr = {"title": f"KR {i + 1}.{j + 1} <b>{t}</b>", "kr_type": t, "baseline": base, "target": target,
                  "weight": 1 + j % 2}
            cis = []
            for c in range(checkins_per):
                if t == "milestone":
                    value = 1 if c == checkins_per - 1 else 0
                else:
                    value = base + (target - base) * 0.3 * (c + 1)
                cis.append((value, 4 + c, f"week {c + 1}", Q.start + dt.timedelta(days=7 * (c + 1))))
            krs.append((kr, cis))
        yield obj, krs


def build_workspace(path, objectives: int = 1, krs_per: int = 3, checkins_per: int = 3) -> dict:
    """Create a workspace of manual KRs in 2026-Q4 through the public write functions (one transaction per write)."""
    store = open_store(path)
    ids = {"objectives": [], "krs": []}
    try:
        for obj, krs in _plan(objectives, krs_per, checkins_per):
            oid = okrs.create_objective(store, EDITOR, obj)
            ids["objectives"].append(oid)
            for kr, cis in krs:
                kid = okrs.create_key_result(store, EDITOR, {**kr, "objective_id": oid})
                ids["krs"].append(kid)
                for value, conf, comment, day in cis:
                    okrs.add_checkin(store, EDITOR, kid, value, confidence=conf, comment=comment, as_of=day)
    finally:
        store.close()
    return ids


def build_big_workspace(path, objectives: int = 40, krs_per: int = 5, checkins_per: int = 2) -> int:
    """Same plan as build_workspace, validated by the same models, written by the OKR store in one transaction
    (hundreds of separate commits would take most of a minute); returns the number of KRs."""
    from pm_core.store import new_id, okrs_store, utcnow

    store = open_store(path)
    n = 0
    try:
        now = utcnow()
        with store.transaction() as cur:
            for obj, krs in _plan(objectives, krs_per, checkins_per):
                o = okrs.ObjectiveIn(**obj)
                oid = new_id("obj_")
                okrs_store.insert_objective(cur, {**o.model_dump(), "id": oid, "archived": False, "position": 0,
                                                  "created_by": EDITOR.email, "created_at": now})
                for kr, cis in krs:
                    k = okrs.KeyResultIn(**kr, objective_id=oid)
                    kid = new_id("kr_")
                    okrs_store.insert_key_result(cur, {**okrs._kr_row(k), "id": kid, "archived": False, "position": 0,
                                                       "created_by": EDITOR.email, "created_at": now})
                    n += 1
                    for value, conf, comment, day in cis:
                        okrs_store.insert_checkin(cur, {"id": new_id("ci_"), "kr_id": kid, "value": value,
                                                        "confidence": conf, "comment": comment, "source": "manual",
                                                        "as_of": day, "author": EDITOR.email, "created_at": now})
    finally:
        store.close()
    return n
