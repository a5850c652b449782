"""The six audiences as data: what each can show (metrics, sections), the cheatsheet defaults, and editing them.

The defaults follow the guide's stakeholder cheatsheet; editors change them (stored in the workspace)
and reset them."""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .. import audit
from ..auth import Actor, require_editor
from ..errors import InputError, from_pydantic
from ..formatting import Unit, as_unit
from ..kpi_defs import KPI_BY_KEY
from ..text import clean_lines, clean_text
from ..store import Store
from ..store import audiences_store as q


AUDIENCE_IDS = ("engineering", "design", "marketing", "sales", "support", "executives")


DEFAULT_AUDIENCE = "executives"


class AudienceError(InputError):
    """Input the audience views refuse (unknown audience, metric or section; empty text); the message names the field."""


# -- what can be shown ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MetricDef:
    """A metric an audience can show: a KPI, a metric series or a setting, with its words and unit."""

    key: str
    label: str
    unit: Unit           # fraction | currency | ms | count | score | users | days | nps | ratio ('int' reads as count)
    definition: str
    source: str
    kind: str            # kpi | series | setting | roadmap
    agg: str = "mean"    # how a series' monthly points combine over a period: sum | mean
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        """Convert the declared unit name to formatting.Unit (an unknown name fails at import, naming it)."""
        object.__setattr__(self, "unit", as_unit(self.unit))


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


# Read from the roadmap, not a KPI: projected ROI adds planned and in-progress estimates, so it is shown
# beside the realised ROI KPI, labelled as a projection, and never added into it.
ROADMAP_DEFS: dict[str, MetricDef] = {
    "roi_projected": MetricDef("roi_projected", "Projected ROI (launched + planned, estimated)", "fraction",
                               "Sum over every initiative with a cost and a gain, planned and in-progress ones included "
                               "(their gains are estimates), of (gain - cost) divided by the sum of their costs.",
                               "roadmap: cost and estimated gain per initiative", "roadmap"),
}


def metric_catalog() -> dict[str, MetricDef]:
    """Return every metric an audience can show, keyed by id: the KPIs, the metric series and settings."""
    out = {k.key: MetricDef(k.key, k.label, k.unit, k.definition, k.source, "kpi", "mean", k.higher_is_better)
           for k in KPI_BY_KEY.values()}
    out.update(SERIES_DEFS)
    out.update(SETTING_DEFS)
    out.update(ROADMAP_DEFS)
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
        metrics=["revenue", "revenue_growth", "clv", "gross_margin", "market_share", "roi", "roi_projected", "mau",
                 "retention"],
        charts=["revenue", "mau"],
        sections=["metrics", "okrs", "roadmap", "risks", "trends"],
        roadmap_statuses=["discovery", "planned", "in_progress", "launched"], max_items=6),
]}


def parse_audience(data: dict | AudienceDef) -> AudienceDef:
    """Return a validated AudienceDef; raise AudienceError naming each bad field (nothing is stored)."""
    if isinstance(data, AudienceDef):
        return data
    try:
        return AudienceDef.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc, AudienceError, prefix=f"audience {data.get('id', '?')!r}: ") from None


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


# -- AI quality (issue 18) ----------------------------------------------------------------------
# The section lists each AI feature's launch readiness; it appears in the engineering and executive
# briefings (and their exports) once a workspace has an AI evaluation or readiness record, else it
# adds nothing to the view. Its builder is in sections.py (_section_ai).
SECTION_KINDS["ai"] = "AI features: precision, recall or pass rate against the launch bars, and why not ready"
for _aid in ("engineering", "executives"):
    DEFAULT_AUDIENCES[_aid] = DEFAULT_AUDIENCES[_aid].model_copy(
        update={"sections": [*DEFAULT_AUDIENCES[_aid].sections, "ai"]})
# -- end AI quality ------------------------------------------------------------------------------
# Discovery (issue 19): the opportunity solution tree (picture, evidence per opportunity, gaps) in the
# executive and design briefings once the workspace has a tree; nothing otherwise.
SECTION_KINDS["discovery"] = "Opportunity solution tree: outcome, opportunities with interview evidence, solutions, tests, gaps"
for _aid in ("design", "executives"):
    DEFAULT_AUDIENCES[_aid] = DEFAULT_AUDIENCES[_aid].model_copy(
        update={"sections": [*DEFAULT_AUDIENCES[_aid].sections, "discovery"]})
# Strategy (issue 19): the vision and narrative, the market size with the PESTLE summary, and the
# competitive grid, right after the executives' headline numbers, once the workspace has them.
SECTION_KINDS["strategy"] = ("Strategy: vision and narrative, market size (TAM/SAM/SOM) with the PESTLE summary, "
                             "competitive grid")
DEFAULT_AUDIENCES["executives"] = DEFAULT_AUDIENCES["executives"].model_copy(update={"sections": [
    *DEFAULT_AUDIENCES["executives"].sections[:1], "strategy", *DEFAULT_AUDIENCES["executives"].sections[1:]]})
