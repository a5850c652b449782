"""OKR maths: progress of a key result, status from pace and confidence, roll-ups and what a grade means (pure functions)."""
from __future__ import annotations

from .models import (OFF_TRACK_CONFIDENCE, OFF_TRACK_PACE, ON_TRACK_CONFIDENCE, ON_TRACK_PACE, SWEET_SPOT)


def _clamp(x: float) -> float:
    return min(1.0, max(0.0, x))


def kr_progress(kr_type: str, baseline: float, target: float, current: float | None) -> float:
    """Return progress 0..1 for a KR type; None (no value yet) is 0; a zero-width range raises ValueError."""
    if current is None:
        return 0.0
    if kr_type == "milestone":
        return 1.0 if current >= 1 else 0.0
    if kr_type == "stay_above":
        return 1.0 if current >= target else 0.0
    if kr_type == "stay_below":
        return 1.0 if current <= target else 0.0
    width = target - baseline
    if width == 0:
        raise ValueError("target equals baseline: a zero-width range has no progress")
    return _clamp((current - baseline) / width)


def kr_status(kr_type: str, progress: float, expected: float, confidence: float | None,
              has_value: bool, period_over: bool) -> str:
    """Return on_track / at_risk / off_track / no_data from pace and confidence (thresholds in the module docstring)."""
    if not has_value:
        return "no_data"
    if kr_type in ("stay_above", "stay_below"):
        pace_ok, pace_bad = progress >= 1.0, progress < 1.0
    elif kr_type == "milestone":
        done = progress >= 1.0
        pace_ok, pace_bad = done or not period_over, (not done) and period_over
    else:
        pace_ok, pace_bad = progress >= ON_TRACK_PACE * expected, progress < OFF_TRACK_PACE * expected
    if pace_bad or (confidence is not None and confidence <= OFF_TRACK_CONFIDENCE):
        return "off_track"
    if pace_ok and (confidence is None or confidence >= ON_TRACK_CONFIDENCE):
        return "on_track"
    return "at_risk"


def weighted_mean(values: list[float], weights: list[float]) -> float | None:
    """Return the weighted mean, or None when there is nothing to average."""
    total = sum(weights)
    if not values or total <= 0:
        return None
    return sum(v * w for v, w in zip(values, weights)) / total


def grade_note(grade: float | None) -> str:
    """Return what a 0.0-1.0 grade means ('sweet spot' for 0.6-0.7); '' for None."""
    if grade is None:
        return ""
    if grade >= 0.9:
        return "fully delivered — check the goal was ambitious enough"
    if grade > SWEET_SPOT[1]:
        return "strong result, above the 0.6–0.7 sweet spot"
    if grade >= SWEET_SPOT[0]:
        return "in the 0.6–0.7 sweet spot for ambitious OKRs"
    if grade >= 0.4:
        return "partial progress, below the 0.6–0.7 sweet spot"
    return "missed"


def thresholds_text() -> str:
    """Return the status rules in one paragraph, for the page and the docs."""
    return (f"On track: progress at least {ON_TRACK_PACE:.0%} of the expected pace and confidence "
            f"{ON_TRACK_CONFIDENCE}/10 or more (or not given). Off track: progress under "
            f"{OFF_TRACK_PACE:.0%} of the expected pace, or confidence {OFF_TRACK_CONFIDENCE}/10 or less. "
            "At risk: in between. Expected pace grows linearly from the first to the last day of the period. "
            "Stay above/below KRs are on track while holding; a milestone is judged on confidence until the "
            f"period ends. Grades are the progress at the end of the period; {SWEET_SPOT[0]}–{SWEET_SPOT[1]} is "
            "the sweet spot for ambitious goals.")
