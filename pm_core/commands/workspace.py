"""CLI: `init [--demo]`, `info [--json]` and `settings [KEY=VALUE ...]`."""
from __future__ import annotations

import argparse

from ..auth import CLI_ACTOR
from ..cli import CliError, emit
from ..settings import SETTINGS, SettingError, get_settings, update_settings
from ..store import Store
from ..workspace import workspace_info


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create (or upgrade) the workspace file; --demo loads the demo story")
    p.add_argument("--demo", action="store_true", help="import the embedded demo workspace")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_init)

    p = sub.add_parser("info", help="schema version, row counts per table and imports")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_info)

    p = sub.add_parser("settings", help="show settings, or set them with KEY=VALUE")
    p.add_argument("assign", nargs="*", metavar="KEY=VALUE")
    # dest "file": a path the running app resolves against the caller's folder (cli._PATH_ARGS)
    p.add_argument("--logo", dest="file", metavar="IMAGE", help="store a PNG, JPEG or GIF (at most 1 MB) as the brand logo")
    p.add_argument("--remove-logo", action="store_true", help="remove the brand logo")
    p.set_defaults(func=_settings)


def _init(args, store: Store) -> int:
    out = {"db": str(store.path), "schema_version": store.schema_version()}
    if args.demo:
        from ..demo import load_demo

        res = load_demo(store, CLI_ACTOR)
        out["demo"] = {"imports": len(res["imports"]), "areas": res["areas"]}
    if args.json:
        emit(out)
    else:
        print(f"Workspace ready at {store.path} (schema {out['schema_version']})"
              + (f"; demo loaded ({out['demo']['imports']} imports)" if args.demo else ""))
    return 0


def _info(args, store: Store) -> int:
    info = workspace_info(store)
    if args.json:
        emit(info)
        return 0
    print(f"Workspace {info['db']} · schema {info['schema_version']} · data version {info['data_version']}")
    for table, n in info["tables"].items():
        print(f"  {table:<24} {n:>12,}")
    print(f"Imports: {len(info['imports'])}")
    for imp in info["imports"]:
        print(f"  {imp['id']}  {imp['kind']:<11} {imp['source']:<10} {imp['rows_imported']:>10,}  {imp['file_name']}")
    return 0


def _settings(args, store: Store) -> int:
    if args.assign:
        values = {}
        for a in args.assign:
            if "=" not in a:
                raise CliError(f"settings: expected KEY=VALUE, got {a!r}")
            k, v = a.split("=", 1)
            values[k.strip()] = v
        try:
            update_settings(store, CLI_ACTOR, values)
        except SettingError as exc:
            raise CliError(str(exc)) from None
    if args.file is not None or args.remove_logo:
        from pathlib import Path

        from ..brand import BrandError, remove_logo, save_logo

        if args.remove_logo:
            remove_logo(store, CLI_ACTOR)
        else:
            path = Path(args.file)
            if not path.is_file():
                raise CliError(f"settings --logo: no file {path.name!r}")
            try:
                save_logo(store, CLI_ACTOR, path.read_bytes(), path.name)
            except BrandError as exc:
                raise CliError(str(exc)) from None
    current = get_settings(store)
    from ..brand import get_brand

    size = get_brand(store).logo_size
    emit([{"key": s.key, "value": current[s.key], "default": s.default, "help": s.help} for s in SETTINGS]
         + [{"key": "brand_logo", "value": f"{size[0]}x{size[1]} px PNG" if size else None, "default": None,
             "help": "The brand logo (set with --logo IMAGE, removed with --remove-logo)."}])
    return 0
