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

import os
import tempfile
import time
from pathlib import Path

from _common import copy_to, import_bench_args, load_average, print_floor_and_import, run_import_child


def generate(path: Path, rows: int) -> None:
    """Write a Mixpanel raw export (JSON lines) with DuckDB: event + properties{time, distinct_id, $os, $browser, ...}."""
    copy_to(path, f"""
          SELECT (['Sign up','Search','View listing','Start booking','Complete booking'])[1 + i % 5] AS event,
                 struct_pack("time" := 1779667200 + i * 3,
                             distinct_id := 'u' || (i * 7919 % 250000),
                             "$os" := (['iOS','Android','Mac OS X','Windows'])[1 + i % 4],
                             "$browser" := (['Chrome','Safari','Mobile Safari','Firefox'])[1 + i % 4],
                             "$city" := (['Lisbon','Bangkok','Mexico City','Berlin','Bali'])[1 + i % 5],
                             mp_country_code := (['US','GB','DE','ES','PT','MX','TH','ID'])[1 + i % 8],
                             "$insert_id" := md5(i::VARCHAR)[1:16],
                             mp_lib := 'web') AS properties
          FROM range({rows}) t(i)""", "FORMAT json")


def main() -> None:
    args = import_bench_args(__doc__, "read_json", "JSON")
    if args is None:
        return
    with tempfile.TemporaryDirectory(prefix="pillars-bench-") as d:
        tmp = Path(d)
        path = tmp / "mixpanel_export.json"
        t = time.perf_counter()
        generate(path, args.rows)
        size_mb = os.path.getsize(path) / 2**20
        print(f"generated {args.rows:,} events, {size_mb:,.1f} MB in {time.perf_counter() - t:.1f}s: {path.name}")
        print(f"load average before: {load_average()}")
        floor = run_import_child(__file__, "floor", path, tmp)
        imp = run_import_child(__file__, "import", path, tmp)
        assert imp["rows"] == args.rows == floor["rows"], (imp, floor)
        ratio = imp["seconds"] / floor["seconds"]
        print_floor_and_import("read_json", floor, imp)
        print(f"ratio import/floor: {ratio:.2f}x wall, {imp['cpu_seconds'] / floor['cpu_seconds']:.2f}x CPU "
              f"(target <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'})")
        print("import steps (elapsed at the start of each): " + " | ".join(imp["marks"]))
        print(f"load average at the end: {load_average()}")


if __name__ == "__main__":
    main()
