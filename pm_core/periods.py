"""Reporting periods: '2026-05' (a month), '2026-Q3' (a quarter), '2026' (a year) or 'all'."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    """A period string Pillars does not understand (the message shows the accepted forms)."""


@dataclass(frozen=True)
class Period:
    """A half-open date range [start, end) with its label; start/end are None for 'all'."""

    label: str
    kind: str  # month | quarter | year | all | custom
    start: dt.date | None
    end: dt.date | None  # exclusive

    @property
    def is_all(self) -> bool:
        return self.kind == "all"

    def contains(self, day: dt.date) -> bool:
        """Return True when day falls in the period ('all' contains every day)."""
        if self.is_all:
            return True
        return self.start <= day < self.end

    def days(self) -> int | None:
        """Return the number of days in the period (None for 'all')."""
        return None if self.is_all else (self.end - self.start).days

    def previous(self) -> "Period | None":
        """Return the period of the same kind just before this one (None for 'all' and custom ranges)."""
        if self.kind == "month":
            d = self.start - dt.timedelta(days=1)
            return month(d.year, d.month)
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return quarter(self.start.year - (q == 1), 4 if q == 1 else q - 1)
        if self.kind == "year":
            return year(self.start.year - 1)
        return None

    def fraction_elapsed(self, today: dt.date) -> float | None:
        """Return how much of the period has passed on `today`, clamped to 0..1 (None for 'all')."""
        if self.is_all:
            return None
        total = (self.end - self.start).days
        return min(1.0, max(0.0, (today - self.start).days / total))

    def describe(self) -> str:
        """Return the period in words, e.g. 'Q3 2026 (1 Jul – 30 Sep 2026)' or 'all data'."""
        if self.is_all:
            return "all data"
        last = self.end - dt.timedelta(days=1)
        rng = f"{self.start.day} {self.start:%b} – {last.day} {last:%b %Y}"
        if self.kind == "quarter":
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year} ({rng})"
        if self.kind == "month":
            return f"{self.start:%B %Y}"
        if self.kind == "year":
            return str(self.start.year)
        return rng


ALL = Period("all", "all", None, None)


def month(y: int, m: int) -> Period:
    """Return the calendar month y-m."""
    start = dt.date(y, m, 1)
    end = dt.date(y + (m == 12), 1 if m == 12 else m + 1, 1)
    return Period(f"{y:04d}-{m:02d}", "month", start, end)


def quarter(y: int, q: int) -> Period:
    """Return calendar quarter q (1-4) of year y."""
    start = dt.date(y, 3 * (q - 1) + 1, 1)
    end = dt.date(y + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return Period(f"{y:04d}-Q{q}", "quarter", start, end)


def year(y: int) -> Period:
    """Return calendar year y."""
    return Period(f"{y:04d}", "year", dt.date(y, 1, 1), dt.date(y + 1, 1, 1))


def custom(start: dt.date, end_inclusive: dt.date, label: str | None = None) -> Period:
    """Return a custom range including both ends; raises PeriodError when end is before start."""
    if end_inclusive < start:
        raise PeriodError(f"period ends ({end_inclusive}) before it starts ({start})")
    return Period(label or f"{start}..{end_inclusive}", "custom", start, end_inclusive + dt.timedelta(days=1))


def parse_period(text: str | None) -> Period:
    """Return the Period for '2026-05', '2026-Q3', '2026', 'all' (or None/''); raise PeriodError otherwise."""
    if text is None or str(text).strip().lower() in {"", "all"}:
        return ALL
    t = str(text).strip()
    if m := _MONTH.match(t):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return month(y, mo)
    if m := _QUARTER.match(t):
        return quarter(int(m.group(1)), int(m.group(2)))
    if m := _YEAR.match(t):
        return year(int(m.group(1)))
    raise PeriodError(f"unknown period {text!r}: use a month (2026-05), a quarter (2026-Q3), a year (2026) or 'all'")


def month_of(day: dt.date) -> Period:
    """Return the month containing day."""
    return month(day.year, day.month)


def quarter_of(day: dt.date) -> Period:
    """Return the quarter containing day."""
    return quarter(day.year, (day.month - 1) // 3 + 1)


def add_months(day: dt.date, n: int) -> dt.date:
    """Return the first day of the month n months after day's month (n may be negative; the day of month is dropped)."""
    k = day.year * 12 + day.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)


def months_between(a: dt.date, b: dt.date) -> int:
    """Return how many calendar months b's month is after a's (negative when before; days are ignored)."""
    return (b.year - a.year) * 12 + (b.month - a.month)


def period_start(day: dt.date, unit: str) -> dt.date:
    """Return the start of the day/week (Monday)/month/quarter holding day; ValueError for another unit."""
    if unit == "day":
        return day
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"unknown period unit {unit!r}")


def as_date_or_none(value) -> dt.date | None:
    """Return as_date(value), or None for a missing value (None, NaN, NaT) or text that is not an ISO date."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if type(value).__name__ == "NaTType":
        return None
    try:
        return as_date(value)
    except (ValueError, TypeError):
        return None


def as_date(value) -> dt.date:
    """Return a date for a date, datetime, pandas Timestamp or numpy datetime64 or ISO text (a datetime keeps its own calendar day)."""
    if isinstance(value, dt.datetime):  # pandas.Timestamp is a datetime too
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    import pandas as pd  # numpy datetime64 and the like; deferred: periods is imported by the fast CLI paths

    return pd.Timestamp(value).date()


_DURATION = re.compile(r"^\s*(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?|d|days?|w|wk|weeks?)\s*$",
                       re.IGNORECASE)
_DURATION_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION_WORDS = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}  # weeks read as days: "14-day"


def parse_duration(text: str | int) -> int:
    """Return a length of time in seconds from '30d', '1h', '90 minutes', '2w' or '45s'; a bare number is days.

    Raises PeriodError naming the text when it is not a whole number with one unit (s, m, h, d, w).
    'm' is minutes (months have no fixed length, so they are not a duration).
    """
    if isinstance(text, bool):
        raise PeriodError(f"not a duration: {text!r}")
    if isinstance(text, int):
        return int(text) * 86400
    raw = str(text).strip()
    if raw.isdigit():
        return int(raw) * 86400
    m = _DURATION.match(raw)
    if not m:
        raise PeriodError(f"not a duration: {text!r}; write a whole number and a unit, e.g. 30m, 1h, 14d, 2w")
    unit = m.group(2).lower()
    key = "m" if unit.startswith("mi") or unit == "m" else unit[0]
    return int(m.group(1)) * _DURATION_SECONDS[key]


def duration_label(seconds: int) -> str:
    """Return a duration in the largest whole unit, for people ('1-hour', '30-day', '90-minute'); 0 is '0-second'."""
    for size in sorted(_DURATION_WORDS, reverse=True):
        if seconds and seconds % size == 0:
            return f"{seconds // size}-{_DURATION_WORDS[size]}"
    return f"{seconds}-second"
