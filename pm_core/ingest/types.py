"""What an import takes and returns: the models (Preview, ImportResult, FieldInfo), the refusal, the type vocabulary."""
from __future__ import annotations

from typing import Any, Callable

from pydantic import BaseModel, Field as PField

Progress = Callable[[float, str], None]
ON_DUPLICATE = ("error", "skip", "replace")
MAX_VALUE_CHARS = 500
PREVIEW_CHECK_ROWS = 50_000     # the preview checks this many rows; the import checks them all
MEMORY_FLOOR = 256 << 20         # DuckDB's cap during an import is the file size, at least this

TYPE_LABELS = {
    "text": "text",
    "number": "number (1,234.5; £ $ € allowed)",
    "number_eu": "number with decimal comma (1.234,5)",
    "bool": "yes/no (1/0, true/false)",
    "iso": "ISO date-time (2026-06-01 10:22:33, Z or offset allowed)",
    "epoch": "Unix time (seconds or milliseconds)",
    "jira": "Jira date (15/Feb/26 8:38 AM; Spanish, French, German... months too)",
    "us": "US date (month/day/year)",
    "eu": "European date (day/month/year)",
    "mixed_us": "several date forms (ISO, Jira, Unix, month/day/year)",
    "mixed_eu": "several date forms (ISO, Jira, Unix, day/month/year)",
}
# the same choices in a few words, for a drop-down; TYPE_LABELS gives the detail beside it
TYPE_SHORT = {"text": "text", "number": "number 1,234.5", "number_eu": "number 1.234,5", "bool": "yes / no",
              "iso": "ISO date-time", "epoch": "Unix time", "jira": "Jira date", "us": "US date m/d/y",
              "eu": "EU date d/m/y", "mixed_us": "mixed forms, US", "mixed_eu": "mixed forms, EU"}
_DATE_FORMS = ("iso", "epoch", "jira", "us", "eu", "mixed_us", "mixed_eu")


class ImportRefused(Exception):
    """Unusable input; str() names the file (and row/column where it applies)."""


class ImportResult(BaseModel):
    import_id: str
    kind: str
    source: str
    rows_read: int
    rows_imported: int
    rows_rejected: int
    rejects_file: str | None
    duplicate_of: str | None = None
    skipped: bool = False
    notes: list[str] = PField(default_factory=list)     # what was understood and assumed (the preview's notes)
    warnings: list[str] = PField(default_factory=list)  # what the user should know (another tool's user base)


class FieldInfo(BaseModel):
    target: str
    role: str
    required: bool
    source: str | None
    how: str | None
    type: str | None
    type_label: str | None
    help: str = ""


class Preview(BaseModel):
    file_name: str
    kind: str
    source: str
    source_label: str
    encoding: str
    delimiter: str
    columns: list[str]
    mapping: dict[str, str]
    fields: list[FieldInfo]
    types: dict[str, str]
    type_choices: dict[str, list[str]]
    sample: list[dict[str, Any]]
    rows_read: int
    rows_rejected: int
    reasons: list[dict[str, Any]] = PField(default_factory=list)
    sheets: list[str] = PField(default_factory=list)
    sheet: str | None = None
    notes: list[str] = PField(default_factory=list)
    scale: str | None = None
    experiment: str | None = None
    properties: list[str] = PField(default_factory=list)
    duplicate_of: dict[str, Any] | None = None
    complete: bool = True              # False: rows_read / rows_rejected cover only the first rows of the file
    rows_estimate: int | None = None   # the file's rows estimated from its size when not complete
    layout: str = "delimited"          # delimited | json: how the rows were read (JSON records by DuckDB's JSON reader)
    warnings: list[str] = PField(default_factory=list)  # what the user should know before importing (other user base)
    currency: str | None = None        # salaries: the currency used where no column or symbol says (USD for Levels.fyi)
    sheet_label: str = "Sheet"         # what `sheets` are: XLSX sheets, or the tables of a report file ("Table")
    outcomes: list[str] = PField(default_factory=list)  # A/B logs: the columns that could be the outcome, used first


