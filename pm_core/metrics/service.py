"""compute_kpis, compute_kpi, kpi_series and all_kpi_series over the KPI registry: the service layer of pm_core.metrics.

Periods: a month or a quarter (or year). Monthly KPIs (mau, dau, stickiness, churn,
feature_adoption and CLV, which uses monthly churn) refer to one calendar month: the month itself,
the latest month with events inside a quarter or year, and for 'all' the latest month in the data.
Every other KPI covers the period's rows; 'all' covers every row, including rows without a date.
Segments are anything pm_core.segments.parse reads ('platform=iOS|Android,country!=PT', a dict, a Segment).
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from ..formatting import as_number
from ..periods import Headline, parse_period, today_in
from ..settings import get_setting
from ..store import Store, areas
from .context import Context, KpiResult, _join, clean_segment, segment_key
from .defs import PILLARS
from .series import SERIES_FREQS, SeriesContext
from .specs import SPECS, registry_key, spec


def _compute(ctx: Context, key: str) -> KpiResult:
    """Return one KPI for the context's period: value, previous value (like for like), the period it covers and notes."""
    sp = spec(key)
    d = sp.definition
    extra: dict = {}
    if sp.monthly:
        a = ctx.activity
        ref, prev = a["ref"], a["prev"]
        value, note, extra = sp.value(ctx, ref)
        days = a["days"] if sp.like_for_like else None
        if prev is not None and days:
            previous = sp.value(ctx, prev, to_date=True)[0]
        else:
            previous = sp.value(ctx, prev)[0] if prev is not None else None
        covers = ref.label if ref else ctx.period.label
        if value is not None and ref is not None:
            note = _join(ctx.month_note(ref), note)
        if a.get("partial") is not None and sp.like_for_like:
            # the month the data ends inside, to date, against the same days of the reported month
            part = a["partial"]
            extra = extra | {"to_date_period": part.label, "to_date_days": a["partial_days"],
                             "to_date_value": as_number(sp.value(ctx, part)[0]),
                             "to_date_previous": as_number(sp.value(ctx, ref, row=a["partial_prev"])[0])
                             if a["partial_prev"] else None}
        if prev is not None:
            extra = extra | {"previous_period": prev.label}
            if days:
                extra = extra | {"previous_days": days}
                if value is not None:
                    note = _join(note, f"Compared with the first {days} days of {prev.describe()} (like for like).")
    else:
        value, note, extra = sp.value(ctx, ctx.period)
        covers = extra.pop("covers", ctx.period.label)
        previous = None
        if ctx.prev_period is not None and sp.compare_previous:
            previous = sp.value(ctx, ctx.prev_period)[0]
            extra = extra | {"previous_period": ctx.prev_period.label}
        elif ctx.period.is_all and sp.previous_of_covers and value is not None:
            m = parse_period(covers).previous()
            previous = sp.value(ctx, m)[0]
            extra = extra | {"previous_period": m.label}
    value, previous = as_number(value), as_number(previous)
    if ctx.segment is not None:
        # the card says whether the segment applies: 'segment' (its words) or 'all segments'
        everyone = not sp.segmented or extra.pop("all_segments", False)
        extra = extra | {"segment": "all segments" if everyone else ctx.segment.describe()}
    else:
        extra.pop("all_segments", None)
    elapsed = parse_period(covers).fraction_elapsed(ctx.today)
    if elapsed is not None and 0 < elapsed < 1:
        extra = extra | {"period_elapsed": round(elapsed, 3)}  # the period is still running on `today`
    if value is None and not note:
        note = "not enough data."
    return KpiResult(key=key, pillar=d.pillar, label=d.label, value=value, previous=previous, unit=d.unit,
                     definition=d.definition, source=d.source, note=note, period=covers,
                     extra={k: (as_number(v) if isinstance(v, float) else v) for k, v in extra.items()})


def _today(today: dt.date | None, store: Store | None = None) -> dt.date:
    if today is not None:
        return today
    return today_in(get_setting(store, "time_zone")) if store is not None else dt.datetime.now(dt.timezone.utc).date()


def compute_kpis(store: Store, period: str = "all", segment=None,
                 today: dt.date | None = None, compare: str | None = None) -> dict[str, dict[str, KpiResult]]:
    """Return pillar -> key -> KpiResult for every registered KPI (the sixteen plus dau and stickiness under growth).

    period: anything periods.parse_period reads, rolling ranges resolved on `today` (the workspace
    zone's date by default); compare: 'previous' (default) or 'year'. Raises PeriodError for a period
    it cannot read and SegmentError for a malformed segment; a KPI without data is None with a note.
    """
    day = _today(today, store)
    p = parse_period(period, today=day, compare=compare)
    seg = clean_segment(segment)

    def compute() -> dict[str, dict[str, KpiResult]]:
        cur = store.cursor()
        try:
            ctx = Context(store, p, seg, day, src=cur)
            out: dict[str, dict[str, KpiResult]] = {pillar: {} for pillar in PILLARS}
            for sp in list(SPECS.values()):
                out[sp.definition.pillar][sp.key] = _compute(ctx, sp.key)
        finally:
            cur.close()
        return out
    # The page, briefings and linked key results share one computation per version of the KPIs'
    # inputs: a check-in (okrs) does not recompute them.
    res = store.memo(("compute_kpis", p.label, p.compare, segment_key(seg), day, registry_key()), compute,
                     areas.reads(compute_kpis))
    return {pillar: {k: r.model_copy(deep=True) for k, r in byk.items()} for pillar, byk in res.items()}


def compute_kpi(store: Store, key: str, period: str = "all", segment=None, compare: str | None = None) -> KpiResult:
    """Return one KPI for one period (what an OKR key result links to); unknown keys raise KeyError."""
    spec(key)
    day = _today(None, store)
    p = parse_period(period, today=day, compare=compare)
    seg = clean_segment(segment)

    def compute() -> KpiResult:
        cur = store.cursor()
        try:
            return _compute(Context(store, p, seg, day, src=cur), key)
        finally:
            cur.close()
    res = store.memo(("compute_kpi", key, p.label, p.compare, segment_key(seg), day, registry_key()), compute,
                     areas.reads(compute_kpi))
    return res.model_copy(deep=True)


def headline(store: Store, period: str = "all", segment=None) -> Headline | None:
    """Return the month monthly headlines report for a period and segment (periods.headline over the events in the
    workspace zone): what Overview, Growth, Stakeholder views and exports show; None without events."""
    def compute():
        cur = store.cursor()
        try:
            return Context(store, parse_period(period, today=_today(None, store)), clean_segment(segment),
                           _today(None, store), src=cur).headline()
        finally:
            cur.close()
    return store.memo(("kpi_headline", str(period), segment_key(segment)), compute, areas.reads(compute_kpis))


def _cached_series(store: Store, key: str, freq: str, segment) -> pd.DataFrame:
    """Return one KPI series memoised on the store for this version of the KPIs' inputs.

    Outcome checks and briefings ask for the same series many times (one per initiative and KPI);
    the parts several series share (monthly activity, work items) are memoised with them. A write
    to what KPIs read starts afresh, so a result is never stale; a check-in leaves them in place.
    """
    deps = areas.reads(compute_kpis)
    seg = segment_key(segment)
    sp = spec(key)
    parts = store.memo(("kpi_series_parts", freq, seg), dict, deps)
    series = store.memo(("kpi_series", key, freq, seg, registry_key()),
                        lambda: sp.series_of(SeriesContext(store, freq, segment, parts, _today(None, store))), deps)
    return series.copy()  # callers may add columns; the memo stays as computed


def _check_freq(freq: str) -> None:
    if freq not in SERIES_FREQS:
        raise ValueError(f"freq must be one of {SERIES_FREQS}, got {freq!r}")


def all_kpi_series(store: Store, freq: str = "month", segment=None) -> dict[str, pd.DataFrame]:
    """Return key -> DataFrame(period_start, value) for every KPI; periods where a KPI has no value are left out.

    Monthly KPIs by quarter take the quarter's latest month with events (as compute_kpis does); ROI is
    not time-based and comes back empty.
    """
    _check_freq(freq)
    seg = clean_segment(segment)
    return {key: _cached_series(store, key, freq, seg) for key in list(SPECS)}


def kpi_series(store: Store, key: str, freq: str = "month", segment=None) -> pd.DataFrame:
    """Return DataFrame(period_start, value) of one KPI per month or quarter; empty for ROI or without data."""
    if key not in SPECS:
        raise KeyError(f"unknown KPI {key!r}")
    _check_freq(freq)
    return _cached_series(store, key, freq, clean_segment(segment))
