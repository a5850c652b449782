"""Discovery tables (issue 19) and their SQL: interview highlights (an import kind), the opportunity
solution tree's nodes, and the evidence that attaches highlights to opportunities.

Highlights are rows of an import (deleting the import removes them, like any kind); editors change only
their tag. Tree nodes and evidence are the team's own work and outlive imports: evidence whose
highlight is gone is left in place and reported as removed, so a re-import does not silently lose the
count of what was attached, and the tree stays consistent.
"""
from __future__ import annotations

import duckdb

from ..formats.interviews import TAG_WORDS
from .core import Store, utcnow

DDL = [
    "CREATE SEQUENCE IF NOT EXISTS interview_highlight_seq",
    """CREATE TABLE IF NOT EXISTS interview_highlights (
        id BIGINT NOT NULL DEFAULT nextval('interview_highlight_seq'),
        import_id VARCHAR NOT NULL,
        interview VARCHAR NOT NULL,     -- the note's title or file stem, the Note/Session column, or the participant
        participant VARCHAR,
        segment VARCHAR,
        interviewed_on DATE,
        interviewer VARCHAR,
        note_file VARCHAR,              -- the note a passage comes from (notes), NULL for highlight files
        line INTEGER,                   -- the passage's first line in its note
        text VARCHAR NOT NULL,
        file_tag VARCHAR,               -- the tag as the file wrote it ('Pain points, Pricing')
        tag VARCHAR,                    -- pain_point | job | motivation | workaround | quote | NULL (editors change it)
        tagged_by VARCHAR,
        tagged_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS ost_nodes (
        id VARCHAR PRIMARY KEY,
        kind VARCHAR NOT NULL,          -- outcome | opportunity | solution | test
        parent_id VARCHAR,              -- NULL for an outcome
        title VARCHAR NOT NULL,
        notes VARCHAR,
        link_kind VARCHAR,              -- kr | kpi (outcome) | initiative (solution) | experiment (test)
        link_target VARCHAR,            -- the KR / initiative id, KPI key or experiment name
        link_label VARCHAR,             -- its name when linked, kept so a removed target is still named
        position INTEGER NOT NULL,
        created_by VARCHAR,
        created_at TIMESTAMP,
        updated_by VARCHAR,
        updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS opportunity_evidence (
        opportunity_id VARCHAR NOT NULL,
        highlight_id BIGINT NOT NULL,
        highlight_text VARCHAR,         -- the passage when attached, so removed evidence can still be named
        added_by VARCHAR,
        added_at TIMESTAMP)""",
]

NODE_COLUMNS = ["id", "kind", "parent_id", "title", "notes", "link_kind", "link_target", "link_label", "position"]
HIGHLIGHT_COLUMNS = ["id", "import_id", "interview", "participant", "segment", "interviewed_on", "interviewer",
                     "note_file", "line", "text", "file_tag", "tag"]


# -- the import ------------------------------------------------------------------------------------
def _tag_case(raw: str, p) -> str:
    """SQL mirroring formats.interviews.tag_of: the first comma/semicolon part of `raw` that names a tag."""
    parts = (f"list_transform(string_split(replace(lower({raw}), ';', ','), ','), "
             "lambda x: trim(regexp_replace(replace(x, '_', ' '), '\\s+', ' ', 'g')))")
    whens = []
    for tag, words in TAG_WORDS.items():
        w = p(list(words))
        hit = (f"len(list_filter({w}, lambda w: y = w OR y = w || 's' OR starts_with(y, w || ' ') "
               f"OR starts_with(y, w || 's '))) > 0")
        whens.append((tag, hit))
    # position of the first part naming each tag; the tag whose part comes first wins
    firsts = ", ".join(f"{{'t': {p(tag)}, 'i': list_position(list_transform({parts}, lambda y: {hit}), true)}}"
                       for tag, hit in whens)
    return (f"list_sort(list_filter([{firsts}], lambda s: s.i IS NOT NULL), 'ASC')[1].t")


def select_for(plan, p) -> tuple[str, str]:
    """Return (target columns, SELECT list) inserting interview highlights for the importer (ingest_store)."""
    e = plan.exprs
    imp = p(plan.consts["import_id"])
    stem = p(plan.consts.get("interview_default") or "interview")
    tag_raw = e.get("tag", "NULL")
    interview = f"COALESCE(NULLIF(trim({e.get('interview', 'NULL')}), ''), NULLIF(trim({e.get('participant', 'NULL')}), ''), {stem})"
    tag = "NULL" if tag_raw == "NULL" else f"({_tag_case(tag_raw, p)})"
    line = f"TRY_CAST({e['line']} AS INTEGER)" if "line" in e else "NULL"
    return ("import_id, interview, participant, segment, interviewed_on, interviewer, note_file, line, text, file_tag, tag",
            f"{imp}, {interview}, NULLIF(trim({e.get('participant', 'NULL')}), ''), NULLIF(trim({e.get('segment', 'NULL')}), ''), "
            f"{e.get('interviewed_on', 'NULL')}, NULLIF(trim({e.get('interviewer', 'NULL')}), ''), "
            f"{e.get('note_file', 'NULL')}, {line}, trim({e['text']}), NULLIF(trim({tag_raw}), ''), {tag}")


# -- highlights --------------------------------------------------------------------------------------
def read_highlights(store: Store) -> list[dict]:
    """Return every highlight (HIGHLIGHT_COLUMNS plus file_name of its import), by interview then line."""
    return store.query_dicts(
        f"SELECT {', '.join('h.' + c for c in HIGHLIGHT_COLUMNS)}, i.file_name FROM interview_highlights h "
        "LEFT JOIN imports i ON i.id = h.import_id ORDER BY h.interview, h.note_file, h.line, h.id")


def _count(store: Store, table: str) -> int:
    # `table` is one of this module's own table names, never user input
    return int(store.query_dicts(f"SELECT count(*) AS n FROM {table}")[0]["n"])


def count_highlights(store: Store) -> int:
    """Return the number of highlights in the workspace (0 before any interview import)."""
    return _count(store, "interview_highlights")


def get_highlights(cur: duckdb.DuckDBPyConnection, ids: list[int]) -> dict[int, dict]:
    """Return {id: {id, text, tag, interview}} of the given highlights inside the caller's transaction (unknown ids absent)."""
    if not ids:
        return {}
    rows = cur.execute("SELECT id, text, tag, interview FROM interview_highlights WHERE list_contains(?::BIGINT[], id)",
                       [list(ids)]).fetchall()
    return {int(r[0]): {"id": int(r[0]), "text": r[1], "tag": r[2], "interview": r[3]} for r in rows}


def set_tag(cur: duckdb.DuckDBPyConnection, highlight_id: int, tag: str | None, actor_email: str) -> None:
    """Set one highlight's tag (None clears it) inside the caller's transaction."""
    cur.execute("UPDATE interview_highlights SET tag = ?, tagged_by = ?, tagged_at = ? WHERE id = ?",
                [tag, actor_email, utcnow(), highlight_id])


# -- tree nodes ------------------------------------------------------------------------------------
def read_nodes(store: Store) -> list[dict]:
    """Return every tree node (NODE_COLUMNS) in creation order within each parent (position, then id)."""
    return store.query_dicts(f"SELECT {', '.join(NODE_COLUMNS)} FROM ost_nodes ORDER BY position, created_at, id")


def get_node(cur: duckdb.DuckDBPyConnection, node_id: str) -> dict | None:
    """Return one node (NODE_COLUMNS) inside the caller's transaction, or None for an unknown id."""
    cur.execute(f"SELECT {', '.join(NODE_COLUMNS)} FROM ost_nodes WHERE id = ?", [node_id])
    found = cur.fetchone()
    return None if found is None else dict(zip(NODE_COLUMNS, found))


def next_position(cur: duckdb.DuckDBPyConnection, parent_id: str | None) -> int:
    """Return the position after the last child of a parent (outcomes when parent_id is None)."""
    row = cur.execute("SELECT max(position) FROM ost_nodes WHERE parent_id IS NOT DISTINCT FROM ?", [parent_id]).fetchone()
    return 0 if row[0] is None else int(row[0]) + 1


def insert_node(cur: duckdb.DuckDBPyConnection, row: dict, actor_email: str) -> None:
    """Insert one node (NODE_COLUMNS) inside the caller's transaction."""
    cols = NODE_COLUMNS + ["created_by", "created_at", "updated_by", "updated_at"]
    now = utcnow()
    cur.execute(f"INSERT INTO ost_nodes ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                [row.get(c) for c in NODE_COLUMNS] + [actor_email, now, actor_email, now])


def update_node(cur: duckdb.DuckDBPyConnection, row: dict, actor_email: str) -> None:
    """Overwrite a node's title, notes and link inside the caller's transaction (kind, parent and position stay)."""
    cur.execute("UPDATE ost_nodes SET title = ?, notes = ?, link_kind = ?, link_target = ?, link_label = ?, "
                "updated_by = ?, updated_at = ? WHERE id = ?",
                [row["title"], row.get("notes"), row.get("link_kind"), row.get("link_target"), row.get("link_label"),
                 actor_email, utcnow(), row["id"]])


def subtree_ids(cur: duckdb.DuckDBPyConnection, node_id: str) -> list[str]:
    """Return the id of a node and of every node under it inside the caller's transaction."""
    rows = cur.execute("""
        WITH RECURSIVE t(id) AS (SELECT ?::VARCHAR UNION ALL SELECT n.id FROM ost_nodes n JOIN t ON n.parent_id = t.id)
        SELECT id FROM t""", [node_id]).fetchall()
    return [r[0] for r in rows]


def delete_nodes(cur: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
    """Delete nodes and the evidence attached to them inside the caller's transaction."""
    cur.execute("DELETE FROM opportunity_evidence WHERE list_contains(?::VARCHAR[], opportunity_id)", [ids])
    cur.execute("DELETE FROM ost_nodes WHERE list_contains(?::VARCHAR[], id)", [ids])


def count_nodes(store: Store) -> int:
    """Return the number of tree nodes (seed_demo's 'already seeded' test)."""
    return _count(store, "ost_nodes")


# -- evidence --------------------------------------------------------------------------------------
def read_evidence(store: Store) -> list[dict]:
    """Return every attachment (opportunity_id, highlight_id, highlight_text) with `present` False when its highlight is gone."""
    return store.query_dicts("SELECT e.opportunity_id, e.highlight_id, e.highlight_text, h.id IS NOT NULL AS present "
                             "FROM opportunity_evidence e LEFT JOIN interview_highlights h ON h.id = e.highlight_id "
                             "ORDER BY e.added_at, e.highlight_id")


def evidence_of(cur: duckdb.DuckDBPyConnection, opportunity_id: str) -> list[int]:
    """Return the highlight ids attached to one opportunity inside the caller's transaction."""
    return [int(r[0]) for r in cur.execute(
        "SELECT highlight_id FROM opportunity_evidence WHERE opportunity_id = ? ORDER BY highlight_id",
        [opportunity_id]).fetchall()]


def add_evidence(cur: duckdb.DuckDBPyConnection, opportunity_id: str, highlights: list[dict], actor_email: str) -> None:
    """Attach highlights ({id, text}) to an opportunity inside the caller's transaction (callers skip ones already attached)."""
    now = utcnow()
    for h in highlights:
        cur.execute("INSERT INTO opportunity_evidence VALUES (?, ?, ?, ?, ?)", [opportunity_id, h["id"], h["text"], actor_email, now])


def remove_evidence(cur: duckdb.DuckDBPyConnection, opportunity_id: str, highlight_ids: list[int]) -> None:
    """Detach highlights from an opportunity inside the caller's transaction."""
    cur.execute("DELETE FROM opportunity_evidence WHERE opportunity_id = ? AND list_contains(?::BIGINT[], highlight_id)",
                [opportunity_id, list(highlight_ids)])
