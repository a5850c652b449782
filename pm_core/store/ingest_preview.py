"""What the import preview reads from a planned file before anything is written: the first rows, how many
values of each column parse as each type, counts of rows meeting conditions, and how the file's people
meet the workspace's. All SQL with the file's path and names as bound parameters (ingest_store.source_sql)."""
from __future__ import annotations

from typing import Any
from .lazy import pd
from .core import Store
from .ingest_store import Params, Plan, bound_params, source_sql
from .ingest_exprs import parse_expr, raw_expr


def sample_rows(store: Store, plan: Plan, n: int) -> pd.DataFrame:
    """Return the first n data rows as text (columns c0..), reading only what is needed."""
    p = Params()
    return _run_df(store, f"SELECT * FROM {source_sql(plan, p, first_rows=True)} LIMIT {int(n)}", p)


def _run_df(store: Store, sql: str, p: Params) -> pd.DataFrame:
    cur = store.cursor()
    try:
        return cur.execute(sql, p.values).df()
    finally:
        cur.close()


def type_hits(store: Store, plan: Plan, candidates: dict[int, list[str]], limit: int = 5000) -> dict[int, dict[str, int]]:
    """Return {column: {'_filled': n, type: rows that parse}} over the first `limit` rows, for type inference."""
    if not candidates:
        return {}
    p = Params()
    parts, keys = [], []
    for i, types in candidates.items():
        r = raw_expr(i)
        parts.append(f"count({r})")
        keys.append((i, "_filled"))
        for t in types:
            parts.append(f"count(*) FILTER (WHERE {r} IS NOT NULL AND ({parse_expr(t, r)}) IS NOT NULL)")
            keys.append((i, t))
    sql = f"SELECT {', '.join(parts)} FROM (SELECT * FROM {source_sql(plan, p, first_rows=True)} LIMIT {int(limit)})"
    cur = store.cursor()
    try:
        row = cur.execute(sql, p.values).fetchone()
    finally:
        cur.close()
    out: dict[int, dict[str, int]] = {}
    for (i, t), v in zip(keys, row):
        out.setdefault(i, {})[t] = int(v or 0)
    return out


def max_value(store: Store, plan: Plan, expr: str, limit: int = 5000) -> float | None:
    """Return the largest value of a parsed expression over the first rows (used to tell NPS from CSAT)."""
    p = Params()
    cur = store.cursor()
    try:
        v = cur.execute(f"SELECT max({expr}) FROM (SELECT * FROM {source_sql(plan, p, first_rows=True)} LIMIT {int(limit)})", p.values).fetchone()[0]
    finally:
        cur.close()
    return None if v is None else float(v)


def count_rows(store: Store, plan: Plan, conds: list[str], limit: int | None = 50_000) -> tuple[int, list[int]]:
    """Return (rows read, rows meeting each SQL condition) over the first `limit` rows (all rows when None)."""
    p = Params()
    lim = f" LIMIT {int(limit)}" if limit else ""
    parts = ", ".join(f"count(*) FILTER (WHERE {c})" for c in conds) or "0"
    sql = f"SELECT count(*), {parts} FROM (SELECT * FROM {source_sql(plan, p, first_rows=bool(limit))} AS c{lim})"
    cur = store.cursor()
    try:
        row = cur.execute(sql, bound_params(sql, p)).fetchone()
    finally:
        cur.close()
    return int(row[0]), [int(v or 0) for v in row[1:1 + len(conds)]]


def user_overlap(store: Store, plan: Plan, limit: int = 50_000, enough: float = 0.05) -> dict[str, Any] | None:
    """Return how the file's people (first `limit` rows) meet the workspace's: file, shared, workspace counts and sources.

    None when the workspace has no events, or when at least `enough` of the file's people are known
    (the workspace's own counts, a full scan, are then not needed).
    """
    cur = store.cursor()
    try:
        if not cur.execute("SELECT count(*) FROM (SELECT 1 FROM events LIMIT 1)").fetchone()[0]:
            return None
        p = Params()
        src = f"(SELECT * FROM {source_sql(plan, p, first_rows=True)} AS c LIMIT {int(limit)})"
        sql = (f"WITH f AS (SELECT DISTINCT {plan.exprs['user_id']} AS u FROM {src} WHERE u IS NOT NULL) "
               "SELECT (SELECT count(*) FROM f), (SELECT count(*) FROM f SEMI JOIN events e ON f.u = e.user_id)")
        file_people, shared = cur.execute(sql, bound_params(sql, p)).fetchone()
        if not file_people or shared >= enough * file_people:
            return None
        people, sources = cur.execute(
            "SELECT (SELECT count(DISTINCT user_id) FROM events), (SELECT list(DISTINCT i.source ORDER BY i.source) "
            "FROM imports i WHERE i.kind = 'events' AND EXISTS (SELECT 1 FROM events e WHERE e.import_id = i.id))").fetchone()
    finally:
        cur.close()
    return {"file_people": int(file_people), "shared": int(shared), "workspace_people": int(people),
            "sources": list(sources or [])}
