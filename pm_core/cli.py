"""`python -m pm_core [--db PATH] COMMAND ...`: a thin front end over the same functions the pages call.

Each module in `pm_core.commands` adds its subcommands through `register(subparsers)`; a handler
takes (args, store) and returns an exit code. Output is JSON on stdout where the contract says so;
problems are one line on stderr with exit 2 (bad input) or 3 (not allowed).
"""
from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from pathlib import Path
from typing import Any

from .auth import PermissionDenied
from .store import StoreError, default_db_path, open_store


class CliError(Exception):
    """A problem to report as one line on stderr, with an exit code (2 = unusable input)."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def emit(obj: Any) -> None:
    """Print one JSON document on stdout (dates and other objects as strings)."""
    json.dump(obj, sys.stdout, default=str, ensure_ascii=False)
    sys.stdout.write("\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every command module's subcommands registered."""
    parser = argparse.ArgumentParser(prog="python -m pm_core", description="Pillars from the command line.")
    parser.add_argument("--db", type=Path, default=None,
                        help=f"workspace file (default: $PILLARS_DB or {default_db_path()})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    import pm_core.commands as pkg

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        importlib.import_module(f"pm_core.commands.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one CLI command and return its exit code (0 ok, 2 bad input or workspace, 3 not allowed)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    store = None
    try:
        store = open_store(args.db)
        return int(args.func(args, store) or 0)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except PermissionDenied as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    finally:
        if store is not None:
            store.close()
