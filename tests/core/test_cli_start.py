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


@pytest.mark.parametrize("error", ["RoadmapError", "CareerError", "SettingError", "ExperimentError", "GrowthError",
                                   "PeriodError", "SegmentError", "OkrInputError"])
def test_every_area_input_error_is_exit_2_in_one_place(error, tmp_path, capsys, monkeypatch):
    """An area's input error that no command catches is still one line on stderr and exit 2 (cli._report)."""
    from pm_core import errors
    from pm_core.career.models import CareerError
    from pm_core.experiments import ExperimentError
    from pm_core.growth_common import GrowthError
    from pm_core.okrs.models import OkrInputError
    from pm_core.periods import PeriodError
    from pm_core.roadmap.models import RoadmapError
    from pm_core.segments import SegmentError
    from pm_core.settings import SettingError

    cls = {c.__name__: c for c in (RoadmapError, CareerError, SettingError, ExperimentError, GrowthError,
                                   PeriodError, SegmentError, OkrInputError)}[error]
    assert issubclass(cls, errors.InputError)

    def boom(args, store):
        raise cls("the period 'Q5' does not exist")

    real = cli.build_parser

    def parser(argv=None):
        p = real(argv)
        for action in p._subparsers._group_actions:
            for name, sub in action.choices.items():
                if name == "info":
                    sub.set_defaults(func=boom)
        return p

    monkeypatch.setattr(cli, "build_parser", parser)
    code = cli.main(["--db", str(tmp_path / "w.duckdb"), "info"])
    err = capsys.readouterr().err
    assert code == 2 and err.strip() == "error: the period 'Q5' does not exist"
