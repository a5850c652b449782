"""Per-kind planning of one import: the header checked, the kind and tool detected, types inferred, SQL checks built."""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..ai import plan as ai_plan  # AI quality (issue 18)
from ..formats import KINDS, DetectError, Format, Match, detect, jira, salaries, survey
from ..formats import json_events
from ..formats.base import norm
from ..formats.files import FileInfo, SniffError
from ..formats.sniff import sniff
from ..store import Store
from ..store import ingest_preview
from ..store import json_records  # what a JSON export holds, asked of DuckDB (issue 14)
from ..store.ingest_exprs import parse_expr, raw_expr
from ..store.ingest_store import Check, Plan
from . import events_plan
from . import assume, messages
from .types import _DATE_FORMS, TYPE_LABELS, ImportRefused


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
             types: dict[str, str] | None, currency: str | None = None) -> _Prepared:
    name = info.display_name
    header = [h if h else f"column {i + 1}" for i, h in enumerate(info.header)]
    info.header = header
    if kind is not None and kind not in KINDS:
        raise ImportRefused(f"{name}: unknown kind '{kind}'; kinds are {', '.join(KINDS)}")
    try:
        match = detect(header, kind, mapping or None, source=info.json.tool if info.json else None)
    except DetectError as exc:
        raise ImportRefused(f"{name}: {exc}") from None
    fmt = match.fmt
    _check_headers(info, fmt, match)
    plan = Plan(path=str(info.path), delimiter=info.delimiter, ncols=len(header),
                compression="gzip" if info.container == "gzip" else "none",
                kind=fmt.kind, source=fmt.source, exprs={}, checks=[])
    if info.json is not None:  # JSON records: DuckDB's JSON reader gives the columns (issue 14)
        plan.json = info.json
        plan.compression = "none" if info.json.plain else "auto"
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
        hits = ingest_preview.type_hits(store, plan, cand)
    except Exception as exc:  # DuckDB could not read even the first rows
        if info.json is not None:
            raise ImportRefused(json_events.friendly_error(exc, name, info.json)) from None
        raise ImportRefused(messages.read_error(exc, name, info.delimiter, info.row_offset)) from None
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
        r = assume.value_expr(fmt, cols[0])  # survey 'NA' / '-' are no answer (issue 14)
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
            top = ingest_preview.max_value(store, plan, plan.exprs["score"])
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
    assume.apply(plan, match, header, notes, currency, name)  # work type, outcome, currency (issue 14)
    if fmt.kind == "interviews":  # Discovery (issue 19): highlights without an interview column are the file's
        plan.consts["interview_default"] = _stem(name)
    if fmt.kind in ai_plan.KINDS:  # AI quality (issue 18): feature/version defaults, grades, label checks
        ai_plan.prepare(store, plan, match, header, chosen, notes, name)
    if fmt.extras == "properties":
        plan.extras = [(header[i], i) for i in extras_idx]
    if fmt.kind == "events":  # anonymous ids, JSON property columns, tool property names (issue 14)
        events_plan.prepare(store, plan, match, header, notes)
    if fmt.extras == "unpivot":
        for i in extras_idx:
            t = _pick("number", hits.get(i, {}), info.delimiter)
            r = raw_expr(i)
            plan.unpivot.append((header[i], parse_expr(t, r)))
            plan.checks.append(Check(f"{r} IS NOT NULL AND ({parse_expr(t, r)}) IS NULL", header[i],
                                     f"'{{value}}' is not a {_type_label(t)}", r))
            chosen[header[i]] = t
    return _Prepared(info, match, plan, chosen, notes)


def _sniff(path: Path, name: str, sheet: str | None, encoding: str | None = None) -> FileInfo:
    """Return the sniffed file; a workbook sheet or report table is its own file for the duplicate check."""
    try:
        info = sniff(Path(path), name, sheet, encoding=encoding, records=json_records)
    except SniffError as exc:
        raise ImportRefused(str(exc)) from None
    if len(info.sheets) > 1 and info.sheet:
        # importing the second table of a GA4 snapshot (or sheet of a workbook) is not importing the file again
        info.sha256 = hashlib.sha256(f"{info.sha256}:{info.sheet}".encode()).hexdigest()
    return info

