"""Survey responses: NPS (0-10), CSAT (1-5) or task completion (yes/no) with respondent, time and comment.

All but the score are optional. The scale comes from the header ('NPS', 'recommend' -> nps; 'CSAT',
'satisfaction' -> csat; 'task', 'able to', 'complete' -> task) or else from the values (only yes/no
answers mean task; anything above 5 means 0-10).
"""
from .base import Field, Format

NPS_WORDS = ("nps", "recommend", "likely", "0_10")
CSAT_WORDS = ("csat", "satisf", "1_5")
# 'Were you able to complete your task today?', 'Task completed', 'Did you find what you came for?'
TASK_WORDS = ("task", "able_to", "accomplish", "complet", "find_what", "success")

# Survey tools (Typeform, Hotjar, Google Forms, SurveyMonkey) name each column after its question:
# 'How satisfied are you with the verified WiFi filter? (1-5)', 'What could be better?'.
_SCALE = r"(.*_)?(0|1)_(5|10)(_.*)?"                      # '(1-5)', '0-10' anywhere in the header
_QUESTION = r"(how|on_a_scale|please|overall|would|rate|rating)(_.*)?|.*_(you|your)(_.*)?"
_SCORE_WORDS = r".*(satisf|rate|rating|recommend|likely|happy|score).*"
_TASK_QUESTION = r"(were|was|did|could|have|task)(_.*)?"
SCORE_PATTERNS = (r".*_score", r".*rating", r"how_likely.*", r".*satisf.*", _SCALE,
                  rf"(?=(?:{_QUESTION})$){_SCORE_WORDS}",
                  rf"(?=(?:{_TASK_QUESTION})$).*({'|'.join(TASK_WORDS)}).*")
COMMENT_PATTERNS = (r".*comment.*", r".*feedback.*", r"(what|why|how|anything|tell|please|is_there|any)(_.*)?",
                    r".*(improve|better|suggest|verbatim|reason).*")

FORMAT = Format(
    kind="survey", source="survey", label="Survey responses (NPS / CSAT / task completion)",
    fields=(
        Field("score", "score", True, ("score", "rating", "nps", "nps_score", "csat", "csat_score", "ff_score",
                                       "satisfaction", "satisfaction_score", "likelihood_to_recommend",
                                       "task_success", "task_completed", "task_completion", "completed_task"),
              patterns=SCORE_PATTERNS, help="the 0-10 or 1-5 answer, or yes/no for task completion", allow_empty=True),
        Field("respondent", "text", False, ("respondent", "respondent_id", "user_id", "user", "email", "customer_id",
                                             "response_id", "responseid", "distinct_id", "network_id", "respondent_email",
                                             "email_address")),
        Field("responded_at", "time", False, ("responded_at", "submitted_at", "timestamp", "date", "created_at",
                                               "time", "submitted", "end_date", "date_submitted", "submit_date_utc",
                                               "submit_date", "submission_date", "start_date_utc", "recorded_date",
                                               "recordeddate", "enddate"),
              patterns=(r"submit.*", r".*submitted.*")),
        Field("comment", "text", False, ("comment", "comments", "text", "feedback", "reason", "why", "verbatim",
                                          "response", "answer", "open_ended_response",
                                          # the free-text column of surveys run in other languages
                                          "explication", "commentaire", "commentaires", "remarque", "remarques",
                                          "pourquoi", "begrundung", "kommentar", "kommentare", "anmerkung", "warum",
                                          "comentario", "comentarios", "razon", "motivo", "por_que", "porque",
                                          "commento", "commenti", "motivazione", "perche", "opmerking", "toelichting",
                                          "waarom", "justificativa", "observacoes", "コメント", "理由"),
              # the free-text question; the score column is taken first, so a scored question is never the comment
              patterns=COMMENT_PATTERNS),
    ),
    # every other column (Platform, Plan, Country...) is kept as a property, so segments filter surveys too
    extras="properties",
)
