"""Roadmap models: what an initiative holds, the scales its scores use, and what a listing returns."""
from __future__ import annotations

from ..errors import InputError

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..kpi_defs import PILLARS
from ..text import LONG_MAX, clean_text
from ..validators import finite_number

STATUSES = ("idea", "discovery", "planned", "in_progress", "launched", "measured")
STATUS_LABELS = {"idea": "Idea", "discovery": "Discovery", "planned": "Planned", "in_progress": "In progress",
                 "launched": "Launched", "measured": "Measured"}
HEALTHS = ("on_track", "at_risk", "off_track")
HEALTH_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}
BUCKETS = ("now", "next", "later")
BUCKET_LABELS = {"now": "Now", "next": "Next", "later": "Later", "shipped": "Shipped"}
RICE_IMPACTS = (0.25, 0.5, 1.0, 2.0, 3.0)
METHODS = ("rice", "ice", "value_effort", "weighted")
METHOD_LABELS = {"rice": "RICE", "ice": "ICE", "value_effort": "Value / effort", "weighted": "Weighted"}
# Inputs the weighted score normalises; effort counts against an initiative, the rest for it.
WEIGHT_INPUTS = ("reach", "impact", "confidence", "value", "ease", "effort")
DEFAULT_WEIGHTS = {"reach": 1.0, "impact": 1.0, "confidence": 1.0, "value": 1.0, "ease": 0.0, "effort": 1.0}


class RoadmapError(InputError):
    """Input the roadmap refuses; the message names the initiative, field or task and what to change."""


class UserStory(BaseModel):
    """'As a <as_a>, I want <i_want>, so that <so_that>.'"""

    as_a: str
    i_want: str
    so_that: str

    @field_validator("as_a", "i_want", "so_that")
    @classmethod
    def _not_blank(cls, v: str, info) -> str:
        return clean_text(v, info.field_name.replace("_", " "), max_len=1000, required=True,
                          empty="every part of a user story (as a / I want / so that) is needed")


class Milestone(BaseModel):
    """A dated milestone on an initiative's timeline ('Beta to 10% of hosts')."""

    date: dt.date
    label: str = Field(min_length=1)

    @field_validator("label")
    @classmethod
    def _label(cls, v: str) -> str:
        return clean_text(v, "milestone label", required=True)


def _range(name: str, v: float | None, lo: float, hi: float, lo_open: bool = False) -> float | None:
    if v is None:
        return None
    v = finite_number(v, name)
    bad = (v <= lo if lo_open else v < lo) or v > hi
    if bad:
        left = "(" if lo_open else "["
        raise ValueError(f"{name} must be in {left}{lo:g}, {hi:g}], got {v:g}")
    return float(v)


class _InitiativeDetails(BaseModel):
    """The launch, scoring, cost, Jira and PRD fields an initiative's input and its view share."""

    launch_date: dt.date | None = None
    reach: float | None = None
    impact: float | None = None
    confidence: float | None = None
    effort: float | None = None
    ice_impact: float | None = None
    ice_confidence: float | None = None
    ice_ease: float | None = None
    value: float | None = None
    cost: float | None = None
    gain: float | None = None
    jira_epic: str | None = None
    jira_label: str | None = None
    user_stories: list[UserStory] = Field(default_factory=list)
    out_of_scope: str = ""
    milestones: list[Milestone] = Field(default_factory=list)


class InitiativeIn(_InitiativeDetails):
    """An initiative as an editor enters it; validators refuse values outside each field's scale."""

    model_config = ConfigDict(str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200)
    problem: str = ""
    hypothesis: str = ""
    solution: str = ""
    pillar: str | None = None
    team: str | None = None
    status: str = "idea"
    health: str = "on_track"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    bucket: str | None = None

    @field_validator("pillar", "team", "bucket", "jira_epic", "jira_label", mode="before")
    @classmethod
    def _blank_is_none(cls, v: Any) -> Any:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        return clean_text(v, "title", required=True)

    @field_validator("team", "jira_epic", "jira_label")
    @classmethod
    def _short_text(cls, v: str | None, info) -> str | None:
        return clean_text(v, info.field_name.replace("_", " ")) or None

    @field_validator("problem", "hypothesis", "solution", "out_of_scope")
    @classmethod
    def _long_text(cls, v: str, info) -> str:
        return clean_text(v, info.field_name.replace("_", " "), max_len=LONG_MAX)

    @field_validator("pillar")
    @classmethod
    def _pillar(cls, v: str | None) -> str | None:
        if v is not None and v not in PILLARS:
            raise ValueError(f"pillar must be one of {', '.join(PILLARS)}, got {v!r}")
        return v

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        v = v.strip().lower().replace(" ", "_")
        if v not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {v!r}")
        return v

    @field_validator("health")
    @classmethod
    def _health(cls, v: str) -> str:
        v = v.strip().lower().replace(" ", "_")
        if v not in HEALTHS:
            raise ValueError(f"health must be one of {', '.join(HEALTHS)}, got {v!r}")
        return v

    @field_validator("bucket")
    @classmethod
    def _bucket(cls, v: str | None) -> str | None:
        if v is None:
            return None
        v = v.strip().lower()
        if v not in BUCKETS:
            raise ValueError(f"bucket must be one of now, next, later, got {v!r}")
        return v

    @field_validator("reach")
    @classmethod
    def _reach(cls, v):
        return _range("reach (users per quarter)", v, 0, 1e12)

    @field_validator("impact")
    @classmethod
    def _impact(cls, v):
        if v is not None and float(v) not in RICE_IMPACTS:
            raise ValueError(f"impact (RICE) must be one of 0.25, 0.5, 1, 2, 3, got {v:g}")
        return None if v is None else float(v)

    @field_validator("confidence")
    @classmethod
    def _confidence(cls, v):
        return _range("confidence (RICE, %)", v, 0, 100)

    @field_validator("effort")
    @classmethod
    def _effort(cls, v):
        return _range("effort (person-months)", v, 0, 1e6, lo_open=True)

    @field_validator("ice_impact", "ice_confidence", "ice_ease", "value")
    @classmethod
    def _one_to_ten(cls, v, info):
        names = {"ice_impact": "ICE impact", "ice_confidence": "ICE confidence", "ice_ease": "ICE ease",
                 "value": "value"}
        return _range(names[info.field_name], v, 1, 10)

    @field_validator("cost", "gain")
    @classmethod
    def _money(cls, v, info):
        return _range(info.field_name, v, 0, 1e15)

    @model_validator(mode="after")
    def _dates(self) -> "InitiativeIn":
        if (self.start_date is None) != (self.end_date is None):
            raise ValueError("give both a start and an end date, or neither (and a Now / Next / Later bucket)")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError(f"end date {self.end_date} is before start date {self.start_date}")
        if self.status in ("launched", "measured") and self.launch_date is None and self.end_date is None:
            raise ValueError(f"a {self.status} initiative needs a launch date (used for its outcome check)")
        return self


def parse_initiative(data: dict | InitiativeIn) -> InitiativeIn:
    """Return a validated InitiativeIn; raise RoadmapError whose message names each bad field and its range."""
    if isinstance(data, InitiativeIn):
        return data
    try:
        return InitiativeIn.model_validate(data)
    except ValidationError as exc:
        title = data.get("title") if isinstance(data, dict) else None
        parts = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "initiative"
            msg = err["msg"].removeprefix("Value error, ")
            parts.append(f"{loc}: {msg}")
        who = f"initiative {title!r}" if title else "initiative"
        raise RoadmapError(f"{who}: " + "; ".join(parts)) from None


class InitiativeView(_InitiativeDetails):
    """An initiative as listed: stored fields plus scores, ranks, links, delivery progress and warnings."""

    id: str
    title: str
    problem: str = ""
    hypothesis: str = ""
    solution: str = ""
    pillar: str | None = None
    team: str | None = None
    status: str
    health: str
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    bucket: str | None = None
    board_bucket: str  # now | next | later | shipped: explicit bucket or derived from dates/status
    scores: dict[str, float | None] = Field(default_factory=dict)
    ranks: dict[str, int | None] = Field(default_factory=dict)
    rank_spread: int | None = None
    rank_flag: bool = False
    quadrant: str | None = None
    key_results: list[dict] = Field(default_factory=list)   # {id, title, objective_id, objective_title}
    kpis: list[str] = Field(default_factory=list)
    dependencies: list[str] = Field(default_factory=list)   # ids this initiative depends on
    jira_done: int | None = None
    jira_total: int | None = None
    warnings: list[str] = Field(default_factory=list)

    def input_fields(self) -> dict:
        """Return the stored, editable fields as a dict that InitiativeIn accepts."""
        return self.model_dump(include=set(InitiativeIn.model_fields))
