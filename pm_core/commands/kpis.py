"""CLI: `kpis [--period P] [--segment PROPERTY=VALUE] [--json]` — the four pillars' KPIs for one period."""
from __future__ import annotations

import argparse

from ..cli import CliError, emit
from ..formatting import fmt_change, fmt_value
from ..kpi_defs import PILLAR_LABELS
from .. import segments
from ..metrics import compute_kpis
from ..periods import PeriodError, parse_period
from ..settings import get_setting
from ..store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("kpis", help="the sixteen KPIs of the four pillars (plus DAU and stickiness) for one period")
    p.add_argument("--period", default="all",
                   help="a month (2026-05), a quarter (2026-Q2), a year (2026) or 'all' (default; monthly KPIs then use the latest month)")
    p.add_argument("--segment", action="append", metavar="PROPERTY=VALUE", help=segments.CLI_HELP)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_kpis)


def _kpis(args, store: Store) -> int:
    try:
        period = parse_period(args.period)
        segment = segments.parse(args.segment)
        result = compute_kpis(store, period.label, segment)
    except (PeriodError, ValueError) as exc:
        raise CliError(f"kpis: {exc}") from None
    if args.json:
        out: dict = {"period": period.label}
        if segment:
            out["segment"] = _segment_json(segment)
        for pillar, kpis in result.items():
            out[pillar] = {k: r.as_contract() | {"period": r.period, "extra": r.extra} for k, r in kpis.items()}
        emit(out)
        return 0
    currency = get_setting(store, "currency")
    seg = f" · segment {segment.text()}" if segment else ""
    print(f"KPIs for {period.describe()}{seg}")
    for pillar, kpis in result.items():
        print(f"\n{PILLAR_LABELS[pillar]}")
        for r in kpis.values():
            value = fmt_value(r.value, r.unit, currency)
            change = fmt_change(r.value, r.previous, r.unit)
            tail = f"not enough data: {r.note}" if r.value is None else (r.note or "")
            print(f"  {r.label:<32} {value:>12}  {change:>12}  [{r.period}] {tail}")
    return 0


def _segment_json(segment: segments.Segment) -> dict[str, str]:
    """Return {property: value} for the JSON output; several values read 'A|B' and 'is not' '!=A'."""
    return {c.key: ("!=" if c.negate else "") + "|".join(c.values) for c in segment.conditions}
