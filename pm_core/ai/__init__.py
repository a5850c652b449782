"""AI feature quality (issue 18): threshold explorer, uncertainty, versions, bias audit, calibration, launch readiness.

Public names are re-exported here: callers write `from pm_core import ai` and never reach into a layer.
maths.py (pure numbers) <- plan.py (import planning) <- service.py (reads, readiness, reports).
"""
from .service import (AiError, EvalSummary, briefing_sections, metric_choices, prd_section, Explorer, Readiness, ReadinessIn, SegmentAudit, VersionsResult,
                      audit_segment, bias_audit, calibration, compare_versions, eval_summary, explore, feature_kind,
                      feature_names, get_readiness, initiative_choices, metric_link, metric_value, operating_point,
                      parse_metric_link, readiness, readiness_for_initiative, report, run_data, runs, save_readiness,
                      score_range, versions, versions_report)

__all__ = ["AiError", "EvalSummary", "briefing_sections", "metric_choices", "prd_section", "Explorer", "Readiness", "ReadinessIn", "SegmentAudit", "VersionsResult",
           "audit_segment", "bias_audit", "calibration", "compare_versions", "eval_summary", "explore", "feature_kind",
           "feature_names", "get_readiness", "initiative_choices", "metric_link", "metric_value", "operating_point",
           "parse_metric_link", "readiness", "readiness_for_initiative", "report", "run_data", "runs", "save_readiness",
           "score_range", "versions", "versions_report"]
