"""One briefing's context (audience, period, segment, a per-briefing memo), its periods and its metric items."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from ..briefing import MetricItem
from ..experiments import rate_interval
from ..formatting import Unit, as_number, as_unit, format_value
from ..periods import Period, PeriodError, as_date_or_none, month, parse_period, quarter_of
from ..store import Store
from ..store import audiences_store as q
from . import neighbours as nb
from .definitions import SETTING_DEFS, AudienceDef, metric_catalog
from .neighbours import _g, _label


def _okr_quarter(period: Period, today: dt.date) -> Period:
    """Return the OKR quarter a period maps to: itself, the quarter of a month, else the current quarter."""
    if period.kind == "quarter":
        return period
    if period.kind == "month":
        return quarter_of(period.start)
    return quarter_of(today)


def period_choices(store: Store) -> list[str]:
    """Return the period labels offered for views: 'all' first, then the data's quarters and months, newest first."""
    labels: list[str] = []
    for p in nb.available_periods(store):
        lab = p if isinstance(p, str) else _g(p, "label", str(p))
        if lab and lab not in labels and lab != "all":
            labels.append(lab)
    quarters = sorted((x for x in labels if "Q" in x.upper()), reverse=True)
    months = sorted((x for x in labels if re.fullmatch(r"\d{4}-\d{2}", x)), reverse=True)
    others = [x for x in labels if x not in quarters and x not in months]
    return ["all", *quarters, *months, *others]


def default_period(store: Store, today: dt.date | None = None) -> str:
    """Return the default period: the current quarter when the data covers it, else the data's latest quarter, else 'all'."""
    today = today or dt.date.today()
    choices = period_choices(store)
    current = quarter_of(today).label
    if current in choices:
        return current
    quarters = [c for c in choices if "Q" in c]
    return quarters[0] if quarters else "all"


@dataclass
class _Ctx:
    store: Store
    audience: AudienceDef
    period: Period
    today: dt.date
    segment: str | None  # the segment's text form (pm_core.segments), None for everyone
    initiative: str | None
    currency: str
    cache: dict = field(default_factory=dict)

    def memo(self, key: str, fn: Callable[[], Any]) -> Any:
        """Return fn() computed once per briefing under key (sections share KPIs, initiatives, OKRs)."""
        if key not in self.cache:
            self.cache[key] = fn()
        return self.cache[key]


def _flat_kpis(ctx: _Ctx) -> dict[str, Any]:
    def compute():
        res = nb.compute_kpis(ctx.store, ctx.period.label, ctx.segment or None)
        return {k: v for pillar in res.values() for k, v in pillar.items()}
    return ctx.memo("kpis", compute)


def _series_df(ctx: _Ctx, name: str) -> pd.DataFrame:
    return ctx.memo(f"series:{name}", lambda: q.metric_series(ctx.store, [name]))


def _series_value(df: pd.DataFrame, agg: str, period: Period, first: int | None = None) -> tuple[float | None, int]:
    if df.empty or period.is_all:
        return None, 0
    d = df["date"].dt.date
    sel = df[(d >= period.start) & (d < period.end)].sort_values("date")["value"]
    if first is not None:
        sel = sel.head(first)
    if sel.empty:
        return None, 0
    return float(sel.sum() if agg == "sum" else sel.mean()), len(sel)


def metric_item(ctx: _Ctx, key: str) -> MetricItem:
    """Return the MetricItem of one metric id for the context's period (value None with a note when no data)."""
    mdef = metric_catalog()[key]
    base = dict(key=key, label=mdef.label, unit=mdef.unit, definition=mdef.definition, source=mdef.source,
                higher_is_better=mdef.higher_is_better, currency=ctx.currency)
    if mdef.kind == "kpi":
        r = _flat_kpis(ctx).get(key)
        if r is None:
            return MetricItem(**base, period=ctx.period.describe(), note="not computed for this period")
        return MetricItem(**base | {"label": _g(r, "label") or mdef.label, "unit": _g(r, "unit") or mdef.unit,
                                    "definition": _g(r, "definition") or mdef.definition,
                                    "source": _g(r, "source") or mdef.source},
                          value=as_number(_g(r, "value")), previous=as_number(_g(r, "previous")),
                          note=_g(r, "note"), period=_period_words(_g(r, "period"), ctx.period))
    if mdef.kind == "setting":
        return MetricItem(**base, value=float(nb.setting(ctx.store, key)), period="current setting")
    if mdef.kind == "roadmap":
        r = nb.projected_roi(ctx.store)
        if r is None:
            return MetricItem(**base, period="not tied to a period",
                              note="no initiative has both a cost and a gain; set them on the Roadmap page")
        return MetricItem(**base, value=r["value"], period="not tied to a period",
                          note=f"{r['initiatives']} initiatives, planned estimates included; not realised")
    df = _series_df(ctx, key)
    if df.empty:
        return MetricItem(**base, period=ctx.period.describe(),
                          note=f"no '{key}' series imported (metrics import: date, metric, value)")
    if ctx.period.is_all:
        # 'All data' has no previous period: one month against the month before, the month every headline reports
        # (metrics.headline: the latest complete month of the events), or the series' latest month without events.
        last = df["date"].max().date()
        h = ctx.memo("headline", lambda: nb.headline(ctx.store, ctx.segment or None))
        cur = h.month if h is not None and h.complete and _series_value(df, mdef.agg, h.month)[0] is not None \
            else month(last.year, last.month)
        v, _ = _series_value(df, mdef.agg, cur)
        pv, _ = _series_value(df, mdef.agg, cur.previous())
        words = "latest complete month" if h is not None and cur == h.month else "latest month"
        return MetricItem(**base, value=v, previous=pv, period=f"{cur.describe()} ({words})")
    v, n = _series_value(df, mdef.agg, ctx.period)
    prev = ctx.period.previous()
    pv = _series_value(df, mdef.agg, prev)[0] if prev else None
    note = None
    if v is None:
        note = f"no '{key}' points in {ctx.period.describe()}"
    elif ctx.period.kind in ("quarter", "year"):
        expected = 3 if ctx.period.kind == "quarter" else 12
        if n < expected:
            note = f"{n} of {expected} months have data"
            if prev and mdef.agg == "sum":
                # A total over part of a period is compared with the same months of the previous one.
                pv = _series_value(df, mdef.agg, prev, first=n)[0]
                note += f"; compared with the first {n} months of {prev.label}"
    return MetricItem(**base, value=v, previous=pv, period=ctx.period.describe(), note=note)


def _period_words(p: Any, fallback: Period) -> str:
    if p is None:
        return fallback.describe()
    if isinstance(p, Period):
        return p.describe()
    try:
        return parse_period(str(p)).describe()
    except PeriodError:
        return str(p)


def _defs_notes(items: list[MetricItem]) -> str:
    return "\n".join(f"{m.label}: {m.definition} Source: {m.source}." for m in items)


def _data_metrics(items: list[MetricItem]) -> list[MetricItem]:
    """Return the metric items computed from data (settings such as gross margin are left out)."""
    return [m for m in items if m.key not in SETTING_DEFS]


_COLUMN_UNITS = {Unit.MS: Unit.COUNT, Unit.USERS: Unit.COUNT}  # a table column shows counts in full


def _col_unit(unit: Unit | str) -> Unit:
    u = as_unit(unit)
    if u in _COLUMN_UNITS:
        return _COLUMN_UNITS[u]
    return u if u in (Unit.FRACTION, Unit.CURRENCY, Unit.DAYS, Unit.SCORE, Unit.NPS, Unit.COUNT) else Unit.RATIO


def _fmt(v: Any, unit: Unit | str, currency: str = "USD") -> str:
    return format_value(as_number(v), unit, currency=currency)


_STATUS_ORDER = {"in_progress": 0, "planned": 1, "discovery": 2, "launched": 3, "measured": 4, "idea": 5}


def _when(i: Any) -> str:
    if _g(i, "status") in ("launched", "measured") and _g(i, "launch_date"):
        return f"Launched {_date_words(_g(i, 'launch_date'))}"
    s, e = _g(i, "start_date"), _g(i, "end_date")
    if s and e:
        return f"{_date_words(s)} – {_date_words(e)}"
    b = _g(i, "bucket") or _g(i, "board_bucket")
    return _label(b) if b else "Unscheduled"


def _date_words(d: Any) -> str:
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    return f"{d.day} {d:%b %Y}"


def _delivery(i: Any) -> float | None:
    done, total = _g(i, "jira_done"), _g(i, "jira_total")
    return None if not total else done / total


def _rank(i: Any) -> int:
    ranks = _g(i, "ranks", {}) or {}
    vals = [r for r in ranks.values() if r is not None]
    return min(vals) if vals else 10 ** 6


def _as_date(v: Any) -> dt.date | None:
    return as_date_or_none(v)


def _variants_df(res: Any) -> pd.DataFrame:
    rows = []
    for v in _g(res, "variants", []) or []:
        users, conv = as_number(_g(v, "users")) or 0, as_number(_g(v, "conversions")) or 0
        rate = as_number(_g(v, "rate"))
        if rate is None:
            rate = conv / users if users else None
        lo, hi = as_number(_g(v, "ci_low")), as_number(_g(v, "ci_high"))
        if (lo is None or hi is None) and users and rate is not None:
            # Wald interval for the variant's own rate (the lift's interval comes from the analysis).
            lo, hi = rate_interval(rate, users)
        rows.append({"variant": str(_g(v, "variant", _g(v, "name", "?"))), "rate": rate, "low": lo, "high": hi,
                     "users": users, "conversions": conv})
    return pd.DataFrame(rows, columns=["variant", "rate", "low", "high", "users", "conversions"])
