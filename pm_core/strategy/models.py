"""Strategy models: the vision statement, PESTLE boards, market sizings and competitive grids, with their scales.

Every input model validates on the way in and names the field in its message (StrategyError, an
InputError, carries one message per field). Links are http(s) only (validators.http_url); text goes
through text.clean_text, so nothing reaches a page or an export that the escapers have not seen.
"""
from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import InputError, from_pydantic
from ..text import LONG_MAX, clean_text
from ..validators import finite_number, http_url

# The six PESTLE factors, in the order the acronym reads.
FACTORS: dict[str, str] = {
    "political": "Political", "economic": "Economic", "social": "Social",
    "technological": "Technological", "legal": "Legal", "environmental": "Environmental",
}
# Declared scales: an entry's impact (how much it would change the plan) and likelihood (how sure it is).
IMPACT_SCALE: dict[int, str] = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}
LIKELIHOOD_SCALE: dict[int, str] = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
# A competitive grid's scores: 1 (weak) to 5 (leading) on each criterion.
SCORE_SCALE: dict[int, str] = {1: "Weak", 2: "Below par", 3: "At par", 4: "Strong", 5: "Leading"}
SCOPES: dict[str, str] = {"market": "Market", "initiative": "Initiative"}
METHODS: dict[str, str] = {"top_down": "Top-down", "bottom_up": "Bottom-up"}
LEVELS: dict[str, str] = {"tam": "TAM", "sam": "SAM", "som": "SOM"}
LEVEL_WORDS: dict[str, str] = {"tam": "total addressable market", "sam": "serviceable addressable market",
                               "som": "serviceable obtainable market"}
SHARE_BASES: dict[str, str] = {"none": "Not used", **LEVELS}
KINDS: dict[str, str] = {"pestle": "PESTLE board", "sizing": "Market sizing", "grid": "Competitive grid"}
_LINKISH = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S*$")
SUMMARY_MAX = 300   # one sentence the executive briefing shows
VISION_MAX = 600
MAX_ENTRIES = 60
MAX_CRITERIA = 12
MAX_COMPETITORS = 20


class StrategyError(InputError):
    """Strategy input that cannot be used; `.errors` names each field ('summary', 'entries.2.impact')."""


def _text(v: Any, what: str, *, required: bool = False, max_len: int = 200) -> str:
    return clean_text(v, what, required=required, max_len=max_len)


def _scale(v: Any, what: str, scale: dict[int, str]) -> int:
    x = finite_number(v, what)
    if x != int(x) or int(x) not in scale:
        words = ", ".join(f"{k} {w.lower()}" for k, w in scale.items())
        raise ValueError(f"the {what} must be a whole number from {min(scale)} to {max(scale)} ({words}), got {v!r}")
    return int(x)


def _choice(v: Any, what: str, choices: dict[str, str]) -> str:
    key = str(v or "").strip().lower().replace("-", "_").replace(" ", "_")
    by_label = {label.lower().replace("-", "_").replace(" ", "_"): k for k, label in choices.items()}
    key = by_label.get(key, key)
    if key not in choices:
        raise ValueError(f"the {what} must be one of {', '.join(choices)}, got {str(v)[:40]!r}")
    return key


# Field validators built once: a model names its field, the words its messages use and the rule, and the
# check is the one function above (so every text, scale and choice field reports the same way).
def _text_field(*fields: str, what: str, required: bool = False, max_len: int = 200) -> Any:
    """Return a pydantic 'before' validator for `fields`: clean text named `what` ('' when blank unless required)."""
    def check(cls, v: Any) -> str:
        return _text(v, what, required=required, max_len=max_len)
    return field_validator(*fields, mode="before")(check)


def _scale_field(field: str, what: str, scale: dict[int, str]) -> Any:
    """Return a pydantic 'before' validator for `field`: a whole number on `scale`, refused in words otherwise."""
    def check(cls, v: Any) -> int:
        return _scale(v, what, scale)
    return field_validator(field, mode="before")(check)


def _choice_field(field: str, what: str, choices: dict[str, str], default: str | None = None) -> Any:
    """Return a pydantic 'before' validator for `field`: a key of `choices` (or its label); a blank value is `default` when given."""
    def check(cls, v: Any) -> str:
        return _choice(v if default is None else (v or default), what, choices)
    return field_validator(field, mode="before")(check)


def validate(cls: type[BaseModel], data: Any, what: str) -> Any:
    """Return `data` validated as `cls`; StrategyError naming each bad field (prefixed by `what`) otherwise."""
    if isinstance(data, cls):
        return data
    try:
        out = cls.model_validate(data)
    except ValidationError as exc:
        problems = from_pydantic(exc, StrategyError).errors
    else:
        # Checks across fields run after each field's own, so every message names its field.
        problems = out.problems() if hasattr(out, "problems") else {}
    if problems:
        raise StrategyError(f"{what}: " + "; ".join(f"{field_label(k)}: {v}" for k, v in problems.items()), problems)
    return out


# Field names as the forms label them, for messages (errors keep the field names as keys).
FIELD_LABELS: dict[str, str] = {
    "tam": "TAM", "sam": "SAM", "som": "SOM", "sam_share": "SAM share", "som_share": "SOM share",
    "units": "units", "price": "price", "unit_label": "unit", "share_basis": "market share basis",
    "initiative_id": "initiative", "title": "entry", "evidence": "evidence", "evidence.url": "source link",
    "evidence.note": "evidence note",
}


def field_label(field: str) -> str:
    """Return a field's name as people read it ('sources.0.url' -> 'source 1 link'); unknown names as they are."""
    parts = field.split(".")
    if len(parts) == 3 and parts[0] == "sources" and parts[1].isdigit():
        return f"source {int(parts[1]) + 1} {'link' if parts[2] == 'url' else parts[2]}"
    return FIELD_LABELS.get(field, field.replace("_", " "))


class Evidence(BaseModel):
    """Where a claim comes from: a source link (http/https only), a note, or both."""

    model_config = ConfigDict(str_strip_whitespace=True)

    url: str = ""
    note: str = ""

    @field_validator("url", mode="before")
    @classmethod
    def _url(cls, v: Any) -> str:
        return http_url(v, "source link")

    _note = _text_field("note", what="evidence note", max_len=2000)

    @property
    def empty(self) -> bool:
        """Return True when neither a link nor a note is given."""
        return not self.url and not self.note


class StatementIn(BaseModel):
    """The workspace's product vision (one statement) and its strategy narrative (paragraphs)."""

    vision: str = ""
    narrative: str = ""

    _vision = _text_field("vision", what="vision statement", max_len=VISION_MAX)
    _narrative = _text_field("narrative", what="strategy narrative", max_len=LONG_MAX)


class PestleEntry(BaseModel):
    """One factor entry: what is happening, its evidence, impact and likelihood on the declared scales."""

    id: str = ""
    factor: str
    title: str
    evidence: Evidence = Field(default_factory=Evidence)
    impact: int
    likelihood: int

    _factor = _choice_field("factor", "factor", FACTORS)
    _title = _text_field("title", what="entry", required=True, max_len=300)
    _impact = _scale_field("impact", "impact", IMPACT_SCALE)
    _likelihood = _scale_field("likelihood", "likelihood", LIKELIHOOD_SCALE)

    def problems(self) -> dict[str, str]:
        """Return {field: message} of checks across fields (evidence needs a link or a note)."""
        return {"evidence": "give a source link or a note for every entry"} if self.evidence.empty else {}

    @property
    def weight(self) -> int:
        """Return impact × likelihood (1-25), the order entries are shown in."""
        return self.impact * self.likelihood


class PestleIn(BaseModel):
    """A PESTLE board's header: what it covers (a market, or an initiative by id) and its one-sentence summary."""

    name: str
    scope: str = "market"
    initiative_id: str | None = None
    summary: str = ""

    _name = _text_field("name", what="market or initiative name", required=True)
    _scope = _choice_field("scope", "scope", SCOPES)

    @field_validator("initiative_id", mode="before")
    @classmethod
    def _initiative(cls, v: Any) -> str | None:
        return _text(v, "initiative") or None

    @field_validator("summary", mode="before")
    @classmethod
    def _summary(cls, v: Any) -> str:
        text = _text(v, "summary", max_len=SUMMARY_MAX)
        if "\n" in text:
            raise ValueError("the summary is one sentence for the executive briefing; remove the line breaks")
        return text

    @model_validator(mode="after")
    def _market_has_no_initiative(self) -> "PestleIn":
        if self.scope == "market":
            self.initiative_id = None
        return self

    def problems(self) -> dict[str, str]:
        """Return {field: message} of checks across fields (an initiative board names its initiative)."""
        if self.scope == "initiative" and not self.initiative_id:
            return {"initiative_id": "choose the initiative this board covers"}
        return {}


class Pestle(PestleIn):
    """A stored PESTLE board with its entries."""

    id: str
    entries: list[PestleEntry] = Field(default_factory=list)
    archived: bool = False
    updated_by: str | None = None

    def by_factor(self) -> dict[str, list[PestleEntry]]:
        """Return {factor: entries, heaviest (impact × likelihood) first}; every factor present, empty ones []."""
        out: dict[str, list[PestleEntry]] = {f: [] for f in FACTORS}
        for e in self.entries:
            out[e.factor].append(e)
        for f in out:
            out[f].sort(key=lambda e: (-e.weight, e.title.lower()))
        return out


def _amount(v: Any, what: str) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    return finite_number(v, what, lo=0)


def _share(v: Any, what: str) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, str) and v.strip().endswith("%"):
        return finite_number(v.strip()[:-1], what, lo=0, hi=100) / 100
    return finite_number(v, what, lo=0, hi=1)


class SizingIn(BaseModel):
    """A market sizing as an editor enters it: annual money figures (top-down) or units × price × shares (bottom-up).

    Top-down gives TAM, SAM and SOM directly. Bottom-up gives the units in the whole market (people,
    companies, trips...), the annual price per unit, and the shares of units that are serviceable (SAM)
    and obtainable (SOM, a share of SAM). share_basis names the level that stands in for market size in
    the Market share KPI when no market-size series is imported ('none': this sizing does not).
    """

    market: str
    method: str = "top_down"
    tam: float | None = None
    sam: float | None = None
    som: float | None = None
    units: float | None = None
    unit_label: str = "customers"
    price: float | None = None
    sam_share: float | None = None
    som_share: float | None = None
    assumptions: str = ""
    sources: list[Evidence] = Field(default_factory=list)
    share_basis: str = "none"

    _market = _text_field("market", what="market", required=True)
    _method = _choice_field("method", "method", METHODS)
    _basis = _choice_field("share_basis", "market share basis", SHARE_BASES, default="none")

    @field_validator("tam", "sam", "som", "units", "price", mode="before")
    @classmethod
    def _amounts(cls, v: Any, info) -> float | None:
        return _amount(v, info.field_name.upper() if info.field_name in LEVELS else info.field_name)

    @field_validator("sam_share", "som_share", mode="before")
    @classmethod
    def _shares(cls, v: Any, info) -> float | None:
        return _share(v, info.field_name.replace("_", " ").replace("sam", "SAM").replace("som", "SOM"))

    @field_validator("unit_label", mode="before")
    @classmethod
    def _unit_label(cls, v: Any) -> str:
        return _text(v, "unit", max_len=60) or "customers"

    _assumptions = _text_field("assumptions", what="assumptions", max_len=LONG_MAX)

    @field_validator("sources", mode="before")
    @classmethod
    def _sources(cls, v: Any) -> list:
        # a typed line that looks like a link ('scheme:...' without spaces) is checked as one, so
        # 'javascript:alert(1)' is refused rather than kept as a note; any other line is a note
        rows = [s for s in (v or []) if s not in (None, "", {}) and not (isinstance(s, str) and not s.strip())]
        return [({"url": s} if _LINKISH.match(s.strip()) else {"note": s}) if isinstance(s, str) else s for s in rows]

    @model_validator(mode="after")
    def _drop_other_method(self) -> "SizingIn":
        # the figures of the method not chosen are dropped, so a stored sizing never shows two answers
        if self.method == "top_down":
            self.units = self.price = self.sam_share = self.som_share = None
        else:
            self.tam = self.sam = self.som = None
        return self

    def problems(self) -> dict[str, str]:
        """Return {field: message} of checks across fields: the chosen method's figures, SOM ≤ SAM ≤ TAM."""
        errors: dict[str, str] = {}
        if self.method == "top_down":
            for lv in LEVELS:
                if getattr(self, lv) is None:
                    errors[lv] = f"a top-down sizing needs the {LEVELS[lv]} ({LEVEL_WORDS[lv]}) a year"
            if not errors:
                if self.sam > self.tam:
                    errors["sam"] = f"the SAM ({self.sam:,.0f}) cannot be larger than the TAM ({self.tam:,.0f})"
                elif self.som > self.sam:
                    errors["som"] = f"the SOM ({self.som:,.0f}) cannot be larger than the SAM ({self.sam:,.0f})"
        else:
            for f, words in (("units", f"the number of {self.unit_label} in the whole market"),
                             ("price", f"the annual revenue per one of the {self.unit_label}"),
                             ("sam_share", "the share of them you can serve (SAM share, 0-100%)"),
                             ("som_share", "the share of the SAM you can win (SOM share, 0-100%)")):
                if getattr(self, f) is None:
                    errors[f] = f"a bottom-up sizing needs {words}"
        return errors


class Sizing(SizingIn):
    """A stored market sizing."""

    id: str
    archived: bool = False
    updated_by: str | None = None


class GridIn(BaseModel):
    """A competitive grid's shape: its name, competitors (rows) and criteria (columns)."""

    name: str
    competitors: list[str]
    criteria: list[str]

    _name = _text_field("name", what="grid name", required=True)

    @field_validator("competitors", "criteria", mode="before")
    @classmethod
    def _names(cls, v: Any, info) -> list[str]:
        what = "competitor" if info.field_name == "competitors" else "criterion"
        raw = v.splitlines() if isinstance(v, str) else list(v or [])
        out: list[str] = []
        for i, item in enumerate(raw, start=1):
            try:
                t = _text(item, what, max_len=80)
            except ValueError as exc:
                raise ValueError(f"line {i}: {exc}") from None
            if t and t.lower() in {o.lower() for o in out}:
                raise ValueError(f"line {i}: {t!r} is listed twice")
            if t:
                out.append(t)
        limit = MAX_COMPETITORS if what == "competitor" else MAX_CRITERIA
        if not out:
            raise ValueError(f"list at least one {what}, one a line")
        if len(out) > limit:
            raise ValueError(f"keep the grid to {limit} {info.field_name} (it has {len(out)})")
        return out


class Cell(BaseModel):
    """One competitor on one criterion: a score on SCORE_SCALE (or none yet) and a note."""

    score: int | None = None
    note: str = ""

    @field_validator("score", mode="before")
    @classmethod
    def _score(cls, v: Any) -> int | None:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        return _scale(v, "score", SCORE_SCALE)

    _note = _text_field("note", what="note", max_len=500)


class Grid(GridIn):
    """A stored competitive grid; cells[competitor][criterion] (missing = not scored yet)."""

    id: str
    cells: dict[str, dict[str, Cell]] = Field(default_factory=dict)
    archived: bool = False
    updated_by: str | None = None

    def cell(self, competitor: str, criterion: str) -> Cell:
        """Return one cell (an empty Cell when it was never scored)."""
        return self.cells.get(competitor, {}).get(criterion) or Cell()
