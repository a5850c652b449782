"""What a source format is: the target fields of a canonical table and the header names that feed them.

A format never touches data; it names columns. `match_columns` turns a file's header into a mapping
(target field -> column positions) by exact name, then by a close spelling (misspelled Levels.fyi
headers), and reports how each field was found so the preview can show it.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

# Roles decide how a value is validated: text passes as is, number/time/date/bool must parse or the row
# is rejected, labels/sprint gather every column of that name (Jira repeats them).
ROLES = ("text", "number", "time", "date", "bool", "labels", "last", "score")


def norm(name: str) -> str:
    """Return a header reduced to lowercase words, accents dropped, joined by '_' ('Clave de incidencia' -> 'clave_de_incidencia')."""
    # accents go (NFKD + combining marks dropped) but other scripts stay: Japanese Jira headers ('課題キー')
    # must not all normalise to the same empty name
    s = "".join(ch for ch in unicodedata.normalize("NFKD", str(name)) if not unicodedata.combining(ch)).lower()
    return re.sub(r"[\W_]+", "_", s).strip("_")


@dataclass(frozen=True)
class Field:
    name: str
    role: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()   # regexes over normalised names, tried after aliases
    help: str = ""
    allow_empty: bool = False        # must be mapped, but an empty cell is kept as NULL (survey score)


@dataclass(frozen=True)
class Format:
    kind: str
    source: str
    label: str
    fields: tuple[Field, ...]
    signature: tuple[tuple[str, ...], ...] = ()  # any one group fully present identifies the tool
    need_any: tuple[tuple[str, ...], ...] = ()   # at least one field of each group must be mapped
    extras: str | None = None                   # 'properties' (events keep other columns) | 'unpivot' (wide metrics)
    duplicate_headers_ok: bool = False           # Jira repeats Labels/Sprint/Attachment on purpose
    fuzzy: bool = False                          # close-spelling matches (salaries, where typos are common)
    id_fallbacks: tuple[str, ...] = ()           # events: the tool's anonymous ids, used in turn where user_id is empty

    def field(self, name: str) -> Field:
        """Return the field called name (KeyError if the format has none)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def identified_by(self, normed: set[str]) -> bool:
        """Return True when one signature group is fully present (a generic format has none and returns False)."""
        return any(all(n in normed for n in group) for group in self.signature)


@dataclass
class Match:
    fmt: Format
    columns: dict[str, list[int]] = field(default_factory=dict)   # target -> column positions
    how: dict[str, str] = field(default_factory=dict)             # target -> 'name' | 'similar name' | 'you chose'
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Return True when every required field (and one of each need_any group) is mapped."""
        return not self.missing

    def score(self, normed: set[str]) -> float:
        """Return how well this format explains the header (tool signature first, then mapped fields)."""
        return (1000 if self.fmt.identified_by(normed) else 0) + 10 * len(self.columns) - sum(
            1 for h in self.how.values() if h == "similar name")


def match_columns(fmt: Format, header: list[str], user_mapping: dict[str, str] | None = None) -> Match:
    """Return the Match of a header against a format; user_mapping (target -> header name, '' = none) wins.

    Raises KeyError-free ValueError with words when the user names a column that is not in the file or a
    target the format does not have.
    """
    normed = [norm(h) for h in header]
    m = Match(fmt)
    used: set[int] = set()
    user_mapping = {k: v for k, v in (user_mapping or {}).items()}
    targets = {f.name for f in fmt.fields}
    for target, src in user_mapping.items():
        if target not in targets:
            raise ValueError(f"'{target}' is not a field of {fmt.kind} imports; fields: {', '.join(sorted(targets))}")
        if src in (None, ""):
            m.how[target] = "left out"
            continue
        positions = [i for i, h in enumerate(header) if h == src] or [i for i, n in enumerate(normed) if n == norm(src)]
        if not positions:
            raise ValueError(f"column '{src}' (given for '{target}') is not in the file; columns are: {', '.join(header[:40])}"
                             + (" ..." if len(header) > 40 else ""))
        f = fmt.field(target)
        m.columns[target] = positions if f.role in ("labels", "last") else positions[:1]
        m.how[target] = "you chose"
        used.update(m.columns[target])
    for f in fmt.fields:
        if f.name in m.how:
            continue
        found: list[int] = []
        for alias in f.aliases:
            a = norm(alias)
            found = [i for i, n in enumerate(normed) if n == a and i not in used]
            if found:
                break
        if not found and f.patterns:
            for pat in f.patterns:
                found = [i for i, n in enumerate(normed) if i not in used and re.fullmatch(pat, n)]
                if found:
                    break
        how = "name"
        if not found and fmt.fuzzy and f.aliases:
            free = {n: i for i, n in reversed(list(enumerate(normed))) if i not in used and n}
            for alias in f.aliases:
                close = difflib.get_close_matches(norm(alias), list(free), n=1, cutoff=0.85)
                if close and len(norm(alias)) >= 5:
                    found, how = [free[close[0]]], "similar name"
                    break
        if found:
            m.columns[f.name] = found if f.role in ("labels", "last") else found[:1]
            m.how[f.name] = how
            used.update(m.columns[f.name])
    m.missing = [f.name for f in fmt.fields if f.required and f.name not in m.columns]
    for group in fmt.need_any:
        if not any(g in m.columns for g in group):
            m.missing.append(" or ".join(group))
    return m
