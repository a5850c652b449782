"""Growth analysis speed: weekly retention table, funnels (first and any attempt), a weekly funnel trend,
DAU/WAU/MAU and stickiness, on generated events.

Run by hand: .venv/bin/python bench/bench_growth.py [--rows 1000000 10000000] [--runs 3]
Generates events with numpy into a temp workspace, then times pm_core.growth (DuckDB SQL) against a
straightforward pandas implementation of the same figures on the same rows, already in memory (so
loading is not counted against pandas). Best of --runs after one warm-up. Prints times, the ratio
and whether both give the same numbers.
Targets (issue 4, together with the KPIs in bench_kpis.py): 1M rows under 0.5 s, 10M under 4 s,
at least 3x faster than pandas.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pm_core import growth  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
# The pandas baselines are the same ones bench_kpis times; one copy serves both benches.
from bench_kpis import pandas_funnel as pd_funnel  # noqa: E402
from bench_kpis import pandas_retention_table as pd_retention_week  # noqa: E402
from pm_core.store import open_store  # noqa: E402
from tests.factories import append_df  # noqa: E402

EVENTS = np.array(["sign_up", "search", "listing_view", "booking_started", "booking_completed", "wifi_filter_used"])
PROPS = np.array(['{"platform":"iOS"}', '{"platform":"Android"}', '{"platform":"Web"}'])
START = np.datetime64("2026-05-25T00:00:00")
DAYS = 181


def generate(n: int, seed: int = 7) -> pd.DataFrame:
    """Return n events; users arrive over six months and stay a while, so cohorts and funnels are realistic."""
    rng = np.random.default_rng(seed)
    n_users = max(1000, n // 40)
    uid = rng.integers(0, n_users, n)
    arrive = (uid * 2654435761 % n_users) / n_users * (DAYS - 7)
    stay = 7 + (uid * 40503 % 120)
    day = np.minimum(arrive + rng.random(n) * stay, DAYS - 1)
    ts = START + (day * 86400).astype("int64").astype("timedelta64[s]")
    ev = rng.choice(len(EVENTS), n, p=[.04, .36, .30, .14, .10, .06])
    return pd.DataFrame({
        "import_id": "bench",
        "user_id": pd.Categorical.from_codes(uid, [f"u{i}" for i in range(n_users)]).astype(str),
        "event": EVENTS[ev], "ts": ts.astype("datetime64[us]"),
        "properties": PROPS[rng.integers(0, 3, n)]})


# -- the straightforward pandas baseline --------------------------------------------------------
def pd_active(df: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    day = df["ts"].dt.floor("D")
    dau = df.groupby(day)["user_id"].nunique()
    wau = df.groupby(df["ts"].dt.to_period("W-SUN").dt.start_time)["user_id"].nunique()
    month = df["ts"].dt.to_period("M").dt.start_time
    mau = df.groupby(month)["user_id"].nunique()
    # mean DAU over the calendar days the data covers (a day without events counts as 0)
    days = pd.date_range(day.min(), day.max(), freq="D")
    cal = pd.Series(1, index=days).groupby(days.to_period("M").start_time).sum()
    mean_dau = dau.groupby(dau.index.to_period("M").start_time).sum() / cal
    return dau, wau, mau, mean_dau / mau


def pd_attempts(df: pd.DataFrame, start: str, goal: str, window_days: int) -> pd.DataFrame:
    """Every start event as an attempt (user, t1), converted when a goal follows within the window (merge_asof)."""
    s = df.loc[df["event"] == start, ["user_id", "ts"]].drop_duplicates().sort_values("ts")
    g = df.loc[df["event"] == goal, ["user_id", "ts"]].rename(columns={"ts": "tg"}).sort_values("tg")
    m = pd.merge_asof(s, g, left_on="ts", right_on="tg", by="user_id", direction="forward",
                      tolerance=pd.Timedelta(days=window_days))
    return m.assign(conv=m["tg"].notna())


def pd_funnel_any(df, start, goal, window_days) -> tuple[int, int]:
    a = pd_attempts(df, start, goal, window_days)
    return a["user_id"].nunique(), a.loc[a["conv"], "user_id"].nunique()


def pd_trend(df, start, goal, window_days) -> pd.DataFrame:
    """Users who entered each Monday week and those of them with a converting attempt started that week."""
    a = pd_attempts(df, start, goal, window_days)
    a["week"] = (a["ts"].dt.normalize() - pd.to_timedelta(a["ts"].dt.day_of_week, unit="D")).dt.date
    per = a.groupby(["week", "user_id"])["conv"].any().groupby(level=0)
    return pd.DataFrame({"entered": per.size(), "converted": per.sum()})


def run_pandas(df):
    return pd_retention_week(df), pd_funnel(df, "search", "booking_completed", 30), pd_active(df)


STEPS = ["search", "booking_completed"]


def run_duckdb(store):
    ret = growth.retention_table(store, "week")
    fun = growth.funnel(store, STEPS, 30)
    act = [growth.active_users_series(store, f) for f in ("day", "week", "month")] + [growth.stickiness_series(store)]
    return ret, fun, act


def any_funnel(store):
    return growth.funnel(store, STEPS, 30, window="30d", attempt="any")


def week_trend(store):
    return growth.funnel_trend(store, STEPS, unit="week", window="30d", attempt="any")


def forget(store) -> None:
    """Drop the results memoised on the store (Store.memo), so every timed run computes from the events."""
    store.clear_memo()


def best(fn, runs: int, store=None) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        if store is not None:
            forget(store)
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    for n in args.rows:
        df = generate(n)
        with tempfile.TemporaryDirectory() as tmp:
            store = open_store(Path(tmp) / "bench.duckdb")
            with store.transaction() as cur:
                append_df(cur, "events", df)
            ret, fun, act = run_duckdb(store)
            p_ret, p_fun, p_act = run_pandas(df)
            fa, tr = any_funnel(store), week_trend(store).set_index("period_start")
            p_fa, p_tr = pd_funnel_any(df, *STEPS, 30), pd_trend(df, *STEPS, 30)
            same_new = ((fa.steps[0].users, fa.steps[1].users) == p_fa
                        and tr.loc[tr["entered"] > 0, ["entered", "converted"]].astype(int).to_dict("index")
                        == p_tr.astype(int).to_dict("index"))
            same = (all((ret.weighted[k] is None) == (v is None) and (v is None or abs(ret.weighted[k] - v) < 1e-12)
                        for k, v in p_ret.items())
                    and (fun.steps[0].users, fun.steps[1].users) == p_fun
                    and list(act[2]["active_users"]) == list(p_act[2].values)
                    and np.allclose(act[3]["stickiness"].to_numpy(), p_act[3].to_numpy()))
            t_ret = best(lambda: growth.retention_table(store, "week"), args.runs, store)
            t_fun = best(lambda: growth.funnel(store, ["search", "booking_completed"], 30), args.runs, store)
            t_act = best(lambda: [growth.active_users_series(store, f) for f in ("day", "week", "month")]
                         + [growth.stickiness_series(store)], args.runs, store)
            pr = max(1, args.runs - 1)
            p_ret = best(lambda: pd_retention_week(df), pr)
            p_fun = best(lambda: pd_funnel(df, "search", "booking_completed", 30), pr)
            p_act = best(lambda: pd_active(df), pr)
            t_fa = best(lambda: any_funnel(store), args.runs, store)
            t_tr = best(lambda: week_trend(store), args.runs, store)
            p_fa = best(lambda: pd_funnel_any(df, *STEPS, 30), pr)
            p_tr = best(lambda: pd_trend(df, *STEPS, 30), pr)
            store.close()
        core, p_core = t_ret + t_fun, p_ret + p_fun
        print(f"{n:>11,} events (numbers agree with pandas: {same})\n"
              f"   weekly retention table {t_ret * 1000:8.1f} ms   pandas {p_ret * 1000:8.1f} ms   {p_ret / t_ret:5.1f}x\n"
              f"   funnel search->booking {t_fun * 1000:8.1f} ms   pandas {p_fun * 1000:8.1f} ms   {p_fun / t_fun:5.1f}x\n"
              f"   retention + funnel     {core * 1000:8.1f} ms   pandas {p_core * 1000:8.1f} ms   {p_core / core:5.1f}x\n"
              f"   DAU/WAU/MAU+stickiness {t_act * 1000:8.1f} ms   pandas {p_act * 1000:8.1f} ms   {p_act / t_act:5.1f}x\n"
              f"   funnel, any attempt    {t_fa * 1000:8.1f} ms   pandas {p_fa * 1000:8.1f} ms   {p_fa / t_fa:5.1f}x\n"
              f"   funnel trend by week   {t_tr * 1000:8.1f} ms   pandas {p_tr * 1000:8.1f} ms   {p_tr / t_tr:5.1f}x"
              f"   (any attempt, re-entry; numbers agree with pandas: {same_new})",
              flush=True)


if __name__ == "__main__":
    main()
