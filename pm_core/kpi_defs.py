"""The KPI definitions, kept importable here for the many pages and areas that read the words only.

They live in `pm_core.metrics.defs`, beside the registry that pairs each with its value and series.
"""
from __future__ import annotations

from .metrics.defs import KPI_BY_KEY, KPI_DEFS, PILLAR_LABELS, PILLARS, KpiDef  # noqa: F401
