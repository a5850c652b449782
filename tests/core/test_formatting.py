"""pm_core.formatting on its edges, against hand-computed expectations written out in each row.

Each expected string is worked by hand from the rules in the module docstring (half away from zero
on the decimal value, format chosen after rounding, one compact rule, no sign on a zero change).
"""
from __future__ import annotations

import datetime as dt
import math

import pytest

from pm_core.formatting import Unit, as_unit, change_arrow, format_change, format_value


@pytest.mark.parametrize("value, unit, kwargs, expected", [
    # compact numbers: the suffix is chosen after rounding
    (999_950, Unit.USERS, {}, "1.0M"),            # 999.95K rounds to 1000.0K, which is 1.0M
    (999_949, Unit.USERS, {}, "999.9K"),
    (999.6, Unit.USERS, {}, "1.0K"),              # rounds to 1000
    (99.95, Unit.COUNT, {"compact": True}, "100"),  # rounds to 100.0, and from 100 up no decimal
    (99.94, Unit.COUNT, {"compact": True}, "99.9"),
    (950, Unit.USERS, {}, "950"),
    # one compact rule on both sides of 10,000
    (9_848, Unit.USERS, {}, "9.8K"),
    (10_480, Unit.USERS, {}, "10.5K"),
    (12_480, Unit.USERS, {}, "12.5K"),
    # counts in full unless asked
    (9_848, Unit.COUNT, {}, "9,848"),
    (10_480, Unit.COUNT, {}, "10,480"),
    (10_480, Unit.COUNT, {"compact": True}, "10.5K"),
    (2.5, Unit.COUNT, {}, "3"),                   # half away from zero, not half-even ('2')
    (-2.5, Unit.COUNT, {}, "-3"),
    (1_500_000_000, "int", {}, "1,500,000,000"),  # the briefing's old name for a count
    # fractions
    (0.124, Unit.FRACTION, {}, "12.4%"),
    (0.00125, Unit.FRACTION, {}, "0.1%"),         # 0.125% at one decimal
    (0.1235, Unit.FRACTION, {}, "12.4%"),         # 12.35 -> 12.4 (half away from zero; f-string gives 12.3)
    (0.0, Unit.FRACTION, {"signed": True}, "0.0%"),
    (0.021, Unit.FRACTION, {"signed": True}, "+2.1%"),
    # money
    (1_234_567, Unit.CURRENCY, {}, "$1.2M"),
    (999_950, Unit.CURRENCY, {}, "$1.0M"),
    (67_000, Unit.CURRENCY, {"currency": "GBP"}, "£67.0K"),
    (67_000, Unit.CURRENCY, {"currency": "GBP", "compact": False}, "£67,000"),
    (90_000, Unit.CURRENCY, {"currency": "CHF"}, "CHF 90.0K"),
    (-1_500, Unit.CURRENCY, {}, "-$1.5K"),
    # durations: days -> hours under a day -> minutes under an hour
    (3.14, Unit.DAYS, {}, "3.1 days"),
    (1.0, Unit.DAYS, {}, "1 day"),
    (0.25, Unit.DAYS, {}, "6.0 hours"),
    (0.25 / 24, Unit.DAYS, {}, "15 min"),         # a 0.25-hour median: not '0.2 hours'
    (0.25, Unit.HOURS, {}, "15 min"),
    (1.0, Unit.HOURS, {}, "1 hour"),
    (0.9999, Unit.HOURS, {}, "1 hour"),           # 59.99 min rounds to 60, which is an hour
    (15, Unit.MINUTES, {}, "15 min"),
    (1234.4, Unit.MS, {}, "1,234 ms"),
    # scores, NPS, ratios, other numbers
    (4.25, Unit.SCORE, {}, "4.3"),                # f"{4.25:.1f}" is '4.2'
    (99.95, Unit.SCORE, {}, "100.0"),             # a score keeps its one decimal
    (32, Unit.NPS, {}, "+32"),
    (-5, Unit.NPS, {}, "-5"),
    (0, Unit.NPS, {}, "0"),                       # no sign on zero
    (-0.4, Unit.NPS, {}, "0"),                    # rounds to zero: no '-0'
    (0.0123, Unit.RATIO, {}, "0.0123"),           # a p-value keeps three significant digits
    (0.99996, Unit.RATIO, {}, "1"),
    (2.5, Unit.RATIO, {}, "2.50"),
    (1234.5, Unit.NUMBER, {}, "1,235"),
    (0.5, Unit.NUMBER, {}, "0.5"),
    # the rest
    (1, Unit.DONE, {}, "done"),
    (0, Unit.DONE, {}, "not done"),
    ("Checkout", Unit.TEXT, {}, "Checkout"),
    (dt.date(2026, 8, 3), Unit.DATE, {}, "2026-08-03"),
    ("2026-08-03T10:00:00", "date", {}, "2026-08-03"),
    (None, Unit.FRACTION, {}, "—"),
    (math.nan, Unit.CURRENCY, {}, "—"),
])
def test_format_value(value, unit, kwargs, expected):
    assert format_value(value, unit, **kwargs) == expected


@pytest.mark.parametrize("current, previous, unit, expected, arrow", [
    (0.30, 0.25, Unit.FRACTION, "+5.0 pp", "auto"),
    (0.2500004, 0.25, Unit.FRACTION, "0.0 pp", "off"),   # rounds to zero: no sign, no arrow
    (0.2, 0.25, Unit.FRACTION, "-5.0 pp", "auto"),
    (40, 40, Unit.NPS, "0 pts", "off"),                   # was '+0 pts' with a green arrow
    (40.4, 40, Unit.NPS, "0 pts", "off"),
    (43, 40, Unit.NPS, "+3 pts", "auto"),
    (3.0, 3.4, Unit.DAYS, "-0.4 days", "auto"),
    (4.3, 4.2, Unit.SCORE, "+0.1", "auto"),               # 4.3 - 4.2 is 0.1 in decimal (0.0999... in binary)
    (110, 100, Unit.USERS, "+10.0%", "auto"),
    (100, 100, Unit.CURRENCY, "0.0%", "off"),
    (5, 0, Unit.COUNT, "—", "off"),                       # no relative change from zero
    (None, 100, Unit.USERS, "—", "off"),
])
def test_format_change(current, previous, unit, expected, arrow):
    assert format_change(current, previous, unit) == expected
    assert change_arrow(current, previous, unit) == arrow


def test_every_area_unit_name_is_a_unit():
    for name in ("fraction", "nps", "days", "users", "currency", "score", "ratio", "count", "number", "done",
                 "ms", "int", "text", "date"):
        assert isinstance(as_unit(name), Unit)
    with pytest.raises(ValueError, match="unknown unit 'furlongs'"):
        as_unit("furlongs")
