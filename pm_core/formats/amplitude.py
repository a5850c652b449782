"""Amplitude event exports: `user_id` (or `amplitude_id`), `event_type`, `event_time` ('2026-06-01 10:22:33.123000', UTC)."""
from .base import Field, Format
from .events_common import USER

FORMAT = Format(
    kind="events", source="amplitude", label="Amplitude events",
    signature=(("event_type", "event_time"),),
    fields=(
        Field("user_id", "text", True, ("user_id", "amplitude_id", "device_id") + USER, help="who did it"),
        Field("event", "text", True, ("event_type",), help="event name"),
        Field("ts", "time", True, ("event_time", "client_event_time", "server_upload_time"), help="when (UTC)"),
    ),
    extras="properties",
    id_fallbacks=("amplitude_id", "device_id"),  # anonymous users: Amplitude's own id, else the device
)
