"""The date-range options every period-taking CLI command shares: --from/--to, --last 30d, --compare (kept beside
cli.py: pm_core/commands holds one module per command)."""
from __future__ import annotations

import argparse
import datetime as dt

from .cli import CliError
from .periods import COMPARES, PeriodError, parse_period


def add_range_args(p: argparse.ArgumentParser, compare: bool = True) -> None:
    """Add --from, --to, --last (and --compare unless compare=False) to a command that already has --period."""
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                   help="start of a custom range, included (with --to; without it the range runs through today)")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="end of a custom range, included")
    p.add_argument("--last", metavar="RANGE",
                   help="a rolling range: 7d, 30d, 90d (any Nd: the N whole days before today), this-month, last-month, "
                        "this-quarter, last-quarter or ytd")
    if not compare:
        return
    p.add_argument("--compare", choices=list(COMPARES), default=None,
                   help="compare with the previous period of the same length (default) or the same dates a year before")


def period_text(args, today: dt.date) -> str | None:
    """Return the period text the range options ask for (args.period when none is given); CliError on a conflict or a bad date."""
    given = [n for n, v in (("--from", args.date_from), ("--to", args.date_to), ("--last", args.last)) if v]
    if not given:
        return args.period
    if getattr(args, "period", None) not in (None, "all"):
        raise CliError(f"give either --period or {'/'.join(given)}, not both")
    if args.last:
        if args.date_from or args.date_to:
            raise CliError("give either --last or --from/--to, not both")
        last = args.last.strip().lower()
        text = f"last-{last}" if last[:1].isdigit() else last  # '30d' reads as last-30d
        try:
            parse_period(text, today=today)
        except PeriodError as exc:
            raise CliError(f"--last: {exc}") from None
        return text
    if not args.date_from:
        raise CliError("--to needs --from (the first day of the range)")
    text = f"{args.date_from}..{args.date_to or today.isoformat()}"
    try:
        parse_period(text, today=today)
    except PeriodError as exc:
        raise CliError(f"--from/--to: {exc}") from None
    return text
