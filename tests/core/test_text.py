"""pm_core.text and pm_core.validators: escaped text is checked by rendering it with a CommonMark-shaped
reading of the rules (what a backslash escapes, what only matters at a line start) written out here,
and each refused value is checked for a message that names the field."""
from __future__ import annotations

import math
import re

import pytest

from pm_core.text import BIDI_CONTROLS, LONG_MAX, SHORT_MAX, clean_lines, clean_text, has_visible, html, md, md_block
from pm_core.validators import ISO_4217, finite_number, is_iso_currency, iso_currency

UNESCAPED = r"(?<!\\)"


def _unescape(s: str) -> str:
    """What CommonMark shows for a text made only of backslash escapes and plain characters."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", s)


# -- md ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "![i](http://127.0.0.1:9/p.png)",
    "<img src=http://127.0.0.1:9/x.png>",
    "[click](javascript:alert(1))",
    "**bold** and __bold__ and *it* and _it_",
    "$x^2$ costs $5",
    "# heading",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "> quote",
    "- item",
    "+ item",
    "1. item",
    "3) item",
    "`code` and ```fence```",
    "~~strike~~",
    "Tom &amp; Jerry &lt;b&gt;",
    ":red[alert] :material/home:",
    "<http://127.0.0.1:9/auto>",
    "[ref]: http://127.0.0.1:9/r",
    "back\\slash\\",
    "===",
    "    indented code",
])
def test_md_shows_the_text_as_typed(text):
    out = md(text)
    assert _unescape(out) == " ".join(text.split())
    for ch in "[]()<>*_`$|~!&:":
        assert re.search(UNESCAPED + re.escape(ch), out) is None, (ch, out)
    assert "\n" not in out
    assert not re.match(r"\s*([#>+=-]|\d+[.)])", out)


def test_md_plain_prose_stays_readable():
    assert md("Make Nomadly the home of long stays, e.g. 30+ nights.") == "Make Nomadly the home of long stays, e.g. 30+ nights."
    assert md("a_b") == "a\\_b"
    assert md(None) == "" and md("") == "" and md(12) == "12"


def test_md_newlines_become_spaces():
    assert md("two\nlines\r\n\n# not a heading mid-line") == "two lines # not a heading mid-line"


def test_md_block_keeps_paragraphs_and_lines():
    out = md_block("# not a heading\nsecond line\n\n1. not a list\n\n\n- nor this")
    assert out == "\\# not a heading  \nsecond line\n\n1\\. not a list\n\n\\- nor this"
    assert md_block(None) == "" and md_block("  \n ") == ""
    assert "![" not in md_block("![i](http://127.0.0.1:9/p.png)")


def test_html_escapes_tags_quotes_and_slashes():
    assert html('<img src="http://x">\'&') == "&lt;img src=&quot;http:&#x2F;&#x2F;x&quot;&gt;&#x27;&amp;"
    assert html(None) == ""


# -- clean_text -----------------------------------------------------------------------------------
@pytest.mark.parametrize("invisible", ["\u200b", "\u200c\u200d", "\u2060", "\ufeff", "\u200b \u200b", "\u00ad",
                                       "\u3164", "\u2800", "\t\u200b\n"])
def test_invisible_only_is_empty(invisible):
    assert clean_text(invisible, "title") == ""
    assert not has_visible(invisible)
    with pytest.raises(ValueError, match="title holds only invisible characters"):
        clean_text(invisible, "title", required=True)


def test_blank_required_uses_the_given_message():
    with pytest.raises(ValueError, match="give it a name"):
        clean_text("   ", "name", required=True, empty="give it a name")


def test_inner_joiners_are_kept_and_ends_stripped():
    assert clean_text("\u200b 👩\u200d💻 team \ufeff", "name") == "👩\u200d💻 team"


@pytest.mark.parametrize("ch", sorted(BIDI_CONTROLS))
def test_bidi_controls_are_refused(ch):
    with pytest.raises(ValueError, match=r"owner contains bidirectional control characters \(U\+"):
        clean_text(f"admin{ch}gpj.exe", "owner")


def test_rtl_marks_and_scripts_are_allowed():
    assert clean_text("\u05e9\u05dc\u05d5\u05dd \u200f2026", "title") == "\u05e9\u05dc\u05d5\u05dd \u200f2026"


def test_control_characters_are_refused():
    with pytest.raises(ValueError, match=r"comment contains control characters \(U\+0000\)"):
        clean_text("a\x00b", "comment", max_len=LONG_MAX)
    assert clean_text("line one\nline two\tend", "comment", max_len=LONG_MAX) == "line one\nline two\tend"


def test_length_is_bounded():
    assert clean_text("x" * SHORT_MAX, "period name") == "x" * SHORT_MAX
    with pytest.raises(ValueError, match=r"keep the period name under 200 characters \(it has 10,000\)"):
        clean_text("x" * 10_000, "period name")
    with pytest.raises(ValueError, match="under 20,000"):
        clean_text("x" * (LONG_MAX + 1), "description", max_len=LONG_MAX)


def test_clean_lines_drops_blanks_and_names_the_line():
    assert clean_lines(["a", " ", "\u200b", "b"], "proof point") == ["a", "b"]
    with pytest.raises(ValueError, match="line 2: the proof point contains bidirectional"):
        clean_lines(["ok", "x\u202ey"], "proof point")


# -- numbers and currencies -----------------------------------------------------------------------
@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "nan", "inf", "-Infinity"])
def test_finite_number_refuses_nan_and_infinity(bad):
    with pytest.raises(ValueError, match="the amount must be a finite number"):
        finite_number(bad, "amount")


def test_finite_number_bounds_and_text():
    assert finite_number("1,200", "amount") == 1200.0
    assert finite_number(5, "amount", lo=0, hi=10) == 5.0
    with pytest.raises(ValueError, match=r"the amount must be between 0 and 1e\+09, got 1e\+300"):
        finite_number(1e300, "amount", lo=0, hi=1e9)
    with pytest.raises(ValueError, match="the amount must be a number, got 'lots'"):
        finite_number("lots", "amount")
    with pytest.raises(ValueError, match="must be a number"):
        finite_number(True, "amount")


@pytest.mark.parametrize("code", ["USD", "EUR", "GBP", "JPY", "INR", "CHF", "XOF"])
def test_iso_currencies_are_known(code):
    assert is_iso_currency(code) and iso_currency(code.lower() + " ") == code


@pytest.mark.parametrize("code", ["ABC", "XXX", "XAU", "US$", "dollars", "", None, "usd ", 840])
def test_other_currency_codes_are_refused(code):
    assert not is_iso_currency(code)
    if code not in ("usd ",):
        with pytest.raises(ValueError, match="the offer currency must be an ISO 4217 currency code"):
            iso_currency(code, "offer currency")


def test_every_code_is_three_capital_letters():
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in ISO_4217) and len(ISO_4217) > 150
