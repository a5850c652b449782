"""AI quality: the threshold explorer, uncertainty, versions side by side, bias audit, calibration, launch readiness."""
from __future__ import annotations

import streamlit as st

import pillars_ui as ui
from pm_core import ai
from pm_core.charts import ai as charts
from pm_core.formatting import fmt_int, fmt_pct
from pm_core.text import md

ui.page_header("AI quality", "Is the model good enough to launch: how often is it right, what does it miss, "
                             "is it fair across groups, and does it meet the bars we agreed?")
ui.show_flash()
actor = ui.current_actor()

names = ui.cached(ai.feature_names)
if not names:
    ui.empty_state("No AI evaluations yet.",
                   "Import scored predictions (one row per labelled example: the true label, the model's score or "
                   "predicted label, optional model version and segment columns such as language or country), or a "
                   "graded eval file (promptfoo results.json, an OpenAI Evals record, a LangSmith or Braintrust CSV).")
    st.stop()

picked, notice = ui.query_param("feature", names, names[0])
if notice:
    st.warning(notice)
feature = st.selectbox("AI feature", names, index=names.index(picked), key="ai_feature",
                       help="Most recently imported first.")  # options are plain text: md() would show its backslashes
st.query_params["feature"] = feature
kind = ui.cached(ai.feature_kind, feature)
doc = ui.cached(ai.get_readiness, feature)


def _pct(v) -> str:
    return fmt_pct(v) if v is not None else "—"


def _interval_text(iv) -> str:
    if iv.value is None:
        return "undefined"
    return f"{fmt_pct(iv.value)} (95% {fmt_pct(iv.low)}–{fmt_pct(iv.high)}, {fmt_int(iv.successes)} of {fmt_int(iv.trials)})"


try:
    status = ui.cached(ai.readiness, feature)
except ai.AiError as exc:
    status = None
    st.error(md(str(exc)))
if status is not None:
    box = st.success if status.ready else (st.info if status.status in ("no_bars", "no_data") else st.warning)
    box(md(status.headline), icon=":material/rocket_launch:" if status.ready else ":material/flag:")

def _show_explorer(ex, kwargs: dict) -> None:
    """Render the explorer's numbers, words, curve, cost and sample sizes (nothing when the run could not be read)."""
    if ex is None:
        return
    st.info(ex.at.sentence, icon=":material/lightbulb:")
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Precision", _pct(ex.at.precision.value), border=True,
              help=f"Share of flagged items that were right: {_interval_text(ex.at.precision)}. Wilson score interval.")
    m2.metric("Recall", _pct(ex.at.recall.value), border=True,
              help=f"Share of real cases found: {_interval_text(ex.at.recall)}. Wilson score interval.")
    m3.metric("F1", f"{ex.at.f1:.3f}" if ex.at.f1 is not None else "—", border=True,
              help="Harmonic mean of precision and recall.")
    m4.metric("Threshold", f"{ex.at.threshold:.3f}", border=True,
              help={"given": "As set here.", "min_precision": "The most recall with the required precision.",
                    "min_recall": "The best precision with the required recall.",
                    "agreed": "The threshold agreed in launch readiness.", "default": "0.5 (none agreed yet)."}
              [ex.threshold_source])
    st.caption(f"95% intervals: precision {_interval_text(ex.at.precision)}; recall {_interval_text(ex.at.recall)}. "
               f"{fmt_int(ex.examples)} labelled examples, {fmt_int(ex.positives)} real cases; "
               f"{fmt_int(ex.at.fp)} false positives, {fmt_int(ex.at.fn)} false negatives.")
    for note in ex.notes:
        st.warning(md(note))
    if ex.curve:
        ui.chart(charts.pr_curve_chart, ex.curve, ex.at.threshold, ex.at.precision.value, ex.at.recall.value,
                 doc.min_precision, doc.min_recall)
    st.markdown(f"**Cost.** {ex.cheapest['words']}")
    if ex.for_min_precision is None and "min_precision" in kwargs:
        st.warning(f"No threshold reaches {fmt_pct(kwargs['min_precision'])} precision on this evaluation.")
    for n in ex.needed:
        st.markdown(f"**Sample size ({n['metric']}).** {n['words']}")
    if not ex.needed:
        st.caption("Agree launch bars (minimum precision and recall) in Launch readiness to see how many labelled "
                   "examples it takes to tell them apart from the current values.")

if kind == "predictions":
    tab_names = ["Threshold explorer", "Bias audit", "Calibration", "Versions", "Launch readiness"]
elif kind == "evals":
    tab_names = ["Pass rates", "Launch readiness"]
else:
    tab_names = ["Launch readiness"]
tabs = dict(zip(tab_names, st.tabs(tab_names)))
threshold = doc.threshold if doc.threshold is not None else 0.5

if kind == "predictions":
    vs = ui.cached(ai.versions, feature, "predictions")
    with tabs["Threshold explorer"]:
        version = st.selectbox("Version", vs, key="ai_version", help="Newest import first.")
        try:
            lo, hi = ui.cached(ai.score_range, feature, version)
        except ai.AiError:
            lo, hi = 0.0, 1.0  # the explorer below says why the run cannot be read
        how = st.radio("Choose the threshold by", ["Moving it", "A required precision", "A required recall"],
                       horizontal=True, key="ai_how")
        c1, c2, c3 = st.columns(3)
        kwargs: dict = {}
        with c1:
            if how == "Moving it":
                span = max(hi - lo, 1e-9)
                start = min(max(threshold, lo), hi)
                threshold = st.slider("Threshold (flag at or above)", min_value=float(lo), max_value=float(hi),
                                      value=float(start), step=float(span / 200), format="%.3f", key="ai_threshold")
                kwargs["threshold"] = threshold
            elif how == "A required precision":
                kwargs["min_precision"] = st.number_input("Required precision (%)", 0.0, 100.0,
                                                          float((doc.min_precision or 0.9) * 100), 0.5,
                                                          key="ai_min_p") / 100
            else:
                kwargs["min_recall"] = st.number_input("Required recall (%)", 0.0, 100.0,
                                                       float((doc.min_recall or 0.8) * 100), 0.5, key="ai_min_r") / 100
        with c2:
            cost_fp = st.number_input("Cost of a false positive", min_value=0.0, value=1.0, step=0.5, key="ai_cost_fp",
                                      help="What a wrong flag costs (e.g. minutes of an agent's time).")
        with c3:
            cost_fn = st.number_input("Cost of a missed case", min_value=0.0, value=1.0, step=0.5, key="ai_cost_fn",
                                      help="What a real case the model misses costs, in the same unit.")
        try:
            ex = ui.cached(ai.explore, feature, version, cost_fp=cost_fp, cost_fn=cost_fn, **kwargs)
        except (ai.AiError, ValueError) as exc:
            ex = None
            st.error(md(str(exc)))
    if ex is not None:
        threshold = ex.at.threshold
    with tabs["Threshold explorer"]:
        _show_explorer(ex, kwargs)
    with tabs["Bias audit"]:
        st.caption(f"Every segment column of the import, at threshold {threshold:.3f}. Groups under "
                   f"{fmt_int(doc.min_group_size)} examples are counted but not measured; a recall ratio (lowest group / "
                   f"highest) under {doc.ratio_threshold:.2f} is flagged. Computed with Fairlearn's MetricFrame.")
        try:
            audits = ui.cached(ai.bias_audit, feature, version, threshold)
        except ai.AiError as exc:
            audits = []
            st.error(md(str(exc)))
        if not audits:
            st.info("This import has no segment columns (language, country, device...). Add them as extra columns "
                    "of the scored predictions file to audit the model by group.")
        for a in audits:
            (st.error if a.flagged else st.success)(md(a.words), icon=":material/warning:" if a.flagged else ":material/check:")
            rows = [{"Group": g.group, "Examples": fmt_int(g.examples), "Real cases": fmt_int(g.positives),
                     "Precision": "too few to measure" if g.suppressed else _pct(g.precision),
                     "Recall": "too few to measure" if g.suppressed else _pct(g.recall),
                     "Recall 95% interval": "" if g.suppressed or g.recall_low is None
                     else f"{fmt_pct(g.recall_low)}–{fmt_pct(g.recall_high)}",
                     "Flag rate": "" if g.suppressed else _pct(g.selection_rate)} for g in a.groups]
            st.dataframe(rows, hide_index=True)
            def pts(gap):  # a gap between two percentages is in percentage points
                return "—" if gap is None else f"{gap * 100:.1f} pp"

            gaps = (f"Largest gap: precision {pts(a.precision_gap)}, "
                    f"recall {pts(a.recall_gap)}; ratio: precision "
                    f"{a.precision_ratio:.2f}" if a.precision_ratio is not None else "Largest gap: —")
            st.caption(gaps + (f", recall {a.recall_ratio:.2f}." if a.recall_ratio is not None else "."))
            if any(g.recall is not None for g in a.groups):
                ui.chart(charts.segment_recall_chart, [g.model_dump() for g in a.groups], a.segment, None)

    with tabs["Calibration"]:
        pts = ui.cached(ai.calibration, feature, version)
        if pts is None:
            st.info("Calibration needs scores between 0 and 1 (probabilities) and both kinds of label; this run's "
                    "scores are not probabilities, so only the ranking (precision and recall) is meaningful.")
        else:
            st.caption("When the model says 70%, does it happen 70% of the time? Ten equal-width bins "
                       "(scikit-learn's calibration_curve).")
            ui.chart(charts.calibration_chart, pts)

    with tabs["Versions"]:
        if len(vs) < 2:
            st.info("One version so far. Import another version's scored predictions on the same examples (with a "
                    "model/version column, and the same example ids) to see which examples got better or worse.")
        else:
            a_col, b_col = st.columns(2)
            b_ver = b_col.selectbox("New version", vs, index=0, key="ai_v_b")
            a_ver = a_col.selectbox("Compared with", [v for v in vs if v != b_ver], key="ai_v_a")
            try:
                cmp = ui.cached(ai.compare_versions, feature, a_ver, b_ver, threshold)
                (st.success if (cmp.p_value or 1) < 0.05 and cmp.b_only_right > cmp.a_only_right else st.info)(md(cmp.words))
                st.dataframe([{"Version": v, "Examples": fmt_int(m["examples"]), "Precision": _pct(m["precision"]),
                               "Recall": _pct(m["recall"]), "F1": f"{m['f1']:.3f}" if m["f1"] is not None else "—"}
                              for v, m in ((cmp.a, cmp.a_metrics), (cmp.b, cmp.b_metrics))], hide_index=True)
                st.caption(f"At threshold {threshold:.3f}. McNemar's test on the {fmt_int(cmp.a_only_right + cmp.b_only_right)} "
                           "examples the versions disagree on (exact binomial under 25).")
                if cmp.worse_examples:
                    st.caption("Got worse (first 20): " + ", ".join(md(x) for x in cmp.worse_examples))
                if cmp.better_examples:
                    st.caption("Got better (first 20): " + ", ".join(md(x) for x in cmp.better_examples))
            except ai.AiError as exc:
                st.error(md(str(exc)))

if kind == "evals":
    with tabs["Pass rates"]:
        s = ui.cached(ai.eval_summary, feature)
        st.caption("A pass is " + ("a grade of 4 or 5 on the 1-5 scale." if s.scale == "1_5"
                                   else "a pass grade (or a score of 0.5 or more).") + " Intervals are 95% Wilson.")
        st.dataframe([{"Version": v["version"], "Graded": fmt_int(v["examples"]), "Passed": fmt_int(v["passed"]),
                       "Pass rate": _pct(v["pass_rate"]),
                       "95% interval": f"{_pct(v['low'])}–{_pct(v['high'])}"} for v in s.versions], hide_index=True)
        if s.comparison:
            st.info(md(s.comparison["words"]))
        ui.chart(charts.pass_rate_chart, s.categories)

with tabs["Launch readiness"]:
    if status is not None:
        for c in status.checks:
            (st.success if c["ok"] else st.warning)(md(c["words"]))
    inits = ui.cached(ai.initiative_choices)
    titles = {i: t for i, t in inits}
    st.markdown(f"**Roadmap initiative:** {md(titles.get(doc.initiative_id, 'not linked')) if doc.initiative_id else 'not linked'}")
    for label, value in (("Problem–model fit", doc.problem_fit), ("Data source", doc.data_source),
                         ("Data quality", doc.data_quality), ("When the AI is wrong (fallback)", doc.fallback),
                         ("What users are told", doc.explanation), ("Bias audit notes", doc.bias_note)):
        st.markdown(f"**{label}:** {md(value) if value else '_not written yet_'}")
    if actor.can_edit:
        with st.form("ai_readiness_form"):
            st.markdown("**Agree the launch bars and the checklist**")
            ids = [""] + [i for i, _ in inits]
            init = st.selectbox("Roadmap initiative", ids, index=ids.index(doc.initiative_id) if doc.initiative_id in ids else 0,
                                format_func=lambda i: "— none —" if not i else titles.get(i, i))
            f1, f2, f3, f4 = st.columns(4)
            min_p = f1.number_input("Minimum precision (%)", 0.0, 100.0, float((doc.min_precision or 0) * 100), 0.5)
            min_r = f2.number_input("Minimum recall (%)", 0.0, 100.0, float((doc.min_recall or 0) * 100), 0.5)
            min_pass = f3.number_input("Minimum pass rate (%)", 0.0, 100.0, float((doc.min_pass_rate or 0) * 100), 0.5,
                                       help="For graded evals (pass/fail or 1-5 grades).")
            thr = f4.number_input("Agreed threshold", value=float(doc.threshold if doc.threshold is not None else threshold),
                                  format="%.4f")
            g1, g2, g3 = st.columns(3)
            min_group = g1.number_input("Smallest group to measure", 1, 1_000_000, int(doc.min_group_size))
            ratio = g2.number_input("Flag a recall ratio under", 0.0, 1.0, float(doc.ratio_threshold), 0.05)
            positive = g3.text_input("Positive class", doc.positive_label,
                                     help="Needed when the labels are class names rather than 0/1 or yes/no.")
            problem_fit = st.text_area("Problem–model fit", doc.problem_fit)
            data_source = st.text_input("Data source", doc.data_source)
            data_quality = st.text_area("Data quality", doc.data_quality)
            fallback = st.text_area("When the AI is wrong (fallback)", doc.fallback)
            explanation = st.text_input("What users are told about the AI's answer", doc.explanation)
            bias_note = st.text_area("Bias audit notes", doc.bias_note)
            signed = st.text_input("Signed off by", doc.signed_off_by)
            not_ready = st.checkbox("Mark not ready", doc.marked_not_ready)
            reason = st.text_input("Why it is not ready", doc.not_ready_reason)
            if st.form_submit_button("Save launch readiness", type="primary"):
                try:
                    ai.save_readiness(ui.get_store(), actor, feature, {
                        "initiative_id": init or None, "problem_fit": problem_fit, "data_source": data_source,
                        "data_quality": data_quality, "min_precision": (min_p / 100) or None,
                        "min_recall": (min_r / 100) or None, "min_pass_rate": (min_pass / 100) or None,
                        "threshold": thr, "positive_label": positive, "fallback": fallback, "explanation": explanation,
                        "bias_note": bias_note, "min_group_size": int(min_group), "ratio_threshold": ratio,
                        "signed_off_by": signed, "marked_not_ready": not_ready, "not_ready_reason": reason})
                    ui.flash("Saved launch readiness for {feature}.", feature=feature)
                    st.rerun()
                except ai.AiError as exc:
                    st.error(md(str(exc)))
    else:
        st.caption("Editors agree the launch bars and sign off here.")
