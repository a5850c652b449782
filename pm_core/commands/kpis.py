"""CLI: `kpis [--period P | --from D --to D | --last 30d] [--compare previous|year] [--segment PROPERTY=VALUE] [--source TOOL] [--json]`."""
from __future__ import annotations

import argparse
import datetime as dt

from ..cli import CliError, emit
from ..formatting import fmt_change, fmt_value
from ..kpi_defs import PILLAR_LABELS
from .. import segments
from ..metrics import compute_kpis
from ..periods import HEADLINE_RULE, PeriodError, parse_period, today_in
from ..settings import get_setting
from ..store import Store
from ..cli_ranges import add_range_args, period_text


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("kpis", help="the sixteen KPIs of the four pillars (plus DAU and stickiness) for one period")
    p.add_argument("--period", default="all",
                   help="a month (2026-05), a quarter (2026-Q2), a year (2026), a range (2026-11-01..2026-11-30), a rolling "
                        "range (last-30d, this-month, ytd) or 'all' (default). " + HEADLINE_RULE)
    add_range_args(p)
    p.add_argument("--segment", action="append", metavar="PROPERTY=VALUE", help=segments.CLI_HELP)
    p.add_argument("--source", action="append", metavar="TOOL", help=segments.SOURCE_HELP)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_kpis)


def _kpis(args, store: Store) -> int:
    today = today_in(get_setting(store, "time_zone"))
    text = period_text(args, today)
    try:
        period = parse_period(text, today=today, compare=args.compare)
        segment = segments.from_cli(args.segment, args.source)
        result = compute_kpis(store, period.label, segment, today=today, compare=period.compare)
    except (PeriodError, ValueError) as exc:
        raise CliError(f"kpis: {exc}") from None
    if args.json:
        out: dict = {"period": period.label}
        if not period.is_all:
            out["range"] = {"from": period.start.isoformat(), "to": (period.end - dt.timedelta(days=1)).isoformat(),
                            "compared_with": period.previous().label}
        if segment:
            out["segment"] = _segment_json(segment)
        if segment.sources:
            out["sources"] = list(segment.sources)
        for pillar, kpis in result.items():
            out[pillar] = {k: r.as_contract() | {"period": r.period, "extra": r.extra} for k, r in kpis.items()}
        emit(out)
        return 0
    currency = get_setting(store, "currency")
    seg = f" · segment {segment.text()}" if segment else ""
    print(f"KPIs for {period.describe()}{seg}" + (f", {period.compared_with()}" if not period.is_all else ""))
    for pillar, kpis in result.items():
        print(f"\n{PILLAR_LABELS[pillar]}")
        for r in kpis.values():
            value = fmt_value(r.value, r.unit, currency)
            change = fmt_change(r.value, r.previous, r.unit)
            tail = (r.note if r.extra.get("not_set") else f"not enough data: {r.note}") if r.value is None else (r.note or "")
            print(f"  {r.label:<32} {value:>12}  {change:>12}  [{r.period}] {tail}")
    return 0


def _segment_json(segment: segments.Segment) -> dict[str, str]:
    """Return {property: value} for the JSON output; several values read 'A|B' and 'is not' '!=A'."""
    return {c.key: ("!=" if c.negate else "") + "|".join(c.values) for c in segment.conditions}
