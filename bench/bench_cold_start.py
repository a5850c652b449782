"""Cold start to first rendered page in headless Chromium: Pillars on the demo workspace vs a bare Streamlit app.

Run by hand: .venv/bin/python bench/bench_cold_start.py [--runs 3]
Prints, per run, seconds from process start to /_stcore/health 'ok' and to the first page drawn and
idle in Chromium, for Pillars started with `streamlit run app.py` and with `python -m pm_core serve`
(what `make run` calls) and for a one-line Streamlit app (the baseline), and the ratios.
Targets: issue 2, Pillars' first rendered page under 3 s on the 2-core machine; issue 17, within 1.5x of
the bare app's in the same run. The load average before and after is printed: the machine is shared.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402

BARE_APP = 'import streamlit as st\nst.title("Hello")\nst.write("baseline")\n'


def measure(browser, script: Path, db: Path, log: Path, serve: bool = False) -> tuple[float, float]:
    t0 = time.perf_counter()
    server = Server(db, {"PILLARS_MODE": "local"}, log, script=script, serve=serve)
    try:
        ctx = browser.new_context()
        pg = ctx.new_page()
        pg.goto(server.url)
        pg.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=60_000)
        while pg.locator('[data-testid="stStatusWidget"]').count():
            pg.wait_for_timeout(50)
        total = time.perf_counter() - t0
        ctx.close()
        return server.ready_after, total
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    load0 = os.getloadavg()
    from playwright.sync_api import sync_playwright

    from pm_core.auth import CLI_ACTOR
    from pm_core.demo import load_demo
    from pm_core.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="pillars-cold-"))
    db = tmp / "demo.duckdb"
    s = open_store(db)
    load_demo(s, CLI_ACTOR)
    s.close()
    bare = tmp / "bare" / "bare_app.py"
    bare.parent.mkdir()
    bare.write_text(BARE_APP)
    rows = {"pillars": [], "serve": [], "bare": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for i in range(args.runs):
            rows["bare"].append(measure(browser, bare, db, tmp / f"bare{i}.log"))
            rows["pillars"].append(measure(browser, ROOT / "app.py", db, tmp / f"pillars{i}.log"))
            rows["serve"].append(measure(browser, ROOT / "app.py", db, tmp / f"serve{i}.log", serve=True))
        browser.close()
    for name, vals in rows.items():
        for health, first in vals:
            print(f"{name:8s} healthy {health:5.2f}s  first page rendered {first:5.2f}s")
    p = statistics.median(v[1] for v in rows["pillars"])
    b = statistics.median(v[1] for v in rows["bare"])
    v = statistics.median(x[1] for x in rows["serve"])
    print(f"median first page: pillars {p:.2f}s (streamlit run app.py), {v:.2f}s (python -m pm_core serve, "
          f"the README's command, which imports while the server starts), bare streamlit {b:.2f}s; "
          f"ratios {p / b:.2f}x and {v / b:.2f}x (targets: pillars < 3 s, ratio < 1.5x)")
    print(f"load average before {load0[0]:.2f}, after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
