"""Import kinds, declared once: name, label, hint, canonical table(s) and data area of each.

Every list of kinds derives from `KIND_LIST`: the CLI's `import --kind` choices, the Data page's
"What this file holds" drop-down, `store.areas.KIND_AREAS` (which data version an import bumps),
the canonical tables an import writes and deletes from (`store.ingest_store`), and the detect
error messages. A new kind is one `Kind(...)` here plus its formats and its insert.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Kind:
    """One kind of file Pillars imports."""

    name: str                     # the id used by --kind, the imports table and the formats
    label: str                    # in a few words, for people
    hint: str                     # what such a file has, for error messages and the drop-down
    table: str                    # the canonical table its rows land in
    area: str                     # the data area (store/areas.py) an import of it changes
    source_tables: dict[str, str] = field(default_factory=dict)  # a source whose rows go elsewhere

    def table_for(self, source: str | None = None) -> str:
        """Return the canonical table for rows of this kind from one source."""
        return self.source_tables.get(source or "", self.table)

    @property
    def tables(self) -> tuple[str, ...]:
        """Return every canonical table this kind writes, its default table first."""
        return tuple(dict.fromkeys((self.table, *self.source_tables.values())))


KIND_LIST: tuple[Kind, ...] = (
    Kind("events", "events", "a user, an event name and a time", "events", "events"),
    Kind("work_items", "work items", "an issue key (Jira, Linear or GitHub export)", "work_items", "work_items"),
    Kind("survey", "survey", "a 0-10 or 1-5 score", "survey_responses", "surveys"),
    Kind("experiment", "experiment", "user, group/variant and converted (or variant, users, conversions)",
         "experiment_aggregates", "experiments", source_tables={"exposures": "experiment_exposures"}),
    Kind("salaries", "salaries", "total or base pay, with title, level or company", "salaries", "salaries"),
    Kind("metrics", "metrics", "date, metric, value (or a date and one column per metric)", "metric_points", "metrics"),
    # AI quality (issue 18)
    Kind("predictions", "predictions", "a true label and the model's score or predicted label, one row per example",
         "ai_predictions", "ai"),
    Kind("evals", "evals", "a grade (pass/fail or 1-5) per example: promptfoo, OpenAI Evals, LangSmith, Braintrust "
         "or a generic file", "ai_evals", "ai"),
    # Discovery (issue 19): interview notes (.md/.txt/ZIP) and highlight spreadsheets land in one table
    Kind("interviews", "interview evidence", "interview notes (.md/.txt, a ZIP of them) or highlights with their text "
         "and tags, interview or participant", "interview_highlights", "discovery"),
)
KIND_BY_NAME: dict[str, Kind] = {k.name: k for k in KIND_LIST}
KINDS: tuple[str, ...] = tuple(KIND_BY_NAME)
KIND_HINTS: dict[str, str] = {k.name: k.hint for k in KIND_LIST}
KIND_AREAS: dict[str, str] = {k.name: k.area for k in KIND_LIST}
# every canonical table an import writes, in kind order (exposures before aggregates, as created)
CANONICAL_TABLES: tuple[str, ...] = tuple(dict.fromkeys(
    t for k in KIND_LIST for t in (*k.source_tables.values(), k.table)))


def kind_choice_label(name: str) -> str:
    """Return a kind as the Data page offers it: 'work items (an issue key (Jira, Linear or GitHub export))'."""
    k = KIND_BY_NAME[name]
    return f"{k.label} ({k.hint})"
