"""All SQL of importing: reading the file with DuckDB, validating every row in SQL, inserting, provenance, rejects.

The file is read straight from disk by `read_csv` with every column as text; each mapped value is then
parsed with TRY_CAST / TRY_STRPTIME, and a row whose value does not parse gets a reject code instead
of a silent NULL. Column names in the SQL are our own (c0, c1, ...); everything that came from the
file or the user (paths, header names, property keys, formats) is a bound parameter.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from .core import Store

MAX_LINE_BYTES = 8 << 20

# -- value parsers -----------------------------------------------------------------------------
_US = ["%m/%d/%y %I:%M %p", "%m/%d/%y %I:%M:%S %p", "%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M", "%m/%d/%y",
       "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y"]
_EU = ["%d/%m/%y %H:%M:%S", "%d/%m/%y %H:%M", "%d/%m/%y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
       "%d/%m/%Y %I:%M %p", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d-%m-%Y %H:%M", "%d-%m-%Y"]
_JIRA = ["%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%y", "%d/%b/%Y", "%d-%b-%Y", "%d %b %Y"]


def _lit_list(items: list[str]) -> str:
    # constant format strings written here, never user input
    return "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in items) + "]"


def _ts_expr(kind: str, v: str) -> str:
    iso = f"TRY_CAST({v} AS TIMESTAMPTZ)::TIMESTAMP"
    epoch = (f"CASE WHEN regexp_full_match({v}, '-?[0-9]{{9,10}}([.][0-9]+)?') THEN make_timestamp(TRY_CAST(TRY_CAST({v} AS DOUBLE) * 1000000 AS BIGINT)) "
             f"WHEN regexp_full_match({v}, '-?[0-9]{{12,13}}') THEN make_timestamp(TRY_CAST({v} AS BIGINT) * 1000) END")
    # Spanish (and lowercase) Jira months and 'p. m.' markers become what %b / %p read
    es = (f"replace(replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(lower({v}), "
          f"'/ene/', '/jan/'), '/abr/', '/apr/'), '/ago/', '/aug/'), '/dic/', '/dec/'), '/sept/', '/sep/'), 'p. m.', 'pm'), 'a. m.', 'am')")
    jira = f"TRY_STRPTIME({es}, {_lit_list(_JIRA)})"
    us = f"TRY_STRPTIME({v}, {_lit_list(_US)})"
    eu = f"TRY_STRPTIME({v}, {_lit_list(_EU)})"
    return {
        "iso": iso, "epoch": epoch, "jira": jira, "us": us, "eu": eu,
        "mixed_us": f"COALESCE({iso}, {jira}, {epoch}, {us})",
        "mixed_eu": f"COALESCE({iso}, {jira}, {epoch}, {eu})",
    }[kind]


_MONEY_STRIP = r"'^[(]?(USD|EUR|GBP|US[$]|[£$€¥₹])|(USD|EUR|GBP|[£$€¥₹])$|\s'"


def parse_expr(type_name: str, v: str) -> str:
    """Return SQL that parses the text expression v as type_name, NULL when it does not fit (never a guess)."""
    if type_name == "text":
        return v
    if type_name in ("number", "number_eu"):
        n = f"regexp_replace({v}, {_MONEY_STRIP}, '', 'g')"
        if type_name == "number":
            pat = r"'[-+]?([0-9]{1,3}(,[0-9]{3})+|[0-9]*)([.][0-9]+)?([eE][-+]?[0-9]+)?'"
            return f"CASE WHEN regexp_full_match({n}, {pat}) THEN TRY_CAST(replace({n}, ',', '') AS DOUBLE) END"
        pat = r"'[-+]?([0-9]{1,3}([.][0-9]{3})+|[0-9]*)(,[0-9]+)?'"
        return f"CASE WHEN regexp_full_match({n}, {pat}) THEN TRY_CAST(replace(replace({n}, '.', ''), ',', '.') AS DOUBLE) END"
    if type_name == "bool":
        return (f"CASE WHEN lower({v}) IN ('1', 'true', 'yes', 'y', 't', 'converted', '1.0') THEN true "
                f"WHEN lower({v}) IN ('0', 'false', 'no', 'n', 'f', '0.0') THEN false END")
    if type_name.startswith("date_"):
        return f"({_ts_expr(type_name[5:], v)})::DATE"
    if type_name.startswith("ts_"):
        return _ts_expr(type_name[3:], v)
    raise ValueError(f"unknown type {type_name!r}")


def raw_expr(i: int) -> str:
    """Return SQL for column i's text with surrounding blanks removed; empty means missing (NULL)."""
    return f"NULLIF(trim(c{i}), '')"


# -- the plan the importer hands over ------------------------------------------------------------
@dataclass
class Check:
    cond: str            # SQL, true when the row is bad
    column: str          # header name shown to the user
    reason: str          # words; '{value}' is filled with the offending text
    value_sql: str       # SQL giving the offending text


@dataclass
class Plan:
    path: str
    delimiter: str
    ncols: int
    compression: str                     # 'none' | 'gzip'
    kind: str
    source: str
    exprs: dict[str, str]                # target -> SQL of its parsed value
    checks: list[Check]
    consts: dict[str, Any] = field(default_factory=dict)
    extras: list[tuple[str, int]] = field(default_factory=list)  # (property key or metric name, column)
    unpivot: list[tuple[str, str]] = field(default_factory=list)  # (metric name, value SQL)


class Params:
    """Collects bound parameters while SQL text is assembled."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def _source(plan: Plan, p: Params, rejects: str | None = None) -> str:
    cols = {f"c{i}": "VARCHAR" for i in range(plan.ncols)}
    opts = (f"delim={p(plan.delimiter)}, quote='\"', escape='\"', header=true, auto_detect=false, "
            f"columns={p(cols)}, compression={p(plan.compression)}, max_line_size={MAX_LINE_BYTES}, ignore_errors=true")
    if rejects:
        # our own generated names (not user input), so written into the SQL text
        opts += f", store_rejects=true, rejects_table='{rejects}', rejects_scan='{rejects}_scan'"
    return f"read_csv({p(plan.path)}, {opts})"


def _code_sql(plan: Plan) -> str:
    if not plan.checks:
        return "0"
    return "CASE " + " ".join(f"WHEN {c.cond} THEN {i + 1}" for i, c in enumerate(plan.checks)) + " ELSE 0 END"


def sample_rows(store: Store, plan: Plan, n: int) -> pd.DataFrame:
    """Return the first n data rows as text (columns c0..), reading only what is needed."""
    p = Params()
    return _run_df(store, f"SELECT * FROM {_source(plan, p)} LIMIT {int(n)}", p)


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
    sql = f"SELECT {', '.join(parts)} FROM (SELECT * FROM {_source(plan, p)} LIMIT {int(limit)})"
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
        v = cur.execute(f"SELECT max({expr}) FROM (SELECT * FROM {_source(plan, p)} LIMIT {int(limit)})", p.values).fetchone()[0]
    finally:
        cur.close()
    return None if v is None else float(v)


# -- counting, rejects ------------------------------------------------------------------------
@dataclass
class Scan:
    parsed: int                     # rows DuckDB parsed into columns
    bad: int                        # parsed rows failing a check
    structural: list[dict]          # rows DuckDB could not split: line, error_type, column, csv_line, message


def scan(cur: duckdb.DuckDBPyConnection, plan: Plan) -> Scan:
    """Count rows and rows that fail a check; collect rows the CSV reader could not split (ragged, quotes, size)."""
    rj = f"_rj_{uuid.uuid4().hex[:10]}"
    p = Params()
    sql = f"SELECT count(*), count(*) FILTER (WHERE code > 0) FROM (SELECT {_code_sql(plan)} AS code FROM {_source(plan, p, rj)})"
    try:
        # fetchall, not fetchone: DuckDB writes the rejects table only once the result is fully consumed
        parsed, bad = cur.execute(sql, p.values).fetchall()[0]
        exists = cur.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [rj]).fetchone()[0]
        rows = cur.execute(
            f"SELECT line, error_type, column_name, csv_line, error_message FROM {rj} ORDER BY line").fetchall() if exists else []
    finally:
        cur.execute(f"DROP TABLE IF EXISTS {rj}")
        cur.execute(f"DROP TABLE IF EXISTS {rj}_scan")
    seen, structural = set(), []
    for line, etype, col, csv_line, msg in rows:
        if line in seen:
            continue
        seen.add(line)
        structural.append({"line": int(line), "error_type": str(etype), "column": col, "csv_line": csv_line or "",
                           "message": msg or ""})
    return Scan(int(parsed), int(bad), structural)


def bad_rows(cur: duckdb.DuckDBPyConnection, plan: Plan, limit: int | None = None) -> list[tuple[int, int, str | None]]:
    """Return (row, check number, offending text) for each parsed row that fails a check, in file order.

    Rows count records as DuckDB's reader does: the header is row 1 and a quoted value spanning lines
    stays one row. Rows the reader could not split are not counted here (the caller shifts for them).
    """
    p = Params()
    value = "CASE code " + " ".join(f"WHEN {i + 1} THEN {c.value_sql}" for i, c in enumerate(plan.checks)) + " END" \
        if plan.checks else "NULL"
    stg = f"_stg_{uuid.uuid4().hex[:10]}"
    # a table keeps the reader's order, so rowid is the record's position among the rows that parsed
    cur.execute(f"CREATE TEMP TABLE {stg} AS SELECT code, CASE WHEN code > 0 THEN {value} END AS bad_value "
                f"FROM (SELECT *, {_code_sql(plan)} AS code FROM {_source(plan, p)})", p.values)
    try:
        lim = f"LIMIT {int(limit)}" if limit else ""
        rows = cur.execute(f"SELECT rowid + 2, code, bad_value FROM {stg} WHERE code > 0 ORDER BY rowid {lim}").fetchall()
    finally:
        cur.execute(f"DROP TABLE IF EXISTS {stg}")
    return [(int(a), int(b), c) for a, b, c in rows]


# -- inserting ---------------------------------------------------------------------------------
def _select_for(plan: Plan, p: Params) -> tuple[str, str]:
    """Return (target columns, SELECT list) for the plan's canonical table."""
    e = plan.exprs
    imp = p(plan.consts["import_id"])
    if plan.kind == "events":
        if plan.extras:
            props = "json_object(" + ", ".join(f"{p(k)}, c{i}" for k, i in plan.extras) + ")"
        else:
            props = "NULL"
        return "import_id, user_id, event, ts, properties", f"{imp}, {e['user_id']}, {e['event']}, {e['ts']}, {props}"
    if plan.kind == "work_items":
        vocab = plan.consts["vocab"]
        t = e.get("type", "NULL")
        typecat = "CASE " + " ".join(
            f"WHEN list_contains({p(list(words))}, lower(trim({t}))) THEN '{cat}'" for cat, words in vocab["types"].items())
        labels = e.get("labels", "[]::VARCHAR[]")
        typecat += f" WHEN list_contains(list_transform({labels}, lambda x: lower(x)), 'bug') THEN 'bug' ELSE 'other' END"

        def status_case(x: str) -> str:
            return "CASE " + " ".join(
                f"WHEN list_contains({p(list(words))}, lower(trim({x}))) THEN '{cat}'" for cat, words in vocab["status"].items()) + " END"
        resolved = e.get("resolved", "NULL::TIMESTAMP")
        cat_parts = [status_case(e["status_category"])] if "status_category" in e else []
        if "status" in e:
            cat_parts.append(status_case(e["status"]))
        cat_parts.append(f"CASE WHEN {resolved} IS NOT NULL THEN 'done' ELSE 'todo' END")
        cols = ["key", "title", "type", "status", "created", "resolved", "due", "points", "sprint", "epic",
                "parent_key", "labels", "assignee", "priority"]
        sel = [e.get(c, "NULL") for c in cols]
        return ("import_id, " + ", ".join(cols) + ", type_category, status_category",
                f"{imp}, " + ", ".join(sel) + f", {typecat}, COALESCE({', '.join(cat_parts)})")
    if plan.kind == "survey":
        return ("import_id, respondent, responded_at, scale, score, comment",
                f"{imp}, {e.get('respondent', 'NULL')}, {e.get('responded_at', 'NULL')}, {p(plan.consts['scale'])}, "
                f"{e['score']}, {e.get('comment', 'NULL')}")
    if plan.kind == "experiment" and plan.source == "exposures":
        return ("import_id, experiment, user_id, variant, converted, exposed_at",
                f"{imp}, COALESCE({e.get('experiment', 'NULL')}, {p(plan.consts['experiment'])}), {e['user_id']}, "
                f"{e['variant']}, {e['converted']}, {e.get('exposed_at', 'NULL')}")
    if plan.kind == "experiment":
        return ("import_id, experiment, variant, users, conversions",
                f"{imp}, COALESCE({e.get('experiment', 'NULL')}, {p(plan.consts['experiment'])}), {e['variant']}, "
                f"CAST({e['users']} AS BIGINT), CAST({e['conversions']} AS BIGINT)")
    if plan.kind == "salaries":
        cols = ["company", "title", "level", "location", "years", "base", "stock", "bonus", "reported_on"]
        total = e.get("total") or f"{e['base']} + COALESCE({e.get('stock', 'NULL')}, 0) + COALESCE({e.get('bonus', 'NULL')}, 0)"
        sym = plan.consts.get("money_raw", [])
        sym_case = "NULL"
        if sym:
            src = "COALESCE(" + ", ".join(sym) + ")"
            sym_case = "CASE " + " ".join(
                f"WHEN starts_with({src}, {p(s)}) OR ends_with({src}, {p(s)}) OR starts_with({src}, {p(code)}) "
                f"OR ends_with({src}, {p(code)}) THEN {p(code)}"
                for s, code in plan.consts["symbols"].items()) + " END"
        currency = f"COALESCE(upper({e['currency']}), {sym_case})" if "currency" in e else sym_case
        return ("import_id, " + ", ".join(cols) + ", total, currency",
                f"{imp}, " + ", ".join(e.get(c, "NULL") for c in cols) + f", {total}, {currency}")
    if plan.kind == "metrics" and plan.source != "wide":
        return ("import_id, metric, date, value, segment",
                f"{imp}, {e['metric']}, {e['date']}, {e['value']}, {e.get('segment', 'NULL')}")
    raise ValueError(f"no insert for {plan.kind}/{plan.source}")


_TABLE = {"events": "events", "work_items": "work_items", "survey": "survey_responses", "salaries": "salaries",
          "metrics": "metric_points"}


def insert_rows(cur: duckdb.DuckDBPyConnection, plan: Plan) -> int:
    """Insert every row that passes its checks into the plan's canonical table; returns rows inserted."""
    p = Params()
    src = _source(plan, p)
    where = f"({_code_sql(plan)}) = 0"
    if plan.kind == "metrics" and plan.source == "wide":
        items = "[" + ", ".join(f"{{'metric': {p(name)}, 'value': {sql}}}" for name, sql in plan.unpivot) + "]"
        imp = p(plan.consts["import_id"])
        seg = plan.exprs.get("segment", "NULL")
        sql = (f"INSERT INTO metric_points (import_id, metric, date, value, segment) "
               f"SELECT {imp}, pt.metric, d, pt.value, seg FROM (SELECT {plan.exprs['date']} AS d, {seg} AS seg, "
               f"unnest({items}) AS pt FROM {src} WHERE {where}) WHERE pt.value IS NOT NULL")
    else:
        table = "experiment_exposures" if plan.kind == "experiment" and plan.source == "exposures" else \
            "experiment_aggregates" if plan.kind == "experiment" else _TABLE[plan.kind]
        cols, sel = _select_for(plan, p)
        sql = f"INSERT INTO {table} ({cols}) SELECT {sel} FROM {src} WHERE {where}"
    n = cur.execute(sql, p.values).fetchall()
    n = n[0] if n else None
    if plan.kind == "work_items":
        _link_epics(cur, plan.consts["import_id"])
    return int(n[0]) if n else 0


def _link_epics(cur: duckdb.DuckDBPyConnection, import_id: str) -> None:
    # Jira keeps only the direct parent: a sub-task's epic is its parent's parent.
    cur.execute(
        "UPDATE work_items AS w SET epic = p.key FROM work_items AS p "
        "WHERE w.import_id = ? AND p.import_id = ? AND w.epic IS NULL AND w.parent_key = p.key AND p.type_category = 'epic'",
        [import_id, import_id])
    cur.execute(
        "UPDATE work_items AS w SET epic = p.epic FROM work_items AS p "
        "WHERE w.import_id = ? AND p.import_id = ? AND w.epic IS NULL AND w.parent_key = p.key AND p.epic IS NOT NULL",
        [import_id, import_id])


# -- provenance, rejects, duplicates, deletion --------------------------------------------------
def find_by_sha(store: Store, sha256: str) -> dict | None:
    """Return the earlier import of a file with this sha256 (newest), or None."""
    df = store.query_df("SELECT id, file_name, strftime(imported_at, '%Y-%m-%d %H:%M') AS imported_at, kind "
                        "FROM imports WHERE sha256 = ? ORDER BY imported_at DESC LIMIT 1", [sha256])
    return None if df.empty else df.iloc[0].to_dict()


def insert_import(cur: duckdb.DuckDBPyConnection, row: dict) -> None:
    """Write one provenance row (the dict's keys are the imports columns)."""
    cols = ["id", "file_name", "sha256", "bytes", "kind", "source", "rows_read", "rows_imported", "rows_rejected",
            "actor", "imported_at", "details"]
    cur.execute(f"INSERT INTO imports ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})", [row[c] for c in cols])


def insert_rejects(cur: duckdb.DuckDBPyConnection, import_id: str, rejects: pd.DataFrame) -> None:
    """Store rejected rows (row_number, column, value, reason) under the import."""
    if rejects.empty:
        return
    df = pd.DataFrame({"import_id": import_id, "row_number": rejects["row_number"].astype("int64"),
                       "column_name": rejects["column"].astype("string"), "value": rejects["value"].astype("string"),
                       "reason": rejects["reason"].astype("string")})
    name = f"_rej_{uuid.uuid4().hex[:8]}"
    cur.register(name, df)
    try:
        cur.execute(f"INSERT INTO import_rejects (import_id, row_number, column_name, value, reason) "
                    f"SELECT import_id, row_number, column_name, value, reason FROM {name}")
    finally:
        cur.unregister(name)


CANONICAL = ("events", "work_items", "survey_responses", "experiment_exposures", "experiment_aggregates",
             "salaries", "metric_points")


def import_exists(store: Store, import_id: str) -> bool:
    """Return True if an import with this id is recorded."""
    return not store.query_df("SELECT 1 FROM imports WHERE id = ?", [import_id]).empty


def delete_import_rows(cur: duckdb.DuckDBPyConnection, import_id: str) -> int:
    """Delete an import's rows from every canonical table, its rejects and its provenance; returns data rows removed."""
    removed = 0
    for table in CANONICAL:
        removed += int(cur.execute(f"SELECT count(*) FROM {table} WHERE import_id = ?", [import_id]).fetchone()[0])
        cur.execute(f"DELETE FROM {table} WHERE import_id = ?", [import_id])
    cur.execute("DELETE FROM import_rejects WHERE import_id = ?", [import_id])
    cur.execute("DELETE FROM imports WHERE id = ?", [import_id])
    return removed


def rejects_for(store: Store, import_id: str) -> pd.DataFrame:
    """Return an import's rejected rows (row_number, column, value, reason) in file order."""
    return store.query_df("SELECT row_number, column_name AS \"column\", value, reason FROM import_rejects "
                          "WHERE import_id = ? ORDER BY row_number, column_name", [import_id])
