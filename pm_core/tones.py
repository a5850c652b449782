"""The tone of every status a page or an export shows (good, warning, bad, none...), decided once here.

Pages draw a tone as a badge, an icon or a coloured dot (pillars_ui.badge / badge_md / tone_dot); exports
colour it. A status word with no tone declared here reads as neutral, never as good.
"""
from __future__ import annotations

from enum import StrEnum


class Tone(StrEnum):
    """How a status reads: good, warn, bad, none (no data yet), active (work under way), early (exploring)."""

    GOOD = "good"
    WARN = "warn"
    BAD = "bad"
    NONE = "none"
    ACTIVE = "active"
    EARLY = "early"


# Key results, objectives and initiatives share the health words.
HEALTH = {"on_track": Tone.GOOD, "at_risk": Tone.WARN, "off_track": Tone.BAD, "no_data": Tone.NONE}
# Where an initiative is in its life: launched and measured work reads as done, not as healthy.
ROADMAP_STATUS = {"idea": Tone.NONE, "discovery": Tone.EARLY, "planned": Tone.ACTIVE, "in_progress": Tone.ACTIVE,
                  "launched": Tone.GOOD, "measured": Tone.GOOD}


def tone_of(status: str, table: dict[str, Tone] = HEALTH) -> Tone:
    """Return the tone of a status word in a table (health words by default); an unknown word is Tone.NONE."""
    return table.get(status, Tone.NONE)
