"""OKR inputs and stored shapes: key result types, units, value ranges, the input models and their errors.

No reads, no writes: everything above (maths, periods, links, views, service) builds on these."""
from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .. import ai, segments
from ..errors import InputError, from_pydantic
from ..formatting import Unit, human_name
from ..kpi_defs import KPI_BY_KEY, PILLARS
from ..segments import Segment
from ..periods import as_date_or_none
from ..text import LONG_MAX, clean_text
from ..validators import finite_number


KrType = Literal["increase_to", "decrease_to", "stay_above", "stay_below", "milestone"]


KR_TYPES: tuple[str, ...] = ("increase_to", "decrease_to", "stay_above", "stay_below", "milestone")


KR_TYPE_LABELS = {"increase_to": "Increase to", "decrease_to": "Decrease to", "stay_above": "Stay above",
                  "stay_below": "Stay below", "milestone": "Milestone (done / not done)"}


UNITS: tuple[Unit, ...] = (Unit.NUMBER, Unit.FRACTION, Unit.COUNT, Unit.USERS, Unit.CURRENCY, Unit.DAYS, Unit.SCORE,
                           Unit.NPS, Unit.RATIO, Unit.DONE)


STATUSES = ("on_track", "at_risk", "off_track", "no_data")


STATUS_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track", "no_data": "No check-in yet"}


# The thresholds are shown on the page (thresholds_text) so nobody has to guess how a status is set.
ON_TRACK_PACE = 0.9


OFF_TRACK_PACE = 0.6


ON_TRACK_CONFIDENCE = 5


OFF_TRACK_CONFIDENCE = 3


SWEET_SPOT = (0.6, 0.7)


_LINK_RE = re.compile(r"^(?:kpi:(?P<kpi>[a-z_]+)|events:(?P<event>[^:]+):(?P<days>\d+)d)$")


COMMENT_MAX = 2000


# The values a key result (baseline, target, check-in) may take, by unit. A percentage is a fraction
# (0.25 = 25%): -1000%..1000% covers any real change; beyond that it is a typo (1e15 was once stored).
# NPS runs from -100 to 100; every other unit is held to a trillion, above any count or amount a KR tracks.
VALUE_LIMIT = 1e12


UNIT_RANGES = {"fraction": (-10.0, 10.0), "nps": (-100.0, 100.0), "done": (0.0, 1.0)}


def value_range(unit: str) -> tuple[float, float]:
    """Return the (lowest, highest) value a key result in `unit` may hold."""
    return UNIT_RANGES.get(unit, (-VALUE_LIMIT, VALUE_LIMIT))


def _check_value(v: float, unit: str, what: str) -> float:
    lo, hi = value_range(unit)
    v = finite_number(v, what)
    if not lo <= v <= hi:
        if unit == "fraction":
            raise ValueError(f"the {what} of a percentage key result must be between -1000% and 1000% "
                             f"(as a fraction, -10 to 10; 0.25 = 25%), got {v:g}")
        raise ValueError(f"the {what} of a key result in {unit} must be between {lo:,g} and {hi:,g}, got {v:g}")
    return v


class OkrInputError(InputError):
    """Input that cannot be saved; `.errors` maps each field name to a message a person can act on."""


def _validate(model: type[BaseModel], data: Any) -> Any:
    if isinstance(data, model):
        data = data.model_dump()
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc, OkrInputError) from None


def parse_segment(text: str | None) -> Segment | None:
    """Return the Segment of a key result's segment text (pm_core.segments grammar); None for empty; SegmentError (a ValueError) when malformed."""
    return segments.parse(text) or None


def parse_link(text: str | None) -> dict[str, Any]:
    """Return {'kpi', 'event_name', 'window_days'} for 'kpi:KEY', 'events:EVENT:Nd' or None/'manual' (all None)."""
    if text is None or str(text).strip() in {"", "manual"}:
        return {"kpi": None, "event_name": None, "window_days": None}
    if str(text).strip().startswith("ai:"):  # an AI metric, 'ai:<feature>:precision' (issue 18)
        ai.parse_metric_link(str(text).strip())
        return {"kpi": str(text).strip(), "event_name": None, "window_days": None}
    m = _LINK_RE.match(str(text).strip())
    if not m:
        raise ValueError(f"link {text!r}: use kpi:<key> (e.g. kpi:retention) or events:<event>:<days>d "
                         "(e.g. events:purchase_completed:28d)")
    if m.group("kpi"):
        return {"kpi": m.group("kpi"), "event_name": None, "window_days": None}
    return {"kpi": None, "event_name": m.group("event"), "window_days": int(m.group("days"))}


def link_text(kpi: str | None, event_name: str | None, window_days: int | None) -> str | None:
    """Return the link string of a KR ('kpi:retention', 'events:booking_completed:28d') or None when manual."""
    if kpi:
        return kpi if kpi.startswith("ai:") else f"kpi:{kpi}"
    if event_name:
        return f"events:{event_name}:{window_days}d"
    return None


def link_label(link: str | None) -> str:
    """Return what a KR's link reads as for people ('kpi:conversion_rate' -> 'Conversion rate (KPI)',
    'events:booking_completed:28d' -> 'Booking completed events, 28 days'); no link reads 'Manual check-ins'."""
    if not link:
        return "Manual check-ins"
    if link.startswith("kpi:"):
        key = link[4:]
        return f"{KPI_BY_KEY[key].label} (KPI)" if key in KPI_BY_KEY else human_name(link)
    if link.startswith("events:"):
        _, _, rest = link.partition(":")
        event, _, window = rest.rpartition(":")
        days = window[:-1] if window.endswith("d") and window[:-1].isdigit() else None
        return f"{human_name(event or rest)} events" + (f", {days} days" if days else "")
    return human_name(link)


class ObjectiveIn(BaseModel):
    """What a person fills in for an objective."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")
    title: str
    period: str
    owner: str = ""
    pillar: str | None = None
    description: str = ""
    parent_id: str | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        return clean_text(v, "title", required=True, empty="give the objective a title")

    @field_validator("owner")
    @classmethod
    def _owner(cls, v: str) -> str:
        return clean_text(v, "owner")

    @field_validator("description")
    @classmethod
    def _description(cls, v: str) -> str:
        return clean_text(v, "description", max_len=LONG_MAX)

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        v = clean_text(v, "period")
        if not v or v.lower() == "all":
            raise ValueError("choose a period such as 2026-Q3 (a quarter), 2026-07 (a month) or a custom range")
        return v

    @field_validator("pillar")
    @classmethod
    def _pillar(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        if v not in PILLARS:
            raise ValueError(f"unknown pillar {v!r}; choose one of {', '.join(PILLARS)}")
        return v

    @field_validator("parent_id")
    @classmethod
    def _parent(cls, v: str | None) -> str | None:
        return v or None


class KeyResultIn(BaseModel):
    """What a person fills in for a key result; `link` ('kpi:retention', 'events:booking_completed:28d') may replace kpi/event_name/window_days."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")
    objective_id: str
    title: str
    kr_type: str = "increase_to"
    baseline: float = 0.0
    target: float = 1.0
    unit: str = ""
    weight: float = 1.0
    kpi: str | None = None
    event_name: str | None = None
    window_days: int | None = None
    segment: str | None = None
    due_date: dt.date | None = None
    owner: str = ""

    @model_validator(mode="before")
    @classmethod
    def _expand_link(cls, data: Any) -> Any:
        if isinstance(data, dict) and "link" in data:
            data = dict(data)
            link = data.pop("link")
            data.update(parse_link(link))
        return data

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        return clean_text(v, "title", required=True, empty="give the key result a title")

    @field_validator("owner")
    @classmethod
    def _owner(cls, v: str) -> str:
        return clean_text(v, "owner")

    @field_validator("kr_type")
    @classmethod
    def _type(cls, v: str) -> str:
        if v not in KR_TYPES:
            raise ValueError(f"unknown type {v!r}; choose one of {', '.join(KR_TYPES)}")
        return v

    @field_validator("baseline", "target")
    @classmethod
    def _finite(cls, v: float, info) -> float:
        return finite_number(v, info.field_name, lo=-VALUE_LIMIT, hi=VALUE_LIMIT)

    @field_validator("weight")
    @classmethod
    def _weight(cls, v: float) -> float:
        if not math.isfinite(v) or v <= 0 or v > 1000:
            raise ValueError(f"weight must be a positive number up to 1,000 (e.g. 1); got {v:g}")
        return v

    @field_validator("kpi")
    @classmethod
    def _kpi(cls, v: str | None) -> str | None:
        if not v:
            return None
        if v.startswith("ai:"):  # an AI metric (issue 18)
            ai.parse_metric_link(v)
            return v
        if v not in KPI_BY_KEY:
            raise ValueError(f"unknown KPI {v!r}; known KPIs: {', '.join(KPI_BY_KEY)}")
        return v

    @field_validator("event_name")
    @classmethod
    def _event(cls, v: str | None) -> str | None:
        return clean_text(v, "event name") or None

    @field_validator("segment")
    @classmethod
    def _segment(cls, v: str | None) -> str | None:
        seg = parse_segment(v)
        return None if seg is None else seg.text()

    @field_validator("unit")
    @classmethod
    def _unit(cls, v: str) -> str:
        if v and v not in UNITS:
            raise ValueError(f"unknown unit {v!r}; choose one of {', '.join(UNITS)}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "KeyResultIn":
        if self.kpi and self.event_name:
            raise ValueError("link the key result to a KPI or to an event count, not both")
        if self.event_name and (self.window_days is None or not 1 <= self.window_days <= 366):
            raise ValueError("an event-count link needs a window of 1 to 366 days (e.g. 28)")
        if not self.event_name:
            self.window_days = None
        if self.segment and not (self.kpi or self.event_name):
            raise ValueError("a segment filter only applies to a KR linked to a KPI or an event count")
        if self.kr_type == "milestone":
            if self.kpi or self.event_name:
                raise ValueError("a milestone is done or not done by hand; it cannot be linked to data")
            self.baseline, self.target, self.unit = 0.0, 1.0, "done"
        elif self.kr_type == "increase_to" and self.target <= self.baseline:
            raise ValueError(_direction_msg("increase to", self.baseline, self.target, "above", "decrease to"))
        elif self.kr_type == "decrease_to" and self.target >= self.baseline:
            raise ValueError(_direction_msg("decrease to", self.baseline, self.target, "below", "increase to"))
        if not self.unit:
            self.unit = ("fraction" if self.kpi.startswith("ai:") else KPI_BY_KEY[self.kpi].unit) if self.kpi else (
                "count" if self.event_name else "number")
        for what in ("baseline", "target"):
            _check_value(getattr(self, what), self.unit, what)
        return self


def _direction_msg(kind: str, baseline: float, target: float, side: str, other: str) -> str:
    if target == baseline:
        return f"target ({target:g}) must differ from the baseline ({baseline:g}): a zero-width range has no progress"
    return f"an '{kind}' key result needs a target {side} its baseline ({baseline:g}), got {target:g}; choose '{other}' instead"


class CheckinIn(BaseModel):
    """A check-in as a person writes it: value, confidence 0-10, comment, the day it describes."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")
    value: float
    confidence: int | None = None
    comment: str | None = None
    as_of: dt.date | None = None

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        return finite_number(v, "value")  # the range depends on the KR's unit: _check_checkin

    @field_validator("confidence", mode="before")
    @classmethod
    def _conf(cls, v: Any) -> Any:
        if v in (None, ""):
            return None
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"confidence must be a whole number from 0 to 10, got {v!r}") from None
        if not f.is_integer() or not 0 <= f <= 10:
            raise ValueError(f"confidence must be a whole number from 0 to 10, got {v!r}")
        return int(f)

    @field_validator("comment")
    @classmethod
    def _comment(cls, v: str | None) -> str | None:
        return clean_text(v, "comment", max_len=COMMENT_MAX) or None


class Checkin(BaseModel):
    """A stored check-in."""

    id: str
    kr_id: str
    value: float
    confidence: int | None = None
    comment: str | None = None
    source: str
    import_id: str | None = None
    import_file: str | None = None
    as_of: dt.date
    author: str
    created_at: dt.datetime
    edited_by: str | None = None


class KeyResultView(BaseModel):
    """A key result with everything computed for a given day."""

    id: str
    objective_id: str
    title: str
    type: str
    baseline: float
    target: float
    unit: str
    weight: float
    kpi: str | None
    link: str | None
    segment: str | None
    due_date: dt.date | None
    owner: str | None
    current: float | None
    current_as_of: dt.date | None
    progress: float
    expected: float
    status: str
    confidence: int | None
    grade: float | None
    sparkline: list[float]
    checkins: int
    source_definition: str | None
    short_name: str


class ObjectiveView(BaseModel):
    """An objective with its key results and their roll-up for a given day."""

    id: str
    title: str
    description: str | None
    owner: str | None
    pillar: str | None
    period: str
    parent_id: str | None
    progress: float
    expected: float
    status: str
    confidence: float | None
    grade: float | None
    key_results: list[KeyResultView]


def _opt(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def _date(v: Any) -> dt.date | None:
    return as_date_or_none(v)

