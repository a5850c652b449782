"""Benchmark (issue 18): 1M scored examples imported, then the threshold explorer recomputed per threshold move.

    .venv/bin/python bench/bench_ai.py                 # 1M examples
    .venv/bin/python bench/bench_ai.py --rows 200000

Baseline, in the same run on the same arrays: scikit-learn's `precision_recall_curve` (what a data
scientist would call to see precision and recall at every threshold). Pillars' explorer sorts the
scores once per run (kept in the store's memo on the "ai" data area); each threshold move is then a
binary search plus the cost, sample-size and chart-point summaries. Target: under 0.5 s per move.
Also printed: the import, the first (cold) explorer call that reads 1M rows from DuckDB and sorts
them, and the bias audit (Fairlearn MetricFrame over 3 segments) per move, for information.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _common import copy_to, load_average


def generate(path: Path, rows: int) -> None:
    """Write a scored-predictions CSV: id, label, score (a noisy logistic of the label), version, 3 segment columns."""
    copy_to(path, f"""
          SELECT 'ex' || i AS example_id,
                 CASE WHEN hash(i) % 100 < 30 THEN 'yes' ELSE 'no' END AS label,
                 round(1 / (1 + exp(-((CASE WHEN hash(i) % 100 < 30 THEN 1.2 ELSE -1.2 END)
                                      + 2 * (hash(i * 7 + 1) % 10000 / 10000.0 - 0.5) * 2.5))), 5) AS score,
                 'v1' AS model_version,
                 (['en','es','fr','de','pt','it'])[1 + (hash(i * 3) % 6)::INT] AS language,
                 (['US','GB','DE','ES','MX','BR','FR','IT'])[1 + (hash(i * 5) % 8)::INT] AS country,
                 (['free','pro','enterprise'])[1 + (hash(i * 11) % 3)::INT] AS tier
          FROM range({rows}) t(i)""", "HEADER, DELIMITER ','")


def main() -> None:
    """Generate, import, time the explorer and the baseline, and print the figures (asserts they agree with sklearn)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--moves", type=int, default=25, help="threshold moves to time")
    args = ap.parse_args()

    import numpy as np
    from sklearn.metrics import precision_recall_curve

    from pm_core import ai
    from pm_core.auth import CLI_ACTOR
    from pm_core.ingest import import_file
    from pm_core.store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="pillars-bench-ai-"))
    csv_path = tmp / "intent_scores.csv"
    t0 = time.perf_counter()
    generate(csv_path, args.rows)
    t_gen = time.perf_counter() - t0
    store = open_store(tmp / "w.duckdb")
    t0 = time.perf_counter()
    res = import_file(store, CLI_ACTOR, csv_path)
    t_import = time.perf_counter() - t0
    assert res.rows_imported == args.rows, res

    feature = "intent_scores"
    t0 = time.perf_counter()
    first = ai.explore(store, feature, threshold=0.5)
    t_cold = time.perf_counter() - t0

    rd = ai.run_data(store, feature)
    y, s = rd.arrays["y"], rd.arrays["score"]
    base = []
    for _ in range(5):
        t0 = time.perf_counter()
        p, r, thr = precision_recall_curve(y, s)
        base.append(time.perf_counter() - t0)

    rng = np.random.default_rng(0)
    moves = rng.uniform(0.05, 0.95, size=args.moves)
    per_move = []
    for t in moves:
        t0 = time.perf_counter()
        ex = ai.explore(store, feature, threshold=float(t), cost_fp=1.0, cost_fn=4.0)
        per_move.append(time.perf_counter() - t0)
    # the figures agree with scikit-learn's curve at the last move
    i = int(np.searchsorted(thr, ex.at.threshold))
    assert abs(p[i] - ex.at.precision.value) < 1e-9 and abs(r[i] - ex.at.recall.value) < 1e-9

    audit_moves = []
    for t in moves[:5]:
        t0 = time.perf_counter()
        ai.bias_audit(store, feature, threshold=float(t))
        audit_moves.append(time.perf_counter() - t0)

    med, worst = statistics.median(per_move), max(per_move)
    b = statistics.median(base)
    print(f"examples: {args.rows:,} ({csv_path.stat().st_size / 1e6:.1f} MB CSV, generated in {t_gen:.2f} s)")
    print(f"import (sniff, detect, check every row, insert, provenance): {t_import:.2f} s")
    print(f"first explorer call (read {args.rows:,} rows from DuckDB, sort, metrics): {t_cold:.3f} s")
    print(f"explorer per threshold move: median {med * 1000:.1f} ms, max {worst * 1000:.1f} ms over {args.moves} moves "
          f"(target < 500 ms) -> {'OK' if worst < 0.5 else 'OVER TARGET'}")
    print(f"sklearn precision_recall_curve on the same arrays: median {b * 1000:.1f} ms over 5 runs")
    print(f"ratio explorer move / precision_recall_curve: {med / b:.3f}")
    print(f"bias audit per move (Fairlearn MetricFrame, {len(rd.segment_keys)} segments): "
          f"median {statistics.median(audit_moves) * 1000:.0f} ms over {len(audit_moves)} moves")
    print(f"at threshold 0.5: precision {first.at.precision.value:.4f}, recall {first.at.recall.value:.4f}")
    print(f"load average at the end: {load_average()}")
    store.close()


if __name__ == "__main__":
    main()
