"""Workspace settings, declared once with their help text (as Datasette does), stored in the workspace.

A setting is what the data cannot tell Pillars by itself: which event ends the funnel, which metric
series is revenue, the gross margin used for CLV. Pages and the CLI read and write them through
`get_settings` / `update_settings`; unknown keys and wrong types are refused with a message.
"""
from __future__ import annotations

from .errors import InputError

import math
import re
from dataclasses import dataclass
from typing import Any, Callable

from .auth import Actor, require_editor
from .store import Store
from .store import settings_store
from .text import clean_text
from .validators import FALSE_WORDS, TRUE_WORDS, iana_zone, iso_currency

_TRUE = set(TRUE_WORDS)
_FALSE = set(FALSE_WORDS)


class SettingError(InputError):
    """A setting value that cannot be used (the message names the setting and what it accepts)."""


@dataclass(frozen=True)
class Setting:
    """One workspace setting: its type and valid values are declared here and nowhere else.

    `lo`/`hi` bound numbers (and, for lists, every item); `lo_open` makes `lo` itself invalid;
    `items` bounds a list's length; `check` is an extra rule for text (e.g. ISO currency codes);
    `choices` makes a text setting one of a fixed list (its page control is a select box).
    """

    key: str
    default: Any
    help: str
    kind: type  # str, int, float, bool or list
    group: str = "General"
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    items: tuple[int, int] = (0, 0)
    check: Callable[[str], str] | None = None
    example: str = ""
    choices: tuple[str, ...] = ()
    words: str = ""         # what a text setting with a `check` accepts, in words (else the check's own wording)
    optional: bool = False  # a text setting that may be left empty (its default is '')
    event: str = ""         # names an event, in words for 'not set' notes ("the funnel's start event"); None = not set

    @property
    def label(self) -> str:
        """Return the setting's name for people ('Conversion window days')."""
        return self.key.replace("_", " ").capitalize()

    def accepts(self) -> str:
        """Return what the setting accepts, in words ('a whole number from 1 to 365')."""
        if self.kind is list:
            lo, hi = self.items
            return (f"empty, or {lo} to {hi} positive numbers separated by commas" + (f" ({self.example})" if self.example else ""))
        if self.kind is str and self.choices:
            return "one of " + ", ".join(self.choices)
        if self.kind is str and self.words:
            return self.words
        if self.kind is str:
            return "an ISO 4217 currency code such as USD, EUR or GBP" if self.check else f"a name of up to {TEXT_MAX} characters"
        if self.kind is bool:
            return "yes or no"
        what = "a whole number" if self.kind is int else "a number"
        rng = f"between {self.lo:g} and {self.hi:g}" if self.kind is float else f"from {self.lo:g} to {self.hi:g}"
        return f"{what} {rng}" + (f" ({self.example})" if self.example else "")


def _currency(value: str) -> str:
    return iso_currency(value, "currency")


def _zone(value: str) -> str:
    return iana_zone(value, "time zone")


def _hex_colour(value: str) -> str:
    v = value.strip()
    v = v if v.startswith("#") else "#" + v
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", v):
        raise ValueError(f"{value!r} is not a colour such as #1565C0")
    return v.upper()


TEXT_MAX = 200
SETTINGS: list[Setting] = [
    # The event settings start unset (None): no event name fits every product, and a default that does not
    # occur in the data would compute KPIs on nothing. The demo story sets its own (sample_data/settings.json).
    Setting("funnel_start_event", None, "Event that starts the conversion funnel (conversion rate KPI).", str, "Funnel",
            event="the funnel's start event"),
    Setting("funnel_goal_event", None, "Event that ends the conversion funnel (conversion rate KPI).", str, "Funnel",
            event="the funnel's goal event"),
    # 365: the Growth page's window input stops there, and a longer window than a year of data means nothing.
    Setting("conversion_window_days", 30, "Days after a user's first start event within which the goal counts.", int, "Funnel",
            lo=1, hi=365),
    Setting("feature_event", None, "Event that marks use of the feature whose adoption is tracked.", str, "Adoption",
            event="the feature's event"),
    Setting("task_success_event", None, "Event that counts as a successful task (task success rate).", str, "Adoption",
            event="the task's success event"),
    Setting("task_attempt_event", None, "Event that counts as a task attempt (task success rate).", str, "Adoption",
            event="the task's attempt event"),
    Setting("revenue_metric", "revenue", "Metric series (metrics imports) holding revenue.", str, "Strategy"),
    Setting("market_size_metric", "market_size", "Metric series holding total market size, for market share.", str, "Strategy"),
    Setting("marketing_spend_metric", "marketing_spend", "Metric series holding marketing spend (shown to marketing).", str, "Strategy"),
    Setting("stakeholder_metric", "stakeholder_pulse", "Metric series holding stakeholder pulse scores (alignment KPI).", str, "Strategy"),
    Setting("gross_margin", 0.7, "Gross margin (0-1) used for customer lifetime value.", float, "Strategy",
            lo=0, hi=1, lo_open=True, example="e.g. 0.7 for 70%"),
    Setting("currency", "USD", "Currency of revenue figures (ISO code).", str, "Strategy", check=_currency),
    Setting("experiment_split", [], "Expected traffic split per variant for the sample-ratio check; empty means equal.", list,
            "Experiments", lo=0, hi=1e6, lo_open=True, items=(2, 20), example="e.g. 50, 50"),
    # PostHog and GrowthBook test the relative difference (delta method); the pooled z-test of the
    # absolute difference is the textbook one. Both are always shown; this one decides the verdict.
    Setting("experiment_verdict_test", "relative", "Which test decides an experiment's verdict: 'relative' (lift as a "
            "share of control, delta-method t-test, as PostHog and GrowthBook) or 'absolute' (difference in percentage "
            "points, pooled z-test).", str, "Experiments", choices=("relative", "absolute")),
    # 0: no plan. Below the plan an experiment is still running, so the always-valid (sequential) test decides.
    Setting("experiment_planned_users", 0, "Planned users per variant; until every variant has them the experiment counts "
            "as running and the always-valid (sequential) p-value decides the verdict. 0 means no plan.", int,
            "Experiments", lo=0, hi=100_000_000),
    # Events are stored in UTC; days, weeks and months are cut in this zone, as a PostHog or Amplitude project's zone.
    Setting("time_zone", "UTC", "Time zone the calendar is cut in (days, weeks, months); events stay stored in UTC.", str,
            "Calendar", check=_zone, words="an IANA time zone name such as Europe/Lisbon, America/New_York or UTC"),
    Setting("week_start", "monday", "First day of a week for weekly figures (retention cohorts, weekly active users).", str,
            "Calendar", choices=("monday", "sunday")),
    # 3: with two rows in a group, each person can subtract their own pay and read the other's.
    Setting("salary_min_group", 5, "Salary groups smaller than this are hidden so no one's pay can be read off (at least 3).",
            int, "Career", lo=3, hi=1000),
    # 1024: the server's own limit (server.maxUploadSize in .streamlit/config.toml); more could never arrive.
    Setting("max_upload_mb", 1024, "Largest file the Data page accepts, in MB.", int, "Imports", lo=1, hi=1024),
    # The brand of what leaves Pillars (deck, HTML briefing, printed presentation); the logo is an image,
    # kept in the workspace by pm_core.brand (validated there), not a text setting.
    Setting("brand_company", "", "Company name on the title slide, the HTML briefing and the printed presentation "
            "(empty: no company name).", str, "Brand", optional=True),
    Setting("brand_accent", "#1565C0", "Accent colour of the deck, the HTML briefing and the printed presentation "
            "(a hex colour such as #1565C0).", str, "Brand", check=_hex_colour, words="a hex colour such as #1565C0"),
]
_BY_KEY = {s.key: s for s in SETTINGS}


def _read(store: Store) -> tuple[dict[str, Any], dict[str, str]]:
    stored = settings_store.read_all(store)
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for s in SETTINGS:
        if s.key not in stored:
            values[s.key] = s.default
            continue
        try:
            values[s.key] = coerce(s.key, stored[s.key])
        except SettingError:
            values[s.key] = s.default
            shown = str(stored[s.key])
            shown = shown if len(shown) <= 40 else shown[:40] + "…"
            problems[s.key] = (f"The stored value of '{s.label}' ({shown}) is not valid any more: it takes "
                            f"{s.accepts()}. Pillars uses the default ({shown_value(s.default)}) until an editor "
                            "saves a valid value on the Settings page.")
    return values, problems


def shown_value(value: Any, empty: str = "equal split") -> str:
    """Return a setting value as text: lists comma-separated ('50, 50'), an empty list as `empty`, None as 'not set'."""
    if value is None:
        return "not set"
    if isinstance(value, list):
        return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value) or empty
    return str(value)


def get_settings(store: Store) -> dict[str, Any]:
    """Return every declared setting's value: stored where set and still valid, else the default.

    A stored value that this version refuses (saved by an older Pillars, or by hand) is never
    returned, so no page can crash on it; `settings_problems` says which ones were replaced.
    """
    return _read(store)[0]


def settings_problems(store: Store) -> list[str]:
    """Return one sentence per stored setting that is out of range or of the wrong type (empty when all are valid)."""
    return list(_read(store)[1].values())


def invalid_settings(store: Store) -> list[str]:
    """Return the keys whose stored value is refused (their default is in use); saving any valid value fixes one."""
    return list(_read(store)[1])


def unset_note(settings: dict[str, Any], *keys: str) -> str | None:
    """Return what to set and where when any of these event settings is not set (None or blank), else None.

    One sentence for all of them, per Settings group: "not set: choose the funnel's start event and the
    funnel's goal event in Settings → Funnel." Only the unset ones are named.
    """
    unset = [_BY_KEY[k] for k in keys if not str(settings.get(k) or "").strip()]
    if not unset:
        return None
    by_group: dict[str, list[str]] = {}
    for s in unset:
        by_group.setdefault(s.group, []).append(s.event or s.label.lower())
    parts = [f"{' and '.join(names)} in Settings → {group}" for group, names in by_group.items()]
    return "not set: choose " + "; ".join(parts) + "."


def get_setting(store: Store, key: str) -> Any:
    """Return one setting's value (default when unset or invalid); unknown keys raise SettingError."""
    if key not in _BY_KEY:
        raise SettingError(f"unknown setting {key!r}")
    return get_settings(store)[key]


def _number(s: Setting, value: Any) -> float | int:
    if isinstance(value, bool):
        raise ValueError
    if s.kind is int:
        if isinstance(value, float):
            if not math.isfinite(value) or value != int(value):
                raise ValueError
            return int(value)
        if isinstance(value, str):
            return int(value.strip().replace(",", ""))
        return int(value)
    out = float(value.strip().replace(",", "")) if isinstance(value, str) else float(value)
    if not math.isfinite(out):
        raise ValueError
    return out


def _in_range(s: Setting, x: float) -> bool:
    low_ok = s.lo is None or (x > s.lo if s.lo_open else x >= s.lo)
    return low_ok and (s.hi is None or x <= s.hi)


def coerce(key: str, value: Any) -> Any:
    """Return value converted to the setting's type and checked against its declared range.

    Raises SettingError naming the setting and what it accepts: an unknown key, a wrong type, NaN or
    infinity, a number out of range, a blank or over-long name, or a currency that is not ISO 4217.
    """
    if key not in _BY_KEY:
        raise SettingError(f"unknown setting {key!r}; known: {', '.join(sorted(_BY_KEY))}")
    s = _BY_KEY[key]

    def refuse(got: Any) -> SettingError:
        shown = repr(got) if not isinstance(got, str) or len(got) <= 40 else repr(got[:40] + "…")
        return SettingError(f"setting {key!r} ({s.label.lower()}) takes {s.accepts()}; got {shown}")

    if s.kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise refuse(value)
    if s.kind is list:
        raw = [v for v in value.split(",") if v.strip()] if isinstance(value, str) else value
        if not isinstance(raw, (list, tuple)):
            raise refuse(value)
        try:
            out = [float(_number(s, v)) for v in raw]
        except (TypeError, ValueError):
            raise refuse(value) from None
        if out and (not s.items[0] <= len(out) <= s.items[1] or not all(_in_range(s, v) for v in out)):
            raise refuse(value)
        return out
    if s.kind is str:
        if s.event and value is None:
            return None  # an event setting may be not set (its default); an empty or blank name is still refused
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise refuse(value)
        try:
            out = clean_text(value, s.label.lower(), max_len=TEXT_MAX, required=not s.optional)
            out = s.check(out) if s.check and out else out
        except ValueError as exc:
            raise SettingError(f"setting {key!r}: {exc}") from None
        if s.choices:
            wanted = out.strip().lower()
            if wanted not in s.choices:
                raise refuse(value)
            return wanted
        return out
    try:
        out = _number(s, value)
    except (TypeError, ValueError, OverflowError):
        raise refuse(value) from None
    if not _in_range(s, out):
        raise refuse(out)
    return out


def update_settings(store: Store, actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """Validate and store several settings at once (all or none); returns the new full settings."""
    require_editor(actor)
    clean = {k: coerce(k, v) for k, v in values.items()}
    settings_store.write(store, clean, actor.email, defaults={k: _BY_KEY[k].default for k in clean})
    return get_settings(store)


def seed_settings(store: Store, actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """Store (audited, as update_settings) the values whose setting this workspace never stored; returns those written.

    A setting an editor already chose is kept: seeding the demo story again never overwrites it.
    """
    require_editor(actor)
    stored = settings_store.read_all(store)
    fresh = {k: v for k, v in values.items() if k not in stored}
    if fresh:
        update_settings(store, actor, fresh)
    return fresh
