"""The A/B test maths, pure functions over counts: absolute and relative lift tests, the always-valid
(sequential) test, Holm's correction and the sample-ratio check.

Which test does what (issue 15, matching the peers on their own fixtures):
- absolute: difference in conversion rate (percentage points); pooled two-proportion z-test for the
  p-value, unpooled standard error for the 95% interval (the textbook test Pillars always had).
- relative: (treatment - control) / control with the delta-method variance and a Welch t-test, as
  PostHog's and GrowthBook's frequentist engines compute it (PostHog fixture 62/1471 vs control
  87/1529: -25.9%, 95% CI -49.5% to -2.4%, p = 0.031, where the pooled z-test says p = 0.063).
- sequential: the mixture sequential probability ratio test (mSPRT, Johari et al. 2017) on either
  estimate, with the normal mixture tuned as GrowthBook tunes its confidence sequences (tightest near
  5,000 users, alpha 0.05): a p-value and interval that stay valid however often one looks.
scipy.special, not scipy.stats: the same functions without seconds of import time at CLI start.
"""
from __future__ import annotations

from .errors import InputError

import math

from scipy.special import chdtrc, ndtr, ndtri, stdtr, stdtrit

SEQUENTIAL_TUNING = 5000  # GrowthBook's default: the sample size at which the interval is tightest
SEQUENTIAL_ALPHA = 0.05


class StatsError(InputError):
    """Counts that a test cannot use (the message says why)."""


def _check(n1: int, c1: int, n2: int, c2: int) -> None:
    if n1 <= 0 or n2 <= 0:
        raise StatsError("both variants need at least one user")
    if not (0 <= c1 <= n1 and 0 <= c2 <= n2):
        raise StatsError("conversions must be between 0 and the number of users")


def two_proportion(n1: int, c1: int, n2: int, c2: int) -> tuple[float, float, tuple[float, float]]:
    """Return (z, two-sided p, 95% CI of p2 - p1): pooled SE for the test, unpooled SE for the interval.

    When every user or no user converted the pooled SE is 0: there is no evidence of a difference,
    so z = 0 and p = 1; the interval collapses to the observed difference.
    """
    _check(n1, c1, n2, c2)
    p1, p2 = c1 / n1, c2 / n2
    diff = p2 - p1
    pooled = (c1 + c2) / (n1 + n2)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se_pooled == 0:
        z, p = 0.0, 1.0
    else:
        z = diff / se_pooled
        p = float(2 * ndtr(-abs(z)))
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    q = float(ndtri(0.975))
    # A difference of proportions lies in [-1, 1]; tiny samples can push the normal interval past it.
    return float(z), p, (max(-1.0, diff - q * se), min(1.0, diff + q * se))


def absolute_variance(n1: int, c1: int, n2: int, c2: int) -> float:
    """Return the unpooled variance of p2 - p1 (0 when both rates are 0% or 100%)."""
    _check(n1, c1, n2, c2)
    p1, p2 = c1 / n1, c2 / n2
    return p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2


def relative_variance(n1: int, c1: int, n2: int, c2: int) -> float | None:
    """Return the delta-method variance of (p2 - p1) / p1, treatment and control independent; None when p1 = 0."""
    _check(n1, c1, n2, c2)
    p1, p2 = c1 / n1, c2 / n2
    if p1 == 0:
        return None
    v1, v2 = p1 * (1 - p1), p2 * (1 - p2)
    return v2 / (n2 * p1 ** 2) + v1 * p2 ** 2 / (n1 * p1 ** 4)


def welch_df(n1: int, c1: int, n2: int, c2: int) -> float:
    """Return the Welch-Satterthwaite degrees of freedom of the two rates (inf when both variances are 0)."""
    p1, p2 = c1 / n1, c2 / n2
    a, b = p1 * (1 - p1) / n1, p2 * (1 - p2) / n2
    den = (a * a / (n1 - 1) if n1 > 1 else 0.0) + (b * b / (n2 - 1) if n2 > 1 else 0.0)
    return (a + b) ** 2 / den if den > 0 else math.inf


def relative_test(n1: int, c1: int, n2: int, c2: int,
                  confidence: float = 0.95) -> tuple[float | None, float, tuple[float | None, float | None]]:
    """Return (relative lift, two-sided p, CI) of treatment (n2, c2) against control (n1, c1): delta method, Welch t.

    A control that never converted has no relative lift: (None, 1.0, (None, None)). A variance of 0
    (both variants at 0% or 100%) gives p = 1 and an interval collapsed on the estimate.
    """
    _check(n1, c1, n2, c2)
    var = relative_variance(n1, c1, n2, c2)
    if var is None:
        return None, 1.0, (None, None)
    p1, p2 = c1 / n1, c2 / n2
    est = (p2 - p1) / p1
    if var <= 0:
        return est, 1.0, (est, est)
    df = welch_df(n1, c1, n2, c2)
    t = est / math.sqrt(var)
    if math.isinf(df):
        p = float(2 * ndtr(-abs(t)))
        q = float(ndtri(0.5 + confidence / 2))
    else:
        p = float(2 * stdtr(df, -abs(t)))
        q = float(stdtrit(df, 0.5 + confidence / 2))
    half = q * math.sqrt(var)
    return est, p, (est - half, est + half)


def sequential_test(estimate: float, variance: float, n_total: int,
                    alpha: float = SEQUENTIAL_ALPHA, tuning: int = SEQUENTIAL_TUNING) -> tuple[float, tuple[float, float]]:
    """Return (always-valid p, always-valid CI at 1 - alpha) of an estimate with this variance, by the normal-mixture mSPRT.

    The mixture variance is tau^2 = rho^2 * n * variance with GrowthBook's rho (tightest near `tuning`
    users), so the interval is GrowthBook's confidence sequence. p = min(1, 1 / likelihood ratio at 0):
    reading it at every look keeps the false-positive rate at alpha. Variance 0 gives p = 1.
    """
    if variance <= 0 or n_total <= 0:
        return 1.0, (estimate, estimate)
    rho2 = (-2 * math.log(alpha) + math.log(-2 * math.log(alpha) + 1)) / tuning
    tau2 = rho2 * n_total * variance
    v = variance
    log_lr = 0.5 * math.log(v / (v + tau2)) + tau2 * estimate ** 2 / (2 * v * (v + tau2))
    p = 1.0 if log_lr <= 0 else float(min(1.0, math.exp(-log_lr)))
    half = math.sqrt(v * (v + tau2) / tau2 * math.log((v + tau2) / (v * alpha ** 2)))
    return p, (estimate - half, estimate + half)


def holm(p_values: list[float]) -> list[float]:
    """Return Holm-adjusted p-values in the input order (step-down, monotone, capped at 1); one value is returned as is."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    out = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        out[i] = running
    return out


def srm_test(users: list[int], split: list[float]) -> float:
    """Return the chi-square p-value of observed users per variant against the expected split (weights, any scale)."""
    total = sum(users)
    weights = sum(split)
    if total == 0:
        return 1.0
    expected = [total * w / weights for w in split]
    stat = sum((o - e) ** 2 / e for o, e in zip(users, expected) if e > 0)
    return float(chdtrc(len(users) - 1, stat))
