"""CLI: `retention`, `funnel` and `experiment` (JSON with --json, a short table otherwise)."""
from __future__ import annotations

import argparse
import datetime as dt
import sys

from ..cli import CliError, emit
from ..experiments import ExperimentError, analyse
from ..formatting import fmt_days, fmt_int, fmt_pct, fmt_pp
from .. import segments
from ..growth import (ATTEMPT_TEXT, GrowthError, days_active_histogram, event_names, funnel, funnel_trend,
                      retention_table, stickiness_series)
from ..periods import PeriodError, parse_period
from ..settings import get_setting
from ..store import Store
from ..cli_ranges import add_range_args, period_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("retention", help="retention cohorts and the weighted mean per period")
    p.add_argument("--unit", choices=["hour", "day", "week", "month"], default="week", help="cohort period (weeks start Monday, UTC)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--first-time", dest="first_time", action="store_true", default=True,
                   help="cohort = period of a user's first event (default)")
    g.add_argument("--recurring", dest="first_time", action="store_false",
                   help="a user belongs to every period they were active in")
    p.add_argument("--mode", choices=["on", "on_or_after"], default="on",
                   help="'on': active in period k exactly; 'on_or_after': in period k or later")
    p.add_argument("--max-k", type=int, default=12, help="how many periods after the cohort to report (default 12)")
    p.add_argument("--start-event", default=None, metavar="EVENT",
                   help="event that puts a user in a cohort, e.g. signed_up (default: any event)")
    p.add_argument("--return-event", default=None, metavar="EVENT",
                   help="event that counts as coming back, e.g. booking_completed (default: any event)")
    p.add_argument("--min-events", type=int, default=1, metavar="N",
                   help="return events a user needs in a period to count as retained in it (default 1)")
    p.add_argument("--period", default="all",
                   help="keep cohorts that start in this period (2026-05, 2026-Q1, 2026, all); cells then run to its "
                        "end with zeros, as PostHog pads them (default all: cells stop at the last event)")
    add_range_args(p, compare=False)
    p.add_argument("--segment", action="append", metavar="PROPERTY=VALUE", help=segments.CLI_HELP)
    p.add_argument("--source", action="append", metavar="TOOL", help=segments.SOURCE_HELP)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_retention)

    p = sub.add_parser("funnel", help="ordered funnel of 2-5 events with a conversion window")
    p.add_argument("--steps", required=True, help="comma-separated event names, e.g. search,booking_completed")
    p.add_argument("--window-days", type=int, default=None,
                   help="days after an attempt's start event within which later steps count (default: setting conversion_window_days)")
    p.add_argument("--window", default=None, metavar="DURATION",
                   help="conversion window as a duration, e.g. 30m, 1h, 14d (overrides --window-days)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--any-attempt", dest="attempt", action="store_const", const="any", default="any",
                   help="every start event begins an attempt; a user converts if any attempt does (PostHog's default; the default)")
    g.add_argument("--first-attempt", dest="attempt", action="store_const", const="first",
                   help="only a user's first start event counts (as the conversion rate KPI)")
    p.add_argument("--exclude", action="append", default=[], metavar="EVENT[:FROM-TO]",
                   help="exclusion step: an attempt with this event between steps FROM and TO (1-based; default the "
                        "first and last) drops out, as in PostHog; repeat for several")
    p.add_argument("--trend", choices=["day", "week", "month"], default=None,
                   help="also give conversion by the period users entered (re-entry counts again in a later period)")
    p.add_argument("--period", default="all", help="keep attempts that start in this period (2026-05, 2026-Q3, 2026, "
                                                  "a range 2026-11-01..2026-11-30, last-30d, this-month, ytd, all)")
    add_range_args(p, compare=False)
    p.add_argument("--segment", action="append", metavar="PROPERTY=VALUE", help=segments.CLI_HELP)
    p.add_argument("--source", action="append", metavar="TOOL", help=segments.SOURCE_HELP)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_funnel)

    p = sub.add_parser("stickiness", help="mean DAU over calendar days, stickiness per month, and the days-active histogram")
    p.add_argument("--period", default=None,
                   help="month (or range) of the days-active histogram, e.g. 2026-05 (default: the last month in the data)")
    p.add_argument("--segment", action="append", metavar="PROPERTY=VALUE", help=segments.CLI_HELP)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_stickiness)

    p = sub.add_parser("experiment", help="A/B test result: rates, lift, CI, p-value, sample-ratio check, verdict")
    p.add_argument("--name", default=None, help="experiment name (default: the most recently imported)")
    p.add_argument("--split", default=None, help="expected split per variant, control first, e.g. 50,50 (default: setting experiment_split, else equal)")
    p.add_argument("--control", default=None, help="variant to treat as control (default: 'control'/'A'/..., else the first alphabetically)")
    p.add_argument("--treatment", default=None,
                   help="variant the headline compares with control (default: the first other alphabetically); every "
                        "variant is compared with control, Holm-corrected when there are 3 or more")
    p.add_argument("--verdict-test", choices=["relative", "absolute"], default=None,
                   help="test that decides the verdict (default: setting experiment_verdict_test): 'relative' = "
                        "delta-method lift as PostHog/GrowthBook, 'absolute' = pooled z-test of the difference")
    p.add_argument("--planned-users", type=int, default=None, metavar="N",
                   help="planned users per variant (default: setting experiment_planned_users; 0 = none); below it "
                        "the always-valid sequential p-value decides")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_experiment)


def _today(store: Store) -> dt.date:
    from ..periods import today_in

    return today_in(get_setting(store, "time_zone"))


def _retention(args, store: Store) -> int:
    args.period = period_text(args, _today(store))
    try:
        p = parse_period(args.period or "all", today=_today(store))
        end = None if p.end is None else p.end - dt.timedelta(days=1)
        res = retention_table(store, unit=args.unit, first_time=args.first_time, mode=args.mode,
                              segment=segments.from_cli(args.segment, args.source), max_k=args.max_k, cohort_start=p.start,
                              cohort_end=end, start_event=args.start_event, return_event=args.return_event,
                              min_events=args.min_events, range_end=end)
    except (GrowthError, PeriodError, ValueError) as exc:
        raise CliError(f"retention: {exc}") from None
    out = {
        "unit": res.unit, "first_time": res.first_time, "mode": res.mode,
        "start_event": res.start_event, "return_event": res.return_event, "min_events": res.min_events,
        "period": p.label, "padded_to_range_end": res.padded,
        "last_period": res.last_period.isoformat() if res.last_period else None,
        "weighted": {str(k): v for k, v in res.weighted.items()},
        "cohorts": [{"cohort": c.cohort.isoformat(), "size": c.size,
                     "retained": {str(k): n for k, n in c.retained.items()}} for c in res.cohorts],
    }
    if args.json:
        emit(out)
        return 0
    if not res.cohorts:
        print("No events imported yet: nothing to compute retention from.")
        return 0
    kind = "first-time" if res.first_time else "recurring"
    start = f"'{res.start_event}'" if res.start_event else "any event"
    back = f"'{res.return_event}'" if res.return_event else "any event"
    times = f" at least {res.min_events} times" if res.min_events > 1 else ""
    end = (f"cells run to the end of {p.label} (zeros after the data, as PostHog)" if res.padded
           else f"cells stop at the last {res.unit} in the data, starting {res.last_period}")
    print(f"Retention by {res.unit} ({kind} users: cohort by {start}, retained when they did {back}{times}, "
          f"{res.mode.replace('_', ' ')} period N); {end}")
    ks = [k for k, v in res.weighted.items() if v is not None]
    print(f"{'cohort':<12}{'users':>8}" + "".join(f"{res.unit[0] + str(k):>6}" for k in ks))
    for c in res.cohorts:
        cells = "".join(f"{fmt_pct(c.retained[k] / c.size, 0) if k in c.retained and c.size else '':>6}" for k in ks)
        print(f"{c.cohort.isoformat(timespec='minutes') if res.unit == 'hour' else c.cohort.isoformat():<12}{c.size:>8}{cells}")
    print(f"{'weighted':<12}{'':>8}" + "".join(f"{fmt_pct(res.weighted[k], 0):>6}" for k in ks))
    return 0


def _funnel(args, store: Store) -> int:
    args.period = period_text(args, _today(store))
    steps = [s.strip() for s in args.steps.split(",") if s.strip()]
    window = args.window_days if args.window_days is not None else int(get_setting(store, "conversion_window_days"))
    try:
        seg = segments.from_cli(args.segment, args.source)
        res = funnel(store, steps, window_days=window, period=args.period, segment=seg, window=args.window,
                     attempt=args.attempt, exclusions=args.exclude)
        trend = None if args.trend is None else funnel_trend(
            store, steps, unit=args.trend, window_days=window, window=args.window, attempt=args.attempt,
            exclusions=args.exclude, segment=seg, period=args.period)
    except (GrowthError, PeriodError, ValueError) as exc:
        raise CliError(f"funnel: {exc}") from None
    known = set(event_names(store))
    missing = [s for s in steps if s not in known]
    if missing:
        print(f"note: no events named {', '.join(repr(m) for m in missing)} in this workspace", file=sys.stderr)
    if args.json:
        out = {"steps": [s.model_dump() for s in res.steps], "conversion": res.conversion,
               "window_days": res.window_days, "window_seconds": res.window_seconds, "attempt": res.attempt,
               "exclusions": [e.model_dump() for e in res.exclusions], "period": res.period}
        if trend is not None:
            out["trend"] = [{"period_start": r.period_start.isoformat(), "entered": int(r.entered),
                             "converted": int(r.converted),
                             "conversion": None if r.conversion is None or r.conversion != r.conversion else float(r.conversion),
                             "complete": bool(r.complete)} for r in trend.itertuples(index=False)]
        emit(out)
        return 0
    print(f"Funnel, {res.window_label} window, {ATTEMPT_TEXT[res.attempt]}; attempts starting in: {res.period}")
    for e in res.exclusions:
        print(f"Excluded: attempts with '{e.event}' between step {e.from_step} and step {e.to_step}")
    for i, s in enumerate(res.steps, 1):
        # fmt_days reads under a day in hours and under an hour in minutes
        t = fmt_days(s.median_seconds_to_convert / 86400) if s.median_seconds_to_convert is not None else ""
        a = fmt_days(s.mean_seconds_to_convert / 86400) if s.mean_seconds_to_convert is not None else ""
        print(f"{i}. {s.event:<28}{fmt_int(s.users):>10}  {fmt_pct(s.conversion_from_start):>7} of start"
              + (f"  median {t}, mean {a} from previous step" if t else ""))
    print(f"Conversion: {fmt_pct(res.conversion)}")
    if trend is not None:
        print(f"By {args.trend} of entry (entered, converted, conversion):")
        for r in trend.itertuples(index=False):
            rate = fmt_pct(r.conversion) if r.entered else "—"
            print(f"  {r.period_start.isoformat()}  {fmt_int(r.entered):>8}  {fmt_int(r.converted):>8}  {rate:>7}"
                  + ("" if r.complete else "  (still converting)"))
    return 0



def _stickiness(args, store: Store) -> int:
    try:
        seg = segments.parse(args.segment)
        st = stickiness_series(store, seg)
        period = args.period or (f"{st['month'].iloc[-1]:%Y-%m}" if not st.empty else None)
        hist = days_active_histogram(store, period, seg) if period else None
    except (GrowthError, PeriodError, ValueError) as exc:
        raise CliError(f"stickiness: {exc}") from None
    months = [{"month": m.isoformat(), "mau": int(a), "mean_dau": float(d), "stickiness": float(s),
               "days_with_events": int(e), "calendar_days": int(c)}
              for m, a, d, s, e, c in st[["month", "mau", "mean_dau", "stickiness", "days_with_events",
                                          "calendar_days"]].itertuples(index=False)]
    days = [] if hist is None else [{"days_active": int(d), "users": int(u)} for d, u in hist.itertuples(index=False)]
    if args.json:
        emit({"months": months, "histogram_period": period, "days_active": days})
        return 0
    if not months:
        print("No events imported yet: nothing to compute stickiness from.")
        return 0
    print("Stickiness per month (mean DAU over calendar days, a day without events counting as 0, / MAU)")
    print(f"{'month':<10}{'MAU':>10}{'mean DAU':>11}{'stickiness':>12}{'days':>7}{'with events':>13}")
    for r in months:
        print(f"{r['month'][:7]:<10}{fmt_int(r['mau']):>10}{r['mean_dau']:>11,.1f}{fmt_pct(r['stickiness']):>12}"
              f"{r['calendar_days']:>7}{r['days_with_events']:>13}")
    print(f"Users by days active in {period}:")
    for r in days:
        print(f"  {r['days_active']:>3} {'day ' if r['days_active'] == 1 else 'days'} {fmt_int(r['users']):>8}")
    return 0


def _experiment(args, store: Store) -> int:
    split = None
    if args.split:
        try:
            split = [float(v) for v in args.split.split(",") if v.strip()]
        except ValueError:
            raise CliError(f"experiment: --split must be numbers separated by commas, got {args.split!r}") from None
    try:
        r = analyse(store, args.name, split=split, control=args.control, treatment=args.treatment,
                    verdict_test=args.verdict_test, planned_users=args.planned_users)
    except ExperimentError as exc:
        raise CliError(f"experiment: {exc}") from None
    if args.json:
        d = r.model_dump()
        d["ci95"] = list(r.ci95)
        for k in ("rel_ci95", "seq_ci95"):
            d[k] = list(d[k])
        for c in d["comparisons"]:
            for k in ("abs_ci", "rel_ci", "seq_ci"):
                c[k] = list(c[k])
        emit(d)
        return 0
    print(f"Experiment {r.experiment} ({r.source})")
    for v in r.variants:
        print(f"  {v.name:<20}{fmt_int(v.users):>10} users{fmt_int(v.conversions):>10} conversions  {fmt_pct(v.rate, 2):>8}")
    for c in r.comparisons:
        rel = (f"{c.rel_lift * 100:+.1f}% (95% CI {c.rel_ci[0] * 100:+.1f}% to {c.rel_ci[1] * 100:+.1f}%, p = {c.rel_p:.3g})"
               if c.rel_lift is not None else "n/a (control has no conversions)")
        print(f"{c.treatment} vs {r.control}: absolute {fmt_pp(c.abs_lift, 2)} (95% CI {fmt_pp(c.abs_ci[0], 2)} to "
              f"{fmt_pp(c.abs_ci[1], 2)}, p = {c.abs_p:.3g}); relative {rel}; always-valid p = {c.seq_p:.3g}"
              + (f"; Holm-corrected p = {c.p_adjusted:.3g}" if r.correction == "holm" else ""))
    print(f"Verdict test: {r.decided_by}" + (" (sequential: planned sample size not reached)" if r.sequential else ""))
    print(f"Sample ratio check: p = {r.srm_p_value:.3g} ({'ok' if r.srm_ok else 'MISMATCH'})")
    print(r.verdict)
    return 0
