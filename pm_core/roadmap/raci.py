"""RACI matrices (people x tasks): cell rules, validation per task, matrix <-> rows, and a formula-safe CSV."""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable

import pandas as pd

from ..exports.cells import safe_cell as _safe_cell
from ..text import clean_text

ROLES = ("R", "A", "C", "I", "A/R")
ROLE_HELP = {"R": "Responsible (does the work)", "A": "Accountable (owns the outcome; exactly one per task)",
             "C": "Consulted", "I": "Informed", "A/R": "Accountable and Responsible"}
_ALIASES = {"AR": "A/R", "RA": "A/R", "R/A": "A/R", "A/R": "A/R", "A+R": "A/R", "R+A": "A/R"}
TASK_COL = "Task"


def normalise_role(value: Any) -> str | None:
    """Return R, A, C, I or A/R for a cell (case and 'AR'/'R/A' spellings accepted); None for an empty cell.

    Raises ValueError for anything else, naming the value.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip().upper().replace(" ", "")
    if not text:
        return None
    if text in _ALIASES:
        return _ALIASES[text]
    if text in ROLES:
        return text
    raise ValueError(f"{value!r} is not a RACI role; use R, A, C, I or A/R")


def matrix_to_rows(matrix: pd.DataFrame) -> list[dict]:
    """Return long rows {task, person, role} from a matrix whose 'Task' column names tasks and other columns are people.

    Empty cells are skipped; blank task rows with no roles are dropped (an editor's spare row). A bad
    cell raises ValueError naming the task and person.
    """
    if TASK_COL not in matrix.columns:
        raise ValueError(f"the RACI table needs a {TASK_COL!r} column")
    people = [c for c in matrix.columns if c != TASK_COL]
    rows: list[dict] = []
    for i, rec in enumerate(matrix.to_dict(orient="records"), start=1):
        task = rec.get(TASK_COL)
        task = "" if task is None or (isinstance(task, float) and pd.isna(task)) else str(task).strip()
        cells = {}
        for p in people:
            try:
                role = normalise_role(rec.get(p))
            except ValueError as exc:
                raise ValueError(f"RACI row {i} ({task or 'no task name'}), {p}: {exc}") from None
            if role:
                cells[str(p).strip()] = role
        if not task and not cells:
            continue
        if not task:
            raise ValueError(f"RACI row {i} has roles but no task name")
        rows.extend({"task": task, "person": p, "role": r} for p, r in cells.items())
        if not cells:
            rows.append({"task": task, "person": "", "role": ""})
    return rows


def rows_to_matrix(rows: Iterable[dict], people: list[str] | None = None) -> pd.DataFrame:
    """Return a matrix DataFrame (Task + one column per person, '' where no role) in first-seen order."""
    rows = list(rows)
    tasks: list[str] = []
    order: list[str] = list(people or [])
    for r in rows:
        if r["task"] not in tasks:
            tasks.append(r["task"])
        if r["person"] and r["person"] not in order:
            order.append(r["person"])
    data = {TASK_COL: tasks}
    for p in order:
        data[p] = ["" for _ in tasks]
    df = pd.DataFrame(data, columns=[TASK_COL, *order]).astype(object)
    pos = {t: i for i, t in enumerate(tasks)}
    for r in rows:
        if r["person"]:
            df.at[pos[r["task"]], r["person"]] = r["role"]
    return df


def validate_raci(rows: Iterable[dict]) -> list[dict]:
    """Return violations [{task, message}] in task order: every task needs exactly one A and at least one R.

    'A/R' counts as both. Unknown roles, blank names and a person listed twice on one task are
    violations too. An empty list means the matrix is valid (an empty matrix is valid).
    """
    problems: list[dict] = []
    by_task: dict[str, list[tuple[str, str]]] = {}
    for r in rows:
        try:  # a name of invisible characters is blank; bidi controls and over-long names are refused
            task = clean_text(r.get("task") or "", "task name")
            person = clean_text(r.get("person") or "", "person's name")
        except ValueError as exc:
            problems.append({"task": str(r.get("task") or "")[:60], "message": f"A RACI row: {exc}"})
            continue
        by_task.setdefault(task, [])
        if not task:
            problems.append({"task": "", "message": "a RACI row has no task name"})
            continue
        if not person and not r.get("role"):
            continue
        if not person:
            problems.append({"task": task, "message": f"Task '{task}': a role is given without a person"})
            continue
        try:
            role = normalise_role(r.get("role"))
        except ValueError as exc:
            problems.append({"task": task, "message": f"Task '{task}', {person}: {exc}"})
            continue
        if role is None:
            continue
        if any(p == person for p, _ in by_task[task]):
            problems.append({"task": task, "message": f"Task '{task}': {person} is listed twice"})
            continue
        by_task[task].append((person, role))
    for task, cells in by_task.items():
        if not task:
            continue
        accountable = [p for p, r in cells if r in ("A", "A/R")]
        responsible = [p for p, r in cells if r in ("R", "A/R")]
        if len(accountable) > 1:
            problems.append({"task": task, "message": f"Task '{task}' has {len(accountable)} Accountables "
                             f"({', '.join(accountable)}); it needs exactly one"})
        elif not accountable:
            problems.append({"task": task, "message": f"Task '{task}' has no Accountable (A); it needs exactly one"})
        if not responsible:
            problems.append({"task": task, "message": f"Task '{task}' has no Responsible (R); it needs at least one"})
    return problems


def safe_cell(value: Any) -> Any:
    """Return value with a leading ' when it is text a spreadsheet would run as a formula (the one guard, exports.cells)."""
    return _safe_cell(value, xml=False)


def matrix_csv(matrix: pd.DataFrame) -> bytes:
    """Return the matrix as UTF-8 CSV (with BOM so Excel reads accents) with every header and cell formula-safe."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([safe_cell(str(c)) for c in matrix.columns])
    for rec in matrix.itertuples(index=False):
        writer.writerow([safe_cell("" if v is None else str(v)) for v in rec])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
