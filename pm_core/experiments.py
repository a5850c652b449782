"""A/B test analysis over imported experiment exposures (or per-variant aggregates).

Definitions (issues 4 and 15): each user counts once, in their first variant. Every treatment is
compared with control twice, and both are shown: the absolute difference (pooled two-proportion
z-test, unpooled 95% interval) and the relative lift (delta-method Welch t-test, as PostHog and
GrowthBook compute it); the workspace setting `experiment_verdict_test` says which one decides the
verdict, and the verdict names it and says when the two disagree. With a planned sample size
(`experiment_planned_users`) an experiment below it is still running, and the always-valid
(sequential, mSPRT) p-value of that test decides instead. With 3+ variants the p-values are
Holm-corrected over the comparisons with control. Sample-ratio mismatch (SRM) is a chi-square test
of users per variant against `experiment_split` (default equal). The maths is in pm_core.ab_stats.
"""
from __future__ import annotations

from .errors import InputError

import math

from pydantic import BaseModel
# scipy.special, not scipy.stats: the same functions without seconds of import time at CLI start.
from scipy.special import ndtri

from . import ab_stats
from .ab_stats import srm_test, two_proportion  # noqa: F401  (re-exported: callers and tests use them here)
from .formatting import fmt_pct, fmt_pp, plural
from .settings import get_setting
from .store import Store
from .store import growth_store as gs

ALPHA = 0.05
SRM_ALPHA = 0.001  # the usual SRM threshold: a split this unlikely means the assignment is broken
_CONTROL_NAMES = ("control", "baseline", "original", "a", "old", "default")
TESTS = ("relative", "absolute")


class ExperimentError(InputError):
    """An experiment that cannot be analysed as asked (the message says why)."""


class VariantStats(BaseModel):
    """One variant's users, conversions and conversion rate."""

    name: str
    users: int
    conversions: int
    rate: float


class Comparison(BaseModel):
    """One treatment against control: both lifts with their 95% intervals and p-values, the sequential test, the decision."""

    treatment: str
    abs_lift: float
    abs_ci: tuple[float, float]
    abs_p: float
    rel_lift: float | None
    rel_ci: tuple[float | None, float | None]
    rel_p: float
    seq_p: float  # always-valid p of the deciding test's estimate (relative or absolute)
    seq_ci: tuple[float | None, float | None]
    p_adjusted: float  # the deciding p-value after Holm's correction (equal to it with one treatment)
    decided_p: float  # the p-value that decided, before correction (fixed-horizon or sequential)
    significant: bool
    abs_significant: bool
    rel_significant: bool
    tests_disagree: bool


class ExperimentResult(BaseModel):
    """An experiment's analysis: variants, both lifts with 95% intervals and p-values, SRM check and the verdict in words.

    abs_lift / ci95 / rel_lift / p_value describe the chosen treatment; p_value is the one that
    decided the verdict (after Holm's correction with 3+ variants); `comparisons` holds every
    treatment against control.
    """

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
    abs_p_value: float = 1.0
    rel_ci95: tuple[float | None, float | None] = (None, None)
    rel_p_value: float = 1.0
    seq_p_value: float = 1.0
    seq_ci95: tuple[float | None, float | None] = (None, None)
    decided_by: str = "relative"
    sequential: bool = False
    planned_users: int = 0
    plan_reached: bool | None = None
    correction: str = "none"
    tests_disagree: bool = False
    comparisons: list[Comparison] = []


def list_experiments(store: Store) -> list[str]:
    """Return experiment names, most recently imported first (ties: latest exposure); empty when none."""
    return [str(x) for x in gs.experiment_recency(store)["experiment"]]


def variant_names(store: Store, name: str, control: str | None = None) -> list[str]:
    """Return an experiment's variants, control first, then the others alphabetically; [] for an unknown experiment."""
    names = [str(v) for v in gs.experiment_variants(store, name)[0]["variant"]]
    if len(names) < 2:
        return names
    ctrl = _pick_control(names, control)
    return [ctrl] + [v for v in names if v != ctrl]


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


TEST_NAMES = {"relative": "relative-lift test (delta method, as PostHog and GrowthBook)",
              "absolute": "absolute-difference test (pooled z-test)"}


def _pct_rel(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:+.1f}%"


def compare(n1: int, c1: int, n2: int, c2: int, treatment: str, decided_by: str, sequential: bool) -> Comparison:
    """Return one treatment (n2, c2) against control (n1, c1) with both tests and the sequential one, before any correction.

    The sequential test runs on the deciding test's estimate (relative lift, or the difference in
    points); a control with no conversions has no relative lift, so its relative p is 1.
    """
    if decided_by not in TESTS:
        raise ExperimentError(f"the verdict test must be one of {', '.join(TESTS)}, got {decided_by!r}")
    try:
        _z, abs_p, abs_ci = two_proportion(n1, c1, n2, c2)
        rel, rel_p, rel_ci = ab_stats.relative_test(n1, c1, n2, c2)
    except ab_stats.StatsError as exc:
        raise ExperimentError(str(exc)) from None
    diff = c2 / n2 - c1 / n1
    if decided_by == "relative" and rel is not None:
        seq_p, seq_ci = ab_stats.sequential_test(rel, ab_stats.relative_variance(n1, c1, n2, c2) or 0.0, n1 + n2)
    elif decided_by == "relative":
        seq_p, seq_ci = 1.0, (None, None)
    else:
        seq_p, seq_ci = ab_stats.sequential_test(diff, ab_stats.absolute_variance(n1, c1, n2, c2), n1 + n2)
    fixed = rel_p if decided_by == "relative" else abs_p
    decided = seq_p if sequential else fixed
    return Comparison(treatment=treatment, abs_lift=diff, abs_ci=abs_ci, abs_p=abs_p, rel_lift=rel, rel_ci=rel_ci,
                      rel_p=rel_p, seq_p=seq_p, seq_ci=seq_ci, p_adjusted=decided, decided_p=decided,
                      significant=decided < ALPHA, abs_significant=abs_p < ALPHA, rel_significant=rel_p < ALPHA,
                      tests_disagree=(abs_p < ALPHA) != (rel_p < ALPHA))


def _correct(comps: list[Comparison]) -> list[Comparison]:
    """Return the comparisons with Holm-adjusted p-values (deciding, absolute and relative) when there are several."""
    if len(comps) < 2:
        return comps
    adj = ab_stats.holm([c.decided_p for c in comps])
    adj_abs = ab_stats.holm([c.abs_p for c in comps])
    adj_rel = ab_stats.holm([c.rel_p for c in comps])
    out = []
    for c, a, aa, ar in zip(comps, adj, adj_abs, adj_rel):
        out.append(c.model_copy(update=dict(p_adjusted=a, significant=a < ALPHA, abs_significant=aa < ALPHA,
                                            rel_significant=ar < ALPHA, tests_disagree=(aa < ALPHA) != (ar < ALPHA))))
    return out


def _verdict(r: dict) -> str:
    """Return the verdict in words: the result, the test that decided it, the plan, the correction and any disagreement."""
    c, t = r["control"], r["treatment"]
    comp = next(x for x in r["comparisons"] if x.treatment == t)
    rc = next(v for v in r["variants"] if v.name == c).rate
    rt = next(v for v in r["variants"] if v.name == t).rate
    test = r["decided_by"]
    other = "absolute" if test == "relative" else "relative"
    seq = r["sequential"]
    head = ""
    if not r["srm_ok"]:
        head = (f"Warning: sample ratio mismatch (p = {r['srm_p_value']:.2g}): users did not split as expected, "
                "so assignment or tracking is probably broken and the comparison below cannot be trusted. ")
    if test == "relative":
        lo, hi = comp.seq_ci if seq else comp.rel_ci
        lift = f"{_pct_rel(comp.rel_lift)} relative, {fmt_pp(rt - rc)}"
        ci_txt = f"{'always-valid ' if seq else ''}95% CI of the relative lift {_pct_rel(lo)} to {_pct_rel(hi)}"
    else:
        lo, hi = comp.seq_ci if seq else comp.abs_ci
        lift = f"{fmt_pp(rt - rc)}" + (f", {_pct_rel(comp.rel_lift)} relative" if comp.rel_lift is not None else "")
        ci_txt = f"{'always-valid ' if seq else ''}95% CI {fmt_pp(lo)} to {fmt_pp(hi)}"
    which = f"the {'always-valid (sequential) ' if seq else ''}{TEST_NAMES[test]}"
    p_txt = f"p = {comp.p_adjusted:.2g}" + (", Holm-corrected" if r["correction"] == "holm" else "")
    if comp.significant:
        direction = "higher" if rt > rc else "lower"
        body = (f"{t} converted at {fmt_pct(rt)} vs {fmt_pct(rc)} for {c} ({lift}; {ci_txt}). "
                f"Decided by {which}: the difference is statistically significant ({p_txt}), so {t} most likely "
                f"has a {direction} conversion rate than {c}.")
    else:
        body = (f"No significant difference between {t} ({fmt_pct(rt)}) and {c} ({fmt_pct(rc)}) ({lift}). "
                f"Decided by {which} ({p_txt}); {ci_txt}: this test cannot tell the variants apart yet.")
    planned = r["planned_users"]
    smallest = min(v.users for v in r["variants"])
    if planned and r["plan_reached"]:
        plan = f" The planned sample size ({planned:,} users per variant) was reached."
    elif planned:
        plan = (f" The planned sample size was not reached ({smallest:,} of {planned:,} users in the smallest variant), "
                "so the experiment counts as still running and the always-valid p-value decides: it stays valid however "
                "often you look.")
    else:
        plan = (f" No planned sample size is set (setting experiment_planned_users), so the fixed-horizon test is read as "
                f"if the experiment had ended; if it is still running, the always-valid p = {comp.seq_p:.2g}.")
    fixed_other = comp.abs_p if other == "absolute" else comp.rel_p
    agree = ""
    if comp.tests_disagree:
        sig_other = comp.abs_significant if other == "absolute" else comp.rel_significant
        agree = (f" The two tests disagree: the {TEST_NAMES[other]} says "
                 f"{'significant' if sig_other else 'not significant'} (p = {fixed_other:.2g}"
                 + (", before correction" if r["correction"] == "holm" else "") + ").")
    many = ""
    if r["correction"] == "holm":
        k = len(r["comparisons"])
        wins = [x.treatment for x in r["comparisons"] if x.significant]
        many = (f" {k} variants were each compared with {c}, so p-values are Holm-corrected for {k} comparisons; "
                + (f"significant: {', '.join(wins)}." if wins else "none is significant."))
    return head + body + plan + agree + many


def analyse(store: Store, name: str | None = None, split: list[float] | None = None,
            control: str | None = None, treatment: str | None = None, verdict_test: str | None = None,
            planned_users: int | None = None) -> ExperimentResult:
    """Return per-variant stats, both lifts with CIs and p-values, SRM check and a verdict; name None = the most recent experiment.

    Raises ExperimentError when there is no experiment, the name is unknown, or it has fewer than 2
    variants. Control is a variant called control/baseline/original/A, else the first alphabetically;
    every other variant is compared with it (Holm-corrected when there are 2 or more), and the
    headline fields describe `treatment` (default: the first other variant alphabetically). The
    deciding test is verdict_test, else the setting experiment_verdict_test; planned_users (else the
    setting experiment_planned_users, 0 = none) not yet reached by every variant makes the
    sequential p-value decide. SRM uses every variant, listed control first.
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
            f"experiment {name!r} has {plural(len(variant_names), 'variant')} ({', '.join(variant_names) or 'none'}); "
            "a comparison needs at least 2")
    ctrl = _pick_control(variant_names, control)
    others = [v for v in variant_names if v != ctrl]
    if treatment is not None:
        if treatment not in others:
            raise ExperimentError(f"treatment {treatment!r} is not another variant of {name!r} (variants: {', '.join(variant_names)})")
        treat = treatment
    else:
        treat = others[0]
    decided_by = (verdict_test or get_setting(store, "experiment_verdict_test")).strip().lower()
    if decided_by not in TESTS:
        raise ExperimentError(f"the verdict test must be one of {', '.join(TESTS)}, got {decided_by!r}")
    planned = int(get_setting(store, "experiment_planned_users") if planned_users is None else planned_users)
    if planned < 0:
        raise ExperimentError(f"the planned users per variant cannot be negative, got {planned}")
    order = [ctrl] + others
    by = {str(v): (int(u), int(c)) for v, u, c in df[["variant", "users", "conversions"]].itertuples(index=False)}
    variants = [VariantStats(name=v, users=by[v][0], conversions=by[v][1],
                             rate=by[v][1] / by[v][0] if by[v][0] else 0.0) for v in order]
    plan_reached = None if not planned else all(by[v][0] >= planned for v in order)
    sequential = bool(planned) and not plan_reached
    n1, c1 = by[ctrl]
    comps = _correct([compare(n1, c1, *by[o], o, decided_by, sequential) for o in others])
    comp = next(x for x in comps if x.treatment == treat)
    z, _p, ci = two_proportion(n1, c1, *by[treat])
    expected = _expected_split(store, len(order), split)
    srm_p = srm_test([by[v][0] for v in order], expected)
    r = dict(experiment=name, variants=variants, control=ctrl, treatment=treat, abs_lift=comp.abs_lift,
             rel_lift=comp.rel_lift, ci95=ci, p_value=comp.p_adjusted, srm_p_value=srm_p,
             srm_ok=srm_p >= SRM_ALPHA, expected_split=expected, users_in_both=both,
             significant=comp.significant, source=source, z=z, abs_p_value=comp.abs_p, rel_ci95=comp.rel_ci,
             rel_p_value=comp.rel_p, seq_p_value=comp.seq_p, seq_ci95=comp.seq_ci, decided_by=decided_by,
             sequential=sequential, planned_users=planned, plan_reached=plan_reached,
             correction="holm" if len(comps) > 1 else "none", tests_disagree=comp.tests_disagree, comparisons=comps)
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
