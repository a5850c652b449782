"""Experiment exposures written straight into a workspace, and a seeded synthetic two-variant test."""
from __future__ import annotations
import numpy as np
import pandas as pd
from tests.factories import append_df


def put_exposures(store, rows, experiment="exp", import_id="i1"):
    """rows: (user, variant, converted, 'YYYY-MM-DD HH:MM:SS' or None)."""
    df = pd.DataFrame({
        "import_id": import_id, "experiment": experiment,
        "user_id": [r[0] for r in rows], "variant": [r[1] for r in rows],
        "converted": [bool(r[2]) for r in rows],
        "exposed_at": pd.to_datetime([r[3] for r in rows], format="ISO8601"),
    })
    with store.transaction() as cur:
        append_df(cur, "experiment_exposures", df)
        cur.execute("INSERT INTO imports VALUES (?, 'f.csv', 'x', 1, 'experiment', 'generic', 1, 1, 0, 'me', "
                    "now()::TIMESTAMP, NULL)", [import_id])


def synthetic(n_c=3000, n_t=3000, p_c=0.09, p_t=0.108, seed=1):
    rng = np.random.default_rng(seed)
    rows = [(f"c{i}", "control", rng.random() < p_c, "2026-07-06 10:00:00") for i in range(n_c)]
    rows += [(f"t{i}", "treatment", rng.random() < p_t, "2026-07-06 10:00:00") for i in range(n_t)]
    return rows
