"""Funnels over imported events: ordered steps, any attempt or first attempt, exclusion steps, windows from
seconds to years, median and mean time between steps, and conversion by the period users entered.

Definitions are in the docstrings of funnel and funnel_trend; the SQL is pm_core.store.funnel_store
(attempts) and pm_core.store.growth_store (the first-attempt path the conversion KPI shares).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from pydantic import BaseModel

from .growth_common import GrowthError, _add, _memo, _seg_key
from .periods import PeriodError, as_date, duration_label, parse_duration, parse_period, utc_start
from .settings import get_settings
from .store import Store
from .store import funnel_store as fs
from .store import growth_store as gs


class FunnelStep(BaseModel):
    """One funnel step: users who reached it, conversions, and the median and mean time from the previous step."""

    event: str
    users: int
    conversion_from_previous: float | None
    conversion_from_start: float | None
    median_seconds_to_convert: float | None
    mean_seconds_to_convert: float | None = None


class Exclusion(BaseModel):
    """An exclusion step: an attempt with `event` at or after step `from_step` and before step `to_step` drops out."""

    event: str
    from_step: int
    to_step: int


class FunnelResult(BaseModel):
    """A funnel: its steps, overall conversion, window, which attempts count, exclusions and the entry period."""

    steps: list[FunnelStep]
    conversion: float | None
    window_days: int
    period: str = "all"
    window_seconds: int = 0
    window_label: str = ""
    attempt: str = "first"
    exclusions: list[Exclusion] = []


ATTEMPT_TEXT = {"any": "any attempt counts (PostHog's default): each start event begins an attempt, and a user converts "
                       "if any attempt reaches the step within the window",
                "first": "first attempt only: a user's first start event is their only attempt"}
MAX_WINDOW_SECONDS = 3660 * 86400


def _steps(steps: list[str]) -> list[str]:
    steps = [str(s).strip() for s in steps]
    if not 2 <= len(steps) <= 5:
        raise GrowthError(f"a funnel needs 2 to 5 steps, got {len(steps)}")
    if any(not s for s in steps):
        raise GrowthError("funnel steps cannot be empty event names")
    return steps


def _window_seconds(window_days, window) -> int:
    """Return the conversion window in seconds: `window` text ('1h', '30m', '14d') when given, else whole days."""
    if window is not None and str(window).strip():
        try:
            secs = parse_duration(str(window))
        except PeriodError as exc:
            raise GrowthError(f"conversion window: {exc}") from None
    else:
        try:
            secs = int(window_days) * 86400
        except (TypeError, ValueError):
            raise GrowthError(f"window_days must be a whole number of days, got {window_days!r}") from None
    if secs < 0 or secs > MAX_WINDOW_SECONDS:
        raise GrowthError(f"the conversion window must be between 0 and 3660 days, got {duration_label(secs)}")
    return secs


def parse_exclusion(text, n_steps: int) -> Exclusion:
    """Return an Exclusion from 'event' (between step 1 and the last) or 'event:F-T' (1-based steps, F < T).

    Also takes an Exclusion or (event, F, T). GrowthError names the text when steps are out of order
    or outside the funnel, as PostHog refuses them.
    """
    if isinstance(text, Exclusion):
        ex = text
    elif isinstance(text, (tuple, list)):
        ex = Exclusion(event=str(text[0]).strip(), from_step=int(text[1]), to_step=int(text[2]))
    else:
        raw = str(text).strip()
        event, _, rng = raw.rpartition(":") if ":" in raw else (raw, "", "")
        if rng:
            try:
                f, t = (int(x) for x in rng.split("-"))
            except ValueError:
                raise GrowthError(f"exclusion {raw!r}: write 'event' or 'event:FROM-TO' with step numbers, e.g. 'x:1-2'") from None
        else:
            f, t = 1, n_steps
        ex = Exclusion(event=event.strip(), from_step=f, to_step=t)
    if not ex.event:
        raise GrowthError("an exclusion needs an event name")
    if not 1 <= ex.from_step < ex.to_step <= n_steps:
        raise GrowthError(f"exclusion {ex.event!r}: steps must satisfy 1 <= from < to <= {n_steps}, "
                          f"got {ex.from_step}-{ex.to_step}")
    return ex


def _calendar(store: Store) -> tuple[str, str]:
    """Return the workspace calendar (time zone, week start) funnel periods are cut in."""
    s = get_settings(store)
    return s["time_zone"], s["week_start"]


def _period_bounds(period, zone: str = "UTC") -> tuple:
    """Return (Period, start, end): the period and the UTC instants its first day and the day after it start in `zone`."""
    p = parse_period(period or "all")
    start = None if p.start is None else utc_start(p.start, zone)
    end = None if p.end is None else utc_start(p.end, zone)
    return p, start, end


def funnel(store: Store, steps: list[str], window_days: int = 30, period: str | None = None,
           segment=None, window: str | None = None, attempt: str = "first",
           exclusions: list | tuple = ()) -> FunnelResult:
    """Return users per ordered step, conversions and median and mean time between steps; empty steps give 0 users, not an error.

    attempt 'first' (the default, as the conversion KPI counts): a user enters at their first
    step-1 event ever; 'any' (PostHog's default): every step-1 event starts an attempt and a user
    counts at the furthest step any attempt reached. Step i counts when its event happens at or
    after step i-1 (strictly after if it is the same event) and within the window of the attempt's
    start (exactly the window later still counts). window ('1h', '30m', '14d') overrides window_days.
    exclusions ('x', 'x:1-2' or Exclusion) drop attempts with that event between the steps.
    period ('2026-05', '2026-Q3', 'all') keeps attempts that start in it. Conversion = last step /
    first step, None when nobody started.
    """
    steps = _steps(steps)
    secs = _window_seconds(window_days, window)
    if attempt not in fs.ATTEMPTS:
        raise GrowthError(f"attempt must be 'any' or 'first', got {attempt!r}")
    excl = [parse_exclusion(e, len(steps)) for e in exclusions]
    zone, _week = _calendar(store)
    p, start, end = _period_bounds(period, zone)
    if attempt == "first" and not excl and secs % 86400 == 0:
        # the conversion KPI's path: shared cells over all data, one query per data version
        days = secs // 86400
        if p.is_all:
            cells = _funnel_cells(store, steps, days, segment)
            users, med, mean = cells["users"], cells["median"], cells["mean"]
        else:
            df = gs.funnel_counts(store, steps, days, start, end, segment)
            users = [int(u) for u in df["users"]]
            med = [None if pd.isna(m) else float(m) for m in df["median_seconds"]]
            mean = [None if pd.isna(m) else float(m) for m in df["mean_seconds"]]
    else:
        key = ("funnel_steps", tuple(steps), secs, attempt, tuple((e.event, e.from_step, e.to_step) for e in excl),
               _seg_key(segment), start, end)
        df = _memo(store, key, lambda: fs.funnel_steps(store, steps, secs, attempt,
                                                       [(e.event, e.from_step, e.to_step) for e in excl],
                                                       segment, start, end))
        users = [int(u) for u in df["users"]]
        med = [None if pd.isna(m) else float(m) for m in df["median_seconds"]]
        mean = [None if pd.isna(m) else float(m) for m in df["mean_seconds"]]
    out: list[FunnelStep] = []
    for i, ev in enumerate(steps):
        prev = users[i - 1] if i else None
        out.append(FunnelStep(
            event=ev, users=users[i],
            conversion_from_previous=None if i == 0 or not prev else users[i] / prev,
            conversion_from_start=(users[i] / users[0]) if users[0] else None,
            median_seconds_to_convert=None if i == 0 else med[i],
            mean_seconds_to_convert=None if i == 0 else mean[i]))
    return FunnelResult(steps=out, conversion=(users[-1] / users[0]) if users[0] else None,
                        window_days=secs // 86400, period=p.label, window_seconds=secs,
                        window_label=duration_label(secs), attempt=attempt, exclusions=excl)


def funnel_trend(store: Store, steps: list[str], unit: str = "week", window_days: int = 30,
                 window: str | None = None, attempt: str = "any", exclusions: list | tuple = (),
                 segment=None, period: str | None = None) -> pd.DataFrame:
    """Return period_start, entered, converted, conversion, complete: the funnel of users who entered in each day/week/month.

    With attempt 'any' a user who enters again in a later period counts again there (re-entry),
    once per period with their best attempt that started in it; 'first' anchors each user in the
    period of their first start event. Periods from the first to the last entry are listed (0
    entered where nobody started; conversion None). complete is False when the period's last
    entrant could still convert after the last event in the workspace (their window reaches past it).
    """
    steps = _steps(steps)
    if unit not in fs.TREND_UNITS:
        raise GrowthError(f"trend period must be one of {', '.join(fs.TREND_UNITS)}, got {unit!r}")
    secs = _window_seconds(window_days, window)
    if attempt not in fs.ATTEMPTS:
        raise GrowthError(f"attempt must be 'any' or 'first', got {attempt!r}")
    excl = [parse_exclusion(e, len(steps)) for e in exclusions]
    zone, week_start = _calendar(store)
    _p, start, end = _period_bounds(period, zone)
    ex_t = [(e.event, e.from_step, e.to_step) for e in excl]
    key = ("funnel_trend", tuple(steps), unit, secs, attempt, tuple(ex_t), _seg_key(segment), start, end, zone,
           week_start)
    df = _memo(store, key, lambda: fs.funnel_trend(store, steps, secs, unit, attempt, ex_t, segment, start, end,
                                                   zone, week_start))
    cols = ["period_start", "entered", "converted", "conversion", "complete"]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    found = {as_date(r.period): (int(r.step_1), int(getattr(r, f"step_{len(steps)}"))) for r in df.itertuples(index=False)}
    _first, last_event = gs.event_bounds(store)
    periods, q = [], min(found)
    while q <= max(found):
        periods.append(q)
        q = _add(unit, q, 1)
    entered = [found.get(q, (0, 0))[0] for q in periods]
    converted = [found.get(q, (0, 0))[1] for q in periods]
    # the latest entrant of a period starts before the period ends; their window may pass the data's end
    complete = [utc_start(_add(unit, q, 1), zone) + dt.timedelta(seconds=secs) <= last_event for q in periods]
    return pd.DataFrame({"period_start": periods, "entered": pd.Series(entered, dtype="int64"),
                         "converted": pd.Series(converted, dtype="int64"),
                         "conversion": [c / e if e else None for c, e in zip(converted, entered)],
                         "complete": complete})


def _funnel_cells(store: Store, steps: list[str], window_days: int, segment) -> dict:
    """Return {'users': [...], 'median': [...], 'months': {month: [...]}} of a funnel over all data, one query per data version."""
    def compute():
        df = gs.funnel_counts_by_month(store, steps, window_days, segment, zone)
        n = len(steps)
        out = {"users": [0] * n, "median": [None] * n, "mean": [None] * n, "months": {}}
        for m, step, users, med, mean in df[["month", "step", "users", "median_seconds",
                                             "mean_seconds"]].itertuples(index=False):
            i = int(step) - 1
            if pd.isna(m):
                out["users"][i] = int(users)
                out["median"][i] = None if pd.isna(med) else float(med)
                out["mean"][i] = None if pd.isna(mean) else float(mean)
            else:
                out["months"].setdefault(as_date(m), [0] * n)[i] = int(users)
        return out
    zone, _week = _calendar(store)
    return _memo(store, ("funnel", tuple(steps), int(window_days), _seg_key(segment), zone), compute)


def funnel_monthly(store: Store, steps: list[str], window_days: int = 30,
                   segment=None) -> dict[dt.date, list[int]]:
    """Return {first day of month: users per step} by the month of each user's first step-1 event, from one query.

    Same rules as funnel(); months without starters are absent. Summing the months inside a period
    gives that period's funnel counts exactly, because every user is anchored in one month only.
    """
    steps = [str(s).strip() for s in steps]
    if not 2 <= len(steps) <= 5 or any(not s for s in steps):
        raise GrowthError(f"a funnel needs 2 to 5 non-empty steps, got {steps!r}")
    window_days = int(window_days)
    if window_days < 0 or window_days > 3660:
        raise GrowthError(f"window_days must be between 0 and 3660, got {window_days}")
    return {m: list(v) for m, v in _funnel_cells(store, steps, window_days, segment)["months"].items()}
