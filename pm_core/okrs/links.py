"""Key results linked to data: the value of a KPI or an event count for a period, and how a link is described."""
from __future__ import annotations

import datetime as dt
import math

from .. import ai, growth, metrics
from ..kpi_defs import KPI_BY_KEY
from ..periods import Period
from ..store import Store
from ..store import okrs_store as db
from .models import link_text, parse_link, parse_segment  # noqa: F401  (link_text, parse_link: part of the link vocabulary)
from .periods import _as_of, resolve_period


def linked_value(store: Store, kpi: str | None, event_name: str | None, window_days: int | None,
                 segment: str | None, period: Period, today: dt.date | None = None) -> tuple[float | None, str | None]:
    """Return (value, note) of a KR's linked data for a period; value None with the reason when the data cannot say."""
    value, note, _ = _linked(store, kpi, event_name, window_days, segment, period, today or dt.date.today())
    return value, note


def _linked(store: Store, kpi: str | None, event_name: str | None, window_days: int | None, segment: str | None,
            period: Period, today: dt.date) -> tuple[float | None, str | None, dt.date]:
    """Return (value, note, the day the value describes) for a linked KR."""
    seg = parse_segment(segment)
    as_of = _as_of(period, today)
    if kpi and kpi.startswith("ai:"):  # the feature's latest evaluation (issue 18)
        value, note = ai.metric_value(store, kpi)
        return value, note, as_of
    if kpi:
        # a custom OKR period (a half, a sprint) is its date range for the KPIs: they compute any range
        label = period.label if period.kind != "custom" else f"{period.start}..{period.end - dt.timedelta(days=1)}"
        res = metrics.compute_kpi(store, kpi, period=label, segment=seg)
        value = res.value
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None, res.note or f"no value for {kpi} in {period.label}", as_of
        return float(value), res.note, as_of
    if event_name:
        last_day = db.last_event_day(store)
        if last_day is None:
            return None, "not enough data: no events imported yet", as_of
        end_day = min(as_of, last_day)
        if end_day < period.start:
            return None, f"not enough data: no events in {period.label} yet (last event {last_day})", as_of
        start_day = end_day - dt.timedelta(days=window_days - 1)
        first_day = db.first_event_day(store)
        if first_day is not None and first_day > start_day:
            return None, (f"not enough data: the {window_days}-day window {start_day} – {end_day} starts before "
                          f"the first event ({first_day})"), as_of
        n = db.event_count(store, event_name, start_day, end_day + dt.timedelta(days=1), seg)
        return float(n), f"{window_days} days {start_day} – {end_day}", end_day
    return None, None, as_of


def previous_period_value(store: Store, period: str, link: str | None, segment: str | None = None,
                          today: dt.date | None = None) -> tuple[float | None, str]:
    """Return (value, words) of a link's data for the period before `period` — a baseline suggestion; None when unknown."""
    try:
        parts = parse_link(link)
        seg_ok = parse_segment(segment)  # noqa: F841  (validates before any query)
    except ValueError as exc:
        return None, str(exc)
    if not (parts["kpi"] or parts["event_name"]):
        return None, "a manual key result has no data to take a baseline from"
    prev = resolve_period(store, period).previous()
    if prev is None:
        return None, f"{period} has no previous period of the same kind"
    value, note = linked_value(store, parts["kpi"], parts["event_name"], parts["window_days"], segment, prev, today)
    if value is None:
        return None, f"no value for {prev.label}: {note}"
    return value, f"value for {prev.label}" + (f" ({note})" if note else "")


def _source_definition(kpi: str | None, event_name: str | None, window_days: int | None, segment: str | None) -> str | None:
    seg = f" Segment: {segment}." if segment else ""
    if kpi and kpi.startswith("ai:"):
        return f"AI metric {kpi[3:]}: from the feature's latest evaluation at its agreed threshold.{seg}"
    if kpi:
        d = KPI_BY_KEY[kpi]
        return f"{d.label}: {d.definition}{seg}"
    if event_name:
        return (f"Count of '{event_name}' events in the {window_days} days ending on the last day with data "
                f"inside the period (UTC).{seg}")
    return None


def _short_name(title: str, kpi: str | None, event_name: str | None) -> str:
    # The subject of a headline ("Conversion rate is off track: ..."): the KPI's own label, never its key.
    if kpi and kpi in KPI_BY_KEY:
        return KPI_BY_KEY[kpi].label
    if event_name:
        return f"'{event_name.replace('_', ' ')}' events"
    if len(title) <= 40:
        return f"'{title}'"
    return "'" + title[:40].rsplit(" ", 1)[0] + "…'"


def default_event(store: Store) -> str:
    """Return the event a new event-count key result starts from: the workspace's most frequent event ('' without events)."""
    names = growth.event_names(store)
    return names[0] if names else ""

