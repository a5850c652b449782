"""OKR headlines a PM would write: the point first, proper plurals, numbers in words people say.

"Conversion rate is off track: down 18.7% against a +10% goal, with a third of the quarter left.
2 of 5 key results are on track; 2 more need attention." The OKRs page, every briefing (page,
deck, workbook, HTML) and `okrs --json`'s summary read the same sentence from here.
"""
from __future__ import annotations

import datetime as dt

from ..formatting import Unit, agree, change_words, format_value, plural, share_words
from ..periods import Period
from .models import KeyResultView, ObjectiveView
from .progress import grade_note

_STATUS_WORDS = {"on_track": "on track", "at_risk": "at risk", "off_track": "off track", "no_data": "without a check-in"}
_RANK = {"off_track": 0, "at_risk": 1}


def _fmt(v: float | None, unit: str) -> str:
    return format_value(v, unit or Unit.NUMBER)


def kr_change_words(k: KeyResultView) -> str:
    """Return where a KR stands in words: 'down 18.7% against a +10% goal', 'holding at 99.2%, above the 99.0% floor'.

    A KR with a zero baseline has no relative change, so it reads '20 of 40 so far'.
    """
    if k.type == "milestone":
        return "done" if k.progress >= 1 else "not done yet"
    if k.current is None:
        return "no check-in yet"
    if k.type in ("stay_above", "stay_below"):
        side = "above the" if k.type == "stay_above" else "below the"
        bound = "floor" if k.type == "stay_above" else "ceiling"
        state = "holding at" if k.progress >= 1 else "breached at"
        return f"{state} {_fmt(k.current, k.unit)}, {side} {_fmt(k.target, k.unit)} {bound}"
    if k.baseline != 0:
        got = (k.current - k.baseline) / abs(k.baseline)
        want = (k.target - k.baseline) / abs(k.baseline)
        goal = format_value(want, Unit.FRACTION, signed=True, digits=0 if abs(want * 100 - round(want * 100)) < 0.05
                            else 1)
        return f"{change_words(got)} against a {goal} goal"
    return f"{_fmt(k.current, k.unit)} of {_fmt(k.target, k.unit)} so far"


def time_words(per: Period, today: dt.date) -> str:
    """Return when in the period we are: 'with a third of the quarter left', 'at the end of the quarter', 'before ... starts'."""
    span = {"quarter": "quarter", "month": "month", "year": "year"}.get(per.kind, "period")
    if today >= per.end:
        return f"at the end of the {span}"
    if today < per.start:
        return f"before the {span} starts"
    left = 1 - (per.fraction_elapsed(today) or 0.0)
    return f"with {share_words(left, of_quarter=span == 'quarter')} of the {span} left"


def kr_headline(k: KeyResultView, per: Period, today: dt.date, when: bool = True) -> str:
    """Return one KR's headline, subject first: 'Conversion rate is off track: down 18.7% against a +10% goal, with ...'.

    `when` False leaves the time out (the second KR of a headline, so the time is said once).
    """
    status = _STATUS_WORDS.get(k.status, k.status.replace("_", " "))
    return f"{k.short_name} is {status}: {kr_change_words(k)}" + (f", {time_words(per, today)}" if when else "")


def okr_headline(objs: list[ObjectiveView], per: Period, today: dt.date) -> str:
    """Return the period's OKR headline: the most urgent KR first, then the count on track and how many more need attention.

    No KR: 'No key results for Q4 2026 yet.'; all on track: 'All 5 key results are on track, with ...'.
    After the period ends it opens with the average grade.
    """
    krs = [k for o in objs for k in o.key_results]
    name = per.describe() if per.kind != "custom" else per.label
    if not krs:
        return f"No key results for {name} yet."
    on = sum(k.status == "on_track" for k in krs)
    flagged = sorted((k for k in krs if k.status in _RANK), key=lambda k: (_RANK[k.status], -k.weight))
    sentences = []
    if today >= per.end:
        grades = [o.grade for o in objs if o.grade is not None]
        if grades:
            g = sum(grades) / len(grades)
            sentences.append(f"{name} is over: average grade {g:.2f} ({grade_note(g)})")
    if not flagged:
        if on == len(krs):
            whole = {1: "The key result is", 2: "Both key results are"}.get(len(krs), f"All {plural(len(krs), 'key result')} are")
            sentences.append(f"{whole} on track, {time_words(per, today)}")
        else:
            sentences.append(f"{on} of {plural(len(krs), 'key result')} {agree(on, 'is', 'are')} on track; "
                             f"{len(krs) - on} {agree(len(krs) - on, 'has', 'have')} no check-in yet")
        return ". ".join(sentences) + "."
    sentences += [kr_headline(k, per, today, when=n == 0) for n, k in enumerate(flagged[:2])]
    tail = f"{on} of {plural(len(krs), 'key result')} {agree(on, 'is', 'are')} on track"
    rest = len(flagged) - 2
    if rest > 0:
        tail += f"; {rest} more {agree(rest, 'needs', 'need')} attention"
    sentences.append(tail)
    return ". ".join(s[:1].upper() + s[1:] for s in sentences) + "."
