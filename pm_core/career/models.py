"""The career area's vocabulary: limits, the models (ladder level, reference point, offer), the guide's
defaults read from data/ and the small checks every career save shares. Imports nothing else of career.
"""
from __future__ import annotations

from ..errors import InputError

import json
import math
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, Field

from ..formatting import Unit, format_value
from ..text import LONG_MAX, clean_text
from ..validators import finite_number, iso_currency, yes_no

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

# The guide's defaults (ladder, reference points, level-map examples) and the self-assessment
# questions are data, not code: pm_core/career/data/.
_DATA = Path(__file__).parent / "data"
_DEFAULTS = json.loads((_DATA / "ladder.json").read_text(encoding="utf-8"))
DEFAULT_LADDER: list[dict] = _DEFAULTS["ladder"]
DEFAULT_REFERENCE_POINTS: list[dict] = _DEFAULTS["reference_points"]
DEFAULT_LEVEL_MAP: list[dict] = _DEFAULTS["level_map"]
SELF_ASSESSMENT: list[dict] = json.loads((_DATA / "self_assessment.json").read_text(encoding="utf-8"))["questions"]


def money(v: float | None, currency: str = "USD") -> str:
    """Return a pay figure compactly without a trailing '.0' ('$80K', '$1.2M', '£67K'); None -> '—'."""
    return format_value(v, Unit.CURRENCY, currency=currency, trim=True)


class CareerError(InputError):
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
        exact = format_value(self.amount, Unit.CURRENCY, currency=self.currency, compact=False)
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


def default_ladder() -> list[LadderLevel]:
    """Return the guide's ladder (US 2024 bands), APM to CPO, ordered by rank."""
    return [LadderLevel(**d) for d in DEFAULT_LADDER]


# -- shared checks and conversions -------------------------------------------------------------
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
        return yes_no(v) is True or v.strip() == "+"
    return bool(v)


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
