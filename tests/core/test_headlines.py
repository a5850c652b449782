"""Headlines and plurals, checked against sentences written by hand here (what a PM would put on a slide)."""
from __future__ import annotations

import datetime as dt

import pytest

from pm_core.formatting import agree, change_words, join_words, plural, plural_word, share_words
from pm_core.okrs.headlines import kr_change_words, kr_headline, okr_headline, time_words
from pm_core.okrs.models import KeyResultView, ObjectiveView
from pm_core.periods import parse_period

Q4 = parse_period("2026-Q4")          # 1 Oct - 31 Dec 2026: 92 days
TWO_THIRDS_IN = dt.date(2026, 12, 1)  # 61 of 92 days elapsed: 33.7% left -> 'a third'


def kr(status="on_track", *, baseline=0.12, target=0.132, current=0.09756, kr_type="increase_to", unit="fraction",
       name="Conversion rate", weight=1.0, progress=0.0) -> KeyResultView:
    return KeyResultView(id=name, objective_id="o", title=name, type=kr_type, baseline=baseline, target=target, unit=unit,
                         weight=weight, kpi=None, link=None, segment=None, due_date=None, owner=None, current=current,
                         current_as_of=None, progress=progress, expected=0.66, status=status, confidence=None, grade=None,
                         sparkline=[], checkins=1, source_definition=None, short_name=name)


def objective(*krs: KeyResultView, grade=None) -> ObjectiveView:
    return ObjectiveView(id="o", title="Grow", description=None, owner=None, pillar=None, period="2026-Q4", parent_id=None,
                         progress=0.0, expected=0.66, status="on_track", confidence=None, grade=grade, key_results=list(krs))


@pytest.mark.parametrize("n, word, expected", [
    (0, "experiment", "0 experiments"), (1, "experiment", "1 experiment"), (5, "item", "5 items"),
    (2, "launch", "2 launches"), (1, "launch", "1 launch"), (3, "story", "3 stories"), (2, "day", "2 days"),
    (1204, "comment", "1,204 comments"), (2, "open bug", "2 open bugs"), (2, "key result", "2 key results"),
    (4, "person", "4 people"), (2, "box", "2 boxes"),
])
def test_plural(n, word, expected):
    assert plural(n, word) == expected
    assert "(s)" not in plural(n, word) and "(es)" not in plural(n, word)


def test_plural_word_agree_join():
    assert plural_word(2, "analysis") == "analyses" and plural_word(1, "analysis") == "analysis"
    assert agree(1, "needs", "need") == "needs" and agree(0, "needs", "need") == "need" and agree(3, "is", "are") == "are"
    assert join_words([]) == "" and join_words(["a"]) == "a" and join_words(["a", "b"]) == "a and b"
    assert join_words(["a", "", "b", "c"]) == "a, b and c"


@pytest.mark.parametrize("f, expected, of_quarter", [
    (0.32, "a third", False), (0.337, "a third", True), (0.5, "half", False), (0.66, "two thirds", False),
    (0.25, "a quarter", False), (0.25, "25%", True), (0.75, "75%", True), (0.4, "40%", False), (0.28, "28%", True),
])
def test_share_words(f, expected, of_quarter):
    assert share_words(f, of_quarter=of_quarter) == expected


def test_change_words():
    assert change_words(-0.187) == "down 18.7%"
    assert change_words(0.025) == "up 2.5%"
    assert change_words(0.0001) == "unchanged"


def test_off_track_headline_reads_like_the_issue():
    # current 9.756% against baseline 12% is (9.756 - 12) / 12 = -18.7%; the goal is (13.2 - 12) / 12 = +10%.
    k = kr("off_track")
    assert kr_change_words(k) == "down 18.7% against a +10% goal"
    assert kr_headline(k, Q4, TWO_THIRDS_IN) == ("Conversion rate is off track: down 18.7% against a +10% goal, "
                                                 "with a third of the quarter left")


def test_at_risk_and_absolute_and_bounds():
    at_risk = kr("at_risk", baseline=0, target=40, current=20, unit="count", name="'Sign 40 hosts'")
    assert kr_headline(at_risk, Q4, TWO_THIRDS_IN, when=False) == "'Sign 40 hosts' is at risk: 20 of 40 so far"
    floor = kr("on_track", kr_type="stay_above", baseline=0.99, target=0.99, current=0.992, progress=1.0, name="Uptime")
    assert kr_change_words(floor) == "holding at 99.2%, above the 99.0% floor"
    ceiling = kr("off_track", kr_type="stay_below", baseline=400, target=400, current=455, unit="ms", progress=0.0,
                 name="p95 latency")
    assert kr_headline(ceiling, Q4, dt.date(2026, 12, 31)) == ("p95 latency is off track: breached at 455 ms, below "
                                                               "the 400 ms ceiling, with 1% of the quarter left")
    milestone = kr("at_risk", kr_type="milestone", baseline=0, target=1, current=0, unit="done", name="'Launch in PT'")
    assert kr_change_words(milestone) == "not done yet"


def test_okr_headline_point_first_and_counts():
    worst = kr("off_track", weight=1)
    risky = kr("at_risk", baseline=0, target=40, current=20, unit="count", name="'Sign 40 hosts'", weight=2)
    third = kr("at_risk", name="Retention", weight=1, baseline=0.2, target=0.22, current=0.205)
    fine = [kr("on_track", name=f"KR {i}") for i in range(2)]
    line = okr_headline([objective(worst, risky, third, *fine)], Q4, TWO_THIRDS_IN)
    assert line == ("Conversion rate is off track: down 18.7% against a +10% goal, with a third of the quarter left. "
                    "'Sign 40 hosts' is at risk: 20 of 40 so far. 2 of 5 key results are on track; 1 more needs attention.")
    assert "(s)" not in line and "KR " not in line.replace("KR 0", "").replace("KR 1", "")


@pytest.mark.parametrize("n, expected", [
    (1, "The key result is on track, with a third of the quarter left."),
    (2, "Both key results are on track, with a third of the quarter left."),
    (5, "All 5 key results are on track, with a third of the quarter left."),
])
def test_all_on_track(n, expected):
    assert okr_headline([objective(*[kr(name=f"K{i}") for i in range(n)])], Q4, TWO_THIRDS_IN) == expected


def test_no_krs_and_over_and_before():
    assert okr_headline([], Q4, TWO_THIRDS_IN) == f"No key results for {Q4.describe()} yet."
    over = okr_headline([objective(kr(), grade=0.65)], Q4, dt.date(2027, 1, 5))
    assert over.startswith(f"{Q4.describe()} is over: average grade 0.65 (") and "at the end of the quarter" in over
    assert time_words(Q4, dt.date(2026, 9, 1)) == "before the quarter starts"
    assert time_words(parse_period("2026-11"), dt.date(2026, 11, 16)) == "with half of the month left"


def test_metrics_headline_reads_as_a_sentence():
    from pm_core.briefing import MetricItem, metrics_headline

    ms = [MetricItem(key="r", label="Revenue", value=1_700_000, previous=1_360_000, unit="currency"),
          MetricItem(key="g", label="Revenue growth", value=0.252, previous=0.239, unit="fraction"),
          MetricItem(key="c", label="Customer lifetime value", value=120, previous=124.4, unit="currency"),
          MetricItem(key="n", label="NPS", value=32, previous=32, unit="nps"),
          MetricItem(key="m", label="Gross margin", value=0.7, unit="fraction"),
          MetricItem(key="x", label="Market share", value=None, unit="fraction")]
    # (1.7M - 1.36M) / 1.36M = +25.0%; 25.2% - 23.9% = +1.3 pp; (120 - 124.4) / 124.4 = -3.5%
    assert metrics_headline(ms, "Q4 2026") == ("Revenue up 25.0% to $1.7M, revenue growth up 1.3 pp to 25.2%, customer "
                                               "lifetime value down 3.5% to $120, NPS steady at +32 and gross margin "
                                               "70.0% in Q4 2026.")
    assert metrics_headline(ms[-1:], "Q4 2026") is None
