"""Every page's cold and cached rerun time on the demo workspace (issue 4: a rerun with nothing changed < 200 ms).

Run by hand: .venv/bin/python bench/bench_pages.py [--runs 3] [--pages overview growth ...]
Builds the demo workspace (pm_core.demo.load_demo) in a temp file, then for each page file in
app_pages/ (pages/ on an older tree) runs the real app through Streamlit's AppTest with
PILLARS_DB=that file, PILLARS_DEMO=0, local mode (an editor, so editor-only pages show):
  at.run() (opens the store, renders the default page), then Streamlit's data caches and the
  per-store memos are dropped, at.switch_page(page) and at.run() is the cold run (every figure
  computed from the workspace), then at.run() again is the warm rerun (best of --runs: nothing
  changed, so everything comes from caches keyed on the data version).
The baseline is a bare one-line AppTest script (`st.write`) run the same way in the same process,
so the ratio shows what the page costs over Streamlit's own rerun overhead on this machine.
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

from streamlit import config as st_config, logger as st_logger  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

# Clearing caches outside a script run logs harmless bare-mode warnings; keep the table readable.
st_config.set_option("logger.level", "error")
st_logger.set_log_level("error")

TARGET_MS = 200


def page_dir() -> str:
    return "app_pages" if (ROOT / "app_pages").is_dir() else "pages"


def build_demo(path: Path) -> float:
    from pm_core.auth import CLI_ACTOR
    from pm_core.demo import load_demo
    from pm_core.store import open_store

    t = time.perf_counter()
    store = open_store(path)
    try:
        load_demo(store, CLI_ACTOR)
    finally:
        store.close()
    return time.perf_counter() - t


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def forget_everything(db: Path) -> None:
    """Drop Streamlit's data caches and the memos pm_core keeps on the store, so the next run is cold."""
    import streamlit as st

    import pillars_ui

    st.cache_data.clear()
    store = pillars_ui._open(str(db.resolve()), False)  # the same cached store the app uses
    store.clear_memo()


def baseline(runs: int) -> float:
    at = AppTest.from_string("import streamlit as st\nst.write('baseline')", default_timeout=60)
    at.run()
    return min(timed(at.run) for _ in range(max(3, runs)))


def bench_page(page: str, db: Path, runs: int) -> tuple[float, float, str | None]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    forget_everything(db)
    at.switch_page(page)
    cold = timed(at.run)
    warm = min(timed(at.run) for _ in range(runs))
    problem = None
    if at.exception:
        problem = "exception: " + str(at.exception[0].message)[:120]
    elif at.error:
        problem = "st.error: " + str(at.error[0].value)[:120]
    return cold, warm, problem


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="warm reruns per page (best is reported)")
    ap.add_argument("--pages", nargs="*", help="page names without .py (default: every page file)")
    args = ap.parse_args()
    folder = page_dir()
    pages = sorted(p.stem for p in (ROOT / folder).glob("*.py") if not p.name.startswith("_"))
    if args.pages:
        pages = [p for p in pages if p in args.pages]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        secs = build_demo(db)
        os.environ.update(PILLARS_DB=str(db), PILLARS_DEMO="0", PILLARS_MODE="local", PILLARS_EDITORS="")
        os.chdir(ROOT)
        print(f"demo workspace built in {secs:.1f} s; pages from {folder}/; load average {os.getloadavg()[0]:.2f}")
        base = baseline(args.runs)
        print(f"baseline: a one-line AppTest script reruns in {base:.0f} ms\n")
        print(f"{'page':14s} {'cold ms':>9s} {'warm ms':>9s} {'warm/base':>10s}  warm < {TARGET_MS} ms")
        worst = 0.0
        for name in pages:
            cold, warm, problem = bench_page(f"{folder}/{name}.py", db, args.runs)
            worst = max(worst, warm)
            print(f"{name:14s} {cold:9.0f} {warm:9.0f} {warm / base:9.1f}x  {'OK' if warm < TARGET_MS else 'MISSED'}"
                  + (f"   ({problem})" if problem else ""), flush=True)
        print(f"\nslowest warm rerun {worst:.0f} ms; load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
