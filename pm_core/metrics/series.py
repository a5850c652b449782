"""KPI series per month or quarter (sparklines, trends, OKR history, exports): the series layer of pm_core.metrics.

A KpiSpec names its series function here, or leaves it out and gets `value_series`: its value
function evaluated on every month (or quarter) with data, so a new KPI has a series without a
second dispatch anywhere. The functions below are the faster or differently-grouped forms some
KPIs need (one grouped query instead of one per period).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import pandas as pd

from ..formatting import as_number
from ..periods import ALL, Period, as_date, month, month_of, period_start, quarter_of
from ..settings import get_settings
from ..store import Store
from ..store import metrics_store as ms
from .context import Context, _activity_result, _ratio
from .values import RETENTION_WEEK, _cohort_fields, _funnel_months, _retention_result

SERIES_FREQS = ("month", "quarter")


class SeriesContext:
    """What the series of one frequency and segment share (settings, monthly activity, work items, an all-data Context).

    `memo` is the dict the service keeps per (frequency, segment) and data version, so the parts several
    KPIs' series read are fetched once.
    """

    def __init__(self, store: Store, freq: str, segment, memo: dict, today: dt.date):
        self.store, self.freq, self.segment, self._memo, self.today = store, freq, segment, memo, today

    def once(self, name: str, fn: Callable[[], Any]) -> Any:
        """Return fn() computed once per series memo under `name`."""
        if name not in self._memo:
            self._memo[name] = fn()
        return self._memo[name]

    @property
    def settings(self) -> dict:
        """Return the workspace settings (read once)."""
        return self.once("settings", lambda: get_settings(self.store))

    @property
    def ctx(self) -> Context:
        """Return a Context over all data for this segment, shared by the series of this memo."""
        return self.once("ctx", lambda: Context(self.store, ALL, self.segment, self.today))

    def trunc(self, d: dt.date) -> dt.date:
        """Return the start of the month or quarter holding d."""
        return period_start(d, self.freq)

    def period(self, start: dt.date) -> Period:
        """Return the month or quarter starting at `start`."""
        return month(start.year, start.month) if self.freq == "month" else quarter_of(start)


def frame(rows: list[tuple[dt.date, float | None]]) -> pd.DataFrame:
    """Return DataFrame(period_start, value) of the rows with a value (None and NaN left out)."""
    kept = [(d, as_number(v)) for d, v in rows if as_number(v) is not None]
    return pd.DataFrame({"period_start": [d for d, _ in kept], "value": [v for _, v in kept]},
                        columns=["period_start", "value"])


def over_periods(sc: SeriesContext, value: Callable, starts) -> pd.DataFrame:
    """Return the value function evaluated on the month or quarter of each date in `starts` (one row per period)."""
    out = []
    for start in sorted({sc.trunc(as_date(d)) for d in starts}):
        out.append((start, value(sc.ctx, sc.period(start))[0]))
    return frame(out)


def value_series(sc: SeriesContext, spec) -> pd.DataFrame:
    """Return the generic series of a spec: its value on every month (quarter) with any data; monthly KPIs per activity month.

    For a quarter a monthly KPI takes the quarter's latest month with events, as compute_kpis does.
    """
    if spec.monthly:
        return monthly_series(sc, spec)
    return over_periods(sc, spec.value, sc.once("data_months", lambda: ms.data_months(sc.store)))


def monthly_series(sc: SeriesContext, spec) -> pd.DataFrame:
    """Return a monthly KPI's value for every month with events (the latest month of each quarter by quarter)."""
    act = sc.once("activity", lambda: ms.monthly_activity(sc.store, None, None, sc.settings["feature_event"], sc.segment,
                                                          zone=sc.settings["time_zone"]))
    if act.empty:
        return frame([])
    ctx = sc.ctx
    rows = {r["month"]: r for r in act.to_dict("records")}
    ctx._memo["activity"] = _activity_result(rows=rows)
    vals = [(sc.trunc(m), spec.value(ctx, month_of(m))[0]) for m in sorted(rows)]
    if sc.freq == "quarter":  # the latest month of each quarter, as compute_kpis reports it
        vals = list({q: v for q, v in vals}.items())
    return frame(vals)


def empty_series(sc: SeriesContext, spec) -> pd.DataFrame:
    """Return an empty series (a KPI not tied to time, e.g. ROI)."""
    return frame([])


def survey_series(sc: SeriesContext, spec) -> pd.DataFrame:
    """Return CSAT (share of 4-5) or NPS (promoters minus detractors, in points) per period from one grouped query."""
    seg = sc.ctx.survey_segment(spec.key)  # the segment when these responses carry its properties, else everyone
    df = ms.survey_by(sc.store, spec.key, sc.freq, seg)
    if spec.key == "csat":
        return frame([(as_date(r.period_start), _ratio(r.hi, r.scored)) for r in df.itertuples()])
    return frame([(as_date(r.period_start), _ratio((r.promoters - r.detractors) * 100.0, r.scored)) for r in df.itertuples()])


def task_success_series(sc: SeriesContext, spec) -> pd.DataFrame:
    """Return successes / attempts per period; the task-completion survey's yes share when there are no task events."""
    a, s = sc.settings["task_attempt_event"], sc.settings["task_success_event"]
    unset = sc.ctx.unset_events("task_attempt_event", "task_success_event")
    df = None if unset else ms.event_counts_by(sc.store, [a, s], sc.freq, sc.segment)
    if df is None or not (df["event"] == a).any():  # unset or no task events: the survey answers, as compute_kpis falls back
        tasks = ms.survey_by(sc.store, "task", sc.freq)
        return frame([(as_date(r.period_start), _ratio(r.yes, r.scored)) for r in tasks.itertuples()])
    wide = df.pivot_table(index="period_start", columns="event", values="n", aggfunc="sum", fill_value=0)
    return frame([(as_date(i), _ratio(r.get(s, 0), r.get(a, 0))) for i, r in wide.iterrows()])


def work_series(sc: SeriesContext, spec) -> pd.DataFrame:
    """Return cycle time (median days), on-time rate or bug rate per period from one grouped work-items query."""
    df = sc.once(f"work:{sc.freq}", lambda: ms.work_items_by(sc.store, sc.freq))
    out = []
    for r in df.itertuples():
        if spec.key == "cycle_time_days":
            v = r.median if (as_number(r.resolved_n) or 0) > 0 else None
        elif spec.key == "on_time_rate":
            v = _ratio(r.on_time, r.due)
        else:
            v = _ratio(r.bugs, r.created_n)
        out.append((as_date(r.period_start), v))
    return frame(out)


def conversion_series(sc: SeriesContext, spec) -> pd.DataFrame:
    """Return conversion per period over the months with funnel starters (empty when the start event never occurs)."""
    if sc.ctx.unset_events("funnel_start_event", "funnel_goal_event") or sc.ctx.missing_event("funnel_start_event"):
        return frame([])
    return over_periods(sc, spec.value, _funnel_months(sc.ctx))


def retention_series(sc: SeriesContext, spec) -> pd.DataFrame:
    """Return week-4 retention per period, weighting the weekly cohorts that start in it and are old enough."""
    res = _retention_result(sc.ctx)
    groups: dict[dt.date, list[int]] = {}
    for start, size, ret in (_cohort_fields(c) for c in res.cohorts):
        if ret.get(RETENTION_WEEK) is None:
            continue
        g = groups.setdefault(sc.trunc(start), [0, 0])
        g[0] += size
        g[1] += ret[RETENTION_WEEK]
    return frame([(d, _ratio(k, n)) for d, (n, k) in sorted(groups.items())])


def metric_points_series(setting: str):
    """Return a series function evaluating the value on every period with points of the metric series named by `setting`."""
    def series(sc: SeriesContext, spec) -> pd.DataFrame:
        points, _ = sc.ctx.series(setting)
        if not points:
            return frame([])
        return over_periods(sc, spec.value, points)
    return series
