"""Workspace settings' declared ranges: every refusal names the setting and its range; stored values out of range
fall back to the declared default (checked against the table in pm_core.settings and values written here)."""
from __future__ import annotations

import math

import pytest

from pm_core.settings import SETTINGS, SettingError, coerce, get_settings, settings_problems, update_settings
from pm_core.store import settings_store


@pytest.mark.parametrize("key, value, needle", [
    ("conversion_window_days", 0, "from 1 to 365"),
    ("conversion_window_days", 400, "from 1 to 365"),
    ("conversion_window_days", 100_000, "from 1 to 365"),
    ("conversion_window_days", "14.5", "whole number"),
    ("conversion_window_days", float("nan"), "whole number"),
    ("salary_min_group", 0, "from 3 to 1000"),
    ("salary_min_group", 1, "from 3 to 1000"),
    ("salary_min_group", 2, "from 3 to 1000"),
    ("gross_margin", 0, "between 0 and 1"),
    ("gross_margin", 1.5, "between 0 and 1"),
    ("gross_margin", float("inf"), "between 0 and 1"),
    ("gross_margin", "nan", "between 0 and 1"),
    ("experiment_split", "50, nan", "positive numbers"),
    ("experiment_split", "50, inf", "positive numbers"),
    ("experiment_split", "50, -50", "positive numbers"),
    ("experiment_split", "0, 100", "positive numbers"),
    ("experiment_split", "100", "2 to 20"),
    ("experiment_split", [float("nan"), 1.0], "positive numbers"),
    ("currency", "dollars", "ISO 4217"),
    ("currency", "US$", "ISO 4217"),
    ("currency", "XYZ", "ISO 4217"),
    ("max_upload_mb", 0, "from 1 to 1024"),
    ("max_upload_mb", 5000, "from 1 to 1024"),
    ("funnel_start_event", "\u200b\u200b", "invisible"),
    ("funnel_start_event", "x" * 10_000, "under 200"),
    ("funnel_goal_event", "evil\u202egnp.exe", "bidirectional"),
    ("funnel_goal_event", "", "cannot be empty"),
])
def test_out_of_range_values_are_refused_naming_the_setting(key, value, needle):
    with pytest.raises(SettingError) as exc:
        coerce(key, value)
    msg = str(exc.value)
    assert key in msg and needle in msg


@pytest.mark.parametrize("key, value, expected", [
    ("conversion_window_days", "14", 14), ("conversion_window_days", 365, 365), ("conversion_window_days", 7.0, 7),
    ("salary_min_group", 3, 3), ("gross_margin", "0.55", 0.55), ("gross_margin", 1, 1.0),
    ("experiment_split", "50, 50", [50.0, 50.0]), ("experiment_split", "", []), ("experiment_split", [1, 2, 3], [1.0, 2.0, 3.0]),
    ("currency", " eur ", "EUR"), ("max_upload_mb", 1024, 1024), ("funnel_start_event", "  $pageview ", "$pageview"),
])
def test_valid_values_are_converted(key, value, expected):
    assert coerce(key, value) == expected


def test_every_default_is_valid():
    for s in SETTINGS:
        assert coerce(s.key, s.default) == s.default, s.key


def test_an_invalid_write_changes_nothing(store, editor):
    with pytest.raises(SettingError, match="salary_min_group"):
        update_settings(store, editor, {"gross_margin": 0.5, "salary_min_group": 1})
    assert get_settings(store)["gross_margin"] == 0.7  # all or none


@pytest.mark.parametrize("key, stored", [
    ("conversion_window_days", 100_000), ("conversion_window_days", 400), ("conversion_window_days", "thirty"),
    ("salary_min_group", 1), ("experiment_split", [math.inf, 1]), ("experiment_split", "fifty, fifty"),
    ("gross_margin", None), ("currency", "dollars"), ("funnel_start_event", ["a", "b"]), ("max_upload_mb", -1),
])
def test_a_stored_value_out_of_range_reads_as_the_default_with_a_warning(store, key, stored):
    # written past the validation, as an older Pillars (or a hand edit) could have
    settings_store.write(store, {key: stored if not (isinstance(stored, list) and math.inf in stored) else [1e999, 1]},
                         "old-version")
    default = next(s.default for s in SETTINGS if s.key == key)
    assert get_settings(store)[key] == default
    problems = settings_problems(store)
    assert len(problems) == 1 and key.replace("_", " ").capitalize() in problems[0] and "default" in problems[0]
