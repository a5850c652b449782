"""Numbers formatted for people (12.4%, $1.2M, 3.1 days): the one formatter, over the one Unit vocabulary.

Every area declares its units as `Unit` (KPI definitions, key results, stakeholder-view metrics,
briefing table columns), and pages, exports, the PRD and the CLI's text output all format through
`format_value` / `format_change`. Rules, each chosen once:

- Rounding is half away from zero on the value as written in decimal (0.25 -> 0.3, 2.5 -> 3), not
  Python's round-half-even on the binary float (f"{0.25:.1f}" is '0.2').
- The format is chosen after rounding, so a value that rounds over a threshold takes the larger
  form: 999,950 -> '1.0M' (not '1000.0K'), 99.95 -> '100' (not '100.0'), 999.6 -> '1.0K'.
- Compact numbers: one rule everywhere. From 1,000 up a compact number has a suffix and one
  decimal ('9.8K', '10.5K', '1.2M'); below it, whole numbers from 100 up and one decimal under 100.
  Counts are written in full ('9,848') unless the caller or the unit asks for compact (users,
  money), and then every count from 1,000 is compact: no switch at 10,000.
- Durations under a day are shown in hours, under an hour in minutes ('6.0 hours', '15 min').
- A change that rounds to zero has no sign ('0 pts', '0.0 pp'); `change_arrow` says 'off' for it so
  a tile shows no green or red arrow.
"""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "INR": "₹"}
MISSING = "—"


class Unit(StrEnum):
    """What a number is, and so how it reads: the one unit vocabulary of every area."""

    COUNT = "count"        # a whole number of things: '12,480' (compact on request: '12.5K')
    USERS = "users"        # a count of people; compact by default ('12.5K')
    FRACTION = "fraction"  # 0..1 shown as a percentage: '12.4%'
    CURRENCY = "currency"  # money, compact by default: '$1.2M', '£67.0K'
    DAYS = "days"          # '3.1 days', '1 day'; under a day in hours, under an hour in minutes
    HOURS = "hours"        # '6.0 hours'; under an hour in minutes
    MINUTES = "minutes"    # '15 min'
    MS = "ms"              # milliseconds: '1,234 ms'
    SCORE = "score"        # a rating such as CSAT 4.2 or SUS 72.5: one decimal
    NPS = "nps"            # -100..100 with its sign: '+32', '-5', '0'
    RATIO = "ratio"        # a plain ratio or p-value: three significant digits under 1, else two decimals
    NUMBER = "number"      # any other number: four significant digits
    DONE = "done"          # a milestone: 1 = 'done', else 'not done'
    TEXT = "text"
    DATE = "date"

    @classmethod
    def _missing_(cls, value: object) -> Unit | None:
        """Accept the older spellings still stored or declared elsewhere ('int' was the briefing's count)."""
        if isinstance(value, str):
            name = value.strip().lower()
            return _ALIASES.get(name) or next((u for u in cls if u.value == name), None)
        return None


_ALIASES = {"int": Unit.COUNT, "percent": Unit.FRACTION, "pct": Unit.FRACTION, "": Unit.NUMBER}


def as_unit(unit: Unit | str | None) -> Unit:
    """Return the Unit a name stands for ('users', 'int', Unit.DAYS); an unknown name raises ValueError naming it."""
    if isinstance(unit, Unit):
        return unit
    try:
        return Unit(unit or "")
    except ValueError:
        raise ValueError(f"unknown unit {unit!r}; use one of {', '.join(u.value for u in Unit)}") from None


def as_number(v) -> float | None:
    """Return v as a plain float; None for None, NaN, infinities and anything that is not a number (JSON never sees NaN)."""
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


# -- decimal rounding ---------------------------------------------------------------------------
def _dec(v: float) -> Decimal:
    """Return the float as the decimal it is written as (repr), so 0.25 is 0.25 and 99.95 is 99.95."""
    return Decimal(repr(float(v)))


def _q(d: Decimal, digits: int) -> Decimal:
    """Round half away from zero to `digits` decimals; -0 becomes 0."""
    r = d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return abs(r) if r == 0 else r


def _text(d: Decimal, digits: int, sep: bool = True, signed: bool = False) -> str:
    """Return d rounded to `digits` decimals, with thousands separators and, when signed, '+' unless it rounds to 0."""
    r = _q(d, digits)
    return f"{r:{'+' if signed and r != 0 else ''}{',' if sep else ''}.{digits}f}"


def _sig(d: Decimal, n: int) -> str:
    """Return d with n significant digits in Python's 'g' style (0.0123 -> '0.0123', 0.00012 -> '0.00012')."""
    if d == 0:
        return "0"
    exp = d.adjusted()
    digits = max(0, n - 1 - exp)
    r = _q(d, digits)
    if r.adjusted() > exp:  # rounding reached the next power of ten (0.9996 -> 1.00)
        digits = max(0, digits - 1)
        r = _q(d, digits)
    s = f"{r:.{digits}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


_SUFFIXES = ((Decimal(10) ** 3, "K"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 12, "T"))


def _compact(d: Decimal, digits: int = 1, signed: bool = False, trim: bool = False) -> str:
    sign = "+" if signed and _q(d, digits) > 0 else ""
    if abs(_q(d, 0)) < 1000:
        if abs(_q(d, digits)) >= 100 or d == d.to_integral_value():
            return sign + _text(d, 0)
        return sign + _text(d, digits)
    for i, (div, suffix) in enumerate(_SUFFIXES):
        r = _q(d / div, digits)
        if abs(r) < 1000 or i == len(_SUFFIXES) - 1:
            body = f"{r:.{digits}f}"
            if trim and "." in body:
                body = body.rstrip("0").rstrip(".")
            return f"{sign}{body}{suffix}"
    raise AssertionError("unreachable")


def _money(d: Decimal, currency: str | None, compact: bool, signed: bool, trim: bool = False) -> str:
    code = (currency or "USD").upper()
    sym = _SYMBOLS.get(code)
    body = _compact(abs(d), trim=trim) if compact else _text(abs(d), 0)
    nonzero = any(ch in "123456789" for ch in body)
    sign = ("-" if d < 0 else "+" if signed else "") if nonzero else ""
    return f"{sign}{sym}{body}" if sym else f"{sign}{code} {body}"


def _duration(d: Decimal, unit: Unit, signed: bool) -> str:
    """Days -> hours under a day -> minutes under an hour, each rounded before the switch is decided."""
    sign = "+" if signed else ""
    if unit is Unit.DAYS:
        if abs(d) >= 1 or abs(_q(d * 24, 1)) >= 24:
            r = _q(d, 1)
            return "1 day" if r == 1 and not signed else f"{_text(d, 1, signed=bool(sign))} days"
        d, unit = d * 24, Unit.HOURS
    if unit is Unit.HOURS:
        if abs(_q(d * 60, 0)) >= 60:
            r = _q(d, 1)
            return "1 hour" if r == 1 and not signed else f"{_text(d, 1, signed=bool(sign))} hours"
        d = d * 60
    return f"{_text(d, 0, signed=bool(sign))} min"


# -- the formatter --------------------------------------------------------------------------------
def format_value(value: Any, unit: Unit | str, *, currency: str | None = None, compact: bool | None = None,
                 signed: bool = False, trim: bool = False, digits: int | None = None) -> str:
    """Return a value as people read it in its unit ('12.4%', '$1.2M', '3.1 days', '+32'); None, NaN -> '—'.

    `compact` None means the unit's habit (money and users compact, other counts in full);
    `signed` puts '+' before a positive value (never before one that rounds to zero); `trim` drops
    a compact form's '.0' ('$80K' rather than '$80.0K', as pay bands are written); `digits`
    changes the decimals of a fraction or a score ('45%' for a progress bar with digits=0).
    """
    u = as_unit(unit)
    if (value is None or (isinstance(value, float) and math.isnan(value))) and u is not Unit.DONE:
        return MISSING
    if u is Unit.TEXT:
        return str(value)
    if u is Unit.DATE:
        return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)[:10]
    if u is Unit.DONE:  # a milestone with no check-in yet is not done (before the missing-value rule)
        num = as_number(value)
        return "done" if num is not None and num >= 1 else "not done"
    num = as_number(value)
    if num is None:  # pd.NA, infinities, or text in a number column (shown as written)
        return value if isinstance(value, str) else MISSING
    d = _dec(num)
    if u in (Unit.COUNT, Unit.USERS):
        if compact if compact is not None else u is Unit.USERS:
            return _compact(d, signed=signed, trim=trim)
        return _text(d, 0, signed=signed)
    if u is Unit.FRACTION:
        return f"{_text(d * 100, 1 if digits is None else digits, signed=signed)}%"
    if u is Unit.CURRENCY:
        return _money(d, currency, True if compact is None else compact, signed, trim)
    if u in (Unit.DAYS, Unit.HOURS, Unit.MINUTES):
        return _duration(d, u, signed)
    if u is Unit.MS:
        return f"{_text(d, 0, signed=signed)} ms"
    if u is Unit.SCORE:
        return _text(d, 1 if digits is None else digits, sep=False, signed=signed)
    if u is Unit.NPS:
        return _text(d, 0, sep=False, signed=True)
    if u is Unit.RATIO:
        if abs(d) < 1:
            s = _sig(d, 3)
            return ("+" + s) if signed and d > 0 and s != "0" else s
        return _text(d, 2, signed=signed)
    s = _sig(d, 4)  # Unit.NUMBER
    if abs(d) >= 1000 and "e" not in s:
        s = f"{Decimal(s):,}"
    return ("+" + s) if signed and d > 0 and s != "0" else s


def format_change(current: Any, previous: Any, unit: Unit | str) -> str:
    """Return the change from previous to current in the unit's natural terms ('+2.1 pp', '+12.0%', '-0.4 days', '0 pts').

    Fractions change in percentage points, NPS in points, durations and scores in their unit,
    everything else in relative % ('—' when the previous value is 0). '—' when either side is
    missing; a change that rounds to zero carries no sign.
    """
    u = as_unit(unit)
    cur, prev = as_number(current), as_number(previous)
    if cur is None or prev is None or u in (Unit.TEXT, Unit.DATE, Unit.DONE):
        return MISSING
    diff = _dec(cur) - _dec(prev)
    if u is Unit.FRACTION:
        return f"{_text(diff * 100, 1, signed=True)} pp"
    if u is Unit.NPS:
        return f"{_text(diff, 0, signed=True)} pts"
    if u is Unit.DAYS:
        return f"{_text(diff, 1, signed=True)} days"
    if u is Unit.HOURS:
        return f"{_text(diff, 1, signed=True)} hours"
    if u is Unit.MINUTES:
        return f"{_text(diff, 0, signed=True)} min"
    if u is Unit.SCORE:
        return _text(diff, 1, sep=False, signed=True)
    if prev == 0:
        return MISSING
    try:
        rel = diff / abs(_dec(prev)) * 100
    except InvalidOperation:
        return MISSING
    return f"{_text(rel, 1, signed=True)}%"


_AXIS_FORMATS = {Unit.FRACTION: ".1%", Unit.COUNT: ",.0f", Unit.USERS: ",.0f", Unit.CURRENCY: "$,.0f",
                 Unit.DAYS: ",.1f", Unit.HOURS: ",.1f", Unit.MINUTES: ",.0f", Unit.MS: ",.0f", Unit.DONE: ".0f"}


def axis_format(unit: Unit | str) -> str:
    """Return the d3 number format a chart axis uses for a unit ('.1%' for fractions); ',.4~g' for other numbers."""
    try:
        return _AXIS_FORMATS.get(as_unit(unit), ",.4~g")
    except ValueError:
        return ",.4~g"


def change_arrow(current: Any, previous: Any, unit: Unit | str) -> str:
    """Return 'off' when there is no change to point at (missing, or it rounds to zero), else 'auto' (the sign decides).

    Pages pass it as st.metric's delta_arrow (and turn the colour off with it), so '0 pts' shows no green arrow.
    """
    text = format_change(current, previous, unit)
    return "auto" if text[:1] in ("+", "-") else "off"


# -- the older names, each one call into format_value / format_change -------------------------------
def fmt_pct(v: float | None, digits: int = 1) -> str:
    """Return a fraction as a percentage ('0.124' -> '12.4%'); None/NaN -> '—'."""
    return format_value(v, Unit.FRACTION, digits=digits)


def fmt_pp(v: float | None, digits: int = 1) -> str:
    """Return a change between two fractions in percentage points with a sign ('+2.1 pp'); None -> '—'."""
    return MISSING if as_number(v) is None else f"{_text(_dec(as_number(v)) * 100, digits, signed=True)} pp"


def fmt_int(v: float | None) -> str:
    """Return a count with thousands separators ('12,480'); None -> '—'."""
    return format_value(v, Unit.COUNT, compact=False)


def fmt_compact(v: float | None, digits: int = 1) -> str:
    """Return a large number compactly ('1.2M', '38.5K', '950'); None -> '—'."""
    return MISSING if as_number(v) is None else _compact(_dec(as_number(v)), digits)


def fmt_money(v: float | None, currency: str = "USD", compact: bool = True) -> str:
    """Return money with its symbol or code ('$1.2M', '£67,000', 'CHF 90.0K'); None -> '—'."""
    return format_value(v, Unit.CURRENCY, currency=currency, compact=compact)


def fmt_days(v: float | None, digits: int = 1) -> str:
    """Return a duration in days ('3.1 days', '1 day'); under a day in hours, under an hour in minutes."""
    return format_value(v, Unit.DAYS)


def fmt_nps(v: float | None) -> str:
    """Return an NPS on -100..100 with its sign ('+32', '-5', '0'); None -> '—'."""
    return format_value(v, Unit.NPS)


def fmt_value(v: float | None, unit: Unit | str, currency: str = "USD") -> str:
    """Return a value formatted for its unit (format_value with the unit's own compactness)."""
    return format_value(v, unit, currency=currency)


def fmt_change(current: float | None, previous: float | None, unit: Unit | str) -> str:
    """Return the change from previous to current in the unit's terms (format_change)."""
    return format_change(current, previous, unit)


# -- words around numbers: plurals, lists and shares, so no sentence reads "5 item(s)" ----------------
_IRREGULAR = {"person": "people", "child": "children", "analysis": "analyses", "criterion": "criteria"}


def plural_word(n: float, word: str, many: str | None = None) -> str:
    """Return the word's form for n ('launch' for 1, 'launches' for 0 or 2+): -s, -es after s/x/z/ch/sh, -y -> -ies."""
    if n == 1:
        return word
    if many:
        return many
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def plural(n: float, word: str, many: str | None = None) -> str:
    """Return a count with its word ('1 experiment', '5 experiments', '1,204 comments'); only the last word is inflected."""
    head, _, last = word.rpartition(" ")
    counted = f"{int(n):,}" if float(n).is_integer() else f"{n:,}"
    return f"{counted} {head + ' ' if head else ''}{plural_word(n, last, many)}"


def agree(n: float, one: str, many: str) -> str:
    """Return the verb (or any word) that agrees with n: agree(1, 'needs', 'need') -> 'needs'; 0 takes the plural."""
    return one if n == 1 else many


def join_words(parts: list[str], conj: str = "and") -> str:
    """Return parts as a list in words ('a', 'a and b', 'a, b and c'); '' for none."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {conj} {parts[-1]}"


_SHARES = ((1 / 2, "half"), (1 / 3, "a third"), (2 / 3, "two thirds"), (3 / 4, "three quarters"), (1 / 4, "a quarter"))


def share_words(f: float, *, of_quarter: bool = False) -> str:
    """Return a share in words when it is near a simple fraction ('a third' for 0.32), else a whole percentage ('40%').

    Near means within 2.5 points. `of_quarter` avoids 'a quarter of the quarter' (and 'three quarters
    of the quarter') by writing those as percentages.
    """
    for value, words in _SHARES:
        if abs(f - value) <= 0.025 and not (of_quarter and "quarter" in words):
            return words
    return format_value(f, Unit.FRACTION, digits=0)


def change_words(change: float, unit: Unit | str = Unit.FRACTION, *, digits: int = 1) -> str:
    """Return a relative change as 'up 2.5%' / 'down 18.7%' / 'unchanged' (a change that rounds to zero)."""
    text = format_value(abs(change), unit, digits=digits)
    if text.lstrip("0.%") == "":
        return "unchanged"
    return f"{'up' if change > 0 else 'down'} {text}"


# -- names people read instead of ids ---------------------------------------------------------------
# Words written the way a reader expects them, whatever case the id used.
_WORDS = {"wifi": "WiFi", "ai": "AI", "mau": "MAU", "dau": "DAU", "wau": "WAU", "nps": "NPS", "csat": "CSAT",
          "roi": "ROI", "ltv": "LTV", "cac": "CAC", "arr": "ARR", "mrr": "MRR", "url": "URL", "id": "ID",
          "utc": "UTC", "kr": "KR", "okr": "OKR", "okrs": "OKRs", "kpi": "KPI", "kpis": "KPIs", "pm": "PM",
          "ab": "A/B", "sha256": "SHA-256", "csv": "CSV", "ux": "UX", "ui": "UI", "api": "API", "ios": "iOS"}
# Prefixes that say what kind of id it is (the reader knows from the context): 'kpi:conversion_rate'.
_ID_PREFIXES = ("kpi:", "metric:", "okr:", "kr:", "experiment:", "ab_test_", "abtest_", "exp_")


def human_name(raw: Any, known: dict[str, str] | None = None) -> str:
    """Return a label a person reads for an id ('ab_test_verified_wifi_filter' -> 'Verified WiFi filter').

    `known` maps ids to their declared labels (a KPI's label) and wins, with or without a 'kpi:'-style
    prefix. Text that is already words (it has a space and no underscore) is returned as it is;
    None or '' gives ''.
    """
    if raw is None:
        return ""
    text = str(raw).strip()
    if not text:
        return ""
    known = known or {}
    if text in known:
        return known[text]
    bare = text
    for prefix in _ID_PREFIXES:
        if bare.lower().startswith(prefix):
            bare = bare[len(prefix):]
            break
    if bare in known:
        return known[bare]
    if " " in bare and "_" not in bare:
        return bare
    words = [w for w in re.split(r"[_\-.:]+|(?<=[a-z])(?=[A-Z])", bare) if w]
    if not words:
        return text
    out = [_WORDS.get(w.lower(), w.lower()) for w in words]
    first = out[0]
    out[0] = first if first in _WORDS.values() else first[:1].upper() + first[1:]
    return " ".join(out)
