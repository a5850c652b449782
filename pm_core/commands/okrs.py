"""CLI: `okrs [--period 2026-Q3] [--json]` and `okrs checkin KR_ID VALUE [--confidence N] [--comment TEXT]`."""
from __future__ import annotations

import argparse
import datetime as dt

from ..auth import CLI_ACTOR
from ..cli import CliError, emit
from ..store import Store
from .. import okrs


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-25") from None


def register(sub: argparse._SubParsersAction) -> None:
    """Add `okrs` (list, --json) and `okrs checkin` to the CLI."""
    p = sub.add_parser("okrs", help="objectives and key results with progress, pace, status and grades")
    p.add_argument("--period", help="OKR period, e.g. 2026-Q3 (default: the current one, else the latest with objectives)")
    p.add_argument("--today", type=_date, help="judge pace as of this day (default: today)")
    p.add_argument("--pillar", help="only objectives of this pillar")
    p.add_argument("--owner", help="only objectives (or KRs) of this owner")
    p.add_argument("--status", choices=okrs.STATUSES, help="only key results with this status")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_list)
    osub = p.add_subparsers(dest="okrs_command", metavar="SUBCOMMAND")
    c = osub.add_parser("checkin", help="record a check-in on a key result")
    c.add_argument("kr_id")
    c.add_argument("value", type=float)
    c.add_argument("--confidence", type=int, help="0-10: how likely the team thinks the target is")
    c.add_argument("--comment")
    c.add_argument("--as-of", type=_date, help="the day the value describes (default: today, inside the period)")
    c.set_defaults(func=_checkin)


def _kr_json(k: okrs.KeyResultView) -> dict:
    return {"id": k.id, "title": k.title, "type": k.type, "baseline": k.baseline, "target": k.target,
            "unit": k.unit, "weight": k.weight, "current": k.current, "current_as_of": k.current_as_of,
            "progress": round(k.progress, 4), "expected": round(k.expected, 4), "status": k.status,
            "confidence": k.confidence, "grade": k.grade, "kpi": k.kpi, "link": k.link, "segment": k.segment,
            "checkins": k.checkins}


def _list(args, store: Store) -> int:
    try:
        period = args.period or okrs.default_period(store, args.today)
        views = okrs.list_okrs(store, period, args.today, pillar=args.pillar, owner=args.owner, status=args.status)
        summary = okrs.okr_summary(store, period, args.today)
    except okrs.OkrInputError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        emit({"period": period, "summary": summary, "thresholds": okrs.thresholds_text(),
              "objectives": [{"id": o.id, "title": o.title, "owner": o.owner, "pillar": o.pillar,
                              "period": o.period, "parent_id": o.parent_id, "progress": round(o.progress, 4),
                              "expected": round(o.expected, 4), "status": o.status, "confidence": o.confidence,
                              "grade": o.grade, "key_results": [_kr_json(k) for k in o.key_results]}
                             for o in views]})
        return 0
    print(f"OKRs {period}: {summary}")
    for o in views:
        print(f"\n{o.title}  [{okrs.STATUS_LABELS[o.status]}] progress {o.progress:.0%} (expected {o.expected:.0%})"
              + (f" grade {o.grade:.2f}" if o.grade is not None else ""))
        for k in o.key_results:
            print(f"  {k.id}  {okrs.STATUS_LABELS[k.status]:<15} {k.progress:>4.0%}  "
                  f"{okrs.format_kr_value(k.current, k.unit):>10} of {okrs.format_kr_value(k.target, k.unit):<10} {k.title}")
    return 0


def _checkin(args, store: Store) -> int:
    try:
        ci = okrs.add_checkin(store, CLI_ACTOR, args.kr_id, args.value, confidence=args.confidence,
                              comment=args.comment, as_of=args.as_of)
    except okrs.OkrInputError as exc:
        raise CliError(str(exc)) from None
    emit(ci.model_dump(mode="json"))
    return 0
