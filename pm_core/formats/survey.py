"""Survey responses: NPS (0-10) or CSAT (1-5) with respondent, time and comment, all but the score optional.

The scale comes from the header ('NPS', 'recommend' -> nps; 'CSAT', 'satisfaction' -> csat) or else
from the values (anything above 5 means 0-10).
"""
from .base import Field, Format

NPS_WORDS = ("nps", "recommend", "likely", "0_10")
CSAT_WORDS = ("csat", "satisf", "1_5")

FORMAT = Format(
    kind="survey", source="survey", label="Survey responses (NPS / CSAT)",
    fields=(
        Field("score", "score", True, ("score", "rating", "nps", "nps_score", "csat", "csat_score", "ff_score",
                                       "satisfaction", "satisfaction_score", "likelihood_to_recommend"),
              patterns=(r".*_score", r".*rating", r"how_likely.*", r".*satisf.*", r".*_1_5", r".*_0_10"), help="the 0-10 or 1-5 answer",
              allow_empty=True),
        Field("respondent", "text", False, ("respondent", "respondent_id", "user_id", "user", "email", "customer_id",
                                             "response_id", "distinct_id")),
        Field("responded_at", "time", False, ("responded_at", "submitted_at", "timestamp", "date", "created_at",
                                               "time", "submitted", "end_date", "date_submitted")),
        Field("comment", "text", False, ("comment", "comments", "text", "feedback", "reason", "why", "verbatim",
                                          "response", "answer"),
              # survey tools name columns after the question ('What could be better?')
              patterns=(r".*comment.*", r".*feedback.*", r"(what|why|how|anything|tell|please)_.*")),
    ),
)
