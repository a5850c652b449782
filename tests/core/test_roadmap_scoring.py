"""Prioritisation maths against hand-computed tables, ranks, rank-move flags, the 2x2 and dependency cycles."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from pm_core.roadmap import find_cycle
from pm_core.roadmap.models import RoadmapError
from pm_core.roadmap.scoring import check_weights, ice, quadrant, rice, score_table, value_effort


@pytest.mark.parametrize("reach, impact, confidence, effort, expected", [
    (1000, 2, 80, 4, 400.0),          # 1000 * 2 * 0.8 / 4
    (500, 0.25, 100, 1, 125.0),
    (6000, 3, 50, 0.5, 18000.0),
    (0, 3, 100, 2, 0.0),
    (100, 1, 0, 1, 0.0),
    (100, None, 50, 1, None),         # a missing input gives no score, never 0
    (100, 1, 50, 0, None),            # effort must be positive
])
def test_rice(reach, impact, confidence, effort, expected):
    got = rice(reach, impact, confidence, effort)
    assert got == pytest.approx(expected) if expected is not None else got is None


@pytest.mark.parametrize("i, c, e, expected", [(8, 8, 6, 384.0), (1, 1, 1, 1.0), (10, 10, 10, 1000.0),
                                              (5, None, 3, None)])
def test_ice(i, c, e, expected):
    got = ice(i, c, e)
    assert got == pytest.approx(expected) if expected is not None else got is None


@pytest.mark.parametrize("v, e, expected", [(8, 2, 4.0), (9, 4, 2.25), (1, 10, 0.1), (5, None, None), (5, 0, None)])
def test_value_effort(v, e, expected):
    got = value_effort(v, e)
    assert got == pytest.approx(expected) if expected is not None else got is None


@pytest.mark.parametrize("value, effort, split, expected", [
    (8, 1, 3, "quick_win"), (8, 5, 3, "big_bet"), (3, 1, 3, "fill_in"), (3, 5, 3, "money_pit"),
    (5.5, 3, 3, "quick_win"),        # both splits count as the favourable side
    (5.4, 3.1, 3, "money_pit"), (None, 3, 3, None),
])
def test_quadrant(value, effort, split, expected):
    assert quadrant(value, effort, split) == expected


# Four initiatives whose ranks differ by method. Hand-computed:
#   RICE  A=1000*1*1/10=100  B=200*3*0.5/1=300  C=400*2*0.8/2=320  D=50*0.5*1/1=25   -> C, B, A, D
#   ICE   A=9*9*9=729        B=2*2*2=8          C=5*5*5=125        D=6*6*6=216      -> A, D, C, B
#   V/E   A=10/10=1          B=2/1=2            C=6/2=3            D=9/1=9          -> D, C, B, A
TABLE = [
    {"id": "A", "title": "A", "reach": 1000, "impact": 1, "confidence": 100, "effort": 10,
     "ice_impact": 9, "ice_confidence": 9, "ice_ease": 9, "value": 10},
    {"id": "B", "title": "B", "reach": 200, "impact": 3, "confidence": 50, "effort": 1,
     "ice_impact": 2, "ice_confidence": 2, "ice_ease": 2, "value": 2},
    {"id": "C", "title": "C", "reach": 400, "impact": 2, "confidence": 80, "effort": 2,
     "ice_impact": 5, "ice_confidence": 5, "ice_ease": 5, "value": 6},
    {"id": "D", "title": "D", "reach": 50, "impact": 0.5, "confidence": 100, "effort": 1,
     "ice_impact": 6, "ice_confidence": 6, "ice_ease": 6, "value": 9},
]


def _hand_weighted(weights: dict) -> dict[str, float]:
    """Min-max normalise each input over TABLE by hand (effort inverted) and take the weighted mean x 100."""
    fields = {"reach": "reach", "impact": "impact", "confidence": "confidence", "value": "value",
              "ease": "ice_ease", "effort": "effort"}
    out = {}
    for row in TABLE:
        num = den = 0.0
        for k, f in fields.items():
            w = weights.get(k, 0.0)
            if not w:
                continue
            vals = [r[f] for r in TABLE]
            lo, hi = min(vals), max(vals)
            n = 0.5 if hi == lo else (row[f] - lo) / (hi - lo)
            if k == "effort":
                n = 1 - n if hi != lo else n
            num += w * n
            den += w
        out[row["id"]] = 100 * num / den
    return out


def test_score_table_scores_and_ranks_match_hand_computation():
    t = score_table(TABLE).set_index("id")
    assert t["rice"].to_dict() == pytest.approx({"A": 100, "B": 300, "C": 320, "D": 25})
    assert t["ice"].to_dict() == pytest.approx({"A": 729, "B": 8, "C": 125, "D": 216})
    assert t["value_effort"].to_dict() == pytest.approx({"A": 1, "B": 2, "C": 3, "D": 9})
    assert t["rank_rice"].tolist() == [3, 2, 1, 4]
    assert t["rank_ice"].tolist() == [1, 4, 3, 2]
    assert t["rank_value_effort"].tolist() == [4, 3, 2, 1]
    default = {"reach": 1, "impact": 1, "confidence": 1, "value": 1, "effort": 1}
    assert t["weighted"].to_dict() == pytest.approx(_hand_weighted(default))


@pytest.mark.parametrize("weights", [
    {"reach": 1}, {"effort": 1}, {"value": 3, "effort": 1}, {"reach": 0.5, "impact": 2, "confidence": 1, "ease": 1},
])
def test_weighted_score_follows_user_weights(weights):
    full = {k: 0.0 for k in ("reach", "impact", "confidence", "value", "ease", "effort")} | weights
    t = score_table(TABLE, full).set_index("id")
    assert t["weighted"].to_dict() == pytest.approx(_hand_weighted(full))


def test_weighted_only_reach_ranks_by_reach():
    t = score_table(TABLE, {"reach": 1, "impact": 0, "confidence": 0, "value": 0, "effort": 0}).set_index("id")
    assert t["rank_weighted"].to_dict() == {"A": 1, "C": 2, "B": 3, "D": 4}


def test_rank_spread_and_flag_threshold():
    t = score_table(TABLE, flag_places=2).set_index("id")
    # A ranks 3,1,4,w ; B 2,4,3,w ; C 1,3,2,w ; D 4,2,1,w: spreads computed from the table itself
    ranks = t[["rank_rice", "rank_ice", "rank_value_effort", "rank_weighted"]].astype(float)
    spread = (ranks.max(axis=1) - ranks.min(axis=1)).astype(int)
    assert t["rank_spread"].astype(int).to_dict() == spread.to_dict()
    assert spread["A"] >= 3 and spread["D"] >= 3
    assert t["rank_flag"].to_dict() == (spread > 2).to_dict()
    strict = score_table(TABLE, flag_places=0).set_index("id")
    assert strict["rank_flag"].all()
    loose = score_table(TABLE, flag_places=3).set_index("id")
    assert not loose["rank_flag"].any()


def test_ties_share_the_better_rank_and_missing_inputs_are_unranked():
    rows = [dict(TABLE[0], id="X"), dict(TABLE[0], id="Y"), {"id": "Z", "title": "no inputs"}]
    t = score_table(rows).set_index("id")
    assert t.loc["X", "rank_rice"] == 1 and t.loc["Y", "rank_rice"] == 1
    assert pd.isna(t.loc["Z", "rice"]) and pd.isna(t.loc["Z", "rank_rice"]) and pd.isna(t.loc["Z", "weighted"])
    assert not t.loc["Z", "rank_flag"] and pd.isna(t.loc["Z", "rank_spread"])


def test_rank_move_flag_when_method_changes_order():
    # Big reach but heavy: top by RICE, bottom by value/effort -> moves 3 places.
    rows = [
        {"id": "big", "title": "big", "reach": 100000, "impact": 3, "confidence": 100, "effort": 20,
         "ice_impact": 5, "ice_confidence": 5, "ice_ease": 5, "value": 5},
        *[{"id": f"s{i}", "title": f"s{i}", "reach": 100 * i, "impact": 1, "confidence": 50, "effort": 1,
           "ice_impact": 5, "ice_confidence": 5, "ice_ease": 5, "value": 5 + i} for i in range(1, 4)],
    ]
    t = score_table(rows).set_index("id")
    assert t.loc["big", "rank_rice"] == 1 and t.loc["big", "rank_value_effort"] == 4
    assert bool(t.loc["big", "rank_flag"]) is True


def test_empty_table_and_bad_weights():
    assert score_table([]).empty
    with pytest.raises(RoadmapError, match="weight 'speed'"):
        check_weights({"speed": 1})
    with pytest.raises(RoadmapError, match="at least one weight"):
        check_weights({k: 0 for k in ("reach", "impact", "confidence", "value", "ease", "effort")})
    with pytest.raises(RoadmapError, match="'reach' must be a number of 0 or more"):
        check_weights({"reach": -1})


def test_quadrant_split_is_median_effort():
    t = score_table(TABLE).set_index("id")  # efforts 10,1,2,1 -> median 1.5
    assert t["quadrant"].to_dict() == {"A": "big_bet", "B": "fill_in", "C": "big_bet", "D": "quick_win"}
    assert not math.isnan(t["value_effort"].sum())


@pytest.mark.parametrize("edges, cycle_nodes", [
    ([("a", "a")], ["a", "a"]),
    ([("a", "b"), ("b", "a")], ["a", "b", "a"]),
    ([("a", "b"), ("b", "c"), ("c", "a")], ["a", "b", "c", "a"]),
    ([("a", "b"), ("b", "c"), ("a", "c")], None),
    ([], None),
    ([("x", "y"), ("y", "z"), ("z", "y")], ["y", "z", "y"]),
])
def test_find_cycle(edges, cycle_nodes):
    got = find_cycle(edges)
    if cycle_nodes is None:
        assert got is None
    else:
        assert got[0] == got[-1]
        assert sorted(set(got)) == sorted(set(cycle_nodes)) and len(got) == len(cycle_nodes)
        # every consecutive pair is a real edge
        assert all((a, b) in set(edges) for a, b in zip(got, got[1:]))
