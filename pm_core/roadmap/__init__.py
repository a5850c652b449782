"""The roadmap: initiatives with their scores and ranks, links to KRs/KPIs, dependencies, RACI, PRD,
outcome check and Jira delivery progress. Pages and the CLI call these names; SQL is in
pm_core.store.roadmap_store.

Layers, each importing only those above it: models (pydantic shapes, vocabularies) · scoring (RICE,
ICE, value/effort, weighted ranks: pure maths) · links (typed reads of OKRs and KPIs, dependency
cycles) · raci and prd (RACI matrix, PRD Markdown) · service (reads, writes, board, outcome check)
· demo (seeding from sample_data/roadmap.json).
"""
from __future__ import annotations

from .demo import seed_demo
from .links import find_cycle
from .models import (BUCKET_LABELS, BUCKETS, DEFAULT_WEIGHTS, HEALTH_LABELS, HEALTHS, METHOD_LABELS, METHODS,
                     STATUS_LABELS, STATUSES, InitiativeIn, InitiativeView, RoadmapError, parse_initiative)
from .scoring import QUADRANT_LABELS, score_table
from .service import (NEXT_HORIZON_DAYS, archive_initiative, board, check_raci, cost_gain, roi, create_initiative,
                      filter_options, get_initiative, get_raci, jira_items, kr_choices, list_initiatives,
                      outcome_check, prd_markdown, set_links, set_raci, today_default, update_initiative)

__all__ = [
    "BUCKETS", "BUCKET_LABELS", "DEFAULT_WEIGHTS", "HEALTHS", "HEALTH_LABELS", "METHODS", "METHOD_LABELS",
    "NEXT_HORIZON_DAYS", "QUADRANT_LABELS", "STATUSES", "STATUS_LABELS", "InitiativeIn", "InitiativeView",
    "RoadmapError", "archive_initiative", "board", "check_raci", "cost_gain", "roi", "create_initiative", "filter_options",
    "find_cycle", "get_initiative", "get_raci", "jira_items", "kr_choices", "list_initiatives", "outcome_check",
    "parse_initiative", "prd_markdown", "score_table", "seed_demo", "set_links", "set_raci", "today_default",
    "update_initiative",
]
