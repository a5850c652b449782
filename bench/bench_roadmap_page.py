"""Render time of the Roadmap page (timeline view) in AppTest with 0, 1 and 300 initiatives.

Run by hand: .venv/bin/python bench/bench_roadmap_page.py [--sizes 0 1 300] [--runs 3] [--role editor|viewer]
For each size: a fresh workspace of generated initiatives (teams, pillars, dependencies, scores), the
real app opened on the Roadmap page, caches cleared; 'cold' is the first render of the page (every
pm_core call computed), 'warm' the best of --runs reruns (cached on the data version, as a user
clicking around sees it). The baseline is a bare one-line Streamlit script rendered by AppTest in
the same process, so the ratio says what the page costs beyond AppTest itself.
Target (issue 6): 300 initiatives render in under 1 s.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.app.test_roadmap_page import make_workspace  # noqa: E402

PAGE = "app_pages/roadmap.py"


def _bare(runs: int) -> float:
    at = AppTest.from_string("import streamlit as st\nst.title('Roadmap')\nst.write('hello')\n", default_timeout=60)
    at.run()  # the first run pays AppTest's own start-up; the baseline is a rerun, like 'warm' below
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        at.run()
        best = min(best, time.perf_counter() - t0)
    return best


def _page(n: int, runs: int, role: str, folder: Path) -> tuple[float, float]:
    db = folder / f"roadmap_{n}.duckdb"
    make_workspace(db, n)
    os.environ.update(PILLARS_DB=str(db), PILLARS_DEMO="0", PILLARS_EDITORS="",
                      PILLARS_MODE="local" if role == "editor" else "intranet")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page(PAGE)
    t0 = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t0
    if at.exception:
        raise SystemExit(f"the page failed with {n} initiatives: {at.exception}")
    charts = len(at.get("vega_lite_chart"))
    warm = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        at.run()
        warm = min(warm, time.perf_counter() - t0)
    if n and charts != 1:
        raise SystemExit(f"expected the timeline chart with {n} initiatives, found {charts} charts")
    return cold, warm


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[0, 1, 300])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--role", choices=["editor", "viewer"], default="viewer")
    args = ap.parse_args()
    base = _bare(args.runs)
    print(f"baseline: rerun of a bare two-line AppTest script {base * 1000:.0f} ms")
    print(f"{'initiatives':>11}  {'cold ms':>8}  {'warm ms':>8}  {'warm/bare':>9}  target")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            cold, warm = _page(n, args.runs, args.role, Path(tmp))
            ok = "" if n < 300 else ("OK (<1 s)" if cold < 1.0 else "MISSED (>=1 s)")
            print(f"{n:>11}  {cold * 1000:>8.0f}  {warm * 1000:>8.0f}  {warm / base:>8.1f}x  {ok}")


if __name__ == "__main__":
    main()
