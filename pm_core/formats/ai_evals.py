"""Graded evaluation runs of generative features (issue 18): one row per graded example.

Four shapes, each declared from its tool's documented output:
- promptfoo `--output results.json` (an EvaluateSummary: `results.results[]` with `success`, `score`,
  `gradingResult.reason`, `testCase.description`, `provider.label`) and OpenAI Evals record JSONL
  (`{"run_id", "event_id", "sample_id", "type": "match", "data": {"correct", "expected", "picked"}}`
  after a `spec` line) are JSON: `pm_core.formats.ai_json` flattens them into the columns below first;
- a LangSmith experiment CSV download (input, output, reference output, one column per feedback key)
  and a Braintrust experiment CSV export (input, output, expected, scores, metadata) are read as is;
- the generic shape: example id, category, grade (pass/fail or 1-5), model/version.

A grade is pass/fail (pass, fail, yes, no, true, false, 1, 0) or a number; `pm_core.ai` decides what
counts as a pass: 1 for pass/fail, at least 4 on a 1-5 scale, at least 0.5 on a 0-1 score.
"""
from .base import Field, Format

_CATEGORY = ("category", "test", "test_name", "test_case", "topic", "suite", "tag", "tags", "intent", "metadata_category",
             "dataset_split", "split")
_VERSION = ("model_version", "version", "model", "model_name", "provider", "experiment", "experiment_name",
            "metadata_model", "prompt_version", "completion_fn")
_FEATURE = ("feature", "ai_feature", "eval", "eval_name", "task", "dataset", "dataset_name", "project")
_ID = ("example_id", "id", "sample_id", "item_id", "test_id", "case_id", "result_id", "run_id", "span_id")


def _fields(grade_aliases: tuple[str, ...], grade_patterns: tuple[str, ...] = (), *, category=_CATEGORY,
            version=_VERSION, feature=_FEATURE, ids=_ID, reason=("reason", "comment", "explanation")) -> tuple[Field, ...]:
    return (
        Field("grade", "text", True, grade_aliases, patterns=grade_patterns,
              help="pass/fail (pass, fail, yes, no, 1, 0) or a number (1-5, or a 0-1 score)"),
        Field("example_id", "text", False, ids),
        Field("category", "text", False, category),
        Field("version", "text", False, version),
        Field("feature", "text", False, feature),
        Field("reason", "text", False, reason),
    )


GENERIC = Format(
    kind="evals", source="generic", label="Graded eval results (example, category, grade)",
    fields=_fields(("grade", "pass", "passed", "pass_fail", "result", "verdict", "rating", "judgement", "judgment",
                    "eval_score", "human_grade", "llm_grade")),
)

# written by ai_json from promptfoo's results.json: one row per EvaluateResult
PROMPTFOO = Format(
    kind="evals", source="promptfoo", label="promptfoo results.json",
    signature=(("promptfoo_result", "success"),),
    fields=_fields(("success",), ids=("promptfoo_result",), category=("description",), version=("provider",),
                   feature=("eval_description",)) + (Field("score", "number", False, ("score",)),),
)

# written by ai_json from an OpenAI Evals record file: one row per 'match' event
OPENAI_EVALS = Format(
    kind="evals", source="openai_evals", label="OpenAI Evals record (JSONL)",
    signature=(("sample_id", "completion_fn", "correct"),),
    fields=_fields(("correct",), ids=("sample_id",), category=("split",), version=("completion_fn",),
                   feature=("eval_name",), reason=("picked",)),
)

LANGSMITH = Format(
    kind="evals", source="langsmith", label="LangSmith experiment (CSV download)",
    signature=(("input", "output", "reference_output"), ("inputs", "outputs", "reference_outputs")),
    fields=_fields(("feedback",), (r"feedback_.+", r".+_feedback"),
                   ids=("example_id", "id", "run_id"),
                   version=("experiment", "experiment_name", "model", "metadata_model", "model_name")),
)

BRAINTRUST = Format(
    kind="evals", source="braintrust", label="Braintrust experiment (CSV export)",
    signature=(("input", "output", "expected", "scores"), ("input", "output", "expected", "id")),
    fields=_fields(("scores",), (r"scores_.+",),
                   ids=("id", "span_id", "root_span_id"),
                   version=("experiment", "experiment_name", "metadata_model", "model", "metadata_prompt_version")),
)

FORMATS = (PROMPTFOO, OPENAI_EVALS, LANGSMITH, BRAINTRUST, GENERIC)
