"""What the benches share: DuckDB-written input files, the timed floor-or-import child process, the load average.

Benches run by hand (`.venv/bin/python bench/bench_x.py`), so this directory is on sys.path and they
`from _common import ...`; `pm_core` is installed in the venv and needs no path.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copy_to(path: Path, select_sql: str, options: str) -> None:
    """Write the rows of `select_sql` to `path` with DuckDB's COPY (`options` e.g. "FORMAT json"); overwrites the file."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"COPY ({select_sql}) TO '{path}' ({options})")
    con.close()


def load_average() -> str:
    """The 1, 5 and 15-minute load average and the CPU count, 'a, b, c on N CPUs' (a busy machine skews every figure)."""
    return f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"


def import_bench_args(doc: str, reader: str, src: str, *flags: str) -> argparse.Namespace | None:
    """Return a floor-vs-import bench's arguments (--rows, the on/off `flags`); None in a --child process, after running that child."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    for flag in flags:
        ap.add_argument(flag, action="store_true")
    ap.add_argument("--child", nargs=3, metavar=("MODE", src, "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        import_child(args.child[0], reader, args.child[1], args.child[2])
        return None
    return args


def import_child(mode: str, reader: str, src: str, db_path: str) -> None:
    """Time one side in this process and print it as one JSON line: mode 'floor' is `CREATE TABLE AS <reader>(src)`, any other the full import."""
    # modules are loaded before the clock starts: the app has them loaded already, and the floor's
    # side pays only for `import duckdb`
    import duckdb

    import pm_core.ingest.after
    from pm_core.auth import CLI_ACTOR
    from pm_core.ingest import import_file
    from pm_core.store import open_store

    marks: list[str] = []
    t0, c0 = time.perf_counter(), time.process_time()
    if mode == "floor":
        con = duckdb.connect(db_path)
        con.execute(f"CREATE TABLE t AS SELECT * FROM {reader}(?)", [src])
        n = con.execute("SELECT count(*) FROM t").fetchone()[0]
        con.close()
    else:
        pm_core.ingest.after.after_import = lambda *a: []  # time the importer, not the OKR check-ins
        store = open_store(db_path)
        res = import_file(store, CLI_ACTOR, src,
                          progress=lambda f, m: marks.append(f"{time.perf_counter() - t0:.2f}s {m}"))
        n = res.rows_imported
        store.close()
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    marks.append(f"{secs:.2f}s closed")
    print(json.dumps({"seconds": secs, "cpu_seconds": cpu, "rows": n, "peak_rss_mb": rss_mb, "marks": marks}))


def run_import_child(script: str, mode: str, src: Path, tmp: Path) -> dict:
    """Run `script --child mode src db` in a fresh process (its own peak RSS) and return the figures it printed; a new DB each time."""
    db = tmp / f"{mode}.duckdb"
    if db.exists():
        db.unlink()
    out = subprocess.run([sys.executable, script, "--child", mode, str(src), str(db)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_floor_and_import(reader: str, floor: dict, imp: dict) -> None:
    """Print the floor's and the import's wall time, CPU time and peak RSS, one aligned line each."""
    print(f"{'floor  (CREATE TABLE AS ' + reader + '):':<36} {floor['seconds']:6.2f}s  (CPU {floor['cpu_seconds']:5.2f}s)  "
          f"peak RSS {floor['peak_rss_mb']:6.0f} MB")
    print(f"import (pm_core.ingest.import_file): {imp['seconds']:6.2f}s  (CPU {imp['cpu_seconds']:5.2f}s)  "
          f"peak RSS {imp['peak_rss_mb']:6.0f} MB")
