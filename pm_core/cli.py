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
import sys
from pathlib import Path
from typing import Any

from .auth import PermissionDenied
from .config import ConfigError, load_config
from .errors import InputError
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


# Every command: name -> (module in pm_core.commands, the line `--help` shows). Only the chosen
# command's module is imported: building every module's parser imported pandas, scipy, Altair and
# every area's models, and `python -m pm_core info --json` took 1.4 s against 0.13 s for a bare
# `import duckdb` (bench/bench_cli.py). tests/core/test_cli_start.py checks this table against what
# each module registers.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("workspace", "create (or upgrade) the workspace file; --demo loads the demo story"),
    "info": ("workspace", "schema version, row counts per table and imports"),
    "settings": ("workspace", "show settings, or set them with KEY=VALUE"),
    "import": ("ingest", "import an export file (CSV/TSV/gzip/XLSX); prints one JSON object"),
    "imports": ("ingest", "list imports, or delete one with --delete ID"),
    "kpis": ("kpis", "the sixteen KPIs of the four pillars (plus DAU and stickiness) for one period"),
    "retention": ("growth", "retention cohorts and the weighted mean per period"),
    "funnel": ("growth", "ordered funnel of 2-5 events with a conversion window"),
    "breakdown": ("breakdown", "active users or a KPI per value of an event property (top N plus Other), with launches"),
    "stickiness": ("growth", "mean DAU over calendar days, stickiness per month, and the days-active histogram"),
    "experiment": ("growth", "A/B test result: rates, lift, CI, p-value, sample-ratio check, verdict"),
    "okrs": ("okrs", "objectives and key results with progress, pace, status and grades"),
    "roadmap": ("roadmap", "initiatives with scores and ranks per method; PRD, outcome check, RACI"),
    "salaries": ("career", "pay percentiles (P10-P90) per group, with groups under the minimum size hidden"),
    "ladder": ("career", "the career ladder: levels, pay bands and reference points"),
    "export": ("export", "write an audience's briefing as PowerPoint, Excel, HTML (or one chart as PNG)"),
    "audit": ("audit", "the audit log: who changed what and when, newest first"),
    "ai": ("ai", "AI feature quality: precision/recall at a threshold, intervals, bias audit, readiness"),
    "discovery": ("discovery", "interview evidence and the opportunity solution tree (evidence counts, gaps)"),
    "strategy": ("strategy", "vision, PESTLE boards, market sizing (TAM/SAM/SOM) and competitive grids"),
    "serve": ("serve", "check PILLARS_* settings and start the app (local mode: this computer only)"),
}


def _chosen(argv: list[str] | None) -> str | None:
    """Return the command named in argv (the first word that is not an option or --db's value), if any."""
    args = list(argv or [])
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--db":
            i += 2
            continue
        if a.startswith("-"):
            i += 1
            continue
        return a if a in COMMANDS else None
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """Return the argument parser: the chosen command's module registers its subcommands; every other
    command is a one-line entry for `--help` (argv None or no command: entries only, nothing imported)."""
    parser = argparse.ArgumentParser(prog="python -m pm_core", description="Pillars from the command line.")
    parser.add_argument("--db", type=Path, default=None,
                        help=f"workspace file (default: $PILLARS_DB or {default_db_path()})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    chosen = _chosen(argv)
    if chosen:
        importlib.import_module(f"pm_core.commands.{COMMANDS[chosen][0]}").register(sub)
    for name, (module, help_text) in COMMANDS.items():
        if name not in sub.choices:
            sub.add_parser(name, help=help_text, add_help=False)
    return parser


def main_exit() -> None:
    """Console-script entry point (`pillars ...`): run main() and exit with its code."""
    sys.exit(main())


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
    if isinstance(exc, (StoreError, InputError)):  # every area's input error subclasses InputError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    raise exc


def _run(args: argparse.Namespace, store) -> int:
    try:
        return int(args.func(args, store) or 0)
    except (CliError, PermissionDenied, StoreError, InputError) as exc:
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
    parser = build_parser(argv)
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
    except (CliError, PermissionDenied, StoreError, InputError) as exc:
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
            args = build_parser(argv).parse_args(argv)
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
