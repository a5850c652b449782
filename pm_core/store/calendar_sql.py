"""The one SQL form of the workspace calendar: event times (stored as naive UTC) as days, weeks and months in its zone.

A UTC workspace reads `ts` as it is (no per-row conversion: the 1M-event benchmark pays nothing);
another zone converts each row with DuckDB's ICU `timezone()` (about 70 ms per million rows,
measured), the zone name always bound. Range bounds are converted in Python instead
(periods.utc_start), so a WHERE on ts stays a plain comparison.
"""
from __future__ import annotations

from ..periods import WEEK_STARTS


def local_ts(column: str, zone: str) -> tuple[str, list]:
    """Return (SQL, params) of `column` (naive UTC) as naive wall-clock time in `zone`; `column` is a trusted identifier."""
    if zone == "UTC":
        return column, []
    return f"timezone(?, timezone('UTC', {column}))", [zone]


def local_day(column: str, zone: str) -> tuple[str, list]:
    """Return (SQL, params) of the calendar day of `column` in `zone`."""
    expr, params = local_ts(column, zone)
    return f"CAST({expr} AS DATE)", params


def week_of(day_sql: str, week_start: str) -> str:
    """Return SQL for the first day of the week (Monday or Sunday) holding the DATE expression `day_sql`."""
    if week_start not in WEEK_STARTS:
        raise ValueError(f"week start must be one of {WEEK_STARTS}, got {week_start!r}")
    if week_start == "monday":
        return f"CAST(date_trunc('week', {day_sql}) AS DATE)"
    return f"CAST({day_sql} - CAST(dayofweek({day_sql}) AS INTEGER) AS DATE)"  # dayofweek: Sunday = 0
