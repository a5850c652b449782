"""Task success rate from a task-completion survey ('Were you able to complete your task?'), issue 4's second source."""
from __future__ import annotations

import pandas as pd
import pytest

from pm_core.ingest import import_file, preview_file, rejects_for
from pm_core.metrics import compute_kpi, compute_kpis, kpi_series
from pm_core.settings import update_settings

HEADER = "Response ID,Date Submitted,Were you able to complete your task today?,What stopped you?\n"
ROWS = [  # (id, submitted, answer, comment)
    ("r1", "2026-09-02 10:00:00", "Yes", ""),
    ("r2", "2026-09-03 11:30:00", "No", "Could not filter by desk"),
    ("r3", "2026-09-10 09:00:00", "yes", ""),
    ("r4", "2026-09-21 17:45:00", "", "skipped the question"),
    ("r5", "2026-10-01 08:00:00", "No", "=HYPERLINK(\"x\")"),
    ("r6", "2026-10-05 12:00:00", "Y", ""),
    ("r7", "2026-10-09 12:00:00", "TRUE", ""),
    ("r8", "2026-10-12 12:00:00", "no", ""),
]

# The task's events (settings start unset; without them the survey answers, or 'not set' is said).
TASK_EVENTS = {"task_attempt_event": "booking_started", "task_success_event": "booking_completed"}


def _write(tmp_path, rows=ROWS, header=HEADER, name="hotjar_task_survey.csv"):
    f = tmp_path / name
    f.write_text(header + "".join(f'{a},{b},{c},"{d.replace(chr(34), chr(34) * 2)}"\n' for a, b, c, d in rows),
                 encoding="utf-8")
    return f


def _independent(rows, month: str | None) -> float | None:
    """Share of 'yes' among non-empty answers, in plain pandas (month 'YYYY-MM' or None for every row)."""
    df = pd.DataFrame(rows, columns=["id", "at", "answer", "comment"])
    if month:
        df = df[df["at"].str.startswith(month)]
    answered = df[df["answer"].str.strip() != ""]
    if answered.empty:
        return None
    return answered["answer"].str.lower().isin(["yes", "y", "true", "1"]).mean()


def test_task_survey_is_detected_and_stored_as_yes_no(store, editor, tmp_path):
    f = _write(tmp_path)
    pv = preview_file(f, store=store)
    assert (pv.kind, pv.scale) == ("survey", "task")
    res = import_file(store, editor, f)
    assert (res.rows_read, res.rows_imported, res.rows_rejected) == (8, 8, 0)
    got = store.query_df("SELECT respondent, scale, score FROM survey_responses ORDER BY respondent")
    assert got["scale"].unique().tolist() == ["task"]
    assert pd.isna(got["score"][3])  # r4 skipped the question: no answer, not a 'no'
    assert got["score"].dropna().tolist() == [1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.0]


def test_an_answer_that_is_not_yes_or_no_is_a_reject(store, editor, tmp_path):
    f = _write(tmp_path, ROWS + [("r9", "2026-10-13 12:00:00", "maybe", "")])
    res = import_file(store, editor, f)
    assert (res.rows_imported, res.rows_rejected) == (8, 1)
    rj = rejects_for(store, res.import_id)
    assert rj["row_number"].tolist() == [10] and rj["value"].tolist() == ["maybe"]
    assert "yes/no" in rj["reason"][0]


@pytest.mark.parametrize("period, month", [("2026-09", "2026-09"), ("2026-10", "2026-10"), ("all", None)])
def test_kpi_uses_the_survey_when_there_are_no_task_events(store, editor, tmp_path, period, month):
    import_file(store, editor, _write(tmp_path))
    k = compute_kpis(store, period)["discovery"]["task_success_rate"]
    assert k.value == pytest.approx(_independent(ROWS, month))
    assert "task-completion survey" in k.note


def test_month_without_answers_says_so(store, editor, tmp_path):
    import_file(store, editor, _write(tmp_path))
    k = compute_kpi(store, "task_success_rate", period="2026-11")
    assert k.value is None and "no task-completion survey answers" in k.note


def test_nothing_to_measure_names_both_sources(store, editor):
    update_settings(store, editor, TASK_EVENTS)
    k = compute_kpi(store, "task_success_rate", period="all")
    assert k.value is None
    assert "booking_started" in k.note and "task-completion survey" in k.note


def test_task_events_take_precedence_over_the_survey(store, editor, tmp_path):
    import_file(store, editor, _write(tmp_path))
    ev = tmp_path / "events.csv"
    ev.write_text("user_id,event_type,event_time\n" + "".join(
        f"u{i},booking_started,2026-09-0{1 + i % 5} 10:00:00\n" for i in range(8)) + "".join(
        f"u{i},booking_completed,2026-09-0{1 + i % 5} 10:05:00\n" for i in range(2)), encoding="utf-8")
    import_file(store, editor, ev)
    update_settings(store, editor, TASK_EVENTS)
    k = compute_kpi(store, "task_success_rate", period="2026-09")
    assert k.value == pytest.approx(2 / 8) and not (k.note or "").startswith("from task-completion")


def test_monthly_series_follows_the_survey(store, editor, tmp_path):
    import_file(store, editor, _write(tmp_path))
    s = kpi_series(store, "task_success_rate", "month")
    got = {str(d)[:7]: v for d, v in zip(s["period_start"], s["value"])}
    assert got == pytest.approx({"2026-09": _independent(ROWS, "2026-09"), "2026-10": _independent(ROWS, "2026-10")})


def test_yes_no_answers_without_a_telling_header_are_read_as_task_completion(store, editor, tmp_path):
    f = _write(tmp_path, header="id,submitted_at,score,comment\n", name="answers.csv")
    pv = preview_file(f, store=store)
    assert pv.scale == "task" and any("task completion" in n for n in pv.notes)


def test_a_header_naming_nps_keeps_yes_no_answers_out(store, editor, tmp_path):
    rows = [("a", "2026-09-01", "9", ""), ("b", "2026-09-02", "Yes", ""), ("c", "2026-09-03", "3", "")]
    f = _write(tmp_path, rows, header="id,submitted_at,NPS score,comment\n", name="nps.csv")
    res = import_file(store, editor, f)
    assert (res.rows_imported, res.rows_rejected) == (2, 1)
    assert store.query_df("SELECT DISTINCT scale FROM survey_responses")["scale"].tolist() == ["nps"]
