"""All SQL of importing a file: reading it with DuckDB, validating every row in SQL, staging, inserting.

The file is read straight from disk by `read_csv` with every column as text; each mapped value is then
parsed with TRY_CAST / TRY_STRPTIME, and a row whose value does not parse gets a reject code instead
of a silent NULL. Column names in the SQL are our own (c0, c1, ...); everything that came from the
file or the user (paths, header names, property keys, formats) is a bound parameter.
"""
from __future__ import annotations

import contextlib
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import duckdb

from ..formats.kinds import KIND_BY_NAME
from .core import Store
from .imports_store import rows_of_import

MAX_LINE_BYTES = 8 << 20
FIRST_ROWS_BUFFER = 2 * MAX_LINE_BYTES

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
    json: Any = None                     # formats.files.JsonSource: JSON records read by DuckDB instead of CSV


class Params:
    """Collects bound parameters while SQL text is assembled."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __call__(self, value: Any) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def _json_source(plan: Plan, p: Params) -> str:
    """Return a subquery giving JSON records as text columns c0..cN (one parse per record; pointers bound)."""
    js = plan.json
    rows = f"read_json_objects({p(js.files)}, format={p(js.format)}, maximum_object_size={MAX_LINE_BYTES})"
    if js.unnest:
        rows = f"(SELECT unnest(json_extract(json, {p(js.unnest)})) AS json FROM {rows})"
    cols = ", ".join(f"v[{i + 1}] AS c{i}" for i in range(len(js.paths)))
    return f"(SELECT {cols} FROM (SELECT json_extract_string(json, {p(js.paths)}::VARCHAR[]) AS v FROM {rows}))"


def source_sql(plan: Plan, p: Params, rejects: str | None = None, first_rows: bool = False) -> str:
    if plan.json is not None:
        return _json_source(plan, p)  # malformed JSON raises (the importer names the line); no rejects table
    cols = {f"c{i}": "VARCHAR" for i in range(plan.ncols)}
    opts = (f"delim={p(plan.delimiter)}, quote='\"', escape='\"', header=true, auto_detect=false, "
            f"columns={p(cols)}, compression={p(plan.compression)}, max_line_size={MAX_LINE_BYTES}, ignore_errors=true")
    if first_rows:
        # the reader's default buffer is 16 x max_line_size (128 MB): a LIMIT over the first rows of a
        # 100 MB file would otherwise read all of it (0.1-0.2 s per preview query)
        opts += f", buffer_size={FIRST_ROWS_BUFFER}"
    if rejects:
        # our own generated names (not user input), so written into the SQL text
        opts += f", store_rejects=true, rejects_table='{rejects}', rejects_scan='{rejects}_scan'"
    return f"read_csv({p(plan.path)}, {opts})"


def _code_sql(plan: Plan) -> str:
    if not plan.checks:
        return "0"
    return "CASE " + " ".join(f"WHEN {c.cond} THEN {i + 1}" for i, c in enumerate(plan.checks)) + " ELSE 0 END"


def bound_params(sql: str, p: Params) -> dict[str, Any]:
    """Return the parameters of p that the SQL text uses (DuckDB refuses named parameters it does not see)."""
    used = set(re.findall(r"\$(p[0-9]+)", sql))
    return {k: v for k, v in p.values.items() if k in used}


def _structural_rows(cur: duckdb.DuckDBPyConnection, rj: str) -> list[dict]:
    """Return one dict per line DuckDB's reader could not split (first error of each line), from its rejects table."""
    if not cur.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [rj]).fetchone()[0]:
        return []
    seen, out = set(), []
    for line, etype, col, csv_line, msg in cur.execute(
            f"SELECT line, error_type, column_name, csv_line, error_message FROM {rj} ORDER BY line").fetchall():
        if line in seen:
            continue
        seen.add(line)
        out.append({"line": int(line), "error_type": str(etype), "column": col, "csv_line": csv_line or "",
                    "message": msg or ""})
    return out


def _drop_rejects(cur: duckdb.DuckDBPyConnection, rj: str) -> None:
    with contextlib.suppress(duckdb.Error):
        cur.execute(f"DROP TABLE IF EXISTS {rj}")
        cur.execute(f"DROP TABLE IF EXISTS {rj}_scan")














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
        for i in plan.consts.get("json_columns", ()):
            # a column holding a JSON object (PostHog's `properties`): each of its keys is a property
            j = f"TRY_CAST(c{i} AS JSON)"
            base = props if props != "NULL" else "'{}'::JSON"
            props = f"CASE WHEN json_type({j}) = 'OBJECT' THEN json_merge_patch({base}, {j}) ELSE {base} END"
        return "import_id, user_id, event, ts, properties", f"{imp}, {e['user_id']}, {e['event']}, {e['ts']}, {props}"
    if plan.kind == "work_items":
        vocab = plan.consts["vocab"]
        t = e.get("type", "NULL")
        typecat = "CASE " + " ".join(
            f"WHEN list_contains({p(list(words))}, lower(trim({t}))) THEN '{cat}'" for cat, words in vocab["types"].items())
        labels = e.get("labels", "[]::VARCHAR[]")
        typecat += f" WHEN list_contains(list_transform({labels}, lambda x: lower(x)), 'bug') THEN 'bug' ELSE 'other' END"
        if "type" not in e and "labels" not in e:
            typecat = "NULL"  # nothing says what kind of work an item is: unknown, never 'not a bug'

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
        # the columns Pillars does not read (Platform, Plan...) as properties; empty cells are left out
        props = ("json_object(" + ", ".join(f"{p(k)}, NULLIF(trim(c{i}), '')" for k, i in plan.extras) + ")"
                 if plan.extras else "NULL")
        return ("import_id, respondent, responded_at, scale, score, comment, properties",
                f"{imp}, {e.get('respondent', 'NULL')}, {e.get('responded_at', 'NULL')}, {p(plan.consts['scale'])}, "
                f"{e['score']}, {e.get('comment', 'NULL')}, {props}")
    if plan.kind == "experiment" and plan.source == "exposures":
        return ("import_id, experiment, user_id, variant, converted, exposed_at",
                f"{imp}, COALESCE({e.get('experiment', 'NULL')}, {p(plan.consts['experiment'])}), {e['user_id']}, "
                f"{e['variant']}, {e['converted']}, {e.get('exposed_at', 'NULL')}")
    if plan.kind == "experiment":
        return ("import_id, experiment, variant, users, conversions",
                f"{imp}, COALESCE({e.get('experiment', 'NULL')}, {p(plan.consts['experiment'])}), {e['variant']}, "
                f"TRY_CAST({e['users']} AS BIGINT), TRY_CAST({e['conversions']} AS BIGINT)")
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
        if plan.consts.get("currency_default"):  # Levels.fyi's USD, or the currency the user set for the file
            currency = f"COALESCE({currency}, {p(plan.consts['currency_default'])})"
        return ("import_id, " + ", ".join(cols) + ", total, currency",
                f"{imp}, " + ", ".join(e.get(c, "NULL") for c in cols) + f", {total}, {currency}")
    if plan.kind in ("predictions", "evals"):  # AI quality (issue 18)
        from .ai_store import select_for

        return select_for(plan, p)
    if plan.kind == "interviews":  # Discovery (issue 19)
        from .discovery_store import select_for as discovery_select

        return discovery_select(plan, p)
    if plan.kind == "metrics" and plan.source != "wide":
        return ("import_id, metric, date, value, segment",
                f"{imp}, {e['metric']}, {e['date']}, {e['value']}, {e.get('segment', 'NULL')}")
    raise ValueError(f"no insert for {plan.kind}/{plan.source}")


# -- one read of the file: stage, count, rejects, insert ----------------------------------------
@dataclass
class Scan:
    parsed: int                     # rows DuckDB parsed into columns
    bad: int                        # parsed rows failing a check
    structural: list[dict]          # rows DuckDB could not split: line, error_type, column, csv_line, message
    table: str = ""                 # the temp table holding the staged rows (on the cursor that staged them)
    limited: bool = False           # True when only the first rows were read and the file has more


_CONST = re.compile(r"\$p[0-9]+")


def _stage_outputs(plan: Plan, p: Params) -> tuple[str, list[str], str]:
    """Return (target table, SELECT expressions, insert template) for staging the canonical values.

    The template turns the staged columns o0..oN into the INSERT; for wide metrics it unnests the
    per-row list of (metric, value) pairs.
    """
    if plan.kind == "metrics" and plan.source == "wide":
        items = "[" + ", ".join(f"{{'metric': {p(name)}, 'value': {sql}}}" for name, sql in plan.unpivot) + "]"
        exprs = [plan.exprs["date"], plan.exprs.get("segment", "NULL"), items]
        return "metric_points", exprs, "WIDE"
    table = KIND_BY_NAME[plan.kind].table_for(plan.source)
    cols, sel = _select_for(plan, p)
    return table, _split_top(sel), cols


def _split_top(sel: str) -> list[str]:
    """Split a SELECT list on its top-level commas (our own generated SQL; quotes and brackets respected)."""
    out, depth, quote, cur = [], 0, False, []
    for ch in sel:
        if ch == "'" :
            quote = not quote
        elif not quote and ch in "([{":
            depth += 1
        elif not quote and ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0 and not quote:
            out.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    out.append("".join(cur).strip())
    return out


def stage(cur: duckdb.DuckDBPyConnection, plan: Plan, *, values: bool = True, limit: int | None = None) -> Scan:
    """Read the file once into a temp table (canonical values, check code, offending text); return the counts.

    With values=False only codes are kept (preview); with limit only the first rows are read and
    `limited` says whether the file has more. Rows the CSV reader could not split (ragged, quotes,
    size) are collected from DuckDB's rejects table during the same read. The caller drops the table
    with `drop_stage` (or rolls back the transaction it was created in).
    """
    rj = f"_rj_{uuid.uuid4().hex[:10]}"
    stg = f"_stg_{uuid.uuid4().hex[:10]}"
    p = Params()
    value = "CASE code " + " ".join(f"WHEN {i + 1} THEN {c.value_sql}" for i, c in enumerate(plan.checks)) + " END" \
        if plan.checks else "NULL"
    outs = ""
    if values:
        _, exprs, _ = _stage_outputs(plan, p)
        # constants (import id, scale, ...) are bound again at insert time rather than stored per row;
        # one SELECT level lets DuckDB parse a value once for both its check and its column
        outs = "".join(f"{e} AS o{i}, " for i, e in enumerate(exprs) if not _CONST.fullmatch(e))
    lim = f" LIMIT {int(limit) + 1}" if limit else ""
    inner = f"SELECT {outs}{_code_sql(plan)} AS code, c.* FROM {source_sql(plan, p, rj, first_rows=bool(limit))} AS c{lim}"
    try:
        # a table keeps the reader's order, so rowid is the record's position among the rows that parsed
        keep = "".join(f"o{i}, " for i, e in enumerate(exprs) if not _CONST.fullmatch(e)) if values else ""
        sql = f"CREATE TEMP TABLE {stg} AS SELECT {keep}code, CASE WHEN code > 0 THEN {value} END AS bad_value FROM ({inner})"
        cur.execute(sql, bound_params(sql, p))
        if limit:
            limited = cur.execute(f"SELECT count(*) > {int(limit)} FROM {stg}").fetchone()[0]
            if limited:
                cur.execute(f"DELETE FROM {stg} WHERE rowid - (SELECT min(rowid) FROM {stg}) >= {int(limit)}")
        else:
            limited = False
        parsed, bad = cur.execute(f"SELECT count(*), count(*) FILTER (WHERE code > 0) FROM {stg}").fetchone()
        structural = _structural_rows(cur, rj)
    except BaseException:
        with contextlib.suppress(duckdb.Error):  # an aborted transaction drops it on rollback
            cur.execute(f"DROP TABLE IF EXISTS {stg}")
        raise
    finally:
        _drop_rejects(cur, rj)
    if limited:
        # the reader may have looked past the rows kept; count only problems among them
        last = int(parsed) + len(structural) + 1
        structural = [s for s in structural if s["line"] <= last]
    return Scan(int(parsed), int(bad), structural, stg, bool(limited))


@contextlib.contextmanager
def memory_cap(store: Store, limit_bytes: int):
    """Lower DuckDB's memory limit to limit_bytes while an import runs (never raises it); restores it after.

    The staged rows then spill to DuckDB's temp directory instead of growing the process; the
    setting is per database, so concurrent readers share the cap for the import's duration.
    """
    cur = store.cursor()
    try:
        before = cur.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        current = _size_mb(before)
        cap_mb = max(1, limit_bytes >> 20)
        if current is not None and current <= cap_mb:
            yield
            return
        cur.execute(f"SET memory_limit = '{int(cap_mb)}MB'")
        try:
            yield
        finally:
            cur.execute("SET memory_limit = ?", [before])
    finally:
        cur.close()


def _size_mb(text: str) -> float | None:
    m = re.fullmatch(r"\s*([0-9.]+)\s*([KMGT]?i?B)\s*", str(text))
    if not m:
        return None
    unit = {"B": 0, "KB": 1, "KIB": 1, "MB": 2, "MIB": 2, "GB": 3, "GIB": 3, "TB": 4, "TIB": 4}.get(m.group(2).upper())
    return None if unit is None else float(m.group(1)) * 1024 ** unit / 2**20


def drop_stage(cur: duckdb.DuckDBPyConnection, sc: Scan) -> None:
    """Drop the staged rows' temp table (idempotent)."""
    if sc.table:
        cur.execute(f"DROP TABLE IF EXISTS {sc.table}")


def bad_rows(cur: duckdb.DuckDBPyConnection, sc: Scan, limit: int | None = None) -> list[tuple[int, int, str | None]]:
    """Return (row, check number, offending text) for each staged row that fails a check, in file order.

    Rows count records as DuckDB's reader does: the header is row 1 and a quoted value spanning lines
    stays one row. Rows the reader could not split are not counted here (the caller shifts for them).
    """
    lim = f"LIMIT {int(limit)}" if limit else ""
    # rowids of a table created inside a transaction do not start at 0, but they stay consecutive
    rows = cur.execute(f"SELECT rowid - (SELECT min(rowid) FROM {sc.table}) + 2, code, bad_value FROM {sc.table} "
                       f"WHERE code > 0 ORDER BY rowid {lim}").fetchall()
    return [(int(a), int(b), c) for a, b, c in rows]


def sample_bytes_per_row(path: str, compression: str, rows: int, max_bytes: int = 64 << 20) -> float | None:
    """Return the average bytes per line over the first `rows` lines of a plain file (None for gzip or too few lines)."""
    if compression != "none":
        return None
    seen, lines = 0, 0
    with open(path, "rb") as fh:
        while seen < max_bytes:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            n = chunk.count(b"\n")
            if lines + n >= rows + 1:
                # stop at the row'th newline after the header
                pos = -1
                for _ in range(rows + 1 - lines):
                    pos = chunk.index(b"\n", pos + 1)
                return (seen + pos + 1) / (rows + 1)
            lines += n
            seen += len(chunk)
    return None


def insert_rows(cur: duckdb.DuckDBPyConnection, plan: Plan, sc: Scan) -> int:
    """Insert every staged row that passed its checks into the plan's canonical table; returns rows inserted."""
    p_const = Params()
    table, exprs, template = _stage_outputs(plan, p_const)
    p = Params()
    # the staged table already fixed each row's number; the canonical tables need no order, and
    # letting DuckDB write in any order saves time and memory (this cursor only)
    cur.execute("SET SESSION preserve_insertion_order = false")
    if template == "WIDE":
        imp = p(plan.consts["import_id"])
        sql = (f"INSERT INTO metric_points (import_id, metric, date, value, segment) "
               f"SELECT {imp}, pt.metric, d, pt.value, seg FROM (SELECT o0 AS d, o1 AS seg, unnest(o2) AS pt "
               f"FROM {sc.table} WHERE code = 0) WHERE pt.value IS NOT NULL")
        n = cur.execute(sql, p.values).fetchall()
    else:
        sel = ", ".join(e if _CONST.fullmatch(e) else f"o{i}" for i, e in enumerate(exprs))
        sql = f"INSERT INTO {table} ({template}) SELECT {sel} FROM {sc.table} WHERE code = 0"
        n = cur.execute(sql, bound_params(sel, p_const)).fetchall()
    cur.execute("SET SESSION preserve_insertion_order = true")
    n = n[0] if n else None
    if plan.kind == "work_items":
        _link_epics(cur, plan.consts["import_id"])
    return int(n[0]) if n else 0


# Placeholders that satisfy the canonical table's NOT NULL columns for a row held back by a check;
# such rows are written under a marker import id and deleted before the transaction commits.
_HELD = {"events": {"user_id": "''", "event": "''", "ts": "TIMESTAMP '1970-01-01'", "properties": "NULL"}}


def can_insert_direct(plan: Plan) -> bool:
    """Return True when the plan's rows can be read, checked and saved in one pass (events files)."""
    return plan.kind in _HELD


def insert_direct(cur: duckdb.DuckDBPyConnection, plan: Plan) -> Scan:
    """Read, check and insert every row in one pass; return the counts (no staged table is left).

    Staging the rows first cost a second full write (and spilling under the import's memory cap):
    for 10M events it doubled the time of the bare read. Here a row failing a check is written under
    a marker import id with placeholder values, counted and deleted inside the same transaction, so
    one INSERT decides everything. The caller re-reads only when rows failed, to get their numbers.
    """
    rj = f"_rj_{uuid.uuid4().hex[:10]}"
    p = Params()
    table, exprs, template = _stage_outputs(plan, p)
    names = [c.strip() for c in template.split(",")]
    held = _HELD[plan.kind]
    marker = f"{plan.consts['import_id']}:held"
    inner = ", ".join(f"{e} AS o{i}" for i, e in enumerate(exprs) if not _CONST.fullmatch(e))
    outer = []
    for i, (name, e) in enumerate(zip(names, exprs)):
        if name == "import_id":
            outer.append(f"CASE WHEN code = 0 THEN {e} ELSE {p(marker)} END")
        elif _CONST.fullmatch(e):
            outer.append(e)
        elif name in held:
            outer.append(f"CASE WHEN code = 0 THEN o{i} ELSE {held[name]} END")
        else:
            outer.append(f"o{i}")
    sql = (f"INSERT INTO {table} ({template}) SELECT {', '.join(outer)} FROM "
           f"(SELECT {inner}, {_code_sql(plan)} AS code FROM {source_sql(plan, p, rj)} AS c)")
    try:
        # the canonical tables need no order; writing in any order saves time and memory (this cursor only)
        cur.execute("SET SESSION preserve_insertion_order = false")
        try:
            parsed = int(cur.execute(sql, bound_params(sql, p)).fetchone()[0])
        finally:
            cur.execute("SET SESSION preserve_insertion_order = true")
        bad = rows_of_import(cur, table, marker)
        if bad:
            cur.execute(f"DELETE FROM {table} WHERE import_id = ?", [marker])
        structural = _structural_rows(cur, rj)
    finally:
        _drop_rejects(cur, rj)
    return Scan(parsed, bad, structural)


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
