"""CLI: `audit [--json] [--actor A] [--action X] [--object-type T] [--since DATE] [--until DATE] [--limit N]`.

Who changed what and when, newest first (the Data page's activity log, from the command line).
"""
from __future__ import annotations

import argparse
import datetime as dt

from ..audit import ACTIONS, OBJECT_TYPES, list_audit
from ..auth import CLI_ACTOR
from ..cli import CliError, emit
from ..store import Store


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return n


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="the audit log: who changed what and when, newest first")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--actor", metavar="EMAIL", help="only this person's changes ('cli' for the command line)")
    p.add_argument("--action", choices=list(ACTIONS), help="only this kind of change")
    p.add_argument("--object-type", choices=list(OBJECT_TYPES), help="only changes to this kind of object")
    p.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="from this day (UTC) on")
    p.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="up to and including this day (UTC)")
    p.add_argument("--limit", type=_positive, default=200, metavar="N", help="at most N rows (default 200)")
    p.set_defaults(func=_audit)


def _audit(args, store: Store) -> int:
    if args.since and args.until and args.until < args.since:
        raise CliError(f"audit: --until {args.until} is before --since {args.since}")
    rows = list_audit(store, CLI_ACTOR, person=args.actor, action=args.action, object_type=args.object_type,
                      since=args.since, until=args.until, limit=args.limit)
    if args.json:
        emit([{"id": r["id"], "time": r["time"].strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "actor": r["actor"],
               "action": r["action"], "object_type": r["object_type"], "object_id": r["object_id"],
               "object_name": r["object_name"], "summary": r["summary"]} for r in rows])
        return 0
    if not rows:
        print("No changes recorded" + (" for these filters." if any(
            (args.actor, args.action, args.object_type, args.since, args.until)) else " yet."))
    for r in rows:
        print(f"{r['when']}  {r['actor']:<24} {r['action_label']} {r['object_label'].lower()} "
              f"'{r['object_name'] or r['object_id']}': {r['summary'] or ''}")
    return 0
