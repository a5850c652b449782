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

import os
import tempfile
import time
from pathlib import Path

from _common import copy_to, import_bench_args, load_average, print_floor_and_import, run_import_child


def generate(path: Path, rows: int, gz: bool) -> None:
    """Write an Amplitude-shape CSV (the columns of sample_data/amplitude_events.csv.gz) with DuckDB."""
    opts = "HEADER, DELIMITER ','" + (", COMPRESSION 'gzip'" if gz else "")
    copy_to(path, f"""
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
          FROM range({rows}) t(i)""", opts)


def main() -> None:
    args = import_bench_args(__doc__, "read_csv", "CSV", "--gzip")
    if args is None:
        return
    with tempfile.TemporaryDirectory(prefix="pillars-bench-") as d:
        tmp = Path(d)
        csv_path = tmp / ("events.csv.gz" if args.gzip else "events.csv")
        t = time.perf_counter()
        generate(csv_path, args.rows, args.gzip)
        size_mb = os.path.getsize(csv_path) / 2**20
        print(f"generated {args.rows:,} rows, {size_mb:,.1f} MB in {time.perf_counter() - t:.1f}s: {csv_path.name}")
        floor = run_import_child(__file__, "floor", csv_path, tmp)
        imp = run_import_child(__file__, "import", csv_path, tmp)
        assert imp["rows"] == args.rows == floor["rows"], (imp, floor)
        ratio = imp["seconds"] / floor["seconds"]
        budget = 1.5 * size_mb + 300
        print_floor_and_import("read_csv", floor, imp)
        print(f"ratio import/floor: {ratio:.2f}x wall, {imp['cpu_seconds'] / floor['cpu_seconds']:.2f}x CPU (target <= 1.5x)  "
              f"memory budget 1.5 x {size_mb:,.0f} MB + 300 MB = {budget:,.0f} MB "
              f"({'within' if imp['peak_rss_mb'] <= budget else 'OVER'})")
        print("import steps (elapsed at the start of each): " + " | ".join(imp["marks"]))
        print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
