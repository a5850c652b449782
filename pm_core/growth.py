"""Growth analysis over imported events: active users and stickiness, retention cohorts, funnels.

Definitions (issue 4; the defaults must match exactly): time is UTC, weeks start on Monday, a user
is active in a period if they have any event in it. Segments restrict the events used to those
whose properties match (any form pm_core.segments.parse reads: "platform=iOS|Android,country!=PT",
{"platform": "iOS"}, a Segment), as Amplitude's "where" filter does.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from pydantic import BaseModel

from . import segments
from .periods import add_months, as_date, period_start, to_local
from .settings import get_settings
from .segments import SegmentError  # noqa: F401  (re-exported for callers)
from .store import Store
from .store import growth_store as gs
from .store import retention_store as rs
# Funnels live in pm_core.funnels and the shared pieces in growth_common; growth re-exports both, so
# callers keep reading growth.funnel, growth.GrowthError, ...
from .funnels import (ATTEMPT_TEXT, MAX_WINDOW_SECONDS, Exclusion, FunnelResult, FunnelStep,  # noqa: F401
                      _period_bounds, funnel, funnel_monthly, funnel_trend, parse_exclusion)
from .growth_common import GrowthError, _add, _memo, _periods_between, _seg_key  # noqa: F401

MODES = ("on", "on_or_after")
RETENTION_UNITS = rs.UNITS


class Cohort(BaseModel):
    """One cohort: its period start (a datetime for hourly cohorts), size, and users retained k periods later."""

    cohort: dt.datetime | dt.date
    size: int
    retained: dict[int, int]  # k -> users retained k periods later; only k whose period is observable


class RetentionResult(BaseModel):
    """Retention cohorts, the weighted mean per k, and the options they were computed with."""

    unit: str
    first_time: bool
    mode: str
    weighted: dict[int, float | None]
    cohorts: list[Cohort]
    last_period: dt.datetime | dt.date | None
    start_event: str | None = None
    return_event: str | None = None
    min_events: int = 1
    padded: bool = False  # True: cells run to the end of the chosen range (zeros after the data), as PostHog

    def rate(self, cohort: Cohort, k: int) -> float | None:
        """Return one cohort's k-period retention as a fraction (None when not observable or empty)."""
        n = cohort.retained.get(k)
        return None if n is None or cohort.size == 0 else n / cohort.size


def _range_end_period(unit: str, day: dt.date, week_start: str = "monday"):
    """Return the start of the period holding the last moment of `day` (its 23:00 hour for hourly retention)."""
    if unit == "hour":
        return dt.datetime.combine(day, dt.time(23))
    return period_start(day, unit, week_start)


def retention_table(store: Store, unit: str = "week", first_time: bool = True, mode: str = "on",
                    segment=None, cohort_start: dt.date | None = None,
                    cohort_end: dt.date | None = None, max_k: int = 12, start_event: str | None = None,
                    return_event: str | None = None, min_events: int = 1,
                    range_end: dt.date | None = None) -> RetentionResult:
    """Return retention cohorts and the weighted mean per k; a cohort lists only k it could be observed for.

    first_time: a user's cohort is the period of their first start event; otherwise (recurring) a
    user belongs to every period they did it in. start_event / return_event (None = any event): a
    user is retained in period c+k when they did the return event at least min_events times in it.
    mode 'on' counts users retained in period c+k; 'on_or_after' in c+k or any later period.
    Units: hour, day, week, month. Without range_end, cells stop at the period of the workspace's
    last event; with range_end (a date), they run to the period holding its end, zeros where nobody
    returned (PostHog's padding). weighted[k] = sum retained / sum sizes over cohorts observable at
    k (None when none is). cohort_start/cohort_end (inclusive) select cohorts by their period start.
    """
    if unit not in RETENTION_UNITS:
        raise GrowthError(f"retention unit must be one of {', '.join(RETENTION_UNITS)}, got {unit!r}")
    if mode not in MODES:
        raise GrowthError(f"retention mode must be 'on' or 'on_or_after', got {mode!r}")
    if not 1 <= int(max_k) <= 400:
        raise GrowthError(f"max_k must be between 1 and 400, got {max_k}")
    try:
        min_events = int(min_events)
    except (TypeError, ValueError):
        raise GrowthError(f"the minimum events per period must be a whole number, got {min_events!r}") from None
    if not 1 <= min_events <= 10000:
        raise GrowthError(f"the minimum events per period must be between 1 and 10,000, got {min_events}")
    start_event = str(start_event).strip() or None if start_event is not None else None
    return_event = str(return_event).strip() or None if return_event is not None else None
    if cohort_start is not None and cohort_end is not None and cohort_start > cohort_end:
        raise GrowthError(f"the cohort range starts ({cohort_start}) after it ends ({cohort_end})")
    max_k = int(max_k)
    key = ("retention", unit, bool(first_time), mode, _seg_key(segment), cohort_start, cohort_end, max_k,
           start_event, return_event, min_events, range_end)
    res = _memo(store, key, lambda: _retention(store, unit, bool(first_time), mode, segment, cohort_start, cohort_end,
                                               max_k, start_event, return_event, min_events, range_end))
    return res.model_copy(deep=True)  # callers may edit their copy; the memo stays as computed


def _retention(store: Store, unit: str, first_time: bool, mode: str, segment, cohort_start, cohort_end,
               max_k: int, start_event=None, return_event=None, min_events: int = 1, range_end=None) -> RetentionResult:
    plain = start_event is None and return_event is None and min_events == 1 and unit != "hour"
    zone, week_start = calendar(store)  # cohorts are cut in the workspace calendar, as active users are
    last_data = (gs.last_event_period(store, unit, zone, week_start) if unit != "hour"
                 else rs.last_period(store, unit, zone, week_start))
    last = last_data if range_end is None or last_data is None else _range_end_period(unit, range_end, week_start)
    opts = dict(unit=unit, first_time=first_time, mode=mode, start_event=start_event, return_event=return_event,
                min_events=min_events, padded=range_end is not None)
    if plain:  # the fast path every KPI and the default Growth view use
        sizes, counts = gs.retention_counts(store, unit, first_time, mode, segment, max_k, zone, week_start)
    else:
        sizes, counts = rs.retention_cells(store, unit, first_time, mode, segment, max_k, start_event, return_event,
                                           min_events, zone, week_start)
    if last is None or sizes.empty:
        return RetentionResult(weighted={k: None for k in range(1, max_k + 1)}, cohorts=[], last_period=last, **opts)
    norm = (lambda v: pd.Timestamp(v).to_pydatetime()) if unit == "hour" else as_date
    lo = None if cohort_start is None else (dt.datetime.combine(cohort_start, dt.time()) if unit == "hour" else cohort_start)
    hi = None if cohort_end is None else (dt.datetime.combine(cohort_end, dt.time(23)) if unit == "hour" else cohort_end)
    lookup: dict[tuple, int] = {
        (norm(c), int(k)): int(n) for c, k, n in counts[["cohort", "k", "users"]].itertuples(index=False)}
    cohorts: list[Cohort] = []
    num = {k: 0 for k in range(1, max_k + 1)}
    den = {k: 0 for k in range(1, max_k + 1)}
    for c_raw, size in sizes[["cohort", "size"]].itertuples(index=False):
        c = norm(c_raw)
        if (lo is not None and c < lo) or (hi is not None and c > hi) or c > last:
            continue
        observable = min(max_k, _periods_between(unit, c, last))
        retained: dict[int, int] = {}
        for k in range(1, observable + 1):
            if mode == "on":
                n = lookup.get((c, k), 0)
            else:  # counts hold users by how far their last active period is; retained at k = those at k or beyond
                n = sum(lookup.get((c, j), 0) for j in range(k, max_k + 1))
            retained[k] = n
            num[k] += n
            den[k] += int(size)
        cohorts.append(Cohort(cohort=c, size=int(size), retained=retained))
    weighted = {k: (num[k] / den[k] if den[k] else None) for k in range(1, max_k + 1)}
    return RetentionResult(weighted=weighted, cohorts=cohorts, last_period=last, **opts)


def retention_trend(result: RetentionResult, k: int) -> pd.DataFrame:
    """Return cohort, size, retained, rate of k-period retention per cohort; cohorts not yet observable at k are left out."""
    rows = [{"cohort": c.cohort, "size": c.size, "retained": c.retained[k],
             "rate": c.retained[k] / c.size if c.size else None}
            for c in result.cohorts if k in c.retained]
    return pd.DataFrame(rows, columns=["cohort", "size", "retained", "rate"])


def retention_matrix(result: RetentionResult) -> pd.DataFrame:
    """Return long rows cohort, size, k, retained, rate for every observable cell (k=0 is the cohort itself, 100%)."""
    rows = []
    for c in result.cohorts:
        rows.append({"cohort": c.cohort, "size": c.size, "k": 0, "retained": c.size, "rate": 1.0 if c.size else None})
        for k, n in c.retained.items():
            rows.append({"cohort": c.cohort, "size": c.size, "k": k, "retained": n, "rate": n / c.size if c.size else None})
    return pd.DataFrame(rows, columns=["cohort", "size", "k", "retained", "rate"])


def calendar(store: Store) -> tuple[str, str]:
    """Return the workspace calendar (time zone, week start) every active-users period is cut in."""
    s = get_settings(store)
    return s["time_zone"], s["week_start"]


def _rollup(store: Store, segment) -> dict[str, dict[dt.date, int]]:
    """Return {unit: {period_start: active users}} from one scan (the growth page asks for days, weeks, months and stickiness separately)."""
    zone, week_start = calendar(store)

    def compute():
        df = gs.active_rollup(store, segment, zone, week_start)
        out: dict[str, dict[dt.date, int]] = {u: {} for u in gs.UNITS}
        for unit, ps, n in df[["unit", "period_start", "active_users"]].itertuples(index=False):
            out[unit][as_date(ps)] = int(n)
        return out
    return _memo(store, ("rollup", _seg_key(segment), zone, week_start), compute)


def _trunc(unit: str, d: dt.date, week_start: str = "monday") -> dt.date:
    return period_start(d, unit, week_start)


def active_users_series(store: Store, freq: str = "day", segment=None) -> pd.DataFrame:
    """Return period_start, active_users, complete per day/week/month from the first to the last event period (0 for silent periods).

    complete is False for the first and last periods when the data starts or ends inside them, so
    a half-observed month is not read as a drop.
    """
    if freq not in gs.UNITS:
        raise GrowthError(f"freq must be one of {', '.join(gs.UNITS)}, got {freq!r}")
    first, last = gs.event_bounds(store)
    if first is None:
        return pd.DataFrame({"period_start": pd.Series(dtype="object"), "active_users": pd.Series(dtype="int64"),
                             "complete": pd.Series(dtype="bool")})
    counts = _rollup(store, segment)[freq]
    zone, week_start = calendar(store)
    first_day, last_day = to_local(first, zone).date(), to_local(last, zone).date()
    # every period between the workspace's first and last event (not the segment's), 0 where silent
    periods, p = [], _trunc(freq, first_day, week_start)
    while p <= last_day:
        periods.append(p)
        p = _add(freq, p, 1)
    return pd.DataFrame({
        "period_start": periods,
        "active_users": pd.Series([counts.get(p, 0) for p in periods], dtype="int64"),
        "complete": [ps >= first_day and _add(freq, ps, 1) - dt.timedelta(days=1) <= last_day for ps in periods]})


def stickiness_series(store: Store, segment=None) -> pd.DataFrame:
    """Return month, mau, mean_dau, stickiness, days_with_events, calendar_days per month with events.

    mean_dau is the sum of daily active users over the month's calendar days (as PostHog and
    Amplitude count them: a day without events counts as 0), so empty weekends pull it down rather
    than being skipped. The first and last months count only the days the workspace's data covers
    (from its first to its last event day), so a half-observed month is not diluted by days before
    the data starts. stickiness = mean_dau / MAU.
    """
    roll = _rollup(store, segment)
    cols = ["month", "mau", "mean_dau", "stickiness", "days_with_events", "calendar_days"]
    first, last = gs.event_bounds(store)
    if not roll["month"] or first is None:
        return pd.DataFrame(columns=cols)
    days: dict[dt.date, list[int]] = {}
    for d, n in roll["day"].items():
        days.setdefault(period_start(d, "month"), []).append(n)
    months = sorted(roll["month"])
    first_day, last_day = first.date(), last.date()
    cal = [(min(add_months(m, 1) - dt.timedelta(days=1), last_day) - max(m, first_day)).days + 1 for m in months]
    mau = [roll["month"][m] for m in months]
    mean_dau = [sum(days.get(m, [])) / c for m, c in zip(months, cal)]
    return pd.DataFrame({"month": months, "mau": pd.Series(mau, dtype="int64"),
                         "mean_dau": pd.Series(mean_dau, dtype="float64"),
                         "stickiness": [a / b for a, b in zip(mean_dau, mau)],
                         "days_with_events": pd.Series([len(days.get(m, [])) for m in months], dtype="int64"),
                         "calendar_days": pd.Series(cal, dtype="int64")})


def days_active_histogram(store: Store, period: str | None = None, segment=None) -> pd.DataFrame:
    """Return days_active (1..N) and users: how many users were active on exactly that many days of the period.

    period: '2026-05', '2026-Q3', a range, or None/'all' for all data; N is the period's calendar
    days that the data covers, and every count from 1 to N is listed (0 users where none). Users
    with no event in the period are not in it (0 days is not a bar, as in PostHog's stickiness).
    """
    zone, _week = calendar(store)  # days in the workspace zone, as active users count them
    p, start, end = _period_bounds(period, zone)
    first, last = gs.event_bounds(store)
    if first is None:
        return pd.DataFrame({"days_active": pd.Series(dtype="int64"), "users": pd.Series(dtype="int64")})
    first, last = to_local(first, zone), to_local(last, zone)
    lo = max(first.date(), p.start) if p.start else first.date()
    hi = min(last.date(), p.end - dt.timedelta(days=1)) if p.end else last.date()
    n_days = max(0, (hi - lo).days + 1)
    key = ("days_active", _seg_key(segment), start, end, zone)
    df = _memo(store, key, lambda: gs.days_active_counts(store, start, end, segment, zone))
    got = {int(d): int(u) for d, u in df[["days_active", "users"]].itertuples(index=False)}
    n = max([n_days, *got]) if got else n_days
    return pd.DataFrame({"days_active": pd.Series(range(1, n + 1), dtype="int64"),
                         "users": pd.Series([got.get(d, 0) for d in range(1, n + 1)], dtype="int64")})


def event_names(store: Store) -> list[str]:
    """Return the distinct event names in the workspace, most frequent first (empty without events)."""
    return [str(e) for e in gs.event_counts(store)["event"]]


def event_span(store: Store) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Return (first, last) event time in UTC; (None, None) when no events are imported."""
    return gs.event_bounds(store)


def segment_properties(store: Store) -> list[str]:
    """Return event property keys usable as segment filters (from a sample of events), sorted."""
    return gs.property_keys(store)


def segment_values(store: Store, key: str) -> list[str]:
    """Return up to 50 values of an event property, most frequent first (empty for an unknown key)."""
    return gs.property_values(store, key)


def parse_segment(texts: list[str] | str | None) -> dict[str, str]:
    """Return {property: value} of 'property=value' texts through pm_core.segments ({} for none); GrowthError names a bad clause.

    Kept for callers that want a plain dict: a segment with several values or 'is not' is refused
    here; pass the text (or segments.parse's Segment) to the growth functions to use those.
    """
    try:
        return segments.parse(texts).as_dict()
    except SegmentError as exc:
        raise GrowthError(str(exc)) from None
