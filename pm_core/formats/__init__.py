"""Source formats: one module per tool, each naming the columns that feed a canonical table.

`detect` picks the format that explains a file's header best (a tool's signature columns first,
then the most mapped fields); a forced kind limits the choice to that kind's formats.
"""
from __future__ import annotations

from . import amplitude, experiment, github, jira, linear, metrics, mixpanel, posthog, salaries, survey
from . import ai_evals, ai_predictions  # AI quality (issue 18)
from . import interviews  # Discovery (issue 19)
from .base import Field, Format, Match, match_columns, norm
from .events_common import EVENT, TIME, USER
from .kinds import KIND_BY_NAME, KIND_HINTS, KIND_LIST, KINDS, Kind  # noqa: F401 (re-exported)

GENERIC_EVENTS = Format(
    kind="events", source="generic", label="Events (user, event, time)",
    fields=(
        Field("user_id", "text", True, USER, help="who did it"),
        Field("event", "text", True, EVENT, help="event name"),
        Field("ts", "time", True, TIME, help="when (UTC)"),
    ),
    extras="properties",
    id_fallbacks=("anonymous_id", "anonymousid", "device_id", "distinct_id"),  # Segment-style anonymous ids
)

FORMATS: tuple[Format, ...] = (
    amplitude.FORMAT, mixpanel.FORMAT, posthog.FORMAT, GENERIC_EVENTS,
    jira.FORMAT, linear.FORMAT, github.FORMAT, jira.GENERIC,  # generic work items (issue 14)
    survey.FORMAT, experiment.EXPOSURES, experiment.AGGREGATES, salaries.FORMAT,
    ai_predictions.FORMAT, *ai_evals.FORMATS,  # AI quality (issue 18)
    *interviews.FORMATS,  # Discovery (issue 19)
    metrics.LONG, metrics.WIDE,
)
# the kinds (name, hint, table, area) are declared once, in kinds.py


class DetectError(ValueError):
    """No format fits the header; the message lists what was looked for and the columns found."""


def formats_for(kind: str | None) -> tuple[Format, ...]:
    """Return the formats of a kind (all formats when kind is None); an unknown kind raises DetectError."""
    if kind is None:
        return FORMATS
    if kind not in KINDS:
        raise DetectError(f"unknown kind {kind!r}; kinds are: {', '.join(KINDS)}")
    return tuple(f for f in FORMATS if f.kind == kind)


def _wide_ok(m: Match, header: list[str]) -> bool:
    return m.complete and len(header) - len([i for cols in m.columns.values() for i in cols]) >= 1


def detect(header: list[str], kind: str | None = None, mapping: dict[str, str] | None = None,
           source: str | None = None) -> Match:
    """Return the best Match for a header; raises DetectError naming missing fields (or every kind) when none fits.

    A user mapping is applied to every candidate format that has those targets; wide metrics are the
    last resort because almost any file has a date column.
    """
    normed = {norm(h) for h in header}
    candidates = formats_for(kind)
    if source:
        candidates = tuple(f for f in candidates if f.source == source) or candidates
    best: Match | None = None
    best_score = -1.0
    partial: list[Match] = []
    mapping_error: str | None = None
    for fmt in candidates:
        names = {f.name for f in fmt.fields}
        if mapping and not set(mapping) <= names:
            continue
        try:
            m = match_columns(fmt, header, mapping)
        except ValueError as exc:
            if mapping and kind:
                raise DetectError(str(exc)) from None
            mapping_error = mapping_error or str(exc)
            continue
        if fmt.extras == "unpivot":
            if not _wide_ok(m, header) or (best is not None):
                continue
            score = 1.0
        elif fmt.signature and not fmt.identified_by(normed):
            continue  # a tool's format needs that tool's tell-tale columns; the generic shapes cover the rest
        elif not m.complete:
            partial.append(m)
            continue
        else:
            score = m.score(normed)
        if score > best_score:
            best, best_score = m, score
    if best is not None:
        return best
    if mapping_error:
        raise DetectError(mapping_error)
    cols = ", ".join(header[:30]) + (" ..." if len(header) > 30 else "")
    if kind:
        closest = max(partial, key=lambda m: len(m.columns), default=None)
        if closest is not None:
            need = "; ".join(
                f"{t} (looked for {', '.join(closest.fmt.field(t).aliases[:6])})" if t in {f.name for f in closest.fmt.fields}
                else t for t in closest.missing)
            raise DetectError(f"does not look like a {kind} export ({KIND_HINTS[kind]}): no column for {need}. "
                              f"Columns found: {cols}. Choose the columns with --map FIELD=COLUMN (or the mapping on the Data page)")
        raise DetectError(f"does not look like a {kind} export ({KIND_HINTS[kind]}). Columns found: {cols}")
    kinds = "; ".join(f"{k}: {v}" for k, v in KIND_HINTS.items())
    raise DetectError(f"could not tell what this file holds from its columns ({cols}). Pillars imports {kinds}. "
                      "Pick the kind with --kind and map columns with --map FIELD=COLUMN")
