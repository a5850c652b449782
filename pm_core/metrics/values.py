"""One value function per KPI: (context, period) -> (value, note, extra); the values layer of pm_core.metrics.

Monthly KPIs take the calendar month to report (the Context's activity decides which); every other
KPI takes the period itself. Retention and conversion come from pm_core.growth, so every page shows
the same figure. A value the data cannot support is None with a note saying why.
"""
from __future__ import annotations

import datetime as dt
import importlib

from .. import growth, strategy
from ..formatting import Unit, as_number, format_value
from ..periods import ALL, Period, as_date, month_of
from .context import Computed, Context, _in, _join, _ratio, _where

RETENTION_WEEK = 4


def _month_value(ctx: Context, key: str, m: Period | None, to_date: bool = False, row: dict | None = None) -> Computed:
    a = ctx.activity
    if m is None:
        return None, a["why"] or "no month to report on", {}
    if row is None:
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
        unset = ctx.unset_events("feature_event")
        if unset:  # 'not set' is not a zero: the card says what to choose and where
            return None, unset, {"not_set": True}
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


def _clv(ctx: Context, m: Period | None) -> Computed:
    if m is not None and m.kind == "custom":
        return None, ("lifetime value is measured over a whole calendar month (monthly revenue, users and churn); "
                      "choose a month or 'All data'."), {}
    if ctx.segment is not None and ctx.series("revenue_metric")[1]:
        # Revenue is not split by this segment: whole revenue over the segment's users would mix two
        # populations (iOS users against everyone's revenue read twice too high), so CLV is everyone's.
        ev = ctx.everyone()
        value, note, extra = _clv(ev, ev.activity["ref"])
        return value, _join(note, "revenue is not split by segment, so this is every user's lifetime value."), \
            extra | {"all_segments": True}
    churn, why, _ = _month_value(ctx, "churn", m)
    if churn is None:
        return None, why, {}
    last = ctx.bounds[1]
    if last is not None and m.start <= last.date() < m.end - dt.timedelta(days=1):
        # A month's revenue over a part-month's users (and churn) reads about twice too high: never a
        # partial month against whole-month revenue.
        return None, (f"{m.describe()} is partial (events end {last.date():%d %b %Y}); lifetime value needs a whole "
                      "month of revenue, users and churn. Choose a complete month or 'All data'."), {}
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


def _survey(ctx: Context, scale: str, p: Period | None) -> Computed:
    c = ctx.surveys(scale, p)
    label = "CSAT" if scale == "csat" else "NPS"
    flag = {} if ctx.survey_split(scale) else {"all_segments": True}  # the responses lack the segment's properties
    if c["scored"] == 0:
        if c["rows"]:
            return None, f"{c['rows']} {label} responses {_where(p)} but none has a score.", flag
        if p is not None and not p.is_all and ctx.surveys(scale, ALL)["undated"]:
            return None, f"no dated {label} survey responses {_where(p)}; undated responses count under 'all'.", flag
        return None, f"no {label} survey responses {_where(p)}.", flag
    n = c["scored"]
    extra = {"n": n, **flag}
    if scale == "csat":
        return c["hi"] / n, None, extra | {"satisfied": c["hi"]}
    return (c["promoters"] - c["detractors"]) / n * 100.0, None, extra | {"promoters": c["promoters"], "detractors": c["detractors"]}


def _task_success(ctx: Context, p: Period | None) -> Computed:
    unset = ctx.unset_events("task_attempt_event", "task_success_event")
    missing = unset or ctx.missing_event("task_attempt_event")
    if missing:
        # no task events at all: a task-completion survey ('Were you able to ...?' yes/no) answers instead
        c = ctx.surveys("task", p)
        if c["scored"]:
            unsplit = not ctx.survey_split("task")
            note = "from task-completion survey answers" + (" (surveys are not split by this segment)" if unsplit else "") + "."
            return c["yes"] / c["scored"], note, {"answers": c["scored"], "yes": c["yes"],
                                                  **({"all_segments": True} if unsplit else {})}
        if ctx.surveys("task", ALL)["scored"]:
            return None, f"no task-completion survey answers {_where(p)}.", {}
        return None, missing + " No task-completion survey (yes/no) was imported either.", {"not_set": True} if unset else {}
    a, s_ = ctx.settings["task_attempt_event"], ctx.settings["task_success_event"]
    c = ctx.event_counts([a, s_], p)
    if c[a] == 0:
        return None, f"no '{a}' task attempts {_where(p)}.", {}
    note = f"more '{s_}' than '{a}' events; check the task settings." if c[s_] > c[a] else None
    return c[s_] / c[a], note, {"attempts": c[a], "successes": c[s_]}


def _cycle(ctx: Context, p: Period | None) -> Computed:
    c = ctx.work(p)
    left = []
    if c["negative"]:
        left.append(f"{c['negative']} items resolved before they were created were left out.")
    if c["no_created"]:
        left.append(f"{c['no_created']} resolved items without a Created date were left out.")
    if c["n"] == 0:
        return None, _join(f"no resolved items {_where(p)}.", *left), {}
    return as_number(c["median"]), _join(*left), {"p85": as_number(c["p85"]), "n": c["n"]}


def _on_time(ctx: Context, p: Period | None) -> Computed:
    c = ctx.work(p)
    if c["due"] == 0:
        why = f"no resolved items {_where(p)}." if c["resolved"] == 0 else f"none of the {c['resolved']} items resolved {_where(p)} had a due date."
        return None, why, {}
    return c["on_time"] / c["due"], None, {"n": c["due"], "on_time": c["on_time"]}


def _bug_rate(ctx: Context, p: Period | None) -> Computed:
    c = ctx.work(p)
    if c["items"] == 0:
        return None, (f"no work items with a work type created {_where(p)} (an export without a type column "
                      "cannot give a bug rate)."), {}
    return c["bugs"] / c["items"], None, {"n": c["items"], "bugs": c["bugs"]}


def _revenue_growth(ctx: Context, p: Period | None) -> Computed:
    rev, seg_note = ctx.series("revenue_metric")
    name = ctx.settings["revenue_metric"]
    if not rev:
        return None, f"no '{name}' metric series imported.", {}
    if p is None:
        return None, "no earlier period to compare with.", {}
    if p.is_all:
        # The one rule for headlines: the month the activity KPIs report (the latest complete month of
        # the events) when it has revenue, else the latest month of revenue.
        h = ctx.headline()
        p = h.month if h is not None and h.complete and _in(rev, h.month) else month_of(max(rev))
        why = "the latest complete month of the data" if h is not None and p == h.month else "latest month of revenue"
        lead = f"{p.describe()} ({why}) vs the month before."
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
    return now / before - 1, _join(lead, cover, seg_note), {"revenue": now, "previous_revenue": before, "covers": p.label,
                                                            **({"all_segments": True} if seg_note else {})}


def _market_share(ctx: Context, p: Period | None) -> Computed:
    rev, n1 = ctx.series("revenue_metric")
    size, _ = ctx.series("market_size_metric")
    rn, sn = ctx.settings["revenue_metric"], ctx.settings["market_size_metric"]
    if not size:
        return _share_from_sizing(ctx, p, rev, n1)
    if not rev:
        return None, f"no '{rn}' metric series imported.", {}
    r_in, s_in = _in(rev, p), _in(size, p)
    both = [d for d in r_in if d in s_in]
    if not both:
        return None, f"no dates {_where(p)} with both '{rn}' and '{sn}' points.", {}
    total = sum(s_in[d] for d in both)
    if total <= 0:
        return None, f"market size {_where(p)} is zero.", {}
    return sum(r_in[d] for d in both) / total, n1, {"points": len(both), **({"all_segments": True} if n1 else {})}


def _share_from_sizing(ctx: Context, p: Period | None, rev: dict, seg_note: str | None) -> Computed:
    """Market share against the sizing chosen on the Strategy page, when no market-size series is imported.

    A sizing is annual: the period's revenue is compared with the annual figure times the months that
    have revenue points over 12 (a quarter of monthly revenue against a quarter of the market), and the
    card's note says which sizing, which level and how much.
    """
    rn, sn = ctx.settings["revenue_metric"], ctx.settings["market_size_metric"]
    basis = ctx.memo("share_basis", lambda: strategy.market_share_basis(ctx.src))
    if basis is None:
        return None, (f"no '{sn}' metric series imported, and no market sizing on the Strategy page is set to "
                      "stand in for it."), {}
    if not rev:
        return None, f"no '{rn}' metric series imported.", {}
    r_in = _in(rev, p)
    if not r_in:
        return None, f"no '{rn}' metric points {_where(p)}.", {}
    months = len({(d.year, d.month) for d in r_in})
    size = strategy.prorated(basis.annual, months)
    if size <= 0:
        return None, f"the market size in {basis.words()} is zero.", {}
    cur = str(ctx.settings.get("currency") or "USD")
    note = (f"No '{sn}' series imported: market size is {basis.words()}, "
            f"{format_value(basis.annual, Unit.CURRENCY, currency=cur)} a year, taken as "
            f"{format_value(size, Unit.CURRENCY, currency=cur)} for the {months} month{'' if months == 1 else 's'} with revenue.")
    return sum(r_in.values()) / size, _join(note, seg_note), {
        "months": months, "market_size": size, "sizing_id": basis.sizing_id, "sizing_level": basis.level,
        # shown on the card itself, not only in its tooltip: the denominator is an assumption, not data
        "assumption": f"Market size assumed: {basis.words()}, {format_value(basis.annual, Unit.CURRENCY, currency=cur)} a year.",
        **({"all_segments": True} if seg_note else {})}


def _stakeholder(ctx: Context, p: Period | None) -> Computed:
    pts, seg_note = ctx.series("stakeholder_metric", points=True)
    name = ctx.settings["stakeholder_metric"]
    cur = [v for d, v in pts if p is None or p.is_all or p.start <= d < p.end]
    if not cur:
        return None, f"no '{name}' metric points {_where(p)}.", {}
    return sum(cur) / len(cur), seg_note, {"n": len(cur), **({"all_segments": True} if seg_note else {})}


def _roi(ctx: Context, p: Period | None) -> Computed:
    try:  # deferred: pm_core.roadmap imports metrics (outcomes read KPI series), so a top-level import is a circle
        roadmap = importlib.import_module("pm_core.roadmap")
        cost_gain = roadmap.cost_gain
    except (ImportError, AttributeError):
        return None, "the roadmap (cost and gain per initiative) is not available in this version.", {}
    pairs = [(c, g) for c, g in ctx.memo("cost_gain", lambda: cost_gain(ctx.store)) if c is not None and g is not None]
    if not pairs:
        return None, "no launched initiative has both a cost and a gain yet; set them on the Roadmap page (planned work counts in projected ROI).", {}
    cost = sum(float(c) for c, _ in pairs)
    if cost <= 0:
        return None, "the initiatives' total cost is zero, so ROI is undefined.", {}
    gain = sum(float(g) for _, g in pairs)
    return (gain - cost) / cost, "not tied to a period: launched and measured initiatives with a cost and a gain (planned work counts only in projected ROI).", {"initiatives": len(pairs), "cost": cost, "gain": gain}


def _funnel_months(ctx: Context) -> dict[dt.date, list[int]]:
    """Return {month: [starters, converted]} for the configured funnel, every month from one query (memoised)."""
    st, goal = ctx.settings["funnel_start_event"], ctx.settings["funnel_goal_event"]
    w = int(ctx.settings["conversion_window_days"])
    return ctx.memo("funnel_months", lambda: growth.funnel_monthly(ctx.store, [st, goal], window_days=w,
                                                                      segment=ctx.segment))


def _conversion(ctx: Context, p: Period | None) -> Computed:
    unset = ctx.unset_events("funnel_start_event", "funnel_goal_event")
    if unset:
        return None, unset, {"not_set": True}
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
        res = growth.funnel(ctx.store, [st, goal], window_days=w, period=p.label, segment=ctx.segment)
        users, converted = res.steps[0].users, res.steps[-1].users
    if not users:
        return None, f"no users with a '{st}' event {_where(p)}.", {}
    return converted / users, None, {"n": int(users), "converted": int(converted), "window_days": w}


def _retention_result(ctx: Context):
    return ctx.memo("retention", lambda: growth.retention_table(ctx.store, unit="week", first_time=True,
                                                                   mode="on", segment=ctx.segment))


def _cohort_fields(c) -> tuple[dt.date, int, dict]:
    get = c.get if isinstance(c, dict) else (lambda k: getattr(c, k))
    start = as_date(get("cohort"))
    retained = {int(k): v for k, v in (get("retained") or {}).items()}
    return start, int(get("size")), retained


def _retention(ctx: Context, p: Period | None) -> Computed:
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




def month_value(key: str):
    """Return the value function (ctx, month, to_date=False) of a monthly activity KPI (mau, dau, stickiness, churn, feature_adoption)."""
    def value(ctx: Context, m: Period | None, to_date: bool = False, row: dict | None = None) -> Computed:
        return _month_value(ctx, key, m, to_date, row)
    value.__name__ = f"_{key}"
    return value


def survey_value(scale: str):
    """Return the value function of a survey KPI ('csat' or 'nps')."""
    def value(ctx: Context, p: Period | None) -> Computed:
        return _survey(ctx, scale, p)
    value.__name__ = f"_{scale}"
    return value
