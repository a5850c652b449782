"""A/B maths against the peers' fixtures and independent computations (scipy.stats, numerical integration, simulation).

PostHog's fixture (products/experiments/stats/tests/test_frequentist.py,
test_two_sided_ttest_with_sample_proportion): treatment 62/1471 vs control 87/1529, relative
difference -0.25925, 95% CI [-0.49475, -0.02376], p = 0.030960.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from pm_core import ab_stats
from pm_core import experiments as ex
from pm_core.experiments import ExperimentError
from pm_core.settings import SettingError, coerce, update_settings
from tests.factories import put_experiment_totals


def welch_delta_reference(n1, c1, n2, c2):
    """Relative lift of 2 over 1: delta-method variance, Welch-Satterthwaite df, scipy's t distribution."""
    p1, p2 = c1 / n1, c2 / n2
    v1, v2 = p1 * (1 - p1), p2 * (1 - p2)
    est = p2 / p1 - 1
    var = v2 / (n2 * p1 ** 2) + v1 * p2 ** 2 / (n1 * p1 ** 4)
    df = (v1 / n1 + v2 / n2) ** 2 / ((v1 / n1) ** 2 / (n1 - 1) + (v2 / n2) ** 2 / (n2 - 1))
    t = est / math.sqrt(var)
    half = stats.t.ppf(0.975, df) * math.sqrt(var)
    return est, 2 * stats.t.sf(abs(t), df), (est - half, est + half)


def test_posthog_fixture_relative_and_pooled():
    rel, p, (lo, hi) = ab_stats.relative_test(1529, 87, 1471, 62)
    # PostHog's published numbers
    assert rel == pytest.approx(-0.25925, abs=1e-4)
    assert p == pytest.approx(0.030960, abs=1e-5)
    assert lo == pytest.approx(-0.49475, abs=1e-4) and hi == pytest.approx(-0.02376, abs=1e-4)
    # and an independent scipy computation
    e_rel, e_p, e_ci = welch_delta_reference(1529, 87, 1471, 62)
    assert (rel, p, lo, hi) == pytest.approx((e_rel, e_p, *e_ci), rel=1e-9)
    # the pooled absolute test on the same counts: p = 0.063 (statsmodels' proportions_ztest gives the same)
    z, p_abs, _ = ab_stats.two_proportion(1529, 87, 1471, 62)
    pooled = (87 + 62) / (1529 + 1471)
    e_z = (62 / 1471 - 87 / 1529) / math.sqrt(pooled * (1 - pooled) * (1 / 1529 + 1 / 1471))
    assert z == pytest.approx(e_z) and p_abs == pytest.approx(2 * stats.norm.sf(abs(e_z)))
    assert p_abs == pytest.approx(0.063, abs=5e-4)


@pytest.mark.parametrize("counts", [(3000, 270, 3000, 324), (500, 50, 480, 41), (12000, 1300, 11800, 1402), (40, 3, 35, 9)])
def test_relative_test_matches_reference(counts):
    rel, p, ci = ab_stats.relative_test(*counts)
    e = welch_delta_reference(*counts)
    assert rel == pytest.approx(e[0]) and p == pytest.approx(e[1], rel=1e-7)
    assert ci[0] == pytest.approx(e[2][0]) and ci[1] == pytest.approx(e[2][1])


def test_relative_test_edges():
    assert ab_stats.relative_test(100, 0, 100, 5) == (None, 1.0, (None, None))  # no control conversions: no relative lift
    assert ab_stats.relative_test(10, 10, 10, 10) == (0.0, 1.0, (0.0, 0.0))  # everyone converted: variance 0
    with pytest.raises(ab_stats.StatsError):
        ab_stats.relative_test(0, 0, 10, 1)


def mixture_p_by_integration(est, var, tau2):
    """1 / (integral of N(est; theta, var) N(theta; 0, tau2) dtheta / N(est; 0, var)), capped at 1."""
    bound = abs(est) + 12 * math.sqrt(var) + 12 * math.sqrt(tau2)
    num, _ = integrate.quad(lambda th: stats.norm.pdf(est, th, math.sqrt(var)) * stats.norm.pdf(th, 0, math.sqrt(tau2)),
                            -bound, bound, points=[0.0, est], limit=200)
    return min(1.0, stats.norm.pdf(est, 0, math.sqrt(var)) / num)


def growthbook_halfwidth(var, n, alpha=0.05, tuning=5000):
    """GrowthBook's asymptotic confidence sequence (Howard et al.): s^2 = var * n, rho from alpha and the tuning N."""
    rho = math.sqrt((-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / tuning)
    return math.sqrt(var * n) * math.sqrt(2 * (n * rho ** 2 + 1) / (n ** 2 * rho ** 2) * math.log(math.sqrt(n * rho ** 2 + 1) / alpha))


@pytest.mark.parametrize("counts", [(1529, 87, 1471, 62), (3000, 270, 3000, 324), (20000, 1800, 20000, 2160), (200, 20, 200, 22)])
def test_sequential_matches_mixture_integral_and_growthbook_interval(counts):
    n1, c1, n2, c2 = counts
    rel, p_fixed, _ = ab_stats.relative_test(*counts)
    var = ab_stats.relative_variance(*counts)
    n = n1 + n2
    p, (lo, hi) = ab_stats.sequential_test(rel, var, n)
    rho2 = (-2 * math.log(0.05) + math.log(-2 * math.log(0.05) + 1)) / 5000
    assert p == pytest.approx(mixture_p_by_integration(rel, var, rho2 * n * var), rel=1e-6)
    half = growthbook_halfwidth(var, n)
    assert lo == pytest.approx(rel - half) and hi == pytest.approx(rel + half)
    assert p >= p_fixed  # always-valid costs certainty at any single look
    assert (p < 0.05) == (lo > 0 or hi < 0)  # the interval and the p-value tell the same story


def test_sequential_keeps_false_positives_under_alpha_when_peeking():
    """No true difference, 50 looks each: the fixed-horizon test 'wins' far more often than 5%, the mSPRT does not."""
    rng = np.random.default_rng(11)
    sims, looks, step, rate = 400, 50, 100, 0.1
    a = rng.random((sims, looks * step)) < rate
    b = rng.random((sims, looks * step)) < rate
    fixed_hit = np.zeros(sims, bool)
    seq_hit = np.zeros(sims, bool)
    for k in range(1, looks + 1):
        n = k * step
        ca, cb = a[:, :n].sum(1), b[:, :n].sum(1)
        for s in range(sims):
            _, p_abs, _ = ab_stats.two_proportion(n, int(ca[s]), n, int(cb[s]))
            fixed_hit[s] |= p_abs < 0.05
            v = ab_stats.absolute_variance(n, int(ca[s]), n, int(cb[s]))
            p_seq, _ = ab_stats.sequential_test(cb[s] / n - ca[s] / n, v, 2 * n)
            seq_hit[s] |= p_seq < 0.05
    assert fixed_hit.mean() > 0.15
    assert seq_hit.mean() <= 0.06


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04 -> 3*0.01 = 0.03, 2*0.03 = 0.06, max(0.06, 1*0.04) = 0.06
    assert ab_stats.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert ab_stats.holm([0.2]) == [0.2]
    assert ab_stats.holm([0.6, 0.9]) == [1.0, 1.0]


def test_experiment_verdict_names_the_test_and_the_disagreement(store):
    put_experiment_totals(store, "posthog_fixture", {"control": (1529, 87), "test": (1471, 62)})
    r = ex.analyse(store)
    assert r.decided_by == "relative"  # the default, as PostHog and GrowthBook
    assert r.rel_lift == pytest.approx(-0.25925, abs=1e-4) and r.rel_p_value == pytest.approx(0.03096, abs=1e-5)
    assert r.abs_p_value == pytest.approx(0.063, abs=5e-4)
    assert r.significant and r.p_value == r.rel_p_value and r.tests_disagree
    assert "Decided by the relative-lift test" in r.verdict and "statistically significant" in r.verdict
    assert "the absolute-difference test (pooled z-test) says not significant (p = 0.063)" in r.verdict
    assert "No planned sample size is set" in r.verdict

    r2 = ex.analyse(store, verdict_test="absolute")
    assert not r2.significant and r2.p_value == r2.abs_p_value
    assert r2.verdict.startswith("No significant difference") and "Decided by the absolute-difference test" in r2.verdict
    assert "relative-lift test (delta method, as PostHog and GrowthBook) says significant (p = 0.031)" in r2.verdict


def test_verdict_test_setting(store, editor):
    put_experiment_totals(store, "posthog_fixture", {"control": (1529, 87), "test": (1471, 62)})
    update_settings(store, editor, {"experiment_verdict_test": "Absolute"})
    r = ex.analyse(store)
    assert r.decided_by == "absolute" and not r.significant
    with pytest.raises(SettingError, match="one of relative, absolute"):
        coerce("experiment_verdict_test", "bayesian")
    with pytest.raises(ExperimentError, match="verdict test"):
        ex.analyse(store, verdict_test="bayesian")


def test_planned_sample_size_switches_to_the_sequential_test(store):
    put_experiment_totals(store, "posthog_fixture", {"control": (1529, 87), "test": (1471, 62)})
    running = ex.analyse(store, planned_users=3000)
    assert running.sequential and running.plan_reached is False
    var = ab_stats.relative_variance(1529, 87, 1471, 62)
    e_p, e_ci = ab_stats.sequential_test(running.rel_lift, var, 3000)
    assert running.p_value == pytest.approx(e_p) and running.seq_ci95 == pytest.approx(e_ci)
    assert not running.significant  # p = 0.031 fixed-horizon is not enough while it runs
    assert "was not reached (1,471 of 3,000 users in the smallest variant)" in running.verdict
    assert "always-valid (sequential) relative-lift test" in running.verdict
    done = ex.analyse(store, planned_users=1400)
    assert not done.sequential and done.plan_reached and done.significant
    assert "The planned sample size (1,400 users per variant) was reached." in done.verdict


def test_three_variants_each_against_control_holm_corrected(store):
    totals = {"control": (4000, 400), "b": (4000, 470), "c": (4000, 415)}
    put_experiment_totals(store, "three", totals)
    r = ex.analyse(store)
    assert r.correction == "holm" and [c.treatment for c in r.comparisons] == ["b", "c"]
    raw = [welch_delta_reference(4000, 400, *totals[v])[1] for v in ("b", "c")]
    # Holm by hand for two p-values
    lo_i = int(np.argmin(raw))
    first = min(1.0, 2 * raw[lo_i])
    expect = [0.0, 0.0]
    expect[lo_i] = first
    expect[1 - lo_i] = max(first, raw[1 - lo_i])
    assert [c.p_adjusted for c in r.comparisons] == pytest.approx(expect)
    assert r.treatment == "b" and r.p_value == pytest.approx(expect[0])
    assert "Holm-corrected for 2 comparisons" in r.verdict
    rc = ex.analyse(store, treatment="c")
    assert rc.treatment == "c" and rc.p_value == pytest.approx(expect[1]) and not rc.significant
    with pytest.raises(ExperimentError, match="not another variant"):
        ex.analyse(store, treatment="zzz")
