"""Mixpanel event exports: `event`, `distinct_id`, `time` as epoch seconds or milliseconds."""
from .base import Field, Format

FORMAT = Format(
    kind="events", source="mixpanel", label="Mixpanel events",
    signature=(("event", "distinct_id", "time"),),
    fields=(
        Field("user_id", "text", True, ("distinct_id", "user_id", "$user_id"), help="who did it"),
        Field("event", "text", True, ("event",), help="event name"),
        Field("ts", "time", True, ("time",), help="when (epoch seconds or ms, UTC)"),
    ),
    extras="properties",
    id_fallbacks=("$device_id", "$anon_id"),  # distinct_id is Mixpanel's person; these only where it is empty
)
