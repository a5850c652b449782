"""Strategy (issue 19): the product vision and narrative, PESTLE boards, market sizing (TAM/SAM/SOM) and
competitive grids. Pages, the CLI, the executive briefing and the Market share KPI call these names;
SQL is in pm_core.store.strategy_store.

Layers, each importing only those below it: models (scales, validation) · maths (sizing arithmetic,
weights, grid totals: pure) · service (reads, writes with role check and audit) · briefing (the
executive briefing's sections) · demo (seeding from sample_data/strategy.json).
"""
from __future__ import annotations

from .briefing import briefing_sections
from .demo import seed_demo
from .maths import Figures, figures, grid_totals, pestle_weights, prorated, top_entries
from .models import (FACTORS, IMPACT_SCALE, KINDS, LEVEL_WORDS, LEVELS, LIKELIHOOD_SCALE, METHODS, SCOPES,
                     SCORE_SCALE, SHARE_BASES, Cell, Evidence, Grid, GridIn, Pestle, PestleEntry, PestleIn, Sizing,
                     SizingIn, StatementIn, StrategyError)
from .service import (ShareBasis, Statement, archive, currency, get_item, get_statement, initiative_choices,
                      list_grids, list_pestles, list_sizings, market_share_basis, remove_pestle_entry, report,
                      save_grid, save_pestle, save_pestle_entry, save_sizing, save_statement, score_competitor,
                      sizing_figures)

__all__ = [
    "FACTORS", "IMPACT_SCALE", "KINDS", "LEVEL_WORDS", "LEVELS", "LIKELIHOOD_SCALE", "METHODS", "SCOPES", "SCORE_SCALE",
    "SHARE_BASES", "Cell", "Evidence", "Figures", "Grid", "GridIn", "Pestle", "PestleEntry", "PestleIn", "ShareBasis",
    "Sizing", "SizingIn", "Statement", "StatementIn", "StrategyError", "archive", "briefing_sections", "currency",
    "figures", "get_item", "get_statement", "grid_totals", "initiative_choices", "list_grids", "list_pestles",
    "list_sizings", "market_share_basis", "pestle_weights", "prorated", "remove_pestle_entry", "report", "save_grid",
    "save_pestle", "save_pestle_entry", "save_sizing", "save_statement", "score_competitor", "seed_demo",
    "sizing_figures", "top_entries",
]
