"""CLI: `discovery [--json]` (interviews, opportunities with evidence counts, the tree, gaps) and its
subcommands: `guide`, `themes`, `dot`, `tag`, `add`, `edit`, `attach`, `delete` (writes act as the cli editor)."""
from __future__ import annotations

import argparse
import sys

from ..auth import CLI_ACTOR
from ..cli import CliError, emit
from ..store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("discovery", help="interview evidence and the opportunity solution tree (evidence counts, gaps)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_report)
    dsub = p.add_subparsers(dest="discovery_command", metavar="SUBCOMMAND")

    q = dsub.add_parser("guide", help="print the JTBD interview guide (Markdown)")
    q.set_defaults(func=_guide)
    q = dsub.add_parser("themes", help="suggested themes from the highlights' text (TF-IDF; nothing is saved)")
    q.add_argument("--untagged", action="store_true", help="only highlights without a tag")
    q.set_defaults(func=_themes)
    q = dsub.add_parser("highlights", help="every highlight as JSON (id, interview, participant, segment, text, tag)")
    q.set_defaults(func=_highlights)
    q = dsub.add_parser("dot", help="print the tree as Graphviz DOT")
    q.set_defaults(func=_dot)
    q = dsub.add_parser("tag", help="tag a highlight: pain_point, job, motivation, workaround, quote (or none)")
    q.add_argument("highlight", type=int)
    q.add_argument("tag")
    q.set_defaults(func=_tag)
    q = dsub.add_parser("add", help="add a tree node (outcome, opportunity, solution, test); prints its id")
    q.add_argument("kind", choices=["outcome", "opportunity", "solution", "test"])
    q.add_argument("title")
    q.add_argument("--parent", help="the parent node's id (every kind but an outcome)")
    q.add_argument("--link-kind", choices=["kr", "kpi", "initiative", "experiment"])
    q.add_argument("--link", help="the KR or initiative id, KPI key or experiment name")
    q.add_argument("--notes", default="")
    q.set_defaults(func=_add)
    q = dsub.add_parser("edit", help="change a node's title, notes or link")
    q.add_argument("id")
    q.add_argument("--title")
    q.add_argument("--notes")
    q.add_argument("--link-kind", choices=["kr", "kpi", "initiative", "experiment", "none"])
    q.add_argument("--link")
    q.set_defaults(func=_edit)
    q = dsub.add_parser("attach", help="attach highlights (ids) to an opportunity as evidence")
    q.add_argument("opportunity")
    q.add_argument("highlights", type=int, nargs="+")
    q.set_defaults(func=_attach)
    q = dsub.add_parser("delete", help="delete a node and everything under it (highlights stay)")
    q.add_argument("id")
    q.set_defaults(func=_delete)


def _fail(exc: Exception) -> CliError:
    return CliError(" ".join(str(exc).split()))


def _write(fn, *args, **kwargs):
    """Return fn(*args, **kwargs), a discovery write; a DiscoveryError becomes a one-line CliError (exit 2) instead."""
    from ..discovery import DiscoveryError

    try:
        return fn(*args, **kwargs)
    except DiscoveryError as exc:
        raise _fail(exc) from None


def _report(args, store: Store) -> int:
    from ..discovery import report

    r = report(store)
    if args.json:
        emit(r)
        return 0
    if not r["highlights"] and not r["tree"]:
        print("No interview evidence yet. Import notes with: python -m pm_core import NOTES.md (or a ZIP of notes, "
              "or a highlights CSV)")
        return 0
    print(f"{r['interviews']} interviews, {r['highlights']} highlights")
    for o in r["opportunities"]:
        print(f"  {o['title']}: {o['interviews']} interviews, {o['highlights']} highlights"
              + (f" ({', '.join(o['segments'])})" if o["segments"] else ""))
    for g in r["gaps"]:
        print(f"  gap: {g['title']}: {g['gap']}")
    return 0


def _guide(args, store: Store) -> int:
    from ..discovery import jtbd_guide_markdown

    sys.stdout.write(jtbd_guide_markdown())
    return 0


def _themes(args, store: Store) -> int:
    from ..discovery import themes

    emit(themes(store, untagged_only=args.untagged))
    return 0


def _highlights(args, store: Store) -> int:
    from ..discovery import list_highlights

    emit(list_highlights(store))
    return 0


def _dot(args, store: Store) -> int:
    from ..discovery import to_dot, tree

    print(to_dot(tree(store)))
    return 0


def _tag(args, store: Store) -> int:
    from ..discovery import tag_highlights

    tag = None if args.tag.lower() in ("none", "-", "") else args.tag
    n = _write(tag_highlights, store, CLI_ACTOR, {args.highlight: tag})
    emit({"highlight": args.highlight, "tag": tag, "changed": n})
    return 0


def _add(args, store: Store) -> int:
    from ..discovery import add_node

    nid = _write(add_node, store, CLI_ACTOR, args.kind, {"title": args.title, "notes": args.notes,
                                                        "link_kind": args.link_kind, "link_target": args.link},
                 parent_id=args.parent)
    emit({"id": nid, "kind": args.kind})
    return 0


def _edit(args, store: Store) -> int:
    from ..discovery import node_index, update_node

    node = node_index(store).get(args.id)
    if node is None:
        raise CliError(f"no tree node with id {args.id!r}; see `discovery --json`")
    kind = node.link_kind if args.link_kind is None else (None if args.link_kind == "none" else args.link_kind)
    target = node.link_target if args.link is None and args.link_kind is None else args.link
    _write(update_node, store, CLI_ACTOR, args.id, {"title": node.title if args.title is None else args.title,
                                                    "notes": node.notes if args.notes is None else args.notes,
                                                    "link_kind": kind, "link_target": target if kind else None})
    emit({"id": args.id, "edited": True})
    return 0


def _attach(args, store: Store) -> int:
    from ..discovery import attach_evidence

    n = _write(attach_evidence, store, CLI_ACTOR, args.opportunity, args.highlights)
    emit({"opportunity": args.opportunity, "attached": n})
    return 0


def _delete(args, store: Store) -> int:
    from ..discovery import delete_node

    n = _write(delete_node, store, CLI_ACTOR, args.id)
    emit({"deleted": args.id, "nodes_removed": n})
    return 0
