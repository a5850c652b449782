"""Import the exports PMs have: sniff -> detect -> map -> infer types -> validate in SQL -> one transaction.

A file is imported completely or not at all. Rows that cannot be used (a value that does not fit its
column's type, a required value missing, a row with the wrong number of fields) are not guessed at:
they are counted, stored in `import_rejects` and written to a CSV with row number, column, value and
reason. Row numbers count the header as row 1 and one row per record (a quoted value spanning
several lines stays one row, as in a spreadsheet). Survey rows with an empty score are kept with a NULL score (the comment is still feedback;
score KPIs skip them) rather than rejected.
"""
from __future__ import annotations

from .after import after_import_future, after_import_in_background
from .rejects import REJECTS_DIR, rejects_csv_bytes, write_rejects_csv
from .service import delete_import, import_file, list_imports, preview_file, rejects_for, save_upload
from .choices import CURRENCIES, file_choices, file_columns, mapping_fields  # issue 14: choices before detection
from .messages import for_page
from .types import (MAX_VALUE_CHARS, ImportRefused, MEMORY_FLOOR, ON_DUPLICATE, PREVIEW_CHECK_ROWS, TYPE_LABELS, TYPE_SHORT, FieldInfo,
                    ImportResult, Preview, Progress)

__all__ = ["CURRENCIES", "file_choices", "file_columns", "mapping_fields", "for_page", "ImportRefused", "ImportResult", "FieldInfo", "Preview", "Progress", "preview_file", "import_file",
           "delete_import", "list_imports", "rejects_for", "save_upload", "write_rejects_csv", "rejects_csv_bytes",
           "after_import_in_background", "after_import_future", "REJECTS_DIR", "ON_DUPLICATE", "MAX_VALUE_CHARS",
           "PREVIEW_CHECK_ROWS", "MEMORY_FLOOR", "TYPE_LABELS", "TYPE_SHORT"]
