"""The one home for user text: escaping it for Markdown and HTML, and checking it on the way in.

Escaping (on the way out). Streamlit renders Markdown in st.markdown, st.caption, st.write, st.info /
warning / success / error, titles and subheaders, metric labels and help, widget labels, expander and
tab labels, radio and segmented-control options, spinners and toasts. User text that reaches any of
them goes through `md` (one line) or `md_block` (several paragraphs), so that a title such as
`![i](http://evil.example/p.png)` shows as typed instead of making every viewer's browser fetch the
image. `html` is for HTML documents (the offline briefing); text that goes into
`st.markdown(..., unsafe_allow_html=True)` still needs `md`, because that string is parsed as
Markdown too and entity-encoded link targets are decoded there.

The Markdown rule: backslash-escape the inline markup characters CommonMark lets a backslash escape,
plus '$' (Streamlit renders $...$ as LaTeX), ':' (Streamlit's :color[...] and :material/icon:
directives, and it breaks 'javascript:' and 'http://' autolinks) and '&' (entity references). Block
markers (# > - + = and '1.' / '1)') only matter at the start of a line, so they are escaped there
alone and prose stays readable, also in a downloaded PRD.

Checking (on the way in). `clean_text` is what every model uses for names, titles, owners and long
text: it strips surrounding whitespace and invisible characters (so a title of zero-width spaces is
empty), refuses bidi embedding / override / isolate controls (which make text read differently from
what it is) and other control characters, and bounds the length (SHORT_MAX, LONG_MAX).
"""
from __future__ import annotations

import html as _html
import re
import unicodedata
from typing import Any

# -- escaping ------------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>!|~$:&])")
_BLOCK_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def _escape_marker(m: re.Match) -> str:
    marker = m.group(2)
    # "1." is escaped as "1\." (a backslash before a digit is not an escape in CommonMark).
    return m.group(1) + (marker[:-1] + "\\" + marker[-1] if marker[0].isdigit() else "\\" + marker)


def md(text: Any) -> str:
    """Return user text as one line of Markdown that renders exactly as typed; None -> ''.

    Runs of whitespace (newlines included) become one space, so the text cannot start a heading,
    list, quote, table or code block of its own; markup characters are backslash-escaped.
    """
    if text is None:
        return ""
    flat = " ".join(str(text).split())
    return _BLOCK_START.sub(_escape_marker, _MD_SPECIAL.sub(r"\\\1", flat))


def md_block(text: Any) -> str:
    """Return multi-line user text as Markdown that renders as typed: paragraphs and line breaks kept.

    Paragraphs (separated by a blank line) stay paragraphs; the lines inside one are joined with a
    hard line break; each line is escaped as `md` does. None or blank -> ''.
    """
    if text is None:
        return ""
    paras = [p for p in re.split(r"\n\s*\n", str(text).strip()) if p.strip()]
    return "\n\n".join("  \n".join(md(line) for line in p.splitlines() if line.strip()) for p in paras)


def md_link(label: Any, url: Any) -> str:
    """Return a Markdown link to an http(s) URL with the label escaped as `md` does; any other URL gives the label alone.

    The destination is written in angle brackets with '<', '>', spaces, backslashes and parentheses
    percent-encoded, so nothing in the URL can close the link early or start other markup; a
    'javascript:' or 'data:' URL never becomes clickable.
    """
    text = md(label)
    target = "" if url is None else str(url).strip()
    if not re.match(r"(?i)^https?://[^\s]+$", target):
        return text
    for ch, code in (("%", "%25"), ("<", "%3C"), (">", "%3E"), ("(", "%28"), (")", "%29"), ("\\", "%5C"),
                     ("`", "%60")):
        target = target.replace(ch, code) if ch != "%" else re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", target)
    return f"[{text}](<{target}>)"


def html(text: Any) -> str:
    """Return user text escaped for HTML text and attribute values (also '/' and quotes); None -> ''."""
    return _html.escape("" if text is None else str(text), quote=True).replace("/", "&#x2F;")


# -- checking ------------------------------------------------------------------------------------
SHORT_MAX = 200      # names, titles, owners, labels, period names
LONG_MAX = 20_000    # descriptions, problem statements, comments, notes

# Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): the "Trojan Source"
# characters that make text display in another order than it is stored. The plain marks LRM, RLM
# and ALM are kept: mixed right-to-left text legitimately uses them and they reorder nothing.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that draw nothing although Unicode does not call them format characters.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")


def is_invisible(ch: str) -> bool:
    """Return True for a character that draws nothing: whitespace, format characters (zero-width
    space/joiners, word joiner, BOM, soft hyphen...), controls and the Hangul/Braille blanks."""
    return ch.isspace() or ch in _BLANK_LETTERS or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp")


def has_visible(text: str) -> bool:
    """Return True when the text has at least one character that draws something."""
    return any(not is_invisible(ch) for ch in text)


def _strip_invisible(text: str) -> str:
    start, end = 0, len(text)
    while start < end and is_invisible(text[start]):
        start += 1
    while end > start and is_invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def clean_text(value: Any, what: str, *, max_len: int = SHORT_MAX, required: bool = False,
               empty: str | None = None) -> str:
    """Return `value` as text without surrounding whitespace or invisible characters; ValueError when unusable.

    `what` names the field in the messages ('title', 'period name'). Refused: bidi controls, control
    characters other than tab and newline, and more than `max_len` characters. A value made only of
    invisible characters is empty: '' when not `required`, else a ValueError (`empty` is the message
    for a value left blank; one made of invisible characters says so). None -> ''.
    """
    raw = "" if value is None else str(value)
    bidi = sorted({f"U+{ord(c):04X}" for c in raw if c in BIDI_CONTROLS})
    if bidi:  # checked before stripping: a control at either end is refused too, not silently dropped
        raise ValueError(f"the {what} contains bidirectional control characters ({', '.join(bidi)}) that make it "
                         "display in another order than it is written; remove them")
    text = _strip_invisible(raw)
    if not text:
        if required:
            if raw and not raw.isspace():
                raise ValueError(f"the {what} holds only invisible characters (such as zero-width spaces); "
                                 f"type a visible {what}")
            raise ValueError(empty or f"the {what} cannot be empty")
        return ""
    controls = sorted({f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r"})
    if controls:
        raise ValueError(f"the {what} contains control characters ({', '.join(controls)}); remove them")
    if len(text) > max_len:
        raise ValueError(f"keep the {what} under {max_len:,} characters (it has {len(text):,})")
    return text


def clean_lines(values: Any, what: str, *, max_len: int = SHORT_MAX, max_items: int = 100) -> list[str]:
    """Return a list of short texts cleaned by `clean_text`, blank ones dropped; ValueError names the line."""
    out = []
    for i, v in enumerate(list(values or []), start=1):
        try:
            t = clean_text(v, what, max_len=max_len)
        except ValueError as exc:
            raise ValueError(f"line {i}: {exc}") from None
        if t:
            out.append(t)
    if len(out) > max_items:
        raise ValueError(f"keep the {what} list to {max_items} lines (it has {len(out)})")
    return out
