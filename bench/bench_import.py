"""Benchmark: importing an Amplitude-shape events CSV vs the bare DuckDB floor, in the same run.

    .venv/bin/python bench/bench_import.py            # 1M rows
    .venv/bin/python bench/bench_import.py --rows 10000000
    .venv/bin/python bench/bench_import.py --gzip     # the same file gzip-compressed

Floor: `CREATE TABLE t AS SELECT * FROM read_csv(file)` into a new DuckDB file. Full import: sniff
(sha256 + UTF-8 check), detect, infer types, validate every row, insert, provenance. Each side runs in
its own process so peak RSS (ru_maxrss) is measured separately. Targets (issue 3): import time within
1.5x the floor; import peak memory under 1.5x the file size + 300 MB.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def generate(path: Path, rows: int, gz: bool) -> None:
    """Write an Amplitude-shape CSV (the columns of sample_data/amplitude_events.csv.gz) with DuckDB."""
    import duckdb

    con = duckdb.connect()
    opts = "HEADER, DELIMITER ','" + (", COMPRESSION 'gzip'" if gz else "")
    con.execute(f"""
        COPY (
          SELECT 417000000000 + i AS amplitude_id,
                 'u' || (i * 7919 % 250000) AS user_id,
                 strftime(TIMESTAMP '2026-05-25' + INTERVAL (i * 15) SECOND + INTERVAL (i % 997) MILLISECOND,
                          '%Y-%m-%d %H:%M:%S.%f') AS event_time,
                 (['sign_up','search','listing_view','booking_started','booking_completed','wifi_filter_used'])[1 + i % 6] AS event_type,
                 (['iOS','Android','Web'])[1 + i % 3] AS platform,
                 (['US','GB','DE','ES','PT','MX','TH','ID'])[1 + i % 8] AS country,
                 (['Lisbon','Bangkok','Mexico City','Berlin','Bali'])[1 + i % 5] AS city,
                 (['Apple iPhone 14','Pixel 8','Mac','Windows'])[1 + i % 4] AS device_type,
                 (['ios','android','Chrome','Firefox'])[1 + i % 4] AS os_name,
                 1779667715196 + i AS session_id
          FROM range({rows}) t(i)
        ) TO '{path}' ({opts})""")
    con.close()


def child(mode: str, csv_path: str, db_path: str) -> None:
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
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [csv_path])
        n = con.execute("SELECT count(*) FROM t").fetchone()[0]
        con.close()
    else:
        pm_core.ingest.after.after_import = lambda *a: []  # time the importer, not the OKR check-ins
        store = open_store(db_path)
        res = import_file(store, CLI_ACTOR, csv_path,
                          progress=lambda f, m: marks.append(f"{time.perf_counter() - t0:.2f}s {m}"))
        n = res.rows_imported
        store.close()
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    marks.append(f"{secs:.2f}s closed")
    print(json.dumps({"seconds": secs, "cpu_seconds": cpu, "rows": n, "peak_rss_mb": rss_mb, "marks": marks}))


def run_child(mode: str, csv_path: Path, tmp: Path) -> dict:
    db = tmp / f"{mode}.duckdb"
    if db.exists():
        db.unlink()
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(csv_path), str(db)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--gzip", action="store_true")
    ap.add_argument("--child", nargs=3, metavar=("MODE", "CSV", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="pillars-bench-") as d:
        tmp = Path(d)
        csv_path = tmp / ("events.csv.gz" if args.gzip else "events.csv")
        t = time.perf_counter()
        generate(csv_path, args.rows, args.gzip)
        size_mb = os.path.getsize(csv_path) / 2**20
        print(f"generated {args.rows:,} rows, {size_mb:,.1f} MB in {time.perf_counter() - t:.1f}s: {csv_path.name}")
        floor = run_child("floor", csv_path, tmp)
        imp = run_child("import", csv_path, tmp)
        assert imp["rows"] == args.rows == floor["rows"], (imp, floor)
        ratio = imp["seconds"] / floor["seconds"]
        budget = 1.5 * size_mb + 300
        print(f"floor  (CREATE TABLE AS read_csv):   {floor['seconds']:6.2f}s  (CPU {floor['cpu_seconds']:5.2f}s)  "
              f"peak RSS {floor['peak_rss_mb']:6.0f} MB")
        print(f"import (pm_core.ingest.import_file): {imp['seconds']:6.2f}s  (CPU {imp['cpu_seconds']:5.2f}s)  "
              f"peak RSS {imp['peak_rss_mb']:6.0f} MB")
        print(f"ratio import/floor: {ratio:.2f}x wall, {imp['cpu_seconds'] / floor['cpu_seconds']:.2f}x CPU (target <= 1.5x)  "
              f"memory budget 1.5 x {size_mb:,.0f} MB + 300 MB = {budget:,.0f} MB "
              f"({'within' if imp['peak_rss_mb'] <= budget else 'OVER'})")
        print("import steps (elapsed at the start of each): " + " | ".join(imp["marks"]))
        print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
