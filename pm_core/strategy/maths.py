"""Strategy maths, pure: TAM/SAM/SOM of a sizing with its arithmetic in words, the market size a period's
revenue is compared with, PESTLE weights and competitive-grid totals."""
from __future__ import annotations

from dataclasses import dataclass

from ..formatting import Unit, format_value
from .models import FACTORS, LEVELS, Grid, Pestle, Sizing


@dataclass(frozen=True)
class Figures:
    """A sizing's three levels (annual money) and how each was reached, one line per level."""

    tam: float
    sam: float
    som: float
    lines: dict[str, str]

    def level(self, key: str) -> float:
        """Return the value of 'tam', 'sam' or 'som' (KeyError for anything else)."""
        if key not in LEVELS:
            raise KeyError(key)
        return getattr(self, key)


def _money(v: float, currency: str) -> str:
    return format_value(v, Unit.CURRENCY, currency=currency)


def _pct(v: float) -> str:
    return f"{v * 100:.4g}%"


def figures(s: Sizing, currency: str = "USD") -> Figures:
    """Return TAM, SAM and SOM of a sizing with the arithmetic shown; bottom-up = units × price × share.

    Bottom-up: TAM = units × price; SAM = units × price × SAM share; SOM = units × price × SAM share ×
    SOM share (SOM is a share of SAM). Top-down: the figures as entered, each line saying so.
    """
    if s.method == "bottom_up":
        units, price, a, b = float(s.units), float(s.price), float(s.sam_share), float(s.som_share)
        tam = units * price
        sam = tam * a
        som = sam * b
        u = f"{units:,.0f} {s.unit_label}"
        p = f"{format_value(price, Unit.CURRENCY, currency=currency, compact=False)} a year each"
        lines = {"tam": f"TAM = {u} × {p} = {_money(tam, currency)}",
                 "sam": f"SAM = {u} × {p} × {_pct(a)} serviceable = {_money(sam, currency)}",
                 "som": f"SOM = {u} × {p} × {_pct(a)} × {_pct(b)} obtainable = {_money(som, currency)}"}
        return Figures(tam=tam, sam=sam, som=som, lines=lines)
    tam, sam, som = float(s.tam), float(s.sam), float(s.som)
    lines = {"tam": f"TAM {_money(tam, currency)} a year (top-down estimate)",
             "sam": f"SAM {_money(sam, currency)} a year = {_pct(sam / tam) if tam else '—'} of TAM (top-down)",
             "som": f"SOM {_money(som, currency)} a year = {_pct(som / sam) if sam else '—'} of SAM (top-down)"}
    return Figures(tam=tam, sam=sam, som=som, lines=lines)


def prorated(annual: float, months: int) -> float:
    """Return an annual market size for a span of whole months (annual × months / 12); 0 months gives 0."""
    return annual * max(int(months), 0) / 12.0


def pestle_weights(board: Pestle) -> dict[str, dict]:
    """Return {factor: {'entries', 'max_weight', 'mean_impact', 'mean_likelihood'}}; a factor without entries has zeros."""
    out = {}
    for f, entries in board.by_factor().items():
        n = len(entries)
        out[f] = {"entries": n,
                  "max_weight": max((e.weight for e in entries), default=0),
                  "mean_impact": sum(e.impact for e in entries) / n if n else 0.0,
                  "mean_likelihood": sum(e.likelihood for e in entries) / n if n else 0.0}
    return out


def top_entries(board: Pestle, n: int = 3) -> list:
    """Return the n heaviest entries (impact × likelihood) of a board, ties by factor order then title."""
    order = {f: i for i, f in enumerate(FACTORS)}
    return sorted(board.entries, key=lambda e: (-e.weight, order[e.factor], e.title.lower()))[:n]


def grid_totals(g: Grid) -> dict[str, dict]:
    """Return {competitor: {'scored', 'mean'}} over the criteria scored; mean None when nothing is scored."""
    out = {}
    for c in g.competitors:
        scores = [g.cell(c, k).score for k in g.criteria if g.cell(c, k).score is not None]
        out[c] = {"scored": len(scores), "mean": sum(scores) / len(scores) if scores else None}
    return out
