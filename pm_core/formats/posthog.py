"""PostHog event exports: `event`, `distinct_id` (and `person_id`), `timestamp` in ISO 8601 with `Z`; people are counted by person_id when the file has it."""
from .base import Field, Format

FORMAT = Format(
    kind="events", source="posthog", label="PostHog events",
    signature=(("event", "distinct_id", "timestamp"),),
    fields=(
        Field("user_id", "text", True, ("person_id", "distinct_id", "user_id"), help="who did it (person_id, as PostHog counts people)"),
        Field("event", "text", True, ("event",), help="event name"),
        Field("ts", "time", True, ("timestamp",), help="when (ISO 8601)"),
    ),
    extras="properties",
    id_fallbacks=("distinct_id",),  # a row without a person counts under its distinct_id
)

