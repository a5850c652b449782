"""CLI: `breakdown --by PROPERTY [--kpi KEY | --unit day|week|month] [--top N] [--segment ...] [--json]`."""
from __future__ import annotations

import argparse

from .. import breakdowns, segments
from ..cli import CliError, emit
from ..formatting import fmt_value
from ..metrics import KPI_BY_KEY
from ..store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("breakdown", help="active users or a KPI per value of an event property (top N plus Other), "
                                        "with launches")
    p.add_argument("--by", required=True, metavar="PROPERTY", help="the event property to break down by (any name, e.g. $browser)")
    p.add_argument("--kpi", default=None, metavar="KEY", help="a KPI key (mau, conversion_rate, ...); default: active users")
    p.add_argument("--unit", choices=["day", "week", "month"], default="month", help="active users per day, week or month")
    p.add_argument("--top", type=int, default=5, help=f"how many values get their own line, 1-{breakdowns.MAX_TOP} "
                                                       "(default 5); the rest are 'Other'")
    p.add_argument("--segment", action="append", metavar="PROPERTY=VALUE", help=segments.CLI_HELP)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_breakdown)


def _breakdown(args, store: Store) -> int:
    try:
        seg = segments.parse(args.segment)
        if args.kpi:
            df = breakdowns.kpi(store, args.kpi, args.by, args.top, seg.text())
            col, unit = "value", KPI_BY_KEY[args.kpi].unit
        else:
            df = breakdowns.active_users(store, args.unit, args.by, args.top, seg.text())
            col, unit = "active_users", "users"
        notes = breakdowns.annotations(store)
    except KeyError as exc:
        raise CliError(f"breakdown: {exc.args[0]}") from None
    except ValueError as exc:
        raise CliError(f"breakdown: {exc}") from None
    groups = list(dict.fromkeys(df["group"]))
    if args.json:
        emit({"by": args.by, "kpi": args.kpi, "unit": None if args.kpi else args.unit, "segment": seg.text(),
              "groups": {g: [{"period_start": r.period_start.isoformat(), "value": getattr(r, col)}
                             for r in df[df["group"] == g].itertuples()] for g in groups},
              "annotations": [{"date": r.date.isoformat(), "label": r.label, "kind": r.kind} for r in notes.itertuples()]})
        return 0
    what = KPI_BY_KEY[args.kpi].label if args.kpi else f"Active users per {args.unit}"
    print(f"{what} by {args.by}" + (f" · segment {seg.text()}" if seg else ""))
    wide = df.pivot_table(index="period_start", columns="group", values=col, aggfunc="first").reindex(columns=groups)
    print("  " + "period".ljust(12) + "".join(f"{g[:14]:>16}" for g in groups))
    for p, row in wide.iterrows():
        print(f"  {p.isoformat():<12}" + "".join(f"{fmt_value(row[g], unit):>16}" for g in groups))
    for r in notes.itertuples():
        print(f"  {r.date.isoformat()}  {r.label}")
    return 0
