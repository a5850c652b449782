"""What a workspace holds: schema version, row counts and imports (for `info` and the Data page)."""
from __future__ import annotations

from .store import Store
from .store import imports_store


def workspace_info(store: Store) -> dict:
    """Return {'db', 'schema_version', 'data_version', 'tables': {name: rows}, 'imports': [...]}; a new file has zero rows."""
    return {
        "db": str(store.path),
        "schema_version": store.schema_version(),
        "data_version": store.data_version(),
        "tables": store.table_counts(),
        "imports": imports_store.list_imports(store),
    }
