"""CLI start-up: whole `python -m pm_core ...` processes against a bare `python -c "import duckdb"`, same run.

Run by hand: .venv/bin/python bench/bench_cli.py [--runs 5] [--db FILE]
Builds a demo workspace (unless --db names one), then times each command as a fresh process, the
median of --runs, and prints its ratio to the baseline. Targets (issue 13): `info --json`, `--help`
and `imports` within 3x of the baseline; `kpis --json` on the demo within 1.5 s. The machine is
shared: the load average is printed with the figures.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"info --json": ("ratio", 3.0), "--help": ("ratio", 3.0), "imports": ("ratio", 3.0),
           "kpis --json": ("seconds", 1.5)}


def clock(cmd: list[str], runs: int) -> float:
    """Return the median wall time of `runs` fresh processes of cmd (output discarded)."""
    times = []
    env = {k: v for k, v in os.environ.items() if not k.startswith("PILLARS_")}
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--db", type=Path, default=None, help="an existing workspace (default: a new demo workspace)")
    args = ap.parse_args()
    py = sys.executable
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp()) / "bench-cli.duckdb"
        subprocess.run([py, "-m", "pm_core", "--db", str(db), "init", "--demo"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    base = clock([py, "-c", "import duckdb"], args.runs)
    label = 'baseline: python -c "import duckdb"'
    print(f"{label:<44}{base:>7.2f} s")
    ok = True
    for name, (kind, target) in TARGETS.items():
        cmd = [py, "-m", "pm_core", *(["--db", str(db)] if name != "--help" else []), *name.split()]
        t = clock(cmd, args.runs)
        ratio = t / base
        met = ratio <= target if kind == "ratio" else t <= target
        ok &= met
        goal = f"<= {target:g}x" if kind == "ratio" else f"<= {target:g} s"
        print(f"{'python -m pm_core ' + name:<44}{t:>7.2f} s  {ratio:>5.1f}x  target {goal:<8} {'ok' if met else 'MISSED'}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
