"""Import the exports PMs have: sniff -> detect -> map -> infer types -> validate in SQL -> one transaction.

A file is imported completely or not at all. Rows that cannot be used (a value that does not fit its
column's type, a required value missing, a row with the wrong number of fields) are not guessed at:
they are counted, stored in `import_rejects` and written to a CSV with row number, column, value and
reason. Row numbers count the header as row 1 and one row per record (a quoted value spanning
several lines stays one row, as in a spreadsheet). Survey rows with an empty score are kept with a NULL score (the comment is still feedback;
score KPIs skip them) rather than rejected.
"""
from __future__ import annotations

import bisect
import csv
import json
import logging
import re
import tempfile
import threading
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from pydantic import BaseModel, Field as PField

from . import audit, hooks
from .auth import Actor, require_editor
from .formats import KINDS, DetectError, Format, Match, detect, jira, salaries, survey
from .ai import plan as ai_plan  # AI quality (issue 18)
from .formats.base import norm
from .formats.sniff import FileInfo, SniffError, save_stream, sniff
from .store import Store, new_id, utcnow
from .store import areas
from .store import imports_store, ingest_store
from .store.ingest_store import Check, Plan, parse_expr, raw_expr

Progress = Callable[[float, str], None]
REJECTS_DIR = Path(tempfile.gettempdir()) / "pillars-rejects"
ON_DUPLICATE = ("error", "skip", "replace")
MAX_VALUE_CHARS = 500
PREVIEW_CHECK_ROWS = 50_000     # the preview checks this many rows; the import checks them all
MEMORY_FLOOR = 256 << 20         # DuckDB's cap during an import is the file size, at least this

TYPE_LABELS = {
    "text": "text",
    "number": "number (1,234.5; £ $ € allowed)",
    "number_eu": "number with decimal comma (1.234,5)",
    "bool": "yes/no (1/0, true/false)",
    "iso": "ISO date-time (2026-06-01 10:22:33, Z or offset allowed)",
    "epoch": "Unix time (seconds or milliseconds)",
    "jira": "Jira date (15/Feb/26 8:38 AM, Spanish months too)",
    "us": "US date (month/day/year)",
    "eu": "European date (day/month/year)",
    "mixed_us": "several date forms (ISO, Jira, Unix, month/day/year)",
    "mixed_eu": "several date forms (ISO, Jira, Unix, day/month/year)",
}
# the same choices in a few words, for a drop-down; TYPE_LABELS gives the detail beside it
TYPE_SHORT = {"text": "text", "number": "number 1,234.5", "number_eu": "number 1.234,5", "bool": "yes / no",
              "iso": "ISO date-time", "epoch": "Unix time", "jira": "Jira date", "us": "US date m/d/y",
              "eu": "EU date d/m/y", "mixed_us": "mixed forms, US", "mixed_eu": "mixed forms, EU"}
_DATE_FORMS = ("iso", "epoch", "jira", "us", "eu", "mixed_us", "mixed_eu")


class ImportRefused(Exception):
    """Unusable input; str() names the file (and row/column where it applies)."""


class ImportResult(BaseModel):
    import_id: str
    kind: str
    source: str
    rows_read: int
    rows_imported: int
    rows_rejected: int
    rejects_file: str | None
    duplicate_of: str | None = None
    skipped: bool = False


class FieldInfo(BaseModel):
    target: str
    role: str
    required: bool
    source: str | None
    how: str | None
    type: str | None
    type_label: str | None
    help: str = ""


class Preview(BaseModel):
    file_name: str
    kind: str
    source: str
    source_label: str
    encoding: str
    delimiter: str
    columns: list[str]
    mapping: dict[str, str]
    fields: list[FieldInfo]
    types: dict[str, str]
    type_choices: dict[str, list[str]]
    sample: list[dict[str, Any]]
    rows_read: int
    rows_rejected: int
    reasons: list[dict[str, Any]] = PField(default_factory=list)
    sheets: list[str] = PField(default_factory=list)
    sheet: str | None = None
    notes: list[str] = PField(default_factory=list)
    scale: str | None = None
    experiment: str | None = None
    properties: list[str] = PField(default_factory=list)
    duplicate_of: dict[str, Any] | None = None
    complete: bool = True              # False: rows_read / rows_rejected cover only the first rows of the file
    rows_estimate: int | None = None   # the file's rows estimated from its size when not complete


# -- shared preparation ---------------------------------------------------------------------------
class _Prepared:
    def __init__(self, info: FileInfo, match: Match, plan: Plan, types: dict[str, str], notes: list[str]):
        self.info, self.match, self.plan, self.types, self.notes = info, match, plan, types, notes


def _display_name(path: Path, file_name: str | None) -> str:
    return file_name or Path(path).name


def _stem(name: str) -> str:
    base = Path(name).name
    for ext in (".gz", ".csv", ".tsv", ".txt", ".xlsx"):
        if base.lower().endswith(ext):
            base = base[: -len(ext)]
    return base or name


def _check_headers(info: FileInfo, fmt: Format, match: Match) -> None:
    """Refuse duplicate or case-colliding header names where they would make a column ambiguous."""
    header = info.header
    if fmt.duplicate_headers_ok:
        return
    used = {i for cols in match.columns.values() for i in cols}
    keep_all = fmt.extras is not None
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        key = h.strip().casefold()
        if key in seen:
            j = seen[key]
            if keep_all or i in used or j in used:
                what = "appears twice" if header[j] == h else f"and '{header[j]}' differ only in case"
                raise ImportRefused(
                    f"{info.display_name}: column '{h}' (column {i + 1}) {what} (column {j + 1}); "
                    "Pillars cannot tell which one to use. Rename one of them and retry")
        else:
            seen[key] = i


def _candidates(role: str) -> list[str]:
    if role in ("time", "date"):
        pre = "ts_" if role == "time" else "date_"
        return [pre + f for f in _DATE_FORMS]
    if role == "number":
        return ["number", "number_eu"]
    if role == "score":
        return ["number", "number_eu", "bool"]  # bool: a yes/no task-completion answer
    if role == "bool":
        return ["bool"]
    return ["text"]


def _pick(role: str, hits: dict[str, int], delimiter: str) -> str:
    cands = _candidates(role)
    if len(cands) == 1:
        return cands[0]
    filled = hits.get("_filled", 0)
    if role in ("number", "score"):
        if filled == 0:
            return "number"
        n, eu = hits.get("number", 0), hits.get("number_eu", 0)
        if role == "score" and hits.get("bool", 0) == filled and n < filled:
            return "bool"  # every answer is yes/no and some are words: a task-completion question
        # '3,100' fits both readings; only values that need the decimal comma ('3,5') choose it
        if eu > n:
            return "number_eu"
        return "number"
    pre = cands[0].split("_")[0] + "_"
    if filled == 0:
        return pre + "iso"
    order = ["iso", "jira", "epoch", "eu", "us"] if delimiter == ";" else ["iso", "jira", "epoch", "us", "eu"]
    best = max(order, key=lambda f: (hits.get(pre + f, 0), -order.index(f)))
    if hits.get(pre + best, 0) >= filled:
        return pre + best
    mixed = max(("mixed_eu", "mixed_us") if delimiter == ";" else ("mixed_us", "mixed_eu"),
                key=lambda f: hits.get(pre + f, 0))
    if hits.get(pre + mixed, 0) > hits.get(pre + best, 0):
        return pre + mixed
    return pre + best


def _normalise_type(role: str, value: str, target: str, name: str) -> str:
    v = value.strip().lower()
    allowed = _candidates(role)
    if role in ("time", "date"):
        pre = "ts_" if role == "time" else "date_"
        v = v.removeprefix("ts_").removeprefix("date_")
        v = pre + v
    if v not in allowed:
        short = [a.split("_", 1)[1] if a.startswith(("ts_", "date_")) else a for a in allowed]
        raise ImportRefused(f"{name}: type '{value}' does not apply to '{target}'; choose one of: {', '.join(short)}")
    return v


def _scale_from_header(header: str) -> str | None:
    """Return 'nps', 'csat' or 'task' when the score column's header names its scale, else None (decided from the values)."""
    words = norm(header)
    for scale, hints in (("nps", survey.NPS_WORDS), ("csat", survey.CSAT_WORDS), ("task", survey.TASK_WORDS)):
        if any(w in words for w in hints):
            return scale
    return None


def _type_label(t: str) -> str:
    return TYPE_LABELS.get(t.removeprefix("ts_").removeprefix("date_"), t)


def _prepare(store: Store, info: FileInfo, kind: str | None, mapping: dict[str, str] | None,
             types: dict[str, str] | None) -> _Prepared:
    name = info.display_name
    header = [h if h else f"column {i + 1}" for i, h in enumerate(info.header)]
    info.header = header
    if kind is not None and kind not in KINDS:
        raise ImportRefused(f"{name}: unknown kind '{kind}'; kinds are {', '.join(KINDS)}")
    try:
        match = detect(header, kind, mapping or None)
    except DetectError as exc:
        raise ImportRefused(f"{name}: {exc}") from None
    fmt = match.fmt
    _check_headers(info, fmt, match)
    plan = Plan(path=str(info.path), delimiter=info.delimiter, ncols=len(header),
                compression="gzip" if info.container == "gzip" else "none",
                kind=fmt.kind, source=fmt.source, exprs={}, checks=[])
    # type inference over the first rows, for every mapped column whose role needs parsing
    roles = {f.name: f.role for f in fmt.fields}
    cand: dict[int, list[str]] = {}
    for target, cols in match.columns.items():
        if roles[target] in ("time", "date", "number", "score"):
            cand[cols[0]] = _candidates(roles[target])
    extras_idx = [i for i in range(len(header)) if i not in {c for cols in match.columns.values() for c in cols}]
    if fmt.extras == "unpivot":
        for i in extras_idx:
            cand[i] = _candidates("number")
    try:
        hits = ingest_store.type_hits(store, plan, cand)
    except Exception as exc:  # DuckDB could not read even the first rows
        raise ImportRefused(f"{name}: the rows cannot be read as {'tab' if info.delimiter == chr(9) else repr(info.delimiter)}"
                            f"-separated text ({str(exc).splitlines()[0]})") from None
    types = dict(types or {})
    scale = None
    if fmt.kind == "survey":
        forced = types.pop("score", None)
        if forced in ("nps", "csat", "task"):
            scale = forced
        elif forced:
            types["score"] = forced
        if scale is None and forced is None:
            scale = _scale_from_header(header[match.columns["score"][0]])
        if scale == "task":
            types["score"] = "bool"
    chosen: dict[str, str] = {}
    for target, cols in match.columns.items():
        role = roles[target]
        if target in types:
            chosen[target] = _normalise_type(role, types[target], target, name)
        else:
            chosen[target] = _pick(role, hits.get(cols[0], {}), info.delimiter)
    if scale in ("nps", "csat") and chosen.get("score") == "bool":
        chosen["score"] = "number"  # the header names a 0-10 or 1-5 scale: yes/no answers are rejects, not 1/0
    unknown = set(types) - set(match.columns)
    if unknown:
        raise ImportRefused(f"{name}: types given for {', '.join(sorted(unknown))}, which are not mapped fields of this file")
    # expressions and checks
    for target, cols in match.columns.items():
        f = fmt.field(target)
        col_name = header[cols[0]]
        r = raw_expr(cols[0])
        if f.role == "labels":
            if len(cols) > 1:
                plan.exprs[target] = "list_filter([" + ", ".join(raw_expr(c) for c in cols) + "], lambda x: x IS NOT NULL)"
            else:
                plan.exprs[target] = (f"COALESCE(list_filter(list_transform(string_split({r}, ','), lambda x: trim(x)), "
                                      f"lambda x: x <> ''), []::VARCHAR[])")
            continue
        if f.role == "last":
            plan.exprs[target] = ("list_filter([" + ", ".join(raw_expr(c) for c in cols) + "], lambda x: x IS NOT NULL)[-1]"
                                  if len(cols) > 1 else r)
            continue
        parsed = parse_expr(chosen[target], r)
        if fmt.kind == "survey" and target == "score" and chosen[target] == "bool":
            parsed = f"CAST(({parsed}) AS DOUBLE)"  # task completion: yes = 1, no = 0
        plan.exprs[target] = parsed
        if f.required and not f.allow_empty:
            plan.checks.append(Check(f"{r} IS NULL", col_name, f"{target} is empty", "NULL"))
        if chosen[target] != "text":
            plan.checks.append(Check(f"{r} IS NOT NULL AND ({parsed}) IS NULL", col_name,
                                     f"'{{value}}' is not a {_type_label(chosen[target])}", r))
    notes = list(info.notes)
    if fmt.kind == "survey":
        if scale is None and chosen["score"] == "bool":
            scale = "task"
            notes.append("task completion (yes/no) inferred from the answers")
        if scale is None:
            top = ingest_store.max_value(store, plan, plan.exprs["score"])
            scale = "nps" if top is not None and top > 5 else "csat"
            notes.append(f"scale {scale.upper()} inferred from the values (highest score seen: {top})")
        if scale != "task":
            lo, hi = (0, 10) if scale == "nps" else (1, 5)
            sc = plan.exprs["score"]
            plan.checks.append(Check(f"({sc}) IS NOT NULL AND (({sc}) < {lo} OR ({sc}) > {hi})",
                                     header[match.columns["score"][0]],
                                     f"score '{{value}}' is outside the {scale.upper()} scale ({lo}-{hi})",
                                     raw_expr(match.columns["score"][0])))
        plan.consts["scale"] = scale
    if fmt.kind == "experiment":
        plan.consts["experiment"] = _stem(name)
        if fmt.source == "aggregates":
            u, c = plan.exprs["users"], plan.exprs["conversions"]
            plan.checks.append(Check(f"({u}) < 0 OR ({u}) <> floor({u})", header[match.columns["users"][0]],
                                     "users '{value}' is not a whole number of users", raw_expr(match.columns["users"][0])))
            plan.checks.append(Check(f"({c}) < 0 OR ({c}) <> floor({c}) OR ({c}) > ({u})", header[match.columns["conversions"][0]],
                                     "conversions '{value}' is not a whole number between 0 and users",
                                     raw_expr(match.columns["conversions"][0])))
    if fmt.kind == "work_items":
        plan.consts["vocab"] = {"types": jira.TYPE_CATEGORIES, "status": jira.STATUS_CATEGORIES}
    if fmt.kind == "salaries":
        plan.consts["money_raw"] = [raw_expr(match.columns[t][0]) for t in ("total", "base") if t in match.columns]
        plan.consts["symbols"] = salaries.SYMBOLS
        if "currency" not in match.columns and not plan.consts["money_raw"]:
            notes.append("no currency column or symbols: currency left empty")
    if fmt.kind in ai_plan.KINDS:  # AI quality (issue 18): feature/version defaults, grades, label checks
        ai_plan.prepare(store, plan, match, header, chosen, notes, name)
    if fmt.extras == "properties":
        plan.extras = [(header[i], i) for i in extras_idx]
    if fmt.extras == "unpivot":
        for i in extras_idx:
            t = _pick("number", hits.get(i, {}), info.delimiter)
            r = raw_expr(i)
            plan.unpivot.append((header[i], parse_expr(t, r)))
            plan.checks.append(Check(f"{r} IS NOT NULL AND ({parse_expr(t, r)}) IS NULL", header[i],
                                     f"'{{value}}' is not a {_type_label(t)}", r))
            chosen[header[i]] = t
    return _Prepared(info, match, plan, chosen, notes)


def _sniff(path: Path, name: str, sheet: str | None) -> FileInfo:
    try:
        return sniff(Path(path), name, sheet)
    except SniffError as exc:
        raise ImportRefused(str(exc)) from None


_STRUCTURAL = {
    "MISSING COLUMNS": "row has fewer values than the header",
    "TOO MANY COLUMNS": "row has more values than the header",
    "LINE SIZE OVER MAXIMUM": f"row is longer than {ingest_store.MAX_LINE_BYTES >> 20} MB",
    "INVALID UNICODE": "row has bytes that are not valid text",
    "INVALID ENCODING": "row has bytes that are not valid text",
}


def _structural_reason(s: dict) -> str:
    base = _STRUCTURAL.get(s["error_type"], s["message"] or s["error_type"].lower())
    m = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", s["message"] or "")
    if m:
        base = f"row has {m.group(2)} values, the header has {m.group(1)}"
    return base


def _collect_rejects(cur, prep: _Prepared, sc: ingest_store.Scan, limit: int | None = None) -> pd.DataFrame:
    """Return rejects (row_number, column, value, reason) in file order; structural rows shift value-row numbers."""
    info, plan = prep.info, prep.plan
    def colname(c):
        if not c:
            return None
        try:
            return info.header[int(str(c).lstrip("c"))]
        except (ValueError, IndexError):
            return str(c)

    for s in sc.structural:
        if s["error_type"] == "UNQUOTED VALUE":
            col = colname(s["column"])
            raise ImportRefused(
                f"{info.display_name}: row {s['line'] + info.row_offset}"
                + (f", column '{col}'" if col else "")
                + ": a quoted value is never closed (unterminated quote), so the rest of the file cannot be split "
                  "into rows. Close the quote (or remove the stray \") and retry")
    out = []
    for s in sc.structural:
        col = colname(s["column"]) if s["error_type"] != "TOO MANY COLUMNS" else None
        out.append((s["line"] + info.row_offset, col, s["csv_line"][:MAX_VALUE_CHARS], _structural_reason(s)))
    if sc.bad:
        # a parsed row's position skips the unsplittable rows before it: add them back
        thresholds = [line - k for k, line in enumerate(sorted(s["line"] for s in sc.structural))]
        for line, code, value in ingest_store.bad_rows(cur, sc, limit):
            shift = bisect.bisect_right(thresholds, line)
            check = plan.checks[code - 1]
            text = "" if value is None else str(value)
            out.append((line + shift + info.row_offset, check.column, text[:MAX_VALUE_CHARS],
                        check.reason.replace("{value}", text[:80])))
    df = pd.DataFrame(out, columns=["row_number", "column", "value", "reason"])
    return df.sort_values("row_number", kind="stable").reset_index(drop=True)


def _safe_cell(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r", "\n"):
        return "'" + v
    return v


def write_rejects_csv(df: pd.DataFrame, import_id: str) -> str:
    """Write rejects to <tmp>/pillars-rejects/<import_id>.csv (cells safe from formula injection); returns the path."""
    REJECTS_DIR.mkdir(parents=True, exist_ok=True)
    path = REJECTS_DIR / f"{import_id}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["row_number", "column", "value", "reason"])
        for row in df.itertuples(index=False):
            w.writerow([_safe_cell(x) for x in row])
    return str(path)


def rejects_csv_bytes(df: pd.DataFrame) -> bytes:
    """Return rejects as UTF-8 CSV bytes with every cell safe from formula injection (for downloads)."""
    safe = df.apply(lambda col: col.map(_safe_cell)) if not df.empty else df
    return safe.to_csv(index=False).encode("utf-8")


def _direct_rejects(cur, prep: _Prepared, sc: ingest_store.Scan) -> pd.DataFrame:
    """Return the rejects of a one-pass import; rows that failed a check are found by reading the file again.

    The second read keeps only each row's check code, and happens only when some row failed.
    """
    if not sc.bad:
        return _collect_rejects(cur, prep, sc)
    codes = ingest_store.stage(cur, prep.plan, values=False)
    try:
        if codes.bad != sc.bad:
            raise ImportRefused(f"{prep.info.display_name}: the file changed while it was imported "
                                f"({sc.bad} then {codes.bad} rows failed the checks); nothing was saved")
        return _collect_rejects(cur, prep, codes)
    finally:
        ingest_store.drop_stage(cur, codes)


def _refuse_unusable(prep: _Prepared, sc: ingest_store.Scan, rejects: pd.DataFrame | None) -> None:
    name = prep.info.display_name
    rows_read = sc.parsed + len(sc.structural)
    if rows_read == 0:
        raise ImportRefused(f"{name}: the file has a header row but no data rows; export it again with the data")
    if sc.parsed - sc.bad == 0:
        first = rejects.head(3) if rejects is not None else pd.DataFrame()
        detail = "; ".join(f"row {r.row_number}" + (f", column '{r.column}'" if r.column else "") + f": {r.reason}"
                           for r in first.itertuples())
        raise ImportRefused(f"{name}: none of the {rows_read:,} rows could be imported as {prep.plan.kind}"
                            + (f" ({detail})" if detail else "") + ". Check the column mapping and types, or the --kind")


# -- public API -----------------------------------------------------------------------------------
def preview_file(path, *, kind: str | None = None, mapping: dict[str, str] | None = None,
                 types: dict[str, str] | None = None, sheet: str | None = None, file_name: str | None = None,
                 sample_rows: int = 20, store: Store | None = None, check_rows: int | None = PREVIEW_CHECK_ROWS) -> Preview:
    """Return what Pillars understood of a file (kind, tool, encoding, mapping, types, samples, would-be rejects).

    Rejects are counted over the first `check_rows` rows (all rows when None): for a longer file
    `complete` is False, `rows_read` is the rows checked and `rows_estimate` the file's rows estimated
    from its size (None for gzip); the import itself always checks every row. Writes nothing to the workspace. Without a store an in-memory one is used (duplicates are then not
    checked). Raises ImportRefused, naming the file, when the file cannot be used at all.
    """
    from .store import open_store

    own = store is None
    if own:
        store = open_store(Path(tempfile.mkdtemp(prefix="pillars-preview-")) / "p.duckdb")
    name = _display_name(Path(path), file_name)
    info = _sniff(Path(path), name, sheet)
    try:
        prep = _prepare(store, info, kind, mapping, types)
        cur = store.cursor()
        try:
            sc = ingest_store.stage(cur, prep.plan, values=False, limit=check_rows)
            try:
                rejects = _collect_rejects(cur, prep, sc, limit=200)
            finally:
                ingest_store.drop_stage(cur, sc)
        finally:
            cur.close()
        checked = sc.parsed + len(sc.structural)
        estimate = None
        if sc.limited:
            per_row = ingest_store.sample_bytes_per_row(str(info.path), prep.plan.compression, checked)
            if per_row:
                estimate = int(round(info.path.stat().st_size / per_row, -3 if checked >= 10_000 else 0))
        sample = ingest_store.sample_rows(store, prep.plan, sample_rows)
        cols = _display_columns(info.header)
        sample.columns = cols[: len(sample.columns)]
        m = prep.match
        fields = []
        for f in m.fmt.fields:
            cols_ = m.columns.get(f.name)
            t = prep.types.get(f.name)
            fields.append(FieldInfo(target=f.name, role=f.role, required=f.required,
                                    source=info.header[cols_[0]] if cols_ else None, how=m.how.get(f.name),
                                    type=t, type_label=_type_label(t) if t else None, help=f.help))
        dup = ingest_store.find_by_sha(store, info.sha256) if not own else None
        return Preview(
            file_name=name, kind=m.fmt.kind, source=m.fmt.source, source_label=m.fmt.label, encoding=info.encoding,
            delimiter=info.delimiter, columns=info.header,
            mapping={t: info.header[c[0]] for t, c in m.columns.items()},
            fields=fields, types=prep.types,
            type_choices={f.name: _candidates(f.role) for f in m.fmt.fields if f.role in ("time", "date", "number", "score")},
            sample=json.loads(sample.to_json(orient="records", force_ascii=False)),
            rows_read=checked, rows_rejected=sc.bad + len(sc.structural), complete=not sc.limited,
            rows_estimate=estimate,
            reasons=json.loads(rejects.head(50).to_json(orient="records", force_ascii=False)),
            sheets=info.sheets, sheet=info.sheet, notes=prep.notes, scale=prep.plan.consts.get("scale"),
            experiment=prep.plan.consts.get("experiment"), properties=[k for k, _ in prep.plan.extras],
            duplicate_of=dup)
    finally:
        info.cleanup()
        if own:
            store.close()


def _display_columns(header: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for h in header:
        seen[h] += 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def import_file(store: Store, actor: Actor, path, *, kind: str | None = None, mapping: dict[str, str] | None = None,
                types: dict[str, str] | None = None, sheet: str | None = None, file_name: str | None = None,
                on_duplicate: str = "error", progress: Progress | None = None,
                background_hooks: bool = False) -> ImportResult:
    """Import one file all-or-nothing and return what happened; raises ImportRefused (file named) for unusable input.

    A file whose sha256 matches an earlier import is refused ('error'), skipped ('skip', returning
    skipped=True) or imported after deleting the earlier import's rows ('replace'). The post-import
    hook (linked key results) runs before returning, or with background_hooks=True is started on a
    worker thread right after the commit (see `after_import_in_background`; the caller shows its
    outcome from `after_import_future(import_id)`).
    """
    require_editor(actor)
    if on_duplicate not in ON_DUPLICATE:
        raise ImportRefused(f"on_duplicate must be one of {', '.join(ON_DUPLICATE)}, not {on_duplicate!r}")
    prog = progress or (lambda f, m: None)
    name = _display_name(Path(path), file_name)
    prog(0.02, f"Reading {name}")
    info = _sniff(Path(path), name, sheet)
    try:
        dup = ingest_store.find_by_sha(store, info.sha256)
        if dup and on_duplicate == "error":
            raise ImportRefused(f"{name}: this exact file was already imported as {dup['id']} ({dup['file_name']}, "
                                f"{dup['imported_at']} UTC); choose skip or replace (--on-duplicate skip|replace)")
        if dup and on_duplicate == "skip":
            earlier = next((r for r in imports_store.list_imports(store) if r["id"] == dup["id"]), {})
            return ImportResult(import_id=dup["id"], kind=earlier.get("kind", dup["kind"]), source=earlier.get("source", ""),
                                rows_read=0, rows_imported=0, rows_rejected=0, rejects_file=None,
                                duplicate_of=dup["id"], skipped=True)
        prog(0.15, "Detecting the format")
        prep = _prepare(store, info, kind, mapping, types)
        import_id = new_id("imp_")
        prep.plan.consts["import_id"] = import_id
        direct = ingest_store.can_insert_direct(prep.plan)
        prog(0.3, "Reading, checking and saving every row" if direct else "Reading and checking every row")
        rows_read = 0
        cap = max(MEMORY_FLOOR, info.path.stat().st_size)
        changed = areas.for_kind(prep.plan.kind) + (areas.for_kind(dup["kind"]) if dup else ())
        with ingest_store.memory_cap(store, cap), store.transaction(*changed) as tx:
            if dup and on_duplicate == "replace":
                ingest_store.delete_import_rows(tx, dup["id"])
            if direct:
                sc = ingest_store.insert_direct(tx, prep.plan)
                inserted = ingest_store.rows_of_import(tx, "events", import_id)
                rejects = _direct_rejects(tx, prep, sc) if (sc.bad or sc.structural) else None
                _refuse_unusable(prep, sc, rejects)
            else:
                # one read of the file: rows are staged with their check results, then counted and inserted
                sc = ingest_store.stage(tx, prep.plan)
                rejects = _collect_rejects(tx, prep, sc) if (sc.bad or sc.structural) else None
                _refuse_unusable(prep, sc, rejects)
                prog(0.6, "Saving rows")
                inserted = ingest_store.insert_rows(tx, prep.plan, sc)
                ingest_store.drop_stage(tx, sc)
            rejects = rejects if rejects is not None else pd.DataFrame(columns=["row_number", "column", "value", "reason"])
            rows_read = sc.parsed + len(sc.structural)
            accepted = sc.parsed - sc.bad
            if prep.plan.source != "wide" and inserted != accepted:
                raise ImportRefused(f"{name}: {inserted} rows were stored but {accepted} passed the checks; nothing was saved")
            details = {"encoding": info.encoding, "delimiter": info.delimiter, "mapping":
                       {t: info.header[c[0]] for t, c in prep.match.columns.items()}, "types": prep.types,
                       "sheet": info.sheet, "notes": prep.notes, "replaced": dup["id"] if dup else None}
            if prep.plan.source == "wide":
                details["metric_points"] = inserted
            ingest_store.insert_import(tx, {
                "id": import_id, "file_name": name, "sha256": info.sha256, "bytes": info.size, "kind": prep.plan.kind,
                "source": prep.plan.source, "rows_read": rows_read, "rows_imported": accepted,
                "rows_rejected": len(rejects), "actor": actor.email, "imported_at": utcnow(),
                "details": json.dumps(details, default=str)})
            ingest_store.insert_rejects(tx, import_id, rejects)
            audit.record(tx, actor, "import", "import", import_id, name, _import_summary(
                prep.plan.kind, prep.plan.source, rows_read, accepted, len(rejects), dup["id"] if dup else None))
        rejects_file = write_rejects_csv(rejects, import_id) if len(rejects) else None
    finally:
        info.cleanup()
    if background_hooks:
        # started before any further progress callback, which may end the caller's script run
        after_import_in_background(store, actor, import_id)
    else:
        prog(0.9, "Updating linked key results")
        hooks.after_import(store, actor, import_id)
    prog(1.0, "Done")
    return ImportResult(import_id=import_id, kind=prep.plan.kind, source=prep.plan.source, rows_read=rows_read,
                        rows_imported=accepted, rows_rejected=len(rejects), rejects_file=rejects_file,
                        duplicate_of=dup["id"] if dup else None)


def _import_summary(kind: str, source: str, rows_read: int, accepted: int, rejected: int, replaced: str | None) -> str:
    """Return an import in words for the audit log: '1,620 of 1,622 rows as survey (generic); 2 rejected'."""
    text = f"{accepted:,} of {rows_read:,} rows as {kind.replace('_', ' ')} ({source}); {rejected:,} rejected"
    return text + (f"; replaced import {replaced}" if replaced else "")


def save_upload(fileobj, file_name: str) -> Path:
    """Write an uploaded file object to a new temp file (same extension) and return its path.

    The sha256 and UTF-8 check are done while copying, so the preview and import that follow do not
    read the whole file again for them. The caller deletes the file when done with it.
    """
    suffix = "".join(Path(file_name).suffixes[-2:]) or ".csv"
    if not re.fullmatch(r"(\.[A-Za-z0-9]{1,8}){1,2}", suffix):
        suffix = ".csv"  # a suffix taken from a user's file name must stay a plain extension
    return save_stream(fileobj, suffix)


_log = logging.getLogger(__name__)
_hook_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pillars-after-import")
_hook_futures: dict[str, Future] = {}
_hook_lock = threading.Lock()
_HOOK_FUTURES_KEPT = 64


def after_import_in_background(store: Store, actor: Actor, import_id: str) -> Future:
    """Start hooks.after_import for a committed import on a worker thread of this process; returns its Future.

    The Future's result is the list of check-ins made; an error is kept on it (and logged) for the
    caller to show. Calling it again for the same import returns the first Future (runs once).
    Hooks run one at a time, in the order their imports committed.
    """
    require_editor(actor)
    with _hook_lock:
        fut = _hook_futures.get(import_id)
        if fut is not None:
            return fut

        def run() -> list:
            try:
                return hooks.after_import(store, actor, import_id)
            except Exception:
                _log.exception("after_import failed for %s", import_id)
                raise

        fut = _hook_pool.submit(run)
        _hook_futures[import_id] = fut
        if len(_hook_futures) > _HOOK_FUTURES_KEPT:  # forget the oldest finished ones
            for k in [k for k, f in _hook_futures.items() if f.done()][: len(_hook_futures) - _HOOK_FUTURES_KEPT]:
                del _hook_futures[k]
        return fut


def after_import_future(import_id: str) -> Future | None:
    """Return the Future started by after_import_in_background for import_id (None if none was started here)."""
    with _hook_lock:
        return _hook_futures.get(import_id)


def delete_import(store: Store, actor: Actor, import_id: str) -> int:
    """Delete one import's rows everywhere (and its provenance and rejects); returns rows removed; unknown id is refused.

    Key results linked to KPIs are then re-computed without those rows (a check-in where a value moved).
    """
    require_editor(actor)
    file_name = ingest_store.import_file_name(store, import_id)
    if file_name is None:
        raise ImportRefused(f"no import with id {import_id!r}; see `imports` for the list")
    kind = next((r["kind"] for r in imports_store.list_imports(store) if r["id"] == import_id), None)
    with store.transaction(*areas.for_kind(kind)) as cur:
        removed = ingest_store.delete_import_rows(cur, import_id)
        audit.record(cur, actor, "delete", "import", import_id, file_name,
                     f"{removed:,} row{'s' if removed != 1 else ''} removed")
    hooks.after_delete(store, actor, import_id, file_name)
    return removed


def list_imports(store: Store) -> list[dict]:
    """Return every import, newest first (id, file_name, kind, source, rows..., actor, imported_at)."""
    return imports_store.list_imports(store)


def rejects_for(store: Store, import_id: str) -> pd.DataFrame:
    """Return the rejected rows of an import (row_number, column, value, reason); empty when none or unknown."""
    return ingest_store.rejects_for(store, import_id)
