"""Workspace settings, declared once with their help text (as Datasette does), stored in the workspace.

A setting is what the data cannot tell Pillars by itself: which event ends the funnel, which metric
series is revenue, the gross margin used for CLV. Pages and the CLI read and write them through
`get_settings` / `update_settings`; unknown keys and wrong types are refused with a message.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .auth import Actor, require_editor
from .store import Store
from .store import settings_store


class SettingError(ValueError):
    """A setting value that cannot be used (the message names the setting)."""


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str
    kind: type  # str, int, float, bool or list
    group: str = "General"


SETTINGS: list[Setting] = [
    Setting("funnel_start_event", "search", "Event that starts the conversion funnel (conversion rate KPI).", str, "Funnel"),
    Setting("funnel_goal_event", "booking_completed", "Event that ends the conversion funnel (conversion rate KPI).", str, "Funnel"),
    Setting("conversion_window_days", 30, "Days after a user's first start event within which the goal counts.", int, "Funnel"),
    Setting("feature_event", "wifi_filter_used", "Event that marks use of the feature whose adoption is tracked.", str, "Adoption"),
    Setting("task_success_event", "booking_completed", "Event that counts as a successful task (task success rate).", str, "Adoption"),
    Setting("task_attempt_event", "booking_started", "Event that counts as a task attempt (task success rate).", str, "Adoption"),
    Setting("revenue_metric", "revenue", "Metric series (metrics imports) holding revenue.", str, "Strategy"),
    Setting("market_size_metric", "market_size", "Metric series holding total market size, for market share.", str, "Strategy"),
    Setting("marketing_spend_metric", "marketing_spend", "Metric series holding marketing spend (shown to marketing).", str, "Strategy"),
    Setting("stakeholder_metric", "stakeholder_pulse", "Metric series holding stakeholder pulse scores (alignment KPI).", str, "Strategy"),
    Setting("gross_margin", 0.7, "Gross margin (0-1) used for customer lifetime value.", float, "Strategy"),
    Setting("currency", "USD", "Currency of revenue figures (ISO code).", str, "Strategy"),
    Setting("experiment_split", [], "Expected traffic split per variant for the sample-ratio check; empty means equal.", list, "Experiments"),
    Setting("salary_min_group", 5, "Salary groups smaller than this are hidden so no one's pay can be read off.", int, "Career"),
    Setting("max_upload_mb", 1024, "Largest file the Data page accepts, in MB.", int, "Imports"),
]
_BY_KEY = {s.key: s for s in SETTINGS}


def get_settings(store: Store) -> dict[str, Any]:
    """Return every declared setting's value: stored where set, else the default."""
    stored = settings_store.read_all(store)
    return {s.key: stored.get(s.key, s.default) for s in SETTINGS}


def get_setting(store: Store, key: str) -> Any:
    """Return one setting's value (default when unset); unknown keys raise SettingError."""
    if key not in _BY_KEY:
        raise SettingError(f"unknown setting {key!r}")
    return get_settings(store)[key]


def coerce(key: str, value: Any) -> Any:
    """Return value converted to the setting's type; raise SettingError naming the setting when it cannot be."""
    if key not in _BY_KEY:
        raise SettingError(f"unknown setting {key!r}; known: {', '.join(sorted(_BY_KEY))}")
    s = _BY_KEY[key]
    try:
        if s.kind is bool:
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        if s.kind is list:
            if isinstance(value, str):
                return [float(v) for v in value.split(",") if v.strip()]
            return list(value)
        out = s.kind(value)
    except (TypeError, ValueError):
        raise SettingError(f"setting {key!r} needs a {s.kind.__name__}, got {value!r}") from None
    if s.kind is str and not out.strip():
        raise SettingError(f"setting {key!r} cannot be empty")
    if key == "gross_margin" and not 0 < out <= 1:
        raise SettingError("setting 'gross_margin' must be between 0 and 1 (e.g. 0.7 for 70%)")
    if s.kind is int and out < 0:
        raise SettingError(f"setting {key!r} cannot be negative")
    return out


def update_settings(store: Store, actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """Validate and store several settings at once (all or none); returns the new full settings."""
    require_editor(actor)
    clean = {k: coerce(k, v) for k, v in values.items()}
    settings_store.write(store, clean, actor.email, defaults={k: _BY_KEY[k].default for k in clean})
    return get_settings(store)
