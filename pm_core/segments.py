"""The one segment grammar: which users or rows a figure covers, parsed once for pages, URLs, CLI and OKR links.

Text form, as typed on the CLI (`--segment`), kept in URLs and stored on key results:

    platform=iOS                      one property, one value
    platform=iOS,country=PT           several properties (all must hold)
    platform=iOS|Android              several values of one property (any of them)
    country!=PT                       is not
    "$os"=iOS                         any property name, quoted when it holds = ! , | or quotes
    city="Washington, D.C."           any value, quoted the same way ("" inside quotes is one ")
    @source=mixpanel|amplitude        only events imported from these tools (the import's source)

Property names are data (`$os`, `[Amplitude] Country`, `properties.$browser`): nothing restricts
them; the store binds them as JSON pointers, never as SQL. The one reserved word is an unquoted
`@source`, the events' source filter (issue 13: one workspace holding two tools' events); a property
really called '@source' is written quoted, '"@source"=x', and names starting with '@' are always quoted. An empty name or value, or the same
property twice, is refused with a message that names the clause.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from .errors import InputError

_SPECIAL = set('=!,|"')
SOURCE_KEY = "@source"   # the clause that filters events by the tool they were imported from


class SegmentError(InputError):
    """A segment that cannot be read (the message names the clause and shows the form to use)."""


@dataclass(frozen=True)
class Condition:
    """One property test: the property is one of `values` (or none of them when `negate`)."""

    key: str
    values: tuple[str, ...]
    negate: bool = False

    def text(self) -> str:
        """Return the clause in the text form ('platform=iOS|Android', 'country!=PT')."""
        return _quote(self.key) + ("!=" if self.negate else "=") + "|".join(_quote(v) for v in self.values)

    def describe(self) -> str:
        """Return the clause in words ('platform is iOS or Android', 'country is not PT')."""
        vals = " or ".join(self.values) if not self.negate else " nor ".join(self.values)
        return f"{self.key} is {'not ' if self.negate else ''}{vals}"


@dataclass(frozen=True)
class Segment:
    """Conditions that must all hold, sorted by property; an empty Segment is everyone."""

    conditions: tuple[Condition, ...] = ()
    sources: tuple[str, ...] = ()        # import sources (mixpanel, amplitude, ...); empty = every source

    def __bool__(self) -> bool:
        return bool(self.conditions or self.sources)

    def text(self) -> str:
        """Return the canonical text form ('' for everyone); parse(seg.text()) == seg."""
        parts = [c.text() for c in self.conditions]
        if self.sources:
            parts.append(SOURCE_KEY + "=" + "|".join(_quote(v) for v in self.sources))
        return ",".join(parts)

    def describe(self) -> str:
        """Return the segment in words for captions ('everyone' when empty)."""
        parts = [c.describe() for c in self.conditions]
        if self.sources:
            parts.append("events from " + " or ".join(self.sources))
        return "; ".join(parts) or "everyone"

    def with_sources(self, sources) -> "Segment":
        """Return this segment keeping only events imported from `sources` (None or empty: every source)."""
        vals = tuple(sorted(dict.fromkeys(str(v).strip() for v in (sources or ()) if str(v).strip())))
        return Segment(self.conditions, vals)

    def as_dict(self) -> dict[str, str]:
        """Return {property: value} when every condition is one plain value; SegmentError otherwise.

        For code that only understands single 'property is value' filters: it refuses what it cannot
        express instead of silently widening the filter.
        """
        out = {}
        if self.sources:
            raise SegmentError("a source filter (@source=...) is not supported here; filter by properties only")
        for c in self.conditions:
            if c.negate or len(c.values) != 1:
                raise SegmentError(f"'{c.text()}' (several values or 'is not') is not supported here; "
                                   "use property=value")
            out[c.key] = c.values[0]
        return out

    def key(self) -> tuple:
        """Return a hashable, order-independent key for caches."""
        return tuple((c.key, c.values, c.negate) for c in self.conditions) + ((SOURCE_KEY, self.sources),) * bool(self.sources)


EVERYONE = Segment()


def for_source(segment: "Segment", keys) -> "Segment | None":
    """Return the segment with its property names as another source spells them (exact name first, else the one
    name that differs only in case: 'platform' -> a survey's 'Platform'); None when a property has no match or
    the segment picks event sources, so that source cannot be filtered and stays 'all segments'."""
    seg = parse(segment)
    if seg.sources:
        return None
    keys = list(keys)
    lower: dict[str, list[str]] = {}
    for k in keys:
        lower.setdefault(k.lower(), []).append(k)
    conds = []
    for c in seg.conditions:
        if c.key in keys:
            conds.append(c)
        elif len(lower.get(c.key.lower(), [])) == 1:
            conds.append(Condition(lower[c.key.lower()][0], c.values, c.negate))
        else:
            return None
    return Segment(tuple(sorted(conds, key=lambda c: c.key)))


@dataclass(frozen=True)
class _Sources:
    """A parsed '@source=a|b' clause, before parse() folds it into Segment.sources."""

    values: tuple[str, ...]

# The --segment help of every CLI command that takes one (kpis, retention, funnel, export).
CLI_HELP = ("keep events matching property=value: several properties with commas (platform=iOS,country=PT), "
            "several values with | (platform=iOS|Android), 'is not' with != (country!=PT), any property name "
            "('$os=iOS'; quote a name holding = ! , | with \"...\"); repeatable")


SOURCE_HELP = ("only events imported from this tool (mixpanel, amplitude, posthog, generic: the source "
               "`imports` lists); repeatable for several")


def from_cli(segment_texts, sources) -> Segment:
    """Return the Segment of a command's --segment texts and --source names (either may be None)."""
    return parse(segment_texts).with_sources(sources)


def _quote(s: str) -> str:
    if s and not (_SPECIAL & set(s)) and s == s.strip() and not s.startswith("@"):
        return s
    return '"' + s.replace('"', '""') + '"'


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Split text into (token, quoted) items: operators '=', '!=', ',', '|' and names/values."""
    out: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    buf = ""
    while i < n:
        ch = text[i]
        if ch == '"':
            if buf.strip():
                raise SegmentError(f"segment {text!r}: a quote must start the name or value it encloses")
            j, val = i + 1, ""
            while True:
                if j >= n:
                    raise SegmentError(f"segment {text!r}: a quote is not closed")
                if text[j] == '"':
                    if j + 1 < n and text[j + 1] == '"':
                        val += '"'
                        j += 2
                        continue
                    break
                val += text[j]
                j += 1
            out.append((val, True))
            buf = ""
            i = j + 1
            while i < n and text[i] == " ":
                i += 1
            continue
        if ch in ",|=" or (ch == "!" and text[i:i + 2] == "!="):
            if buf.strip():
                out.append((buf.strip(), False))
            buf = ""
            op = "!=" if ch == "!" else ch
            out.append((op, False))
            i += len(op)
            continue
        buf += ch
        i += 1
    if buf.strip():
        out.append((buf.strip(), False))
    return out


def _parse_text(text: str) -> list[Condition]:
    conds: list[Condition] = []
    clause: list[tuple[str, bool]] = []
    form = "write it as property=value, e.g. platform=iOS (country!=PT for 'is not', platform=iOS|Android for several)"

    def finish() -> None:
        if not clause:
            return
        shown = "".join(t if not q else _quote(t) for t, q in clause)
        ops = [k for k, (t, q) in enumerate(clause) if not q and t in {"=", "!="}]
        if ops == [0]:
            raise SegmentError(f"segment '{shown}': the property name is missing; {form}")
        if len(ops) != 1 or ops[0] != 1:
            raise SegmentError(f"segment '{shown}': {form}")
        key = clause[0][0]
        rest = clause[2:]
        values: list[str] = []
        expect_value = True
        for t, q in rest:
            if not q and t == "|":
                if expect_value:
                    raise SegmentError(f"segment '{shown}': a value is missing around '|'")
                expect_value = True
                continue
            if not expect_value:
                raise SegmentError(f"segment '{shown}': {form}")
            values.append(t)
            expect_value = False
        if not key.strip():
            raise SegmentError(f"segment '{shown}': the property name is missing; {form}")
        if not values or expect_value or any(v == "" for v in values):
            raise SegmentError(f"segment '{shown}': the value is missing; {form}")
        if key == SOURCE_KEY and not clause[0][1]:  # the unquoted reserved word: a source filter, not a property
            if clause[1][0] == "!=":
                raise SegmentError(f"segment '{shown}': a source filter takes '=' (@source=mixpanel|amplitude)")
            conds.append(_Sources(tuple(dict.fromkeys(values))))
            return
        conds.append(Condition(key, tuple(dict.fromkeys(values)), clause[1][0] == "!="))

    for tok in _tokens(text):
        if tok == (",", False):
            finish()
            clause = []
        else:
            clause.append(tok)
    finish()
    return conds


def parse(value: Any) -> Segment:
    """Return the Segment for text ('platform=iOS,country!=PT'), a list of texts, a {property: value} dict,
    (property, value) pairs or a Segment; None, '' and {} are everyone. SegmentError names a bad clause.

    A property given twice is refused (use | for several values), so 'platform=iOS,platform=Android'
    never silently keeps only the last one.
    """
    if value is None or isinstance(value, Segment):
        return value or EVERYONE
    conds: list[Condition] = []
    if isinstance(value, str):
        conds = _parse_text(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            if v is None or str(v) == "":
                continue  # an unset picker is no filter, as pages have always read it
            conds.append(_from_pair(k, v))
    elif isinstance(value, Iterable):
        for item in value:
            if isinstance(item, str):
                conds.extend(_parse_text(item))
            elif isinstance(item, Condition):
                conds.append(item)
            else:
                k, v = item
                conds.append(_from_pair(k, v))
    else:
        raise SegmentError(f"segment {value!r}: write it as property=value, e.g. platform=iOS")
    sources = [v for c in conds if isinstance(c, _Sources) for v in c.values]
    conds = [c for c in conds if not isinstance(c, _Sources)]
    seen: set[str] = set()
    for c in conds:
        if c.key in seen:
            raise SegmentError(f"segment: property '{c.key}' is given twice; give it once, with | between values "
                               f"(e.g. {c.key}=A|B)")
        seen.add(c.key)
    return Segment(tuple(sorted(conds, key=lambda c: c.key))).with_sources(sources)


def _from_pair(k: Any, v: Any) -> Condition:
    key = str(k)
    if not key.strip():
        raise SegmentError("segment: a property name is empty")
    if isinstance(v, (list, tuple, set, frozenset)):
        vals = tuple(dict.fromkeys(str(x) for x in v))
        if not vals or any(x == "" for x in vals):
            raise SegmentError(f"segment: property '{key}' needs at least one value")
        return Condition(key, vals)
    return Condition(key, (str(v),))
