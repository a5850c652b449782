"""The sixteen KPIs of the four pillars (plus DAU and stickiness): key, pillar, unit and definition.

This table is the single source of the words shown beside every number, in the app, the CLI and
the exports. `pm_core.metrics.specs` pairs each definition with its value and series functions
(one KpiSpec per KPI); KPI_DEFS and KPI_BY_KEY follow that registry when a KPI is registered.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..formatting import Unit, as_unit

PILLARS = ("strategy", "discovery", "delivery", "growth")
PILLAR_LABELS = {"strategy": "Strategy", "discovery": "Discovery", "delivery": "Delivery", "growth": "Growth & Stakeholders"}


@dataclass(frozen=True)
class KpiDef:
    """What a KPI is, in words: key, pillar, label, unit, definition, source and direction."""

    key: str
    pillar: str
    label: str
    unit: Unit         # fraction | nps | days | users | ratio | currency | score (formatting.Unit)
    definition: str
    source: str        # which imported data it is computed from
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        """Convert the declared unit name to formatting.Unit (an unknown name fails at import, naming it)."""
        object.__setattr__(self, "unit", as_unit(self.unit))


KPI_DEFS: list[KpiDef] = [
    KpiDef("market_share", "strategy", "Market share", "fraction",
           "Revenue in the period divided by total market size in the period (both from metric series); without a "
           "market-size series, the market sizing chosen on the Strategy page (its annual TAM, SAM or SOM times the "
           "months with revenue over 12).",
           "metrics: revenue and market size series, or a strategy market sizing"),
    KpiDef("revenue_growth", "strategy", "Revenue growth", "fraction",
           "Revenue in the period over revenue in the previous period, minus one; a period still in progress is compared with the same number of months at the start of the previous one.",
           "metrics: revenue series"),
    KpiDef("clv", "strategy", "Customer lifetime value", "currency",
           "Average revenue per active user in the month (revenue / MAU) times gross margin, divided by that month's churn.",
           "metrics: revenue series; events: active users and churn; settings: gross margin"),
    KpiDef("roi", "strategy", "Return on investment (launched work)", "fraction",
           "Realised: sum over launched and measured initiatives of (gain - cost) divided by the sum of their costs; planned and in-progress estimates are left out (projected ROI, shown beside it, adds them).",
           "roadmap: cost and gain per initiative"),
    KpiDef("csat", "discovery", "Customer satisfaction (CSAT)", "fraction",
           "Share of 1-5 survey scores that are 4 or 5, over non-empty scores in the period.",
           "survey imports (CSAT scale)"),
    KpiDef("nps", "discovery", "Net Promoter Score", "nps",
           "Percentage of 9-10 scores minus percentage of 0-6 scores, over all 0-10 responses in the period (-100 to 100).",
           "survey imports (NPS scale)"),
    KpiDef("conversion_rate", "discovery", "Conversion rate", "fraction",
           "Share of users with a funnel start event who have the goal event at or after their first start event and within the conversion window (default 30 days); for a month or quarter, users whose first start event falls in it.",
           "events; settings: funnel start and goal events, window"),
    KpiDef("task_success_rate", "discovery", "Task success rate", "fraction",
           "Successful task events divided by task attempt events in the period; when the data has no task attempt "
           "events, the share of 'yes' answers to a task-completion survey question ('Were you able to complete your task?').",
           "events (settings: task success and attempt events), else a yes/no task-completion survey import"),
    KpiDef("cycle_time_days", "delivery", "Cycle time (lead time)", "days",
           "Median days from Created to Resolved over work items resolved in the period; this is lead time. The 85th percentile is shown beside it.",
           "work item imports (Jira, Linear, GitHub)", higher_is_better=False),
    KpiDef("on_time_rate", "delivery", "On-time delivery", "fraction",
           "Items resolved on or before their due date divided by items resolved in the period that had a due date.",
           "work item imports with due dates"),
    KpiDef("bug_rate", "delivery", "Bug rate", "fraction",
           "Work items of type Bug (in any UI language the importer knows) divided by all items created in the period.",
           "work item imports", higher_is_better=False),
    KpiDef("feature_adoption", "delivery", "Feature adoption", "fraction",
           "Users with the feature event in the month divided by active users in the month.",
           "events; settings: feature event"),
    KpiDef("mau", "growth", "Monthly active users", "users",
           "Distinct users with any event in the calendar month (in the workspace time zone).",
           "events"),
    KpiDef("retention", "growth", "Retention (week 4)", "fraction",
           "Weighted week-4 retention: of users whose first event fell in a cohort week (in the workspace time zone; weeks start on its week start, Monday by default), the share active in cohort week + 4, over cohorts whose week + 4 is no later than the last week in the data; for a month or quarter, cohorts starting in it.",
           "events"),
    KpiDef("stakeholder_alignment", "growth", "Stakeholder alignment", "score",
           "Mean of the stakeholder pulse metric series over the period.",
           "metrics: stakeholder pulse series"),
    KpiDef("churn", "growth", "Churn rate", "fraction",
           "Of users active in the previous month, the share not active in this month.",
           "events", higher_is_better=False),
    KpiDef("dau", "growth", "Daily active users", "users",
           "Distinct users with any event in a day, averaged over the month's calendar days (a day without events "
           "counts as 0; the data's first and last months over the days it covers).",
           "events"),
    KpiDef("stickiness", "growth", "Stickiness (DAU/MAU)", "fraction",
           "Mean DAU over the month's calendar days (a day without events counts as 0) divided by MAU.",
           "events"),
]
KPI_BY_KEY = {k.key: k for k in KPI_DEFS}
