"""pm_core must run without a UI: importing all of it never loads Streamlit."""
import subprocess
import sys

from tests.conftest import ROOT


def test_pm_core_does_not_import_streamlit():
    code = (
        "import importlib, pkgutil, sys, pm_core\n"
        "for m in pkgutil.walk_packages(pm_core.__path__, 'pm_core.'):\n"
        "    if m.name != 'pm_core.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "import pm_core.cli; pm_core.cli.build_parser()\n"
        "bad = sorted(n for n in sys.modules if n == 'streamlit' or n.startswith('streamlit.'))\n"
        "print(len(list(pkgutil.walk_packages(pm_core.__path__, 'pm_core.'))))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, f"streamlit was loaded by pm_core: {p.stdout} {p.stderr[-2000:]}"
    assert int(p.stdout.strip()) > 5  # the walk really imported the package's modules
