"""JSON event exports, anonymous users, tool properties as segments, any ZIP, several sources (issue 14, items 1-4 and 13).

Real exports from tests/data/events/ (sources in tests/data/README.md); every expected figure is
computed here with plain json / zipfile / gzip / pandas, never with Pillars' code.
"""
from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pm_core import growth, segments
from pm_core.formats.json_events import SEPARATOR
from pm_core.ingest import ImportRefused, import_file, list_imports, preview_file
from tests.factories import run_cli

DATA = Path(__file__).resolve().parent.parent / "data" / "events"
MIXPANEL = DATA / "mixpanel_numetric_export.json"
AMPLITUDE_ZIP = DATA / "amplitude_export.zip"
AMPLITUDE_GZ = DATA / "amplitude_savii_hour.json.gz"


@pytest.fixture(autouse=True)
def _no_hooks(monkeypatch):
    import pm_core.ingest.after

    monkeypatch.setattr(pm_core.ingest.after, "after_import", lambda *a: [])


def _mixpanel_records() -> list[dict]:
    return [json.loads(line) for line in MIXPANEL.read_text().splitlines() if line.strip()]


def _amplitude_records() -> list[dict]:
    out = []
    with zipfile.ZipFile(AMPLITUDE_ZIP) as z:
        for name in sorted(z.namelist()):
            text = gzip.decompress(z.read(name)).decode()
            out += [json.loads(line) for line in text.splitlines() if line.strip()]
    return out


def _events(store) -> pd.DataFrame:
    cur = store.cursor()
    try:
        return cur.execute("SELECT user_id, event, ts, properties FROM events ORDER BY ts, event").df()
    finally:
        cur.close()


# -- 1. JSON event exports ------------------------------------------------------------------------
def test_mixpanel_raw_export_is_read_by_content_with_its_properties(store, editor, tmp_path):
    recs = _mixpanel_records()
    pv = preview_file(MIXPANEL, store=store)
    assert (pv.kind, pv.source, pv.layout) == ("events", "mixpanel", "json")
    assert pv.mapping == {"user_id": "distinct_id", "event": "event", "ts": "time"}
    assert pv.types["ts"] == "ts_epoch"
    assert {"$os", "$browser", "$city", "Project ID", "mp_country_code"} <= set(pv.properties)
    assert pv.rows_read == len(recs) and pv.rows_rejected == 0
    assert any(f"joined with '{SEPARATOR}'" in n for n in pv.notes)

    res = import_file(store, editor, MIXPANEL)
    assert (res.rows_read, res.rows_imported, res.rows_rejected) == (len(recs), len(recs), 0)
    got = _events(store)
    want = pd.DataFrame({"user_id": [r["properties"]["distinct_id"] for r in recs],
                         "event": [r["event"] for r in recs],
                         "ts": pd.to_datetime([r["properties"]["time"] for r in recs], unit="s")})
    want = want.sort_values(["ts", "event"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got[["user_id", "event", "ts"]], want, check_dtype=False)
    # tool properties arrive under their own names, values as written
    props = [json.loads(p) for p in got["properties"]]
    by_ts = {r["properties"]["time"]: r["properties"] for r in recs}
    for ts, p in zip(got["ts"], props):
        src = by_ts[int(ts.timestamp())]
        assert p["$os"] == src["$os"] and p["$browser"] == src["$browser"]
        assert p.get("$city") == src.get("$city")


@pytest.mark.parametrize("name", ["mixpanel export.csv", "export.txt", "events.jsonl"])
def test_a_mixpanel_export_saved_under_another_name_is_still_json(store, tmp_path, name):
    path = tmp_path / name
    shutil.copy(MIXPANEL, path)
    pv = preview_file(path, store=store)
    assert (pv.source, pv.layout, pv.rows_read) == ("mixpanel", "json", len(_mixpanel_records()))


def test_amplitude_export_zip_of_hourly_gzip_files(store, editor):
    recs = _amplitude_records()
    pv = preview_file(AMPLITUDE_ZIP, store=store)
    assert (pv.kind, pv.source, pv.rows_read, pv.rows_rejected) == ("events", "amplitude", len(recs), 0)
    assert pv.mapping == {"user_id": "user_id", "event": "event_type", "ts": "event_time"}
    # event_properties and user_properties are lifted; nested objects keep their path
    assert {"Total Price", "Drop Type", "path", "referring_domain", "platform", "os_name"} <= set(pv.properties)
    assert "data" + SEPARATOR + "path" in pv.properties
    assert any("3 JSON files read together" in n for n in pv.notes)
    res = import_file(store, editor, AMPLITUDE_ZIP)
    assert res.rows_imported == len(recs)
    got = _events(store)
    want_users = sorted(str(r["user_id"] if r["user_id"] else r["amplitude_id"]) for r in recs)
    assert sorted(got["user_id"]) == want_users
    assert sorted(got["event"]) == sorted(r["event_type"] for r in recs)
    assert list(got["ts"]) == sorted(pd.to_datetime([r["event_time"] for r in recs]))
    purchase = json.loads(got.loc[got["event"] == "Property Drop Purchased", "properties"].iloc[0])
    assert float(purchase["Total Price"]) == 6396.0 and purchase["Drop Type"] == "Sale"
    [imp] = list_imports(store)
    assert imp["source"] == "amplitude" and imp["file_name"] == "amplitude_export.zip"


# -- 2. anonymous users --------------------------------------------------------------------------
def test_amplitude_rows_without_user_id_count_under_amplitude_id(store, editor):
    recs = [json.loads(line) for line in gzip.decompress(AMPLITUDE_GZ.read_bytes()).decode().splitlines()]
    anonymous = [r for r in recs if not r["user_id"]]
    assert len(anonymous) == 1  # the real file has one pre-login event
    pv = preview_file(AMPLITUDE_GZ, store=store)
    assert pv.rows_rejected == 0  # never "user_id is empty"
    note = next(n for n in pv.notes if n.startswith("anonymous users"))
    assert f"{len(anonymous)} of {len(recs)} rows" in note and "1 under amplitude_id" in note
    import_file(store, editor, AMPLITUDE_GZ)
    got = _events(store)
    assert str(anonymous[0]["amplitude_id"]) in set(got["user_id"])
    assert got["user_id"].nunique() == len({r["user_id"] or r["amplitude_id"] for r in recs})


def test_amplitude_falls_back_to_device_id_when_amplitude_id_is_empty_too(store, editor, tmp_path):
    p = tmp_path / "amp.json"
    p.write_text("\n".join(json.dumps(r) for r in [
        {"event_type": "open", "event_time": "2026-06-01 10:00:00.000000", "user_id": None, "amplitude_id": None,
         "device_id": "dev-7"},
        {"event_type": "open", "event_time": "2026-06-01 11:00:00.000000", "user_id": "", "amplitude_id": 42,
         "device_id": "dev-8"},
        {"event_type": "open", "event_time": "2026-06-01 12:00:00.000000", "user_id": None, "amplitude_id": None,
         "device_id": None}]) + "\n")
    pv = preview_file(p, store=store)
    note = next(n for n in pv.notes if n.startswith("anonymous users"))
    assert "1 under amplitude_id" in note and "1 under device_id" in note
    assert pv.rows_rejected == 1 and "and so is amplitude_id and device_id" in pv.reasons[0]["reason"]
    import_file(store, editor, p)
    assert sorted(_events(store)["user_id"]) == ["42", "dev-7"]


def test_posthog_counts_people_by_person_id_else_distinct_id(store, editor, tmp_path):
    # PostHog's event export shape (written for this test): a visitor before and after logging in is one person
    rows = [
        {"uuid": "e1", "event": "$pageview", "distinct_id": "anon-1", "person_id": "p-1",
         "timestamp": "2026-06-01T10:00:00Z", "properties": {"$browser": "Chrome", "$os": "Mac OS X"}},
        {"uuid": "e2", "event": "signed_up", "distinct_id": "ana@example.com", "person_id": "p-1",
         "timestamp": "2026-06-01T10:05:00Z", "properties": {"$browser": "Chrome", "$os": "Mac OS X"}},
        {"uuid": "e3", "event": "$pageview", "distinct_id": "anon-9", "person_id": None,
         "timestamp": "2026-06-02T09:00:00Z", "properties": {"$browser": "Firefox", "$os": "Linux"}},
    ]
    p = tmp_path / "posthog.json"
    p.write_text(json.dumps(rows))  # a JSON array
    pv = preview_file(p, store=store)
    assert (pv.source, pv.mapping["user_id"]) == ("posthog", "person_id")
    assert any("counted by person_id" in n for n in pv.notes)
    assert {"$browser", "$os"} <= set(pv.properties)
    import_file(store, editor, p)
    got = _events(store)
    want = [r["person_id"] or r["distinct_id"] for r in sorted(rows, key=lambda r: r["timestamp"])]
    assert list(got["user_id"]) == want and got["user_id"].nunique() == 2


def test_posthog_csv_properties_json_column_and_dotted_columns_become_properties(store, editor, tmp_path):
    p = tmp_path / "posthog.csv"
    p.write_text('event,distinct_id,timestamp,properties,properties.$device_type\n'
                 '$pageview,d1,2026-06-01T10:00:00Z,"{""$browser"": ""Safari"", ""$city"": ""Lisbon""}",Mobile\n'
                 '$pageview,d2,2026-06-01T11:00:00Z,"{""$browser"": ""Chrome""}",Desktop\n')
    pv = preview_file(p, store=store)
    assert pv.source == "posthog" and "$device_type" in pv.properties and "properties" not in pv.properties
    assert any("each key of the JSON column 'properties'" in n for n in pv.notes)
    import_file(store, editor, p)
    props = [json.loads(x) for x in _events(store)["properties"]]
    assert props == [{"$device_type": "Mobile", "$browser": "Safari", "$city": "Lisbon"},
                     {"$device_type": "Desktop", "$browser": "Chrome"}]


def test_generic_ndjson_and_nested_properties(store, editor, tmp_path):
    p = tmp_path / "events.ndjson"
    p.write_text('{"user_id": "u1", "event": "search", "timestamp": "2026-06-01T10:00:00Z", "context": {"app": {"version": "2.1"}}}\n'
                 '{"user_id": "", "anonymous_id": "a-9", "event": "search", "timestamp": "2026-06-01T11:00:00Z"}\n')
    pv = preview_file(p, store=store)
    assert pv.source == "generic" and "context.app.version" in pv.properties
    import_file(store, editor, p)
    got = _events(store)
    assert list(got["user_id"]) == ["u1", "a-9"]
    assert json.loads(got["properties"][0])["context.app.version"] == "2.1"


def test_malformed_json_is_refused_naming_the_line_and_nothing_is_saved(store, editor, tmp_path):
    lines = MIXPANEL.read_text().splitlines()
    p = tmp_path / "broken.json"
    p.write_text("\n".join(lines[:3] + ['{"event": "x", "properties": {"time": 1,'] + lines[3:]) + "\n")
    with pytest.raises(ImportRefused) as exc:
        import_file(store, editor, p)
    msg = str(exc.value)
    assert msg.startswith("broken.json: line 4 ") and "not valid JSON" in msg and "/tmp" not in msg
    assert store.table_counts()["events"] == 0 and list_imports(store) == []


@pytest.mark.parametrize("fallback", [True, False])
def test_a_bad_record_past_the_sampled_ones_stops_the_import_naming_the_line(store, editor, tmp_path, monkeypatch, fallback):
    import pm_core.formats.json_events as je

    if not fallback:  # a file above the size ai_json may parse: DuckDB's error, in words
        monkeypatch.setattr(je, "FALLBACK_BYTES", 0)
    lines = MIXPANEL.read_text().splitlines()
    body = [lines[i % len(lines)] for i in range(20_100)]
    body[20_049] = body[20_049][:-3]  # line 20,050 cut short
    p = tmp_path / "long.json"
    p.write_text("\n".join(body) + "\n")
    with pytest.raises(ImportRefused) as exc:
        import_file(store, editor, p)
    assert re.match(r"long\.json: line 2005[01]\b.* is not valid JSON", str(exc.value)), str(exc.value)
    assert store.table_counts()["events"] == 0 and list_imports(store) == []


# -- 3. tool properties as segments ------------------------------------------------------------------
def test_dollar_properties_filter_everywhere(store, editor, capsys, monkeypatch, tmp_path):
    import_file(store, editor, MIXPANEL)
    recs = _mixpanel_records()
    # the latest month of the file, Feb 2017: distinct users per $os, computed from the JSON
    feb = [r for r in recs if pd.Timestamp(r["properties"]["time"], unit="s").strftime("%Y-%m") == "2017-02"]
    want = {os_: len({r["properties"]["distinct_id"] for r in feb if r["properties"]["$os"] == os_})
            for os_ in {r["properties"]["$os"] for r in feb}}
    for os_, n in want.items():
        seg = segments.parse({"$os": os_})
        mau = growth.active_users_series(store, "month", seg)
        assert int(mau.loc[pd.to_datetime(mau["period_start"]) == pd.Timestamp("2017-02-01"), "active_users"].iloc[0]) == n
    assert segments.parse('"$os"=Mac OS X').text() == "$os=Mac OS X"
    assert segments.parse("[Amplitude] Country=PT").conditions[0].key == "[Amplitude] Country"
    # the CLI takes the name as written
    store.close()
    monkeypatch.setenv("PILLARS_DB", str(store.path))
    code, out, err = run_cli(capsys, "kpis", "--period", "2017-02", "--segment", "$os=Windows", "--json")
    assert code == 0, err
    assert json.loads(out)["growth"]["mau"]["value"] == want["Windows"]


# -- 4. any ZIP ------------------------------------------------------------------------------------
def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_zip_of_one_csv_or_several_with_the_same_columns(store, editor, tmp_path):
    a = b"user_id,event,timestamp\nu1,search,2026-06-01\n"
    b = b"user_id,event,timestamp\nu2,search,2026-06-02\nu3,search,2026-06-03"  # no final newline
    one = preview_file(_zip(tmp_path / "one.zip", {"export/june.csv": a, "__MACOSX/._june.csv": b"junk"}), store=store)
    assert (one.kind, one.rows_read) == ("events", 1)
    res = import_file(store, editor, _zip(tmp_path / "two.zip", {"a.csv": a, "b.csv": b}))
    assert res.rows_imported == 3
    assert sorted(_events(store)["user_id"]) == ["u1", "u2", "u3"]


def test_zip_holding_a_workbook_is_read_as_the_workbook(store, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["user_id", "event", "timestamp"])
    ws.append(["u1", "search", "2026-06-01"])
    buf = io.BytesIO()
    wb.save(buf)
    pv = preview_file(_zip(tmp_path / "book.zip", {"book.xlsx": buf.getvalue()}), store=store)
    assert (pv.kind, pv.rows_read) == ("events", 1)


@pytest.mark.parametrize("members, words", [
    ({"logo.png": b"\x89PNG...", "notes.pdf": b"%PDF"}, "cannot tell what to import"),
    ({}, "empty"),
    ({"a.csv": b"x,y\n1,2\n", "b.csv": b"p,q\n3,4\n"}, "different columns"),
])
def test_other_zips_are_refused_in_words(store, tmp_path, members, words):
    with pytest.raises(ImportRefused) as exc:
        preview_file(_zip(tmp_path / "stuff.zip", members), store=store)
    assert str(exc.value).startswith("stuff.zip") and words in str(exc.value)


def test_a_damaged_zip_is_refused_not_a_traceback(store, tmp_path, capsys, monkeypatch):
    p = tmp_path / "damaged.zip"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(ImportRefused) as exc:
        preview_file(p, store=store)
    assert "damaged.zip" in str(exc.value)
    store.close()
    monkeypatch.setenv("PILLARS_DB", str(store.path))
    code, out, err = run_cli(capsys, "import", str(p))
    assert code == 2 and "Traceback" not in err and "damaged.zip" in err


# -- 13. several sources ---------------------------------------------------------------------------
def test_second_tool_warns_and_every_view_filters_by_source(store, editor, capsys, monkeypatch):
    import_file(store, editor, MIXPANEL)
    pv = preview_file(AMPLITUDE_ZIP, store=store)
    [warning] = pv.warnings
    amp_people = len({str(r["user_id"] or r["amplitude_id"]) for r in _amplitude_records()})
    assert f"Only 0 of this file's {amp_people:,} people" in warning and "mixpanel" in warning
    import_file(store, editor, AMPLITUDE_ZIP)
    mp = [(pd.Timestamp(r["properties"]["time"], unit="s"), r["properties"]["distinct_id"]) for r in _mixpanel_records()]
    amp = [(pd.Timestamp(r["event_time"]), str(r["user_id"] or r["amplitude_id"])) for r in _amplitude_records()]
    for source, rows in (("mixpanel", mp), ("amplitude", amp), (None, mp + amp)):
        want = pd.DataFrame(rows, columns=["ts", "u"]).assign(m=lambda d: d["ts"].dt.strftime("%Y-%m"))
        want = want.groupby("m")["u"].nunique().to_dict()
        seg = segments.parse(f"@source={source}" if source else None)
        got = growth.active_users_series(store, "month", seg)
        got = {pd.Timestamp(p).strftime("%Y-%m"): int(n) for p, n in zip(got["period_start"], got["active_users"]) if n}
        assert got == want, source
    seg = segments.parse("@source=amplitude")
    assert seg.text() == "@source=amplitude" and segments.parse(seg.text()) == seg
    store.close()
    monkeypatch.setenv("PILLARS_DB", str(store.path))
    code, out, err = run_cli(capsys, "kpis", "--period", "2017-02", "--source", "mixpanel", "--json")
    assert code == 0, err
    body = json.loads(out)
    feb_users = {r["properties"]["distinct_id"] for r in _mixpanel_records()
                 if pd.Timestamp(r["properties"]["time"], unit="s").strftime("%Y-%m") == "2017-02"}
    assert body["sources"] == ["mixpanel"] and body["growth"]["mau"]["value"] == len(feb_users)
    code, out, err = run_cli(capsys, "kpis", "--period", "2017-02", "--source", "amplitude", "--json")
    assert json.loads(out)["growth"]["mau"]["value"] in (None, 0)


def test_posthog_events_table_export_with_star_and_person(store, editor, tmp_path):
    # the shape of PostHog's events-table JSON export (written for this test): the event under '*', the person under 'person'
    rows = [{"*": {"uuid": "e1", "event": "$pageview", "distinct_id": "anon-1", "timestamp": "2026-06-01T10:00:00Z",
                   "properties": {"$browser": "Chrome", "City": "Lisbon", "city": "lisbon"}},
             "event": "$pageview", "person": {"id": "p-1", "distinct_id": "anon-1"}, "timestamp": "2026-06-01T10:00:00Z"},
            {"*": {"uuid": "e2", "event": "$pageview", "distinct_id": "ana", "timestamp": "2026-06-02T10:00:00Z",
                   "properties": {"$browser": "Safari"}},
             "event": "$pageview", "person": {"id": "p-1", "distinct_id": "ana"}, "timestamp": "2026-06-02T10:00:00Z"}]
    p = tmp_path / "posthog_events.json"
    p.write_text(json.dumps(rows))
    pv = preview_file(p, store=store)
    assert (pv.source, pv.mapping["user_id"]) == ("posthog", "person.id")
    assert "$browser" in pv.properties
    import_file(store, editor, p)
    got = _events(store)
    assert list(got["user_id"]) == ["p-1", "p-1"]
    assert [json.loads(x)["$browser"] for x in got["properties"]] == ["Chrome", "Safari"]


def test_byte_order_mark_and_windows_line_ends(store, editor, tmp_path):
    lines = MIXPANEL.read_text().splitlines()
    p = tmp_path / "saved_on_windows.json"
    p.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    pv = preview_file(p, store=store)
    assert (pv.source, pv.rows_read, pv.rows_rejected) == ("mixpanel", len(lines), 0)
    assert import_file(store, editor, p).rows_imported == len(lines)


def test_a_property_first_seen_after_the_sampled_records_is_kept(store, editor, tmp_path):
    from pm_core.formats import json_events

    lines = MIXPANEL.read_text().splitlines()
    n = json_events.SAMPLE_RECORDS + 50
    body = [lines[i % len(lines)] for i in range(n)]
    late = json.loads(body[-1])
    late["properties"]["Plan tier"] = "pro"   # only the last record has it
    late["utm source"] = "newsletter"         # a new top-level key too
    body[-1] = json.dumps(late)
    p = tmp_path / "long.json"
    p.write_text("\n".join(body) + "\n")
    pv = preview_file(p, store=store)
    assert {"Plan tier", "utm source"} <= set(pv.properties)
    import_file(store, editor, p)
    cur = store.cursor()
    try:
        got = cur.execute("SELECT count(*) FROM events WHERE json_extract_string(properties, '/Plan tier') = 'pro'").fetchone()[0]
    finally:
        cur.close()
    assert got == 1


def test_no_warning_when_the_file_shares_the_workspace_people(store, editor, tmp_path):
    import_file(store, editor, MIXPANEL)
    later = tmp_path / "next_week.json"
    later.write_text("\n".join(MIXPANEL.read_text().splitlines()[2:]) + "\n")  # the same people, fewer rows
    assert preview_file(later, store=store).warnings == []
    from pm_core.store import open_store

    empty = open_store(tmp_path / "empty.duckdb")
    try:
        assert preview_file(MIXPANEL, store=empty).warnings == []  # an empty workspace: nothing to meet
    finally:
        empty.close()


def test_a_bad_line_inside_an_archive_names_the_member(store, editor, tmp_path):
    good = gzip.compress(b'{"event_type": "open", "event_time": "2026-06-01 10:00:00.000000", "user_id": "u1"}\n')
    bad = gzip.compress(b'{"event_type": "open", "event_time": "2026-06-01 11:00:00.000000", "user_id": "u2"}\n'
                        b'{"event_type": "open", "event_time": \n')
    p = _zip(tmp_path / "export.zip", {"1/1_2026-06-01_10#0.json.gz": good, "1/1_2026-06-01_11#0.json.gz": bad})
    with pytest.raises(ImportRefused) as exc:
        import_file(store, editor, p)
    # the record cut short is line 2; DuckDB notices at the end of the data just after it
    assert re.match(r"export\.zip \(1/1_2026-06-01_11#0\.json\.gz\): line [23] \(or the line before it\)", str(exc.value))
    assert store.table_counts()["events"] == 0
