"""The one SQL form of a segment (pm_core.segments): property tests on a JSON column, every name and value bound.

Property names travel as JSON pointers ('/$os', '/[Amplitude] Country'): a pointer has no syntax
inside a name except '~' and '/', which it escapes, so any name a tool writes is matched as it is.
"""
from __future__ import annotations

from ..segments import Segment, parse


def pointer(key: str) -> str:
    """Return the RFC 6901 JSON pointer of a top-level property name ('a/b' -> '/a~1b')."""
    return "/" + key.replace("~", "~0").replace("/", "~1")


def where(segment, column: str = "properties") -> tuple[str, list]:
    """Return (' AND ...', params) keeping rows whose JSON `column` matches every condition ('' for everyone).

    `column` is a trusted identifier written by store code (e.g. 'e.properties'), never user input.
    'is not' keeps rows where the property is missing too, as analytics tools count it. A source
    filter keeps events whose import came from one of the segment's sources.
    """
    seg: Segment = parse(segment)
    sql, params = [], []
    for c in seg.conditions:
        marks = ", ".join("?" for _ in c.values)
        expr = f"json_extract_string({column}, ?)"
        if c.negate:
            sql.append(f" AND ({expr} IS NULL OR {expr} NOT IN ({marks}))")
            params += [pointer(c.key), pointer(c.key), *c.values]
        else:
            sql.append(f" AND {expr} IN ({marks})")
            params += [pointer(c.key), *c.values]
    if seg.sources:
        # the events' source is their import's: `column`'s table alias reaches its import_id
        alias = column.rsplit(".", 1)[0] + "." if "." in column else ""
        marks = ", ".join("?" for _ in seg.sources)
        sql.append(f" AND {alias}import_id IN (SELECT id FROM imports WHERE kind = 'events' AND source IN ({marks}))")
        params += list(seg.sources)
    return "".join(sql), params
