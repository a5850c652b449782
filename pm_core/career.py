"""The PM career ladder (APM to CPO) beside the team's own pay data.

Decisions worth knowing:
- The ladder, reference points and level map live in the store. Reads fall back to the guide's
  defaults while nothing is stored (no write on read); `ensure_defaults(store, actor)` writes them,
  and every save and `seed_demo` call it first.
- A salary row's ladder level is decided at query time (see `pm_core.store.career_store`): the
  level map wins, then the importer's ladder_level if it names a known level, else 'unmapped'.
  There is no stored copy to go stale, so there is no apply step.
- Percentiles use linear interpolation (DuckDB quantile_cont = numpy's default 'linear' method) on
  yearly total compensation (total, or base+stock+bonus when the file gave no total).
- Currencies are never mixed: every group is one currency. Other currencies are converted only
  when the caller passes a rate, and converted groups say which currencies they include.
- Groups with fewer rows than the `salary_min_group` setting (default 5) lose every figure and
  even their exact count, so no one's pay can be read off a table, chart or CLI output.
- Rows with unusable pay (negative, over 20M in their currency, no currency, no figures) are kept
  in the store, left out of the figures, and listed by `salary_issues`; nothing disappears silently.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, Field

from . import audit
from .auth import Actor, require_editor
from .formatting import fmt_money
from .settings import get_setting
from .store import Store, new_id
from .store import career_store as cs
from .text import LONG_MAX, clean_text
from .validators import finite_number, iso_currency

ABSURD_PAY = 20_000_000
# A yearly figure above 20M is absurd in dollars, pounds or euros but ordinary in yen or rupees,
# so these currencies are not held to that limit.
LOW_UNIT_CURRENCIES = ("ARS", "CLP", "COP", "HUF", "IDR", "INR", "IRR", "ISK", "JPY", "KHR", "KRW", "KZT", "LAK",
                       "LKR", "MMK", "MNT", "NGN", "PHP", "PKR", "PYG", "RUB", "THB", "TWD", "TZS", "UGX", "UZS", "VND")
# The most a yearly pay figure typed here (band, reference point, offer) may be: 1e9 a year, 1e12 in
# the low-unit currencies above (a billion rupiah is about 60,000 dollars). More is a typo (1e300 was
# once accepted and drew an empty chart).
MAX_PAY = 1e9
MAX_PAY_LOW_UNIT = 1e12
SIGN_ON_YEARS = 4
GROUPINGS = ("ladder_level", "level", "title", "company", "location", "years")
GROUPING_LABELS = {"ladder_level": "Ladder level", "level": "Company level", "title": "Title",
                   "company": "Company", "location": "Location", "years": "Years of experience"}
QUALIFIERS = ("about", "at_least", "up_to", "exact")
UNMAPPED = "unmapped"
NO_LEVEL_ROW = "Level not stated"


def money(v: float | None, currency: str = "USD") -> str:
    """Return a pay figure compactly without a trailing '.0' ('$80K', '$1.2M', '£67K'); None -> '—'."""
    return re.sub(r"\.0(?=[KMBT]$)", "", fmt_money(v, currency))


class CareerError(ValueError):
    """Input the career area cannot use; the message names the row and field."""


class LadderLevel(BaseModel):
    """One rung of the ladder with its published pay band (band_high None = no upper bound published)."""

    id: str
    rank: int
    name: str
    scope: str = ""
    focus: str = ""
    skills: str = ""
    responsibilities: str = ""
    impact_startup: str = ""
    impact_scale: str = ""
    band_low: float | None = None
    band_high: float | None = None
    band_open: bool = False
    currency: str = "USD"
    source: str = ""
    year: int | None = None
    note: str = ""

    @property
    def band_label(self) -> str:
        """Return the band as people write it ('$80K–$115K', '$220K–$300K+', '$300K+', 'no band')."""
        lo = money(self.band_low, self.currency) if self.band_low is not None else None
        hi = money(self.band_high, self.currency) if self.band_high is not None else None
        plus = "+" if self.band_open else ""
        if lo and hi:
            return f"{lo}–{hi}{plus}"
        if lo:
            return f"{lo}{plus}" if plus else f"from {lo}"
        if hi:
            return f"up to {hi}"
        return "no band published"

    @property
    def source_label(self) -> str:
        """Return 'source, year' (year 'not stated' when unknown)."""
        return f"{self.source or 'source not stated'}, {self.year if self.year else 'year not stated'}"


class ReferencePoint(BaseModel):
    """A published pay figure shown as a marker on the ladder (always with its source and year)."""

    id: str
    label: str
    company: str | None = None
    ladder_level: str | None = None
    amount: float
    currency: str
    qualifier: Literal["about", "at_least", "up_to", "exact"] = "exact"
    comp: str | None = None
    source: str
    year: int | None = None
    note: str | None = None

    @property
    def display(self) -> str:
        """Return the figure with its qualifier ('~$280K', '$500K+', 'up to $336,881', '£67,000')."""
        exact = fmt_money(self.amount, self.currency, compact=False)
        short = money(self.amount, self.currency)
        return {"about": f"~{short}", "at_least": f"{short}+", "up_to": f"up to {exact}"}.get(self.qualifier, exact)

    @property
    def source_label(self) -> str:
        """Return 'source, year' (year 'not stated' when unknown)."""
        return f"{self.source}, {self.year if self.year else 'year not stated'}"


class OfferIn(BaseModel):
    """A package to compare: base, yearly stock, yearly bonus and a one-off sign-on bonus."""

    label: str = "Offer"
    base: float = 0.0
    stock: float = Field(0.0, description="stock vesting per year")
    bonus: float = 0.0
    sign_on: float = 0.0
    ladder_level: str | None = None
    currency: str | None = None


class OfferComparison(BaseModel):
    """One package set against its band, the team's pay and the next level's band."""

    label: str
    currency: str
    base: float
    stock: float
    bonus: float
    sign_on_per_year: float
    yearly_total: float
    ladder_level: str | None
    level_name: str | None
    level_inferred: bool
    band_label: str | None
    band_position: float | None
    band_note: str
    team_n_label: str | None
    team_percentile: float | None
    team_note: str
    next_level: str | None
    next_band_low: float | None
    gap_to_next: float | None
    next_note: str
    band_currency: str | None = None  # the currency of band figures and of gap_to_next


# -- the guide's defaults ----------------------------------------------------------------------
_GUIDE = "PM guide (US bands)"
DEFAULT_LADDER: list[dict] = [
    dict(id="apm", rank=1, name="Associate PM", scope="A single feature", focus="Flawless execution",
         skills="Clear specs and tickets; working with engineering and design every day; reading funnels and dashboards; asking good questions",
         responsibilities="Ship a well-defined feature end to end; keep its backlog in order; check quality before release; learn the users",
         impact_startup="The feature ships on time, works, and users pick it up",
         impact_scale="The feature hits the metric target agreed with the team",
         band_low=80_000, band_high=115_000, band_open=False, currency="USD", source=_GUIDE, year=2024, note=""),
    dict(id="pm", rank=2, name="Product Manager", scope="A product or a major area", focus="Discovery and validation",
         skills="User research and problem discovery; prioritisation; experiment design; stakeholder communication",
         responsibilities="Own the area's roadmap; decide what to build from evidence; define success metrics; launch and iterate",
         impact_startup="Finds and ships what users adopt and pay for",
         impact_scale="Moves the product's key metric (e.g. conversion) with validated experiments",
         band_low=115_000, band_high=160_000, band_open=False, currency="USD", source=_GUIDE, year=2024, note=""),
    dict(id="senior_pm", rank=3, name="Senior PM", scope="Ambiguous problems; strategy for a domain",
         focus="Ambiguity, mentoring, domain strategy",
         skills="Framing ambiguous problems; strategy and business cases; influencing without authority; mentoring PMs",
         responsibilities="Set the domain's strategy and OKRs; align several teams; mentor PMs and APMs; make trade-offs across the domain",
         impact_startup="Picks the bets that change the company's trajectory",
         impact_scale="Moves a business metric (revenue, retention) across several teams",
         band_low=160_000, band_high=220_000, band_open=False, currency="USD", source=_GUIDE, year=2024, note=""),
    dict(id="group_pm", rank=4, name="Group PM / Director", scope="A portfolio of products and the PMs who run them",
         focus="People management, a portfolio",
         skills="Hiring and coaching PMs; portfolio planning; cross-functional leadership; executive communication",
         responsibilities="Manage PMs; allocate people and budget across the portfolio; own portfolio OKRs; represent product to executives",
         impact_startup="Builds the product team and the way of working that lets it ship",
         impact_scale="Portfolio outcomes, and a team of PMs that delivers them",
         band_low=220_000, band_high=300_000, band_open=True, currency="USD", source=_GUIDE, year=2024, note=""),
    dict(id="vp_cpo", rank=5, name="VP of Product / CPO", scope="The product organisation", focus="Vision, organisation, budget",
         skills="Product vision; organisation design; budgeting; board and executive communication",
         responsibilities="Set product vision and strategy; design and grow the organisation; own the product budget; partner with the CEO",
         impact_startup="The company's growth and fundraising story rests on the product",
         impact_scale="Company-level results: revenue, market share, margin",
         band_low=300_000, band_high=None, band_open=True, currency="USD", source=_GUIDE, year=2024,
         note="Heavily equity-dependent"),
]
DEFAULT_REFERENCE_POINTS: list[dict] = [
    dict(id="meta_l4", label="Meta mid-level PM (L4)", company="Meta", ladder_level="pm", amount=280_000, currency="USD",
         qualifier="about", comp="total compensation", source="Levels.fyi", year=2024, note=None),
    dict(id="meta_l6", label="Meta senior PM (L6)", company="Meta", ladder_level="senior_pm", amount=500_000,
         currency="USD", qualifier="at_least", comp="total compensation", source="Levels.fyi", year=2024, note=None),
    dict(id="san_jose_top", label="Top Global PMs, San Jose", company=None, ladder_level=None, amount=336_881,
         currency="USD", qualifier="up_to", comp="pay", source="PM guide", year=None,
         note="97% above the national average"),
    dict(id="uk_p3", label="UK P3 PM", company=None, ladder_level=None, amount=67_000, currency="GBP",
         qualifier="exact", comp="pay", source="PM guide", year=None, note=None),
    dict(id="uk_senior", label="UK senior PM", company=None, ladder_level=None, amount=109_100, currency="GBP",
         qualifier="exact", comp="pay", source="PM guide", year=None, note=None),
]
DEFAULT_LEVEL_MAP: list[dict] = [
    dict(company="Meta", company_level="L4", ladder_level="pm", note="Levels.fyi, 2024: mid-level PM"),
    dict(company="Meta", company_level="L6", ladder_level="senior_pm", note="Levels.fyi, 2024: senior PM"),
]

SELF_ASSESSMENT: list[dict] = [
    dict(key="scope", question="What do you own?", options=[
        "A single feature", "A product or a major area", "The strategy for a domain that spans teams",
        "A portfolio of products", "The whole product organisation"]),
    dict(key="problems", question="What kind of problems reach you?", options=[
        "Well-defined work with a clear spec", "Problems to discover and validate with users",
        "Ambiguous problems nobody has framed yet", "Competing problems across several teams",
        "Which problems the company should take on at all"]),
    dict(key="people", question="Whom do you develop?", options=[
        "Mostly myself", "I help new teammates find their feet", "I mentor other PMs",
        "I manage PMs", "I lead the managers of PMs"]),
    dict(key="impact", question="How is your impact measured?", options=[
        "Shipping my feature on time and with quality", "Moving my product's metric through validated experiments",
        "Moving a business metric across several teams", "A portfolio's outcomes and a team that delivers them",
        "Company-level results: revenue, market share, margin"]),
    dict(key="budget", question="What do you decide about money and headcount?", options=[
        "Nothing yet", "I make the case for what my team builds", "I shape my domain's investment case",
        "I allocate people and budget across a portfolio", "I own the product budget"]),
]


def default_ladder() -> list[LadderLevel]:
    """Return the guide's ladder (US 2024 bands), APM to CPO, ordered by rank."""
    return [LadderLevel(**d) for d in DEFAULT_LADDER]


# -- reading -----------------------------------------------------------------------------------
def _clean(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, (list, tuple)) or (hasattr(v, "tolist") and getattr(v, "ndim", 0) > 0):
        return list(v.tolist() if hasattr(v, "tolist") else v)
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(v, "item"):
        return v.item()
    return v


def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


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


def _rows(data: pd.DataFrame | list[dict]) -> list[dict]:
    if isinstance(data, pd.DataFrame):
        return _records(data)
    return [{k: _clean(v) for k, v in dict(r).items()} for r in data]


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


def _short(v: Any, n: int = 60) -> str:
    """Return a value cut for naming a row in a message ('Ladder row 2 (Senior PM)')."""
    t = _text(v)
    return t if len(t) <= n else t[:n] + "…"


def _field(r: dict, key: str, where: str, long: bool = False, empty: str | None = None) -> str:
    """Return row[key] as clean text (pm_core.text.clean_text); CareerError naming the row and field otherwise.

    With `empty` the field is required and that is the message for a blank one.
    """
    try:
        return clean_text(r.get(key), key, max_len=LONG_MAX if long else 200, required=empty is not None,
                          empty=f"{key} {empty}" if empty else None)
    except ValueError as exc:
        raise CareerError(f"{where}: {exc}") from None


def _pay(v: float | None, currency: str, where: str, field: str) -> float | None:
    """Return a yearly pay figure, refused (naming the field) when above MAX_PAY for its currency."""
    if v is None:
        return None
    top = MAX_PAY_LOW_UNIT if currency in LOW_UNIT_CURRENCIES else MAX_PAY
    if abs(v) > top:
        raise CareerError(f"{where}: the {field} must be at most {top:,.0f} a year in {currency}, got {v:,.4g}")
    return v


def _num(v: Any, where: str, field: str) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    try:
        return finite_number(v, field)
    except ValueError as exc:
        raise CareerError(f"{where}: {exc}") from None


def _year(v: Any, where: str) -> int | None:
    y = _num(v, where, "year")
    if y is None:
        return None
    if not (1990 <= y <= 2100) or not float(y).is_integer():
        raise CareerError(f"{where}: year must be a whole year such as 2024, got {v!r}")
    return int(y)


def _currency(v: Any, where: str) -> str:
    try:
        return iso_currency(v)
    except ValueError as exc:
        raise CareerError(f"{where}: {exc}") from None


def _truthy(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in {"1", "true", "yes", "y", "on", "+"}
    return bool(v)


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


# -- the team's pay ----------------------------------------------------------------------------
def _ctx(store: Store, levels: list[LadderLevel] | None = None) -> dict:
    """Arguments every salary query needs: known ladder ids, the absurd-pay rule and the unstored default map."""
    seeded = cs.ladder_count(store) > 0 or cs.level_map_count(store) > 0
    return dict(ladder_ids=[lv.id for lv in (levels or ladder(store))], exempt=list(LOW_UNIT_CURRENCIES),
                limit=ABSURD_PAY, fallback=[] if seeded else DEFAULT_LEVEL_MAP)


def _eff(store: Store) -> pd.DataFrame:
    return cs.effective_salaries(store, **_ctx(store))


def has_salaries(store: Store) -> bool:
    """Return True when at least one salary row is stored."""
    return cs.salary_count(store) > 0


def salary_titles(store: Store) -> list[str]:
    """Return the titles present in the salary rows, most frequent first (empty without data)."""
    return cs.distinct_titles(store)


def salary_overview(store: Store) -> dict:
    """Return {'rows', 'used', 'excluded', 'unmapped', 'currencies'}: how many rows feed the figures and why others do not."""
    df = _eff(store)
    used = df[df["usable"]]
    return {"rows": int(len(df)), "used": int(len(used)), "excluded": int((~df["usable"]).sum()),
            "unmapped": int(df["eff_level"].isna().sum()),
            "currencies": sorted(used["currency"].dropna().unique().tolist())}


def _rates_dict(rates: Any) -> dict[str, float]:
    if not rates:
        return {}
    items = rates.items() if isinstance(rates, dict) else rates
    out = {}
    for code, rate in items:
        r = float(rate)
        if not (r > 0 and math.isfinite(r)):
            raise CareerError(f"The rate for {code} must be a positive number, got {rate!r}")
        out[_currency(code, "Conversion rate")] = r
    return out


PERCENTILE_COLUMNS = ["group", "label", "currency", "n", "n_label", "p10", "p25", "p50", "p75", "p90",
                      "base", "stock", "bonus", "suppressed", "converted_from"]
_FIGURES = ["p10", "p25", "p50", "p75", "p90", "base", "stock", "bonus"]


def percentiles(store: Store, by: str = "ladder_level", title: str | None = None, min_group: int | None = None,
                currency: str | None = None, rates: Any = None) -> pd.DataFrame:
    """Return one row per (group, currency): n, P10–P90 of yearly total pay, base/stock/bonus medians, suppressed.

    Groups smaller than min_group (default: the salary_min_group setting) have every figure and n
    blanked (n_label 'fewer than 5'). Without `currency` each currency forms its own groups; with
    it, only that currency plus those given a rate in `rates` ({'GBP': 1.27} = 1 GBP is 1.27 of
    `currency`) are used. Unusable rows are left out (see salary_issues); empty frame without data.
    """
    if by not in GROUPINGS:
        raise CareerError(f"Cannot group salaries by {by!r}; use one of {', '.join(GROUPINGS)}.")
    limit = salary_min_group(store) if min_group is None else max(1, int(min_group))
    cur_code = _currency(currency, "Currency") if currency else None
    rates_d = _rates_dict(rates)
    levels = ladder(store)
    raw = cs.group_percentiles(store, by, title=title or None, currency=cur_code, rates=rates_d, **_ctx(store, levels))
    if raw.empty:
        return pd.DataFrame(columns=PERCENTILE_COLUMNS)
    df = raw.rename(columns={"grp": "group"})
    names = {lv.id: lv.name for lv in levels}
    if by == "ladder_level":
        order = {lv.id: lv.rank for lv in levels}
        df["label"] = df["group"].map(lambda g: names.get(g, "Unmapped level" if g == UNMAPPED else g))
        df["_order"] = df["group"].map(lambda g: order.get(g, 10_000))
    elif by == "years":
        order = {g: i for i, g in enumerate(cs.years_order())}
        df["label"] = df["group"]
        df["_order"] = df["group"].map(lambda g: order.get(g, 10_000))
    else:
        df["label"] = df["group"]
        df["_order"] = 0
    df["suppressed"] = df["n"] < limit
    df["n"] = df["n"].astype("Int64")
    df.loc[df["suppressed"], "n"] = pd.NA
    for col in _FIGURES:
        df[col] = df[col].astype("float64")
        df.loc[df["suppressed"], col] = float("nan")
    df["n_label"] = [f"fewer than {limit}" if s else f"{int(n):,}" for s, n in zip(df["suppressed"], df["n"])]
    df["converted_from"] = df["converted_from"].astype(object).where(df["converted_from"].notna(), None)
    df = df.sort_values(["currency", "_order", "label"], kind="stable").reset_index(drop=True)
    return df[PERCENTILE_COLUMNS]


def percentile_records(df: pd.DataFrame) -> list[dict]:
    """Return percentiles() rows as JSON-ready dicts (suppressed figures and n as None)."""
    return _records(df)


def team_percentile(values: list[float], x: float) -> float:
    """Return the share of values below x, counting ties as half (0..1); raises on an empty list."""
    if not values:
        raise CareerError("No team figures to compare with.")
    below = sum(1 for v in values if v < x)
    equal = sum(1 for v in values if v == x)
    return (below + 0.5 * equal) / len(values)


# -- bad and suspicious rows -------------------------------------------------------------------
def _row_label(r: dict) -> str:
    bits = [b for b in (r.get("company"), r.get("title"), r.get("level"), r.get("location")) if b]
    return f"salary row {r['row_id'] + 1} ({' · '.join(str(b) for b in bits) or 'no company, title or level'}; import {r.get('import_id')})"


def salary_issues(store: Store) -> list[dict]:
    """Return every suspicious kept salary row or group as {'kind', 'message', 'row_ids', 'count', 'in_figures'}.

    row_ids are the store's row ids (0-based); messages number rows from 1 in the order they were stored.

    Kinds: negative_pay, absurd_pay (over 20M in the row's currency), missing_currency, no_pay
    (left out of the figures); unmapped_level and duplicate (kept in the figures). Empty list when clean.
    """
    df = _eff(store)
    if df.empty:
        return []
    issues: list[dict] = []
    for r in _records(df):
        label = _row_label(r)
        parts = {k: r.get(k) for k in ("base", "stock", "bonus", "total")}
        negative = [f"{k} {v:,.0f}" for k, v in parts.items() if v is not None and v < 0]
        if negative:
            issues.append(dict(kind="negative_pay", row_ids=[r["row_id"]], count=1, in_figures=False,
                               message=f"{label}: negative pay ({', '.join(negative)}). Kept, but left out of the figures; fix the source file and re-import."))
            continue
        cur_code = r.get("currency")
        if cur_code not in LOW_UNIT_CURRENCIES:
            big = [f"{k} {v:,.0f}" for k, v in {**parts, "total": r.get("total_eff")}.items()
                   if v is not None and v > ABSURD_PAY]
            if big:
                issues.append(dict(kind="absurd_pay", row_ids=[r["row_id"]], count=1, in_figures=False,
                                   message=f"{label}: pay over {ABSURD_PAY:,} {cur_code or ''} a year ({', '.join(dict.fromkeys(big))}) looks like a typo. Kept, but left out of the figures.".replace("  ", " ")))
                continue
        if cur_code is None:
            issues.append(dict(kind="missing_currency", row_ids=[r["row_id"]], count=1, in_figures=False,
                               message=f"{label}: no currency, so it cannot be compared with anything. Kept, but left out of the figures; add a currency column and re-import."))
            continue
        if r.get("total_eff") is None or r["total_eff"] <= 0:
            issues.append(dict(kind="no_pay", row_ids=[r["row_id"]], count=1, in_figures=False,
                               message=f"{label}: no total, base, stock or bonus figure. Kept, but left out of the figures."))
    unmapped = df[df["eff_level"].isna()]
    if not unmapped.empty:
        keys = unmapped.assign(company=unmapped["company"].fillna(""), level=unmapped["level"].fillna(""))
        for (company, level), g in keys.groupby(["company", "level"], sort=True):
            who = f"{company or 'no company'} level {level!r}" if level else f"{company or 'no company'} (no level given)"
            issues.append(dict(kind="unmapped_level", row_ids=[int(x) for x in g["row_id"]], count=int(len(g)), in_figures=True,
                               message=f"{who}: {len(g)} row(s) not on the ladder; shown as 'unmapped'. Add it to the level map to place them."))
    for r in _records(cs.duplicate_groups(store)):
        bits = " · ".join(str(b) for b in (r.get("company"), r.get("title"), r.get("level"), r.get("location")) if b)
        ids = [int(x) for x in r["row_ids"]]
        issues.append(dict(kind="duplicate", row_ids=ids, count=int(r["n"]), in_figures=True,
                           message=f"{r['n']} identical rows ({bits or 'no details'}; total {fmt_money(r.get('total'), r.get('currency') or 'USD', compact=False) if r.get('currency') else r.get('total')}; rows {', '.join(str(i + 1) for i in ids)}). All are counted; delete the repeated import on the Data page if they are one person."))
    return issues


# -- compare offers ----------------------------------------------------------------------------
def compare_offers(store: Store, offers: list[OfferIn | dict], currency: str = "USD", rates: Any = None,
                   min_group: int | None = None) -> list[OfferComparison]:
    """Return each package's yearly value (base + stock + bonus + sign-on/4) against its band, the team and the next band.

    Up to four packages (current + three offers). Without a ladder_level the level whose band floor
    the yearly total has passed is used (level_inferred=True). A band in another currency is used
    only with a rate; the team percentile only when the team group has at least min_group rows.
    """
    if len(offers) > 4:
        raise CareerError("Compare at most four packages: your current one and up to three offers.")
    cur_code = _currency(currency, "Currency")
    rates_d = _rates_dict(rates)
    limit = salary_min_group(store) if min_group is None else max(1, int(min_group))
    levels = ladder(store)
    by_id = {lv.id: lv for lv in levels}
    ctx = _ctx(store, levels)
    out = []
    for i, raw in enumerate(offers, start=1):
        o = raw if isinstance(raw, OfferIn) else OfferIn(**raw)
        try:
            name = clean_text(o.label, "label") or f"Package {i}"
        except ValueError as exc:
            raise CareerError(f"Package {i}: {exc}") from None
        ccy = _currency(o.currency or cur_code, name)
        for field in ("base", "stock", "bonus", "sign_on"):
            v = _num(getattr(o, field), name, field.replace("_", "-"))
            if v is not None and v < 0:
                raise CareerError(f"{name}: {field.replace('_', '-')} cannot be negative")
            _pay(v, ccy, name, field.replace("_", "-"))
        sign_on_year = o.sign_on / SIGN_ON_YEARS
        total = o.base + o.stock + o.bonus + sign_on_year
        notes_band, notes_team, notes_next = "", "", ""
        lv, inferred = None, False
        if o.ladder_level:
            lv = by_id.get(o.ladder_level)
            if lv is None:
                raise CareerError(f"{name}: level {o.ladder_level!r} is not on the ladder")

        def to_band(amount: float, band_ccy: str) -> float | None:
            if band_ccy == ccy:
                return amount
            if ccy in rates_d and band_ccy == cur_code:
                return amount * rates_d[ccy]
            if band_ccy in rates_d and ccy == cur_code:
                return amount / rates_d[band_ccy]
            return None

        if lv is None and total > 0:
            banded = [x for x in levels if x.band_low is not None and to_band(total, x.currency) is not None]
            placed = [x for x in banded if to_band(total, x.currency) >= x.band_low]
            lv = placed[-1] if placed else (banded[0] if banded else None)
            inferred = lv is not None
        position = gap = next_low = None
        next_lv = None
        if lv is not None:
            in_band = to_band(total, lv.currency)
            if in_band is None:
                notes_band = f"The {lv.name} band is in {lv.currency}; enter a {ccy}→{lv.currency} rate to place this package in it."
            elif lv.band_low is None:
                notes_band = f"No band is published for {lv.name}."
            elif lv.band_high is None:
                position = None
                if in_band >= lv.band_low:
                    notes_band = f"{money(in_band - lv.band_low, lv.currency)} above the floor of the open {lv.name} band ({lv.band_label}); the band has no published top."
                else:
                    notes_band = f"{money(lv.band_low - in_band, lv.currency)} below the floor of the {lv.name} band ({lv.band_label})."
            else:
                position = (in_band - lv.band_low) / (lv.band_high - lv.band_low)
                if position > 1 and lv.band_open:
                    notes_band = f"Above the published top of the {lv.name} band ({lv.band_label}), which is open-ended."
                elif position > 1:
                    notes_band = f"Above the {lv.name} band ({lv.band_label})."
                elif position < 0:
                    notes_band = f"Below the {lv.name} band ({lv.band_label})."
                else:
                    notes_band = f"{position:.0%} of the way through the {lv.name} band ({lv.band_label})."
            later = [x for x in levels if x.rank > lv.rank]
            next_lv = later[0] if later else None
            if next_lv is None:
                notes_next = f"{lv.name} is the top of the ladder."
            elif next_lv.band_low is None:
                notes_next = f"No band is published for {next_lv.name}."
            else:
                nb = to_band(total, next_lv.currency)
                next_low = next_lv.band_low
                if nb is None:
                    notes_next = f"The {next_lv.name} band is in {next_lv.currency}; enter a rate to compare."
                else:
                    gap = max(0.0, next_lv.band_low - nb)
                    notes_next = (f"{money(gap, next_lv.currency)} a year below the {next_lv.name} band's floor ({money(next_lv.band_low, next_lv.currency)})."
                                  if gap > 0 else f"Already at or above the {next_lv.name} band's floor ({money(next_lv.band_low, next_lv.currency)}).")
            values = cs.usable_totals(store, lv.id, ccy, **ctx)
            if len(values) >= limit:
                pct = team_percentile(values, total)
                team = (pct, f"{len(values):,}")
                notes_team = f"Above {pct:.0%} of the team's {lv.name} packages in {ccy} ({len(values):,} rows)."
            else:
                team = (None, f"fewer than {limit}" if values else "0")
                notes_team = (f"Fewer than {limit} team rows for {lv.name} in {ccy}; hidden so no one's pay can be read off."
                              if values else f"No team rows for {lv.name} in {ccy}.")
        else:
            team = (None, None)
            notes_band = "Enter a package to place it on the ladder." if total <= 0 else "No level to compare with."
        out.append(OfferComparison(
            label=name, currency=ccy, base=o.base, stock=o.stock, bonus=o.bonus, sign_on_per_year=sign_on_year,
            yearly_total=total, ladder_level=lv.id if lv else None, level_name=lv.name if lv else None,
            level_inferred=inferred, band_label=lv.band_label if lv else None, band_position=position,
            band_note=notes_band, team_n_label=team[1], team_percentile=team[0], team_note=notes_team,
            next_level=next_lv.id if next_lv else None, next_band_low=next_low, gap_to_next=gap, next_note=notes_next,
            band_currency=(next_lv.currency if next_lv else lv.currency) if lv else None))
    return out


# -- growth --------------------------------------------------------------------------------------
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


# -- chart data ----------------------------------------------------------------------------------
def ladder_chart_data(store: Store, currency: str = "USD", rates: Any = None, with_team: bool = True) -> dict:
    """Return {'bands', 'points', 'team', 'other_points', 'currency'} DataFrames for the ladder chart in one currency.

    Bands and points in another currency are converted only with a rate (and say so); points that
    cannot be converted come back in other_points by currency, never on this axis. Team figures are
    P25/P50/P75 per ladder level with suppressed groups left out entirely.
    """
    cur_code = _currency(currency, "Currency")
    rates_d = _rates_dict(rates)

    def conv(amount, ccy):
        if amount is None:
            return None
        if ccy == cur_code:
            return float(amount)
        if ccy in rates_d:
            return float(amount) * rates_d[ccy]
        return None

    levels = ladder(store)
    bands = []
    for lv in levels:
        if lv.band_low is None or (lv.currency != cur_code and lv.currency not in rates_d):
            continue
        bands.append(dict(level=lv.id, name=lv.name, rank=lv.rank, low=conv(lv.band_low, lv.currency),
                          high=conv(lv.band_high, lv.currency), open=lv.band_open, band=lv.band_label,
                          source=lv.source_label + (f"; converted from {lv.currency}" if lv.currency != cur_code else ""),
                          note=lv.note or ""))
    names = {lv.id: lv.name for lv in levels}
    points, other = [], []
    for p in reference_points(store):
        row = dict(label=p.label, level=p.ladder_level, name=names.get(p.ladder_level, NO_LEVEL_ROW),
                   display=p.display, qualifier=p.qualifier, source=p.source_label, note=p.note or "",
                   comp=p.comp or "", currency=p.currency)
        amount = conv(p.amount, p.currency)
        if amount is None:
            other.append({**row, "amount": p.amount})
        else:
            points.append({**row, "amount": amount, "converted": p.currency != cur_code})
    team = pd.DataFrame(columns=["level", "name", "n", "p25", "p50", "p75"])
    if with_team:
        pct = percentiles(store, by="ladder_level", currency=cur_code, rates=rates_d or None)
        pct = pct[~pct["suppressed"] & pct["group"].isin(names)]
        team = pd.DataFrame({"level": pct["group"], "name": pct["label"], "n": pct["n"].astype("float64"),
                             "p25": pct["p25"], "p50": pct["p50"], "p75": pct["p75"]}).reset_index(drop=True)
    return {"bands": pd.DataFrame(bands, columns=["level", "name", "rank", "low", "high", "open", "band", "source", "note"]),
            "points": pd.DataFrame(points, columns=["label", "level", "name", "amount", "display", "qualifier", "source",
                                                    "note", "comp", "currency", "converted"]),
            "team": team,
            "other_points": pd.DataFrame(other, columns=["label", "level", "name", "amount", "display", "qualifier",
                                                         "source", "note", "comp", "currency"]),
            "levels": [lv.name for lv in levels] + [NO_LEVEL_ROW],
            "currency": cur_code}


# -- tables for people (page and exports) --------------------------------------------------------
def percentile_table(df: pd.DataFrame, group_title: str) -> pd.DataFrame:
    """Return percentiles() as display strings; suppressed groups read 'fewer than N — hidden' and carry no figures.

    The 'Converted from' column appears only when some group includes converted currencies.
    """
    out = []
    for r in _records(df):
        ccy = r["currency"]
        hidden = bool(r["suppressed"])

        def cell(k):
            return "hidden" if hidden else money(r[k], ccy)

        out.append({group_title: r["label"], "Currency": ccy,
                    "Rows": f"{r['n_label']} — hidden" if hidden else r["n_label"],
                    "P10": cell("p10"), "P25": cell("p25"), "Median": cell("p50"), "P75": cell("p75"), "P90": cell("p90"),
                    "Base (median)": cell("base"), "Stock (median)": cell("stock"), "Bonus (median)": cell("bonus"),
                    "Converted from": r.get("converted_from") or ""})
    cols = [group_title, "Currency", "Rows", "P10", "P25", "Median", "P75", "P90", "Base (median)", "Stock (median)",
            "Bonus (median)", "Converted from"]
    table = pd.DataFrame(out, columns=cols)
    if not table["Converted from"].astype(bool).any():
        table = table.drop(columns=["Converted from"])
    return table


def offers_table(comparisons: list[OfferComparison]) -> pd.DataFrame:
    """Return compared packages side by side (one column per package) as display strings."""
    def pct(v):
        return "—" if v is None else f"{v:.0%}"

    table = {}
    for c in comparisons:
        level = (c.level_name or "—") + (" (from pay)" if c.level_inferred else "")
        table[c.label] = {
            "Base": money(c.base, c.currency), "Stock per year": money(c.stock, c.currency),
            "Bonus": money(c.bonus, c.currency), "Sign-on per year (÷4)": money(c.sign_on_per_year, c.currency),
            "Yearly total": money(c.yearly_total, c.currency), "Level": level, "Band": c.band_label or "—",
            "Position in band": pct(c.band_position) if c.band_position is not None else ("open band" if c.band_label and c.band_label.endswith("+") and c.level_name else "—"),
            "Team percentile": pct(c.team_percentile) if c.team_percentile is not None else (f"{c.team_n_label} rows — hidden" if c.team_n_label not in (None, "0") else "no team rows"),
            "Gap to next level's band": "—" if c.gap_to_next is None else money(c.gap_to_next, c.band_currency or c.currency),
        }
    return pd.DataFrame(table)
