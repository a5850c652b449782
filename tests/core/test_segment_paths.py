"""One segment grammar on every path (CLI kpis / retention / funnel, metrics, growth, OKR key results), checked against the same figures computed on a workspace holding only the matching events, and counts taken by hand.

The divergences of issue 13: `retention --segment "platform=iOS,country=PT"` filtered platform ==
"iOS,country=PT" (no cohorts, exit 0); "platform=" was refused by two paths and accepted by one;
property names such as `$os` or `[Amplitude] Country` were refused by the growth store.
"""
from __future__ import annotations

import json

import pytest

from pm_core import growth, metrics, okrs, segments
from pm_core.store import open_store
from tests.factories.events import put_events
from tests.factories import run_cli

IOS_PT = {"platform": "iOS", "country": "PT"}
ROWS = []
for i, (plat, country) in enumerate([("iOS", "PT"), ("iOS", "PT"), ("iOS", "DE"), ("Android", "PT"), ("iOS", "PT")]):
    u = f"u{i}"
    props = {"platform": plat, "country": country, "$os": plat, "[Amplitude] Country": country}
    ROWS += [(u, "search", f"2026-02-0{2 + i} 10:00:00", props),
             (u, "booking_completed", f"2026-02-0{2 + i} 11:00:00", props)]
    if i % 2 == 0:  # some come back one and two weeks later
        ROWS += [(u, "search", f"2026-02-{9 + i:02d} 10:00:00", props), (u, "search", f"2026-02-{16 + i:02d} 10:00:00", props)]


def _matches(props: dict, seg: dict) -> bool:
    return all(props.get(k) == v for k, v in seg.items())


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "seg.duckdb"
    s = open_store(path)
    put_events(s, ROWS)
    s.close()
    return path


@pytest.fixture
def only_matching(tmp_path):
    """A second workspace holding only the iOS + PT events: its unfiltered figures are the oracle."""
    path = tmp_path / "only.duckdb"
    s = open_store(path)
    put_events(s, [r for r in ROWS if _matches(r[3], IOS_PT)])
    s.close()
    return path


@pytest.mark.parametrize("segment_args", [("--segment", "platform=iOS,country=PT"),
                                          ("--segment", "platform=iOS", "--segment", "country=PT"),
                                          ("--segment", "$os=iOS,[Amplitude] Country=PT")])
def test_retention_with_two_properties_keeps_both(db, only_matching, capsys, segment_args):
    code, out, err = run_cli(capsys, "--db", str(db), "retention", *segment_args, "--json")
    assert code == 0, err
    code2, oracle, _ = run_cli(capsys, "--db", str(only_matching), "retention", "--json")
    assert code2 == 0
    got, want = json.loads(out), json.loads(oracle)
    assert got["cohorts"] and got["cohorts"] == want["cohorts"] and got["weighted"] == want["weighted"]
    assert sum(c["size"] for c in got["cohorts"]) == len({r[0] for r in ROWS if _matches(r[3], IOS_PT)})  # 3 users


def test_funnel_and_kpis_with_two_properties(db, only_matching, capsys):
    code, out, _ = run_cli(capsys, "--db", str(db), "funnel", "--steps", "search,booking_completed",
                        "--segment", "platform=iOS,country=PT", "--json")
    _, oracle, _ = run_cli(capsys, "--db", str(only_matching), "funnel", "--steps", "search,booking_completed", "--json")
    assert code == 0 and json.loads(out)["steps"] == json.loads(oracle)["steps"]
    assert json.loads(out)["steps"][0]["users"] == 3
    code, out, _ = run_cli(capsys, "--db", str(db), "kpis", "--period", "2026-02", "--segment", "platform=iOS,country=PT", "--json")
    d = json.loads(out)
    assert code == 0 and d["segment"] == IOS_PT and d["growth"]["mau"]["value"] == 3


@pytest.mark.parametrize("command", [("kpis",), ("retention",), ("funnel", "--steps", "search,booking_completed")])
@pytest.mark.parametrize("bad", ["platform=", "=iOS", "platform", "platform=iOS,platform=Android"])
def test_a_malformed_segment_is_refused_everywhere_with_one_message(db, capsys, command, bad):
    with pytest.raises(segments.SegmentError) as exc:
        segments.parse(bad)
    message = str(exc.value)
    code, out, err = run_cli(capsys, "--db", str(db), *command, "--segment", bad, "--json")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.strip() == f"error: {command[0]}: {message}"


@pytest.mark.parametrize("bad", ["platform=", "=iOS"])
def test_the_python_paths_refuse_it_with_the_same_message(store, editor, bad):
    put_events(store, ROWS)
    with pytest.raises(segments.SegmentError) as exc:
        segments.parse(bad)
    message = str(exc.value)
    for call in (lambda: metrics.compute_kpis(store, "all", bad),
                 lambda: metrics.kpi_series(store, "mau", "month", bad),
                 lambda: growth.retention_table(store, segment=bad),
                 lambda: growth.funnel(store, ["search", "booking_completed"], segment=bad),
                 lambda: okrs.parse_segment(bad)):
        with pytest.raises(ValueError) as got:
            call()
        assert str(got.value) == message
    with pytest.raises(ValueError, match="value is missing|property name is missing"):
        okrs.KeyResultIn.model_validate({"objective_id": "o1", "title": "Grow", "kpi": "mau", "segment": bad, "kr_type": "increase_to",
                                         "baseline": 1, "target": 2})


def test_dollar_and_bracket_property_names_on_the_cli(db, capsys):
    for seg, users in (("$os=iOS", 4), ("[Amplitude] Country=PT", 4), ("$os=iOS|Android", 5), ("$os!=iOS", 1)):
        code, out, err = run_cli(capsys, "--db", str(db), "kpis", "--period", "2026-02", "--segment", seg, "--json")
        assert code == 0, err
        assert json.loads(out)["growth"]["mau"]["value"] == users, seg
        code, out, err = run_cli(capsys, "--db", str(db), "retention", "--segment", seg, "--json")
        assert code == 0, err
        assert sum(c["size"] for c in json.loads(out)["cohorts"]) == users, seg
    code, out, _ = run_cli(capsys, "--db", str(db), "kpis", "--period", "2026-02", "--segment", "$os=iOS", "--json")
    assert json.loads(out)["segment"] == {"$os": "iOS"}


def test_growth_offers_any_property_name(store):
    put_events(store, ROWS)
    assert {"$os", "[Amplitude] Country", "platform", "country"} <= set(growth.segment_properties(store))
    assert growth.segment_values(store, "$os") == ["iOS", "Android"]
    assert set(metrics.segment_options(store)["$os"]) == {"Android", "iOS"}


def test_a_key_result_segment_is_stored_in_the_canonical_text(editor):
    kr = okrs.KeyResultIn.model_validate({"objective_id": "o1", "title": "Grow", "kpi": "mau", "segment": "platform = iOS|Android, $os=iOS",
                                          "kr_type": "increase_to", "baseline": 1, "target": 2})
    assert kr.segment == "$os=iOS,platform=iOS|Android"
    assert segments.parse(kr.segment) == segments.parse({"$os": "iOS", "platform": ["iOS", "Android"]})
