"""What one KPI computation reads, fetched lazily and at most once: the Context layer of pm_core.metrics.

KpiResult (what a KPI returns), the Context over one period and segment (event overview, monthly
activity, surveys, work items, metric series) and the small helpers every value function shares.
Imports only the store, settings, periods, segments and formatting: values and series build on it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Callable

import pandas as pd
from pydantic import BaseModel

from .. import segments
from ..formatting import as_number
from ..periods import ALL, Headline, Period, add_months, headline, month, to_local, utc_start
from ..segments import Segment
from ..settings import get_settings, unset_note
from ..store import Store
from ..store import metrics_store as ms

# One value function returns (value or None, note or None, extra facts shown beside it).
Computed = tuple[float | None, str | None, dict]


class KpiResult(BaseModel):
    """One KPI for one period: value (None when the data cannot support it), previous value, words and why."""

    key: str
    pillar: str
    label: str
    value: float | None
    previous: float | None
    unit: str
    definition: str
    source: str
    note: str | None
    period: str
    extra: dict = {}

    def as_contract(self) -> dict:
        """Return the CLI contract's view of the result (value, previous, unit, definition, note)."""
        return {"value": self.value, "previous": self.previous, "unit": self.unit,
                "definition": self.definition, "note": self.note}




def _ratio(num: float | None, den: float | None) -> float | None:
    num, den = as_number(num), as_number(den)  # also turns pandas' NA (outer joins) into None
    if num is None or den is None or den == 0:
        return None
    return num / den


def _where(p: Period | None) -> str:
    if p is None or p.is_all:
        return "in the data"
    return f"in {p.describe()}"


def _join(*parts: str | None) -> str | None:
    kept = [p for p in parts if p]
    # later parts start new sentences; the first stays as written so it reads after "not enough data:"
    kept = kept[:1] + [p[:1].upper() + p[1:] for p in kept[1:]]
    return " ".join(kept) if kept else None



def clean_segment(segment) -> Segment | None:
    """Return the Segment of anything pm_core.segments.parse reads (None for everyone); SegmentError when malformed."""
    return segments.parse(segment) or None


def segment_key(segment) -> tuple:
    """Return the hashable cache key of a segment (() for everyone)."""
    return segments.parse(segment).key()


class Context:
    """Everything one compute_kpis call needs, fetched lazily and at most once."""

    def __init__(self, store: Store, period: Period, segment, today: dt.date, src=None):
        self.store = store
        self.src = src if src is not None else store  # an open cursor reused for the many small reads
        self.period = period
        self.segment: Segment | None = clean_segment(segment)
        self.today = today
        self.settings = get_settings(store)
        self.zone = self.settings["time_zone"]
        self.prev_period = period.previous()
        # Periods whose counts are fetched together, one query per table: this, the previous, and all.
        self.prefetch = [period] + ([self.prev_period] if self.prev_period else []) + ([] if period.is_all else [ALL])
        self._memo: dict[str, Any] = {}

    def everyone(self) -> "Context":
        """Return the same computation over every segment (for a KPI whose source is not split by this segment)."""
        if self.segment is None:
            return self
        return self.memo("everyone", lambda: Context(self.store, self.period, None, self.today, src=self.src))

    def memo(self, name: str, fn: Callable[[], Any]) -> Any:
        """Return fn() computed once per Context under `name`."""
        if name not in self._memo:
            self._memo[name] = fn()
        return self._memo[name]

    # -- ranges ---------------------------------------------------------------------------
    def rng(self, p: Period | None) -> tuple[dt.datetime | None, dt.datetime | None]:
        """Return the period as half-open [start, end) naive UTC datetimes of its days in the workspace zone; (None, None) for 'all'."""
        if p is None or p.is_all:
            return None, None
        return utc_start(p.start, self.zone), utc_start(p.end, self.zone)

    def _utc(self, d: dt.date | None) -> dt.datetime | None:
        return None if d is None else utc_start(d, self.zone)

    def batch(self, kind: str, p: Period, fetch: Callable[[list], list]) -> Any:
        """Return fetch's result for period p, fetching all prefetch periods in one query when p is one of them."""
        labels = [q.label for q in self.prefetch]
        if p.label in labels:
            return self.memo(kind, lambda: fetch([self.rng(q) for q in self.prefetch]))[labels.index(p.label)]
        return self.memo(f"{kind}:{p.label}", lambda: fetch([self.rng(p)]))[0]

    def _overview(self, ranges: list) -> list[dict]:
        df = ms.event_overview(self.src, ranges, self.segment)
        return [dict(zip(df["event"], df[f"n{i}"].astype(int))) for i in range(len(ranges))] + [df]

    def event_counts(self, names: list[str], p: Period) -> dict[str, int]:
        """Return {event name: events in period p} for the names (0 for a name without events)."""
        got = self.batch("overview", p, self._overview)
        return {n: int(got.get(n, 0)) for n in names}

    @property
    def overview_df(self) -> pd.DataFrame:
        """Return the per-event overview (first, last, total, counts per prefetched period) for the segment."""
        labels = [q.label for q in self.prefetch]
        self.batch("overview", self.prefetch[0], self._overview)
        return self._memo["overview"][len(labels)]

    @property
    def bounds(self):
        """Return (first, last) event time for the segment as wall-clock time in the workspace zone; (None, None) without events."""
        df = self.overview_df
        if df.empty:
            return None, None
        return (to_local(df["first"].min().to_pydatetime(), self.zone),
                to_local(df["last"].max().to_pydatetime(), self.zone))

    def headline(self, p: Period | None = None) -> Headline | None:
        """Return the month monthly KPIs report for period p (the context's by default): periods.headline over the
        days of p that have events; an explicit month is reported as itself (partial or not)."""
        first, last = self.bounds
        p = p or self.period
        if last is None:
            return None
        lo, hi = first.date(), last.date()
        if not p.is_all:
            lo, hi = max(lo, p.start), min(hi, p.end - dt.timedelta(days=1))
            if hi < lo:
                return None
        return headline(lo, hi)

    def survey_segment(self, scale: str) -> Segment | None:
        """Return the segment as one survey scale's responses spell their properties (None: everyone, or a segment
        those responses cannot be filtered by, which survey_split says)."""
        if self.segment is None:
            return None
        keys = self.memo("survey_keys", lambda: ms.survey_property_keys(self.src))
        return segments.for_source(self.segment, keys.get(scale, []))

    def survey_split(self, scale: str) -> bool:
        """Return True when the segment applies to a scale's responses (every property it names is one of their columns)."""
        return self.segment is None or self.survey_segment(scale) is not None

    def surveys(self, scale: str, p: Period) -> dict[str, int]:
        """Return the survey counts (rows, scored, hi, promoters, ...) of a scale in period p (zeros without answers),
        for the segment when those responses carry its properties (a Platform column), else for every response."""
        seg = self.survey_segment(scale)

        def fetch(ranges):
            got = ms.survey_stats(self.src, ranges, seg, scale if seg else None)
            zero = dict.fromkeys(ms._SURVEY_KEYS, 0)
            return [got[scale][i] if scale in got else zero for i in range(len(ranges))]
        return self.batch(f"survey:{scale}" if seg is None else f"survey:{scale}:segment", p, fetch)

    def work(self, p: Period) -> dict:
        """Return the work-item counts (resolved, median, due, on time, bugs...) of period p."""
        return self.batch("work", p, lambda ranges: ms.work_stats(self.src, ranges))

    # -- monthly activity -------------------------------------------------------------------
    def _activity(self) -> dict:
        """Return {'ref': month Period|None, 'prev': Period|None, 'rows': {month start: row dict}, 'why': str, ...}.

        One rule (periods.headline): the month reported is the latest month the data covers whole
        (inside the period, for a quarter, year or range); a month the data ends inside is reported
        beside it to date ('partial'), against the same first days of the month before. A month
        chosen explicitly is reported as itself, and when partial it is compared like for like.
        """
        first, last = self.bounds
        p = self.period
        if last is None:
            return _activity_result(why="no events" + (" in this segment" if self.segment else "") + " in the data.")
        h = None
        if p.kind == "custom":
            return self._range_activity(p, last.date())
        if p.kind == "month":
            ref = p
        else:
            h = self.headline(p)
            if h is None:
                return _activity_result(why=f"no events{' in this segment' if self.segment else ''} in {p.describe()}.")
            ref = h.month
        year_before = self.period.compare == "year"
        prev = month(ref.start.year - 1, ref.start.month) if year_before else ref.previous()
        lo = add_months(ref.start if year_before else prev.start, -1)
        hi = h.partial.end if h is not None and h.partial is not None else ref.end
        # The first month only supplies the users that the next month's churn is measured against.
        df = ms.monthly_activity(self.src, self._utc(add_months(lo, 1)), self._utc(hi), self.settings["feature_event"],
                                 self.segment, lead_start=self._utc(lo), zone=self.zone)
        rows = {r["month"]: r for r in df.to_dict("records")}
        if year_before:  # the same month a year before: its rows (and the month before it, for churn) on their own
            yr = ms.monthly_activity(self.src, self._utc(prev.start), self._utc(prev.end), self.settings["feature_event"],
                                     self.segment, lead_start=self._utc(add_months(prev.start, -1)), zone=self.zone)
            rows |= {r["month"]: r for r in yr.to_dict("records")}
        out = _activity_result(ref, prev, rows)
        out["headline"] = h
        day = last.date()
        if ref.start <= day < ref.end - dt.timedelta(days=1):
            # The data stops part-way through the month (an export taken mid-month, or the month is
            # still running): its users, churn and stickiness are compared with the same first days
            # of the month before, never a partial month against a whole one.
            days = (day - ref.start).days + 1
            out["prev_to_date"], out["days"] = self._to_date(prev, days), days
        elif h is not None and h.partial is not None:
            # The headline month is whole; the month after it, which the data ends inside, is shown
            # to date beside it, against the same first days of the headline month.
            out["partial"], out["partial_days"] = h.partial, h.partial_days
            out["partial_prev"] = self._to_date(ref, h.partial_days)
        return out

    def _range_row(self, r: Period, before: dt.date | None = None) -> dict:
        """Return the activity row of a date range, churn measured against the days from `before` to its start
        (by default the same number of days just before it)."""
        before = before or r.start - (r.end - r.start)
        return ms.range_activity(self.src, self._utc(r.start), self._utc(r.end), self._utc(before),
                                 (r.start, r.end, before), self.settings["feature_event"], self.segment, zone=self.zone)

    def _range_activity(self, p: Period, last_day: dt.date) -> dict:
        """Return the activity memo of a custom or rolling range: the range itself is reported (its active users,
        daily users, churn against the days just before it), compared with the range it is compared with; when the
        data ends inside the range, that range is cut to the same number of days (like for like)."""
        prev = p.previous()
        out = _activity_result(p, prev, {p.start: self._range_row(p)})
        if prev is not None:
            if p.start <= last_day < p.end - dt.timedelta(days=1):
                days = (last_day - p.start).days + 1
                cut = dataclasses.replace(prev, end=min(prev.start + dt.timedelta(days=days), prev.end))
                # churn of the cut range is still measured against the whole range before prev, as the range's is
                out["prev_to_date"], out["days"] = self._range_row(cut, prev.start - (prev.end - prev.start)), days
            out["rows"][prev.start] = self._range_row(prev)
        return out

    def _to_date(self, m: Period, days: int) -> dict | None:
        """Return the monthly-activity row of month m cut to its first `days` days (None without events)."""
        cut = min(m.start + dt.timedelta(days=days), m.end)
        part = ms.monthly_activity(self.src, self._utc(m.start), self._utc(cut), self.settings["feature_event"],
                                   self.segment, lead_start=self._utc(add_months(m.start, -1)), zone=self.zone)
        return {r["month"]: r for r in part.to_dict("records")}.get(m.start)

    @property
    def activity(self) -> dict:
        """Return the monthly-activity memo (months to report, their rows, the month-to-date row before)."""
        return self.memo("activity", self._activity)

    def month_note(self, ref: Period) -> str | None:
        """Say which month a monthly KPI covers when that is not obvious, and whether it is partial."""
        parts = []
        h = self.activity.get("headline")
        where = "the data" if self.period.is_all else self.period.describe()
        if h is not None and h.complete:
            parts.append(f"{ref.describe()}, the latest complete month of {where}.")
        elif h is not None:
            parts.append(f"{ref.describe()}, the only month of {where} with events (it is not complete).")
        last = self.bounds[1]
        if ref.kind == "custom":
            parts.append(f"Users active in {ref.describe()}.")
            if last is not None and ref.start <= last.date() < ref.end - dt.timedelta(days=1):
                parts.append(f"Partial range: events end {last.date():%d %b %Y}.")
        elif last is not None and ref.start <= last.date() < ref.end - dt.timedelta(days=1):
            parts.append(f"Partial month: events end {last.date():%d %b %Y}.")
        return " ".join(parts) or None

    # -- events-wide facts --------------------------------------------------------------------
    def event_totals(self) -> dict[str, int]:
        """Return {event name: all its events} for the segment."""
        df = self.overview_df
        return dict(zip(df["event"], df["total"].astype(int)))

    def unset_events(self, *settings: str) -> str | None:
        """Return the 'not set: choose ... in Settings → ...' note when any of these event settings is empty, else None."""
        return unset_note(self.settings, *settings)

    def missing_event(self, setting: str) -> str | None:
        """Return a note when the configured event never occurs at all (a setting problem, not a zero)."""
        name = self.settings[setting]
        if self.event_totals().get(name, 0) == 0:
            return f"no '{name}' events in the data{' for this segment' if self.segment else ''}; check the '{setting}' setting."
        return None

    # -- metric series --------------------------------------------------------------------------
    def series(self, setting: str, points: bool = False) -> tuple[Any, str | None]:
        """Return ({date: summed value}, note) of a metric series named by a setting (or its raw points when points=True)."""
        names = [self.settings[k] for k in ("revenue_metric", "market_size_metric", "stakeholder_metric")]
        raw = self.memo("series", lambda: ms.metric_series_many(self.src, names))
        name = self.settings[setting]
        pts, note = self.memo(f"series:{name}", lambda: _series_points(raw[name], self.segment))
        return (pts, note) if points else (self.memo(f"sum:{name}", lambda: _sum_by_date(pts)), note)


def _series_points(df: pd.DataFrame, segment: Segment | None) -> tuple[list[tuple[dt.date, float]], str | None]:
    """Return ([(date, value)], note): the segment's rows when the series is split by it, else the total rows (or all rows when it has none).

    A series row's segment is a value ('iOS') or 'property=value'; an 'is not' condition never
    matches a row, so the totals are shown with the note.
    """
    rows = [(d, float(v), (str(sg).strip() if sg is not None and not pd.isna(sg) else ""))
            for d, v, sg in zip(df["date"], df["value"], df["segment"])]
    note = None
    if segment and rows:
        plain = [c for c in segment.conditions if not c.negate]
        wanted = {v for c in plain for v in c.values} | {f"{c.key}={v}" for c in plain for v in c.values}
        hit = [r for r in rows if r[2] in wanted]
        if hit:
            rows, note = hit, None
        else:
            note = f"metric series are not split by {', '.join(sorted(c.key for c in segment.conditions))}: totals shown."
    if rows and not (segment and note is None):
        totals = [r for r in rows if r[2] == ""]
        rows = totals or rows  # no total rows: the segments add up to the total
    return [(d, v) for d, v, _ in sorted(rows, key=lambda r: r[0])], note


def _sum_by_date(points: list[tuple[dt.date, float]]) -> dict[dt.date, float]:
    out: dict[dt.date, float] = {}
    for d, v in points:
        out[d] = out.get(d, 0.0) + v
    return out


def _in(series: dict[dt.date, float], p: Period | None) -> dict[dt.date, float]:
    if p is None or p.is_all:
        return series
    return {d: v for d, v in series.items() if p.start <= d < p.end}


def _activity_result(ref: Period | None = None, prev: Period | None = None, rows: dict | None = None,
                     why: str | None = None) -> dict:
    """Return the monthly-activity memo: months to report, their rows, and (set later) the month-to-date
    row of the month before (prev_to_date) with its length in days, when the data stops part-way; or, when
    the reported month is whole and the data ends inside the next one, that month (partial), its days and
    the reported month cut to the same days (partial_prev)."""
    return {"ref": ref, "prev": prev, "rows": rows or {}, "why": why, "prev_to_date": None, "days": None,
            "headline": None, "partial": None, "partial_days": None, "partial_prev": None}

