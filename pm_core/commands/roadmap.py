"""CLI: `roadmap [--json] [filters]`, `roadmap prd ID --markdown`, `roadmap outcome ID`, `roadmap raci ID`."""
from __future__ import annotations

import argparse
import datetime as dt
import sys

from ..cli import CliError, emit
from ..formatting import Unit, format_value
from ..roadmap import METHODS, RoadmapError, get_raci, list_initiatives, outcome_check, prd_markdown
from ..store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("roadmap", help="initiatives with scores and ranks per method; PRD, outcome check, RACI")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--pillar")
    p.add_argument("--team")
    p.add_argument("--status")
    p.add_argument("--objective", help="objective id: only initiatives linked to its key results")
    p.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today, UTC)")
    p.add_argument("--flag-places", type=int, default=2, help="flag rank moves larger than this (default 2)")
    p.set_defaults(func=_list)
    rsub = p.add_subparsers(dest="roadmap_command", metavar="SUBCOMMAND")

    q = rsub.add_parser("prd", help="print an initiative's PRD one-pager")
    q.add_argument("id")
    q.add_argument("--markdown", action="store_true", help="print Markdown (the default and only format)")
    q.set_defaults(func=_prd)

    q = rsub.add_parser("outcome", help="linked KPIs before vs after an initiative's launch, as JSON")
    q.add_argument("id")
    q.set_defaults(func=_outcome)

    q = rsub.add_parser("raci", help="an initiative's RACI matrix as CSV (formula-safe)")
    q.add_argument("id")
    q.set_defaults(func=_raci)


def _item(v) -> dict:
    out = {"id": v.id, "title": v.title, "status": v.status, "health": v.health, "pillar": v.pillar, "team": v.team}
    if v.start_date and v.end_date:
        out["start"], out["end"] = v.start_date.isoformat(), v.end_date.isoformat()
    out["bucket"] = v.board_bucket
    out["launch_date"] = v.launch_date.isoformat() if v.launch_date else None
    out["key_results"] = [{"id": k["id"], "title": k["title"], "objective_id": k.get("objective_id")} for k in v.key_results]
    out["kpis"] = v.kpis
    out["dependencies"] = v.dependencies
    out["scores"] = {m: v.scores.get(m) for m in METHODS}
    out["ranks"] = {m: v.ranks.get(m) for m in METHODS}
    out["rank_spread"] = v.rank_spread
    out["rank_flag"] = v.rank_flag
    out["quadrant"] = v.quadrant
    out["jira"] = {"epic": v.jira_epic, "label": v.jira_label, "done": v.jira_done, "total": v.jira_total}
    out["warnings"] = v.warnings
    return out


def _list(args, store: Store) -> int:
    try:
        views = list_initiatives(store, pillar=args.pillar, team=args.team, status=args.status,
                                 objective_id=args.objective, today=args.today, flag_places=args.flag_places)
    except RoadmapError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        emit({"initiatives": [_item(v) for v in views]})
        return 0
    if not views:
        print("No initiatives. Add them on the Roadmap page.")
        return 0
    print(f"{'rank':>4}  {'RICE':>8}  {'status':<12} {'health':<10} title")
    for v in sorted(views, key=lambda v: (v.ranks["rice"] is None, v.ranks["rice"] or 0)):
        rice = "-" if v.scores["rice"] is None else format_value(v.scores["rice"], Unit.COUNT)
        flag = "  (rank moves)" if v.rank_flag else ""
        print(f"{v.ranks['rice'] or '-':>4}  {rice:>8}  {v.status:<12} {v.health:<10} {v.title}  [{v.id}]{flag}")
    return 0


def _prd(args, store: Store) -> int:
    try:
        sys.stdout.write(prd_markdown(store, args.id))
    except RoadmapError as exc:
        raise CliError(str(exc)) from None
    return 0


def _outcome(args, store: Store) -> int:
    try:
        emit(outcome_check(store, args.id))
    except RoadmapError as exc:
        raise CliError(str(exc)) from None
    return 0


def _raci(args, store: Store) -> int:
    from ..roadmap.raci import matrix_csv
    from ..roadmap import get_initiative

    try:
        get_initiative(store, args.id)
    except RoadmapError as exc:
        raise CliError(str(exc)) from None
    sys.stdout.write(matrix_csv(get_raci(store, args.id)).decode("utf-8-sig"))
    return 0
