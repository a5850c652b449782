"""Import planning for the two AI kinds (issue 18): what `pm_core.ingest` adds to a plan for predictions and evals.

The feature and version default to the file's stem when the file has no such column. An eval
grade is read as pass/fail words or a number (a promptfoo `success`, an OpenAI Evals `correct`, a
LangSmith feedback score, a Braintrust score, a 1-5 rating); its scale is decided once over the
first rows: any grade above 1 means a 1-5 scale (a pass is 4 or 5), else 0-1 (a pass is 0.5 or more).
A grade outside its scale is a reject, never clipped.
"""
from __future__ import annotations

from pathlib import Path

from ..store import Store
from ..store.ai_store import grade_range
from ..store.ingest_exprs import raw_expr
from ..store.ingest_store import Check, Plan

KINDS = ("predictions", "evals")
PASS_WORDS = ("pass", "passed", "ok", "success", "succeeded", "correct", "true", "yes", "y", "t")
FAIL_WORDS = ("fail", "failed", "error", "incorrect", "wrong", "false", "no", "n", "f")


def _stem(name: str) -> str:
    base = Path(name).name
    for ext in (".gz", ".csv", ".tsv", ".txt", ".xlsx", ".jsonl", ".json", ".ndjson"):
        if base.lower().endswith(ext):
            base = base[: -len(ext)]
    return base or name


def _lit(words: tuple[str, ...]) -> str:
    # constant words written here, never user input
    return "[" + ", ".join(f"'{w}'" for w in words) + "]"


def grade_sql(r: str) -> str:
    """Return SQL reading the text expression r as a grade: pass words 1, fail words 0, a number, or a JSON object's first number (NULL otherwise)."""
    return (f"CASE WHEN list_contains({_lit(PASS_WORDS)}, lower({r})) THEN 1.0 "
            f"WHEN list_contains({_lit(FAIL_WORDS)}, lower({r})) THEN 0.0 "
            f"WHEN starts_with({r}, '{{') THEN TRY_CAST(regexp_extract({r}, ':\\s*(-?[0-9]+([.][0-9]+)?)', 1) AS DOUBLE) "
            f"ELSE TRY_CAST({r} AS DOUBLE) END")


def prepare(store: Store, plan: Plan, match, header: list[str], chosen: dict[str, str], notes: list[str], name: str) -> None:
    """Add the AI kinds' defaults, grade expression and checks to an import plan (in place); the file name feeds the defaults."""
    plan.consts["default_name"] = _stem(name)
    if "feature" not in match.columns:
        notes.append(f"no feature column: the examples belong to the AI feature '{_stem(name)}' (the file's name)")
    if "version" not in match.columns:
        notes.append(f"no model/version column: the version is named '{_stem(name)}' (the file's name)")
    if plan.kind == "predictions":
        if "score" in match.columns and "predicted" not in match.columns:
            notes.append("scores only: the threshold decides each predicted label")
        return
    col = match.columns["grade"][0]
    r = raw_expr(col)
    g = grade_sql(r)
    plan.exprs["grade"] = g
    chosen["grade"] = "grade"
    plan.checks.append(Check(f"{r} IS NOT NULL AND ({g}) IS NULL", header[col],
                             "grade '{value}' is not pass/fail or a number", r))
    lo, hi = grade_range(store, plan, g)
    scale = "1_5" if hi is not None and hi > 1 else "0_1"
    plan.consts["scale"] = scale
    lo_ok, hi_ok = (1, 5) if scale == "1_5" else (0, 1)
    plan.checks.append(Check(f"({g}) IS NOT NULL AND (({g}) < {lo_ok} OR ({g}) > {hi_ok})", header[col],
                             f"grade '{{value}}' is outside the {'1-5' if scale == '1_5' else '0-1 (or pass/fail)'} scale "
                             "of this file", r))
    notes.append("grades on a 1-5 scale: 4 or 5 counts as a pass" if scale == "1_5"
                 else "grades pass/fail or 0-1: a pass is 1 (or a score of 0.5 or more)")
