"""What changes from one level to the next, and the self-assessment that suggests a level."""
from __future__ import annotations

from ..store import Store
from .ladder import ladder
from .models import DEFAULT_LADDER, SELF_ASSESSMENT, CareerError

_ASPECTS = [("scope", "Scope"), ("focus", "Focus"), ("skills", "Skills"), ("responsibilities", "Responsibilities"),
            ("impact_startup", "Impact at a startup (shipping)"), ("impact_scale", "Impact at scale (moving a metric)")]


def growth_path(store: Store, level_id: str) -> dict:
    """Return {'level', 'next', 'changes': [{aspect, now, next}], 'band_change'} for a level; next None at the top.

    Unknown level ids raise CareerError listing the known ones.
    """
    levels = ladder(store)
    by_id = {lv.id: lv for lv in levels}
    if level_id not in by_id:
        raise CareerError(f"Unknown level {level_id!r}; use one of {', '.join(by_id)}")
    lv = by_id[level_id]
    later = [x for x in levels if x.rank > lv.rank]
    nxt = later[0] if later else None
    changes = [dict(aspect=label, now=getattr(lv, key), next=getattr(nxt, key) if nxt else None) for key, label in _ASPECTS]
    if nxt is None:
        band = f"{lv.name} is the top of the ladder ({lv.band_label}{'; ' + lv.note if lv.note else ''})."
    else:
        band = f"Band moves from {lv.band_label} to {nxt.band_label} ({nxt.source_label})."
    return {"level": lv.model_dump(), "next": nxt.model_dump() if nxt else None, "changes": changes, "band_change": band}


def self_assess(answers: dict) -> str:
    """Return the suggested ladder level id from SELF_ASSESSMENT answers (option number 1-5 or its text).

    The suggestion is the lower median of the answers, so one stretch answer does not lift the
    level. At least three questions must be answered; unknown questions or options raise CareerError.
    """
    by_key = {q["key"]: q for q in SELF_ASSESSMENT}
    ranks = []
    for key, value in (answers or {}).items():
        if value is None or value == "":
            continue
        q = by_key.get(key)
        if q is None:
            raise CareerError(f"Unknown self-assessment question {key!r}; questions are {', '.join(by_key)}")
        if isinstance(value, str) and value in q["options"]:
            ranks.append(q["options"].index(value) + 1)
            continue
        try:
            n = int(value)
        except (TypeError, ValueError):
            raise CareerError(f"Question {key!r}: {value!r} is not one of its options") from None
        if not 1 <= n <= len(q["options"]):
            raise CareerError(f"Question {key!r}: choose an option from 1 to {len(q['options'])}, got {value!r}")
        ranks.append(n)
    if len(ranks) < 3:
        raise CareerError("Answer at least three questions to get a suggestion.")
    ranks.sort()
    suggested = ranks[(len(ranks) - 1) // 2]
    return DEFAULT_LADDER[suggested - 1]["id"]
