"""Stakeholder views: what each audience sees, in its own words, built from live data as a Briefing.

The six audiences (engineering, design, marketing, sales, support, executives) are data: which
metrics, in which order, which sections and which words. The defaults follow the guide's
stakeholder cheatsheet; editors can change them (stored in the workspace) and reset them.
`build_briefing` turns one audience + one period into a `Briefing` that the page, the presentation
mode and every export render; battle cards and the engineering debrief are sections of it.

Layers, each importing only those before it: definitions (audiences as data) · neighbours (typed reads
of metrics, OKRs, roadmap, experiments, settings, AI) · themes (the workspace's feedback themes) ·
notes (battle card text, debrief notes) · context (one briefing's period and metric items) · cards
(battle card, debrief) · sections · build · demo. Callers import `from pm_core import audiences`.
"""
from __future__ import annotations

from .definitions import (  # noqa: F401
    AUDIENCE_IDS, DEFAULT_AUDIENCE, DEFAULT_AUDIENCES, ROADMAP_STATUSES, SECTION_KINDS, SERIES_DEFS, SETTING_DEFS,
    AudienceDef, AudienceError, MetricDef, get_audience, is_customised, list_audiences, metric_catalog,
    parse_audience, reset_audience, save_audience,
)
from .neighbours import experiment_names  # noqa: F401
from .themes import (  # noqa: F401
    DEFAULT_THEMES, FeedbackTheme, feedback_themes, list_themes, parse_themes, reset_themes, save_themes,
    themes_customised, themes_from_text, themes_text, unmatched_comments, unmatched_text,
)
from .notes import (  # noqa: F401
    BATTLE_CARD_STATUSES, DEBRIEF_STATUSES, BattleCardIn, DebriefNotesIn, Objection, battle_card_candidates,
    debrief_candidates, get_battle_card, get_debrief_notes, save_battle_card, save_debrief_notes,
)
from .context import default_period, metric_item, period_choices  # noqa: F401
from .cards import battle_card, debrief, resolve_experiment  # noqa: F401
from .build import PRESENTATION_SECTIONS, build_briefing  # noqa: F401
from .demo import demo_themes, seed_demo, seed_demo_themes  # noqa: F401
