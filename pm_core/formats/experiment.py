"""A/B test exports: per-user exposures (`user_id,timestamp,group,landing_page,converted`) or per-variant totals.

Without an experiment column the experiment is named after the file (its stem).
"""
from .base import Field, Format

EXPERIMENT = ("experiment", "experiment_name", "experiment_id", "test", "test_name", "feature_flag", "flag")

EXPOSURES = Format(
    kind="experiment", source="exposures", label="A/B test exposures (one row per user)",
    fields=(
        Field("user_id", "text", True, ("user_id", "userid", "user", "visitor_id", "distinct_id", "uid", "customer_id")),
        Field("variant", "text", True, ("group", "variant", "arm", "bucket", "variation", "treatment_group",
                                         "experiment_group", "cohort")),
        Field("converted", "bool", True, ("converted", "conversion", "is_converted", "purchased", "success", "goal")),
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
