"""Roadmap tables (initiatives, their links, RACI) and their SQL, plus Jira delivery progress over work_items."""
from __future__ import annotations

import json

import duckdb
from .lazy import pd

from .core import Store, utcnow

DDL = [
    """CREATE TABLE IF NOT EXISTS initiatives (
        id VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL,
        problem VARCHAR,
        hypothesis VARCHAR,
        solution VARCHAR,
        pillar VARCHAR,
        team VARCHAR,
        status VARCHAR NOT NULL,        -- idea | discovery | planned | in_progress | launched | measured
        health VARCHAR NOT NULL,        -- on_track | at_risk | off_track
        start_date DATE,
        end_date DATE,
        bucket VARCHAR,                 -- now | next | later (when there are no dates)
        launch_date DATE,
        reach DOUBLE,                   -- RICE: users per quarter
        impact DOUBLE,                  -- RICE: 0.25 | 0.5 | 1 | 2 | 3
        confidence DOUBLE,              -- RICE: 0-100 (%)
        effort DOUBLE,                  -- person-months, > 0
        ice_impact DOUBLE,              -- ICE 1-10
        ice_confidence DOUBLE,
        ice_ease DOUBLE,
        value DOUBLE,                   -- value vs effort, 1-10
        cost DOUBLE,                    -- money, for ROI
        gain DOUBLE,
        jira_epic VARCHAR,
        jira_label VARCHAR,
        user_stories JSON,              -- [{"as_a", "i_want", "so_that"}]
        out_of_scope VARCHAR,
        milestones JSON,                -- [{"date", "label"}]
        archived BOOLEAN NOT NULL DEFAULT false,
        created_by VARCHAR,
        created_at TIMESTAMP,
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS initiative_links (
        initiative_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,          -- kr | kpi | dependency (target = the initiative depended on)
        target VARCHAR NOT NULL,
        label VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS raci (
        initiative_id VARCHAR NOT NULL,
        task VARCHAR NOT NULL,
        person VARCHAR NOT NULL,
        role VARCHAR NOT NULL,          -- R | A | C | I | A/R
        task_order INTEGER NOT NULL,
        person_order INTEGER NOT NULL)""",
]

COLUMNS = [
    "id", "title", "problem", "hypothesis", "solution", "pillar", "team", "status", "health",
    "start_date", "end_date", "bucket", "launch_date", "reach", "impact", "confidence", "effort",
    "ice_impact", "ice_confidence", "ice_ease", "value", "cost", "gain", "jira_epic", "jira_label",
    "user_stories", "out_of_scope", "milestones",
]
_JSON_COLS = {"user_stories", "milestones"}


def _row_values(row: dict) -> list:
    return [json.dumps(row.get(c) or []) if c in _JSON_COLS else row.get(c) for c in COLUMNS]


def insert_initiative(cur: duckdb.DuckDBPyConnection, row: dict, actor_email: str) -> None:
    """Insert one initiative row (all COLUMNS) inside the caller's transaction."""
    cols = COLUMNS + ["archived", "created_by", "created_at", "updated_by", "updated_at"]
    now = utcnow()
    cur.execute(
        f"INSERT INTO initiatives ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
        _row_values(row) + [False, actor_email, now, actor_email, now])


def update_initiative_row(cur: duckdb.DuckDBPyConnection, row: dict, actor_email: str) -> int:
    """Overwrite every field of an existing initiative; returns the number of rows changed (0 = unknown id)."""
    fields = [c for c in COLUMNS if c != "id"]
    sets = ", ".join(f"{c} = ?" for c in fields) + ", updated_by = ?, updated_at = ?"
    values = _row_values(row)[1:] + [actor_email, utcnow(), row["id"]]
    cur.execute(f"UPDATE initiatives SET {sets} WHERE id = ?", values)
    return int(cur.execute("SELECT count(*) FROM initiatives WHERE id = ?", [row["id"]]).fetchone()[0])


def set_archived(cur: duckdb.DuckDBPyConnection, initiative_id: str, archived: bool, actor_email: str) -> None:
    """Mark an initiative archived (or not) inside the caller's transaction."""
    cur.execute("UPDATE initiatives SET archived = ?, updated_by = ?, updated_at = ? WHERE id = ?",
                [archived, actor_email, utcnow(), initiative_id])


def read_initiatives(store: Store, include_archived: bool = False) -> list[dict]:
    """Return every initiative as a dict (JSON columns decoded to lists, missing values None), oldest first.

    Archived ones only on request. Plain dicts rather than a DataFrame: callers build one model per
    row, and skipping pandas here keeps a 300-initiative roadmap fast.
    """
    cur = store.cursor()
    try:
        cur.execute(f"SELECT {', '.join(COLUMNS)}, archived FROM initiatives "
                    "WHERE archived = false OR ? ORDER BY created_at, id", [include_archived])
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        cur.close()
    for row in rows:
        for c in _JSON_COLS:
            row[c] = json.loads(row[c]) if row[c] else []
    return rows


def get_initiative_row(cur: duckdb.DuckDBPyConnection, initiative_id: str) -> dict | None:
    """Return one initiative's COLUMNS and archived flag (JSON columns decoded) inside the caller's transaction, or None."""
    cur.execute(f"SELECT {', '.join(COLUMNS)}, archived FROM initiatives WHERE id = ?", [initiative_id])
    names = [d[0] for d in cur.description]
    found = cur.fetchone()
    if found is None:
        return None
    row = dict(zip(names, found))
    for c in _JSON_COLS:
        row[c] = json.loads(row[c]) if row[c] else []
    return row


def initiative_exists(cur: duckdb.DuckDBPyConnection, initiative_id: str) -> bool:
    """Return True when an initiative with this id exists (archived or not)."""
    return cur.execute("SELECT count(*) FROM initiatives WHERE id = ?", [initiative_id]).fetchone()[0] > 0


def count_initiatives(store: Store) -> int:
    """Return the number of initiatives, archived included (seed_demo's 'already seeded' test)."""
    return int(store.query_df("SELECT count(*) AS n FROM initiatives")["n"].iloc[0])


# -- links -----------------------------------------------------------------------------------
def read_links(store: Store) -> pd.DataFrame:
    """Return every link (initiative_id, kind, target, label) in insertion order."""
    return store.query_df("SELECT initiative_id, kind, target, label FROM initiative_links")


def initiative_titles(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Return {id: title} of every initiative (archived included) inside the caller's transaction."""
    return dict(cur.execute("SELECT id, title FROM initiatives").fetchall())


def active_titles(store: Store) -> list[tuple[str, str]]:
    """Return (id, title) of every initiative that is not archived, by title; [] on an empty roadmap."""
    cur = store.cursor()
    try:
        return [tuple(r) for r in cur.execute(
            "SELECT id, title FROM initiatives WHERE NOT coalesce(archived, false) ORDER BY lower(title), id").fetchall()]
    finally:
        cur.close()


def read_dependency_edges(cur: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Return (initiative, depends_on) pairs inside the caller's transaction."""
    return [tuple(r) for r in cur.execute(
        "SELECT initiative_id, target FROM initiative_links WHERE kind = 'dependency'").fetchall()]


def links_of(cur: duckdb.DuckDBPyConnection, initiative_id: str) -> dict[str, list[str]]:
    """Return {kind: [label or target, ...]} of one initiative's links inside the caller's transaction."""
    out: dict[str, list[str]] = {}
    for kind, target, label in cur.execute(
            "SELECT kind, target, label FROM initiative_links WHERE initiative_id = ? ORDER BY kind, label, target",
            [initiative_id]).fetchall():
        out.setdefault(kind, []).append(label or target)
    return out


def replace_links(cur: duckdb.DuckDBPyConnection, initiative_id: str, kind: str, rows: list[tuple[str, str | None]]) -> None:
    """Replace one kind of link of an initiative with (target, label) rows inside the caller's transaction."""
    cur.execute("DELETE FROM initiative_links WHERE initiative_id = ? AND kind = ?", [initiative_id, kind])
    for target, label in rows:
        cur.execute("INSERT INTO initiative_links VALUES (?, ?, ?, ?)", [initiative_id, kind, target, label])


# -- RACI ------------------------------------------------------------------------------------
def replace_raci(cur: duckdb.DuckDBPyConnection, initiative_id: str, rows: list[tuple[str, str, str, int, int]]) -> None:
    """Replace an initiative's RACI cells with (task, person, role, task_order, person_order) rows."""
    cur.execute("DELETE FROM raci WHERE initiative_id = ?", [initiative_id])
    for task, person, role, t_order, p_order in rows:
        cur.execute("INSERT INTO raci VALUES (?, ?, ?, ?, ?, ?)", [initiative_id, task, person, role, t_order, p_order])


def read_raci(store: Store, initiative_id: str) -> pd.DataFrame:
    """Return an initiative's RACI cells (task, person, role, task_order, person_order), ordered."""
    return store.query_df(
        "SELECT task, person, role, task_order, person_order FROM raci WHERE initiative_id = ? "
        "ORDER BY task_order, person_order", [initiative_id])


# -- Jira delivery progress ------------------------------------------------------------------
def jira_progress(store: Store, initiatives: list[tuple[str, str | None, str | None]]) -> pd.DataFrame:
    """Return (initiative_id, done, total) over work_items for (id, epic, label) triples; unmatched ids are absent.

    An item belongs to an epic when its epic or parent is the epic's key or the epic's summary, or when
    its parent belongs to it (sub-tasks under a story); the epic row itself is not counted. Labels match
    case-insensitively. An item matched both by epic and by label counts once.
    """
    wanted = [t for t in initiatives if t[1] or t[2]]
    if not wanted:
        return pd.DataFrame({"initiative_id": pd.Series(dtype=str), "done": pd.Series(dtype="int64"),
                             "total": pd.Series(dtype="int64")})
    return store.query_df(
        _ITEMS_CTE + """
        SELECT iid AS initiative_id, count(*) FILTER (WHERE status_category = 'done') AS done, count(*) AS total
        FROM items GROUP BY iid
        """, [[t[0] for t in wanted], [t[1] for t in wanted], [t[2] for t in wanted]])


def jira_items_for(store: Store, epic: str | None, label: str | None) -> pd.DataFrame:
    """Return the distinct work items attached to one initiative by epic (with sub-items) or by label."""
    return store.query_df(
        _ITEMS_CTE + """
        SELECT i.key, any_value(w.title) AS title, any_value(w.type_category) AS type_category,
               any_value(w.status) AS status, any_value(i.status_category) AS status_category,
               any_value(w.resolved) AS resolved
        FROM items i JOIN work_items w ON w.key = i.key GROUP BY i.key ORDER BY i.key
        """, [["x"], [epic], [label]])


_ITEMS_CTE = """
        WITH m AS (
            SELECT unnest(?::VARCHAR[]) AS iid, unnest(?::VARCHAR[]) AS epic, unnest(?::VARCHAR[]) AS label),
        names AS (
            SELECT m.iid, m.epic, w.title AS epic_title FROM m
            LEFT JOIN (SELECT key, any_value(title) AS title FROM work_items GROUP BY key) w ON w.key = m.epic
            WHERE m.epic IS NOT NULL),
        direct AS (
            SELECT n.iid, w.key, w.status_category FROM work_items w JOIN names n
              ON (w.epic IN (n.epic, n.epic_title) OR w.parent_key = n.epic) AND w.key <> n.epic),
        nested AS (
            SELECT d.iid, w.key, w.status_category FROM work_items w JOIN direct d ON w.parent_key = d.key),
        labelled AS (
            SELECT m.iid, w.key, w.status_category FROM work_items w JOIN m
              ON m.label IS NOT NULL AND coalesce(w.type_category, '') <> 'epic'
             AND list_contains(list_transform(coalesce(w.labels, []::VARCHAR[]), lambda x: lower(x)), lower(m.label))),
        items AS (
            SELECT iid, key, any_value(status_category) AS status_category
            FROM (SELECT * FROM direct UNION ALL SELECT * FROM nested UNION ALL SELECT * FROM labelled)
            GROUP BY iid, key)
"""
