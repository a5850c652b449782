"""The segment grammar and its SQL: checked against hand-written expectations and plain-Python filtering of rows built here."""
from __future__ import annotations

import json

import duckdb
import pytest

from pm_core.segments import Condition, Segment, SegmentError, parse
from pm_core.store.segment_sql import pointer, where


@pytest.mark.parametrize("text, expected", [
    ("platform=iOS", [("platform", ("iOS",), False)]),
    ("platform=iOS,country=PT", [("country", ("PT",), False), ("platform", ("iOS",), False)]),
    (" platform = iOS , country = PT ", [("country", ("PT",), False), ("platform", ("iOS",), False)]),
    ("platform=iOS|Android", [("platform", ("iOS", "Android"), False)]),
    ("country!=PT", [("country", ("PT",), True)]),
    ('"$os"=iOS', [("$os", ("iOS",), False)]),
    ("$os=iOS", [("$os", ("iOS",), False)]),
    ("[Amplitude] Country=Portugal", [("[Amplitude] Country", ("Portugal",), False)]),
    ("properties.$browser=Chrome", [("properties.$browser", ("Chrome",), False)]),
    ('city="Washington, D.C."', [("city", ("Washington, D.C.",), False)]),
    ('"a=b"="say ""hi"""', [("a=b", ('say "hi"',), False)]),
    ("", []),
])
def test_parse_text(text, expected):
    got = [(c.key, c.values, c.negate) for c in parse(text).conditions]
    assert got == expected


@pytest.mark.parametrize("text, needle", [
    ("platform=", "value is missing"), ("=iOS", "property name is missing"), ("platform", "property=value"),
    ("platform=iOS,platform=Android", "given twice"), ("platform=iOS|", "value is missing"),
    ('city="open', "not closed"), ("a=b=c", "property=value"), ("platform=iOS,country=PT,", None),
])
def test_malformed_clauses_are_refused_in_words(text, needle):
    if needle is None:  # a trailing comma is harmless
        assert parse(text).text() == "country=PT,platform=iOS"
        return
    with pytest.raises(SegmentError) as exc:
        parse(text)
    assert needle in str(exc.value) and isinstance(exc.value, ValueError)


def test_other_inputs_and_round_trip():
    assert parse(None) == parse("") == parse({}) == Segment() and not parse(None)
    assert parse({"platform": "iOS", "country": ""}).as_dict() == {"platform": "iOS"}
    assert parse([("platform", "iOS")]) == parse(["platform=iOS"]) == parse("platform=iOS")
    assert parse({"platform": ["iOS", "Android"]}).conditions == (Condition("platform", ("iOS", "Android")),)
    for text in ['"$os"=iOS|"Mac OS X",country!=PT', 'city="Washington, D.C."', "a=b"]:
        seg = parse(text)
        assert parse(seg.text()) == seg
    assert parse("country!=PT,platform=iOS|Android").describe() == "country is not PT; platform is iOS or Android"
    with pytest.raises(SegmentError, match="not supported here"):
        parse("country!=PT").as_dict()


ROWS = [{"platform": "iOS", "country": "PT", "$os": "iOS", "a/b~c": "1"},
        {"platform": "Android", "country": "PT", "$os": "Android"},
        {"platform": "iOS", "country": "ES"},
        {"platform": "Web"},
        {}]


def _python(seg: Segment, row: dict) -> bool:
    for c in seg.conditions:
        v = row.get(c.key)
        if c.negate and v in c.values:
            return False
        if not c.negate and v not in c.values:
            return False
    return True


@pytest.mark.parametrize("text", ["platform=iOS", "platform=iOS|Android", "country!=PT", "platform=iOS,country!=PT",
                                  '"$os"=iOS', '"a/b~c"=1', "missing=x", "missing!=x", ""])
def test_sql_matches_plain_python(text):
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, properties JSON)")
    con.executemany("INSERT INTO t VALUES (?, ?)", [[i, json.dumps(r)] for i, r in enumerate(ROWS)])
    seg = parse(text)
    sql, params = where(seg)
    got = [r[0] for r in con.execute(f"SELECT i FROM t WHERE true{sql} ORDER BY i", params).fetchall()]
    assert got == [i for i, r in enumerate(ROWS) if _python(seg, r)]


def test_pointer_escapes_its_two_special_characters():
    assert pointer("a/b~c") == "/a~1b~0c" and pointer("$os") == "/$os"
