"""Stakeholder views: what each audience sees, in its own words, built from live data as a Briefing.

The six audiences (engineering, design, marketing, sales, support, executives) are data: which
metrics, in which order, which sections and which words. The defaults follow the guide's
stakeholder cheatsheet; editors can change them (stored in the workspace) and reset them.
`build_briefing` turns one audience + one period into a `Briefing` that the page, the presentation
mode and every export render; battle cards and the engineering debrief are sections of it.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .. import audit
from ..auth import Actor, require_editor
from ..briefing import (BulletsItem, ChartItem, Column, MetricItem, Section, TableItem, TextItem, Briefing)
from ..charts import audiences as charts
from ..formatting import as_number, fmt_change, fmt_days, fmt_pct
from ..kpi_defs import KPI_BY_KEY
from ..periods import Period, PeriodError, month, parse_period, quarter_of
from ..text import clean_lines, clean_text
from ..store import Store, utcnow
from ..store import audiences_store as q

AUDIENCE_IDS = ("engineering", "design", "marketing", "sales", "support", "executives")
DEFAULT_AUDIENCE = "executives"


class AudienceError(ValueError):
    """Input the audience views refuse (unknown audience, metric or section; empty text); the message names the field."""


# -- what can be shown ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MetricDef:
    """A metric an audience can show: a KPI, a metric series or a setting, with its words and unit."""

    key: str
    label: str
    unit: str            # fraction | currency | ms | int | score | users | days | nps | ratio
    definition: str
    source: str
    kind: str            # kpi | series | setting
    agg: str = "mean"    # how a series' monthly points combine over a period: sum | mean
    higher_is_better: bool = True


SERIES_DEFS: dict[str, MetricDef] = {m.key: m for m in [
    MetricDef("revenue", "Revenue", "currency", "Sum of the monthly revenue series over the period.",
              "metrics: revenue series", "series", "sum"),
    MetricDef("market_size", "Market size", "currency", "Sum of the monthly addressable-market series over the period.",
              "metrics: market size series", "series", "sum"),
    MetricDef("marketing_spend", "Marketing spend", "currency", "Sum of the monthly marketing spend series over the period.",
              "metrics: marketing spend series", "series", "sum", higher_is_better=False),
    MetricDef("leads", "Leads generated", "int", "Sum of the monthly leads series over the period.",
              "metrics: leads series", "series", "sum"),
    MetricDef("cac", "Customer acquisition cost", "currency",
              "Mean of the monthly customer acquisition cost series over the period.",
              "metrics: CAC series", "series", "mean", higher_is_better=False),
    MetricDef("uptime", "Uptime", "fraction", "Mean of the monthly uptime series (share of time the service was up).",
              "metrics: uptime series", "series", "mean"),
    MetricDef("p95_latency_ms", "p95 latency", "ms",
              "Mean over the period's months of the monthly 95th-percentile response time, in milliseconds.",
              "metrics: p95 latency series", "series", "mean", higher_is_better=False),
    MetricDef("stakeholder_pulse", "Stakeholder pulse", "score", "Mean of the stakeholder pulse series (1-5).",
              "metrics: stakeholder pulse series", "series", "mean"),
]}
SETTING_DEFS: dict[str, MetricDef] = {
    "gross_margin": MetricDef("gross_margin", "Gross margin (setting)", "fraction",
                              "The gross margin set in Settings and used for CLV; Pillars does not compute it from data.",
                              "settings: gross margin", "setting"),
}


def metric_catalog() -> dict[str, MetricDef]:
    """Return every metric an audience can show, keyed by id: the KPIs, the metric series and settings."""
    out = {k.key: MetricDef(k.key, k.label, k.unit, k.definition, k.source, "kpi", "mean", k.higher_is_better)
           for k in KPI_BY_KEY.values()}
    out.update(SERIES_DEFS)
    out.update(SETTING_DEFS)
    return out


SECTION_KINDS: dict[str, str] = {
    "metrics": "Headline numbers with change against the previous period and their definitions",
    "trends": "One monthly trend chart per charted metric",
    "okrs": "OKR progress for the period's quarter",
    "roadmap": "Top roadmap items with status, health, timing and delivery progress",
    "shipped": "What shipped in the period and what ships next",
    "risks": "Key results and initiatives at risk, and metrics moving the wrong way",
    "experiments": "A/B test results",
    "feedback": "Survey comments: themes and the latest comments",
    "known_issues": "Open bugs and the bug flow in the period",
    "battle_cards": "A battle card per launched or planned initiative",
    "debrief": "An engineering debrief per launched initiative",
}
ROADMAP_STATUSES = ("idea", "discovery", "planned", "in_progress", "launched", "measured")


class AudienceDef(BaseModel):
    """One audience's view: who, the concern it answers, its words, its metrics and its sections, in order."""

    model_config = ConfigDict(str_strip_whitespace=True)

    id: str
    name: str = Field(min_length=1, max_length=60)
    title: str = Field(min_length=1, max_length=160)        # the question the view answers
    concern: str = Field(min_length=1, max_length=300)      # what this audience worries about
    cares_about: list[str] = Field(default_factory=list)    # the artefacts and words they use
    metrics: list[str] = Field(default_factory=list)        # metric ids, in display order
    charts: list[str] = Field(default_factory=list)         # metric ids drawn as monthly trends
    sections: list[str] = Field(default_factory=list)       # section kinds, in order
    roadmap_statuses: list[str] = Field(default_factory=lambda: list(ROADMAP_STATUSES))
    max_items: int = Field(default=8, ge=1, le=50)          # rows per roadmap/table section

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if v not in AUDIENCE_IDS:
            raise ValueError(f"audience must be one of {', '.join(AUDIENCE_IDS)}, got {v!r}")
        return v

    @field_validator("name", "title", "concern")
    @classmethod
    def _text(cls, v: str, info) -> str:
        limit = {"name": 60, "title": 160, "concern": 300}[info.field_name]
        return clean_text(v, info.field_name, max_len=limit, required=True)

    @field_validator("cares_about")
    @classmethod
    def _words(cls, v: list[str]) -> list[str]:
        return clean_lines(v, "'what they look for' item")

    @field_validator("metrics", "charts")
    @classmethod
    def _metrics(cls, v: list[str]) -> list[str]:
        known = metric_catalog()
        bad = [m for m in v if m not in known]
        if bad:
            raise ValueError(f"unknown metric(s) {', '.join(map(repr, bad))}; known: {', '.join(sorted(known))}")
        return list(dict.fromkeys(v))

    @field_validator("sections")
    @classmethod
    def _sections(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if s not in SECTION_KINDS]
        if bad:
            raise ValueError(f"unknown section(s) {', '.join(map(repr, bad))}; known: {', '.join(SECTION_KINDS)}")
        if not v:
            raise ValueError("choose at least one section")
        return list(dict.fromkeys(v))

    @field_validator("roadmap_statuses")
    @classmethod
    def _statuses(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if s not in ROADMAP_STATUSES]
        if bad:
            raise ValueError(f"unknown roadmap status(es) {', '.join(map(repr, bad))}; known: {', '.join(ROADMAP_STATUSES)}")
        return list(dict.fromkeys(v))

    @model_validator(mode="after")
    def _need_metrics(self) -> "AudienceDef":
        if ("metrics" in self.sections or "trends" in self.sections) and not self.metrics and not self.charts:
            raise ValueError("the metrics and trends sections need at least one metric")
        return self


# The guide's stakeholder cheatsheet, as the default definitions.
DEFAULT_AUDIENCES: dict[str, AudienceDef] = {a.id: a for a in [
    AudienceDef(
        id="engineering", name="Engineering",
        title="Can we build it well, and is what we shipped fast, reliable and used?",
        concern="Feasibility, scalability and code quality.",
        cares_about=["user stories", "acceptance criteria", "technical constraints"],
        metrics=["p95_latency_ms", "uptime", "bug_rate", "feature_adoption", "cycle_time_days", "on_time_rate"],
        charts=["p95_latency_ms", "bug_rate"],
        sections=["metrics", "trends", "roadmap", "debrief", "known_issues", "okrs"],
        roadmap_statuses=["planned", "in_progress", "launched"]),
    AudienceDef(
        id="design", name="Design & UX",
        title="Is the user's journey getting easier, and what are users telling us?",
        concern="Usability and the user's journey.",
        cares_about=["personas", "journey maps", "research findings"],
        metrics=["csat", "task_success_rate", "conversion_rate", "nps"],
        charts=["task_success_rate", "csat"],
        sections=["metrics", "experiments", "feedback", "trends", "roadmap"],
        roadmap_statuses=["discovery", "planned", "in_progress"]),
    AudienceDef(
        id="marketing", name="Marketing",
        title="What can we take to market, and is acquisition paying off?",
        concern="Go-to-market, messaging and positioning.",
        cares_about=["value proposition", "differentiation"],
        metrics=["conversion_rate", "cac", "leads", "market_share", "marketing_spend", "mau"],
        charts=["cac", "leads"],
        sections=["metrics", "trends", "battle_cards", "shipped", "experiments"],
        roadmap_statuses=["planned", "in_progress", "launched"]),
    AudienceDef(
        id="sales", name="Sales",
        title="What can I sell today, what is coming, and what proves it works?",
        concern="What shipped, what ships next, and the proof points that win deals.",
        cares_about=["battle cards", "proof points", "objections and answers"],
        metrics=["conversion_rate", "nps", "csat", "market_share"],
        charts=["conversion_rate"],
        sections=["metrics", "shipped", "battle_cards", "trends"],
        roadmap_statuses=["planned", "in_progress", "launched"]),
    AudienceDef(
        id="support", name="Customer support",
        title="What changed for customers, what is broken, and what are they saying?",
        concern="What changed, known issues, and how satisfied customers are.",
        cares_about=["release notes", "known issues and bugs", "survey comment themes"],
        metrics=["csat", "nps", "bug_rate", "task_success_rate"],
        charts=["csat"],
        sections=["metrics", "shipped", "known_issues", "feedback", "trends"],
        roadmap_statuses=["in_progress", "launched"]),
    AudienceDef(
        id="executives", name="Executives",
        title="Are we moving the business, and are we on track against our goals?",
        concern="Business impact, ROI and strategic alignment: outcomes against company goals.",
        cares_about=["outcomes against company goals", "OKR progress", "risks"],
        metrics=["revenue", "revenue_growth", "clv", "gross_margin", "market_share", "roi", "mau", "retention"],
        charts=["revenue", "mau"],
        sections=["metrics", "okrs", "roadmap", "risks", "trends"],
        roadmap_statuses=["discovery", "planned", "in_progress", "launched"], max_items=6),
]}

# Feedback themes: a comment counts for a theme when it contains one of the theme's words (whole
# word, case-insensitive); one comment can count for several themes.
FEEDBACK_THEMES: dict[str, list[str]] = {
    "WiFi & connectivity": ["wifi", "wi-fi", "internet", "connection", "signal", "bandwidth", "mbps", "speedtest"],
    "Price & value": ["price", "prices", "pricing", "expensive", "cheap", "cost", "costs", "discount", "fee", "fees",
                      "monthly", "value"],
    "Workspace & comfort": ["desk", "workspace", "chair", "office", "monitor", "quiet", "noise", "noisy", "bed"],
    "Search & booking": ["search", "filter", "filters", "booking", "book", "checkout", "payment", "calendar"],
    "Listing accuracy & hosts": ["host", "hosts", "listing", "listings", "photo", "photos", "accurate", "description",
                                 "misleading"],
    "App speed & bugs": ["slow", "crash", "crashes", "bug", "bugs", "error", "broken", "loading", "freeze"],
    "Support & refunds": ["support", "refund", "cancel", "cancellation", "help", "response"],
    "Long stays & visas": ["visa", "visas", "tax", "long", "stay", "stays", "nomad", "nomads", "month"],
}


# -- reading and writing audience definitions ----------------------------------------------------
def parse_audience(data: dict | AudienceDef) -> AudienceDef:
    """Return a validated AudienceDef; raise AudienceError naming each bad field (nothing is stored)."""
    if isinstance(data, AudienceDef):
        return data
    try:
        return AudienceDef.model_validate(data)
    except ValidationError as exc:
        parts = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"]) or "audience"
            parts.append(f"{loc}: {err['msg'].removeprefix('Value error, ')}")
        raise AudienceError(f"audience {data.get('id', '?')!r}: " + "; ".join(parts)) from None


def list_audiences(store: Store) -> list[AudienceDef]:
    """Return the six audiences in their fixed order: the stored definition where an editor saved one, else the default.

    A stored definition that no longer validates (e.g. a metric removed since) falls back to the default.
    """
    stored = q.read_audiences(store)
    out = []
    for aid in AUDIENCE_IDS:
        doc = stored.get(aid)
        if doc is not None:
            try:
                out.append(parse_audience({k: v for k, v in doc.items() if not k.startswith("_")}))
                continue
            except AudienceError:
                pass
        out.append(DEFAULT_AUDIENCES[aid])
    return out


def get_audience(store: Store, audience_id: str) -> AudienceDef:
    """Return one audience's definition (stored or default); raise AudienceError for an unknown id."""
    if audience_id not in AUDIENCE_IDS:
        raise AudienceError(f"unknown audience {audience_id!r}; use one of {', '.join(AUDIENCE_IDS)}")
    return next(a for a in list_audiences(store) if a.id == audience_id)


def is_customised(store: Store, audience_id: str) -> bool:
    """Return True when an editor saved a definition for this audience (False: the default applies)."""
    return audience_id in q.read_audiences(store)


def save_audience(store: Store, actor: Actor, data: dict | AudienceDef) -> AudienceDef:
    """Validate and store one audience definition (editors only); returns what was stored."""
    require_editor(actor)
    a = parse_audience(data)
    old = get_audience(store, a.id).model_dump()
    new = a.model_dump()
    q.write_audience(store, a.id, new, actor.email,
                     audit=audit.entry(actor, "save", "audience", a.id, a.name, audit.changes(old, new)))
    return a


def reset_audience(store: Store, actor: Actor, audience_id: str) -> AudienceDef:
    """Drop an audience's stored definition so the cheatsheet default applies again (editors only); returns it."""
    require_editor(actor)
    if audience_id not in AUDIENCE_IDS:
        raise AudienceError(f"unknown audience {audience_id!r}")
    old = get_audience(store, audience_id).model_dump()
    default = DEFAULT_AUDIENCES[audience_id]
    q.delete_audience(store, audience_id, audit=audit.entry(actor, "reset", "audience", audience_id, default.name,
                                                            audit.changes(old, default.model_dump())))
    return default


# -- battle cards and debrief notes -------------------------------------------------------------
class Objection(BaseModel):
    """One objection a buyer raises and the answer to give."""

    model_config = ConfigDict(str_strip_whitespace=True)
    objection: str = Field(min_length=1, max_length=400)
    answer: str = Field(min_length=1, max_length=1000)

    @field_validator("objection", "answer")
    @classmethod
    def _text(cls, v: str, info) -> str:
        return clean_text(v, info.field_name, max_len=400 if info.field_name == "objection" else 1000, required=True)


class BattleCardIn(BaseModel):
    """What an editor writes on a battle card; proof points from data are added when it is shown."""

    model_config = ConfigDict(str_strip_whitespace=True)
    value_proposition: str = Field(default="", max_length=600)
    for_whom: str = Field(default="", max_length=400)
    differentiation: str = Field(default="", max_length=600)
    proof_notes: list[str] = Field(default_factory=list)
    objections: list[Objection] = Field(default_factory=list)
    experiment: str | None = None    # name of the A/B test whose result is a proof point

    @field_validator("value_proposition", "for_whom", "differentiation")
    @classmethod
    def _text(cls, v: str, info) -> str:
        return clean_text(v, info.field_name.replace("_", " "), max_len=400 if info.field_name == "for_whom" else 600)

    @field_validator("proof_notes")
    @classmethod
    def _notes(cls, v: list[str]) -> list[str]:
        return clean_lines(v, "proof point", max_len=600)

    @field_validator("experiment", mode="before")
    @classmethod
    def _blank(cls, v):
        return None if isinstance(v, str) and not v.strip() else v


class DebriefNotesIn(BaseModel):
    """What the team writes on a debrief (the numbers come from the data)."""

    model_config = ConfigDict(str_strip_whitespace=True)
    went_well: list[str] = Field(default_factory=list)
    to_improve: list[str] = Field(default_factory=list)

    @field_validator("went_well", "to_improve")
    @classmethod
    def _lines(cls, v: list[str], info) -> list[str]:
        return clean_lines(v, info.field_name.replace("_", " ") + " note", max_len=1000)


def _validation_message(what: str, exc: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc']) or what}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()]
    return f"{what}: " + "; ".join(parts)


def _stored(model, docs: dict, initiative_id: str):
    doc = docs.get(initiative_id)
    return None if doc is None else model.model_validate({k: v for k, v in doc.items() if not k.startswith("_")})


def _save_initiative_doc(store: Store, actor: Actor, initiative_id: str, data, model, what: str, writer, reader,
                         object_type: str):
    """Validate data as `model` and store it for an existing initiative (editors only), all or nothing, with its audit row."""
    require_editor(actor)
    titles = {i.id: i.title for i in _initiatives(store)}
    if initiative_id not in titles:
        raise AudienceError(f"{what}: no initiative with id {initiative_id!r}")
    try:
        doc = data if isinstance(data, model) else model.model_validate(data)
    except ValidationError as exc:
        raise AudienceError(_validation_message(what, exc)) from None
    old = _stored(model, reader(store), initiative_id)
    new = doc.model_dump()
    summary = audit.changes(old.model_dump(), new) if old is not None else "written: " + (audit.filled(new) or "empty")
    writer(store, initiative_id, new, actor.email,
           audit=audit.entry(actor, "save", object_type, initiative_id, titles[initiative_id], summary))
    return doc


def get_battle_card(store: Store, initiative_id: str) -> BattleCardIn | None:
    """Return the stored battle card text of an initiative, or None when nobody wrote one."""
    return _stored(BattleCardIn, q.read_battle_cards(store), initiative_id)


def save_battle_card(store: Store, actor: Actor, initiative_id: str, data: dict | BattleCardIn) -> BattleCardIn:
    """Validate and store an initiative's battle card (editors only); unknown initiative ids are refused."""
    return _save_initiative_doc(store, actor, initiative_id, data, BattleCardIn, "battle card", q.write_battle_card,
                                q.read_battle_cards, "battle_card")


def get_debrief_notes(store: Store, initiative_id: str) -> DebriefNotesIn | None:
    """Return the stored debrief notes of an initiative, or None when nobody wrote any."""
    return _stored(DebriefNotesIn, q.read_debrief_notes(store), initiative_id)


def save_debrief_notes(store: Store, actor: Actor, initiative_id: str, data: dict | DebriefNotesIn) -> DebriefNotesIn:
    """Validate and store an initiative's debrief notes (editors only); unknown initiative ids are refused."""
    return _save_initiative_doc(store, actor, initiative_id, data, DebriefNotesIn, "debrief notes", q.write_debrief_notes,
                                q.read_debrief_notes, "debrief_notes")


# -- neighbours' data, read defensively ----------------------------------------------------------
def _g(obj: Any, name: str, default: Any = None) -> Any:
    """Return attribute or key `name` of a model or dict (neighbours return either)."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


_WORDS = {"no_data": "No check-in yet", "in_progress": "In progress"}


def _label(s: Any) -> str:
    """Return a status/health code in words ('at_risk' -> 'At risk')."""
    if s is None or s == "":
        return "Unknown"
    if s in _WORDS:
        return _WORDS[s]
    t = str(s).replace("_", " ").strip()
    return t[:1].upper() + t[1:].lower()


def _initiatives(store: Store) -> list:
    from .. import roadmap

    return list(roadmap.list_initiatives(store))


def _okr_quarter(period: Period, today: dt.date) -> Period:
    """Return the OKR quarter a period maps to: itself, the quarter of a month, else the current quarter."""
    if period.kind == "quarter":
        return period
    if period.kind == "month":
        return quarter_of(period.start)
    return quarter_of(today)


# -- periods -------------------------------------------------------------------------------------
def period_choices(store: Store) -> list[str]:
    """Return the period labels offered for views: 'all' first, then the data's quarters and months, newest first."""
    from .. import metrics

    labels: list[str] = []
    for p in metrics.available_periods(store):
        lab = p if isinstance(p, str) else _g(p, "label", str(p))
        if lab and lab not in labels and lab != "all":
            labels.append(lab)
    quarters = sorted((x for x in labels if "Q" in x.upper()), reverse=True)
    months = sorted((x for x in labels if re.fullmatch(r"\d{4}-\d{2}", x)), reverse=True)
    others = [x for x in labels if x not in quarters and x not in months]
    return ["all", *quarters, *months, *others]


def default_period(store: Store, today: dt.date | None = None) -> str:
    """Return the default period: the current quarter when the data covers it, else the data's latest quarter, else 'all'."""
    today = today or dt.date.today()
    choices = period_choices(store)
    current = quarter_of(today).label
    if current in choices:
        return current
    quarters = [c for c in choices if "Q" in c]
    return quarters[0] if quarters else "all"


# -- building a briefing -------------------------------------------------------------------------
@dataclass
class _Ctx:
    store: Store
    audience: AudienceDef
    period: Period
    today: dt.date
    segment: dict[str, str] | None
    initiative: str | None
    currency: str
    cache: dict = field(default_factory=dict)

    def memo(self, key: str, fn: Callable[[], Any]) -> Any:
        """Return fn() computed once per briefing under key (sections share KPIs, initiatives, OKRs)."""
        if key not in self.cache:
            self.cache[key] = fn()
        return self.cache[key]


def _flat_kpis(ctx: _Ctx) -> dict[str, Any]:
    from .. import metrics

    def compute():
        res = metrics.compute_kpis(ctx.store, period=ctx.period.label, segment=ctx.segment or None)
        return {k: v for pillar in res.values() for k, v in pillar.items()}
    return ctx.memo("kpis", compute)


def _series_df(ctx: _Ctx, name: str) -> pd.DataFrame:
    return ctx.memo(f"series:{name}", lambda: q.metric_series(ctx.store, [name]))


def _series_value(df: pd.DataFrame, agg: str, period: Period, first: int | None = None) -> tuple[float | None, int]:
    if df.empty or period.is_all:
        return None, 0
    d = df["date"].dt.date
    sel = df[(d >= period.start) & (d < period.end)].sort_values("date")["value"]
    if first is not None:
        sel = sel.head(first)
    if sel.empty:
        return None, 0
    return float(sel.sum() if agg == "sum" else sel.mean()), len(sel)


def metric_item(ctx: _Ctx, key: str) -> MetricItem:
    """Return the MetricItem of one metric id for the context's period (value None with a note when no data)."""
    mdef = metric_catalog()[key]
    base = dict(key=key, label=mdef.label, unit=mdef.unit, definition=mdef.definition, source=mdef.source,
                higher_is_better=mdef.higher_is_better, currency=ctx.currency)
    if mdef.kind == "kpi":
        r = _flat_kpis(ctx).get(key)
        if r is None:
            return MetricItem(**base, period=ctx.period.describe(), note="not computed for this period")
        return MetricItem(**base | {"label": _g(r, "label") or mdef.label, "unit": _g(r, "unit") or mdef.unit,
                                    "definition": _g(r, "definition") or mdef.definition,
                                    "source": _g(r, "source") or mdef.source},
                          value=as_number(_g(r, "value")), previous=as_number(_g(r, "previous")),
                          note=_g(r, "note"), period=_period_words(_g(r, "period"), ctx.period))
    if mdef.kind == "setting":
        from ..settings import get_setting

        return MetricItem(**base, value=float(get_setting(ctx.store, key)), period="current setting")
    df = _series_df(ctx, key)
    if df.empty:
        return MetricItem(**base, period=ctx.period.describe(),
                          note=f"no '{key}' series imported (metrics import: date, metric, value)")
    if ctx.period.is_all:
        # 'All data' has no previous period: show the latest month against the month before.
        last = df["date"].max().date()
        cur = month(last.year, last.month)
        v, _ = _series_value(df, mdef.agg, cur)
        pv, _ = _series_value(df, mdef.agg, cur.previous())
        return MetricItem(**base, value=v, previous=pv, period=f"latest month ({cur.describe()})")
    v, n = _series_value(df, mdef.agg, ctx.period)
    prev = ctx.period.previous()
    pv = _series_value(df, mdef.agg, prev)[0] if prev else None
    note = None
    if v is None:
        note = f"no '{key}' points in {ctx.period.describe()}"
    elif ctx.period.kind in ("quarter", "year"):
        expected = 3 if ctx.period.kind == "quarter" else 12
        if n < expected:
            note = f"{n} of {expected} months have data"
            if prev and mdef.agg == "sum":
                # A total over part of a period is compared with the same months of the previous one.
                pv = _series_value(df, mdef.agg, prev, first=n)[0]
                note += f"; compared with the first {n} months of {prev.label}"
    return MetricItem(**base, value=v, previous=pv, period=ctx.period.describe(), note=note)




def _period_words(p: Any, fallback: Period) -> str:
    if p is None:
        return fallback.describe()
    if isinstance(p, Period):
        return p.describe()
    try:
        return parse_period(str(p)).describe()
    except PeriodError:
        return str(p)


def _defs_notes(items: list[MetricItem]) -> str:
    return "\n".join(f"{m.label}: {m.definition} Source: {m.source}." for m in items)


def _section_metrics(ctx: _Ctx) -> list[Section]:
    items = ctx.memo("metric_items", lambda: [metric_item(ctx, k) for k in ctx.audience.metrics])
    sec = Section(id="metrics", title="Headline numbers",
                  lead=f"{ctx.audience.concern} The numbers behind it, {ctx.period.describe()}.",
                  items=list(items), notes=_defs_notes(items))
    if items and all(m.value is None for m in _data_metrics(items)):
        sec.empty = ("No data yet for these metrics. Import events, survey responses, work items or metric "
                     "series to fill them.")
    return [sec]


def _kpi_series(ctx: _Ctx, key: str) -> pd.DataFrame:
    from .. import metrics

    df = metrics.kpi_series(ctx.store, key, freq="month")
    if df is None or df.empty:
        return pd.DataFrame(columns=["period_start", "value"])
    return df[["period_start", "value"]].dropna(subset=["value"])


def _trend_df(ctx: _Ctx, key: str) -> pd.DataFrame:
    mdef = metric_catalog()[key]
    if mdef.kind == "kpi":
        df = _kpi_series(ctx, key)
    elif mdef.kind == "series":
        s = _series_df(ctx, key)
        df = (s.assign(period_start=s["date"].dt.to_period("M").dt.to_timestamp())
              .groupby("period_start", as_index=False)["value"].agg(mdef.agg)) if not s.empty else \
            pd.DataFrame(columns=["period_start", "value"])
    else:
        return pd.DataFrame(columns=["period_start", "value"])
    if not df.empty and not ctx.period.is_all:
        df = df[pd.to_datetime(df["period_start"]).dt.date < ctx.period.end]
    return df.reset_index(drop=True)


def _section_trends(ctx: _Ctx) -> list[Section]:
    out = []
    for key in ctx.audience.charts:
        mdef = metric_catalog()[key]
        try:
            df = _trend_df(ctx, key)
        except Exception as exc:  # one metric's series failing leaves the other trends standing
            out.append(Section(id=f"trend_{key}", title=f"Trend: {mdef.label}",
                               error=f"The {mdef.label} series could not be computed: {type(exc).__name__}: {exc}"))
            continue
        sec = Section(id=f"trend_{key}", title=f"Trend: {mdef.label}", notes=f"{mdef.label}: {mdef.definition} "
                      f"Source: {mdef.source}. One point per calendar month (UTC).")
        if df.empty:
            sec.empty = f"No monthly values of {mdef.label} yet ({mdef.source})."
        else:
            last = df.iloc[-1]
            when = pd.Timestamp(last["period_start"]).strftime("%B %Y")
            sec.lead = f"{mdef.label} by month; latest {_fmt(last['value'], mdef.unit, ctx.currency)} ({when})."
            y_title = mdef.label + (" (ms)" if mdef.unit == "ms" else f" ({ctx.currency})" if mdef.unit == "currency" else "")
            chart = charts.trend_chart(df, f"{mdef.label} by month", mdef.unit, y_title, ctx.currency)
            data = TableItem(title=f"{mdef.label} by month",
                             columns=[Column(key="month", label="Month", unit="date"),
                                      Column(key="value", label=mdef.label, unit=_col_unit(mdef.unit))],
                             rows=[{"month": pd.Timestamp(r.period_start).date(), "value": float(r.value)}
                                   for r in df.itertuples()])
            sec.items.append(ChartItem(chart_id=f"trend_{key}", title=f"{mdef.label} by month",
                                       spec=chart.to_dict(), data=data,
                                       alt=f"Line chart of {mdef.label} by month, {len(df)} months."))
        out.append(sec)
    return out


def _col_unit(unit: str) -> str:
    return {"ms": "int", "users": "int"}.get(unit, unit if unit in ("fraction", "currency", "days", "score", "nps", "int") else "ratio")


def _fmt(v: Any, unit: str, currency: str = "USD") -> str:
    from ..briefing import fmt_unit

    return fmt_unit(as_number(v), unit, currency)


def _okr_rows(ctx: _Ctx) -> tuple[Period, list[dict], str | None]:
    from .. import okrs

    qp = _okr_quarter(ctx.period, ctx.today)

    def load():
        objs = okrs.list_okrs(ctx.store, qp.label, today=ctx.today)
        rows = []
        for o in objs:
            for kr in _g(o, "key_results", []) or []:
                rows.append({"objective": _g(o, "title", ""), "kr": _g(kr, "title", ""),
                             "progress": as_number(_g(kr, "progress")), "expected": as_number(_g(kr, "expected")),
                             "status": _label(_g(kr, "status")), "confidence": as_number(_g(kr, "confidence")),
                             "grade": as_number(_g(kr, "grade")), "kpi": _g(kr, "kpi")})
        summary = okrs.okr_summary(ctx.store, qp.label, today=ctx.today) if objs else None
        return rows, summary
    rows, summary = ctx.memo("okrs", load)
    return qp, rows, summary


def _section_okrs(ctx: _Ctx) -> list[Section]:
    qp, rows, summary = _okr_rows(ctx)
    which = "" if ctx.period.kind in ("quarter", "month") else " (the current quarter)"
    sec = Section(id="okrs", title=f"OKR progress, {qp.label}",
                  notes=("Progress = (current - baseline) / (target - baseline), clamped to 0-100%; expected = the "
                         "share of the quarter elapsed; status compares progress with expected pace and confidence. "
                         "Grades (0.0-1.0) apply at quarter end; 0.6-0.7 is the sweet spot."))
    if not rows:
        sec.empty = f"No OKRs for {qp.describe()}{which}. Editors add objectives and key results on the OKRs page."
        return [sec]
    sec.lead = summary or f"{len(rows)} key results in {qp.describe()}{which}."
    sec.items.append(TextItem(text=sec.lead, tone="info"))
    df = pd.DataFrame(rows)
    sec.items.append(ChartItem(chart_id="okr_progress", title=f"Key result progress, {qp.label}",
                               spec=charts.okr_progress_chart(df, f"Key result progress vs expected pace, {qp.label}").to_dict(),
                               alt=f"Bar chart of progress for {len(rows)} key results with expected-pace ticks."))
    graded = any(r["grade"] is not None for r in rows)
    cols = [Column(key="objective", label="Objective"), Column(key="kr", label="Key result"),
            Column(key="progress", label="Progress", unit="fraction"),
            Column(key="expected", label="Expected by now", unit="fraction"),
            Column(key="status", label="Status"), Column(key="confidence", label="Confidence (0-10)", unit="score")]
    if graded:
        cols.append(Column(key="grade", label="Grade", unit="score"))
    sec.items.append(TableItem(title="Key results", columns=cols, rows=rows))
    return [sec]


_STATUS_ORDER = {"in_progress": 0, "planned": 1, "discovery": 2, "launched": 3, "measured": 4, "idea": 5}


def _when(i: Any) -> str:
    if _g(i, "status") in ("launched", "measured") and _g(i, "launch_date"):
        return f"Launched {_date_words(_g(i, 'launch_date'))}"
    s, e = _g(i, "start_date"), _g(i, "end_date")
    if s and e:
        return f"{_date_words(s)} – {_date_words(e)}"
    b = _g(i, "bucket") or _g(i, "board_bucket")
    return _label(b) if b else "Unscheduled"


def _date_words(d: Any) -> str:
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    return f"{d.day} {d:%b %Y}"


def _delivery(i: Any) -> float | None:
    done, total = _g(i, "jira_done"), _g(i, "jira_total")
    return None if not total else done / total


def _rank(i: Any) -> int:
    ranks = _g(i, "ranks", {}) or {}
    vals = [r for r in ranks.values() if r is not None]
    return min(vals) if vals else 10 ** 6


def _section_roadmap(ctx: _Ctx) -> list[Section]:
    inits = [i for i in ctx.memo("initiatives", lambda: _initiatives(ctx.store))
             if _g(i, "status") in ctx.audience.roadmap_statuses]
    inits.sort(key=lambda i: (_STATUS_ORDER.get(_g(i, "status"), 9), _rank(i), _g(i, "title", "")))
    sec = Section(id="roadmap", title="Roadmap: top items",
                  notes=("Ordered by status (in progress first), then by the best rank across the scoring methods. "
                         "Delivery = done / total work items linked through the Jira epic or label. Health is set by "
                         "the initiative's owner."))
    if not inits:
        statuses = ", ".join(_label(s) for s in ctx.audience.roadmap_statuses)
        sec.empty = f"No initiatives with status {statuses}. Editors add them on the Roadmap page."
        return [sec]
    top = inits[: ctx.audience.max_items]
    at_risk = [i for i in top if _g(i, "health") in ("at_risk", "off_track")]
    sec.lead = (f"{len(top)} of {len(inits)} initiatives shown; "
                + (f"{len(at_risk)} need attention." if at_risk else "all on track."))
    rows = [{"title": _g(i, "title"), "status": _label(_g(i, "status")), "health": _label(_g(i, "health")),
             "when": _when(i), "delivery": _delivery(i),
             "krs": "; ".join(str(_g(k, "title", "")) for k in (_g(i, "key_results", []) or []))} for i in top]
    sec.items.append(TableItem(title="Initiatives", rows=rows, columns=[
        Column(key="title", label="Initiative"), Column(key="status", label="Status"),
        Column(key="health", label="Health"), Column(key="when", label="When"),
        Column(key="delivery", label="Delivery (work items done)", unit="fraction"),
        Column(key="krs", label="Key results it should move")]))
    return [sec]


def _section_shipped(ctx: _Ctx) -> list[Section]:
    inits = ctx.memo("initiatives", lambda: _initiatives(ctx.store))
    shipped = [i for i in inits if _g(i, "status") in ("launched", "measured")]
    if not ctx.period.is_all:
        in_period = [i for i in shipped if _g(i, "launch_date") and ctx.period.contains(_as_date(_g(i, "launch_date")))]
        shipped_words = f"Shipped in {ctx.period.describe()}"
    else:
        in_period, shipped_words = shipped, "Shipped"
    in_period.sort(key=lambda i: _as_date(_g(i, "launch_date")) or dt.date.min, reverse=True)
    nxt = [i for i in inits if _g(i, "status") in ("in_progress", "planned")]
    nxt.sort(key=lambda i: (_STATUS_ORDER.get(_g(i, "status"), 9), _as_date(_g(i, "end_date")) or dt.date.max))
    sec = Section(id="shipped", title="What shipped and what ships next",
                  notes="Shipped = initiatives with status launched or measured, by launch date. Next = in progress "
                        "or planned, soonest end date first.")
    if not shipped and not nxt:
        sec.empty = "No launched, in-progress or planned initiatives on the roadmap yet."
        return [sec]
    sec.lead = (f"{len(in_period)} launch(es) {('in ' + ctx.period.describe()) if not ctx.period.is_all else 'so far'}; "
                f"{len(nxt)} coming next.")
    sec.items.append(BulletsItem(title=shipped_words, bullets=[
        f"{_g(i, 'title')} — {_when(i)}" + (f": {_g(i, 'solution')}" if _g(i, "solution") else "") for i in in_period]
        or ["Nothing launched in this period."]))
    sec.items.append(BulletsItem(title="Ships next", bullets=[
        f"{_g(i, 'title')} — {_label(_g(i, 'status'))}, {_when(i)}"
        + (f" ({_delivery(i):.0%} of work items done)" if _delivery(i) is not None else "") for i in nxt[: ctx.audience.max_items]]
        or ["Nothing in progress or planned."]))
    return [sec]


def _as_date(v: Any) -> dt.date | None:
    if v is None:
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def _section_risks(ctx: _Ctx) -> list[Section]:
    qp, rows, _ = _okr_rows(ctx)
    inits = ctx.memo("initiatives", lambda: _initiatives(ctx.store))
    metric_items = ctx.memo("metric_items", lambda: [metric_item(ctx, k) for k in ctx.audience.metrics])
    kr_risks = [f"{r['kr']} — {r['status']}: {fmt_pct(r['progress'], 0)} done vs {fmt_pct(r['expected'], 0)} expected"
                for r in rows if r["status"] in ("At risk", "Off track")]
    init_risks = [f"{_g(i, 'title')} — {_label(_g(i, 'health'))} ({_label(_g(i, 'status'))}, {_when(i)})"
                  for i in inits if _g(i, "health") in ("at_risk", "off_track")
                  and _g(i, "status") not in ("launched", "measured")]
    worse = [f"{m.label} — {m.value_text}, {m.change_text} vs previous period" for m in metric_items if m.trend == "worse"]
    sec = Section(id="risks", title="Risks",
                  notes=(f"Key results of {qp.label} whose status is At risk or Off track; initiatives whose owner marked "
                         "them at risk or off track (launched ones excluded); headline metrics that moved the wrong "
                         "way against the previous period."))
    n = len(kr_risks) + len(init_risks) + len(worse)
    if not rows and not inits and all(m.value is None for m in _data_metrics(metric_items)):
        sec.empty = "No OKRs, roadmap or metrics yet, so no risks can be assessed."
        return [sec]
    sec.lead = f"{n} item(s) need attention." if n else "Nothing flagged: key results on pace, initiatives healthy, metrics steady."
    if kr_risks:
        sec.items.append(BulletsItem(title=f"Key results at risk ({qp.label})", bullets=kr_risks))
    if init_risks:
        sec.items.append(BulletsItem(title="Initiatives at risk", bullets=init_risks))
    if worse:
        sec.items.append(BulletsItem(title="Metrics moving the wrong way", bullets=worse))
    if not n:
        sec.items.append(TextItem(text=sec.lead, tone="success"))
    return [sec]


def _experiment_rows(store: Store) -> list[dict]:
    from .. import experiments

    out = []
    for e in experiments.list_experiments(store):
        name = e if isinstance(e, str) else (_g(e, "name") or _g(e, "experiment"))
        try:
            res = experiments.analyse(store, name)
        except experiments.ExperimentError as exc:  # e.g. a single-variant file: listed with the reason
            res = {"verdict": f"not analysed: {exc}"}
        out.append({"name": name, "result": res})
    return out


def experiment_names(store: Store) -> list[str]:
    """Return the imported experiments' names, most recent first (empty when none), for battle card forms."""
    from .. import experiments

    return list(experiments.list_experiments(store))


def _variants_df(res: Any) -> pd.DataFrame:
    rows = []
    for v in _g(res, "variants", []) or []:
        users, conv = as_number(_g(v, "users")) or 0, as_number(_g(v, "conversions")) or 0
        rate = as_number(_g(v, "rate"))
        if rate is None:
            rate = conv / users if users else None
        lo, hi = as_number(_g(v, "ci_low")), as_number(_g(v, "ci_high"))
        if (lo is None or hi is None) and users and rate is not None:
            # Wald interval for the variant's own rate (the lift's interval comes from the analysis).
            half = 1.96 * (rate * (1 - rate) / users) ** 0.5
            lo, hi = max(0.0, rate - half), min(1.0, rate + half)
        rows.append({"variant": str(_g(v, "variant", _g(v, "name", "?"))), "rate": rate, "low": lo, "high": hi,
                     "users": users, "conversions": conv})
    return pd.DataFrame(rows, columns=["variant", "rate", "low", "high", "users", "conversions"])


def _section_experiments(ctx: _Ctx) -> list[Section]:
    exps = ctx.memo("experiments", lambda: _experiment_rows(ctx.store))
    sec = Section(id="experiments", title="Experiments (A/B tests)",
                  notes=("Lift = treatment rate minus control rate (absolute, in percentage points) and relative to "
                         "control; 95% confidence interval of the difference; two-sided p-value; SRM p-value tests "
                         "the traffic split (below 0.001 means the split is broken and the result is not trusted)."))
    if not exps:
        sec.empty = "No experiments imported. Import per-user exposures or per-variant totals as an experiment file."
        return [sec]
    rows = []
    for e in exps:
        r = e["result"]
        ci = _g(r, "ci95") or (None, None)
        rows.append({"experiment": e["name"], "verdict": _g(r, "verdict", ""),
                     "abs_lift": as_number(_g(r, "abs_lift")), "rel_lift": as_number(_g(r, "rel_lift")),
                     "ci_low": as_number(ci[0]) if ci else None, "ci_high": as_number(ci[1]) if ci else None,
                     "p_value": as_number(_g(r, "p_value")), "srm_p_value": as_number(_g(r, "srm_p_value"))})
    first = exps[0]
    sec.lead = f"{len(exps)} experiment(s). {first['name']}: {_g(first['result'], 'verdict', '')}".strip()
    vdf = _variants_df(first["result"])
    if not vdf.empty and vdf["rate"].notna().any():
        sec.items.append(ChartItem(
            chart_id=f"experiment_{first['name']}", title=f"{first['name']}: conversion by variant",
            spec=charts.experiment_chart(vdf, f"{first['name']}: conversion by variant (95% interval)").to_dict(),
            alt=f"Bar chart of conversion rate per variant of {first['name']} with 95% intervals.",
            data=TableItem(title="Variants", columns=[
                Column(key="variant", label="Variant"), Column(key="users", label="Users", unit="int"),
                Column(key="conversions", label="Conversions", unit="int"),
                Column(key="rate", label="Conversion", unit="fraction")], rows=vdf.to_dict("records"))))
    sec.items.append(TableItem(title="Results", rows=rows, columns=[
        Column(key="experiment", label="Experiment"), Column(key="abs_lift", label="Lift (abs)", unit="fraction"),
        Column(key="rel_lift", label="Lift (relative)", unit="fraction"),
        Column(key="ci_low", label="95% CI low", unit="fraction"), Column(key="ci_high", label="95% CI high", unit="fraction"),
        Column(key="p_value", label="p-value", unit="ratio"), Column(key="srm_p_value", label="SRM p-value", unit="ratio"),
        Column(key="verdict", label="Verdict")]))
    return [sec]


def feedback_themes(comments: list[str], themes: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Return theme, comments (count), share and an example comment per theme, most mentioned first; themes with none are dropped.

    A comment counts for a theme when it contains one of the theme's words as a whole word,
    case-insensitively; one comment can count for several themes; share is over all comments given.
    """
    themes = themes or FEEDBACK_THEMES
    cols = ["theme", "comments", "share", "example"]
    texts = [str(c) for c in comments if c is not None and str(c).strip()]
    if not texts:
        return pd.DataFrame(columns=cols)
    rows = []
    for theme, words in themes.items():
        pat = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.IGNORECASE)
        hits = [t for t in texts if pat.search(t)]
        if hits:
            rows.append({"theme": theme, "comments": len(hits), "share": len(hits) / len(texts), "example": hits[0]})
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values(["comments", "theme"], ascending=[False, True]).reset_index(drop=True)


def _section_feedback(ctx: _Ctx) -> list[Section]:
    start, end = (None, None) if ctx.period.is_all else (ctx.period.start, ctx.period.end)
    df = ctx.memo("comments", lambda: q.survey_comments(ctx.store, start, end))
    sec = Section(id="feedback", title="What customers are saying",
                  notes=("Themes: a comment counts for a theme when it contains one of the theme's keywords as a whole "
                         "word (case-insensitive); a comment can count for several themes. Keywords per theme: "
                         + "; ".join(f"{t}: {', '.join(w)}" for t, w in FEEDBACK_THEMES.items()) + "."))
    if df.empty:
        counts = q.survey_counts(ctx.store)
        sec.empty = (f"No survey comments in {ctx.period.describe()}." if counts else
                     "No survey responses imported. Import an NPS or CSAT export (score and comment columns).")
        return [sec]
    themes = feedback_themes(df["comment"].tolist())
    sec.lead = (f"{len(df):,} comments in {ctx.period.describe()}; most mentioned: "
                + (", ".join(themes["theme"].head(3)) if not themes.empty else "no recognised theme") + ".")
    if not themes.empty:
        sec.items.append(ChartItem(chart_id="feedback_themes", title="Comments per theme",
                                   spec=charts.themes_chart(themes, f"Survey comments per theme, {ctx.period.label}").to_dict(),
                                   alt=f"Bar chart of comment counts for {len(themes)} themes.",
                                   data=TableItem(title="Themes", columns=[
                                       Column(key="theme", label="Theme"), Column(key="comments", label="Comments", unit="int"),
                                       Column(key="share", label="Share of comments", unit="fraction"),
                                       Column(key="example", label="Example comment")], rows=themes.to_dict("records"))))
    latest = df.head(10)
    sec.items.append(TableItem(title="Latest comments", columns=[
        Column(key="responded_at", label="Date", unit="date"), Column(key="scale", label="Survey"),
        Column(key="score", label="Score", unit="score"), Column(key="comment", label="Comment")],
        rows=[{"responded_at": _as_date(r.responded_at), "scale": str(r.scale).upper(), "score": as_number(r.score),
               "comment": r.comment} for r in latest.itertuples()]))
    return [sec]


def _section_known_issues(ctx: _Ctx) -> list[Section]:
    start, end = (None, None) if ctx.period.is_all else (ctx.period.start, ctx.period.end)
    counts = q.bug_counts(ctx.store, start, end)
    bugs = q.open_bugs(ctx.store, limit=ctx.audience.max_items * 2)
    sec = Section(id="known_issues", title="Known issues",
                  notes="Open bugs = work items of type Bug (in any language the importer knows) not in a done status.")
    if not counts["open"] and not counts["created"] and not counts["resolved"]:
        sec.empty = "No bugs in the imported work items (or no work items imported: import a Jira, Linear or GitHub export)."
        return [sec]
    sec.lead = (f"{counts['open']} open bug(s); in {ctx.period.describe()} {counts['created']} reported and "
                f"{counts['resolved']} fixed.")
    sec.items.append(TextItem(text=sec.lead, tone="warning" if counts["open"] else "success"))
    if not bugs.empty:
        sec.items.append(TableItem(title="Open bugs, newest first", columns=[
            Column(key="key", label="Key"), Column(key="title", label="Title"), Column(key="status", label="Status"),
            Column(key="priority", label="Priority"), Column(key="created", label="Reported", unit="date")],
            rows=[{"key": r.key, "title": r.title, "status": r.status, "priority": r.priority,
                   "created": _as_date(r.created)} for r in bugs.itertuples()]))
    return [sec]


# -- battle cards -------------------------------------------------------------------------------
BATTLE_CARD_STATUSES = ("planned", "in_progress", "launched", "measured")
DEBRIEF_STATUSES = ("launched", "measured")


def battle_card_candidates(store: Store) -> list[tuple[str, str]]:
    """Return (id, title) of initiatives that get a battle card: launched, measured, in progress or planned."""
    return [(i.id, i.title) for i in _initiatives(store) if _g(i, "status") in BATTLE_CARD_STATUSES]


def debrief_candidates(store: Store) -> list[tuple[str, str]]:
    """Return (id, title) of launched or measured initiatives (the ones a debrief is written for)."""
    return [(i.id, i.title) for i in _initiatives(store) if _g(i, "status") in DEBRIEF_STATUSES]


def _outcome_bullets(store: Store, init: Any) -> list[str]:
    from .. import roadmap

    try:
        res = roadmap.outcome_check(store, _g(init, "id"))
    except Exception as exc:  # an outcome the roadmap cannot compute is a sentence, not a failure
        return [f"Outcome check unavailable: {exc}"]
    out = []
    if not (_g(res, "kpis", None) or []) and _g(res, "note", None):
        return [str(_g(res, "note"))]
    for o in _g(res, "kpis", None) or []:
        key = _g(o, "kpi") or _g(o, "key")
        mdef = metric_catalog().get(key)
        label = _g(o, "label") or (mdef.label if mdef else str(key))
        unit = _g(o, "unit") or (mdef.unit if mdef else "ratio")
        before, after = as_number(_g(o, "before")), as_number(_g(o, "after"))
        if before is None or after is None:
            note = _g(o, "note") or "not enough data on both sides of the launch"
            out.append(f"{label}: {note}")
            continue
        out.append(f"{label}: {_fmt(before, unit)} before launch → {_fmt(after, unit)} after "
                   f"({fmt_change(after, before, unit)})")
    return out


def resolve_experiment(names: list[str], wanted: str) -> str | None:
    """Return the imported experiment a card names: the exact name, else the one name containing it (or contained in it).

    Importers may name an experiment after its file ('ab_test_verified_wifi_filter' for
    'verified_wifi_filter'); two or more partial matches are ambiguous and give None.
    """
    if wanted in names:
        return wanted
    w = wanted.lower()
    near = [n for n in names if w in n.lower() or n.lower() in w]
    return near[0] if len(near) == 1 else None


def _experiment_bullet(store: Store, name: str) -> str | None:
    from .. import experiments

    found = resolve_experiment(list(experiments.list_experiments(store)), name)
    if found is None:
        return f"A/B test {name}: not imported yet"
    name = found
    try:
        r = experiments.analyse(store, name)
    except Exception as exc:
        return f"A/B test {name}: no result ({exc})"
    rel, p = as_number(_g(r, "rel_lift")), as_number(_g(r, "p_value"))
    vdf = _variants_df(r)
    rates = ", ".join(f"{v.variant} {fmt_pct(v.rate)}" for v in vdf.itertuples() if v.rate is not None)
    parts = [f"A/B test {name}: {rates}" if rates else f"A/B test {name}"]
    if rel is not None:
        parts.append(f"relative lift {rel:+.1%}")
    if p is not None:
        parts.append(f"p = {p:.3g}")
    verdict = _g(r, "verdict")
    return "; ".join(parts) + (f" — {verdict}" if verdict else "")


def battle_card(store: Store, initiative_id: str, today: dt.date | None = None, inits: list | None = None) -> Section:
    """Return one initiative's battle card as a section: value proposition, who it is for, proof points, objections.

    Text nobody wrote falls back to the initiative's solution / problem; proof points come from the
    data (outcome check, the named A/B test, linked key results, delivery progress) plus written notes.
    `inits` is the roadmap's list when the caller already has it (saves listing it again per card).
    """
    init = next((i for i in (inits if inits is not None else _initiatives(store)) if _g(i, "id") == initiative_id), None)
    if init is None:
        raise AudienceError(f"no initiative with id {initiative_id!r}")
    card = get_battle_card(store, initiative_id) or BattleCardIn()
    title = _g(init, "title")
    sec = Section(id=f"battle_card_{initiative_id}", title=f"Battle card: {title}",
                  notes=("Value proposition and audience are written by the team (or taken from the roadmap's "
                         "solution and problem statement). Proof points come from the data: outcome check "
                         "(linked KPIs before vs after launch), the named A/B test, linked key results and "
                         "delivery progress."))
    vp = card.value_proposition or _g(init, "solution") or _g(init, "hypothesis") or ""
    who = card.for_whom or _g(init, "problem") or ""
    sec.lead = vp or f"{title}: no value proposition written yet."
    status = _when(init) if _g(init, "status") in DEBRIEF_STATUSES else f"{_label(_g(init, 'status'))} — {_when(init)}"
    sec.items.append(BulletsItem(title="The pitch", bullets=[b for b in [
        f"Value proposition: {vp}" if vp else "Value proposition: not written yet (editors can add it).",
        f"Who it is for: {who}" if who else "Who it is for: not written yet.",
        f"Why us: {card.differentiation}" if card.differentiation else None,
        f"Status: {status}"] if b]))
    proof = []
    if _g(init, "status") in DEBRIEF_STATUSES:
        proof += _outcome_bullets(store, init)
    if card.experiment:
        b = _experiment_bullet(store, card.experiment)
        if b:
            proof.append(b)
    for k in _g(init, "key_results", []) or []:
        proof.append(f"Moves key result: {_g(k, 'title', '')}" + (f" ({_g(k, 'objective_title')})" if _g(k, "objective_title") else ""))
    d = _delivery(init)
    if d is not None and _g(init, "status") not in DEBRIEF_STATUSES:
        proof.append(f"Delivery: {_g(init, 'jira_done')} of {_g(init, 'jira_total')} work items done ({d:.0%})")
    proof += card.proof_notes
    sec.items.append(BulletsItem(title="Proof points", bullets=proof or ["No proof points yet: no outcome data, test or notes."]))
    if card.objections:
        sec.items.append(TableItem(title="Objections and answers", columns=[
            Column(key="objection", label="Objection"), Column(key="answer", label="Answer")],
            rows=[o.model_dump() for o in card.objections]))
    else:
        sec.items.append(TextItem(text="No objections and answers written yet.", tone="info"))
    return sec


def _section_battle_cards(ctx: _Ctx) -> list[Section]:
    inits = ctx.memo("initiatives", lambda: _initiatives(ctx.store))
    cands = [(i.id, i.title) for i in inits if _g(i, "status") in BATTLE_CARD_STATUSES]
    if ctx.initiative:
        cands = [c for c in cands if c[0] == ctx.initiative] or cands
    if not cands:
        return [Section(id="battle_cards", title="Battle cards",
                        empty="No launched or planned initiatives yet: battle cards are made from the roadmap.")]
    inits = ctx.memo("initiatives", lambda: _initiatives(ctx.store))
    return [battle_card(ctx.store, iid, ctx.today, inits) for iid, _ in cands[: ctx.audience.max_items]]


# -- engineering debrief ------------------------------------------------------------------------
_TYPE_WORDS = {"story": ("story", "stories"), "task": ("task", "tasks"), "subtask": ("sub-task", "sub-tasks"),
               "bug": ("bug", "bugs"), "other": ("other item", "other items")}

def debrief(store: Store, initiative_id: str, inits: list | None = None) -> Section:
    """Return the engineering debrief of a launched initiative: what shipped, adoption, bug rate and cycle time, feedback.

    Work items come from the initiative's Jira epic or label; bug rate = bugs / all its items; cycle
    time = median (and 85th percentile) days from created to resolved over its resolved items.
    Feedback themes count survey comments from the launch date on (see `feedback_themes`).
    `inits` is the roadmap's list when the caller already has it.
    """
    init = next((i for i in (inits if inits is not None else _initiatives(store)) if _g(i, "id") == initiative_id), None)
    if init is None:
        raise AudienceError(f"no initiative with id {initiative_id!r}")
    title = _g(init, "title")
    launch = _as_date(_g(init, "launch_date")) or _as_date(_g(init, "end_date"))
    epic, label = _g(init, "jira_epic"), _g(init, "jira_label")
    items = q.work_items_for(store, [epic] if epic else [], [label] if label else [])
    link = " / ".join(x for x in [f"epic {epic}" if epic else "", f"label {label}" if label else ""] if x) or "no Jira link"
    sec = Section(id=f"debrief_{initiative_id}", title=f"Debrief: {title}",
                  lead=f"{title} launched {_date_words(launch)}." if launch else f"{title}: launch date not set.",
                  notes=(f"Work items linked through {link}. Bug rate = items of type Bug / all linked items. Cycle "
                         "time = median days from Created to Resolved over resolved items (85th percentile beside it). "
                         "Adoption and impact = the roadmap's outcome check of the linked KPIs before vs after launch. "
                         "Feedback themes count survey comments dated on or after the launch by keyword."))
    if items.empty:
        sec.items.append(TextItem(text=f"No work items linked ({link}); import the team's Jira export and set the "
                                       "initiative's epic or label on the Roadmap page.", tone="warning"))
    else:
        items = items[items["type_category"].fillna("other") != "epic"]
        done = items[items["status_category"] == "done"]
        by_type = done["type_category"].fillna("other").value_counts()
        shipped = [f"{n} {_TYPE_WORDS.get(t, ('item', 'items'))[n != 1]}" for t, n in by_type.items()]
        stories = done[done["type_category"].isin(["story", "task"])].head(8)
        sec.items.append(BulletsItem(title=f"What shipped ({len(done)} of {len(items)} work items done)",
                                     bullets=[", ".join(shipped) or "nothing done yet"]
                                     + [f"{r.key}: {r.title}" for r in stories.itertuples()]))
        n_bugs = int((items["type_category"] == "bug").sum())
        resolved = items.dropna(subset=["created", "resolved"])
        days = (pd.to_datetime(resolved["resolved"]) - pd.to_datetime(resolved["created"])).dt.total_seconds() / 86400
        days = days[days >= 0]
        sec.items.append(MetricItem(key="debrief_bug_rate", label="Bug rate of its work items", unit="fraction",
                                    value=n_bugs / len(items) if len(items) else None, higher_is_better=False,
                                    definition="Work items of type Bug divided by all work items linked to the initiative.",
                                    source=f"work items ({link})", period="all linked work items",
                                    note=f"{n_bugs} bugs of {len(items)} items"))
        sec.items.append(MetricItem(key="debrief_cycle_time", label="Cycle time of its work items", unit="days",
                                    value=float(days.median()) if len(days) else None, higher_is_better=False,
                                    definition="Median days from Created to Resolved over the initiative's resolved work items.",
                                    source=f"work items ({link})", period="all linked work items",
                                    note=(f"85th percentile {fmt_days(float(days.quantile(0.85)))}; {len(days)} resolved items"
                                          if len(days) else "no resolved items")))
    adoption = _outcome_bullets(store, init) if _g(init, "status") in DEBRIEF_STATUSES else []
    sec.items.append(BulletsItem(title="Adoption and impact (linked KPIs before vs after launch)",
                                 bullets=adoption or ["No KPI linked to this initiative, so no before/after comparison."]))
    comments = q.survey_comments(store, launch, None) if launch else pd.DataFrame(columns=["comment"])
    themes = feedback_themes(comments["comment"].tolist()) if not comments.empty else pd.DataFrame()
    if themes.empty:
        sec.items.append(TextItem(text="No survey comments since launch.", tone="info"))
    else:
        sec.items.append(TableItem(title=f"Feedback themes since launch ({len(comments):,} comments)", columns=[
            Column(key="theme", label="Theme"), Column(key="comments", label="Comments", unit="int"),
            Column(key="share", label="Share", unit="fraction"), Column(key="example", label="Example comment")],
            rows=themes.to_dict("records")))
    notes = get_debrief_notes(store, initiative_id)
    if notes and (notes.went_well or notes.to_improve):
        if notes.went_well:
            sec.items.append(BulletsItem(title="What went well", bullets=notes.went_well))
        if notes.to_improve:
            sec.items.append(BulletsItem(title="What to improve", bullets=notes.to_improve))
    return sec


def _section_debrief(ctx: _Ctx) -> list[Section]:
    inits = ctx.memo("initiatives", lambda: _initiatives(ctx.store))
    cands = [(i.id, i.title) for i in inits if _g(i, "status") in DEBRIEF_STATUSES]
    if ctx.initiative:
        cands = [c for c in cands if c[0] == ctx.initiative] or cands
    if not cands:
        return [Section(id="debrief", title="Engineering debrief",
                        empty="No launched initiatives yet: a debrief is written once an initiative launches.")]
    inits = ctx.memo("initiatives", lambda: _initiatives(ctx.store))
    return [debrief(ctx.store, iid, inits) for iid, _ in cands[: ctx.audience.max_items]]


_BUILDERS: dict[str, Callable[[_Ctx], list[Section]]] = {
    "metrics": _section_metrics, "trends": _section_trends, "okrs": _section_okrs, "roadmap": _section_roadmap,
    "shipped": _section_shipped, "risks": _section_risks, "experiments": _section_experiments,
    "feedback": _section_feedback, "known_issues": _section_known_issues, "battle_cards": _section_battle_cards,
    "debrief": _section_debrief,
}


def _data_metrics(items: list[MetricItem]) -> list[MetricItem]:
    """Return the metric items computed from data (settings such as gross margin are left out)."""
    return [m for m in items if m.key not in SETTING_DEFS]


def _headline(ctx: _Ctx, items: list[MetricItem]) -> str:
    shown = [m for m in _data_metrics(items) if m.value is not None][:3]
    if not shown:
        where = "yet" if ctx.period.is_all else f"for {ctx.period.describe()}"
        return f"No data {where}: once data is imported on the Data page, this view fills itself."
    parts = []
    for m in shown:
        ch = m.change_text
        parts.append(f"{m.label} {m.value_text}" + (f" ({ch})" if ch != "—" else ""))
    return "; ".join(parts) + f" — {ctx.period.describe()}."


PRESENTATION_SECTIONS = ("metrics", "okrs", "roadmap", "risks")


def build_briefing(store: Store, audience_id: str, period: str = "all",
                   segment: dict[str, str] | tuple | None = None, initiative: str | None = None,
                   today: dt.date | None = None, sections: tuple[str, ...] | list[str] | None = None) -> Briefing:
    """Return the Briefing one audience sees for one period, built from live data.

    Unknown audience or period raise AudienceError / PeriodError (callers fall back with a notice).
    A section whose data is missing says so in `empty`; a section whose computation fails says so in
    `error` and the rest of the briefing still renders. `sections` builds exactly those kinds in that
    order instead of the audience's own list (the presentation mode uses it). `segment` may be a dict
    or a tuple of (property, value) pairs (hashable, for caching).
    """
    from ..settings import get_setting

    aud = get_audience(store, audience_id)
    per = parse_period(period)
    kinds = list(sections) if sections is not None else aud.sections
    bad = [k for k in kinds if k not in SECTION_KINDS]
    if bad:
        raise AudienceError(f"unknown section(s) {', '.join(bad)}; known: {', '.join(SECTION_KINDS)}")
    segment = dict(segment) if segment else None
    ctx = _Ctx(store=store, audience=aud, period=per, today=today or dt.date.today(),
               segment=segment, initiative=initiative, currency=str(get_setting(store, "currency")))
    out: list[Section] = []
    for kind in kinds:
        try:
            out.extend(_BUILDERS[kind](ctx))
        except Exception as exc:  # one failing section must not take the whole view down
            out.append(Section(id=kind, title=SECTION_KINDS[kind].split(":")[0],
                               error=f"This section could not be built: {type(exc).__name__}: {exc}"))
    items = ctx.cache.get("metric_items")
    if items is None and aud.metrics:
        try:
            items = [metric_item(ctx, k) for k in aud.metrics[:3]]
        except Exception:
            items = []
    seg = ", ".join(f"{k} = {v}" for k, v in (segment or {}).items())
    return Briefing(title=f"{aud.name}: {aud.title}", audience_id=aud.id, audience_name=aud.name,
                    headline=_headline(ctx, items or []), concern=aud.concern, cares_about=list(aud.cares_about),
                    period=per.label, period_text=per.describe() + (f" · segment {seg}" if seg else ""),
                    generated_at=utcnow(), sections=out)


# -- demo ---------------------------------------------------------------------------------------
def seed_demo(store: Store, actor: Actor, sample_dir: Path) -> dict:
    """Write the demo battle cards and debrief notes from sample_data/audiences.json; does nothing if any exist.

    Cards are matched to initiatives by title (ids are the roadmap's); titles not on the roadmap are skipped.
    Audience definitions are not written: the cheatsheet defaults apply until an editor changes one.
    """
    require_editor(actor)
    counts = q.count_rows(store)
    if counts["battle_cards"] or counts["debrief_notes"]:
        return {"battle_cards": 0, "debrief_notes": 0, "skipped": True}
    path = Path(sample_dir) / "audiences.json"
    if not path.exists():
        return {"battle_cards": 0, "debrief_notes": 0, "skipped": True}
    doc = json.loads(path.read_text(encoding="utf-8"))
    by_title = {i.title.strip().lower(): i.id for i in _initiatives(store)}
    n_cards = n_notes = 0
    for title, card in doc.get("battle_cards", {}).items():
        iid = by_title.get(title.strip().lower())
        if iid:
            save_battle_card(store, actor, iid, card)
            n_cards += 1
    for title, notes in doc.get("debrief_notes", {}).items():
        iid = by_title.get(title.strip().lower())
        if iid:
            save_debrief_notes(store, actor, iid, notes)
            n_notes += 1
    return {"battle_cards": n_cards, "debrief_notes": n_notes, "skipped": False}


# -- AI quality (issue 18) ----------------------------------------------------------------------
# The section lists each AI feature's launch readiness; it appears in the engineering and executive
# briefings (and their exports) once a workspace has an AI evaluation or readiness record, else it
# adds nothing to the view.
def _section_ai(ctx: _Ctx) -> list[Section]:
    from .. import ai

    return ai.briefing_sections(ctx.store)


SECTION_KINDS["ai"] = "AI features: precision, recall or pass rate against the launch bars, and why not ready"
_BUILDERS["ai"] = _section_ai
for _aid in ("engineering", "executives"):
    DEFAULT_AUDIENCES[_aid] = DEFAULT_AUDIENCES[_aid].model_copy(
        update={"sections": [*DEFAULT_AUDIENCES[_aid].sections, "ai"]})
# -- end AI quality ------------------------------------------------------------------------------
