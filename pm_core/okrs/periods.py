"""OKR periods: standard labels (2026-Q3, 2026-07, 2026) and custom periods stored in the workspace."""
from __future__ import annotations

import datetime as dt

from .. import audit
from ..auth import Actor, require_editor
from ..periods import Period, PeriodError, custom, parse_period
from ..store import Store, utcnow
from ..store import okrs_store as db
from ..text import clean_text
from .models import OkrInputError


def resolve_period(store: Store, label: str) -> Period:
    """Return the Period for a quarter/month/year label or a custom period stored in the workspace; OkrInputError if unknown."""
    try:
        p = parse_period(label)
        if not p.is_all:
            return p
    except PeriodError:
        pass
    found = db.get_custom_period(store, label)
    if found is None:
        raise OkrInputError({"period": f"unknown period {label!r}: use a quarter (2026-Q3), a month (2026-07), "
                                       "a year (2026) or a custom period created first"})
    return custom(found[0], found[1], label=label)


def create_period(store: Store, actor: Actor, label: str, start: dt.date, end_inclusive: dt.date) -> str:
    """Create a custom OKR period and return its label; refuses reversed dates, a taken label or a standard label."""
    require_editor(actor)
    errors = {}
    try:
        label = clean_text(label, "period name", required=True, empty="give the period a name, e.g. 'H2 2026 launch'")
    except ValueError as exc:
        errors["label"], label = str(exc), ""
    if label:
        try:
            parse_period(label)
            errors["label"] = f"{label!r} already names a standard period; choose another name"
        except PeriodError:
            if db.get_custom_period(store, label) is not None:
                errors["label"] = f"a period called {label!r} already exists"
    if end_inclusive < start:
        errors["end"] = f"the period ends ({end_inclusive}) before it starts ({start})"
    if errors:
        raise OkrInputError(errors)
    with store.transaction("okrs") as cur:
        db.insert_period(cur, label, start, end_inclusive, actor.email, utcnow())
        audit.record(cur, actor, "create", "okr_period", label, label, f"{start} – {end_inclusive}")
    return label


def _period_sort_key(p: Period) -> tuple:
    return (p.start, p.end, p.label)


def okr_periods(store: Store) -> list[str]:
    """Return the labels of periods that have objectives or were created, oldest first."""
    labels = set(db.periods_in_use(store)) | {r["label"] for r in db.custom_periods(store)}
    periods = []
    for lab in labels:
        try:
            periods.append(resolve_period(store, lab))
        except OkrInputError:
            continue
    return [p.label for p in sorted(periods, key=_period_sort_key)]


def default_period(store: Store, today: dt.date | None = None) -> str:
    """Return the period to show first: the latest in-use period containing today, else the latest in use, else today's quarter."""
    today = today or dt.date.today()
    labels = okr_periods(store)
    in_use = set(db.periods_in_use(store))
    used = [lab for lab in labels if lab in in_use]
    containing = [lab for lab in used if resolve_period(store, lab).contains(today)]
    if containing:
        return containing[-1]
    if used:
        return used[-1]
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _as_of(period: Period, today: dt.date) -> dt.date:
    last = period.end - dt.timedelta(days=1)
    return max(period.start, min(today, last))
