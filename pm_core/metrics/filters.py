"""What pages and the CLI offer as filters: segment properties and values, periods with data; the filters layer of pm_core.metrics."""
from __future__ import annotations

from .. import segments
from ..periods import ROLLING, month_of, parse_period, quarter_of
from ..store import Store
from ..store import metrics_store as ms


def segment_options(store: Store, max_values: int = 50) -> dict[str, list[str]]:
    """Return event property -> its distinct values, for filters; properties with more than max_values values (ids) are left out."""
    keys = ms.property_keys(store)
    found = ms.property_values(store, keys[:12], max_values)
    # the demo story's usual filters first, then the rest by name
    first = [k for k in ("platform", "country", "device_type") if k in found]
    return {k: found[k] for k in first + sorted(k for k in found if k not in first)}


def event_sources(store: Store) -> list[str]:
    """Return the tools the workspace's events came from (['amplitude', 'mixpanel']); a source filter is offered when there are two or more."""
    return ms.event_sources(store)


def available_periods(store: Store) -> list[str]:
    """Return 'all' then the quarters and months with data, newest first (each quarter before its months)."""
    months = ms.data_months(store)
    out = ["all"]
    seen_q = set()
    for m in sorted(months, reverse=True):
        q = quarter_of(m)
        if q.label not in seen_q:
            seen_q.add(q.label)
            out.append(q.label)
        out.append(month_of(m).label)
    return out


def parse_segment(texts) -> dict[str, str] | None:
    """Return {property: value} for 'property=value' texts through pm_core.segments (None for none); SegmentError (a ValueError) when malformed.

    For callers that hold a plain dict: several values or 'is not' are refused here (segments.parse
    gives the full Segment, which every metrics function takes).
    """
    return segments.parse(texts).as_dict() or None


def range_choices(store: Store) -> list[str]:
    """Return what a range picker offers: 'all', the rolling ranges (periods.ROLLING), then the quarters and months
    with data, newest first; a custom range is typed or picked as dates on top of these."""
    periods = available_periods(store)
    return [periods[0], *ROLLING, *periods[1:]]


def range_words(text: str) -> str:
    """Return a picker choice in words: 'All data', 'Last 30 days', 'Q3 2026 (1 Jul – 30 Sep 2026)', 'November 2026'."""
    if text in ROLLING:
        return ROLLING[text]
    if text == "all":
        return "All data"
    return parse_period(text).describe()
