"""Numbers formatted for people (12.4%, $1.2M, 3.1 days), shared by pages and exports."""
from __future__ import annotations

import math

_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "INR": "₹"}


def as_number(v) -> float | None:
    """Return v as a plain float; None for None, NaN, infinities and anything that is not a number (JSON never sees NaN)."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def fmt_pct(v: float | None, digits: int = 1) -> str:
    """Return a fraction as a percentage ('0.124' -> '12.4%'); None/NaN -> '—'."""
    return "—" if _missing(v) else f"{v * 100:.{digits}f}%"


def fmt_pp(v: float | None, digits: int = 1) -> str:
    """Return a change between two fractions in percentage points with a sign ('+2.1 pp'); None -> '—'."""
    return "—" if _missing(v) else f"{v * 100:+.{digits}f} pp"


def fmt_int(v: float | None) -> str:
    """Return a count with thousands separators ('12,480'); None -> '—'."""
    return "—" if _missing(v) else f"{round(v):,}"


def fmt_compact(v: float | None, digits: int = 1) -> str:
    """Return a large number compactly ('1.2M', '38.5K', '950'); None -> '—'."""
    if _missing(v):
        return "—"
    a = abs(v)
    for div, suf in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= div:
            return f"{v / div:.{digits}f}{suf}"
    return f"{v:,.0f}" if a >= 100 or float(v).is_integer() else f"{v:.{digits}f}"


def fmt_money(v: float | None, currency: str = "USD", compact: bool = True) -> str:
    """Return money with its symbol or code ('$1.2M', '£67,000', 'CHF 90K'); None -> '—'."""
    if _missing(v):
        return "—"
    sym = _SYMBOLS.get((currency or "").upper())
    body = fmt_compact(abs(v)) if compact else f"{abs(v):,.0f}"
    sign = "-" if v < 0 else ""
    return f"{sign}{sym}{body}" if sym else f"{sign}{currency} {body}"


def fmt_days(v: float | None, digits: int = 1) -> str:
    """Return a duration in days ('3.1 days', '1 day'); values under a day are shown in hours."""
    if _missing(v):
        return "—"
    if v < 1:
        return f"{v * 24:.{digits}f} hours"
    return f"{v:.{digits}f} days" if round(v, digits) != 1 else "1 day"


def fmt_nps(v: float | None) -> str:
    """Return an NPS on -100..100 with its sign ('+32', '-5'); None -> '—'."""
    return "—" if _missing(v) else f"{v:+.0f}"


def fmt_value(v: float | None, unit: str, currency: str = "USD") -> str:
    """Return a KPI value formatted for its unit (fraction, nps, days, users, currency, score, ratio)."""
    if unit == "fraction":
        return fmt_pct(v)
    if unit == "nps":
        return fmt_nps(v)
    if unit == "days":
        return fmt_days(v)
    if unit == "users":
        return fmt_compact(v) if not _missing(v) and abs(v) >= 10000 else fmt_int(v)
    if unit == "currency":
        return fmt_money(v, currency)
    if unit == "score":
        return "—" if _missing(v) else f"{v:.1f}"
    return "—" if _missing(v) else f"{v:,.2f}"


def fmt_change(current: float | None, previous: float | None, unit: str) -> str:
    """Return the change from previous to current in the unit's natural terms ('+2.1 pp', '+12%', '-0.4 days').

    Fractions change in percentage points; counts and money in relative %; NPS in points; None when either side is missing.
    """
    if _missing(current) or _missing(previous):
        return "—"
    if unit == "fraction":
        return fmt_pp(current - previous)
    if unit == "nps":
        return f"{current - previous:+.0f} pts"
    if unit == "days":
        return f"{current - previous:+.1f} days"
    if unit == "score":
        return f"{current - previous:+.1f}"
    if previous == 0:
        return "—"
    return f"{(current - previous) / abs(previous) * 100:+.1f}%"
