"""A/B test statistics over imported experiment exposures (or per-variant aggregates).

Definitions (issue 4): each user counts once, in their first variant; a pooled two-proportion
z-test, two-sided; the 95% confidence interval of the difference uses the unpooled standard
error; sample-ratio mismatch (SRM) is a chi-square test of users per variant against the
configured split (setting `experiment_split`, default equal).
"""
from __future__ import annotations

import math

from pydantic import BaseModel
# scipy.special, not scipy.stats: the same functions without seconds of import time at CLI start.
from scipy.special import chdtrc, ndtr, ndtri

from .formatting import fmt_pct, fmt_pp
from .settings import get_setting
from .store import Store
from .store import growth_store as gs

ALPHA = 0.05
SRM_ALPHA = 0.001  # the usual SRM threshold: a split this unlikely means the assignment is broken
_CONTROL_NAMES = ("control", "baseline", "original", "a", "old", "default")


class ExperimentError(ValueError):
    """An experiment that cannot be analysed as asked (the message says why)."""


class VariantStats(BaseModel):
    """One variant's users, conversions and conversion rate."""

    name: str
    users: int
    conversions: int
    rate: float


class ExperimentResult(BaseModel):
    """An experiment's analysis: variants, lift with its 95% interval, p-value, SRM check and the verdict in words."""

    experiment: str
    variants: list[VariantStats]
    control: str
    treatment: str
    abs_lift: float
    rel_lift: float | None
    ci95: tuple[float, float]
    p_value: float
    srm_p_value: float
    srm_ok: bool
    expected_split: list[float]
    verdict: str
    users_in_both: int
    significant: bool = False
    source: str = "exposures"
    z: float = 0.0


def list_experiments(store: Store) -> list[str]:
    """Return experiment names, most recently imported first (ties: latest exposure); empty when none."""
    return [str(x) for x in gs.experiment_recency(store)["experiment"]]


def _pick_control(names: list[str], control: str | None) -> str:
    if control is not None:
        if control not in names:
            raise ExperimentError(f"variant {control!r} is not in this experiment (variants: {', '.join(names)})")
        return control
    for wanted in _CONTROL_NAMES:
        for n in names:
            if n.strip().lower() == wanted:
                return n
    return names[0]


def two_proportion(n1: int, c1: int, n2: int, c2: int) -> tuple[float, float, tuple[float, float]]:
    """Return (z, two-sided p, 95% CI of p2 - p1): pooled SE for the test, unpooled SE for the interval.

    When every user or no user converted the pooled SE is 0: there is no evidence of a difference,
    so z = 0 and p = 1; the interval collapses to the observed difference.
    """
    if n1 <= 0 or n2 <= 0:
        raise ExperimentError("both variants need at least one user")
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


def rate_interval(rate: float, users: float, confidence: float = 0.95) -> tuple[float, float]:
    """Return the normal-approximation (Wald) interval of one variant's conversion rate, clipped to [0, 1].

    z is the standard normal quantile (ndtri is scipy.stats.norm.ppf without importing scipy.stats,
    which costs the CLI seconds), so 0.95 uses 1.95996..., not a rounded 1.96. No users: (rate, rate).
    """
    if not 0 < confidence < 1:
        raise ExperimentError(f"confidence must be between 0 and 1, got {confidence!r}")
    if not users or users <= 0:
        return rate, rate
    half = float(ndtri(0.5 + confidence / 2)) * math.sqrt(max(0.0, rate * (1 - rate)) / users)
    return max(0.0, rate - half), min(1.0, rate + half)


def srm_test(users: list[int], split: list[float]) -> float:
    """Return the chi-square p-value of observed users per variant against the expected split (weights, any scale)."""
    total = sum(users)
    weights = sum(split)
    if total == 0:
        return 1.0
    expected = [total * w / weights for w in split]
    stat = sum((o - e) ** 2 / e for o, e in zip(users, expected) if e > 0)
    return float(chdtrc(len(users) - 1, stat))


def _expected_split(store: Store, n: int, split: list[float] | None) -> list[float]:
    raw = split if split else (get_setting(store, "experiment_split") or [])
    if not raw:
        return [1.0 / n] * n
    vals = [float(v) for v in raw]
    if len(vals) != n:
        raise ExperimentError(
            f"the expected split has {len(vals)} values but the experiment has {n} variants; "
            "give one weight per variant (control first, then the others alphabetically), or leave it empty for an equal split")
    if any(v <= 0 for v in vals):
        raise ExperimentError("every value of the expected split must be above 0")
    s = sum(vals)
    return [v / s for v in vals]


def _verdict(r: dict) -> str:
    c, t = r["control"], r["treatment"]
    rc = next(v for v in r["variants"] if v.name == c).rate
    rt = next(v for v in r["variants"] if v.name == t).rate
    lo, hi = r["ci95"]
    ci_txt = f"95% CI {fmt_pp(lo)} to {fmt_pp(hi)}"
    head = ""
    if not r["srm_ok"]:
        head = (f"Warning: sample ratio mismatch (p = {r['srm_p_value']:.2g}): users did not split as expected, "
                "so assignment or tracking is probably broken and the comparison below cannot be trusted. ")
    if r["significant"]:
        direction = "higher" if rt > rc else "lower"
        body = (f"{t} converted at {fmt_pct(rt)} vs {fmt_pct(rc)} for {c} ({fmt_pp(rt - rc)}, {ci_txt}). "
                f"The difference is statistically significant (p = {r['p_value']:.2g}): {t} most likely has a "
                f"{direction} conversion rate than {c}, by somewhere in that interval.")
    else:
        body = (f"No significant difference between {t} ({fmt_pct(rt)}) and {c} ({fmt_pct(rc)}) "
                f"(p = {r['p_value']:.2g}). The true difference could be anywhere from {fmt_pp(lo)} to "
                f"{fmt_pp(hi)}; this test cannot tell the variants apart.")
    return head + body


def analyse(store: Store, name: str | None = None, split: list[float] | None = None,
            control: str | None = None, treatment: str | None = None) -> ExperimentResult:
    """Return per-variant stats, lift, CI, p-value, SRM check and a verdict; name None = the most recent experiment.

    Raises ExperimentError when there is no experiment, the name is unknown, or it has fewer than 2
    variants. With more than two variants the test compares treatment (default: the first other
    variant alphabetically) to control (a variant called control/baseline/original/A, else the first
    alphabetically); SRM uses every variant, listed control first.
    """
    names = list_experiments(store)
    if not names:
        raise ExperimentError("no experiments imported yet: import an experiment export (user, variant, converted) first")
    if name is None:
        name = names[0]
    elif name not in names:
        raise ExperimentError(f"no experiment named {name!r}; known: {', '.join(names)}")
    df, both, source = gs.experiment_variants(store, name)
    variant_names = [str(v) for v in df["variant"]]
    if len(variant_names) < 2:
        raise ExperimentError(
            f"experiment {name!r} has {len(variant_names)} variant(s) ({', '.join(variant_names) or 'none'}); "
            "a comparison needs at least 2")
    ctrl = _pick_control(variant_names, control)
    others = [v for v in variant_names if v != ctrl]
    if treatment is not None:
        if treatment not in others:
            raise ExperimentError(f"treatment {treatment!r} is not another variant of {name!r} (variants: {', '.join(variant_names)})")
        treat = treatment
    else:
        treat = others[0]
    order = [ctrl] + others
    by = {str(v): (int(u), int(c)) for v, u, c in df[["variant", "users", "conversions"]].itertuples(index=False)}
    variants = [VariantStats(name=v, users=by[v][0], conversions=by[v][1],
                             rate=by[v][1] / by[v][0] if by[v][0] else 0.0) for v in order]
    (n1, c1), (n2, c2) = by[ctrl], by[treat]
    z, p, ci = two_proportion(n1, c1, n2, c2)
    p1, p2 = c1 / n1, c2 / n2
    expected = _expected_split(store, len(order), split)
    srm_p = srm_test([by[v][0] for v in order], expected)
    r = dict(experiment=name, variants=variants, control=ctrl, treatment=treat, abs_lift=p2 - p1,
             rel_lift=(p2 - p1) / p1 if p1 > 0 else None, ci95=ci, p_value=p, srm_p_value=srm_p,
             srm_ok=srm_p >= SRM_ALPHA, expected_split=expected, users_in_both=both,
             significant=p < ALPHA, source=source, z=z)
    r["verdict"] = _verdict(r)
    return ExperimentResult(**r)


def sample_size(baseline_rate: float, mde_abs: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Return users needed per variant to detect an absolute change of mde_abs from baseline_rate (two-sided test).

    Uses the standard normal-approximation formula for two proportions (pooled variance under H0,
    unpooled under H1), rounded up; e.g. 10% baseline, 2 pp MDE -> 3,841 per variant.
    """
    p1 = float(baseline_rate)
    d = float(mde_abs)
    if not 0 < p1 < 1:
        raise ExperimentError(f"baseline rate must be between 0 and 1 (e.g. 0.10 for 10%), got {baseline_rate}")
    if d == 0:
        raise ExperimentError("the minimum detectable effect cannot be 0")
    p2 = p1 + d
    if not 0 < p2 < 1:
        raise ExperimentError(f"baseline {fmt_pct(p1)} plus the effect {fmt_pp(d)} falls outside 0-100%")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ExperimentError("alpha and power must be between 0 and 1")
    za = ndtri(1 - alpha / 2)
    zb = ndtri(power)
    pbar = (p1 + p2) / 2
    n = (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / d ** 2
    return int(math.ceil(n - 1e-9))
