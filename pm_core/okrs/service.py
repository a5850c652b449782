"""OKRs: objectives and key results whose linked values update themselves from imported data.

Key result types and their progress (0..1, always clamped):
- increase_to / decrease_to: (current - baseline) / (target - baseline). The same formula covers a
  falling target (baseline above target); a zero-width range (target == baseline) is refused when
  the KR is saved, and the direction must match the type.
- stay_above / stay_below: 1 while the current value holds the line (>= / <= target), 0 once breached.
- milestone: 1 when done (value 1), else 0.

A KR's current value is its latest check-in (by the day it describes, then by when it was made).
A KR may be linked to data, shown as a `link` string:
- `kpi:<key>` — a KPI from `pm_core.kpi_defs`, computed by `pm_core.metrics.compute_kpi` for the
  OKR's period (e.g. retention for 2026-Q3), optionally for a segment `property=value[,property=value]`;
- `events:<event>:<N>d` — the count of `<event>` events in the N days ending on the last day with
  data inside the period (e.g. `events:booking_completed:28d` = bookings over 28 days). If the data
  does not cover the whole window the value is refused ("not enough data"), never a partial count.
Creating a linked KR records a first check-in (source 'link'); every import re-computes linked KRs
and adds a check-in (source 'import', naming the import) when the value changed.

Expected progress is linear from period start to end on `today` (Viva Goals' pace). Status:
- Off track: progress < 60% of expected, or confidence <= 3.
- On track: progress >= 90% of expected and confidence >= 5 (or no confidence given yet).
- At risk: anything in between.
stay_above/below use holding/breached instead of pace; a milestone not yet done is judged on
confidence alone until the period ends, then it is off track. A KR with no value yet is 'no_data'.
Grades (0.0-1.0) are the progress at the end of the period; 0.6-0.7 is the sweet spot for ambitious
OKRs (Google's guidance: consistently scoring 1.0 means the goals were not ambitious enough).
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from .. import audit
from ..auth import Actor, require_editor
from ..formatting import fmt_int, fmt_value
from ..kpi_defs import KPI_BY_KEY, PILLARS
from ..periods import Period, PeriodError, custom, parse_period, quarter_of
from ..store import Store, new_id, utcnow
from ..store import okrs_store as db
from ..text import LONG_MAX, clean_text
from ..validators import finite_number

KrType = Literal["increase_to", "decrease_to", "stay_above", "stay_below", "milestone"]
KR_TYPES: tuple[str, ...] = ("increase_to", "decrease_to", "stay_above", "stay_below", "milestone")
KR_TYPE_LABELS = {"increase_to": "Increase to", "decrease_to": "Decrease to", "stay_above": "Stay above",
                  "stay_below": "Stay below", "milestone": "Milestone (done / not done)"}
UNITS = ("number", "fraction", "count", "users", "currency", "days", "score", "nps", "ratio", "done")

STATUSES = ("on_track", "at_risk", "off_track", "no_data")
STATUS_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track", "no_data": "No check-in yet"}
# The thresholds are shown on the page (thresholds_text) so nobody has to guess how a status is set.
ON_TRACK_PACE = 0.9
OFF_TRACK_PACE = 0.6
ON_TRACK_CONFIDENCE = 5
OFF_TRACK_CONFIDENCE = 3
SWEET_SPOT = (0.6, 0.7)

_LINK_RE = re.compile(r"^(?:kpi:(?P<kpi>[a-z_]+)|events:(?P<event>[^:]+):(?P<days>\d+)d)$")
_SEG_KEY_RE = re.compile(r"^[A-Za-z0-9_.\- ]{1,64}$")
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


class OkrInputError(ValueError):
    """Input that cannot be saved; `.errors` maps each field name to a message a person can act on."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


def _from_pydantic(exc: ValidationError) -> OkrInputError:
    errors: dict[str, str] = {}
    for e in exc.errors():
        field = ".".join(str(p) for p in e.get("loc", ())) or "form"
        msg = str(e.get("msg", "invalid")).removeprefix("Value error, ")
        errors.setdefault(field, msg)
    return OkrInputError(errors)


def _validate(model: type[BaseModel], data: Any) -> Any:
    if isinstance(data, model):
        data = data.model_dump()
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _from_pydantic(exc) from None


# -- inputs ------------------------------------------------------------------------------------
def parse_segment(text: str | None) -> dict[str, str] | None:
    """Return {'platform': 'iOS'} for 'platform=iOS' (comma separates several); None for empty; ValueError when malformed."""
    if text is None or not str(text).strip():
        return None
    out: dict[str, str] = {}
    for part in str(text).split(","):
        if "=" not in part:
            raise ValueError(f"segment {text!r}: write it as property=value, e.g. platform=iOS")
        k, v = (s.strip() for s in part.split("=", 1))
        if not _SEG_KEY_RE.match(k) or not v:
            raise ValueError(f"segment {text!r}: '{part.strip()}' needs a property name and a value, e.g. platform=iOS")
        out[k] = v
    return out


def parse_link(text: str | None) -> dict[str, Any]:
    """Return {'kpi', 'event_name', 'window_days'} for 'kpi:KEY', 'events:EVENT:Nd' or None/'manual' (all None)."""
    if text is None or str(text).strip() in {"", "manual"}:
        return {"kpi": None, "event_name": None, "window_days": None}
    if str(text).strip().startswith("ai:"):  # an AI metric, 'ai:<feature>:precision' (issue 18)
        from .. import ai

        ai.parse_metric_link(str(text).strip())
        return {"kpi": str(text).strip(), "event_name": None, "window_days": None}
    m = _LINK_RE.match(str(text).strip())
    if not m:
        raise ValueError(f"link {text!r}: use kpi:<key> (e.g. kpi:retention) or events:<event>:<days>d "
                         "(e.g. events:booking_completed:28d)")
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
            from .. import ai

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
        return None if seg is None else ",".join(f"{k}={val}" for k, val in seg.items())

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


# -- views -------------------------------------------------------------------------------------
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


# -- pure maths ----------------------------------------------------------------------------------
def _clamp(x: float) -> float:
    return min(1.0, max(0.0, x))


def kr_progress(kr_type: str, baseline: float, target: float, current: float | None) -> float:
    """Return progress 0..1 for a KR type; None (no value yet) is 0; a zero-width range raises ValueError."""
    if current is None:
        return 0.0
    if kr_type == "milestone":
        return 1.0 if current >= 1 else 0.0
    if kr_type == "stay_above":
        return 1.0 if current >= target else 0.0
    if kr_type == "stay_below":
        return 1.0 if current <= target else 0.0
    width = target - baseline
    if width == 0:
        raise ValueError("target equals baseline: a zero-width range has no progress")
    return _clamp((current - baseline) / width)


def kr_status(kr_type: str, progress: float, expected: float, confidence: float | None,
              has_value: bool, period_over: bool) -> str:
    """Return on_track / at_risk / off_track / no_data from pace and confidence (thresholds in the module docstring)."""
    if not has_value:
        return "no_data"
    if kr_type in ("stay_above", "stay_below"):
        pace_ok, pace_bad = progress >= 1.0, progress < 1.0
    elif kr_type == "milestone":
        done = progress >= 1.0
        pace_ok, pace_bad = done or not period_over, (not done) and period_over
    else:
        pace_ok, pace_bad = progress >= ON_TRACK_PACE * expected, progress < OFF_TRACK_PACE * expected
    if pace_bad or (confidence is not None and confidence <= OFF_TRACK_CONFIDENCE):
        return "off_track"
    if pace_ok and (confidence is None or confidence >= ON_TRACK_CONFIDENCE):
        return "on_track"
    return "at_risk"


def weighted_mean(values: list[float], weights: list[float]) -> float | None:
    """Return the weighted mean, or None when there is nothing to average."""
    total = sum(weights)
    if not values or total <= 0:
        return None
    return sum(v * w for v, w in zip(values, weights)) / total


def grade_note(grade: float | None) -> str:
    """Return what a 0.0-1.0 grade means ('sweet spot' for 0.6-0.7); '' for None."""
    if grade is None:
        return ""
    if grade >= 0.9:
        return "fully delivered — check the goal was ambitious enough"
    if grade > SWEET_SPOT[1]:
        return "strong result, above the 0.6–0.7 sweet spot"
    if grade >= SWEET_SPOT[0]:
        return "in the 0.6–0.7 sweet spot for ambitious OKRs"
    if grade >= 0.4:
        return "partial progress, below the 0.6–0.7 sweet spot"
    return "missed"


def thresholds_text() -> str:
    """Return the status rules in one paragraph, for the page and the docs."""
    return (f"On track: progress at least {ON_TRACK_PACE:.0%} of the expected pace and confidence "
            f"{ON_TRACK_CONFIDENCE}/10 or more (or not given). Off track: progress under "
            f"{OFF_TRACK_PACE:.0%} of the expected pace, or confidence {OFF_TRACK_CONFIDENCE}/10 or less. "
            "At risk: in between. Expected pace grows linearly from the first to the last day of the period. "
            "Stay above/below KRs are on track while holding; a milestone is judged on confidence until the "
            f"period ends. Grades are the progress at the end of the period; {SWEET_SPOT[0]}–{SWEET_SPOT[1]} is "
            "the sweet spot for ambitious goals.")


# -- periods -------------------------------------------------------------------------------------
def resolve_period(store: Store, label: str) -> Period:
    """Return the Period for a quarter/month/year label or a custom period stored in the workspace; OkrInputError if unknown."""
    try:
        p = parse_period(label)
        if not p.is_all:
            return p
    except PeriodError:
        pass
    found = db.get_custom_period(store, label)
    if found is None:
        raise OkrInputError({"period": f"unknown period {label!r}: use a quarter (2026-Q3), a month (2026-07), "
                                       "a year (2026) or a custom period created first"})
    return custom(found[0], found[1], label=label)


def create_period(store: Store, actor: Actor, label: str, start: dt.date, end_inclusive: dt.date) -> str:
    """Create a custom OKR period and return its label; refuses reversed dates, a taken label or a standard label."""
    require_editor(actor)
    errors = {}
    try:
        label = clean_text(label, "period name", required=True, empty="give the period a name, e.g. 'H2 2026 launch'")
    except ValueError as exc:
        errors["label"], label = str(exc), ""
    if label:
        try:
            parse_period(label)
            errors["label"] = f"{label!r} already names a standard period; choose another name"
        except PeriodError:
            if db.get_custom_period(store, label) is not None:
                errors["label"] = f"a period called {label!r} already exists"
    if end_inclusive < start:
        errors["end"] = f"the period ends ({end_inclusive}) before it starts ({start})"
    if errors:
        raise OkrInputError(errors)
    with store.transaction("okrs") as cur:
        db.insert_period(cur, label, start, end_inclusive, actor.email, utcnow())
        audit.record(cur, actor, "create", "okr_period", label, label, f"{start} – {end_inclusive}")
    return label


def _period_sort_key(p: Period) -> tuple:
    return (p.start, p.end, p.label)


def okr_periods(store: Store) -> list[str]:
    """Return the labels of periods that have objectives or were created, oldest first."""
    labels = set(db.periods_in_use(store)) | {r["label"] for r in db.custom_periods(store)}
    periods = []
    for lab in labels:
        try:
            periods.append(resolve_period(store, lab))
        except OkrInputError:
            continue
    return [p.label for p in sorted(periods, key=_period_sort_key)]


def default_period(store: Store, today: dt.date | None = None) -> str:
    """Return the period to show first: the latest in-use period containing today, else the latest in use, else today's quarter."""
    today = today or dt.date.today()
    labels = okr_periods(store)
    in_use = set(db.periods_in_use(store))
    used = [lab for lab in labels if lab in in_use]
    containing = [lab for lab in used if resolve_period(store, lab).contains(today)]
    if containing:
        return containing[-1]
    if used:
        return used[-1]
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


# -- linked values -------------------------------------------------------------------------------
def _as_of(period: Period, today: dt.date) -> dt.date:
    last = period.end - dt.timedelta(days=1)
    return max(period.start, min(today, last))


def linked_value(store: Store, kpi: str | None, event_name: str | None, window_days: int | None,
                 segment: str | None, period: Period, today: dt.date | None = None) -> tuple[float | None, str | None]:
    """Return (value, note) of a KR's linked data for a period; value None with the reason when the data cannot say."""
    value, note, _ = _linked(store, kpi, event_name, window_days, segment, period, today or dt.date.today())
    return value, note


def _linked(store: Store, kpi: str | None, event_name: str | None, window_days: int | None, segment: str | None,
            period: Period, today: dt.date) -> tuple[float | None, str | None, dt.date]:
    """Return (value, note, the day the value describes) for a linked KR."""
    seg = parse_segment(segment)
    as_of = _as_of(period, today)
    if kpi and kpi.startswith("ai:"):  # the feature's latest evaluation (issue 18)
        from .. import ai

        value, note = ai.metric_value(store, kpi)
        return value, note, as_of
    if kpi:
        if period.kind == "custom":
            return None, f"KPIs are computed for months, quarters and years, not the custom period {period.label}", as_of
        from .. import metrics

        res = metrics.compute_kpi(store, kpi, period=period.label, segment=seg)
        value = res.value
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None, res.note or f"no value for {kpi} in {period.label}", as_of
        return float(value), res.note, as_of
    if event_name:
        last_day = db.last_event_day(store)
        if last_day is None:
            return None, "not enough data: no events imported yet", as_of
        end_day = min(as_of, last_day)
        if end_day < period.start:
            return None, f"not enough data: no events in {period.label} yet (last event {last_day})", as_of
        start_day = end_day - dt.timedelta(days=window_days - 1)
        first_day = db.first_event_day(store)
        if first_day is not None and first_day > start_day:
            return None, (f"not enough data: the {window_days}-day window {start_day} – {end_day} starts before "
                          f"the first event ({first_day})"), as_of
        n = db.event_count(store, event_name, start_day, end_day + dt.timedelta(days=1), seg)
        return float(n), f"{window_days} days {start_day} – {end_day}", end_day
    return None, None, as_of


def previous_period_value(store: Store, period: str, link: str | None, segment: str | None = None,
                          today: dt.date | None = None) -> tuple[float | None, str]:
    """Return (value, words) of a link's data for the period before `period` — a baseline suggestion; None when unknown."""
    try:
        parts = parse_link(link)
        seg_ok = parse_segment(segment)  # noqa: F841  (validates before any query)
    except ValueError as exc:
        return None, str(exc)
    if not (parts["kpi"] or parts["event_name"]):
        return None, "a manual key result has no data to take a baseline from"
    prev = resolve_period(store, period).previous()
    if prev is None:
        return None, f"{period} has no previous period of the same kind"
    value, note = linked_value(store, parts["kpi"], parts["event_name"], parts["window_days"], segment, prev, today)
    if value is None:
        return None, f"no value for {prev.label}: {note}"
    return value, f"value for {prev.label}" + (f" ({note})" if note else "")


def _source_definition(kpi: str | None, event_name: str | None, window_days: int | None, segment: str | None) -> str | None:
    seg = f" Segment: {segment}." if segment else ""
    if kpi and kpi.startswith("ai:"):
        return f"AI metric {kpi[3:]}: from the feature's latest evaluation at its agreed threshold.{seg}"
    if kpi:
        d = KPI_BY_KEY[kpi]
        return f"{d.label}: {d.definition}{seg}"
    if event_name:
        return (f"Count of '{event_name}' events in the {window_days} days ending on the last day with data "
                f"inside the period (UTC).{seg}")
    return None


def _short_name(title: str, kpi: str | None, event_name: str | None) -> str:
    if kpi:
        return kpi.replace("_", " ")
    if event_name:
        return event_name.replace("_", " ")
    if len(title) <= 40:
        return f"'{title}'"
    return "'" + title[:40].rsplit(" ", 1)[0] + "…'"


# -- reads -------------------------------------------------------------------------------------
def _opt(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def _date(v: Any) -> dt.date | None:
    v = _opt(v)
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    return v.date() if hasattr(v, "date") else dt.date.fromisoformat(str(v)[:10])


def _build_views(store: Store, period: str, today: dt.date) -> list[ObjectiveView]:
    per = resolve_period(store, period)
    expected = per.fraction_elapsed(today) or 0.0
    over = today >= per.end
    objs = db.objectives(store, period)
    krs = db.key_results(store, period)
    cis = db.checkins(store, period=period)
    by_kr: dict[str, list[dict]] = {}
    for rec in cis:
        by_kr.setdefault(rec["kr_id"], []).append(rec)
    kr_views: dict[str, list[KeyResultView]] = {}
    for k in krs:
        hist = by_kr.get(k["id"], [])
        last = hist[-1] if hist else None
        current = float(last["value"]) if last else None
        if k["kr_type"] == "milestone" and current is None:
            current = 0.0  # a milestone nobody has checked in on is simply not done yet
        conf = next((int(h["confidence"]) for h in reversed(hist) if _opt(h["confidence"]) is not None), None)
        prog = kr_progress(k["kr_type"], float(k["baseline"]), float(k["target"]), current)
        status = kr_status(k["kr_type"], prog, expected, conf, current is not None, over)
        kpi, ev, wd, seg = _opt(k["kpi_key"]), _opt(k["event_name"]), _opt(k["window_days"]), _opt(k["segment"])
        wd = int(wd) if wd is not None else None
        kr_views.setdefault(k["objective_id"], []).append(KeyResultView(
            id=k["id"], objective_id=k["objective_id"], title=k["title"], type=k["kr_type"],
            baseline=float(k["baseline"]), target=float(k["target"]), unit=k["unit"], weight=float(k["weight"]),
            kpi=kpi, link=link_text(kpi, ev, wd), segment=seg, due_date=_date(k["due_date"]), owner=_opt(k["owner"]),
            current=current, current_as_of=_date(last["as_of"]) if last else None,
            progress=prog, expected=expected, status=status, confidence=conf,
            grade=round(prog, 2) if over else None,
            sparkline=[float(h["value"]) for h in hist[-20:]], checkins=len(hist),
            source_definition=_source_definition(kpi, ev, wd, seg), short_name=_short_name(k["title"], kpi, ev)))
    out = []
    for o in objs:
        ks = kr_views.get(o["id"], [])
        ws = [k.weight for k in ks]
        prog = weighted_mean([k.progress for k in ks], ws) or 0.0
        confs = [(k.confidence, k.weight) for k in ks if k.confidence is not None]
        conf = weighted_mean([c for c, _ in confs], [w for _, w in confs])
        conf = round(conf, 1) if conf is not None else None
        if not ks or all(k.status == "no_data" for k in ks):
            status = "no_data"
        else:
            status = kr_status("increase_to", prog, expected, conf, True, over)
        grade = weighted_mean([k.grade for k in ks], ws) if over and ks else None
        out.append(ObjectiveView(
            id=o["id"], title=o["title"], description=_opt(o["description"]), owner=_opt(o["owner"]),
            pillar=_opt(o["pillar"]), period=o["period"], parent_id=_opt(o["parent_id"]), progress=prog,
            expected=expected, status=status, confidence=conf,
            grade=round(grade, 2) if grade is not None else None, key_results=ks))
    return out


def list_okrs(store: Store, period: str | None = None, today: dt.date | None = None, pillar: str | None = None,
              owner: str | None = None, status: str | None = None) -> list[ObjectiveView]:
    """Return the period's active objectives with KRs and computed progress/expected/status/grade/confidence.

    period None means default_period(today). The status filter keeps only KRs with that status (and
    objectives with at least one); objective figures still cover all their KRs. Owner matches the
    objective's or a KR's owner.
    """
    today = today or dt.date.today()
    period = period or default_period(store, today)
    views = _build_views(store, period, today)
    out = []
    for o in views:
        if pillar and o.pillar != pillar:
            continue
        if owner and o.owner != owner and not any(k.owner == owner for k in o.key_results):
            continue
        if status:
            ks = [k for k in o.key_results if k.status == status]
            if not ks:
                continue
            o = o.model_copy(update={"key_results": ks})
        out.append(o)
    return out


def okr_status_counts(store: Store, period: str, today: dt.date | None = None) -> dict[str, int]:
    """Return {status: number of KRs} for the period, every status present (zeros included)."""
    return _counts(list_okrs(store, period, today))


def _counts(views: list[ObjectiveView]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for o in views:
        for k in o.key_results:
            counts[k.status] += 1
    return counts


def okr_page_data(store: Store, period: str, today: dt.date | None = None) -> dict:
    """Return {'objectives', 'summary', 'counts'} for a period computed from one read (what the page shows first)."""
    today = today or dt.date.today()
    views = list_okrs(store, period, today)
    return {"objectives": views, "summary": _summary(views, resolve_period(store, period), today),
            "counts": _counts(views)}


def targets_by_kpi(store: Store, period: str) -> dict[str, float]:
    """Return {kpi key: target} from the period's active KRs linked to a KPI without a segment (first created wins)."""
    out: dict[str, float] = {}
    for k in db.key_results(store, period):
        key = _opt(k["kpi_key"])
        if key and _opt(k["segment"]) is None and key not in out:
            out[key] = float(k["target"])
    return out


def _change_text(k: KeyResultView) -> str:
    if k.type == "milestone":
        return "not done yet" if k.progress < 1 else "done"
    if k.current is None:
        return "no value yet"
    if k.type in ("stay_above", "stay_below"):
        side = "above" if k.type == "stay_above" else "below"
        state = "holding" if k.progress >= 1 else "breached"
        return f"{state}: {_fmt(k.current, k.unit)} vs {side} {_fmt(k.target, k.unit)}"
    if k.baseline != 0:
        got = (k.current - k.baseline) / abs(k.baseline)
        want = (k.target - k.baseline) / abs(k.baseline)
        return f"{got * 100:+.1f}% of {want * 100:+.1f}%"
    return f"{_fmt(k.current, k.unit)} of {_fmt(k.target, k.unit)}"


def _fmt(v: float | None, unit: str) -> str:
    if unit == "count":
        return fmt_int(v)
    if unit == "done":
        return "done" if v and v >= 1 else "not done"
    return fmt_value(v, unit) if unit != "number" else ("—" if v is None else f"{v:,.4g}")


def format_kr_value(v: float | None, unit: str) -> str:
    """Return a KR value formatted for its unit ('12.4%', '1,234', 'done'); None -> '—'."""
    return _fmt(v, unit)


def okr_summary(store: Store, period: str, today: dt.date | None = None) -> str:
    """Return the executive line, e.g. '4 of 6 KRs on track; retention KR at risk: +2.1% of +5.0% with 40% of the quarter left'."""
    today = today or dt.date.today()
    return _summary(list_okrs(store, period, today), resolve_period(store, period), today)


def _summary(objs: list[ObjectiveView], per: Period, today: dt.date) -> str:
    krs = [k for o in objs for k in o.key_results]
    name = per.describe() if per.kind != "custom" else per.label
    if not krs:
        return f"No key results for {name} yet."
    span = {"quarter": "quarter", "month": "month", "year": "year"}.get(per.kind, "period")
    frac = per.fraction_elapsed(today) or 0.0
    if today >= per.end:
        when = f"at the end of the {span}"
    elif today < per.start:
        when = f"before the {span} starts"
    else:
        when = f"with {1 - frac:.0%} of the {span} left"
    on = sum(k.status == "on_track" for k in krs)
    parts = [f"{on} of {len(krs)} KRs on track"]
    rank = {"off_track": 0, "at_risk": 1}
    flagged = sorted((k for k in krs if k.status in rank), key=lambda k: (rank[k.status], -k.weight))
    for k in flagged[:2]:
        parts.append(f"{k.short_name} KR {STATUS_LABELS[k.status].lower()}: {_change_text(k)} {when}")
    if len(flagged) > 2:
        parts.append(f"{len(flagged) - 2} more need attention")
    line = "; ".join(parts)
    if today >= per.end:
        grades = [o.grade for o in objs if o.grade is not None]
        if grades:
            g = sum(grades) / len(grades)
            line = f"{name} is over, average grade {g:.2f} ({grade_note(g)}); " + line
    return line


def get_checkins(store: Store, kr_id: str) -> list[Checkin]:
    """Return a KR's check-ins, oldest first by the day they describe (empty when none)."""
    return [_checkin_from(r) for r in db.checkins(store, kr_id=kr_id)]


def _checkin_from(r: dict) -> Checkin:
    return Checkin(id=r["id"], kr_id=r["kr_id"], value=float(r["value"]),
                   confidence=None if _opt(r["confidence"]) is None else int(r["confidence"]),
                   comment=_opt(r["comment"]), source=r["source"], import_id=_opt(r["import_id"]),
                   import_file=_opt(r.get("import_file")), as_of=_date(r["as_of"]), author=r["author"],
                   created_at=r["created_at"], edited_by=_opt(r.get("edited_by")))


def get_objective(store: Store, obj_id: str) -> dict | None:
    """Return an objective's stored fields (archived ones too; missing values as None), or None."""
    o = db.get_objective(store, obj_id)
    return None if o is None else {key: _opt(v) for key, v in o.items()}


def get_key_result(store: Store, kr_id: str) -> dict | None:
    """Return a KR's stored fields plus its objective's period and its link string, or None."""
    k = db.get_key_result(store, kr_id)
    if k is None:
        return None
    k = {key: _opt(v) for key, v in k.items()}
    k["due_date"] = _date(k["due_date"])
    k["link"] = link_text(k["kpi_key"], k["event_name"], int(k["window_days"]) if k["window_days"] else None)
    return k


# -- writes --------------------------------------------------------------------------------------
def _check_objective_refs(store: Store, data: ObjectiveIn, own_id: str | None = None) -> Period:
    per = resolve_period(store, data.period)
    if data.parent_id:
        seen = {own_id} if own_id else set()
        pid = data.parent_id
        while pid:
            if pid in seen:
                raise OkrInputError({"parent_id": "an objective cannot be its own parent (directly or through others)"})
            parent = db.get_objective(store, pid)
            if parent is None:
                raise OkrInputError({"parent_id": f"no objective with id {pid!r}"})
            seen.add(pid)
            pid = _opt(parent["parent_id"])
    return per


def create_objective(store: Store, actor: Actor, data: ObjectiveIn | dict) -> str:
    """Validate and save an objective; returns its id. Unknown period or parent -> OkrInputError naming the field."""
    require_editor(actor)
    obj = _validate(ObjectiveIn, data)
    _check_objective_refs(store, obj)
    oid = new_id("obj_")
    now = utcnow()
    with store.transaction("okrs") as cur:
        db.insert_objective(cur, {**obj.model_dump(), "id": oid, "archived": False, "position": 0,
                                  "created_by": actor.email, "created_at": now,
                                  "updated_by": actor.email, "updated_at": now})
        audit.record(cur, actor, "create", "objective", oid, obj.title, audit.filled(obj.model_dump()))
    return oid


def update_objective(store: Store, actor: Actor, obj_id: str, data: ObjectiveIn | dict) -> None:
    """Replace an objective's fields; refuses an unknown id, a parent loop, or moving KRs' due dates out of the period."""
    require_editor(actor)
    obj = _validate(ObjectiveIn, data)
    old = db.get_objective(store, obj_id)
    if old is None:
        raise OkrInputError({"id": f"no objective with id {obj_id!r}"})
    per = _check_objective_refs(store, obj, own_id=obj_id)
    for k in db.key_results(store):
        due = _date(k["due_date"])
        if k["objective_id"] == obj_id and due and not per.contains(due):
            raise OkrInputError({"period": f"key result '{k['title']}' is due {due}, outside {per.label}; change it first"})
    new = obj.model_dump()
    with store.transaction("okrs") as cur:
        db.update_objective(cur, obj_id, new, actor.email, utcnow())
        audit.record(cur, actor, "edit", "objective", obj_id, obj.title,
                     audit.changes({k: _opt(v) for k, v in old.items()}, new))


def archive_objective(store: Store, actor: Actor, obj_id: str) -> None:
    """Archive an objective and its key results (kept, hidden from lists); unknown id -> OkrInputError."""
    require_editor(actor)
    old = db.get_objective(store, obj_id)
    if old is None:
        raise OkrInputError({"id": f"no objective with id {obj_id!r}"})
    now = utcnow()
    with store.transaction("okrs") as cur:
        db.update_objective(cur, obj_id, {"archived": True}, actor.email, now)
        db.archive_key_results_of(cur, obj_id, actor.email, now)
        audit.record(cur, actor, "archive", "objective", obj_id, old["title"],
                     f"archived with its key results ({old['period']})")


def _check_kr_refs(store: Store, kr: KeyResultIn) -> Period:
    obj = db.get_objective(store, kr.objective_id)
    if obj is None:
        raise OkrInputError({"objective_id": f"no objective with id {kr.objective_id!r}"})
    if obj["archived"]:
        raise OkrInputError({"objective_id": f"objective '{obj['title']}' is archived"})
    per = resolve_period(store, obj["period"])
    if kr.due_date and not per.contains(kr.due_date):
        last = per.end - dt.timedelta(days=1)
        raise OkrInputError({"due_date": f"{kr.due_date} is outside the period {per.label} ({per.start} – {last})"})
    return per


def _kr_row(kr: KeyResultIn) -> dict:
    d = kr.model_dump()
    return {"objective_id": d["objective_id"], "title": d["title"], "kr_type": d["kr_type"],
            "baseline": d["baseline"], "target": d["target"], "unit": d["unit"], "weight": d["weight"],
            "kpi_key": d["kpi"], "event_name": d["event_name"], "window_days": d["window_days"],
            "segment": d["segment"], "due_date": d["due_date"], "owner": d["owner"] or None}


def _link_checkin(store: Store, actor: Actor, kr_id: str, kr: KeyResultIn, per: Period, today: dt.date,
                  source: str, import_id: str | None = None, comment: str | None = None) -> dict | None:
    value, note, day = _linked(store, kr.kpi, kr.event_name, kr.window_days, kr.segment, per, today)
    if value is None:
        return None
    return {"id": new_id("ci_"), "kr_id": kr_id, "value": value, "confidence": None,
            "comment": comment or (f"From data ({note})" if note else "From data"), "source": source,
            "import_id": import_id, "as_of": day, "author": actor.email, "created_at": utcnow()}


def create_key_result(store: Store, actor: Actor, data: KeyResultIn | dict, today: dt.date | None = None) -> str:
    """Validate and save a KR; a linked KR also gets a first check-in from the data (none if the data cannot say). Returns its id."""
    require_editor(actor)
    kr = _validate(KeyResultIn, data)
    per = _check_kr_refs(store, kr)
    kid = new_id("kr_")
    now = utcnow()
    first = _link_checkin(store, actor, kid, kr, per, today or dt.date.today(), "link")
    row = _kr_row(kr)
    with store.transaction("okrs") as cur:
        db.insert_key_result(cur, {**row, "id": kid, "archived": False, "position": 0,
                                   "created_by": actor.email, "created_at": now,
                                   "updated_by": actor.email, "updated_at": now})
        audit.record(cur, actor, "create", "key_result", kid, kr.title, audit.filled(row))
        if first:
            db.insert_checkin(cur, first)
            _audit_auto_checkin(cur, actor, first, kr.title, kr.unit)
    return kid


def update_key_result(store: Store, actor: Actor, kr_id: str, data: KeyResultIn | dict, today: dt.date | None = None) -> None:
    """Replace a KR's fields; when its link changes, a check-in from the new link is added if the data has a value."""
    require_editor(actor)
    kr = _validate(KeyResultIn, data)
    old = db.get_key_result(store, kr_id)
    if old is None:
        raise OkrInputError({"id": f"no key result with id {kr_id!r}"})
    per = _check_kr_refs(store, kr)
    row = _kr_row(kr)
    link_changed = any(_opt(old[c]) != row[c] for c in ("kpi_key", "event_name", "window_days", "segment")) or \
        old["objective_id"] != kr.objective_id
    ci = _link_checkin(store, actor, kr_id, kr, per, today or dt.date.today(), "link") if link_changed else None
    with store.transaction("okrs") as cur:
        db.update_key_result(cur, kr_id, row, actor.email, utcnow())
        audit.record(cur, actor, "edit", "key_result", kr_id, kr.title,
                     audit.changes({c: _opt(old[c]) for c in row}, row))
        if ci:
            db.insert_checkin(cur, ci)
            _audit_auto_checkin(cur, actor, ci, kr.title, kr.unit)


def archive_key_result(store: Store, actor: Actor, kr_id: str) -> None:
    """Archive a KR (kept with its check-ins, hidden from lists); unknown id -> OkrInputError."""
    require_editor(actor)
    old = db.get_key_result(store, kr_id)
    if old is None:
        raise OkrInputError({"id": f"no key result with id {kr_id!r}"})
    with store.transaction("okrs") as cur:
        db.update_key_result(cur, kr_id, {"archived": True}, actor.email, utcnow())
        audit.record(cur, actor, "archive", "key_result", kr_id, old["title"], "archived (its check-ins are kept)")


def checkin_summary(value: float, unit: str, confidence: int | None = None, comment: str | None = None,
                    as_of: dt.date | None = None) -> str:
    """Return a check-in in words for the audit log: 'value 23.5% (confidence 7), as of 2026-07-10: comment'."""
    text = f"value {format_kr_value(value, unit)}"
    if confidence is not None:
        text += f" (confidence {confidence})"
    if as_of is not None:
        text += f", as of {as_of}"
    if comment:
        text += f": {audit.show(comment)}"
    return text


def _audit_auto_checkin(cur, actor: Actor, row: dict, title: str, unit: str) -> None:
    """Record a check-in computed from data (on linking, after an import or its deletion, or a history fill)."""
    audit.record(cur, actor, "auto_check_in", "check_in", row["id"], title,
                 checkin_summary(row["value"], unit, None, row["comment"], row["as_of"]))


def _check_checkin(store: Store, kr: dict, ci: CheckinIn, today: dt.date) -> tuple[CheckinIn, dt.date]:
    per = resolve_period(store, kr["period"])
    as_of = ci.as_of or _as_of(per, today)
    if not per.contains(as_of):
        last = per.end - dt.timedelta(days=1)
        raise OkrInputError({"as_of": f"{as_of} is outside the period {per.label} ({per.start} – {last})"})
    if kr["kr_type"] == "milestone" and ci.value not in (0, 1):
        raise OkrInputError({"value": "a milestone check-in is 1 (done) or 0 (not done)"})
    try:
        _check_value(ci.value, kr.get("unit") or "number", "value")
    except ValueError as exc:
        raise OkrInputError({"value": str(exc)}) from None
    return ci, as_of


def add_checkin(store: Store, actor: Actor, kr_id: str, value: float, confidence: int | None = None,
                comment: str | None = None, as_of: dt.date | None = None, today: dt.date | None = None) -> Checkin:
    """Record a manual check-in (as_of defaults to today, kept inside the period) and return it; archived/unknown KR refused."""
    require_editor(actor)
    ci = _validate(CheckinIn, {"value": value, "confidence": confidence, "comment": comment, "as_of": as_of})
    kr = db.get_key_result(store, kr_id)
    if kr is None:
        raise OkrInputError({"kr_id": f"no key result with id {kr_id!r}"})
    if kr["archived"]:
        raise OkrInputError({"kr_id": f"key result '{kr['title']}' is archived"})
    ci, day = _check_checkin(store, kr, ci, today or dt.date.today())
    row = {"id": new_id("ci_"), "kr_id": kr_id, "value": ci.value, "confidence": ci.confidence,
           "comment": ci.comment, "source": "manual", "import_id": None, "as_of": day,
           "author": actor.email, "created_at": utcnow()}
    with store.transaction("okrs") as cur:
        db.insert_checkin(cur, row)
        audit.record(cur, actor, "check_in", "check_in", row["id"], kr["title"],
                     checkin_summary(row["value"], kr["unit"], row["confidence"], row["comment"], day))
    return Checkin(**row)


def edit_checkin(store: Store, actor: Actor, checkin_id: str, value: float, confidence: int | None = None,
                 comment: str | None = None, as_of: dt.date | None = None) -> None:
    """Replace a check-in's value, confidence, comment and day (any source; the editor is recorded)."""
    require_editor(actor)
    old = db.get_checkin(store, checkin_id)
    if old is None:
        raise OkrInputError({"checkin_id": f"no check-in with id {checkin_id!r}"})
    ci = _validate(CheckinIn, {"value": value, "confidence": confidence, "comment": comment,
                               "as_of": as_of or _date(old["as_of"])})
    kr = db.get_key_result(store, old["kr_id"])
    ci, day = _check_checkin(store, kr, ci, dt.date.today())
    new = {"value": ci.value, "confidence": ci.confidence, "comment": ci.comment, "as_of": day}
    shown = lambda d: {**d, "value": format_kr_value(d["value"], kr["unit"])}  # noqa: E731
    with store.transaction("okrs") as cur:
        db.update_checkin(cur, checkin_id, new, actor.email, utcnow())
        audit.record(cur, actor, "edit", "check_in", checkin_id, kr["title"],
                     audit.changes(shown({c: _opt(old[c]) for c in new} | {"as_of": _date(old["as_of"])}), shown(new)))


def delete_checkin(store: Store, actor: Actor, checkin_id: str) -> None:
    """Delete a check-in; an unknown id -> OkrInputError."""
    require_editor(actor)
    old = db.get_checkin(store, checkin_id)
    if old is None:
        raise OkrInputError({"checkin_id": f"no check-in with id {checkin_id!r}"})
    kr = db.get_key_result(store, old["kr_id"]) or {"title": old["kr_id"], "unit": "number"}
    with store.transaction("okrs") as cur:
        db.delete_checkin(cur, checkin_id)
        audit.record(cur, actor, "delete", "check_in", checkin_id, kr["title"],
                     checkin_summary(old["value"], kr["unit"], _opt(old["confidence"]), _opt(old["comment"]),
                                     _date(old["as_of"])))


def _kr_in_from_row(k: dict) -> KeyResultIn:
    return KeyResultIn(objective_id=k["objective_id"], title=k["title"], kr_type=k["kr_type"],
                       baseline=float(k["baseline"]), target=float(k["target"]), unit=k["unit"],
                       weight=float(k["weight"]), kpi=_opt(k["kpi_key"]), event_name=_opt(k["event_name"]),
                       window_days=None if _opt(k["window_days"]) is None else int(k["window_days"]),
                       segment=_opt(k["segment"]), due_date=_date(k["due_date"]), owner=_opt(k["owner"]) or "")


def auto_checkins_after_import(store: Store, actor: Actor, import_id: str, today: dt.date | None = None,
                               file_name: str | None = None, comment: str | None = None) -> list[Checkin]:
    """Re-compute every active linked KR and add an 'import' check-in naming import_id where the value changed; returns them.

    After an import is deleted its provenance is gone, so the caller passes the file name and a
    comment saying the rows were removed.

    A KR whose data cannot give a value (e.g. no events in its period yet), or whose stored link no
    longer validates, is left alone. KRs of ended periods are updated too: late data (e.g. the last
    cohorts of a quarter reaching week 4) legitimately moves a grade.
    """
    require_editor(actor)
    today = today or dt.date.today()
    linked = db.linked_key_results(store)
    if not linked:
        return []
    latest = db.latest_checkin_values(store, [k["id"] for k in linked])
    file_name = file_name or db.import_file_name(store, import_id) or import_id
    rows = []
    for k in linked:
        try:
            kr = _kr_in_from_row(k)
            per = resolve_period(store, k["period"])
            ci = _link_checkin(store, actor, k["id"], kr, per, today, "import", import_id,
                               comment=comment or f"Updated by import {file_name}")
        except ValueError:
            # One KR whose stored link no longer validates (e.g. its custom period was removed) must not
            # lose the import's result for everyone else; it keeps its last value.
            continue
        if ci is None:
            continue
        prev = latest.get(k["id"])
        if prev is not None and math.isclose(prev, ci["value"], rel_tol=1e-9, abs_tol=1e-12):
            continue
        rows.append((ci, k))
    if rows:
        with store.transaction("okrs") as cur:
            for r, k in rows:
                db.insert_checkin(cur, r)
                _audit_auto_checkin(cur, actor, r, k["title"], k["unit"])
    return [Checkin(**r, import_file=file_name) for r, _ in rows]


def backfill_linked(store: Store, actor: Actor, kr_id: str, every_days: int = 7, today: dt.date | None = None) -> list[Checkin]:
    """Add 'link' check-ins computed from the data every N days of the period up to today (event-count links only); returns them.

    Days that already have a check-in, or where the data gives no value, are skipped. A KPI link is
    refused: KPIs are computed for the whole period, so they have no honest value part-way through it.
    """
    require_editor(actor)
    k = db.get_key_result(store, kr_id)
    if k is None:
        raise OkrInputError({"kr_id": f"no key result with id {kr_id!r}"})
    if _opt(k["event_name"]) is None:
        raise OkrInputError({"kr_id": "history can be filled from data only for a KR linked to an event count"})
    if not 1 <= every_days <= 92:
        raise OkrInputError({"every_days": "choose a step of 1 to 92 days"})
    kr = _kr_in_from_row(k)
    per = resolve_period(store, k["period"])
    stop = _as_of(per, today or dt.date.today())
    have = {c.as_of for c in get_checkins(store, kr_id)}
    rows, day = [], per.start + dt.timedelta(days=every_days - 1)
    while day <= stop:
        ci = _link_checkin(store, actor, kr_id, kr, per, day, "link", comment="From data (history)")
        if ci and ci["as_of"] == day and day not in have:
            rows.append(ci)
        day += dt.timedelta(days=every_days)
    if rows:
        with store.transaction("okrs") as cur:
            for r in rows:
                db.insert_checkin(cur, r)
                _audit_auto_checkin(cur, actor, r, k["title"], k["unit"])
    return [Checkin(**r) for r in rows]


# -- demo ----------------------------------------------------------------------------------------
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


def kpi_targets(store: Store, period: str = "all", today: dt.date | None = None) -> dict[str, dict]:
    """Return KPI key -> {'target', 'okr_period'} from key results linked to a KPI, for the quarter the period falls in.

    'all' uses the default OKR period (the one containing today); a month uses its quarter; empty
    when no key result links a KPI. (An OKR question, so it lives here: metrics does not import okrs.)
    """
    p = parse_period(period)
    if p.is_all:
        label = default_period(store, today)
    elif p.kind == "month":
        label = quarter_of(p.start).label
    else:
        label = p.label
    return {k: {"target": float(v), "okr_period": label} for k, v in targets_by_kpi(store, label).items()}
