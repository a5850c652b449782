"""Fixtures shared by every tier: fresh workspaces, actors, the demo workspace and the real exports."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pm_core.auth import Actor
from pm_core.store import open_store

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"
SAMPLE_DATA = ROOT / "sample_data"

EDITOR = Actor(email="pm@example.com", role="editor")
VIEWER = Actor(email="viewer@example.com", role="viewer")


@pytest.fixture
def editor() -> Actor:
    return EDITOR


@pytest.fixture
def viewer() -> Actor:
    return VIEWER


@pytest.fixture
def store(tmp_path):
    """A new, empty, migrated workspace in a temp folder."""
    s = open_store(tmp_path / "w.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory) -> Path:
    """A demo workspace built once per test session (through the real importers); copy it before writing."""
    from pm_core.auth import CLI_ACTOR
    from pm_core.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    s = open_store(path)
    try:
        load_demo(s, CLI_ACTOR)
    finally:
        s.close()
    return path


@pytest.fixture
def demo_store(demo_db_template, tmp_path):
    """A private copy of the demo workspace, opened."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    s = open_store(path)
    yield s
    s.close()


@pytest.fixture
def realdata() -> Path:
    """The folder of real exports beside the project (skips with a reason if it is missing)."""
    if not REALDATA.exists():
        pytest.skip(f"real exports not found at {REALDATA}")
    return REALDATA



_EXIT = {"status": None}


def pytest_sessionfinish(session, exitstatus):
    _EXIT["status"] = int(exitstatus)


def pytest_unconfigure(config):
    """End the process right after pytest's summary line.

    DuckDB's bindings (nanobind) print a 'leaked instances' report at interpreter shutdown when a
    connection is still referenced, e.g. from a kept exception traceback. That report would follow
    pytest's closing summary, which CI reads as the last word, so exit without the shutdown pass.
    """
    import os
    import sys

    if _EXIT["status"] is not None and not os.environ.get("PILLARS_KEEP_SHUTDOWN"):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT["status"])
