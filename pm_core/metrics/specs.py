"""The KPI registry: one KpiSpec per KPI holds its definition (words), its value function and its series.

Adding a KPI is one `register(KpiSpec(KpiDef(...), value=fn))`: compute_kpis, compute_kpi, kpi_series,
all_kpi_series, the pages and the CLI all read this registry, and a spec without its own series gets
the value function evaluated per month or quarter (series.value_series). KPI_DEFS and KPI_BY_KEY (in
defs) are kept as views of it, in registration order.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import series as s
from . import values as v
from .context import Computed, Context
from .defs import KPI_BY_KEY, KPI_DEFS, PILLARS, KpiDef

ValueFn = Callable[..., Computed]  # (ctx, period) -> (value, note, extra); monthly: (ctx, month, to_date=False)
SeriesFn = Callable[[s.SeriesContext, "KpiSpec"], "object"]  # -> DataFrame(period_start, value)


@dataclass(frozen=True)
class KpiSpec:
    """One KPI: its definition, its value function and how its series is made.

    monthly: the value refers to one calendar month (the period's latest month with events).
    like_for_like: a monthly value also takes to_date=True (the month before cut to the same days).
    compare_previous: the previous period's value is shown beside it (False for ROI, not tied to time).
    previous_of_covers: for 'all', compare with the period before the one the value covers (revenue growth).
    segmented: False when the KPI's source has no properties at all (work items, the roadmap), so a segment
        leaves it for every segment and its card says so; a value may also say so itself (extra all_segments),
        e.g. surveys without the segment's property.
    series: None derives the series from the value function per month or quarter.
    """

    definition: KpiDef
    value: ValueFn
    series: SeriesFn | None = None
    monthly: bool = False
    like_for_like: bool = False
    compare_previous: bool = True
    previous_of_covers: bool = False
    segmented: bool = True

    @property
    def key(self) -> str:
        """Return the KPI's key (its definition's)."""
        return self.definition.key

    def series_of(self, sc: s.SeriesContext):
        """Return this KPI's series DataFrame(period_start, value) for the series context's frequency and segment."""
        return (self.series or s.value_series)(sc, self)


SPECS: dict[str, KpiSpec] = {}


def register(spec: KpiSpec) -> KpiSpec:
    """Add a KPI to the registry (and to KPI_DEFS / KPI_BY_KEY); ValueError for a taken key or an unknown pillar."""
    d = spec.definition
    if d.key in SPECS:
        raise ValueError(f"KPI {d.key!r} is already registered")
    if d.pillar not in PILLARS:
        raise ValueError(f"KPI {d.key!r}: unknown pillar {d.pillar!r}; choose one of {', '.join(PILLARS)}")
    SPECS[d.key] = spec
    if d.key not in KPI_BY_KEY:
        KPI_DEFS.append(d)
        KPI_BY_KEY[d.key] = d
    return spec


def unregister(key: str) -> None:
    """Remove a KPI from the registry and from KPI_DEFS / KPI_BY_KEY (KeyError when it is not registered)."""
    del SPECS[key]
    d = KPI_BY_KEY.pop(key)
    KPI_DEFS.remove(d)


def spec(key: str) -> KpiSpec:
    """Return the KpiSpec of a key; KeyError naming the known keys otherwise."""
    try:
        return SPECS[key]
    except KeyError:
        raise KeyError(f"unknown KPI {key!r}; known: {', '.join(SPECS)}") from None


def registry_key() -> tuple[str, ...]:
    """Return the registered keys in order: part of every cache key, so registering a KPI never reads a stale result."""
    return tuple(SPECS)


def _builtin(key: str, value: ValueFn, **kw) -> None:
    register(KpiSpec(KPI_BY_KEY[key], value, **kw))


_MONTHLY = dict(monthly=True, like_for_like=True)
# The sixteen KPIs plus DAU and stickiness, in the order of their definitions.
for _key, _value, _kw in [
    ("market_share", v._market_share, dict(series=s.metric_points_series("revenue_metric"))),
    ("revenue_growth", v._revenue_growth, dict(series=s.metric_points_series("revenue_metric"), previous_of_covers=True)),
    ("clv", v._clv, dict(monthly=True)),
    ("roi", v._roi, dict(series=s.empty_series, compare_previous=False, segmented=False)),
    ("csat", v.survey_value("csat"), dict(series=s.survey_series)),  # split when surveys carry the property
    ("nps", v.survey_value("nps"), dict(series=s.survey_series)),
    ("conversion_rate", v._conversion, dict(series=s.conversion_series)),
    ("task_success_rate", v._task_success, dict(series=s.task_success_series)),
    ("cycle_time_days", v._cycle, dict(series=s.work_series, segmented=False)),
    ("on_time_rate", v._on_time, dict(series=s.work_series, segmented=False)),
    ("bug_rate", v._bug_rate, dict(series=s.work_series, segmented=False)),
    ("feature_adoption", v.month_value("feature_adoption"), _MONTHLY),
    ("mau", v.month_value("mau"), _MONTHLY),
    ("retention", v._retention, dict(series=s.retention_series)),
    ("stakeholder_alignment", v._stakeholder, dict(series=s.metric_points_series("stakeholder_metric"))),
    ("churn", v.month_value("churn"), _MONTHLY),
    ("dau", v.month_value("dau"), _MONTHLY),
    ("stickiness", v.month_value("stickiness"), _MONTHLY),
]:
    _builtin(_key, _value, **_kw)
if [d.key for d in KPI_DEFS] != list(SPECS):  # a definition added to defs without its spec here
    raise RuntimeError(f"KPI definitions without a spec: {sorted(set(KPI_BY_KEY) - set(SPECS))}")

MONTHLY_KEYS = tuple(k for k, sp in SPECS.items() if sp.monthly)
__all__ = ["Context", "KpiSpec", "SPECS", "MONTHLY_KEYS", "register", "unregister", "spec", "registry_key"]
