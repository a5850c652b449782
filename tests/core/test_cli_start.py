"""The CLI's command table and lazy start: checked against what each command module registers and what a fresh
process imports (sys.modules), not against timings."""
from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys

import pytest

from pm_core import cli
from tests.conftest import ROOT


def test_the_table_names_every_command_each_module_registers():
    import pkgutil

    import pm_core.commands as pkg

    registered: dict[str, tuple[str, str]] = {}
    for info in pkgutil.iter_modules(pkg.__path__):
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(f"pm_core.commands.{info.name}").register(sub)
        for action in sub._choices_actions:
            registered[action.dest] = (info.name, action.help)
    assert registered == cli.COMMANDS


def test_ingest_duplicate_choices_match_the_importer():
    from pm_core.commands.ingest import ON_DUPLICATE
    from pm_core.ingest import ON_DUPLICATE as real

    assert tuple(ON_DUPLICATE) == tuple(real)


def _imported(*args: str, db=None) -> set[str]:
    code = ("import sys, json, io, contextlib\nfrom pm_core import cli\n"
            "buf = io.StringIO()\n"
            "with contextlib.redirect_stdout(buf):\n"
            "    try:\n        cli.main(sys.argv[1:])\n    except SystemExit:\n        pass\n"
            "print(json.dumps(sorted(sys.modules)))\n")
    argv = (["--db", str(db)] if db else []) + list(args)
    out = subprocess.run([sys.executable, "-c", code, *argv], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [("info", "--json"), ("imports",), ("--help",)])
def test_light_commands_import_no_pandas_scipy_altair_or_pydantic(args, tmp_path):
    mods = _imported(*args, db=None if args == ("--help",) else tmp_path / "w.duckdb")
    heavy = {m for m in mods if m.split(".")[0] in {"pandas", "scipy", "altair", "pydantic", "numpy", "openpyxl", "pptx"}}
    assert not heavy, sorted(heavy)[:5]


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for name in cli.COMMANDS:
        assert name in out
