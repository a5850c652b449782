"""The ladder, reference points and level map: reads (the guide's defaults while nothing is stored,
no write on read) and all-or-nothing saves, each audited. SQL is in pm_core.store.career_store.
"""
from __future__ import annotations

import re

import pandas as pd

from .. import audit
from ..auth import Actor, require_editor
from ..settings import get_setting
from ..store import Store, new_id
from ..store import career_store as cs
from .models import (DEFAULT_LADDER, DEFAULT_LEVEL_MAP, DEFAULT_REFERENCE_POINTS, QUALIFIERS, CareerError, LadderLevel,
                     ReferencePoint, _currency, _field, _num, _pay, _records, _rows, _short, _text, _truthy, _year,
                     default_ladder)


def _strip_none(d: dict, text_fields: tuple[str, ...]) -> dict:
    return {k: ("" if v is None and k in text_fields else v) for k, v in d.items()}


_LADDER_TEXT = ("scope", "focus", "skills", "responsibilities", "impact_startup", "impact_scale", "source", "note")


def ladder(store: Store) -> list[LadderLevel]:
    """Return the ladder ordered by rank: the stored levels, or the guide's defaults while none are stored."""
    df = cs.read_ladder(store)
    if df.empty:
        return default_ladder()
    return [LadderLevel(**_strip_none(r, _LADDER_TEXT)) for r in _records(df)]


def ladder_ids(store: Store) -> list[str]:
    """Return the ladder level ids in rank order."""
    return [lv.id for lv in ladder(store)]


def reference_points(store: Store) -> list[ReferencePoint]:
    """Return the reference points: stored ones, or the guide's defaults while no ladder is stored."""
    if cs.ladder_count(store) == 0:
        return [ReferencePoint(**d) for d in DEFAULT_REFERENCE_POINTS]
    return [ReferencePoint(**r) for r in _records(cs.read_reference_points(store))]


def level_map(store: Store) -> pd.DataFrame:
    """Return the level map (company, company_level, ladder_level, note); the guide's examples while no ladder is stored."""
    if cs.ladder_count(store) == 0 and cs.level_map_count(store) == 0:
        return pd.DataFrame(DEFAULT_LEVEL_MAP, columns=cs.LEVEL_MAP_COLUMNS)
    return cs.read_level_map(store)


def salary_min_group(store: Store) -> int:
    """Return the smallest group whose pay figures may be shown (setting salary_min_group, never below 1)."""
    return max(1, int(get_setting(store, "salary_min_group")))


# -- writing -----------------------------------------------------------------------------------
def ensure_defaults(store: Store, actor: Actor) -> bool:
    """Write the guide's ladder, reference points and level-map examples if no ladder is stored; returns whether it wrote.

    Idempotent: once a ladder exists (even an edited one) nothing is touched.
    """
    require_editor(actor)
    if cs.ladder_count(store):
        return False
    with store.transaction("career") as cur:
        wrote = cs.write_defaults(cur, DEFAULT_LADDER, DEFAULT_REFERENCE_POINTS, DEFAULT_LEVEL_MAP, actor.email)
        if wrote:
            audit.record(cur, actor, "create", "ladder", "ladder", "PM career ladder",
                         f"the guide's default ladder ({len(DEFAULT_LADDER)} levels), reference points and level-map examples")
        return wrote


def validate_ladder(data: pd.DataFrame | list[dict]) -> list[dict]:
    """Return cleaned ladder rows; raise CareerError naming the row and field for the first problem found.

    A band may be closed (low and high), open (low, no high, open ticked) or '220K–300K+' (low, high
    and open); a missing high without 'open' is refused rather than guessed.
    """
    rows = _rows(data)
    if not rows:
        raise CareerError("The ladder needs at least one level.")
    out, seen = [], set()
    for i, r in enumerate(rows, start=1):
        where = f"Ladder row {i}" + (f" ({_short(r.get('name'))})" if _text(r.get("name")) else "")
        lid = _text(r.get("id")).lower()
        if not re.fullmatch(r"[a-z0-9][a-z0-9_]*", lid):
            raise CareerError(f"{where}: id must be lower-case letters, digits or '_' (e.g. 'senior_pm'), got {r.get('id')!r}")
        if lid in seen:
            raise CareerError(f"{where}: id {lid!r} is used twice")
        seen.add(lid)
        name = _field(r, "name", where, empty="cannot be empty")
        rank = _num(r.get("rank"), where, "rank")
        if rank is None or not float(rank).is_integer():
            raise CareerError(f"{where}: rank must be a whole number (1 = most junior)")
        low, high = _num(r.get("band_low"), where, "band_low"), _num(r.get("band_high"), where, "band_high")
        opened = _truthy(r.get("band_open"))
        for f, v in (("band_low", low), ("band_high", high)):
            if v is not None and v < 0:
                raise CareerError(f"{where}: {f} cannot be negative")
        if low is not None and high is not None and high <= low:
            raise CareerError(f"{where}: band_high {high:,.0f} must be above band_low {low:,.0f}")
        if low is not None and high is None and not opened:
            raise CareerError(f"{where}: the band has no band_high; give one, or tick 'open' if the band has no upper bound")
        ccy = _currency(r.get("currency") or "USD", where)
        _pay(low, ccy, where, "band_low")
        _pay(high, ccy, where, "band_high")
        out.append(dict(id=lid, rank=int(rank), name=name, scope=_field(r, "scope", where, True),
                        focus=_field(r, "focus", where, True), skills=_field(r, "skills", where, True),
                        responsibilities=_field(r, "responsibilities", where, True),
                        impact_startup=_field(r, "impact_startup", where, True),
                        impact_scale=_field(r, "impact_scale", where, True),
                        band_low=low, band_high=high, band_open=opened,
                        currency=ccy, source=_field(r, "source", where),
                        year=_year(r.get("year"), where), note=_field(r, "note", where, True)))
    ranks = [r["rank"] for r in out]
    if len(set(ranks)) != len(ranks):
        raise CareerError("Two ladder levels share a rank; give each level its own rank (1 = most junior).")
    return out


def save_ladder(store: Store, actor: Actor, data: pd.DataFrame | list[dict]) -> list[LadderLevel]:
    """Replace the ladder with the edited rows (all or nothing); refuses removing a level the level map or a reference point uses."""
    require_editor(actor)
    rows = validate_ladder(data)
    ensure_defaults(store, actor)
    ids = {r["id"] for r in rows}
    used = {(m["ladder_level"], f"level map {m['company']} {m['company_level']}") for m in _records(cs.read_level_map(store))}
    used |= {(p["ladder_level"], f"reference point {p['label']!r}") for p in _records(cs.read_reference_points(store))
             if p.get("ladder_level")}
    for lid, what in sorted(used):
        if lid not in ids:
            raise CareerError(f"Level {lid!r} is still used by the {what}; change that first, then remove the level.")
    summary = audit.table_changes(_records(cs.read_ladder(store)), rows, lambda r: str(r["id"]),
                                  [c for c in cs.LADDER_COLUMNS if c != "id"])
    with store.transaction("career") as cur:
        cs.replace_ladder(cur, rows, actor.email)
        audit.record(cur, actor, "save", "ladder", "ladder", "PM career ladder", summary)
    return ladder(store)


def validate_level_map(data: pd.DataFrame | list[dict], known_levels: list[str]) -> list[dict]:
    """Return cleaned level-map rows; raise CareerError naming the row for empty fields, unknown ladder levels or repeats."""
    out, seen = [], set()
    for i, r in enumerate(_rows(data), start=1):
        company, level, target = _text(r.get("company")), _text(r.get("company_level")), _text(r.get("ladder_level")).lower()
        if not (company or level or target):
            continue  # an empty row added in the editor and left blank
        where = f"Level map row {i} ({_short(company) or '?'} {_short(level) or '?'})"
        company = _field(r, "company", where, empty="cannot be empty (use '*' for any company)")
        level = _field(r, "company_level", where, empty="cannot be empty")
        if target not in known_levels:
            raise CareerError(f"{where}: ladder_level {target!r} is not on the ladder; use one of {', '.join(known_levels)}")
        key = (company.lower(), level.lower())
        if key in seen:
            raise CareerError(f"{where}: {company} {level} is mapped twice")
        seen.add(key)
        out.append(dict(company=company, company_level=level, ladder_level=target,
                        note=_field(r, "note", where, True) or None))
    return out


def save_level_map(store: Store, actor: Actor, data: pd.DataFrame | list[dict]) -> pd.DataFrame:
    """Replace the level map with the edited rows (all or nothing); returns the stored map. Takes effect on the next query."""
    require_editor(actor)
    ensure_defaults(store, actor)
    rows = validate_level_map(data, ladder_ids(store))
    summary = audit.table_changes(_records(cs.read_level_map(store)), rows, _level_map_key, ["ladder_level", "note"])
    with store.transaction("career") as cur:
        cs.replace_level_map(cur, rows, actor.email)
        audit.record(cur, actor, "save", "level_map", "level_map", "Company level map", summary)
    return level_map(store)


def _level_map_key(r: dict) -> str:
    return f"{r['company']} {r['company_level']}"


def validate_reference_points(data: pd.DataFrame | list[dict], known_levels: list[str]) -> list[dict]:
    """Return cleaned reference points; raise CareerError naming the row when source, amount, currency or level is unusable."""
    out, seen = [], set()
    for i, r in enumerate(_rows(data), start=1):
        label = _text(r.get("label"))
        if not label and r.get("amount") is None:
            continue
        where = f"Reference point row {i}" + (f" ({_short(label)})" if label else "")
        label = _field(r, "label", where, empty="cannot be empty")
        rid = _text(r.get("id")) or new_id("ref_")
        if rid in seen:
            raise CareerError(f"{where}: id {rid!r} is used twice")
        seen.add(rid)
        amount = _num(r.get("amount"), where, "amount")
        if amount is None or amount <= 0:
            raise CareerError(f"{where}: amount must be a positive number")
        ccy = _currency(r.get("currency"), where)
        _pay(amount, ccy, where, "amount")
        source = _field(r, "source", where, empty="cannot be empty; say where the figure comes from")
        qualifier = _text(r.get("qualifier")).lower() or "exact"
        if qualifier not in QUALIFIERS:
            raise CareerError(f"{where}: qualifier must be one of {', '.join(QUALIFIERS)}, got {qualifier!r}")
        lvl = _text(r.get("ladder_level")).lower() or None
        if lvl is not None and lvl not in known_levels:
            raise CareerError(f"{where}: ladder_level {lvl!r} is not on the ladder; leave it empty or use one of {', '.join(known_levels)}")
        out.append(dict(id=rid, label=label, company=_field(r, "company", where) or None, ladder_level=lvl, amount=amount,
                        currency=ccy, qualifier=qualifier,
                        comp=_field(r, "comp", where) or None, source=source, year=_year(r.get("year"), where),
                        note=_field(r, "note", where, True) or None))
    return out


def save_reference_points(store: Store, actor: Actor, data: pd.DataFrame | list[dict]) -> list[ReferencePoint]:
    """Replace the reference points with the edited rows (all or nothing); returns them."""
    require_editor(actor)
    ensure_defaults(store, actor)
    rows = validate_reference_points(data, ladder_ids(store))
    summary = audit.table_changes(_records(cs.read_reference_points(store)), rows, lambda r: str(r["label"]),
                                  [c for c in cs.REFERENCE_COLUMNS if c not in ("id", "label")])
    with store.transaction("career") as cur:
        cs.replace_reference_points(cur, rows, actor.email)
        audit.record(cur, actor, "save", "reference_points", "reference_points", "Pay reference points", summary)
    return reference_points(store)
