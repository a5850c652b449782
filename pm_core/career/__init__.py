"""The PM career ladder (APM to CPO) beside the team's own pay data.

Decisions worth knowing:
- The ladder, reference points and level map live in the store. Reads fall back to the guide's
  defaults while nothing is stored (no write on read); `ensure_defaults(store, actor)` writes them,
  and every save and `seed_demo` call it first.
- A salary row's ladder level is decided at query time (see `pm_core.store.career_store`): the
  level map wins, then the importer's ladder_level if it names a known level, else 'unmapped'.
  There is no stored copy to go stale, so there is no apply step.
- Percentiles use linear interpolation (DuckDB quantile_cont = numpy's default 'linear' method) on
  yearly total compensation (total, or base+stock+bonus when the file gave no total).
- Currencies are never mixed: every group is one currency. Other currencies are converted only
  when the caller passes a rate, and converted groups say which currencies they include.
- Groups with fewer rows than the `salary_min_group` setting (default 5) lose every figure and
  even their exact count, so no one's pay can be read off a table, chart or CLI output.
- Rows with unusable pay (negative, over 20M in their currency, no currency, no figures) are kept
  in the store, left out of the figures, and listed by `salary_issues`; nothing disappears silently.

Layers, each importing only those above it: models (limits, models, the guide's defaults read from
data/, shared checks) · ladder (ladder, reference points, level map: reads and audited saves) · pay
(the team's pay figures, issues, chart data) · offers (package comparison) · growth_path (next level,
self-assessment) · demo (seeding).
"""
from __future__ import annotations

from .demo import seed_demo
from .growth_path import growth_path, self_assess
from .ladder import (ensure_defaults, ladder, ladder_ids, level_map, reference_points, salary_min_group, save_ladder,
                     save_level_map, save_reference_points, validate_ladder, validate_level_map,
                     validate_reference_points)
from .models import (ABSURD_PAY, DEFAULT_LADDER, DEFAULT_LEVEL_MAP, DEFAULT_REFERENCE_POINTS, GROUPING_LABELS, GROUPINGS,
                     LOW_UNIT_CURRENCIES, MAX_PAY, MAX_PAY_LOW_UNIT, NO_LEVEL_ROW, QUALIFIERS, SELF_ASSESSMENT,
                     SIGN_ON_YEARS, UNMAPPED, CareerError, LadderLevel, OfferComparison, OfferIn, ReferencePoint,
                     default_ladder, money)
from .offers import compare_offers, offers_table
from .pay import (PERCENTILE_COLUMNS, has_salaries, ladder_chart_data, percentile_records, percentile_table,
                  percentiles, salary_issues, salary_overview, salary_titles, team_percentile)

__all__ = [
    "ABSURD_PAY", "DEFAULT_LADDER", "DEFAULT_LEVEL_MAP", "DEFAULT_REFERENCE_POINTS", "GROUPINGS", "GROUPING_LABELS",
    "LOW_UNIT_CURRENCIES", "MAX_PAY", "MAX_PAY_LOW_UNIT", "NO_LEVEL_ROW", "PERCENTILE_COLUMNS", "QUALIFIERS",
    "SELF_ASSESSMENT", "SIGN_ON_YEARS", "UNMAPPED", "CareerError", "LadderLevel", "OfferComparison", "OfferIn",
    "ReferencePoint", "compare_offers", "default_ladder", "ensure_defaults", "growth_path", "has_salaries", "ladder",
    "ladder_chart_data", "ladder_ids", "level_map", "money", "offers_table", "percentile_records", "percentile_table",
    "percentiles", "reference_points", "salary_issues", "salary_min_group", "salary_overview", "salary_titles",
    "save_ladder", "save_level_map", "save_reference_points", "seed_demo", "self_assess", "team_percentile",
    "validate_ladder", "validate_level_map", "validate_reference_points",
]
