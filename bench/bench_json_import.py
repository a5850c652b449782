"""Benchmark: importing a Mixpanel-shape JSON-lines export vs DuckDB's bare JSON read, in the same run (issue 14).

    .venv/bin/python bench/bench_json_import.py            # 1M events
    .venv/bin/python bench/bench_json_import.py --rows 200000

Floor: `CREATE TABLE t AS SELECT * FROM read_json(file)` into a new DuckDB file. Full import: sniff
(sha256, which tool, the records' keys), detect, infer types, validate every row, insert with the
properties, provenance. Each side runs in its own process. Target: import within 1.5x the floor.
The file is written by DuckDB (`COPY ... (FORMAT json)`), one Mixpanel raw-export record per line:
{"event": ..., "properties": {"time": <epoch s>, "distinct_id": ..., "$os": ..., ...}}.
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


def generate(path: Path, rows: int) -> None:
    """Write a Mixpanel raw export (JSON lines) with DuckDB: event + properties{time, distinct_id, $os, $browser, ...}."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"""
        COPY (
          SELECT (['Sign up','Search','View listing','Start booking','Complete booking'])[1 + i % 5] AS event,
                 struct_pack("time" := 1779667200 + i * 3,
                             distinct_id := 'u' || (i * 7919 % 250000),
                             "$os" := (['iOS','Android','Mac OS X','Windows'])[1 + i % 4],
                             "$browser" := (['Chrome','Safari','Mobile Safari','Firefox'])[1 + i % 4],
                             "$city" := (['Lisbon','Bangkok','Mexico City','Berlin','Bali'])[1 + i % 5],
                             mp_country_code := (['US','GB','DE','ES','PT','MX','TH','ID'])[1 + i % 8],
                             "$insert_id" := md5(i::VARCHAR)[1:16],
                             mp_lib := 'web') AS properties
          FROM range({rows}) t(i)
        ) TO '{path}' (FORMAT json)""")
    con.close()


def child(mode: str, json_path: str, db_path: str) -> None:
    # modules are loaded before the clock starts (the app has them loaded already)
    import duckdb

    import pm_core.ingest.after
    from pm_core.auth import CLI_ACTOR
    from pm_core.ingest import import_file
    from pm_core.store import open_store

    marks: list[str] = []
    t0, c0 = time.perf_counter(), time.process_time()
    if mode == "floor":
        con = duckdb.connect(db_path)
        con.execute("CREATE TABLE t AS SELECT * FROM read_json(?)", [json_path])
        n = con.execute("SELECT count(*) FROM t").fetchone()[0]
        con.close()
    else:
        pm_core.ingest.after.after_import = lambda *a: []  # time the importer, not the OKR check-ins
        store = open_store(db_path)
        res = import_file(store, CLI_ACTOR, json_path,
                          progress=lambda f, m: marks.append(f"{time.perf_counter() - t0:.2f}s {m}"))
        n = res.rows_imported
        store.close()
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    marks.append(f"{secs:.2f}s closed")
    print(json.dumps({"seconds": secs, "cpu_seconds": cpu, "rows": n, "peak_rss_mb": rss_mb, "marks": marks}))


def run_child(mode: str, path: Path, tmp: Path) -> dict:
    db = tmp / f"{mode}.duckdb"
    if db.exists():
        db.unlink()
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(path), str(db)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--child", nargs=3, metavar=("MODE", "JSON", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="pillars-bench-") as d:
        tmp = Path(d)
        path = tmp / "mixpanel_export.json"
        t = time.perf_counter()
        generate(path, args.rows)
        size_mb = os.path.getsize(path) / 2**20
        print(f"generated {args.rows:,} events, {size_mb:,.1f} MB in {time.perf_counter() - t:.1f}s: {path.name}")
        print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
        floor = run_child("floor", path, tmp)
        imp = run_child("import", path, tmp)
        assert imp["rows"] == args.rows == floor["rows"], (imp, floor)
        ratio = imp["seconds"] / floor["seconds"]
        print(f"floor  (CREATE TABLE AS read_json):  {floor['seconds']:6.2f}s  (CPU {floor['cpu_seconds']:5.2f}s)  "
              f"peak RSS {floor['peak_rss_mb']:6.0f} MB")
        print(f"import (pm_core.ingest.import_file): {imp['seconds']:6.2f}s  (CPU {imp['cpu_seconds']:5.2f}s)  "
              f"peak RSS {imp['peak_rss_mb']:6.0f} MB")
        print(f"ratio import/floor: {ratio:.2f}x wall, {imp['cpu_seconds'] / floor['cpu_seconds']:.2f}x CPU "
              f"(target <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'})")
        print("import steps (elapsed at the start of each): " + " | ".join(imp["marks"]))
        print(f"load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
