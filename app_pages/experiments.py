"""Experiments: per-variant conversion, lift with its confidence interval, p-value, SRM check, sample size."""
from __future__ import annotations

import streamlit as st

import pillars_ui as ui
from pm_core import experiments
from pm_core.charts import growth as charts
from pm_core.experiments import ExperimentError
from pm_core.formatting import fmt_int, fmt_pct, fmt_pp, human_name
from pm_core.text import md

ui.page_header("Experiments", "Did the change move conversion, by how much, and can we trust the answer?")

names = ui.cached(experiments.list_experiments)
if not names:
    ui.empty_state("No experiments yet.",
                   "Import an A/B test export (one row per user with their variant or group and whether they "
                   "converted), or per-variant totals (variant, users, conversions).")
    st.stop()

picked, notice = ui.query_param("experiment", names, names[0])
if notice:
    st.warning(notice)
name = st.selectbox("Experiment", names, index=names.index(picked), key="exp_name", format_func=human_name,
                    help="Most recently imported first.")
st.query_params["experiment"] = name

variant_names = ui.cached(experiments.variant_names, name)
treatment = None
if len(variant_names) > 2:
    treatment = st.selectbox("Compare with control", variant_names[1:], key="exp_treatment",
                             help="Every variant is compared with control (Holm-corrected); this one is the headline.")

try:
    r = ui.cached(experiments.analyse, name, None, None, treatment)
except ExperimentError as exc:
    st.error(f"This experiment cannot be analysed: {md(exc)}")
    st.stop()

if not r.srm_ok:
    observed = " / ".join(f"{md(v.name)} {fmt_int(v.users)}" for v in r.variants)
    expected = " / ".join(f"{s * 100:.0f}%" for s in r.expected_split)
    st.error(f"**Sample ratio mismatch.** Users split {observed}, but the design expects {expected} "
             f"(chi-square p = {r.srm_p_value:.2g}). Something in assignment or tracking is off; "
             "do not trust the comparison below until it is explained.", icon=":material/warning:")

verdict_box = st.success if r.significant and r.abs_lift > 0 and r.srm_ok else st.info
verdict_box(md(r.verdict), icon=":material/lightbulb:")
st.caption(f"The verdict test is the workspace setting *experiment_verdict_test* (now **{r.decided_by}**); "
           "planned users per variant are *experiment_planned_users* "
           + (f"(now {fmt_int(r.planned_users)})." if r.planned_users else "(not set).")
           + " Both are on the Settings page.")

by = {v.name: v for v in r.variants}


def role_label(name: str) -> str:
    """Return the variant name, marked as control unless its name already says so."""
    return name if name != r.control or "control" in name.lower() else f"{name} (control)"


def rel_pct(x: float | None, digits: int = 1) -> str:
    """Return a relative lift as a signed percentage ('+17.5%'), a dash when there is none."""
    return "—" if x is None else f"{x * 100:+.{digits}f}%"


ctrl, treat = by[r.control], by[r.treatment]
m1, m2, m3, m4 = st.columns(4)
m1.metric(md(role_label(r.control)), fmt_pct(ctrl.rate, 2), border=True,
          help=f"{fmt_int(ctrl.conversions)} conversions of {fmt_int(ctrl.users)} users.")
m2.metric(md(r.treatment), fmt_pct(treat.rate, 2), border=True,
          help=f"{fmt_int(treat.conversions)} conversions of {fmt_int(treat.users)} users.")
m3.metric("Relative lift", rel_pct(r.rel_lift), border=True,
          help=f"({md(r.treatment)} - {md(r.control)}) / {md(r.control)}. Delta-method Welch t-test, as PostHog and GrowthBook.")
m4.metric("Absolute lift", fmt_pp(r.abs_lift, 2), border=True,
          help=f"{md(r.treatment)} minus {md(r.control)}, in percentage points. Pooled two-proportion z-test.")
comp = next(c for c in r.comparisons if c.treatment == r.treatment)
holm = r.correction == "holm"
rows = [
    {"Test": "Relative lift (delta method)" + (" · decides" if r.decided_by == "relative" else ""),
     "Estimate": rel_pct(comp.rel_lift), "95% interval": f"{rel_pct(comp.rel_ci[0])} to {rel_pct(comp.rel_ci[1])}",
     "p-value": f"{comp.rel_p:.3g}", "Significant": "yes" if comp.rel_significant else "no"},
    {"Test": "Absolute difference (pooled z-test)" + (" · decides" if r.decided_by == "absolute" else ""),
     "Estimate": fmt_pp(comp.abs_lift, 2), "95% interval": f"{fmt_pp(comp.abs_ci[0], 2)} to {fmt_pp(comp.abs_ci[1], 2)}",
     "p-value": f"{comp.abs_p:.3g}", "Significant": "yes" if comp.abs_significant else "no"},
]
seq_fmt = rel_pct if r.decided_by == "relative" else (lambda x: fmt_pp(x, 2) if x is not None else "—")
rows.append({"Test": f"Always-valid (sequential, mSPRT) on the {r.decided_by} lift" + (" · decides" if r.sequential else ""),
             "Estimate": rel_pct(comp.rel_lift) if r.decided_by == "relative" else fmt_pp(comp.abs_lift, 2),
             "95% interval": f"{seq_fmt(comp.seq_ci[0])} to {seq_fmt(comp.seq_ci[1])}",
             "p-value": f"{comp.seq_p:.3g}", "Significant": "yes" if comp.seq_p < experiments.ALPHA else "no"})
st.dataframe(rows, hide_index=True)
st.caption("Significant means p below 0.05"
           + (f", after Holm's correction for {len(r.comparisons)} comparisons with control" if holm else "")
           + ". The always-valid p-value stays valid however often the results are looked at while the experiment runs; "
           "it decides while the planned sample size is not reached. "
           + ("Computed from one row per user." if r.source == "exposures" else "Computed from per-variant totals."))
if r.tests_disagree:
    st.warning("The relative and absolute tests disagree on significance for this comparison; the verdict follows the "
               f"{md(r.decided_by)} test (the workspace setting).", icon=":material/balance:")

st.dataframe([{"Variant": role_label(v.name), "Users": fmt_int(v.users),
               "Conversions": fmt_int(v.conversions), "Conversion rate": fmt_pct(v.rate, 2),
               "Expected share": fmt_pct(s, 0), "Actual share": fmt_pct(v.users / sum(x.users for x in r.variants), 1)}
              for v, s in zip(r.variants, r.expected_split)], hide_index=True)
if r.users_in_both:
    st.caption(f"{fmt_int(r.users_in_both)} users saw more than one variant; each is counted once, in the first variant they saw.")
if holm:
    st.subheader("Every variant against control")
    st.dataframe([{"Variant": md(c.treatment), "Relative lift": rel_pct(c.rel_lift), "Relative p": f"{c.rel_p:.3g}",
                   "Absolute lift": fmt_pp(c.abs_lift, 2), "Absolute p": f"{c.abs_p:.3g}",
                   "Always-valid p": f"{c.seq_p:.3g}", "Holm-corrected p (deciding test)": f"{c.p_adjusted:.3g}",
                   "Significant": "yes" if c.significant else "no"} for c in r.comparisons], hide_index=True)
    st.caption(f"{len(r.comparisons)} variants are each compared with {md(r.control)}; Holm's step-down correction keeps "
               "the chance of any false positive at 5%. The sample-ratio check uses all variants.")

a, b = st.columns(2)
with a:
    ui.chart(charts.variant_rates_chart, r)
with b:
    ui.chart(charts.lift_chart, r)
    st.caption(f"Sample-ratio check: chi-square p = {r.srm_p_value:.3g} against an expected split of "
               + " / ".join(f"{s * 100:.0f}%" for s in r.expected_split)
               + " (setting *experiment_split*; empty means equal)."
               + (" OK." if r.srm_ok else " Mismatch (p < 0.001)."))

st.subheader("How many users would a test need?")
st.caption("Users needed per variant to detect a chosen change with a two-sided test (normal approximation).")
s1, s2, s3, s4 = st.columns(4)
with s1:
    base_pct = st.number_input("Baseline conversion (%)", min_value=0.1, max_value=99.9,
                               value=round(min(max(ctrl.rate * 100, 0.1), 99.9), 2), step=0.1, key="exp_ss_base")
with s2:
    mde_pp = st.number_input("Smallest change worth detecting (pp)", min_value=0.05, max_value=50.0, value=1.0,
                             step=0.1, key="exp_ss_mde", help="Absolute, in percentage points (1.0 = from 9% to 10%).")
with s3:
    alpha = st.selectbox("Significance level", [0.05, 0.01, 0.10], key="exp_ss_alpha")
with s4:
    power = st.selectbox("Power", [0.8, 0.9], key="exp_ss_power")
try:
    n = experiments.sample_size(base_pct / 100, mde_pp / 100, alpha, power)
    have = min(v.users for v in (ctrl, treat))
    st.metric("Users needed per variant", fmt_int(n), border=True, width="content",
              help=f"{fmt_int(2 * n)} in total for two variants.")
    st.caption(f"This experiment has {fmt_int(have)} users in its smaller compared arm: "
               + ("enough for this effect size." if have >= n else f"about {have / n:.0%} of what this effect size needs."))
except ExperimentError as exc:
    st.warning(f"Cannot size this test: {md(exc)}")
