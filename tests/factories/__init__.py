"""Builders shared by tests and benches (not tests themselves): rows put straight into a workspace's tables.

`append_df` was `Store.append_df`; it lives here because only tests and benches write rows without
an import (production writes go through pm_core.ingest and each area's store module).
"""
from __future__ import annotations

import uuid

import duckdb
import pandas as pd

from pm_core.store import StoreError
from pm_core.store.core import Store


def append_df(cur: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame) -> int:
    """Append a DataFrame's columns (by name) to a known table inside the caller's transaction; returns rows."""
    if table not in Store.table_counts_names(cur):
        raise StoreError(f"unknown table {table!r}")
    if df.empty:
        return 0
    cols = ", ".join(f'"{c}"' for c in df.columns)
    name = f"_append_{uuid.uuid4().hex[:8]}"
    cur.register(name, df)
    try:
        cur.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM {name}')
    finally:
        cur.unregister(name)
    return len(df)


def add_unknown_briefing_item(monkeypatch) -> None:
    """Make every briefing a page builds carry one item of a kind no renderer knows ('quote')."""
    from pydantic import BaseModel

    import pillars_ui
    from pm_core import audiences as A

    class QuoteItem(BaseModel):
        kind: str = "quote"

    real = pillars_ui.cached

    def cached(fn, *args, **kwargs):
        out = real(fn, *args, **kwargs)
        if getattr(fn, "__name__", "") == A.build_briefing.__name__:
            out = out.model_copy(deep=True)
            for s in out.sections:
                s.items.append(QuoteItem())
        return out

    monkeypatch.setattr(pillars_ui, "cached", cached)


def imported_workspace(path, *files, actor=None):
    """Return `path` after importing each file into that workspace in order, as `actor` (the CLI's editor by default).

    The import runs as the app's would, including the after-import step unless the test replaced it.
    """
    from pm_core.auth import CLI_ACTOR
    from pm_core.ingest import import_file
    from pm_core.store import open_store

    s = open_store(path)
    try:
        for f in files:
            import_file(s, actor or CLI_ACTOR, f)
    finally:
        s.close()
    return path


def run_cli(capsys, *args) -> tuple[int, str, str]:
    """Run `python -m pm_core ARGS` in this process and return (exit code, stdout, stderr)."""
    from pm_core.cli import main

    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err



def put_experiment_totals(store: Store, experiment: str, totals: dict[str, tuple[int, int]],
                          import_id: str = "agg1", imported_at: str = "2030-01-01") -> None:
    """Put per-variant totals {variant: (users, conversions)} for one experiment, as an aggregates import would."""
    with store.transaction() as cur:
        cur.execute("INSERT INTO imports VALUES (?, 'a.csv', 'x', 1, 'experiment', 'generic', ?, ?, 0, 'me', "
                    "CAST(? AS TIMESTAMP), NULL)", [import_id, len(totals), len(totals), imported_at])
        for variant, (users, conversions) in totals.items():
            cur.execute("INSERT INTO experiment_aggregates VALUES (?, ?, ?, ?, ?)",
                        [import_id, experiment, variant, int(users), int(conversions)])
