"""Data areas: what a write changes and what a read depends on, declared once.

Every write names the areas it changes (`Store.transaction("okrs")`); each area has its own version
counter in the `data_versions` table. A cached result keys on the versions of the areas its reader
depends on (READS below), so a check-in (okrs) leaves the KPIs (events, surveys, ...) cached, and
an import of events leaves the career page cached. A reader missing from READS depends on every
area: slower, never stale.

Measured with bench/bench_sessions.py (issue 17): with one version for everything, every check-in
made every viewer's next page recompute every KPI.
"""
from __future__ import annotations

from typing import Callable

from ..formats.kinds import KIND_AREAS as _KIND_AREAS

# Areas and the tables whose rows they cover. `imports` is the provenance (imports, import_rejects);
# an import also bumps the area of its kind (KIND_AREAS).
AREA_TABLES: dict[str, tuple[str, ...]] = {
    "events": ("events",),
    "surveys": ("survey_responses",),
    "work_items": ("work_items",),
    "experiments": ("experiment_exposures", "experiment_aggregates"),
    "metrics": ("metric_points",),
    "salaries": ("salaries",),
    "career": ("ladder_levels", "level_map", "reference_points"),
    "okrs": ("okr_periods", "objectives", "key_results", "checkins"),
    "roadmap": ("initiatives", "initiative_links", "raci"),
    "audiences": ("audiences", "battle_cards", "debrief_notes", "feedback_themes"),
    "settings": ("settings",),
    "imports": ("imports", "import_rejects"),
    "ai": ("ai_predictions", "ai_evals", "ai_features"),  # AI quality (issue 18)
    "discovery": ("interview_highlights", "ost_nodes", "opportunity_evidence"),  # Discovery (issue 19)
    "strategy": ("strategy_statement", "strategy_items"),  # Strategy (issue 19): vision, PESTLE, sizing, grids
}
AREAS: tuple[str, ...] = tuple(sorted(AREA_TABLES))  # sorted, as every areas tuple here

# import kind -> the area its rows land in: declared with each kind in formats/kinds.py
KIND_AREAS: dict[str, str] = _KIND_AREAS

# What the sixteen KPIs read: events, surveys, Jira items, metric series, settings (funnel events,
# series names...) and the roadmap (ROI from initiatives' cost and gain), and the strategy (a market
# sizing stands in for market size when no series is imported). Not OKRs: targets come from
# okrs.kpi_targets, declared on its own.
KPI_INPUTS: tuple[str, ...] = ("events", "surveys", "work_items", "metrics", "settings", "roadmap", "strategy")

# reader (module or package, or module.function / package.function) -> areas it depends on; a function
# entry wins over its module's, and a package entry covers its submodules (pm_core.okrs -> pm_core.okrs.service).
READS: dict[str, tuple[str, ...]] = {
    "pm_core.metrics": KPI_INPUTS,
    "pm_core.okrs.kpi_targets": ("okrs",),
    "pm_core.metrics.segment_options": ("events",),
    "pm_core.growth": ("events", "settings"),  # settings: the calendar (time zone, week start) periods are cut in
    # breakdowns are segments of growth and KPI figures; annotations mark launches and experiments
    "pm_core.breakdowns": KPI_INPUTS,
    "pm_core.breakdowns.annotations": ("roadmap", "experiments", "settings"),
    "pm_core.experiments": ("experiments", "events", "settings"),
    # key results linked to a KPI show its live value; import-made check-ins name their import
    "pm_core.okrs": ("okrs", "imports", *KPI_INPUTS),
    "pm_core.roadmap": ("roadmap", "okrs", "work_items", "ai", *KPI_INPUTS),
    "pm_core.audiences": ("audiences", "okrs", "roadmap", "experiments", "ai", "discovery", *KPI_INPUTS),
    "pm_core.audiences.list_audiences": ("audiences",),
    "pm_core.audiences.is_customised": ("audiences",),
    "pm_core.audiences.get_battle_card": ("audiences",),
    "pm_core.audiences.get_debrief_notes": ("audiences",),
    "pm_core.audiences.list_themes": ("audiences",),
    "pm_core.audiences.themes_customised": ("audiences",),
    "pm_core.audiences.experiment_names": ("experiments",),
    "pm_core.audiences.period_choices": KPI_INPUTS,
    "pm_core.audiences.default_period": KPI_INPUTS,
    "pm_core.career": ("salaries", "career", "settings"),
    "pm_core.settings": ("settings",),
    "pm_core.brand": ("settings",),  # the company name, accent colour and logo are settings rows
    # AI quality (issue 18): evaluations and launch readiness; the initiative picker reads the roadmap
    "pm_core.ai": ("ai",),
    "pm_core.ai.features.initiative_choices": ("roadmap",),
    # Discovery (issue 19): the tree shows KR titles, initiative status and experiment verdicts
    "pm_core.discovery": ("discovery", "imports", "okrs", "roadmap", "experiments", *KPI_INPUTS),
    # Strategy (issue 19): boards name initiatives; the page says whether the imported series or a sizing feeds market share
    "pm_core.strategy": ("strategy", "roadmap", "settings", "metrics"),
}


def _check(areas) -> tuple[str, ...]:
    unknown = [a for a in areas if a not in AREA_TABLES]
    if unknown:
        raise ValueError(f"unknown data area(s) {', '.join(map(repr, unknown))}; known: {', '.join(AREAS)}")
    return tuple(sorted(set(areas)))


def areas_of(areas) -> tuple[str, ...]:
    """Return the sorted, checked areas of a write or a read; empty means every area."""
    return _check(areas) if areas else AREAS


def reads(fn: Callable | str) -> tuple[str, ...]:
    """Return the areas a reader depends on (a function, or 'module.name'); every area when undeclared."""
    name = fn if isinstance(fn, str) else f"{fn.__module__}.{fn.__name__}"
    # An area is a package (pm_core.okrs.service.kpi_targets): an entry for the package names its
    # functions and modules wherever they live inside it. Function entries first, nearest module out,
    # then module entries, nearest first.
    module, _, func = name.rpartition(".")
    parts = module.split(".") if module else []
    prefixes = [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
    found = READS.get(name)
    for p in prefixes:
        found = found or READS.get(f"{p}.{func}")
    for p in prefixes:
        found = found or READS.get(p)
    return _check(found) if found else AREAS


def for_kind(kind: str) -> tuple[str, ...]:
    """Return the areas an import of this kind changes: its rows' area and the imports themselves."""
    area = KIND_AREAS.get(kind)
    return ("imports", area) if area else AREAS
