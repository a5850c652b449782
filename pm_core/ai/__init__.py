"""AI feature quality (issue 18): threshold explorer, uncertainty, versions, bias audit, calibration, launch readiness.

Public names are re-exported here: callers write `from pm_core import ai` and never reach into a layer.
Layers, each importing only those left of it: maths.py (pure numbers) <- plan.py (import planning)
<- features.py (features, runs, the agreed checklist) <- explorer.py (threshold, uncertainty,
calibration) <- fairness.py (bias audit) <- compare.py (versions, graded evals) <- readiness.py
(launch verdict, linked key results) <- service.py (CLI reports, briefing sections).
"""
from .compare import VersionsResult, EvalSummary, compare_versions, eval_summary
from .explorer import Explorer, calibration, explore, operating_point, score_range
from .fairness import SegmentAudit, audit_segment, bias_audit
from .features import (AiError, ReadinessIn, feature_kind, feature_names, get_readiness, initiative_choices, run_data,
                       runs, save_readiness, versions)
from .readiness import Readiness, metric_choices, metric_link, metric_value, parse_metric_link, readiness, readiness_for_initiative
from .service import briefing_sections, prd_section, report, versions_report

__all__ = ["AiError", "EvalSummary", "briefing_sections", "metric_choices", "prd_section", "Explorer", "Readiness", "ReadinessIn", "SegmentAudit", "VersionsResult",
           "audit_segment", "bias_audit", "calibration", "compare_versions", "eval_summary", "explore", "feature_kind",
           "feature_names", "get_readiness", "initiative_choices", "metric_link", "metric_value", "operating_point",
           "parse_metric_link", "readiness", "readiness_for_initiative", "report", "run_data", "runs", "save_readiness",
           "score_range", "versions", "versions_report"]
