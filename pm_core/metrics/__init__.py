"""The sixteen KPIs of the four pillars (plus DAU and stickiness), computed from the canonical tables.

Layers, each importing only those above it:
  defs.py      the words: KpiDef, KPI_DEFS, KPI_BY_KEY, PILLARS, PILLAR_LABELS
  context.py   KpiResult and the Context a computation reads (lazy, fetched once)
  values.py    one value function per KPI
  series.py    series per month or quarter (a generic one from any value function)
  specs.py     the registry: one KpiSpec (definition + value + series) per KPI; register() adds one
  service.py   compute_kpis, compute_kpi, kpi_series, all_kpi_series
  filters.py   segment options and periods with data for pages and the CLI
The heavy lifting is SQL in `pm_core.store.metrics_store`; segments are `pm_core.segments`.
A KPI the data cannot support is `value=None` with a note saying why.
"""
from __future__ import annotations

from . import service  # noqa: F401  (tests patch service._compute)
from .context import Context, KpiResult
from .defs import KPI_BY_KEY, KPI_DEFS, PILLAR_LABELS, PILLARS, KpiDef
from .filters import available_periods, event_sources, parse_segment, range_choices, range_words, segment_options
from .series import SERIES_FREQS
from .service import all_kpi_series, compute_kpi, compute_kpis, headline, kpi_series
from .specs import MONTHLY_KEYS, SPECS, KpiSpec, register, unregister
from .values import RETENTION_WEEK

__all__ = ["Context", "KpiResult", "KPI_BY_KEY", "KPI_DEFS", "PILLAR_LABELS", "PILLARS", "KpiDef",
           "available_periods", "event_sources", "parse_segment", "range_choices", "range_words", "segment_options", "SERIES_FREQS", "all_kpi_series",
           "compute_kpi", "compute_kpis", "headline", "kpi_series", "MONTHLY_KEYS", "SPECS", "KpiSpec", "register",
           "unregister", "RETENTION_WEEK"]
