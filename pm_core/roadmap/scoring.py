"""Prioritisation maths: RICE, ICE, value vs effort (with its 2x2), a weighted score, ranks and rank moves."""
from __future__ import annotations

from typing import Any, Iterable

import pandas as pd

from ..formatting import as_number
from .models import DEFAULT_WEIGHTS, METHODS, WEIGHT_INPUTS, RoadmapError

QUADRANTS = ("quick_win", "big_bet", "fill_in", "money_pit")
QUADRANT_LABELS = {"quick_win": "Quick win", "big_bet": "Big bet", "fill_in": "Fill-in", "money_pit": "Money pit"}
# Value is on a fixed 1-10 scale, so its midpoint splits high from low; effort has no fixed scale,
# so the split is the median effort of the initiatives being compared.
VALUE_SPLIT = 5.5
_INPUT_FIELD = {"reach": "reach", "impact": "impact", "confidence": "confidence", "value": "value",
                "ease": "ice_ease", "effort": "effort"}
_FIELDS = ("id", "title", "reach", "impact", "confidence", "effort", "ice_impact", "ice_confidence",
           "ice_ease", "value")


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)




def rice(reach, impact, confidence, effort) -> float | None:
    """Return reach x impact x confidence(%)/100 / effort; None when any input is missing or effort is not positive."""
    r, i, c, e = (as_number(x) for x in (reach, impact, confidence, effort))
    if None in (r, i, c, e) or e <= 0:
        return None
    return r * i * (c / 100.0) / e


def ice(impact, confidence, ease) -> float | None:
    """Return impact x confidence x ease (each 1-10, so 1..1000); None when any input is missing."""
    i, c, e = (as_number(x) for x in (impact, confidence, ease))
    if None in (i, c, e):
        return None
    return i * c * e


def value_effort(value, effort) -> float | None:
    """Return value (1-10) / effort (person-months); None when either is missing or effort is not positive."""
    v, e = as_number(value), as_number(effort)
    if v is None or e is None or e <= 0:
        return None
    return v / e


def quadrant(value, effort, effort_split: float | None) -> str | None:
    """Return quick_win / big_bet / fill_in / money_pit; effort at or below the split counts as low effort."""
    v, e = as_number(value), as_number(effort)
    if v is None or e is None or effort_split is None:
        return None
    high_value = v >= VALUE_SPLIT
    low_effort = e <= effort_split
    if high_value:
        return "quick_win" if low_effort else "big_bet"
    return "fill_in" if low_effort else "money_pit"


def check_weights(weights: dict | None) -> dict[str, float]:
    """Return the full weight dict (defaults filled in); raise RoadmapError for unknown inputs, negatives or all zero."""
    out = dict(DEFAULT_WEIGHTS)
    for k, v in (weights or {}).items():
        if k not in WEIGHT_INPUTS:
            raise RoadmapError(f"weight {k!r} is not a scoring input; use {', '.join(WEIGHT_INPUTS)}")
        f = as_number(v)
        if f is None or f < 0:
            raise RoadmapError(f"weight {k!r} must be a number of 0 or more, got {v!r}")
        out[k] = f
    if sum(out.values()) <= 0:
        raise RoadmapError("at least one weight must be above 0")
    return out


def _normalise(col: pd.Series, higher_is_better: bool) -> pd.Series:
    lo, hi = col.min(skipna=True), col.max(skipna=True)
    if pd.isna(lo):
        return col
    if hi == lo:
        # A constant input does not separate anyone: everybody gets the neutral middle.
        return col.where(col.isna(), 0.5)
    n = (col - lo) / (hi - lo)
    return n if higher_is_better else 1.0 - n


def _rank(scores: pd.Series) -> pd.Series:
    # Competition ranking (1, 2, 2, 4): ties share the better rank; missing scores get no rank.
    return scores.rank(ascending=False, method="min")


def score_table(initiatives: Iterable[Any], weights: dict | None = None, flag_places: int = 2) -> pd.DataFrame:
    """Return one row per initiative: scores and ranks per method, rank spread, rank flag and 2x2 quadrant.

    Missing inputs leave that method's score and rank empty (never 0). The weighted score is
    100 x the weighted mean of min-max normalised inputs (effort inverted) over the given set, so it
    depends on which initiatives are compared. An initiative is flagged when its best and worst rank
    across the methods that rank it differ by more than `flag_places`.
    """
    w = check_weights(weights)
    if flag_places < 0:
        raise RoadmapError(f"the rank-move threshold must be 0 or more, got {flag_places}")
    rows = [{f: _get(i, f) for f in _FIELDS} for i in initiatives]
    df = pd.DataFrame(rows, columns=list(_FIELDS))
    for f in _FIELDS[2:]:
        df[f] = pd.to_numeric(df[f], errors="coerce").astype("float64")
    # Column arithmetic (same formulas as rice/ice/value_effort above): NaN in, NaN out.
    pos_effort = df["effort"].where(df["effort"] > 0)
    df["rice"] = df["reach"] * df["impact"] * (df["confidence"] / 100.0) / pos_effort
    df["ice"] = df["ice_impact"] * df["ice_confidence"] * df["ice_ease"]
    df["value_effort"] = df["value"] / pos_effort
    used = [k for k in WEIGHT_INPUTS if w[k] > 0]
    total = sum(w[k] for k in used)
    weighted = pd.Series(0.0, index=df.index)
    missing = pd.Series(False, index=df.index)
    for k in used:
        col = df[_INPUT_FIELD[k]]
        if k == "effort":
            col = col.where(col > 0)
        n = _normalise(col, higher_is_better=(k != "effort"))
        missing |= n.isna()
        weighted = weighted + w[k] * n.fillna(0.0)
    df["weighted"] = (100.0 * weighted / total).where(~missing)
    for m in METHODS:
        df[m] = pd.to_numeric(df[m], errors="coerce").astype("float64")
        df[f"rank_{m}"] = _rank(df[m]).astype("Int64")
    ranks = df[[f"rank_{m}" for m in METHODS]].astype("float64")
    counted = ranks.notna().sum(axis=1)
    spread = (ranks.max(axis=1) - ranks.min(axis=1)).where(counted >= 2)
    df["rank_spread"] = spread.astype("Int64")
    df["rank_flag"] = (spread > flag_places).fillna(False).astype(bool)
    have = df[["value", "effort"]].dropna()
    split = float(have["effort"].median()) if len(have) else None
    df["quadrant"] = [quadrant(v, e, split) for v, e in zip(df["value"], df["effort"])]
    return df[["id", "title", *METHODS, *[f"rank_{m}" for m in METHODS], "rank_spread", "rank_flag", "quadrant"]]
