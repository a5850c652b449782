"""CLI: `salaries` (team pay percentiles with small groups hidden) and `ladder` (the career ladder and its bands)."""
from __future__ import annotations

import argparse

from ..career import GROUPINGS, CareerError, has_salaries, ladder, percentile_records, percentiles, reference_points, salary_issues, salary_min_group
from ..cli import CliError, emit
from ..formatting import Unit, format_value
from ..store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("salaries", help="pay percentiles (P10-P90) per group, with groups under the minimum size hidden")
    p.add_argument("--title", default=None, help="only rows with this title (case-insensitive), e.g. 'Product Manager'")
    p.add_argument("--by", choices=GROUPINGS, default="ladder_level",
                   help="group by ladder level (default), company level, title, company, location or years of experience")
    p.add_argument("--currency", default=None, help="only this currency (ISO code); others are never mixed in without --rate")
    p.add_argument("--rate", action="append", default=[], metavar="CODE=RATE",
                   help="convert CODE into --currency at RATE (1 CODE = RATE units), e.g. GBP=1.27; repeatable")
    p.add_argument("--min-group", type=int, default=None,
                   help="hide groups with fewer rows than this (default: the salary_min_group setting)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_salaries)

    p = sub.add_parser("ladder", help="the career ladder: levels, pay bands and reference points")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_ladder)


def _parse_rates(items: list[str]) -> dict[str, float]:
    rates = {}
    for item in items:
        code, sep, value = item.partition("=")
        try:
            rates[code.strip().upper()] = float(value)
        except ValueError:
            raise CliError(f"salaries: --rate expects CODE=RATE such as GBP=1.27, got {item!r}") from None
        if not sep or not code.strip():
            raise CliError(f"salaries: --rate expects CODE=RATE such as GBP=1.27, got {item!r}")
    return rates


def _salaries(args, store: Store) -> int:
    rates = _parse_rates(args.rate)
    if rates and not args.currency:
        raise CliError("salaries: --rate needs --currency (the currency to convert into)")
    if args.min_group is not None and args.min_group < 1:
        raise CliError("salaries: --min-group must be at least 1")
    try:
        df = percentiles(store, by=args.by, title=args.title, min_group=args.min_group,
                         currency=args.currency, rates=rates or None)
    except CareerError as exc:
        raise CliError(f"salaries: {exc}") from None
    limit = args.min_group or salary_min_group(store)
    groups = percentile_records(df)
    issues = salary_issues(store)
    out = {"by": args.by, "title": args.title, "min_group": limit, "figure": "total yearly pay",
           "method": "linear interpolation (DuckDB quantile_cont, numpy 'linear')",
           "groups": groups,
           "issues": {"count": len(issues), "left_out_of_figures": sum(i["count"] for i in issues if not i["in_figures"])}}
    if args.json:
        emit(out)
        return 0
    if not groups:
        left_out = sum(i["count"] for i in issues if not i["in_figures"])
        if not has_salaries(store):
            print("No salary rows yet. Import a Levels.fyi-style CSV with `import FILE`.")
        elif left_out:
            kinds = sorted({i["kind"].replace("_", " ") for i in issues if not i["in_figures"]})
            print(f"No salary figures: {left_out:,} salary row{'s are' if left_out != 1 else ' is'} stored but left out "
                  f"({', '.join(kinds)}). Rows without a currency: re-import with `import FILE --currency USD` "
                  "(or the file's currency).")
        else:
            print("No salary rows match" + (f" the title {args.title!r}" if args.title else "") + ".")
        return 0
    print(f"Total yearly pay by {args.by}{' for ' + args.title if args.title else ''} (groups under {limit} rows hidden)")
    print(f"  {'group':<30} {'cur':<4} {'n':>12} {'P25':>9} {'P50':>9} {'P75':>9}")
    for g in groups:
        figs = ["hidden"] * 3 if g["suppressed"] else [format_value(g[k], Unit.CURRENCY, currency=g["currency"]) for k in ("p25", "p50", "p75")]
        print(f"  {str(g['label'])[:30]:<30} {g['currency']:<4} {g['n_label']:>12} {figs[0]:>9} {figs[1]:>9} {figs[2]:>9}")
    if issues:
        print(f"{len(issues)} data issue(s); see the Career page's data issues panel.")
    return 0


def _ladder(args, store: Store) -> int:
    levels = ladder(store)
    points = reference_points(store)
    if args.json:
        emit({"levels": [dict(lv.model_dump(), band=lv.band_label) for lv in levels],
              "reference_points": [dict(p.model_dump(), display=p.display) for p in points]})
        return 0
    for lv in levels:
        print(f"{lv.rank}. {lv.name:<22} {lv.band_label:<16} {lv.scope} ({lv.source_label})")
    for p in points:
        print(f"   · {p.label}: {p.display} ({p.source_label})")
    return 0
