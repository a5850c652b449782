"""CLI: `strategy [--json]` (vision, PESTLE boards, market sizings with their arithmetic, competitive grids) and its
writes: `vision`, `sizing`, `archive`, `restore` (writes act as the cli editor; a viewer is refused with exit 3)."""
from __future__ import annotations

import argparse

from .. import strategy
from ..auth import CLI_ACTOR
from ..cli import CliError, emit
from ..store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("strategy", help="vision, PESTLE boards, market sizing (TAM/SAM/SOM) and competitive grids")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--archived", action="store_true", help="include archived boards, sizings and grids")
    p.set_defaults(func=_report)
    ssub = p.add_subparsers(dest="strategy_command", metavar="SUBCOMMAND")

    q = ssub.add_parser("vision", help="set the product vision statement and/or the strategy narrative")
    q.add_argument("--vision", help="the vision statement (one or two sentences)")
    q.add_argument("--narrative", help="the strategy narrative (paragraphs separated by blank lines)")
    q.set_defaults(func=_vision)

    q = ssub.add_parser("sizing", help="add a market sizing (or edit one with --id); prints its id and figures")
    q.add_argument("market")
    q.add_argument("--id", help="the sizing to replace")
    q.add_argument("--method", choices=["top_down", "bottom_up"], default="top_down")
    for f in ("tam", "sam", "som"):
        q.add_argument(f"--{f}", help=f"{f.upper()} a year, in the workspace currency (top-down)")
    q.add_argument("--units", help="units in the whole market (bottom-up)")
    q.add_argument("--unit-label", default="customers", help="what a unit is (bottom-up)")
    q.add_argument("--price", help="annual revenue per unit (bottom-up)")
    q.add_argument("--sam-share", help="share of units that are serviceable, 0-1 or 40%% (bottom-up)")
    q.add_argument("--som-share", help="share of the SAM you can win, 0-1 or 8%% (bottom-up)")
    q.add_argument("--assumptions", default="")
    q.add_argument("--source", action="append", default=[], help="a source link (http/https) or note; repeatable")
    q.add_argument("--share-basis", choices=["none", "tam", "sam", "som"], default="none",
                   help="the level that stands in for market size in Market share when no series is imported")
    q.set_defaults(func=_sizing)

    for name, archived in (("archive", True), ("restore", False)):
        q = ssub.add_parser(name, help=f"{name} a PESTLE board, market sizing or competitive grid")
        q.add_argument("kind", choices=["pestle", "sizing", "grid"])
        q.add_argument("id")
        q.set_defaults(func=_archive, archived=archived)


def _fail(exc: Exception) -> CliError:
    return CliError(" ".join(str(exc).split()))


def _report(args, store: Store) -> int:
    data = strategy.report(store, include_archived=args.archived)
    if args.json:
        emit(data)
        return 0
    print(f"Vision: {data['vision'] or '(not written yet)'}")
    for b in data["pestles"]:
        n = sum(len(f["entries"]) for f in b["factors"].values())
        print(f"PESTLE {b['name']} [{b['id']}]: {n} entries. {b['summary']}")
    for s in data["sizings"]:
        print(f"Sizing {s['market']} [{s['id']}], {s['method'].replace('_', '-')}:")
        for line in s["arithmetic"].values():
            print(f"  {line}")
    for g in data["grids"]:
        print(f"Grid {g['name']} [{g['id']}]: {len(g['competitors'])} competitors x {len(g['criteria'])} criteria")
    if not (data["vision"] or data["pestles"] or data["sizings"] or data["grids"]):
        print("No strategy yet: write the vision and add a PESTLE board, a sizing or a grid on the Strategy page.")
    return 0


def _vision(args, store: Store) -> int:
    if args.vision is None and args.narrative is None:
        raise CliError("give --vision TEXT and/or --narrative TEXT")
    old = strategy.get_statement(store)
    try:
        st = strategy.save_statement(store, CLI_ACTOR, {
            "vision": old.vision if args.vision is None else args.vision,
            "narrative": old.narrative if args.narrative is None else args.narrative})
    except strategy.StrategyError as exc:
        raise _fail(exc) from None
    emit({"vision": st.vision, "narrative": st.narrative})
    return 0


def _sizing(args, store: Store) -> int:
    data = {"market": args.market, "method": args.method, "tam": args.tam, "sam": args.sam, "som": args.som,
            "units": args.units, "unit_label": args.unit_label, "price": args.price, "sam_share": args.sam_share,
            "som_share": args.som_share, "assumptions": args.assumptions, "sources": args.source,
            "share_basis": args.share_basis}
    try:
        sid = strategy.save_sizing(store, CLI_ACTOR, data, sizing_id=args.id)
    except strategy.StrategyError as exc:
        raise _fail(exc) from None
    fig = strategy.sizing_figures(store, strategy.get_item(store, "sizing", sid))
    emit({"id": sid, "tam": fig.tam, "sam": fig.sam, "som": fig.som, "arithmetic": fig.lines})
    return 0


def _archive(args, store: Store) -> int:
    try:
        strategy.archive(store, CLI_ACTOR, args.kind, args.id, archived=args.archived)
    except strategy.StrategyError as exc:
        raise _fail(exc) from None
    emit({"id": args.id, "kind": args.kind, "archived": args.archived})
    return 0
