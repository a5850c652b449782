"""`python -m pm_core [--db PATH] COMMAND ...`: a thin front end over the same functions the pages call.

Each module in `pm_core.commands` adds its subcommands through `register(subparsers)`; a handler
takes (args, store) and returns an exit code. Output is JSON on stdout where the contract says so;
problems are one line on stderr with exit 2 (bad input) or 3 (not allowed).
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
from pathlib import Path
from typing import Any

from .auth import PermissionDenied
from .config import ConfigError, load_config
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


# Arguments that name files: in the running app they are resolved against the caller's folder.
_PATH_ARGS = ("file", "out", "db")
_LOCK_RETRIES = 6  # x 0.25 s: a read waits out another command's short write instead of failing


def _report(exc: Exception) -> int:
    """Print a known error as one line on stderr and return its exit code; unknown errors propagate."""
    if isinstance(exc, CliError):
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    if isinstance(exc, PermissionDenied):
        print(f"error: {exc}", file=sys.stderr)
        return 3
    if isinstance(exc, StoreError):
        print(f"error: {exc}", file=sys.stderr)
        return 2
    raise exc


def _run(args: argparse.Namespace, store) -> int:
    try:
        return int(args.func(args, store) or 0)
    except (CliError, PermissionDenied, StoreError) as exc:
        return _report(exc)


def _open_or_forward(db, argv: list[str]):
    """Return (store, None) when this process could open the workspace, or (None, relayed result) when
    the running app holds it and ran the command; waits a moment for another short-lived command."""
    import time

    from . import local_api

    for attempt in range(_LOCK_RETRIES + 1):
        try:
            return open_store(db), None
        except StoreError as exc:
            if not exc.locked:
                raise
            relayed = local_api.forward(db, argv, os.getcwd())
            if relayed is not None:
                return None, relayed
            if attempt == _LOCK_RETRIES:
                raise StoreError(f"{db} is in use by another Pillars command or process that does not take "
                                 "requests (an import, or an app older than this command line). Try again when "
                                 "it has finished, or stop it.", locked=True) from None
            time.sleep(0.25)
    raise AssertionError("unreachable")


def main(argv: list[str] | None = None) -> int:
    """Run one CLI command and return its exit code (0 ok, 2 bad input or workspace, 3 not allowed).

    When the Pillars app holds the workspace, the command runs inside the app (pm_core.local_api)
    and its output and exit code are relayed, so reads and writes work while the app serves.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "no_store", False):
        return _run(args, None)
    db = args.db if args.db is not None else config.db
    store = None
    try:
        store, relayed = _open_or_forward(db, argv)
        if relayed is not None:
            code, out, err = relayed
            sys.stdout.write(out)
            sys.stderr.write(err)
            return code
        return _run(args, store)
    except (CliError, PermissionDenied, StoreError) as exc:
        return _report(exc)
    finally:
        if store is not None:
            store.close()


def run_in_app(store, argv: list[str], cwd: str) -> tuple[int, str, str]:
    """Run one CLI command on the app's own store and return (exit code, stdout, stderr).

    This is what the local API calls for a CLI process that found the workspace locked by the app.
    Relative file arguments are taken from the caller's folder; `--db` must name the app's file.
    """
    from .local_api import captured

    with captured() as (out, err):
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # argparse already printed its usage message to (captured) stderr
            return int(exc.code or 0), out.getvalue(), err.getvalue()
        for name in _PATH_ARGS:
            value = getattr(args, name, None)
            if value is not None and not Path(value).is_absolute():
                setattr(args, name, type(value)(Path(cwd) / value))
        if getattr(args, "no_store", False):
            print(f"error: '{args.command}' cannot run inside the running app", file=sys.stderr)
            return 2, out.getvalue(), err.getvalue()
        if args.db is not None and os.path.realpath(args.db) != os.path.realpath(store.path):
            print("error: the running app serves another workspace file", file=sys.stderr)
            return 2, out.getvalue(), err.getvalue()
        code = _run(args, store)
        return code, out.getvalue(), err.getvalue()
