"""Reporting periods: '2026-05' (a month), '2026-Q3' (a quarter), '2026' (a year), 'all', a custom range
'2026-11-01..2026-11-30' or a rolling one ('last-30d', 'this-month', 'last-quarter', 'ytd'); and the one
rule for which month a headline reports (`headline`).

Rolling ranges are resolved against `today` (the workspace's calendar day): 'last-Nd' is the N whole
days before today (today is still running, so it is left out), 'this-month' / 'this-quarter' / 'ytd'
run from the period's start through today, 'last-month' / 'last-quarter' are the calendar ones.
A period is compared with the one before it (`compare='previous'`: the previous month or quarter, or
for a range the same number of days just before it) or with the same dates a year earlier
(`compare='year'`).
"""
from __future__ import annotations

from .errors import InputError

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")
_LAST_N = re.compile(r"^last[-_ ]?(\d{1,4})\s*d(?:ays?)?$", re.IGNORECASE)

# The rolling ranges pages offer, in order, with their words (the CLI takes any last-Nd up to MAX_DAYS).
ROLLING: dict[str, str] = {"last-7d": "Last 7 days", "last-30d": "Last 30 days", "last-90d": "Last 90 days",
                           "this-month": "This month", "last-month": "Last month", "this-quarter": "This quarter",
                           "last-quarter": "Last quarter", "ytd": "Year to date"}
COMPARES: dict[str, str] = {"previous": "the previous period", "year": "the same period a year before"}
MAX_DAYS = 3660


class PeriodError(InputError):
    """A period string Pillars does not understand (the message shows the accepted forms)."""


@dataclass(frozen=True)
class Period:
    """A half-open date range [start, end) with its label; start/end are None for 'all'."""

    label: str
    kind: str  # month | quarter | year | all | custom
    start: dt.date | None
    end: dt.date | None  # exclusive
    compare: str = "previous"  # what previous() returns: COMPARES
    name: str = ""  # the rolling range it was resolved from ('Last 30 days'), shown by describe()

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
        """Return the period this one is compared with: by `compare`, the one just before (a month's previous
        month; a range's same number of days just before it) or the same dates a year earlier; None for 'all'."""
        if self.is_all:
            return None
        if self.compare == "year":
            if self.kind == "month":
                return month(self.start.year - 1, self.start.month)
            if self.kind == "quarter":
                return quarter(self.start.year - 1, (self.start.month - 1) // 3 + 1)
            if self.kind == "year":
                return year(self.start.year - 1)
            return custom(_year_before(self.start), _year_before(self.end - dt.timedelta(days=1)))
        if self.kind == "month":
            d = self.start - dt.timedelta(days=1)
            return month(d.year, d.month)
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return quarter(self.start.year - (q == 1), 4 if q == 1 else q - 1)
        if self.kind == "year":
            return year(self.start.year - 1)
        n = self.end - self.start
        return custom(self.start - n, self.start - dt.timedelta(days=1))

    def comparing(self, compare: str | None) -> "Period":
        """Return this period set to compare with `compare` ('previous' or 'year'; None keeps it); PeriodError otherwise."""
        if compare is None or compare == self.compare:
            return self
        if compare not in COMPARES:
            raise PeriodError(f"unknown comparison {compare!r}: use {' or '.join(COMPARES)}")
        return dataclasses.replace(self, compare=compare)

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
        return f"{self.name.lower()} ({rng})" if self.name else rng

    def compared_with(self) -> str:
        """Return the comparison in words ('compared with October 2026'; '' for 'all', which has none)."""
        prev = self.previous()
        return f"compared with {prev.describe()}" if prev is not None else ""


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
    """Return a custom range including both ends; raises PeriodError when end is before start or it spans more than MAX_DAYS."""
    if end_inclusive < start:
        raise PeriodError(f"period ends ({end_inclusive}) before it starts ({start})")
    if (end_inclusive - start).days >= MAX_DAYS:
        raise PeriodError(f"period {start}..{end_inclusive} is longer than {MAX_DAYS} days")
    return Period(label or f"{start}..{end_inclusive}", "custom", start, end_inclusive + dt.timedelta(days=1))


def _year_before(d: dt.date) -> dt.date:
    """Return the same date a year earlier (29 February becomes 28 February)."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def date_range(start, end, compare: str | None = None) -> Period:
    """Return the range from `start` to `end`, both included (dates or ISO text): a whole calendar month,
    quarter or year becomes that period; PeriodError names a bad date or an end before the start."""
    try:
        a, b = as_date(start), as_date(end)
    except (ValueError, TypeError):
        raise PeriodError(f"a date range takes two ISO dates (2026-11-01..2026-11-30), got {start!r}..{end!r}") from None
    p = custom(a, b)
    last = p.end - dt.timedelta(days=1)
    for whole in (month_of(a), quarter_of(a), year(a.year)):
        if whole.start == a and whole.end - dt.timedelta(days=1) == last:
            p = whole
            break
    return p.comparing(compare)


def rolling(name: str, today: dt.date, compare: str | None = None) -> Period:
    """Return a rolling range resolved on `today` ('last-30d', 'this-month', 'ytd'...; see ROLLING); PeriodError otherwise.

    'last-Nd' is the N whole days before today; 'this-*' and 'ytd' run from the start through today.
    """
    key = str(name).strip().lower()
    if m := _LAST_N.match(key):
        n = int(m.group(1))
        if not 1 <= n <= MAX_DAYS:
            raise PeriodError(f"'{name}': the number of days runs from 1 to {MAX_DAYS}")
        p = custom(today - dt.timedelta(days=n), today - dt.timedelta(days=1))
        return dataclasses.replace(p, name=ROLLING.get(f"last-{n}d", f"Last {n} days")).comparing(compare)
    if key == "this-month":
        p = dataclasses.replace(custom(today.replace(day=1), today), name="This month")
    elif key == "this-quarter":
        p = dataclasses.replace(custom(quarter_of(today).start, today), name="This quarter")
    elif key == "ytd":
        p = dataclasses.replace(custom(dt.date(today.year, 1, 1), today), name="Year to date")
    elif key == "last-month":
        p = month_of(today).previous()
    elif key == "last-quarter":
        p = quarter_of(today).previous()
    else:
        raise PeriodError(f"unknown range {name!r}: use {', '.join(ROLLING)} or last-Nd (e.g. last-14d)")
    return p.comparing(compare)


def is_rolling(text: str | None) -> bool:
    """Return True when text names a rolling range ('last-30d', 'this-month', ...), which moves with today."""
    t = str(text or "").strip().lower()
    return t in ROLLING or bool(_LAST_N.match(t))


def parse_period(text: str | None, today: dt.date | None = None, compare: str | None = None) -> Period:
    """Return the Period for '2026-05', '2026-Q3', '2026', 'all' (or None/''), a range 'YYYY-MM-DD..YYYY-MM-DD'
    or a rolling range ('last-30d', 'this-month'...; resolved on `today`, UTC's date when None); PeriodError otherwise."""
    if text is None or str(text).strip().lower() in {"", "all"}:
        return ALL
    t = str(text).strip()
    if is_rolling(t):
        return rolling(t, today or dt.datetime.now(dt.timezone.utc).date(), compare)
    if m := _RANGE.match(t):
        return date_range(m.group(1), m.group(2), compare)
    return _calendar(t, text).comparing(compare)


def _calendar(t: str, text) -> Period:
    if m := _MONTH.match(t):
        y, mo = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return month(y, mo)
    if m := _QUARTER.match(t):
        return quarter(int(m.group(1)), int(m.group(2)))
    if m := _YEAR.match(t):
        return year(int(m.group(1)))
    raise PeriodError(f"unknown period {text!r}: use a month (2026-05), a quarter (2026-Q3), a year (2026), 'all', "
                      "a range (2026-11-01..2026-11-30) or a rolling range (last-30d, this-month, last-quarter, ytd)")


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


WEEK_STARTS = ("monday", "sunday")


def period_start(day: dt.date, unit: str, week_start: str = "monday") -> dt.date:
    """Return the start of the day/week (from Monday, or Sunday)/month/quarter holding day; ValueError for another unit."""
    if unit == "day":
        return day
    if unit == "week":
        if week_start not in WEEK_STARTS:
            raise ValueError(f"unknown week start {week_start!r}")
        back = day.weekday() if week_start == "monday" else (day.weekday() + 1) % 7
        return day - dt.timedelta(days=back)
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


# -- the one rule for "now" ------------------------------------------------------------------------
HEADLINE_RULE = ("Monthly headlines report the latest calendar month the data covers from its first to its last day; "
                 "a month the data ends inside is shown to date beside it, compared with the same days of the month before.")


@dataclass(frozen=True)
class Headline:
    """Which month every monthly headline reports: `month`, and the month the data ends inside (`partial`, to date)."""

    month: Period
    complete: bool  # False only when the data covers no whole month (then `month` is that partial month)
    partial: Period | None = None  # the month after `month` when the data stops part-way through it
    partial_days: int | None = None  # its days with data so far (1..30)

    def caption(self) -> str:
        """Return the rule applied, in words ('October 2026, the latest complete month; November 2026 to date (22 days) beside it')."""
        if not self.complete:
            return f"{self.month.describe()}, partial: the data covers no whole month yet."
        out = f"{self.month.describe()}, the latest complete month"
        if self.partial is not None:
            out += f"; {self.partial.describe()} so far (1–{self.partial_days} {self.partial.start:%b}) is shown beside it"
        return out + "."


def headline(first_day: dt.date | None, last_day: dt.date | None) -> Headline | None:
    """Return the month headlines report for data from first_day to last_day (None without data).

    The latest month whose every day lies inside [first_day, last_day]; when the data ends inside a
    later month that month is `partial`. Data that covers no whole month reports its last month,
    marked incomplete, rather than nothing.
    """
    if first_day is None or last_day is None:
        return None
    first_day, last_day = as_date(first_day), as_date(last_day)
    last_m = month_of(last_day)
    ends_whole = last_day == last_m.end - dt.timedelta(days=1)
    cand = last_m if ends_whole else last_m.previous()
    if cand.start < first_day:
        return Headline(last_m, False)
    partial = None if ends_whole else last_m
    return Headline(cand, True, partial, None if partial is None else (last_day - last_m.start).days + 1)


# -- the workspace's calendar ----------------------------------------------------------------------
def utc_start(day: dt.date, zone: str = "UTC") -> dt.datetime:
    """Return the naive UTC instant at which `day` starts in `zone` (an IANA name; DST days start at their own offset)."""
    start = dt.datetime(day.year, day.month, day.day)
    if zone == "UTC":
        return start
    import zoneinfo  # deferred: only a non-UTC workspace needs the zone database

    local = start.replace(tzinfo=zoneinfo.ZoneInfo(zone))
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def to_local(ts: dt.datetime | None, zone: str = "UTC") -> dt.datetime | None:
    """Return a naive UTC datetime as the naive wall-clock time in `zone` (None stays None)."""
    if ts is None or zone == "UTC":
        return ts
    import zoneinfo

    return ts.replace(tzinfo=dt.timezone.utc).astimezone(zoneinfo.ZoneInfo(zone)).replace(tzinfo=None)


def calendar_words(zone: str = "UTC", week_start: str = "monday") -> str:
    """Return the calendar a figure is cut in, for captions ('days in Europe/Lisbon time, weeks from Monday')."""
    return f"days in {zone} time, weeks from {week_start.capitalize()}"


def today_in(zone: str = "UTC") -> dt.date:
    """Return today's date in `zone` (what rolling ranges such as 'last-30d' are resolved on)."""
    if zone == "UTC":
        return dt.datetime.now(dt.timezone.utc).date()
    import zoneinfo

    return dt.datetime.now(zoneinfo.ZoneInfo(zone)).date()


# -- partial periods on charts ---------------------------------------------------------------------
def coverage_note(start: dt.date, end_exclusive: dt.date, first_day, last_day) -> str | None:
    """Return None when the data covers every day of [start, end_exclusive), else the days it covers in words.

    The words a chart puts beside a partial period: 'to 22 Nov' (data stops inside it), 'from 25 May'
    (data starts inside it), '25–28 May' or '25 May – 3 Jun' (both), 'no data' (none of its days).
    Missing bounds (no data at all) give None: there is nothing to call partial.
    """
    if first_day is None or last_day is None:
        return None
    start, end_exclusive = as_date(start), as_date(end_exclusive)
    first, last = as_date(first_day), as_date(last_day)
    period_last = end_exclusive - dt.timedelta(days=1)
    lo, hi = max(start, first), min(period_last, last)
    if hi < lo:
        return "no data"
    starts_inside, ends_inside = lo > start, hi < period_last
    if not starts_inside and not ends_inside:
        return None
    if starts_inside and ends_inside:
        if (lo.year, lo.month) == (hi.year, hi.month):
            return f"{lo.day}–{hi.day} {hi:%b}"
        return f"{lo.day} {lo:%b} – {hi.day} {hi:%b}"
    return f"to {hi.day} {hi:%b}" if ends_inside else f"from {lo.day} {lo:%b}"


def month_label(day, note: str | None = None) -> str:
    """Return a month's axis label ('Nov 2026'), with a partial month's coverage after it ('Nov 2026 (to 22 Nov)')."""
    d = as_date(day)
    return f"{d:%b %Y}" + (f" ({note})" if note else "")
