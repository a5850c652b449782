"""A/B statistics against hand computations with scipy (no statsmodels), on data built here."""
from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from pm_core import experiments as ex
from pm_core.experiments import ExperimentError
from pm_core.settings import update_settings
from tests.factories.experiments import put_exposures, synthetic






def ref_stats(n1, c1, n2, c2):
    p1, p2 = c1 / n1, c2 / n2
    p = (c1 + c2) / (n1 + n2)
    z = (p2 - p1) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    pval = 2 * (1 - stats.norm.cdf(abs(z)))
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return p2 - p1, pval, (p2 - p1 - 1.959963984540054 * se, p2 - p1 + 1.959963984540054 * se)


def test_analyse_matches_hand_computation(store):
    rows = synthetic()
    put_exposures(store, rows)
    r = ex.analyse(store)
    df = pd.DataFrame(rows, columns=["u", "v", "c", "t"])
    agg = df.groupby("v").agg(n=("u", "size"), c=("c", "sum"))
    n1, c1 = int(agg.loc["control", "n"]), int(agg.loc["control", "c"])
    n2, c2 = int(agg.loc["treatment", "n"]), int(agg.loc["treatment", "c"])
    diff, pval, ci = ref_stats(n1, c1, n2, c2)
    assert r.control == "control" and r.treatment == "treatment"
    assert [(v.name, v.users, v.conversions) for v in r.variants] == [("control", n1, c1), ("treatment", n2, c2)]
    assert r.variants[0].rate == pytest.approx(c1 / n1)
    assert r.abs_lift == pytest.approx(diff)
    assert r.rel_lift == pytest.approx(diff / (c1 / n1))
    assert r.abs_p_value == pytest.approx(pval, rel=1e-9)
    assert r.ci95[0] == pytest.approx(ci[0]) and r.ci95[1] == pytest.approx(ci[1])
    assert r.srm_p_value == pytest.approx(stats.chisquare([n1, n2]).pvalue)
    assert r.srm_ok and r.users_in_both == 0
    assert r.significant == (r.rel_p_value < 0.05) and r.decided_by == "relative"


def test_user_in_both_variants_counted_once_in_first(store):
    put_exposures(store, [
        ("a", "treatment", False, "2026-01-02 00:00:00"), ("a", "control", True, "2026-01-01 00:00:00"),
        ("b", "treatment", True, "2026-01-01 00:00:00"),
        ("c", "control", False, "2026-01-01 00:00:00"), ("c", "control", False, "2026-01-03 00:00:00"),
        ("d", "treatment", False, None), ("d", "control", False, "2026-01-05 00:00:00"),
    ])
    r = ex.analyse(store, "exp")
    by = {v.name: v for v in r.variants}
    assert by["control"].users == 3  # a (first in control), c (twice, once), d (timed exposure beats the untimed one)
    assert by["treatment"].users == 1
    assert by["control"].conversions == 1
    assert r.users_in_both == 2


def test_srm_detects_broken_split_and_uses_configured_split(store, editor):
    rows = synthetic(n_c=3000, n_t=2600, seed=3)
    put_exposures(store, rows)
    r = ex.analyse(store)
    assert r.srm_p_value == pytest.approx(stats.chisquare([3000, 2600]).pvalue)
    assert not r.srm_ok
    assert r.verdict.startswith("Warning: sample ratio mismatch")
    # a 53.6/46.4 design makes the same counts fine
    r2 = ex.analyse(store, split=[3000, 2600])
    assert r2.srm_ok and r2.srm_p_value == pytest.approx(1.0)
    update_settings(store, editor, {"experiment_split": [0.8, 0.2]})
    r3 = ex.analyse(store)
    assert r3.expected_split == [pytest.approx(0.8), pytest.approx(0.2)]
    assert r3.srm_p_value == pytest.approx(stats.chisquare([3000, 2600], [5600 * 0.8, 5600 * 0.2]).pvalue)
    with pytest.raises(ExperimentError, match="3 values"):
        ex.analyse(store, split=[1, 1, 1])


def test_verdict_does_not_overclaim(store):
    put_exposures(store, synthetic(n_c=500, n_t=500, p_c=0.10, p_t=0.09, seed=5))
    r = ex.analyse(store)
    assert r.p_value > 0.05
    assert r.verdict.startswith("No significant difference")
    assert "lost" not in r.verdict.lower() and "winner" not in r.verdict.lower()


def test_significant_verdict(store):
    put_exposures(store, synthetic(n_c=20000, n_t=20000, p_c=0.09, p_t=0.108, seed=2))
    r = ex.analyse(store)
    assert r.p_value < 0.05 and r.significant
    assert "statistically significant" in r.verdict and "higher" in r.verdict


def test_aggregates_table_and_recency(store):
    with store.transaction() as cur:
        cur.execute("INSERT INTO imports VALUES ('agg1', 'a.csv', 'x', 1, 'experiment', 'generic', 2, 2, 0, 'me', "
                    "TIMESTAMP '2030-01-01', NULL)")
        cur.execute("INSERT INTO experiment_aggregates VALUES ('agg1','price_test','A',1000,100), "
                    "('agg1','price_test','B',1000,130), ('agg1','price_test','B',10,0)")
    put_exposures(store, synthetic(n_c=50, n_t=50))
    assert ex.list_experiments(store) == ["price_test", "exp"]  # most recently imported first
    r = ex.analyse(store)
    assert r.experiment == "price_test" and r.source == "aggregates"
    assert r.control == "A"
    diff, pval, ci = ref_stats(1000, 100, 1010, 130)
    assert r.abs_p_value == pytest.approx(pval) and r.abs_lift == pytest.approx(diff)


def test_fewer_than_two_variants_and_no_experiments(store):
    with pytest.raises(ExperimentError, match="no experiments"):
        ex.analyse(store)
    put_exposures(store, [("a", "only", True, "2026-01-01 00:00:00")], experiment="solo")
    with pytest.raises(ExperimentError, match="at least 2"):
        ex.analyse(store, "solo")
    with pytest.raises(ExperimentError, match="no experiment named"):
        ex.analyse(store, "missing")


def test_all_or_nothing_conversion_gives_p_one(store):
    put_exposures(store, [(f"u{i}", "control" if i % 2 else "treatment", False, "2026-01-01 00:00:00") for i in range(20)])
    r = ex.analyse(store)
    assert r.p_value == 1.0 and r.abs_lift == 0 and r.rel_lift is None


def textbook_n(p1, p2, alpha=0.05, power=0.8):
    za, zb = stats.norm.isf(alpha / 2), stats.norm.isf(1 - power)
    pbar = (p1 + p2) / 2
    return math.ceil((za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p2 - p1) ** 2)


@pytest.mark.parametrize("p1,mde,alpha,power", [(0.10, 0.02, 0.05, 0.8), (0.09, 0.018, 0.05, 0.8),
                                                 (0.5, -0.05, 0.01, 0.9), (0.02, 0.005, 0.1, 0.8)])
def test_sample_size_textbook(p1, mde, alpha, power):
    assert ex.sample_size(p1, mde, alpha, power) == textbook_n(p1, p1 + mde, alpha, power)


def test_sample_size_known_value_and_bad_input():
    assert ex.sample_size(0.10, 0.02) == 3841
    for bad in [(0, 0.01), (0.5, 0), (0.95, 0.1), (1.2, 0.01)]:
        with pytest.raises(ExperimentError):
            ex.sample_size(*bad)


@pytest.mark.parametrize("args", [(float("nan"), 0.01), (0.1, float("nan")), (float("inf"), 0.01), (0.1, float("inf")),
                                  (0.1, 0.01, float("nan"), 0.8), (0.1, 0.01, 0.05, float("inf"))])
def test_sample_size_refuses_nan_and_infinity(args):
    with pytest.raises(ExperimentError):
        ex.sample_size(*args)


@pytest.mark.parametrize("rate, users, confidence", [(0.1, 100, 0.95), (0.5, 20, 0.9), (0.02, 5, 0.99), (0.0, 50, 0.95)])
def test_rate_interval_is_the_wald_interval_with_scipys_quantile(rate, users, confidence):
    z = stats.norm.ppf(0.5 + confidence / 2)
    half = z * math.sqrt(rate * (1 - rate) / users)
    lo, hi = ex.rate_interval(rate, users, confidence)
    assert lo == pytest.approx(max(0.0, rate - half), abs=1e-12) and hi == pytest.approx(min(1.0, rate + half), abs=1e-12)


def test_rate_interval_by_hand_and_edges():
    # 0.1 of 100 users: se = sqrt(0.09 / 100) = 0.03; 1.959964 * 0.03 = 0.0587989
    lo, hi = ex.rate_interval(0.1, 100)
    assert lo == pytest.approx(0.0412011, abs=1e-6) and hi == pytest.approx(0.1587989, abs=1e-6)
    assert ex.rate_interval(0.02, 5) == (0.0, pytest.approx(0.02 + 1.959964 * math.sqrt(0.02 * 0.98 / 5), abs=1e-6))
    assert ex.rate_interval(0.3, 0) == (0.3, 0.3)
    with pytest.raises(ExperimentError, match="confidence"):
        ex.rate_interval(0.3, 10, 1.5)
