"""All SQL of AI quality (issue 18): scored predictions, graded evals, and each AI feature's launch readiness.

Predictions and eval grades are canonical tables filled by the importer (`select_for` gives the
importer its SELECT list); a feature's launch bars and sign-off are one row per feature in
`ai_features`, written inside the caller's transaction. Everything from users or files is bound.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
from .lazy import np
from .lazy import pd

from .core import Store
from .docs import DocTable

DDL = [
    """CREATE TABLE IF NOT EXISTS ai_predictions (
        import_id VARCHAR NOT NULL,
        feature VARCHAR NOT NULL,       -- the AI feature (a column, else the file's stem)
        version VARCHAR NOT NULL,       -- model / version (a column, else the file's stem)
        example_id VARCHAR,
        label VARCHAR NOT NULL,         -- the truth as written (1/0, yes/no, a class name)
        score DOUBLE,                   -- the model's score, higher = more likely positive
        predicted VARCHAR,              -- the model's predicted label as written
        ts TIMESTAMP,
        segments JSON)                  -- every other column: language, country, device...""",
    """CREATE TABLE IF NOT EXISTS ai_evals (
        import_id VARCHAR NOT NULL,
        source VARCHAR NOT NULL,        -- promptfoo | openai_evals | langsmith | braintrust | generic
        feature VARCHAR NOT NULL,
        version VARCHAR NOT NULL,
        example_id VARCHAR,
        category VARCHAR,
        grade DOUBLE NOT NULL,          -- 1/0 for pass/fail, else the number given
        scale VARCHAR NOT NULL,         -- 0_1 (pass >= 0.5, pass/fail included) | 1_5 (pass >= 4)
        passed BOOLEAN NOT NULL,
        reason VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS ai_features (
        feature VARCHAR PRIMARY KEY,
        doc JSON NOT NULL,              -- launch readiness: bars, notes, fallback, sign-off (pm_core.ai validates it)
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
]

TABLES = ("ai_predictions", "ai_evals")


# -- import -----------------------------------------------------------------------------------------
def select_for(plan, p) -> tuple[str, str]:
    """Return (target columns, SELECT list) of an AI import plan (predictions or evals) for the importer."""
    e = plan.exprs
    imp = p(plan.consts["import_id"])
    feature = f"COALESCE({e.get('feature', 'NULL')}, {p(plan.consts['default_name'])})"
    version = f"COALESCE({e.get('version', 'NULL')}, {p(plan.consts['default_name'])})"
    if plan.kind == "predictions":
        props = ("json_object(" + ", ".join(f"{p(k)}, c{i}" for k, i in plan.extras) + ")") if plan.extras else "NULL"
        return ("import_id, feature, version, example_id, label, score, predicted, ts, segments",
                f"{imp}, {feature}, {version}, {e.get('example_id', 'NULL')}, {e['label']}, {e.get('score', 'NULL')}, "
                f"{e.get('predicted', 'NULL')}, {e.get('ts', 'NULL')}, {props}")
    scale = p(plan.consts["scale"])
    g = e["grade"]
    return ("import_id, source, feature, version, example_id, category, grade, scale, passed, reason",
            f"{imp}, {p(plan.source)}, {feature}, {version}, {e.get('example_id', 'NULL')}, {e.get('category', 'NULL')}, "
            f"{g}, {scale}, CASE WHEN {scale} = '1_5' THEN ({g}) >= 4 ELSE ({g}) >= 0.5 END, {e.get('reason', 'NULL')}")


def grade_range(store: Store, plan, expr: str, limit: int = 5000) -> tuple[float | None, float | None]:
    """Return (min, max) of the parsed grade over the file's first rows (decides a 1-5 scale from a 0-1 one)."""
    from .ingest_store import Params, source_sql

    pr = Params()
    cur = store.cursor()
    try:
        lo, hi = cur.execute(f"SELECT min({expr}), max({expr}) FROM (SELECT * FROM {source_sql(plan, pr, first_rows=True)} "
                             f"LIMIT {int(limit)})", pr.values).fetchone()
    finally:
        cur.close()
    return (None if lo is None else float(lo)), (None if hi is None else float(hi))


# -- reads ------------------------------------------------------------------------------------------
def runs(store: Store) -> pd.DataFrame:
    """Return one row per (kind, feature, version): examples, last import time; newest import first, then version name descending (v2 before v1 in one file)."""
    return store.query_df(
        "SELECT 'predictions' AS kind, p.feature, p.version, count(*) AS n, max(i.imported_at) AS imported_at, "
        "count(p.score) AS with_score, count(p.predicted) AS with_predicted, count(p.example_id) AS with_id "
        "FROM ai_predictions p JOIN imports i ON i.id = p.import_id GROUP BY ALL "
        "UNION ALL SELECT 'evals', e.feature, e.version, count(*), max(i.imported_at), 0, 0, count(e.example_id) "
        "FROM ai_evals e JOIN imports i ON i.id = e.import_id GROUP BY ALL ORDER BY imported_at DESC, feature, version DESC")


def label_values(store: Store, feature: str, version: str, limit: int = 60) -> list[tuple[str, int]]:
    """Return the distinct true and predicted labels of one run with their counts (most frequent first)."""
    cur = store.cursor()
    try:
        rows = cur.execute(
            "SELECT v, count(*) FROM (SELECT label AS v FROM ai_predictions WHERE feature = ? AND version = ? "
            "UNION ALL SELECT predicted FROM ai_predictions WHERE feature = ? AND version = ? AND predicted IS NOT NULL) "
            "GROUP BY v ORDER BY 2 DESC, 1 LIMIT ?", [feature, version, feature, version, limit]).fetchall()
    finally:
        cur.close()
    return [(str(v), int(n)) for v, n in rows]


def scored(store: Store, feature: str, version: str, positive: list[str], segment_keys: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """Return numpy arrays of one run: y (bool), score (float, NaN when missing), pred (-1 none, 0, 1), example_id, seg:<key>.

    A label counts as positive when its lower-cased text is in `positive`.
    """
    segs = "".join(f", json_extract_string(segments, ?) AS \"seg:{i}\"" for i, _ in enumerate(segment_keys))
    params: list[Any] = [positive, positive] + [f'$."{k}"' for k in segment_keys] + [feature, version]
    # segments are selected after the fixed columns; parameters follow the text order
    sql = (f"SELECT list_contains(?, lower(label)) AS y, COALESCE(score, 'NaN'::DOUBLE) AS score, "
           f"CASE WHEN predicted IS NULL THEN -1 WHEN list_contains(?, lower(predicted)) THEN 1 ELSE 0 END::TINYINT AS pred, "
           f"COALESCE(example_id, '') AS example_id{segs} FROM ai_predictions WHERE feature = ? AND version = ?")
    cur = store.cursor()
    try:
        got = cur.execute(sql, params).fetchnumpy()
    finally:
        cur.close()
    out = {"y": np.asarray(got["y"], dtype=bool), "score": np.asarray(got["score"], dtype=float),
           "pred": np.asarray(got["pred"], dtype=np.int8), "example_id": np.asarray(got["example_id"], dtype=object)}
    for i, k in enumerate(segment_keys):
        out[f"seg:{k}"] = np.asarray(got[f"seg:{i}"], dtype=object)
    return out


def segment_keys(store: Store, feature: str, version: str, max_values: int = 50, sample: int = 200_000) -> list[tuple[str, int]]:
    """Return (segment column, distinct values) of one run for columns with 2..max_values values (ids and free text left out)."""
    cur = store.cursor()
    try:
        rows = cur.execute(
            "WITH s AS (SELECT segments FROM ai_predictions WHERE feature = ? AND version = ? AND segments IS NOT NULL LIMIT ?), "
            "k AS (SELECT unnest(json_keys(segments)) AS key, segments FROM s) "
            "SELECT key, count(DISTINCT json_extract_string(segments, '$.\"' || replace(key, '\"', '\\\"') || '\"')) AS n "
            "FROM k GROUP BY key ORDER BY key", [feature, version, sample]).fetchall()
    finally:
        cur.close()
    return [(str(k), int(n)) for k, n in rows if 2 <= int(n) <= max_values]


def eval_rows(store: Store, feature: str) -> pd.DataFrame:
    """Return every graded example of a feature (version, example_id, category, grade, scale, passed, reason, source)."""
    return store.query_df("SELECT version, example_id, COALESCE(category, '(none)') AS category, grade, scale, passed, "
                          "reason, source FROM ai_evals WHERE feature = ?", [feature])


def example_counts(store: Store) -> dict[str, int]:
    """Return {table: rows} for the AI tables (the Data page and tests read it)."""
    cur = store.cursor()
    try:
        return {t: int(cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}
    finally:
        cur.close()


# -- launch readiness documents -------------------------------------------------------------------
_FEATURES = DocTable("ai_features", "feature", "doc")


def read_features(store: Store) -> dict[str, dict]:
    """Return {feature: stored readiness document with _updated_by/_updated_at}; empty when none was saved."""
    return _FEATURES.read_all(store)


def write_feature(cur: duckdb.DuckDBPyConnection, feature: str, doc: dict, actor_email: str, now: dt.datetime) -> None:
    """Insert or replace one feature's readiness document with the caller's transaction cursor."""
    _FEATURES.upsert(cur, feature, doc, actor_email, now)


def read_feature_row(cur: duckdb.DuckDBPyConnection, feature: str) -> dict | None:
    """Return one stored readiness document (inside a transaction), or None."""
    import json

    row = cur.execute("SELECT doc FROM ai_features WHERE feature = ?", [feature]).fetchone()
    return None if row is None else json.loads(row[0])
