"""Shared checks for numbers and currency codes on the way in (text checks live in pm_core.text).

Each check raises ValueError with a message naming the field (`what`); each area wraps it in its own
error class (OkrInputError, CareerError, RoadmapError, AudienceError...) the way it reports fields.
"""
from __future__ import annotations

import math
from typing import Any

# ISO 4217 alphabetic codes of the currencies and funds in use (list one, as published by the SIX
# maintenance agency, 2025 edition: includes XCG, the Caribbean guilder from 2025, and ZWG). No
# maintained package is in requirements.txt, so the list is declared here; precious metals (XAU...),
# the SDR and the testing codes (XTS, XXX) are left out because nobody is paid in them. When the
# agency adds or withdraws a code, change this set and tests/core/test_text.py.
ISO_4217 = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW
KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN
NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL
SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES
VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
""".split())


def is_iso_currency(code: Any) -> bool:
    """Return True when `code` is an ISO 4217 currency code in use ('USD', 'eur' after upper-casing is not: exact)."""
    return isinstance(code, str) and code in ISO_4217


def iso_currency(value: Any, what: str = "currency") -> str:
    """Return the value as an upper-case ISO 4217 code ('gbp ' -> 'GBP'); ValueError naming `what` otherwise."""
    code = "" if value is None else str(value).strip().upper()
    if code not in ISO_4217:
        shown = "nothing" if not code else repr(str(value).strip()[:20])
        raise ValueError(f"the {what} must be an ISO 4217 currency code such as USD, EUR or GBP, got {shown}")
    return code


def iana_zone(value: Any, what: str = "time zone") -> str:
    """Return an IANA time zone name as zoneinfo spells it ('europe/lisbon' -> 'Europe/Lisbon'); ValueError naming `what` otherwise.

    Checked against the zone database (zoneinfo), so a typo or a fixed offset such as 'GMT+1',
    whose sign reads backwards, never becomes the workspace's calendar.
    """
    import zoneinfo  # deferred: the zone list is read only when a zone is validated

    name = "" if value is None else str(value).strip()
    if name.upper() == "UTC":
        return "UTC"
    zones = zoneinfo.available_timezones()
    if name not in zones:
        by_lower = {z.lower(): z for z in zones}
        if name.lower() not in by_lower:
            shown = "nothing" if not name else repr(name[:40])
            raise ValueError(f"the {what} must be an IANA time zone name such as Europe/Lisbon, America/New_York or UTC, "
                             f"got {shown}")
        name = by_lower[name.lower()]
    return name


def finite_number(value: Any, what: str, *, lo: float | None = None, hi: float | None = None) -> float:
    """Return value as a float that is finite and within [lo, hi]; ValueError naming `what` otherwise.

    Strings are read as numbers ('1,200' too); NaN and infinity are refused rather than treated as
    missing, so a typed 'nan' never reaches a chart or a mean.
    """
    if isinstance(value, bool):
        raise ValueError(f"the {what} must be a number, got {value!r}")
    try:
        out = float(value.replace(",", "").strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValueError(f"the {what} must be a number, got {str(value)[:40]!r}") from None
    if not math.isfinite(out):
        raise ValueError(f"the {what} must be a finite number, got {out}")
    if (lo is not None and out < lo) or (hi is not None and out > hi):
        low = "" if lo is None else f"{lo:,g}"
        high = "" if hi is None else f"{hi:,g}"
        span = f"between {low} and {high}" if lo is not None and hi is not None else (
            f"at least {low}" if lo is not None else f"at most {high}")
        raise ValueError(f"the {what} must be {span}, got {out:,g}")
    return out


# The one list of yes/no words (case-insensitive): settings, career rows and imported yes/no columns
# read them all; a caller adds words of its own domain beside them (an experiment's 'converted').
TRUE_WORDS: tuple[str, ...] = ("1", "true", "yes", "y", "t", "on")
FALSE_WORDS: tuple[str, ...] = ("0", "false", "no", "n", "f", "off")


def yes_no(value: Any) -> bool | None:
    """Return True or False for a yes/no word ('Yes', 'on', '1', 'false'...), None for any other text."""
    word = str(value).strip().lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def http_url(value: Any, what: str = "link") -> str:
    """Return a link as typed (trimmed) when it is an absolute http(s) URL with a host; '' for blank; ValueError otherwise.

    Only http and https are accepted: 'javascript:', 'data:' and 'file:' links (or a bare 'example.com',
    which browsers read as a relative path) are refused rather than rendered as something clickable.
    """
    from urllib.parse import urlsplit

    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if len(text) > 2000:
        raise ValueError(f"the {what} is too long (keep it under 2,000 characters)")
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise ValueError(f"the {what} must not contain spaces or control characters")
    try:
        parts = urlsplit(text)
    except ValueError:
        raise ValueError(f"the {what} is not a valid web address") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or not parts.hostname:
        raise ValueError(f"the {what} must be a web address starting with http:// or https://, "
                         f"got {text[:60]!r}")
    return text
