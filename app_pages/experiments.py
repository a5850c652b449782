"""Experiments: per-variant conversion, lift with its confidence interval, p-value, SRM check, sample size."""
from __future__ import annotations

import streamlit as st

import pillars_ui as ui
from pm_core import experiments
from pm_core.charts import growth as charts
from pm_core.experiments import ExperimentError
from pm_core.formatting import fmt_int, fmt_pct, fmt_pp
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
name = st.selectbox("Experiment", names, index=names.index(picked), key="exp_name",
                    help="Most recently imported first.")
st.query_params["experiment"] = name

try:
    r = ui.cached(experiments.analyse, name)
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

by = {v.name: v for v in r.variants}


def role_label(name: str) -> str:
    """Return the variant name, marked as control unless its name already says so."""
    return name if name != r.control or "control" in name.lower() else f"{name} (control)"


ctrl, treat = by[r.control], by[r.treatment]
m1, m2, m3, m4 = st.columns(4)
m1.metric(md(role_label(r.control)), fmt_pct(ctrl.rate, 2), border=True,
          help=f"{fmt_int(ctrl.conversions)} conversions of {fmt_int(ctrl.users)} users.")
m2.metric(md(r.treatment), fmt_pct(treat.rate, 2), border=True,
          help=f"{fmt_int(treat.conversions)} conversions of {fmt_int(treat.users)} users.")
rel = f" ({r.rel_lift * 100:+.1f}% relative)" if r.rel_lift is not None else ""
m3.metric("Absolute lift", fmt_pp(r.abs_lift, 2), border=True,
          help=f"{md(r.treatment)} minus {md(r.control)}{rel}. 95% CI {fmt_pp(r.ci95[0], 2)} to {fmt_pp(r.ci95[1], 2)} (unpooled standard error).")
m4.metric("p-value (two-sided)", f"{r.p_value:.3g}", border=True,
          help="Pooled two-proportion z-test. Below 0.05 counts as statistically significant here.")
st.caption(f"Lift {fmt_pp(r.abs_lift, 2)}{rel}; 95% confidence interval of the difference "
           f"{fmt_pp(r.ci95[0], 2)} to {fmt_pp(r.ci95[1], 2)}. "
           + ("Computed from one row per user." if r.source == "exposures" else "Computed from per-variant totals."))

st.dataframe([{"Variant": role_label(v.name), "Users": fmt_int(v.users),
               "Conversions": fmt_int(v.conversions), "Conversion rate": fmt_pct(v.rate, 2),
               "Expected share": fmt_pct(s, 0), "Actual share": fmt_pct(v.users / sum(x.users for x in r.variants), 1)}
              for v, s in zip(r.variants, r.expected_split)], hide_index=True)
if r.users_in_both:
    st.caption(f"{fmt_int(r.users_in_both)} users saw more than one variant; each is counted once, in the first variant they saw.")
if len(r.variants) > 2:
    st.caption(f"This experiment has {len(r.variants)} variants; the test compares {md(r.treatment)} with {md(r.control)}. "
               "The sample-ratio check uses all of them.")

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
