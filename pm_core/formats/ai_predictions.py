"""Scored predictions of a classifier or ranker on labelled examples (issue 18): one row per example.

`label` is the truth (1/0, yes/no, true/false, or a class name); `score` the model's score (a
probability or any number where higher means more likely positive) and/or `predicted` its predicted
label. Every other column is kept as a segment (language, country, device, tier...) for the bias
audit. Without a feature or version column both are named after the file (its stem).
"""
from .base import Field, Format

FORMAT = Format(
    kind="predictions", source="scored", label="Scored predictions (label, score or predicted label)",
    fields=(
        Field("label", "text", True, ("label", "true_label", "y_true", "actual", "actual_label", "ground_truth",
                                      "truth", "gold", "gold_label", "target", "expected_label", "is_positive", "y"),
              help="the true answer: 1/0, yes/no, true/false or a class name"),
        Field("score", "number", False, ("score", "y_score", "probability", "prob", "proba", "predicted_probability",
                                         "model_score", "confidence", "p_positive", "y_prob"),
              help="the model's score; higher means more likely positive"),
        Field("predicted", "text", False, ("predicted", "prediction", "y_pred", "predicted_label", "pred",
                                           "model_label"),
              help="the model's predicted label (when there is no score)"),
        Field("example_id", "text", False, ("example_id", "id", "sample_id", "item_id", "row_id", "uid", "ticket_id",
                                            "message_id", "case_id")),
        Field("version", "text", False, ("model_version", "version", "model", "model_name", "run", "checkpoint")),
        Field("feature", "text", False, ("feature", "ai_feature", "task", "use_case", "classifier")),
        Field("ts", "time", False, ("timestamp", "evaluated_at", "created_at", "date", "ts", "time")),
    ),
    need_any=(("score", "predicted"),),
    extras="properties",
)
