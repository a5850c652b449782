"""What the stakeholder views read from other areas: KPIs and their periods, OKRs, the roadmap, experiments,
settings and AI quality, each through that area's public functions.

Every neighbour is imported at the top of this file, so the package's coupling is stated here and nowhere
else. (No deferred imports: `python -m pm_core export` needs all of them to build a briefing, and no
other command imports the audiences package.)
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from .. import ai, experiments, growth, metrics, okrs, roadmap, strategy
from ..settings import get_setting
from ..store import Store

ExperimentError = experiments.ExperimentError


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


def initiatives(store: Store) -> list:
    """Return the roadmap's initiatives (roadmap.list_initiatives)."""
    return list(roadmap.list_initiatives(store))


def outcome_check(store: Store, initiative_id: str) -> Any:
    """Return an initiative's outcome check: its linked KPIs before vs after launch (roadmap.outcome_check)."""
    return roadmap.outcome_check(store, initiative_id)


def available_periods(store: Store) -> list:
    """Return the periods the data covers (metrics.available_periods)."""
    return metrics.available_periods(store)


def compute_kpis(store: Store, period: str, segment: dict[str, str] | None) -> dict:
    """Return the KPIs by pillar for a period and segment (metrics.compute_kpis)."""
    return metrics.compute_kpis(store, period=period, segment=segment)


def annotations(store: Store) -> pd.DataFrame:
    """Return the roadmap launches and experiment starts/ends trend charts mark (breakdowns.annotations)."""
    from .. import breakdowns  # deferred: breakdowns reads growth and metrics, which a briefing may not need

    return breakdowns.annotations(store)


def headline(store: Store, segment=None) -> Any:
    """Return the month monthly headlines report under 'All data' (metrics.headline; None without events)."""
    return metrics.headline(store, "all", segment)


def kpi_series(store: Store, key: str) -> pd.DataFrame | None:
    """Return one KPI's monthly series (metrics.kpi_series)."""
    return metrics.kpi_series(store, key, freq="month")


def data_span(store: Store) -> tuple[dt.date | None, dt.date | None]:
    """Return the first and last day with events (growth.event_span, UTC); (None, None) without events."""
    first, last = growth.event_span(store)
    return (first.date() if first else None, last.date() if last else None)


def list_okrs(store: Store, period: str, today: dt.date) -> list:
    """Return the period's objectives with their key results (okrs.list_okrs)."""
    return okrs.list_okrs(store, period, today=today)


def okr_summary(store: Store, period: str, today: dt.date) -> str:
    """Return the period's OKR line in words (okrs.okr_summary)."""
    return okrs.okr_summary(store, period, today=today)


def experiment_names(store: Store) -> list[str]:
    """Return the imported experiments' names, most recent first (empty when none), for battle card forms."""
    return list(experiments.list_experiments(store))


def analyse_experiment(store: Store, name: str) -> Any:
    """Return one experiment's analysis (experiments.analyse); ExperimentError when it cannot be analysed."""
    return experiments.analyse(store, name)


def projected_roi(store: Store) -> dict | None:
    """Return ROI over every initiative with a cost and a gain, planned estimates included (roadmap.roi); None without any."""
    return roadmap.roi(store, realised=False)


def setting(store: Store, key: str) -> Any:
    """Return a workspace setting (settings.get_setting)."""
    return get_setting(store, key)


def discovery_sections(store: Store) -> list:
    """Return the opportunity solution tree's briefing section (issue 19); empty when the workspace has no tree."""
    from .. import discovery  # imported late: discovery reads the roadmap and experiments, as this module does

    return [discovery.briefing_section(store)] if discovery.tree(store) else []


def strategy_sections(store: Store) -> list:
    """Return the strategy's briefing sections (vision, market size and PESTLE, grid); empty when none is written."""
    return strategy.briefing_sections(store)


def ai_sections(store: Store) -> list:
    """Return the AI features' briefing sections (ai.briefing_sections); empty when nothing is evaluated."""
    return ai.briefing_sections(store)
