"""The CLI and a second server beside a running app on one workspace: checked by the CLI's own JSON and exit codes,
the workspace read back after the app stops, and what Chromium shows on the second server."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from pm_core.store import open_store
from tests.conftest import ROOT
from tests.e2e.conftest import ARTIFACTS, Server, _need_chromium, shot, wait_idle

pytestmark = pytest.mark.e2e
READS = [["info", "--json"], ["kpis", "--json"], ["retention", "--unit", "week", "--json"],
         ["funnel", "--steps", "search,booking_completed", "--json"], ["experiment", "--json"],
         ["okrs", "--json"], ["roadmap", "--json"], ["salaries", "--json"]]


def _cli(db, *args, cwd=ROOT):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PILLARS_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "pm_core", "--db", str(db), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def served(demo_db_template, tmp_path, browser):
    """A demo workspace served by a real app in intranet mode, opened once by a viewer's visit."""
    _need_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    db = tmp_path / "served.duckdb"
    shutil.copy(demo_db_template, db)
    server = Server(db, {"PILLARS_MODE": "intranet", "PILLARS_EDITORS": "pm@example.com"},
                    ARTIFACTS / "server-cli-beside.log")
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.goto(server.url)
    wait_idle(pg)  # the app now holds the file (DuckDB's lock) for as long as it runs
    yield db, server, pg
    ctx.close()
    server.stop()


def test_every_read_command_works_while_the_app_serves(served):
    db, server, _ = served
    for args in READS:
        r = _cli(db, *args)
        assert r.returncode == 0, (args, r.stderr)
        json.loads(r.stdout)  # one JSON document, relayed from the app
    info = json.loads(_cli(db, "info", "--json").stdout)
    assert info["tables"]["events"] > 0 and info["db"] == str(db)


def test_writes_go_through_the_app_and_show_on_its_pages(served, tmp_path):
    db, server, pg = served
    okrs = json.loads(_cli(db, "okrs", "--json").stdout)
    kr = next(k for o in okrs["objectives"] for k in o["key_results"] if not k.get("kpi"))
    r = _cli(db, "okrs", "checkin", kr["id"], "31", "--confidence", "6")
    assert r.returncode == 0, r.stderr
    ci = json.loads(r.stdout)
    r = _cli(db, "settings", "conversion_window_days=14")
    assert r.returncode == 0, r.stderr
    r = _cli(db, "settings", "conversion_window_days=100000")
    assert r.returncode == 2 and "conversion_window_days" in r.stderr and "1 to 365" in r.stderr
    # a relative output path means the caller's folder, not the server's
    r = _cli(db, "export", "html", "brief.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "brief.html").stat().st_size > 10_000
    # bad input through the app: exit 2 and words, as without it
    r = _cli(db, "okrs", "checkin", "kr_does_not_exist", "5")
    assert r.returncode == 2 and "no key result" in r.stderr and "Traceback" not in r.stderr
    pg.goto(f"{server.url}/okrs")
    wait_idle(pg)
    assert pg.locator('[data-testid="stException"]').count() == 0
    server.stop()
    s = open_store(db)
    try:
        rows = s.query_df("SELECT value, confidence, author FROM checkins WHERE id = ?", [ci["id"]])
        stored = s.query_df("SELECT value FROM settings WHERE key = 'conversion_window_days'")
    finally:
        s.close()
    assert rows.iloc[0].tolist() == [31.0, 6, "cli"]
    assert json.loads(stored.iloc[0, 0]) == 14


def test_a_second_server_on_the_same_file_says_so_in_words_and_takes_over(served, browser, tmp_path):
    db, first, _ = served
    second = Server(db, {"PILLARS_MODE": "intranet", "PILLARS_EDITORS": "pm@example.com"},
                    ARTIFACTS / "server-replica.log")
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    try:
        pg.goto(second.url)
        pg.wait_for_selector("text=in use by another Pillars process", timeout=45_000)
        body = pg.inner_text("body")
        shot(pg, "replica-busy")
        assert str(db) not in body and "PID" not in body and "duckdb" not in body.lower()
        assert "Traceback" not in body and sys.executable not in body
        first.stop()
        t0 = time.perf_counter()
        pg.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=30_000)
        assert time.perf_counter() - t0 < 30
        assert pg.locator('[data-testid="stException"]').count() == 0
    finally:
        ctx.close()
        second.stop()
