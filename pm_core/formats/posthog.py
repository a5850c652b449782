"""PostHog event exports: `event`, `distinct_id`, `timestamp` in ISO 8601 with `Z`."""
from .base import Field, Format

FORMAT = Format(
    kind="events", source="posthog", label="PostHog events",
    signature=(("event", "distinct_id", "timestamp"),),
    fields=(
        Field("user_id", "text", True, ("distinct_id", "person_id", "user_id"), help="who did it"),
        Field("event", "text", True, ("event",), help="event name"),
        Field("ts", "time", True, ("timestamp",), help="when (ISO 8601)"),
    ),
    extras="properties",
)

