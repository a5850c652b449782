"""A/B test exports: per-user exposures (`user_id,timestamp,group,landing_page,converted`) or per-variant totals.

Without an experiment column the experiment is named after the file (its stem).
"""
from .base import Field, Format

EXPERIMENT = ("experiment", "experiment_name", "experiment_id", "test", "test_name", "feature_flag", "flag")

# 0/1 or TRUE/FALSE outcomes of A/B assignment logs, in the order one is picked when a file has several
# (Kaggle's cookie_cats has retention_1 and retention_7); the preview names the others
OUTCOMES = ("converted", "conversion", "is_converted", "purchased", "purchase", "success", "goal", "clicked", "click",
            "retained", "retention", "retention_1", "retention_7", "retention_30", "signed_up", "activated")

EXPOSURES = Format(
    kind="experiment", source="exposures", label="A/B test exposures (one row per user)",
    fields=(
        Field("user_id", "text", True, ("user_id", "userid", "user", "visitor_id", "distinct_id", "uid", "customer_id",
                                         "player_id", "playerid", "account_id", "visitor", "device_id")),
        Field("variant", "text", True, ("group", "variant", "arm", "bucket", "variation", "treatment_group",
                                         "experiment_group", "cohort", "version", "test_group", "ab_group")),
        Field("converted", "bool", True, OUTCOMES, help="the 0/1 or TRUE/FALSE outcome (choose which when there are several)"),
        Field("exposed_at", "time", False, ("timestamp", "exposed_at", "time", "ts", "assigned_at", "date", "datetime")),
        Field("experiment", "text", False, EXPERIMENT),
    ),
)

AGGREGATES = Format(
    kind="experiment", source="aggregates", label="A/B test totals (one row per variant)",
    fields=(
        Field("variant", "text", True, ("variant", "group", "arm", "bucket", "variation")),
        Field("users", "number", True, ("users", "visitors", "exposures", "participants", "sample_size", "n",
                                         "total_users", "exposed_users")),
        Field("conversions", "number", True, ("conversions", "converted", "successes", "conversions_count",
                                               "purchases", "converted_users")),
        Field("experiment", "text", False, EXPERIMENT),
    ),
)
