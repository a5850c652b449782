"""CLI: `import FILE [--kind] [--map T=S ...] [--type T=TYPE ...] [--sheet] [--encoding] [--currency] [--on-duplicate]`
and `imports [--json] [--delete ID]`."""
from __future__ import annotations

import argparse
import sys

from ..auth import CLI_ACTOR
from ..cli import CliError, emit
from ..formats.kinds import KINDS
from ..store import Store

# The importer (and pandas with it) is imported inside `import` only: `imports` lists the history
# from the store alone and starts in a third of the time (bench/bench_cli.py). Checked against
# pm_core.ingest.ON_DUPLICATE by tests/core/test_cli_start.py.
ON_DUPLICATE = ("error", "skip", "replace")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import an export file (CSV/TSV/gzip/XLSX); prints one JSON object")
    p.add_argument("file")
    p.add_argument("--kind", choices=list(KINDS),
                   help="force the kind instead of detecting it from the headers")
    p.add_argument("--map", action="append", default=[], metavar="TARGET=SOURCE",
                   help="use column SOURCE for field TARGET (repeatable; empty SOURCE leaves the field out)")
    p.add_argument("--type", action="append", default=[], metavar="TARGET=TYPE",
                   help="override an inferred type, e.g. ts=eu, ts=epoch, value=number_eu, score=nps|csat|task")
    p.add_argument("--sheet", help="XLSX sheet, or the table of a report holding several (default: the first)")
    p.add_argument("--encoding", help="read the file in this encoding instead of the detected one (e.g. cp1250, shift_jis)")
    p.add_argument("--currency", help="salaries: currency (USD, EUR...) of rows no column or symbol gives one")
    p.add_argument("--on-duplicate", choices=list(ON_DUPLICATE), default="error",
                   help="what to do when the same file (same sha256) was imported before")
    p.set_defaults(func=_import)

    p = sub.add_parser("imports", help="list imports, or delete one with --delete ID")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--delete", metavar="ID", help="delete this import and exactly its rows")
    p.set_defaults(func=_imports)


def _pairs(items: list[str], flag: str) -> dict[str, str]:
    out = {}
    for a in items:
        if "=" not in a:
            raise CliError(f"{flag}: expected TARGET=SOURCE, got {a!r}")
        k, v = a.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def _import(args, store: Store) -> int:
    from ..ingest import ImportRefused, import_file

    try:
        res = import_file(store, CLI_ACTOR, args.file, kind=args.kind, mapping=_pairs(args.map, "--map") or None,
                          types=_pairs(args.type, "--type") or None, sheet=args.sheet, on_duplicate=args.on_duplicate,
                          encoding=args.encoding, currency=args.currency)
    except ImportRefused as exc:
        raise CliError(" ".join(str(exc).split())) from None
    out = {k: getattr(res, k) for k in ("import_id", "kind", "source", "rows_read", "rows_imported", "rows_rejected",
                                         "rejects_file")}
    if res.skipped:
        out["skipped"] = True
        out["duplicate_of"] = res.duplicate_of
    if res.notes:
        out["understood"] = res.notes  # what the Data page's preview says: tool, ids, property names (issue 14)
    if res.warnings:
        out["warnings"] = res.warnings
        for w in res.warnings:
            print(f"warning: {w}", file=sys.stderr)
    emit(out)
    return 0


def _imports(args, store: Store) -> int:
    from ..store.imports_store import list_imports

    if args.delete:
        from ..ingest import ImportRefused, delete_import

        try:
            n = delete_import(store, CLI_ACTOR, args.delete)
        except ImportRefused as exc:
            raise CliError(str(exc)) from None
        emit({"deleted": args.delete, "rows_removed": n})
        return 0
    rows = list_imports(store)
    if args.json:
        emit(rows)
        return 0
    if not rows:
        print("No imports yet. Import a file with: python -m pm_core import FILE", file=sys.stdout)
    for r in rows:
        print(f"{r['id']}  {r['imported_at']}  {r['kind']:<11} {r['source']:<10} {r['rows_imported']:>10,} rows"
              f"  {r['rows_rejected']:>6,} rejected  {r['file_name']}")
    return 0
