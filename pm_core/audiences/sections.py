"""The sections of a briefing, one builder per section kind: each returns its sections, says so when data is missing."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from ..briefing import BulletsItem, ChartItem, ChartPlot, ChartSeries, Column, Section, TableItem, TextItem
from ..charts import audiences as charts
from ..formatting import Unit, agree, as_number, format_value, human_name, join_words, plural
from ..periods import Period, add_months, coverage_note, month_label
from ..store import Store
from ..store import audiences_store as q
from . import neighbours as nb
from .cards import battle_card, debrief
from .context import (_STATUS_ORDER, _Ctx, _as_date, _col_unit, _data_metrics, _defs_notes, _delivery, _fmt, _okr_quarter,
                      _rank, _series_df, _variants_df, _when, metric_item)
from .definitions import metric_catalog
from .neighbours import _g, _label
from .notes import BATTLE_CARD_STATUSES, DEBRIEF_STATUSES
from .themes import feedback_themes, list_themes, unmatched_comments, unmatched_text


def _section_metrics(ctx: _Ctx) -> list[Section]:
    items = ctx.memo("metric_items", lambda: [metric_item(ctx, k) for k in ctx.audience.metrics])
    sec = Section(id="metrics", title="Headline numbers",
                  lead=f"{ctx.audience.concern} The numbers behind it, {ctx.period.describe()}.",
                  items=list(items), notes=_defs_notes(items))
    if items and all(m.value is None for m in _data_metrics(items)):
        sec.empty = ("No data yet for these metrics. Import events, survey responses, work items or metric "
                     "series to fill them.")
    return [sec]


def _kpi_series(ctx: _Ctx, key: str) -> pd.DataFrame:
    df = nb.kpi_series(ctx.store, key)
    if df is None or df.empty:
        return pd.DataFrame(columns=["period_start", "value"])
    return df[["period_start", "value"]].dropna(subset=["value"])


def _trend_df(ctx: _Ctx, key: str) -> pd.DataFrame:
    mdef = metric_catalog()[key]
    if mdef.kind == "kpi":
        df = _kpi_series(ctx, key)
    elif mdef.kind == "series":
        s = _series_df(ctx, key)
        df = (s.assign(period_start=s["date"].dt.to_period("M").dt.to_timestamp())
              .groupby("period_start", as_index=False)["value"].agg(mdef.agg)) if not s.empty else \
            pd.DataFrame(columns=["period_start", "value"])
    else:
        return pd.DataFrame(columns=["period_start", "value"])
    if not df.empty and not ctx.period.is_all:
        df = df[pd.to_datetime(df["period_start"]).dt.date < ctx.period.end]
    df = df.reset_index(drop=True)
    # a month the data starts or ends inside is drawn as partial ('to 22 Nov'): periods.coverage_note decides,
    # over the series' own days for a dated series, over the events' days for a KPI (a KPI month outside the
    # events' span has its value from another source, so it is not called partial)
    starts = [pd.Timestamp(v).date() for v in df["period_start"]]
    if mdef.kind == "series" and not s.empty:
        first, last = s["date"].min().date(), s["date"].max().date()
    else:
        first, last = ctx.memo("data_span", lambda: nb.data_span(ctx.store))
        if not mdef.source.startswith("events") and starts:
            # a KPI from other imports (work items, surveys, revenue) starts with its own first month; it ends
            # where the workspace's data ends, the month every headline calls 'to date' (periods.HEADLINE_RULE)
            first = min(starts)
    notes = [coverage_note(d, add_months(d, 1), first, last) for d in starts]
    df["note"] = [None if n == "no data" else n for n in notes]
    return df


def _section_trends(ctx: _Ctx) -> list[Section]:
    out = []
    for key in ctx.audience.charts:
        mdef = metric_catalog()[key]
        try:
            df = _trend_df(ctx, key)
        except Exception as exc:  # one metric's series failing leaves the other trends standing
            out.append(Section(id=f"trend_{key}", title=f"Trend: {mdef.label}",
                               error=f"The {mdef.label} series could not be computed: {type(exc).__name__}: {exc}"))
            continue
        sec = Section(id=f"trend_{key}", title=f"Trend: {mdef.label}", notes=f"{mdef.label}: {mdef.definition} "
                      f"Source: {mdef.source}. One point per calendar month (UTC).")
        if df.empty:
            sec.empty = f"No monthly values of {mdef.label} yet ({mdef.source})."
        else:
            last = df.iloc[-1]
            when = pd.Timestamp(last["period_start"]).strftime("%B %Y")
            sec.lead = f"{mdef.label} by month; latest {_fmt(last['value'], mdef.unit, ctx.currency)} ({when})."
            y_title = mdef.label + (" (ms)" if mdef.unit == "ms" else f" ({ctx.currency})" if mdef.unit == "currency" else "")
            chart = charts.trend_chart(df, f"{mdef.label} by month", mdef.unit, y_title, ctx.currency,
                                       ctx.memo("annotations", lambda: nb.annotations(ctx.store)))
            data = TableItem(title=f"{mdef.label} by month",
                             columns=[Column(key="month", label="Month", unit="date"),
                                      Column(key="value", label=mdef.label, unit=_col_unit(mdef.unit))],
                             rows=[{"month": pd.Timestamp(r.period_start).date(), "value": float(r.value)}
                                   for r in df.itertuples()])
            plot = ChartPlot(kind="line", unit=mdef.unit, x_title="Month", y_title=y_title,
                             categories=[month_label(r.period_start, r.note) for r in df.itertuples()],
                             series=[ChartSeries(name=mdef.label, values=[float(v) for v in df["value"]])])
            sec.items.append(ChartItem(chart_id=f"trend_{key}", title=f"{mdef.label} by month",
                                       spec=chart.to_dict(), data=data, plot=plot,
                                       alt=f"Line chart of {mdef.label} by month, {len(df)} months."))
        out.append(sec)
    return out


def _okr_rows(ctx: _Ctx) -> tuple[Period, list[dict], str | None]:
    qp = _okr_quarter(ctx.period, ctx.today)

    def load():
        objs = nb.list_okrs(ctx.store, qp.label, ctx.today)
        rows = []
        for o in objs:
            for kr in _g(o, "key_results", []) or []:
                rows.append({"objective": _g(o, "title", ""), "kr": _g(kr, "title", ""),
                             "progress": as_number(_g(kr, "progress")), "expected": as_number(_g(kr, "expected")),
                             "status": _label(_g(kr, "status")), "confidence": as_number(_g(kr, "confidence")),
                             "grade": as_number(_g(kr, "grade")), "kpi": _g(kr, "kpi")})
        summary = nb.okr_summary(ctx.store, qp.label, ctx.today) if objs else None
        return rows, summary
    rows, summary = ctx.memo("okrs", load)
    return qp, rows, summary


def _section_okrs(ctx: _Ctx) -> list[Section]:
    qp, rows, summary = _okr_rows(ctx)
    which = "" if ctx.period.kind in ("quarter", "month") else " (the current quarter)"
    sec = Section(id="okrs", title=f"OKR progress, {qp.label}",
                  notes=("Progress = (current - baseline) / (target - baseline), clamped to 0-100%; expected = the "
                         "share of the quarter elapsed; status compares progress with expected pace and confidence. "
                         "Grades (0.0-1.0) apply at quarter end; 0.6-0.7 is the sweet spot."))
    if not rows:
        sec.empty = f"No OKRs for {qp.describe()}{which}. Editors add objectives and key results on the OKRs page."
        return [sec]
    sec.lead = summary or f"{len(rows)} key results in {qp.describe()}{which}."
    sec.items.append(TextItem(text=sec.lead, tone="info"))
    df = pd.DataFrame(rows)
    sec.items.append(ChartItem(chart_id="okr_progress", title=f"Key result progress, {qp.label}",
                               spec=charts.okr_progress_chart(df, f"Key result progress vs expected pace, {qp.label}").to_dict(),
                               plot=ChartPlot(kind="bar", unit=Unit.FRACTION, y_title="Progress towards target",
                                              categories=[str(r["kr"]) for r in rows],
                                              series=[ChartSeries(name="Progress", values=[r["progress"] for r in rows]),
                                                      ChartSeries(name="Expected by now",
                                                                  values=[r["expected"] for r in rows])]),
                               alt=f"Bar chart of progress for {len(rows)} key results with expected-pace ticks."))
    graded = any(r["grade"] is not None for r in rows)
    cols = [Column(key="objective", label="Objective"), Column(key="kr", label="Key result"),
            Column(key="progress", label="Progress", unit="fraction"),
            Column(key="expected", label="Expected by now", unit="fraction"),
            Column(key="status", label="Status"), Column(key="confidence", label="Confidence (0-10)", unit="score")]
    if graded:
        cols.append(Column(key="grade", label="Grade", unit="score"))
    sec.items.append(TableItem(title="Key results", columns=cols, rows=rows))
    return [sec]


def _section_roadmap(ctx: _Ctx) -> list[Section]:
    inits = [i for i in ctx.memo("initiatives", lambda: nb.initiatives(ctx.store))
             if _g(i, "status") in ctx.audience.roadmap_statuses]
    inits.sort(key=lambda i: (_STATUS_ORDER.get(_g(i, "status"), 9), _rank(i), _g(i, "title", "")))
    sec = Section(id="roadmap", title="Roadmap: top items",
                  notes=("Ordered by status (in progress first), then by the best rank across the scoring methods. "
                         "Delivery = done / total work items linked through the Jira epic or label. Health is set by "
                         "the initiative's owner."))
    if not inits:
        statuses = ", ".join(_label(s) for s in ctx.audience.roadmap_statuses)
        sec.empty = f"No initiatives with status {statuses}. Editors add them on the Roadmap page."
        return [sec]
    top = inits[: ctx.audience.max_items]
    at_risk = [i for i in top if _g(i, "health") in ("at_risk", "off_track")]
    shown = f"showing {len(top)} of {plural(len(inits), 'initiative')}" if len(top) < len(inits) else \
        f"{plural(len(top), 'initiative')} shown"
    if at_risk:
        names = join_words([str(_g(i, "title")) for i in at_risk[:3]]) + (f" and {len(at_risk) - 3} more" if len(at_risk) > 3 else "")
        sec.lead = f"{names} {agree(len(at_risk), 'needs', 'need')} attention; {shown}."
    else:
        sec.lead = f"Every initiative is on track; {shown}." if len(top) > 1 else f"On track; {shown}."
    rows = [{"title": _g(i, "title"), "status": _label(_g(i, "status")), "health": _label(_g(i, "health")),
             "when": _when(i), "delivery": _delivery(i),
             "krs": "; ".join(str(_g(k, "title", "")) for k in (_g(i, "key_results", []) or []))} for i in top]
    sec.items.append(TableItem(title="Initiatives", rows=rows, columns=[
        Column(key="title", label="Initiative"), Column(key="status", label="Status"),
        Column(key="health", label="Health"), Column(key="when", label="When"),
        Column(key="delivery", label="Delivery (work items done)", unit="fraction"),
        Column(key="krs", label="Key results it should move")]))
    return [sec]


def _section_shipped(ctx: _Ctx) -> list[Section]:
    inits = ctx.memo("initiatives", lambda: nb.initiatives(ctx.store))
    shipped = [i for i in inits if _g(i, "status") in ("launched", "measured")]
    if not ctx.period.is_all:
        in_period = [i for i in shipped if _g(i, "launch_date") and ctx.period.contains(_as_date(_g(i, "launch_date")))]
        shipped_words = f"Shipped in {ctx.period.describe()}"
    else:
        in_period, shipped_words = shipped, "Shipped"
    in_period.sort(key=lambda i: _as_date(_g(i, "launch_date")) or dt.date.min, reverse=True)
    nxt = [i for i in inits if _g(i, "status") in ("in_progress", "planned")]
    nxt.sort(key=lambda i: (_STATUS_ORDER.get(_g(i, "status"), 9), _as_date(_g(i, "end_date")) or dt.date.max))
    sec = Section(id="shipped", title="What shipped and what ships next",
                  notes="Shipped = initiatives with status launched or measured, by launch date. Next = in progress "
                        "or planned, soonest end date first.")
    if not shipped and not nxt:
        sec.empty = "No launched, in-progress or planned initiatives on the roadmap yet."
        return [sec]
    sec.lead = (f"{plural(len(in_period), 'launch')} {('in ' + ctx.period.describe()) if not ctx.period.is_all else 'so far'}; "
                f"{len(nxt)} coming next.")
    sec.items.append(BulletsItem(title=shipped_words, bullets=[
        f"{_g(i, 'title')} — {_when(i)}" + (f": {_g(i, 'solution')}" if _g(i, "solution") else "") for i in in_period]
        or ["Nothing launched in this period."]))
    sec.items.append(BulletsItem(title="Ships next", bullets=[
        f"{_g(i, 'title')} — {_label(_g(i, 'status'))}, {_when(i)}"
        + (f" ({_delivery(i):.0%} of work items done)" if _delivery(i) is not None else "") for i in nxt[: ctx.audience.max_items]]
        or ["Nothing in progress or planned."]))
    return [sec]


def _section_risks(ctx: _Ctx) -> list[Section]:
    qp, rows, _ = _okr_rows(ctx)
    inits = ctx.memo("initiatives", lambda: nb.initiatives(ctx.store))
    metric_items = ctx.memo("metric_items", lambda: [metric_item(ctx, k) for k in ctx.audience.metrics])
    kr_risks = [f"{r['kr']} — {r['status']}: {format_value(r['progress'], Unit.FRACTION, digits=0)} done vs {format_value(r['expected'], Unit.FRACTION, digits=0)} expected"
                for r in rows if r["status"] in ("At risk", "Off track")]
    init_risks = [f"{_g(i, 'title')} — {_label(_g(i, 'health'))} ({_label(_g(i, 'status'))}, {_when(i)})"
                  for i in inits if _g(i, "health") in ("at_risk", "off_track")
                  and _g(i, "status") not in ("launched", "measured")]
    worse = [f"{m.label} — {m.value_text}, {m.change_text} vs previous period" for m in metric_items if m.trend == "worse"]
    sec = Section(id="risks", title="Risks",
                  notes=(f"Key results of {qp.label} whose status is At risk or Off track; initiatives whose owner marked "
                         "them at risk or off track (launched ones excluded); headline metrics that moved the wrong "
                         "way against the previous period."))
    n = len(kr_risks) + len(init_risks) + len(worse)
    if not rows and not inits and all(m.value is None for m in _data_metrics(metric_items)):
        sec.empty = "No OKRs, roadmap or metrics yet, so no risks can be assessed."
        return [sec]
    what = join_words([plural(len(kr_risks), "key result") if kr_risks else "",
                       plural(len(init_risks), "initiative") if init_risks else "",
                       plural(len(worse), "metric") if worse else ""])
    sec.lead = (f"{what} {agree(n, 'needs', 'need')} attention." if n else
                "Nothing flagged: key results on pace, initiatives healthy, metrics steady.")
    if kr_risks:
        sec.items.append(BulletsItem(title=f"Key results at risk ({qp.label})", bullets=kr_risks))
    if init_risks:
        sec.items.append(BulletsItem(title="Initiatives at risk", bullets=init_risks))
    if worse:
        sec.items.append(BulletsItem(title="Metrics moving the wrong way", bullets=worse))
    if not n:
        sec.items.append(TextItem(text=sec.lead, tone="success"))
    return [sec]


def _experiment_rows(store: Store) -> list[dict]:
    out = []
    for e in nb.experiment_names(store):
        name = e if isinstance(e, str) else (_g(e, "name") or _g(e, "experiment"))
        try:
            res = nb.analyse_experiment(store, name)
        except nb.ExperimentError as exc:  # e.g. a single-variant file: listed with the reason
            res = {"verdict": f"not analysed: {exc}"}
        out.append({"name": name, "result": res})
    return out


def _section_experiments(ctx: _Ctx) -> list[Section]:
    exps = ctx.memo("experiments", lambda: _experiment_rows(ctx.store))
    sec = Section(id="experiments", title="Experiments (A/B tests)",
                  notes=("Lift = treatment rate minus control rate (absolute, in percentage points) and relative to "
                         "control; 95% confidence interval of the difference; two-sided p-value; SRM p-value tests "
                         "the traffic split (below 0.001 means the split is broken and the result is not trusted)."))
    if not exps:
        sec.empty = "No experiments imported. Import per-user exposures or per-variant totals as an experiment file."
        return [sec]
    rows = []
    for e in exps:
        r = e["result"]
        ci = _g(r, "ci95") or (None, None)
        rows.append({"experiment": human_name(e["name"]), "verdict": _g(r, "verdict", ""),
                     "abs_lift": as_number(_g(r, "abs_lift")), "rel_lift": as_number(_g(r, "rel_lift")),
                     "ci_low": as_number(ci[0]) if ci else None, "ci_high": as_number(ci[1]) if ci else None,
                     "p_value": as_number(_g(r, "p_value")), "srm_p_value": as_number(_g(r, "srm_p_value"))})
    first = exps[0]
    shown = human_name(first["name"])  # 'ab_test_verified_wifi_filter' reads 'Verified WiFi filter'
    verdict = _g(first["result"], "verdict", "") or "no verdict yet"
    sec.lead = f"{shown}: {verdict}" + (f" (the first of {plural(len(exps), 'experiment')})." if len(exps) > 1 else "")
    vdf = _variants_df(first["result"])
    if not vdf.empty and vdf["rate"].notna().any():
        sec.items.append(ChartItem(
            chart_id=f"experiment_{first['name']}", title=f"{shown}: conversion by variant",
            spec=charts.experiment_chart(vdf, f"{shown}: conversion by variant (95% interval)").to_dict(),
            plot=ChartPlot(kind="column", unit=Unit.FRACTION, x_title="Variant", y_title="Conversion",
                           categories=[str(v) for v in vdf["variant"]],
                           series=[ChartSeries(name="Conversion", values=[as_number(v) for v in vdf["rate"]])]),
            alt=f"Bar chart of conversion rate per variant of {shown} with 95% intervals.",
            data=TableItem(title="Variants", columns=[
                Column(key="variant", label="Variant"), Column(key="users", label="Users", unit="int"),
                Column(key="conversions", label="Conversions", unit="int"),
                Column(key="rate", label="Conversion", unit="fraction")], rows=vdf.to_dict("records"))))
    sec.items.append(TableItem(title="Results", rows=rows, columns=[
        Column(key="experiment", label="Experiment"), Column(key="abs_lift", label="Lift (abs)", unit="fraction"),
        Column(key="rel_lift", label="Lift (relative)", unit="fraction"),
        Column(key="ci_low", label="95% CI low", unit="fraction"), Column(key="ci_high", label="95% CI high", unit="fraction"),
        Column(key="p_value", label="p-value", unit="ratio"), Column(key="srm_p_value", label="SRM p-value", unit="ratio"),
        Column(key="verdict", label="Verdict")]))
    return [sec]


def _section_feedback(ctx: _Ctx) -> list[Section]:
    start, end = (None, None) if ctx.period.is_all else (ctx.period.start, ctx.period.end)
    df = ctx.memo("comments", lambda: q.survey_comments(ctx.store, start, end))
    workspace_themes = ctx.memo("feedback_themes", lambda: list_themes(ctx.store))
    sec = Section(id="feedback", title="What customers are saying",
                  notes=("Themes: a comment counts for a theme when it contains one of the theme's keywords as a whole "
                         "word (case-insensitive); a comment can count for several themes, and one that contains no "
                         "theme's keyword is counted as matching no theme. The themes are the workspace's (editors "
                         "change them on the Stakeholder views page). Keywords per theme: "
                         + "; ".join(f"{t}: {', '.join(w)}" for t, w in workspace_themes.items()) + "."))
    if df.empty:
        counts = q.survey_counts(ctx.store)
        sec.empty = (f"No survey comments in {ctx.period.describe()}." if counts else
                     "No survey responses imported. Import an NPS or CSAT export (score and comment columns).")
        return [sec]
    comments = df["comment"].tolist()
    themes = feedback_themes(comments, workspace_themes)
    unmatched, total = unmatched_comments(comments, workspace_themes)
    none_words = unmatched_text(unmatched, total)
    if themes.empty:
        sec.lead = f"{len(df):,} comments in {ctx.period.describe()}; {none_words}."
    elif total and unmatched * 2 >= total:
        # Most comments fit no theme: say so first, so no theme reads as what customers mostly talk about.
        sec.lead = (f"{len(df):,} comments in {ctx.period.describe()}; {none_words}; of the rest, most mentioned: "
                    + ", ".join(themes["theme"].head(3)) + ".")
    else:
        sec.lead = (f"{len(df):,} comments in {ctx.period.describe()}; most mentioned: "
                    + ", ".join(themes["theme"].head(3)) + "." + (f" {none_words[:1].upper()}{none_words[1:]}." if none_words else ""))
    if none_words:
        sec.items.append(TextItem(text=f"{none_words[:1].upper()}{none_words[1:]}: editors can add themes and keywords "
                                       "on the Stakeholder views page.", tone="info"))
    if not themes.empty:
        sec.items.append(ChartItem(chart_id="feedback_themes", title="Comments per theme",
                                   spec=charts.themes_chart(themes, f"Survey comments per theme, {ctx.period.label}").to_dict(),
                                   plot=ChartPlot(kind="bar", unit=Unit.COUNT, y_title="Comments",
                                                  categories=[str(t) for t in themes["theme"]],
                                                  series=[ChartSeries(name="Comments",
                                                                      values=[float(c) for c in themes["comments"]])]),
                                   alt=f"Bar chart of comment counts for {len(themes)} themes.",
                                   data=TableItem(title="Themes", columns=[
                                       Column(key="theme", label="Theme"), Column(key="comments", label="Comments", unit="int"),
                                       Column(key="share", label="Share of comments", unit="fraction"),
                                       Column(key="example", label="Example comment")], rows=themes.to_dict("records"))))
    latest = df.head(10)
    sec.items.append(TableItem(title="Latest comments", columns=[
        Column(key="responded_at", label="Date", unit="date"), Column(key="scale", label="Survey"),
        Column(key="score", label="Score", unit="score"), Column(key="comment", label="Comment")],
        rows=[{"responded_at": _as_date(r.responded_at), "scale": str(r.scale).upper(), "score": as_number(r.score),
               "comment": r.comment} for r in latest.itertuples()]))
    return [sec]


def _section_known_issues(ctx: _Ctx) -> list[Section]:
    start, end = (None, None) if ctx.period.is_all else (ctx.period.start, ctx.period.end)
    counts = q.bug_counts(ctx.store, start, end)
    bugs = q.open_bugs(ctx.store, limit=ctx.audience.max_items * 2)
    sec = Section(id="known_issues", title="Known issues",
                  notes="Open bugs = work items of type Bug (in any language the importer knows) not in a done status.")
    if not counts["open"] and not counts["created"] and not counts["resolved"]:
        sec.empty = "No bugs in the imported work items (or no work items imported: import a Jira, Linear or GitHub export)."
        return [sec]
    sec.lead = (f"{plural(counts['open'], 'open bug')}; in {ctx.period.describe()} {counts['created']} reported and "
                f"{counts['resolved']} fixed.")
    sec.items.append(TextItem(text=sec.lead, tone="warning" if counts["open"] else "success"))
    if not bugs.empty:
        sec.items.append(TableItem(title="Open bugs, newest first", columns=[
            Column(key="key", label="Key"), Column(key="title", label="Title"), Column(key="status", label="Status"),
            Column(key="priority", label="Priority"), Column(key="created", label="Reported", unit="date")],
            rows=[{"key": r.key, "title": r.title, "status": r.status, "priority": r.priority,
                   "created": _as_date(r.created)} for r in bugs.itertuples()]))
    return [sec]


def _section_battle_cards(ctx: _Ctx) -> list[Section]:
    inits = ctx.memo("initiatives", lambda: nb.initiatives(ctx.store))
    cands = [(i.id, i.title) for i in inits if _g(i, "status") in BATTLE_CARD_STATUSES]
    if ctx.initiative:
        cands = [c for c in cands if c[0] == ctx.initiative] or cands
    if not cands:
        return [Section(id="battle_cards", title="Battle cards",
                        empty="No launched or planned initiatives yet: battle cards are made from the roadmap.")]
    inits = ctx.memo("initiatives", lambda: nb.initiatives(ctx.store))
    return [battle_card(ctx.store, iid, ctx.today, inits) for iid, _ in cands[: ctx.audience.max_items]]


def _section_debrief(ctx: _Ctx) -> list[Section]:
    inits = ctx.memo("initiatives", lambda: nb.initiatives(ctx.store))
    cands = [(i.id, i.title) for i in inits if _g(i, "status") in DEBRIEF_STATUSES]
    if ctx.initiative:
        cands = [c for c in cands if c[0] == ctx.initiative] or cands
    if not cands:
        return [Section(id="debrief", title="Engineering debrief",
                        empty="No launched initiatives yet: a debrief is written once an initiative launches.")]
    inits = ctx.memo("initiatives", lambda: nb.initiatives(ctx.store))
    return [debrief(ctx.store, iid, inits) for iid, _ in cands[: ctx.audience.max_items]]


# The section lists each AI feature's launch readiness; it appears in the engineering and executive
# briefings (and their exports) once a workspace has an AI evaluation or readiness record, else it
# adds nothing to the view.
def _section_ai(ctx: _Ctx) -> list[Section]:
    return nb.ai_sections(ctx.store)
