"""The sixteen KPIs of the four pillars (plus DAU and stickiness), computed from the canonical tables.

Words (labels, units, definitions, sources) come from `pm_core.kpi_defs`; the heavy lifting is SQL in
`pm_core.store.metrics_store`; retention and conversion come from `pm_core.growth` so every page
shows the same figure. A KPI the data cannot support is `value=None` with a note saying why.

Periods: a month or a quarter (or year). Monthly KPIs (mau, dau, stickiness, churn,
feature_adoption and CLV, which uses monthly churn) refer to one calendar month: the month itself,
the latest month with events inside a quarter or year, and for 'all' the latest month in the data.
Every other KPI covers the period's rows; 'all' covers every row, including rows without a date.
"""
from __future__ import annotations

import datetime as dt
import importlib
from typing import Any, Callable

import pandas as pd
from pydantic import BaseModel

from .formatting import as_number
from .kpi_defs import KPI_BY_KEY, KPI_DEFS, PILLARS
from .periods import ALL, Period, month, month_of, parse_period, quarter_of
from .settings import get_settings
from .store import Store, areas
from .store import metrics_store as ms

MONTHLY_KEYS = ("mau", "dau", "stickiness", "churn", "feature_adoption", "clv")
RETENTION_WEEK = 4
SERIES_FREQS = ("month", "quarter")


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


def _dt(d: dt.date | None) -> dt.datetime | None:
    return None if d is None else dt.datetime(d.year, d.month, d.day)


def _add_months(d: dt.date, n: int) -> dt.date:
    k = d.year * 12 + d.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)




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


class _Context:
    """Everything one compute_kpis call needs, fetched lazily and at most once."""

    def __init__(self, store: Store, period: Period, segment: dict[str, str] | None, today: dt.date, src=None):
        self.store = store
        self.src = src if src is not None else store  # an open cursor reused for the many small reads
        self.period = period
        self.segment = dict(segment) if segment else None
        self.today = today
        self.settings = get_settings(store)
        self.prev_period = period.previous()
        # Periods whose counts are fetched together, one query per table: this, the previous, and all.
        self.prefetch = [period] + ([self.prev_period] if self.prev_period else []) + ([] if period.is_all else [ALL])
        self._memo: dict[str, Any] = {}

    def memo(self, name: str, fn: Callable[[], Any]) -> Any:
        if name not in self._memo:
            self._memo[name] = fn()
        return self._memo[name]

    # -- ranges ---------------------------------------------------------------------------
    def rng(self, p: Period | None) -> tuple[dt.datetime | None, dt.datetime | None]:
        if p is None or p.is_all:
            return None, None
        return _dt(p.start), _dt(p.end)

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
        got = self.batch("overview", p, self._overview)
        return {n: int(got.get(n, 0)) for n in names}

    @property
    def overview_df(self) -> pd.DataFrame:
        labels = [q.label for q in self.prefetch]
        self.batch("overview", self.prefetch[0], self._overview)
        return self._memo["overview"][len(labels)]

    @property
    def bounds(self):
        df = self.overview_df
        if df.empty:
            return None, None
        return df["first"].min().to_pydatetime(), df["last"].max().to_pydatetime()

    def surveys(self, scale: str, p: Period) -> dict[str, int]:
        def fetch(ranges):
            got = ms.survey_stats(self.src, ranges)
            zero = dict.fromkeys(ms._SURVEY_KEYS, 0)
            return [got[scale][i] if scale in got else zero for i in range(len(ranges))]
        return self.batch(f"survey:{scale}", p, fetch)

    def work(self, p: Period) -> dict:
        return self.batch("work", p, lambda ranges: ms.work_stats(self.src, ranges))

    # -- monthly activity -------------------------------------------------------------------
    def _activity(self) -> dict:
        """Return {'ref': month Period|None, 'prev': Period|None, 'rows': {month start: row dict}, 'why': str}."""
        first, last = self.bounds
        p = self.period
        if last is None:
            return _activity_result(why="no events" + (" in this segment" if self.segment else "") + " in the data.")
        if p.is_all:
            lo = _add_months(last.date().replace(day=1), -2)
            hi = _add_months(last.date().replace(day=1), 1)
        else:
            prev = self.prev_period or p
            lo, hi = _add_months(prev.start, -1), p.end
        # The first month only supplies the users that the next month's churn is measured against.
        df = ms.monthly_activity(self.src, _dt(_add_months(lo, 1)), _dt(hi), self.settings["feature_event"],
                                 self.segment, lead_start=_dt(lo))
        rows = {r["month"]: r for r in df.to_dict("records")}
        if p.is_all:
            ref = month_of(last.date())
            prev = ref.previous()
        elif p.kind == "month":
            ref, prev = p, p.previous()
        else:
            ref = self._latest_month_in(p, rows) or month_of(p.end - dt.timedelta(days=1))
            prev = self._latest_month_in(self.prev_period, rows) if self.prev_period else None
            prev = prev or (month_of(self.prev_period.end - dt.timedelta(days=1)) if self.prev_period else None)
        out = _activity_result(ref, prev, rows)
        day = last.date()
        if prev is not None and ref.start <= day < ref.end - dt.timedelta(days=1):
            # The data stops part-way through the month (an export taken mid-month, or the month is
            # still running): its users, churn and stickiness are compared with the same first days
            # of the month before, never a partial month against a whole one.
            days = (day - ref.start).days + 1
            cut = min(prev.start + dt.timedelta(days=days), prev.end)
            part = ms.monthly_activity(self.src, _dt(prev.start), _dt(cut), self.settings["feature_event"],
                                       self.segment, lead_start=_dt(_add_months(prev.start, -1)))
            got = {r["month"]: r for r in part.to_dict("records")}
            out["prev_to_date"], out["days"] = got.get(prev.start), days
        return out

    @staticmethod
    def _latest_month_in(p: Period | None, rows: dict) -> Period | None:
        if p is None:
            return None
        inside = [m for m in rows if p.start <= m < p.end]
        return month_of(max(inside)) if inside else None

    @property
    def activity(self) -> dict:
        return self.memo("activity", self._activity)

    def month_note(self, ref: Period) -> str | None:
        """Say which month a monthly KPI covers when that is not obvious, and whether it is partial."""
        parts = []
        if self.period.is_all:
            parts.append(f"{ref.describe()}, the latest month in the data.")
        elif self.period.kind != "month":
            parts.append(f"{ref.describe()}, the latest month of {self.period.label} with events.")
        last = self.bounds[1]
        if last is not None and ref.start <= last.date() < ref.end - dt.timedelta(days=1):
            parts.append(f"Partial month: events end {last.date():%d %b %Y}.")
        return " ".join(parts) or None

    # -- events-wide facts --------------------------------------------------------------------
    def event_totals(self) -> dict[str, int]:
        df = self.overview_df
        return dict(zip(df["event"], df["total"].astype(int)))

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


def _series_points(df: pd.DataFrame, segment: dict[str, str] | None) -> tuple[list[tuple[dt.date, float]], str | None]:
    """Return ([(date, value)], note): the segment's rows when the series is split by it, else the total rows (or all rows when it has none)."""
    rows = [(d, float(v), (str(sg).strip() if sg is not None and not pd.isna(sg) else ""))
            for d, v, sg in zip(df["date"], df["value"], df["segment"])]
    note = None
    if segment and rows:
        wanted = {str(v) for v in segment.values()} | {f"{k}={v}" for k, v in segment.items()}
        hit = [r for r in rows if r[2] in wanted]
        if hit:
            rows, note = hit, None
        else:
            note = f"metric series are not split by {', '.join(sorted(segment))}: totals shown."
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


# -- one function per KPI: (ctx, period) -> (value, note, extra) -------------------------------
Computed = tuple[float | None, str | None, dict]


def _activity_result(ref: Period | None = None, prev: Period | None = None, rows: dict | None = None,
                     why: str | None = None) -> dict:
    """Return the monthly-activity memo: months to report, their rows, and (set later) the month-to-date
    row of the month before (prev_to_date) with its length in days, when the data stops part-way."""
    return {"ref": ref, "prev": prev, "rows": rows or {}, "why": why, "prev_to_date": None, "days": None}


def _monthly(ctx: _Context, which: str) -> tuple[Period | None, Period | None, dict]:
    a = ctx.activity
    return a["ref"], a["prev"], a["rows"]


def _month_value(ctx: _Context, key: str, m: Period | None, to_date: bool = False) -> Computed:
    a = ctx.activity
    if m is None:
        return None, a["why"] or "no month to report on", {}
    row = a["prev_to_date"] if to_date else a["rows"].get(m.start)
    if not row or not row.get("mau"):
        return None, f"no events{' in this segment' if ctx.segment else ''} in {m.describe()}.", {}
    mau, dau = float(row["mau"]), as_number(row["dau"])
    if key == "mau":
        return mau, None, {"days_with_events": int(row["days"])}
    if key == "dau":
        return dau, None, {"days_with_events": int(row["days"])}
    if key == "stickiness":
        return _ratio(dau, mau), None, {"dau": dau, "mau": mau}
    if key == "feature_adoption":
        missing = ctx.missing_event("feature_event")
        if missing:
            return None, missing, {}
        return _ratio(row["feature_users"], mau), None, {"users": int(row["feature_users"]), "active": int(mau)}
    if key == "churn":
        prev_active = as_number(row.get("prev_active"))
        if not prev_active:
            return None, f"no users active in {m.previous().describe()} to measure churn against.", {}
        return float(row["churned"]) / prev_active, None, {"churned": int(row["churned"]), "previous_active": int(prev_active)}
    raise KeyError(key)


def _clv(ctx: _Context, m: Period | None) -> Computed:
    churn, why, _ = _month_value(ctx, "churn", m)
    if churn is None:
        return None, why, {}
    mau, _, _ = _month_value(ctx, "mau", m)
    rev, seg_note = ctx.series("revenue_metric")
    rev_m = _in(rev, m)
    if not rev_m:
        return None, f"no '{ctx.settings['revenue_metric']}' metric points for {m.describe()}.", {}
    if churn == 0:
        return None, f"no churn in {m.describe()}, so lifetime value is unbounded.", {}
    arpu = sum(rev_m.values()) / mau
    gm = float(ctx.settings["gross_margin"])
    return arpu * gm / churn, seg_note, {"arpu": arpu, "gross_margin": gm, "churn": churn}


def _survey(ctx: _Context, scale: str, p: Period | None) -> Computed:
    c = ctx.surveys(scale, p)
    label = "CSAT" if scale == "csat" else "NPS"
    if c["scored"] == 0:
        if c["rows"]:
            return None, f"{c['rows']} {label} responses {_where(p)} but none has a score.", {}
        if p is not None and not p.is_all and ctx.surveys(scale, ALL)["undated"]:
            return None, f"no dated {label} survey responses {_where(p)}; undated responses count under 'all'.", {}
        return None, f"no {label} survey responses {_where(p)}.", {}
    n = c["scored"]
    extra = {"n": n}
    if scale == "csat":
        return c["hi"] / n, None, extra | {"satisfied": c["hi"]}
    return (c["promoters"] - c["detractors"]) / n * 100.0, None, extra | {"promoters": c["promoters"], "detractors": c["detractors"]}


def _task_success(ctx: _Context, p: Period | None) -> Computed:
    missing = ctx.missing_event("task_attempt_event")
    if missing:
        # no task events at all: a task-completion survey ('Were you able to ...?' yes/no) answers instead
        c = ctx.surveys("task", p)
        if c["scored"]:
            note = "from task-completion survey answers" + (" (surveys are not split by segment)" if ctx.segment else "") + "."
            return c["yes"] / c["scored"], note, {"answers": c["scored"], "yes": c["yes"]}
        if ctx.surveys("task", ALL)["scored"]:
            return None, f"no task-completion survey answers {_where(p)}.", {}
        return None, missing + " No task-completion survey (yes/no) was imported either.", {}
    a, s_ = ctx.settings["task_attempt_event"], ctx.settings["task_success_event"]
    c = ctx.event_counts([a, s_], p)
    if c[a] == 0:
        return None, f"no '{a}' task attempts {_where(p)}.", {}
    note = f"more '{s_}' than '{a}' events; check the task settings." if c[s_] > c[a] else None
    return c[s_] / c[a], note, {"attempts": c[a], "successes": c[s_]}


def _cycle(ctx: _Context, p: Period | None) -> Computed:
    c = ctx.work(p)
    left = []
    if c["negative"]:
        left.append(f"{c['negative']} items resolved before they were created were left out.")
    if c["no_created"]:
        left.append(f"{c['no_created']} resolved items without a Created date were left out.")
    if c["n"] == 0:
        return None, _join(f"no resolved items {_where(p)}.", *left), {}
    return as_number(c["median"]), _join(*left), {"p85": as_number(c["p85"]), "n": c["n"]}


def _on_time(ctx: _Context, p: Period | None) -> Computed:
    c = ctx.work(p)
    if c["due"] == 0:
        why = f"no resolved items {_where(p)}." if c["resolved"] == 0 else f"none of the {c['resolved']} items resolved {_where(p)} had a due date."
        return None, why, {}
    return c["on_time"] / c["due"], None, {"n": c["due"], "on_time": c["on_time"]}


def _bug_rate(ctx: _Context, p: Period | None) -> Computed:
    c = ctx.work(p)
    if c["items"] == 0:
        return None, f"no work items created {_where(p)}.", {}
    return c["bugs"] / c["items"], None, {"n": c["items"], "bugs": c["bugs"]}


def _revenue_growth(ctx: _Context, p: Period | None) -> Computed:
    rev, seg_note = ctx.series("revenue_metric")
    name = ctx.settings["revenue_metric"]
    if not rev:
        return None, f"no '{name}' metric series imported.", {}
    if p is None:
        return None, "no earlier period to compare with.", {}
    if p.is_all:
        p = month_of(max(rev))
        lead = f"{p.describe()} (latest month of revenue) vs the month before."
    else:
        lead = None
    prev = p.previous()
    cur_df, prev_df = _in(rev, p), _in(rev, prev)
    if not cur_df:
        return None, f"no '{name}' metric points {_where(p)}.", {}
    if not prev_df:
        return None, f"no '{name}' metric points in {prev.describe()} to compare with.", {}
    cover = None
    if p.kind != "month" and len(cur_df) < len(prev_df):
        # A period still in progress is compared like for like: its first N points against the
        # previous period's first N, never a partial quarter against a whole one.
        n = len(cur_df)
        prev_df = dict(sorted(prev_df.items())[:n])
        cover = (f"{p.label} has {n} of {len(_in(rev, prev))} data points so far; compared with the first {n} "
                 f"of {prev.label} (period to date).")
    before = sum(prev_df.values())
    if before == 0:
        return None, f"revenue in {prev.describe()} was zero, so growth is undefined.", {}
    now = sum(cur_df.values())
    return now / before - 1, _join(lead, cover, seg_note), {"revenue": now, "previous_revenue": before, "covers": p.label}


def _market_share(ctx: _Context, p: Period | None) -> Computed:
    rev, n1 = ctx.series("revenue_metric")
    size, _ = ctx.series("market_size_metric")
    rn, sn = ctx.settings["revenue_metric"], ctx.settings["market_size_metric"]
    if not size:
        return None, f"no '{sn}' metric series imported.", {}
    if not rev:
        return None, f"no '{rn}' metric series imported.", {}
    r_in, s_in = _in(rev, p), _in(size, p)
    both = [d for d in r_in if d in s_in]
    if not both:
        return None, f"no dates {_where(p)} with both '{rn}' and '{sn}' points.", {}
    total = sum(s_in[d] for d in both)
    if total <= 0:
        return None, f"market size {_where(p)} is zero.", {}
    return sum(r_in[d] for d in both) / total, n1, {"points": len(both)}


def _stakeholder(ctx: _Context, p: Period | None) -> Computed:
    pts, seg_note = ctx.series("stakeholder_metric", points=True)
    name = ctx.settings["stakeholder_metric"]
    cur = [v for d, v in pts if p is None or p.is_all or p.start <= d < p.end]
    if not cur:
        return None, f"no '{name}' metric points {_where(p)}.", {}
    return sum(cur) / len(cur), seg_note, {"n": len(cur)}


def _roi(ctx: _Context, p: Period | None) -> Computed:
    try:
        roadmap = importlib.import_module("pm_core.roadmap")
        cost_gain = roadmap.cost_gain
    except (ImportError, AttributeError):
        return None, "the roadmap (cost and gain per initiative) is not available in this version.", {}
    pairs = [(c, g) for c, g in ctx.memo("cost_gain", lambda: cost_gain(ctx.store)) if c is not None and g is not None]
    if not pairs:
        return None, "no initiative has both a cost and a gain; set them on the Roadmap page.", {}
    cost = sum(float(c) for c, _ in pairs)
    if cost <= 0:
        return None, "the initiatives' total cost is zero, so ROI is undefined.", {}
    gain = sum(float(g) for _, g in pairs)
    return (gain - cost) / cost, "not tied to a period: all initiatives with a cost and a gain.", {"initiatives": len(pairs), "cost": cost, "gain": gain}


class _NoGrowth(Exception):
    pass


def _growth():
    try:
        return importlib.import_module("pm_core.growth")
    except ModuleNotFoundError as exc:
        if exc.name != "pm_core.growth":
            raise
        raise _NoGrowth("growth analysis (pm_core.growth) is not available in this version.") from None


def _funnel_months(ctx: _Context) -> dict[dt.date, list[int]]:
    """Return {month: [starters, converted]} for the configured funnel, every month from one query (memoised)."""
    st, goal = ctx.settings["funnel_start_event"], ctx.settings["funnel_goal_event"]
    w = int(ctx.settings["conversion_window_days"])
    return ctx.memo("funnel_months", lambda: _growth().funnel_monthly(ctx.store, [st, goal], window_days=w,
                                                                      segment=ctx.segment))


def _conversion(ctx: _Context, p: Period | None) -> Computed:
    missing = ctx.missing_event("funnel_start_event")
    if missing:
        return None, missing, {}
    st, goal = ctx.settings["funnel_start_event"], ctx.settings["funnel_goal_event"]
    w = int(ctx.settings["conversion_window_days"])
    whole = p is None or p.is_all
    if whole or (p.start.day == 1 and p.end.day == 1):
        # Users are anchored at their first start event, so a month-aligned period's funnel is the
        # sum of its months: the current and previous periods (and sparklines) share one query.
        cells = [v for m, v in _funnel_months(ctx).items() if whole or p.start <= m < p.end]
        users, converted = sum(c[0] for c in cells), sum(c[-1] for c in cells)
    else:
        res = _growth().funnel(ctx.store, [st, goal], window_days=w, period=p.label, segment=ctx.segment)
        users, converted = res.steps[0].users, res.steps[-1].users
    if not users:
        return None, f"no users with a '{st}' event {_where(p)}.", {}
    return converted / users, None, {"n": int(users), "converted": int(converted), "window_days": w}


def _retention_result(ctx: _Context):
    return ctx.memo("retention", lambda: _growth().retention_table(ctx.store, unit="week", first_time=True,
                                                                   mode="on", segment=ctx.segment))


def _cohort_fields(c) -> tuple[dt.date, int, dict]:
    get = c.get if isinstance(c, dict) else (lambda k: getattr(c, k))
    start = get("cohort")
    if isinstance(start, str):
        start = dt.date.fromisoformat(start[:10])
    elif isinstance(start, dt.datetime):
        start = start.date()
    retained = {int(k): v for k, v in (get("retained") or {}).items()}
    return start, int(get("size")), retained


def _retention(ctx: _Context, p: Period | None) -> Computed:
    res = _retention_result(ctx)
    k = RETENTION_WEEK
    rows = [_cohort_fields(c) for c in res.cohorts]
    if p is not None and not p.is_all:
        rows = [r for r in rows if p.start <= r[0] < p.end]
    eligible = [(size, ret[k]) for _, size, ret in rows if ret.get(k) is not None]
    if not eligible:
        if not rows:
            return None, f"no weekly cohorts starting {_where(p)}.", {}
        return None, f"no cohort starting {_where(p)} is {k} weeks old yet.", {}
    size = sum(s for s, _ in eligible)
    kept = sum(r for _, r in eligible)
    if p is None or p.is_all:
        value = as_number(res.weighted.get(k))
        note = f"weighted over all {len(eligible)} weekly cohorts old enough to measure."
    else:
        value = kept / size if size else None
        note = f"weekly cohorts starting {_where(p)} ({len(eligible)} old enough to measure)."
    return value, note, {"cohorts": len(eligible), "users": size, "retained": kept}


PERIOD_FUNCS: dict[str, Callable[[_Context, Period | None], Computed]] = {
    "market_share": _market_share, "revenue_growth": _revenue_growth, "roi": _roi,
    "csat": lambda c, p: _survey(c, "csat", p), "nps": lambda c, p: _survey(c, "nps", p),
    "conversion_rate": _conversion, "task_success_rate": _task_success,
    "cycle_time_days": _cycle, "on_time_rate": _on_time, "bug_rate": _bug_rate,
    "retention": _retention, "stakeholder_alignment": _stakeholder,
}


def _compute(ctx: _Context, key: str) -> KpiResult:
    d = KPI_BY_KEY[key]
    extra: dict = {}
    if key in MONTHLY_KEYS:
        ref, prev, _ = _monthly(ctx, key)
        fn = _clv if key == "clv" else (lambda c, m: _month_value(c, key, m))
        value, note, extra = fn(ctx, ref)
        days = ctx.activity["days"] if key != "clv" else None
        if prev is not None and days:
            previous = _month_value(ctx, key, prev, to_date=True)[0]
        else:
            previous = fn(ctx, prev)[0] if prev is not None else None
        covers = ref.label if ref else ctx.period.label
        if value is not None and ref is not None:
            note = _join(ctx.month_note(ref), note)
        if prev is not None:
            extra = extra | {"previous_period": prev.label}
            if days:
                extra = extra | {"previous_days": days}
                if value is not None:
                    note = _join(note, f"Compared with the first {days} days of {prev.describe()} (like for like).")
    else:
        try:
            value, note, extra = PERIOD_FUNCS[key](ctx, ctx.period)
        except _NoGrowth as exc:
            value, note, extra = None, str(exc), {}
        covers = extra.pop("covers", ctx.period.label)
        previous = None
        if value is None and note and note.startswith("growth analysis"):
            pass
        elif ctx.prev_period is not None and key != "roi":
            previous = PERIOD_FUNCS[key](ctx, ctx.prev_period)[0]
            extra = extra | {"previous_period": ctx.prev_period.label}
        elif ctx.period.is_all and key == "revenue_growth" and value is not None:
            m = parse_period(covers).previous()
            previous = PERIOD_FUNCS[key](ctx, m)[0]
            extra = extra | {"previous_period": m.label}
    value, previous = as_number(value), as_number(previous)
    elapsed = parse_period(covers).fraction_elapsed(ctx.today)
    if elapsed is not None and 0 < elapsed < 1:
        extra = extra | {"period_elapsed": round(elapsed, 3)}  # the period is still running on `today`
    if value is None and not note:
        note = "not enough data."
    return KpiResult(key=key, pillar=d.pillar, label=d.label, value=value, previous=previous, unit=d.unit,
                     definition=d.definition, source=d.source, note=note, period=covers,
                     extra={k: (as_number(v) if isinstance(v, float) else v) for k, v in extra.items()})


def _today(today: dt.date | None) -> dt.date:
    return today or dt.datetime.now(dt.timezone.utc).date()


def compute_kpis(store: Store, period: str = "all", segment: dict[str, str] | None = None,
                 today: dt.date | None = None) -> dict[str, dict[str, KpiResult]]:
    """Return pillar -> key -> KpiResult for all sixteen KPIs plus dau and stickiness (under growth).

    Raises PeriodError for a period string it cannot read; a KPI without data is None with a note.
    """
    p = parse_period(period)
    seg, day = _clean_segment(segment), _today(today)

    def compute() -> dict[str, dict[str, KpiResult]]:
        cur = store.cursor()
        try:
            ctx = _Context(store, p, seg, day, src=cur)
            out: dict[str, dict[str, KpiResult]] = {pillar: {} for pillar in PILLARS}
            for d in KPI_DEFS:
                out[d.pillar][d.key] = _compute(ctx, d.key)
        finally:
            cur.close()
        return out
    # The page, briefings and linked key results share one computation per version of the KPIs'
    # inputs: a check-in (okrs) does not recompute them.
    res = store.memo(("compute_kpis", p.label, tuple(sorted((seg or {}).items())), day), compute, areas.reads(compute_kpis))
    return {pillar: {k: r.model_copy(deep=True) for k, r in byk.items()} for pillar, byk in res.items()}


def compute_kpi(store: Store, key: str, period: str = "all", segment: dict[str, str] | None = None) -> KpiResult:
    """Return one KPI for one period (what an OKR key result links to); unknown keys raise KeyError."""
    if key not in KPI_BY_KEY:
        raise KeyError(f"unknown KPI {key!r}; known: {', '.join(KPI_BY_KEY)}")
    p = parse_period(period)
    seg, day = _clean_segment(segment), _today(None)

    def compute() -> KpiResult:
        cur = store.cursor()
        try:
            return _compute(_Context(store, p, seg, day, src=cur), key)
        finally:
            cur.close()
    res = store.memo(("compute_kpi", key, p.label, tuple(sorted((seg or {}).items())), day), compute,
                     areas.reads(compute_kpi))
    return res.model_copy(deep=True)


def _clean_segment(segment) -> dict[str, str] | None:
    if not segment:
        return None
    if isinstance(segment, (tuple, list)):
        segment = dict(segment)
    return {str(k): str(v) for k, v in segment.items() if v not in (None, "")} or None


def parse_segment(texts: list[str] | str | None) -> dict[str, str] | None:
    """Return {'platform': 'iOS'} from 'platform=iOS' strings (several allowed); raise ValueError on a malformed one."""
    if not texts:
        return None
    if isinstance(texts, str):
        texts = [texts]
    out = {}
    for t in texts:
        for part in str(t).split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise ValueError(f"segment {part!r} must look like property=value, e.g. platform=iOS")
            k, v = part.split("=", 1)
            if not k.strip() or not v.strip():
                raise ValueError(f"segment {part!r} must look like property=value, e.g. platform=iOS")
            out[k.strip()] = v.strip()
    return out or None


# -- series for sparklines, OKR history and exports ----------------------------------------------
def _frame(rows: list[tuple[dt.date, float | None]]) -> pd.DataFrame:
    kept = [(d, as_number(v)) for d, v in rows if as_number(v) is not None]
    return pd.DataFrame({"period_start": [d for d, _ in kept], "value": [v for _, v in kept]},
                        columns=["period_start", "value"])


def _trunc(d: dt.date, freq: str) -> dt.date:
    return d.replace(day=1) if freq == "month" else quarter_of(d).start


def _as_date(v) -> dt.date:
    return v.date() if isinstance(v, (dt.datetime, pd.Timestamp)) else v


def _cached_series(store: Store, key: str, freq: str, segment) -> pd.DataFrame:
    """Return one KPI series memoised on the store for this version of the KPIs' inputs.

    Outcome checks and briefings ask for the same series many times (one per initiative and KPI);
    the parts several series share (monthly activity, work items) are memoised with them. A write
    to what KPIs read starts afresh, so a result is never stale; a check-in leaves them in place.
    """
    deps = areas.reads(compute_kpis)
    seg = tuple(sorted((segment or {}).items()))
    parts = store.memo(("kpi_series_parts", freq, seg), dict, deps)
    series = store.memo(("kpi_series", key, freq, seg), lambda: _series(store, key, freq, segment, parts), deps)
    return series.copy()  # callers may add columns; the memo stays as computed


def all_kpi_series(store: Store, freq: str = "month", segment: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Return key -> DataFrame(period_start, value) for every KPI; periods where a KPI has no value are left out.

    Monthly KPIs by quarter take the quarter's latest month with events (as compute_kpis does); ROI is
    not time-based and comes back empty.
    """
    if freq not in SERIES_FREQS:
        raise ValueError(f"freq must be one of {SERIES_FREQS}, got {freq!r}")
    seg = _clean_segment(segment)
    return {d.key: _cached_series(store, d.key, freq, seg) for d in KPI_DEFS}


def kpi_series(store: Store, key: str, freq: str = "month", segment: dict[str, str] | None = None) -> pd.DataFrame:
    """Return DataFrame(period_start, value) of one KPI per month or quarter; empty for ROI or without data."""
    if key not in KPI_BY_KEY:
        raise KeyError(f"unknown KPI {key!r}")
    if freq not in SERIES_FREQS:
        raise ValueError(f"freq must be one of {SERIES_FREQS}, got {freq!r}")
    return _cached_series(store, key, freq, _clean_segment(segment))


def _series(store: Store, key: str, freq: str, segment, memo: dict) -> pd.DataFrame:
    def once(name, fn):
        if name not in memo:
            memo[name] = fn()
        return memo[name]

    settings = once("settings", lambda: get_settings(store))
    if key in MONTHLY_KEYS:
        act = once("activity", lambda: ms.monthly_activity(store, None, None, settings["feature_event"], segment))
        if act.empty:
            return _frame([])
        ctx = once("ctx", lambda: _Context(store, parse_period("all"), segment, _today(None)))
        rows = {r["month"]: r for r in act.to_dict("records")}
        ctx._memo["activity"] = _activity_result(rows=rows)
        vals = []
        for m in sorted(rows):
            fn = _clv if key == "clv" else (lambda c, mm: _month_value(c, key, mm))
            vals.append((_trunc(m, freq), fn(ctx, month_of(m))[0]))
        if freq == "quarter":  # the latest month of each quarter, as compute_kpis reports it
            vals = list({q: v for q, v in vals}.items())
        return _frame(vals)
    if key in ("csat", "nps"):
        df = ms.survey_by(store, key, freq)
        if key == "csat":
            return _frame([(_as_date(r.period_start), _ratio(r.hi, r.scored)) for r in df.itertuples()])
        return _frame([(_as_date(r.period_start), _ratio((r.promoters - r.detractors) * 100.0, r.scored)) for r in df.itertuples()])
    if key == "task_success_rate":
        a, s = settings["task_attempt_event"], settings["task_success_event"]
        df = ms.event_counts_by(store, [a, s], freq, segment)
        if not (df["event"] == a).any():  # no task events: the survey answers, as compute_kpis falls back
            tasks = ms.survey_by(store, "task", freq)
            return _frame([(_as_date(r.period_start), _ratio(r.yes, r.scored)) for r in tasks.itertuples()])
        wide = df.pivot_table(index="period_start", columns="event", values="n", aggfunc="sum", fill_value=0)
        return _frame([(_as_date(i), _ratio(r.get(s, 0), r.get(a, 0))) for i, r in wide.iterrows()])
    if key in ("cycle_time_days", "on_time_rate", "bug_rate"):
        df = once(f"work:{freq}", lambda: ms.work_items_by(store, freq))
        out = []
        for r in df.itertuples():
            if key == "cycle_time_days":
                v = r.median if (as_number(r.resolved_n) or 0) > 0 else None
            elif key == "on_time_rate":
                v = _ratio(r.on_time, r.due)
            else:
                v = _ratio(r.bugs, r.created_n)
            out.append((_as_date(r.period_start), v))
        return _frame(out)
    if key == "roi":
        return _frame([])
    if key == "conversion_rate":
        ctx = once("ctx", lambda: _Context(store, parse_period("all"), segment, _today(None)))
        if ctx.missing_event("funnel_start_event"):
            return _frame([])
        months = sorted({_trunc(m, freq) for m in _funnel_months(ctx)})
        out = []
        for start in months:
            p = month(start.year, start.month) if freq == "month" else quarter_of(start)
            out.append((start, _conversion(ctx, p)[0]))
        return _frame(out)
    if key == "retention":
        ctx = once("ctx", lambda: _Context(store, parse_period("all"), segment, _today(None)))
        res = _retention_result(ctx)
        groups: dict[dt.date, list[int]] = {}
        for start, size, ret in (_cohort_fields(c) for c in res.cohorts):
            if ret.get(RETENTION_WEEK) is None:
                continue
            g = groups.setdefault(_trunc(start, freq), [0, 0])
            g[0] += size
            g[1] += ret[RETENTION_WEEK]
        return _frame([(d, _ratio(k, n)) for d, (n, k) in sorted(groups.items())])
    # metric-series KPIs: evaluate the period function on every period with points
    ctx = once("ctx", lambda: _Context(store, parse_period("all"), segment, _today(None)))
    setting = "stakeholder_metric" if key == "stakeholder_alignment" else "revenue_metric"
    df, _ = ctx.series(setting)
    if not df:
        return _frame([])
    starts = sorted({_trunc(d, freq) for d in df})
    out = []
    for start in starts:
        p = month(start.year, start.month) if freq == "month" else quarter_of(start)
        out.append((start, PERIOD_FUNCS[key](ctx, p)[0]))
    return _frame(out)


# -- filters for pages and the CLI ------------------------------------------------------------
def segment_options(store: Store, max_values: int = 50) -> dict[str, list[str]]:
    """Return event property -> its distinct values, for filters; properties with more than max_values values (ids) are left out."""
    keys = ms.property_keys(store)
    found = ms.property_values(store, keys[:12], max_values)
    # the demo story's usual filters first, then the rest by name
    first = [k for k in ("platform", "country", "device_type") if k in found]
    return {k: found[k] for k in first + sorted(k for k in found if k not in first)}


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

