"""Queries for stakeholder views: audience definitions, battle cards, debrief notes, and the reads they need.

Audience definitions and battle cards are stored as one JSON document per row (the model lives in
`pm_core.audiences`, which validates it); the reads over metric series, survey comments and work
items serve the audience views, battle cards and the engineering debrief.
"""
from __future__ import annotations

import datetime as dt
import json

from .lazy import pd

from . import audit_store
from .core import Store, utcnow
from .docs import DocTable

DDL = [
    """CREATE TABLE IF NOT EXISTS audiences (
        id VARCHAR PRIMARY KEY,         -- engineering | design | marketing | sales | support | executives
        definition JSON NOT NULL,       -- the validated AudienceDef document
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS battle_cards (
        initiative_id VARCHAR PRIMARY KEY,
        card JSON NOT NULL,             -- value proposition, who it is for, proof notes, objections
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS debrief_notes (
        initiative_id VARCHAR PRIMARY KEY,
        notes JSON NOT NULL,            -- what went well / what to improve, written by the team
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
    # The workspace's feedback themes (none stored: the generic defaults in pm_core.audiences.themes apply).
    """CREATE TABLE IF NOT EXISTS feedback_themes (
        position INTEGER PRIMARY KEY,   -- display order, 0 first
        name VARCHAR NOT NULL UNIQUE,
        keywords JSON NOT NULL,         -- list of lower-case words, matched whole-word
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
]


# -- documents (audiences, battle cards, debrief notes) ----------------------------------------
_DOC_TABLES = {
    "audiences": DocTable("audiences", "id", "definition"),
    "battle_cards": DocTable("battle_cards", "initiative_id", "card"),
    "debrief_notes": DocTable("debrief_notes", "initiative_id", "notes"),
}


def _read_docs(store: Store, table: str) -> dict[str, dict]:
    return _DOC_TABLES[table].read_all(store)


def _upsert_doc(store: Store, table: str, key_value: str, doc: dict, actor_email: str,
                audit: audit_store.Entry | None = None) -> None:
    with store.transaction("audiences") as cur:
        _DOC_TABLES[table].upsert(cur, key_value, doc, actor_email, utcnow())
        if audit is not None:
            audit_store.insert(cur, audit)


def _delete_doc(store: Store, table: str, key_value: str, audit: audit_store.Entry | None = None) -> int:
    with store.transaction("audiences") as cur:
        n = _DOC_TABLES[table].delete(cur, key_value)
        if audit is not None and n:
            audit_store.insert(cur, audit)
    return n


def read_audiences(store: Store) -> dict[str, dict]:
    """Return {audience id: stored definition dict}; empty when no audience was ever saved."""
    return _read_docs(store, "audiences")


def write_audience(store: Store, audience_id: str, definition: dict, actor_email: str,
                   audit: audit_store.Entry | None = None) -> None:
    """Insert or replace one audience definition (one transaction, with its audit row when given)."""
    _upsert_doc(store, "audiences", audience_id, definition, actor_email, audit)


def delete_audience(store: Store, audience_id: str, audit: audit_store.Entry | None = None) -> int:
    """Delete a stored audience definition (the default applies again); returns rows removed (0 or 1).

    The audit row, when given, is written only if a definition was removed.
    """
    return _delete_doc(store, "audiences", audience_id, audit)


def read_battle_cards(store: Store) -> dict[str, dict]:
    """Return {initiative id: stored battle card dict}; empty when none was written."""
    return _read_docs(store, "battle_cards")


def write_battle_card(store: Store, initiative_id: str, card: dict, actor_email: str,
                      audit: audit_store.Entry | None = None) -> None:
    """Insert or replace the battle card of one initiative (with its audit row when given)."""
    _upsert_doc(store, "battle_cards", initiative_id, card, actor_email, audit)


def delete_battle_card(store: Store, initiative_id: str, audit: audit_store.Entry | None = None) -> int:
    """Delete one initiative's battle card; returns rows removed (0 or 1)."""
    return _delete_doc(store, "battle_cards", initiative_id, audit)


def read_debrief_notes(store: Store) -> dict[str, dict]:
    """Return {initiative id: stored debrief notes dict}; empty when none was written."""
    return _read_docs(store, "debrief_notes")


def write_debrief_notes(store: Store, initiative_id: str, notes: dict, actor_email: str,
                        audit: audit_store.Entry | None = None) -> None:
    """Insert or replace the debrief notes of one initiative (with its audit row when given)."""
    _upsert_doc(store, "debrief_notes", initiative_id, notes, actor_email, audit)


def count_rows(store: Store) -> dict[str, int]:
    """Return row counts of the three audience tables (seed_demo uses it to stay idempotent)."""
    cur = store.cursor()
    try:
        return {t: int(cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in _DOC_TABLES}
    finally:
        cur.close()


# -- feedback themes ---------------------------------------------------------------------------
def read_feedback_themes(store: Store) -> dict[str, list[str]]:
    """Return the stored feedback themes {name: keywords} in their order; empty when none was saved."""
    cur = store.cursor()
    try:
        rows = cur.execute("SELECT name, keywords FROM feedback_themes ORDER BY position").fetchall()
    finally:
        cur.close()
    return {name: list(json.loads(words)) for name, words in rows}


def write_feedback_themes(store: Store, themes: list[tuple[str, list[str]]], actor_email: str,
                          audit: audit_store.Entry | None = None) -> None:
    """Replace every stored feedback theme with `themes`, in order (one transaction, with its audit row when given)."""
    now = utcnow()
    with store.transaction("audiences") as cur:
        cur.execute("DELETE FROM feedback_themes")
        for i, (name, words) in enumerate(themes):
            cur.execute("INSERT INTO feedback_themes VALUES (?, ?, ?, ?, ?)",
                        [i, name, json.dumps(list(words)), actor_email, now])
        if audit is not None:
            audit_store.insert(cur, audit)


def delete_feedback_themes(store: Store, audit: audit_store.Entry | None = None) -> int:
    """Delete every stored feedback theme (the defaults apply again); returns rows removed.

    The audit row, when given, is written only if themes were removed.
    """
    with store.transaction("audiences") as cur:
        n = int(cur.execute("SELECT count(*) FROM feedback_themes").fetchone()[0])
        cur.execute("DELETE FROM feedback_themes")
        if audit is not None and n:
            audit_store.insert(cur, audit)
    return n


# -- reads over the canonical tables -----------------------------------------------------------
def _range(col: str, start: dt.date | None, end: dt.date | None) -> tuple[str, list]:
    """Return a SQL condition on the date expression `col` (a fixed name, never user input) for [start, end)."""
    conds, params = [], []
    if start is not None:
        conds.append(f"{col} >= ?")
        params.append(start)
    if end is not None:
        conds.append(f"{col} < ?")
        params.append(end)
    return (" AND ".join(conds) or "TRUE"), params


def metric_series(store: Store, metrics: list[str], segment: str | None = None) -> pd.DataFrame:
    """Return monthly points (metric, date, value) of the named series, summed per metric and date.

    Without a segment, rows with any segment are summed only when the series has no unsegmented rows
    (a file that splits revenue by region still gives a total); with a segment, only that segment.
    """
    cols = ["metric", "date", "value"]
    if not metrics:
        return pd.DataFrame(columns=cols)
    marks = ", ".join("?" for _ in metrics)
    if segment:
        sql = (f"SELECT metric, date, sum(value) AS value FROM metric_points "
               f"WHERE metric IN ({marks}) AND segment = ? GROUP BY metric, date ORDER BY metric, date")
        params = [*metrics, segment]
    else:
        sql = (f"""WITH p AS (SELECT metric, date, value, segment FROM metric_points WHERE metric IN ({marks})),
                   has_total AS (SELECT DISTINCT metric FROM p WHERE segment IS NULL OR segment = '')
                   SELECT metric, date, sum(value) AS value FROM p
                   WHERE (segment IS NULL OR segment = '') OR metric NOT IN (SELECT metric FROM has_total)
                   GROUP BY metric, date ORDER BY metric, date""")
        params = list(metrics)
    df = store.query_df(sql, params)
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["date"] = pd.to_datetime(df["date"])
    return df[cols]


def survey_comments(store: Store, start: dt.date | None = None, end: dt.date | None = None,
                    limit: int | None = None) -> pd.DataFrame:
    """Return non-empty survey comments (responded_at, scale, score, comment) in [start, end), newest first.

    Responses without a time are kept only when no range is asked for (they cannot be placed in one).
    """
    cond, params = _range("CAST(responded_at AS DATE)", start, end)
    sql = ("SELECT responded_at, scale, score, trim(comment) AS comment FROM survey_responses "
           f"WHERE comment IS NOT NULL AND trim(comment) <> '' AND {cond} "
           "ORDER BY responded_at DESC NULLS LAST")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return store.query_df(sql, params)


def survey_counts(store: Store) -> dict[str, int]:
    """Return {scale: responses} over all survey responses (empty dict when none were imported)."""
    df = store.query_df("SELECT scale, count(*) AS n FROM survey_responses GROUP BY scale ORDER BY scale")
    return {str(r.scale): int(r.n) for r in df.itertuples()}


def work_items_for(store: Store, epics: list[str] | None = None, labels: list[str] | None = None) -> pd.DataFrame:
    """Return work items whose epic/parent is one of `epics` or that carry one of `labels`; empty when both are empty.

    Epics match the epic column, the parent key, or the item's own key (the epic itself is included).
    """
    cols = ["key", "title", "type_category", "status", "status_category", "created", "resolved", "points",
            "epic", "labels"]
    epics = [e for e in (epics or []) if e]
    labels = [lab for lab in (labels or []) if lab]
    if not epics and not labels:
        return pd.DataFrame(columns=cols)
    conds, params = [], []
    if epics:
        marks = ", ".join("?" for _ in epics)
        conds.append(f"(epic IN ({marks}) OR parent_key IN ({marks}) OR key IN ({marks}))")
        params += epics * 3
    if labels:
        conds.append("list_has_any(coalesce(labels, []::VARCHAR[]), ?::VARCHAR[])")
        params.append(labels)
    sql = (f"SELECT DISTINCT ON (key) {', '.join(cols)} FROM work_items WHERE {' OR '.join(conds)} "
           "ORDER BY key, created DESC NULLS LAST")
    return store.query_df(sql, params)


def open_bugs(store: Store, limit: int = 50) -> pd.DataFrame:
    """Return work items of type bug that are not done (key, title, status, created, priority, epic), newest first."""
    return store.query_df(
        "SELECT DISTINCT ON (key) key, title, status, created, priority, epic FROM work_items "
        "WHERE type_category = 'bug' AND coalesce(status_category, '') <> 'done' "
        "ORDER BY key, created DESC NULLS LAST", []).sort_values("created", ascending=False, na_position="last").head(limit)


def bug_counts(store: Store, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, int]:
    """Return {'created': bugs created in [start, end), 'resolved': bugs resolved in it, 'open': not done now}."""
    c_created, p_created = _range("CAST(created AS DATE)", start, end)
    c_resolved, p_resolved = _range("CAST(resolved AS DATE)", start, end)
    df = store.query_df(
        "SELECT "
        f"count(DISTINCT key) FILTER (WHERE created IS NOT NULL AND {c_created}) AS created, "
        f"count(DISTINCT key) FILTER (WHERE resolved IS NOT NULL AND {c_resolved}) AS resolved, "
        "count(DISTINCT key) FILTER (WHERE coalesce(status_category, '') <> 'done') AS open "
        "FROM work_items WHERE type_category = 'bug'", p_created + p_resolved)
    row = df.iloc[0]
    return {k: int(row[k] or 0) for k in ("created", "resolved", "open")}
