"""AI features: which exist, their runs and versions, a run's labels and scores, and what the team agreed (the launch checklist)."""
from __future__ import annotations


import numpy as np
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .. import audit
from ..errors import InputError, from_pydantic
from ..auth import Actor, require_editor
from ..store import Store, utcnow
from ..store import ai_store
from ..text import clean_text
from ..validators import finite_number
from . import maths


AREA = "ai"
POSITIVE_WORDS = ("1", "1.0", "true", "yes", "y", "t", "positive", "pos")
NEGATIVE_WORDS = ("0", "0.0", "false", "no", "n", "f", "negative", "neg")
DEFAULT_THRESHOLD = 0.5
DEFAULT_MIN_GROUP = 30
DEFAULT_RATIO = 0.8
METRICS = ("precision", "recall", "f1", "pass_rate")


class AiError(InputError):
    """Input or data an AI computation cannot use; the message says what to do (per field for the readiness form)."""


# -- runs -------------------------------------------------------------------------------------------
def runs(store: Store) -> list[dict]:
    """Return every imported run (kind, feature, version, n, imported_at), newest first; empty without AI imports."""
    return store.memo(("ai.runs",), lambda: ai_store.runs(store).to_dict(orient="records"), areas=(AREA,))


def feature_names(store: Store) -> list[str]:
    """Return the AI features that have evaluations or a readiness record, most recently imported first."""
    names = list(dict.fromkeys(r["feature"] for r in runs(store)))
    for f in ai_store.read_features(store):
        if f not in names:
            names.append(f)
    return names


def versions(store: Store, feature: str, kind: str | None = None) -> list[str]:
    """Return a feature's versions, newest import first (only predictions or evals when kind is given); [] when unknown."""
    return [r["version"] for r in runs(store) if r["feature"] == feature and (kind is None or r["kind"] == kind)]


def feature_kind(store: Store, feature: str) -> str | None:
    """Return 'predictions' or 'evals' for a feature's latest run ('predictions' wins when it has both); None without runs."""
    kinds = {r["kind"] for r in runs(store) if r["feature"] == feature}
    return "predictions" if "predictions" in kinds else ("evals" if kinds else None)


def _latest(store: Store, feature: str, version: str | None, kind: str) -> str:
    vs = versions(store, feature, kind)
    if not vs:
        known = ", ".join(dict.fromkeys(r["feature"] for r in runs(store) if r["kind"] == kind)) or "none yet"
        raise AiError(f"no {'scored predictions' if kind == 'predictions' else 'graded evals'} for the AI feature "
                      f"{feature!r}; features with them: {known}")
    if version is None:
        return vs[0]
    if version not in vs:
        raise AiError(f"the AI feature {feature!r} has no version {version!r}; versions: {', '.join(vs)}")
    return version


# -- labels and scores ------------------------------------------------------------------------------
def positive_words(store: Store, feature: str, version: str, positive_label: str | None = None) -> list[str]:
    """Return the lower-cased label texts counted as positive; AiError when labels are class names and none was chosen."""
    labels = [v for v, _ in ai_store.label_values(store, feature, version)]
    if positive_label:
        if positive_label.lower() not in {v.lower() for v in labels}:
            raise AiError(f"the positive class {positive_label!r} is not a label of {feature} {version}; labels seen: "
                          + ", ".join(labels[:12]))
        return [positive_label.lower()]
    lowered = {v.lower() for v in labels}
    if lowered <= set(POSITIVE_WORDS) | set(NEGATIVE_WORDS):
        return list(POSITIVE_WORDS)
    raise AiError(f"the labels of {feature} {version} are class names ({', '.join(labels[:8])}"
                  f"{' ...' if len(labels) > 8 else ''}); choose the positive class in the feature's launch readiness "
                  "(or --positive on the command line)")


class RunData:
    """One run's arrays and its sorted curve (kept in the store's memo; never modified)."""

    def __init__(self, feature: str, version: str, arrays: dict[str, np.ndarray], segment_keys: list[str]):
        self.feature, self.version = feature, version
        self.arrays = arrays
        self.segment_keys = segment_keys
        y, score, pred = arrays["y"], arrays["score"], arrays["pred"]
        has_score = np.isfinite(score)
        self.from_scores = bool(has_score.any())
        if self.from_scores:
            self.mask = has_score
            self.curve = maths.build_curve(y[has_score], score[has_score])
        else:  # predicted labels only: one operating point (flag = predicted positive)
            self.mask = pred >= 0
            self.curve = maths.build_curve(y[self.mask], pred[self.mask].astype(float))
        self.left_out = int(len(y) - self.mask.sum())
        self.probabilities = bool(self.from_scores and score[has_score].min() >= 0 and score[has_score].max() <= 1)
        self._encoded: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def encoded(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the group codes of a segment over the measured rows, computed once per run (threshold moves reuse them)."""
        if key not in self._encoded:
            self._encoded[key] = maths.encode_groups(self.arrays[f"seg:{key}"][self.mask])
        return self._encoded[key]


def run_data(store: Store, feature: str, version: str | None = None, positive_label: str | None = None) -> RunData:
    """Return the memoised arrays and curve of a run (latest version when None); AiError when the feature has no predictions."""
    version = _latest(store, feature, version, "predictions")
    if positive_label is None:
        positive_label = get_readiness(store, feature).positive_label or None

    def load() -> RunData:
        pos = positive_words(store, feature, version, positive_label)
        keys = [k for k, _ in ai_store.segment_keys(store, feature, version)]
        return RunData(feature, version, ai_store.scored(store, feature, version, pos, tuple(keys)), keys)

    return store.memo(("ai.run", feature, version, positive_label), load, areas=(AREA,))


# -- what the team agreed for a feature (the launch checklist) ---------------------------------------
class ReadinessIn(BaseModel):
    """What a team agrees for an AI feature before launch (the guide's checklist), as a PM fills it in."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")
    initiative_id: str | None = None
    problem_fit: str = ""             # why a model fits this problem
    data_source: str = ""             # where the labelled data comes from
    data_quality: str = ""            # its known quality issues
    min_precision: float | None = None
    min_recall: float | None = None
    min_pass_rate: float | None = None  # for graded (generative) evals
    threshold: float | None = None    # the agreed operating threshold
    positive_label: str = ""          # the positive class when labels are class names
    fallback: str = ""                # what the product does when the AI is wrong
    explanation: str = ""             # what users are shown about the AI's answer
    bias_note: str = ""
    min_group_size: int = DEFAULT_MIN_GROUP
    ratio_threshold: float = DEFAULT_RATIO
    signed_off_by: str = ""
    marked_not_ready: bool = False
    not_ready_reason: str = ""

    @field_validator("problem_fit", "data_source", "data_quality", "fallback", "explanation", "bias_note",
                     "not_ready_reason")
    @classmethod
    def _long(cls, v: str, info) -> str:
        return clean_text(v, info.field_name.replace("_", " "), max_len=2000)

    @field_validator("positive_label", "signed_off_by", "initiative_id")
    @classmethod
    def _short(cls, v: str | None, info) -> str | None:
        if v is None:
            return None
        t = clean_text(v, info.field_name.replace("_", " "), max_len=200)
        return t or (None if info.field_name == "initiative_id" else "")

    @field_validator("min_precision", "min_recall", "min_pass_rate", "ratio_threshold")
    @classmethod
    def _prob(cls, v: float | None, info) -> float | None:
        return None if v is None else finite_number(v, info.field_name.replace("_", " "), lo=0, hi=1)

    @field_validator("threshold")
    @classmethod
    def _thr(cls, v: float | None) -> float | None:
        return None if v is None else finite_number(v, "threshold")

    @field_validator("min_group_size")
    @classmethod
    def _mg(cls, v: int) -> int:
        return int(finite_number(v, "minimum group size", lo=1, hi=1_000_000))


def get_readiness(store: Store, feature: str) -> ReadinessIn:
    """Return a feature's stored launch readiness, or an empty checklist (defaults) when none was saved."""
    doc = store.memo(("ai.features",), lambda: ai_store.read_features(store), areas=(AREA,)).get(feature)
    if not doc:
        return ReadinessIn()
    return ReadinessIn(**{k: v for k, v in doc.items() if not k.startswith("_")})


def initiative_choices(store: Store) -> list[tuple[str, str]]:
    """Return (id, title) of every roadmap initiative not archived, for linking a feature; [] on an empty roadmap.

    Read from the store, not through pm_core.roadmap: roadmap shows AI readiness, so ai sits below it.
    """
    from ..store import roadmap_store

    return roadmap_store.active_titles(store)


def save_readiness(store: Store, actor: Actor, feature: str, data: ReadinessIn | dict) -> ReadinessIn:
    """Validate and save a feature's launch readiness (editors only), with an audit row; AiError names the field."""
    require_editor(actor)
    try:
        name = clean_text(feature, "AI feature name", max_len=200, required=True)
    except ValueError as exc:
        raise AiError({"feature": str(exc)}) from None
    try:
        doc = data if isinstance(data, ReadinessIn) else ReadinessIn(**data)
    except ValidationError as exc:
        raise from_pydantic(exc, AiError) from None
    if doc.initiative_id and doc.initiative_id not in {i for i, _ in initiative_choices(store)}:
        raise AiError(f"initiative {doc.initiative_id!r} is not on the roadmap; choose one of its initiatives")
    new = doc.model_dump()
    with store.transaction(AREA) as cur:
        old = ai_store.read_feature_row(cur, name)
        ai_store.write_feature(cur, name, new, actor.email, utcnow())
        audit.record(cur, actor, "save", "ai_feature", name, name,
                     audit.changes(old, new) if old else audit.filled(new))
    return doc
