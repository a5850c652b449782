"""Benchmark: the OKR page rendering 200 key results in AppTest (target < 1 s), against a 1-objective baseline.

Run from the project root:  .venv/bin/python bench/bench_okrs_page.py [--objectives 40] [--krs 5] [--runs 5]
Prints the render time of the OKR page cold (caches cleared) and warm (median of reruns, cached
reads filled), for 200 KRs (40 objectives: drawn as two tables), for one objective with 5 KRs (the
baseline, a card) and for the largest card layout (12 objectives), all measured in the same run.
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


def _measure(db: Path, runs: int, krs: int) -> tuple[float, float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ.update(PILLARS_DB=str(db), PILLARS_DEMO="0", PILLARS_MODE="local", PILLARS_EDITORS="")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/okrs.py")
    t = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t
    assert not at.exception, at.exception
    shown = sum(len(d.value) for d in at.dataframe if "Key result" in d.value.columns)
    assert shown == krs, f"the OKR page showed {shown} key results, expected {krs}"
    warm = []
    for _ in range(runs):
        t = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t)
        assert not at.exception, at.exception
    st.cache_resource.clear()
    return cold, statistics.median(warm)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--objectives", type=int, default=40)
    ap.add_argument("--krs", type=int, default=5, help="key results per objective")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from tests.app.test_okrs_page import build_big_workspace

    with tempfile.TemporaryDirectory() as tmp:
        big, small, cards = Path(tmp) / "big.duckdb", Path(tmp) / "small.duckdb", Path(tmp) / "cards.duckdb"
        t = time.perf_counter()
        build_big_workspace(big, objectives=args.objectives, krs_per=args.krs, checkins_per=2)
        build_s = time.perf_counter() - t
        build_big_workspace(small, objectives=1, krs_per=5, checkins_per=2)
        build_big_workspace(cards, objectives=12, krs_per=5, checkins_per=2)
        n = args.objectives * args.krs
        _measure(small, 1, 5)  # warm-up: the first AppTest run in a process pays for imports
        s_cold, s_warm = _measure(small, args.runs, 5)
        c_cold, c_warm = _measure(cards, args.runs, 60)
        b_cold, b_warm = _measure(big, args.runs, n)
    print(f"workspace with {n} KRs built in {build_s:.1f} s")
    print(f"baseline  1 objective,   5 KRs: cold {s_cold * 1000:7.0f} ms   warm (median of {args.runs}) {s_warm * 1000:7.0f} ms")
    print(f"measured {args.objectives:2d} objectives, {n} KRs: cold {b_cold * 1000:7.0f} ms   warm (median of {args.runs}) {b_warm * 1000:7.0f} ms")
    print(f"largest card layout, 12 objectives, 60 KRs: cold {c_cold * 1000:7.0f} ms   warm {c_warm * 1000:7.0f} ms")
    print(f"ratio {n} KRs / 5 KRs: cold {b_cold / s_cold:.1f}x, warm {b_warm / s_warm:.1f}x")
    print(f"target: render {n} KRs under 1 s -> cold {'OK' if b_cold < 1 else 'MISSED'}, warm {'OK' if b_warm < 1 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
