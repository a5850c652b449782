"""Queries over the imports (provenance) table that more than the importer needs."""
from __future__ import annotations

from .core import Store


def list_imports(store: Store) -> list[dict]:
    """Return every import, newest first, as plain dicts (timestamps as ISO strings)."""
    # plain rows, not a DataFrame: `info` and `imports` then never import pandas (bench/bench_cli.py)
    cur = store.cursor()
    try:
        cur.execute(
            "SELECT id, file_name, sha256, bytes, kind, source, rows_read, rows_imported, rows_rejected, actor, "
            "strftime(imported_at, '%Y-%m-%dT%H:%M:%SZ') AS imported_at FROM imports ORDER BY imported_at DESC, id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        cur.close()
