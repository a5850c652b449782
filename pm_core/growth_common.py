"""What growth's modules share: the error they raise, the memo on the store, segment cache keys and period steps."""
from __future__ import annotations

from .errors import InputError

import datetime as dt

from . import segments
from .periods import add_months, months_between
from .store import Store, areas


class GrowthError(InputError):
    """Input that growth analysis cannot use (the message names the field)."""


def _add(unit: str, d: dt.date, k: int) -> dt.date:
    """Return the start of the period k units after d (hours, days, weeks, or calendar months)."""
    if unit == "hour":
        return d + dt.timedelta(hours=k)
    if unit == "day":
        return d + dt.timedelta(days=k)
    if unit == "week":
        return d + dt.timedelta(weeks=k)
    return add_months(d, k)


def _periods_between(unit: str, a: dt.date, b: dt.date) -> int:
    """Return the whole periods from period start a to period start b."""
    if unit == "hour":
        return int((b - a).total_seconds() // 3600)
    if unit == "day":
        return (b - a).days
    if unit == "week":
        return (b - a).days // 7
    return months_between(a, b)


def _seg_key(segment) -> tuple:
    """Return the hashable cache key of a segment (anything segments.parse reads); SegmentError when malformed."""
    return segments.parse(segment).key()


def _memo(store: Store, key: tuple, fn):
    """Return fn() memoised on the store for this version of the events: pages, KPIs and briefings share one computation.

    An import of events bumps their version, so a result is never stale; a check-in or a roadmap
    edit leaves it in place.
    """
    return store.memo(("growth", *key), fn, areas.reads("pm_core.growth"))
