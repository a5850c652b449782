"""The CLI's JSON shapes against the contract written in the issues (../shared/contract/check_cli.py)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

CHECKER = ROOT.parent / "shared" / "contract" / "check_cli.py"


@pytest.mark.slow
def test_cli_matches_the_contract():
    if not CHECKER.exists():
        if os.environ.get("CI"):
            pytest.fail(f"contract checker missing at {CHECKER}")
        pytest.skip(f"contract checker not found at {CHECKER}")
    p = subprocess.run([sys.executable, str(CHECKER)], cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-2000:]
    assert "contract: 10 passed, 0 failed" in p.stdout
