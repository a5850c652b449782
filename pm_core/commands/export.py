"""CLI: `export {pptx,xlsx,html,png} OUT [--audience A] [--period P | --from D --to D | --last 30d] [--segment k=v] [--chart N]`."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..audiences import AUDIENCE_IDS, DEFAULT_AUDIENCE, build_briefing, default_period
from ..cli import CliError, emit
from .. import exports  # the registry is read when the parser is built, so a new format needs no edit here
from .. import segments
from ..periods import PeriodError, parse_period
from ..store import Store
from ..cli_ranges import add_range_args, period_text


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `export` subcommand to the CLI."""
    p = sub.add_parser("export", help="write an audience's briefing as PowerPoint, Excel, HTML (or one chart as PNG)")
    p.add_argument("format", choices=[f.id for f in exports.EXPORT_FORMATS], help="file format")
    p.add_argument("out", type=Path, help="file to write (its folder must exist)")
    p.add_argument("--audience", default=DEFAULT_AUDIENCE, choices=AUDIENCE_IDS,
                   help=f"whose view (default {DEFAULT_AUDIENCE})")
    p.add_argument("--period", default=None,
                   help="2026-05, 2026-Q3, 2026, a range (2026-11-01..2026-11-30), last-30d, this-month, ytd or all "
                        "(default: the current quarter if the data covers it)")
    add_range_args(p)
    p.add_argument("--segment", action="append", default=None, metavar="PROPERTY=VALUE", help=segments.CLI_HELP)
    p.add_argument("--chart", type=int, default=1, help="png only: which chart of the briefing, 1 = first")
    p.set_defaults(func=_export)


def _export(args, store: Store) -> int:
    import datetime as dt

    if args.compare not in (None, "previous"):
        raise CliError("--compare: a briefing compares with the previous period; 'year' is for kpis")
    period = period_text(args, dt.datetime.now(dt.timezone.utc).date()) or default_period(store)
    try:
        parse_period(period)
    except PeriodError as exc:
        raise CliError(f"--period: {exc}") from None
    try:
        segment = segments.parse(args.segment).text() or None
    except ValueError as exc:
        raise CliError(f"--segment: {exc}") from None
    if not args.out.parent.exists():
        raise CliError(f"{args.out.parent} does not exist; create the folder or choose another OUT path")
    b = build_briefing(store, args.audience, period, segment=segment)
    if exports.EXPORT_BY_ID[args.format].of_chart:
        charts = exports.briefing_charts(b)
        if not charts:
            raise CliError(f"the {args.audience} view for {period} has no chart (no data behind any of its charts yet)")
        if not 1 <= args.chart <= len(charts):
            raise CliError(f"--chart must be between 1 and {len(charts)} for this view")
        data = exports.export_chart(charts[args.chart - 1].spec, args.format)
    else:
        data = exports.export_briefing(b, args.format)
    try:
        args.out.write_bytes(data)
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    emit({"file": str(args.out), "bytes": len(data), "format": args.format, "audience": args.audience,
          "period": b.period})
    return 0
