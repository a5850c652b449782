"""Data page choices before detection (issue 14): the sheet picker survives a wrong sheet, the encoding is shown and
can be changed, a pay file's currency can be set, and no message on the page suggests a CLI flag."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

import pm_core.ingest.after
from pm_core.ingest import list_imports
from tests.factories.apptest import _read

DATA = "app_pages/data.py"


@pytest.fixture(autouse=True)
def _no_okr_hook(monkeypatch):
    monkeypatch.setattr(pm_core.ingest.after, "after_import", lambda *a: [])


def _box(at, label):
    found = [s for s in at.selectbox if s.label == label]
    assert found, (label, [s.label for s in at.selectbox])
    return found[0]


def _plain(text: str) -> str:
    # page text goes through pm_core.text.md, which escapes Markdown characters such as '(' and '.'
    return text.replace("\\", "")


def _errors(at) -> list[str]:
    return [_plain(e.value) for e in at.error]


def _captions(at) -> str:
    return " ".join(_plain(c.value) for c in at.caption)


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Read me"
    notes.append(["This workbook holds the test's exposures on the next sheet."])
    exp = wb.create_sheet("Exposures")
    exp.append(["user_id", "group", "converted"])
    for i, (g, c) in enumerate([("control", 0), ("control", 1), ("treatment", 1), ("treatment", 1), ("control", 0)]):
        exp.append([f"u{i}", g, c])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_sheet_picker_is_shown_before_detection_and_survives_a_wrong_sheet(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    at = run_page(DATA, "editor", db)
    at.file_uploader[0].set_value(("ab test.xlsx", _workbook(),
                                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    assert not at.exception, [e.value for e in at.exception][:1]
    sheet = _box(at, "Sheet")
    assert sheet.options == ["Read me", "Exposures"]
    assert _errors(at), "the first sheet holds no export: the page says so"
    assert not any("--" in e for e in _errors(at)), _errors(at)
    sheet.set_value("Exposures").run()
    assert not at.exception and not _errors(at), _errors(at)
    [go] = [b for b in at.button if b.label.startswith("Import ")]
    assert go.label == "Import 5 rows"
    _box(at, "Sheet").set_value("Read me").run()  # the wrong sheet again: the picker stays
    assert _errors(at) and _box(at, "Sheet").options == ["Read me", "Exposures"]
    _box(at, "Sheet").set_value("Exposures").run()
    [go] = [b for b in at.button if b.label.startswith("Import ")]
    go.click().run()
    assert not at.exception, [e.value for e in at.exception][:1]
    [imp] = _read(db, list_imports)
    assert (imp["kind"], imp["rows_imported"]) == ("experiment", 5)
    got = _read(db, lambda s: s.query_df("SELECT variant, sum(converted::INT) c FROM experiment_exposures GROUP BY 1"))
    assert dict(zip(got["variant"], got["c"])) == {"control": 1, "treatment": 2}


def test_encoding_is_shown_and_can_be_changed(run_page, tmp_path):
    body = "date,metric,value,segment\n" + "".join(
        f"2026-01-0{i},visits,{i},{c}\n" for i, c in enumerate(["Łódź", "Kraków", "Gdańsk", "Wrocław"], 1))
    db = tmp_path / "w.duckdb"
    at = run_page(DATA, "editor", db)
    at.file_uploader[0].set_value(("cities.csv", body.encode("cp1250"), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception][:1]
    assert "Windows-1250" in _captions(at)
    sample = at.dataframe[0].value
    assert list(sample["segment"]) == ["Łódź", "Kraków", "Gdańsk", "Wrocław"]
    _box(at, "Encoding").set_value("cp1252").run()
    assert not at.exception
    assert "Windows-1252" in _captions(at)
    assert list(at.dataframe[0].value["segment"])[0] == "Łódź".encode("cp1250").decode("cp1252")
    _box(at, "Encoding").set_value("auto").run()
    [go] = [b for b in at.button if b.label.startswith("Import ")]
    go.click().run()
    segs = _read(db, lambda s: s.query_df("SELECT segment FROM metric_points ORDER BY date"))["segment"]
    assert list(segs) == list(pd.read_csv(io.StringIO(body))["segment"])


def test_currency_of_a_pay_file_is_set_on_the_page(run_page, tmp_path):
    body = b"title,level,base\nPM,L5,85000\nPM,L6,102000\nDesigner,L5,78000\n"
    db = tmp_path / "w.duckdb"
    at = run_page(DATA, "editor", db)
    at.file_uploader[0].set_value(("team pay.csv", body, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception][:1]
    cur = _box(at, "Currency of rows without one")
    assert "GBP" in cur.options and cur.value == "auto"
    assert any("no currency column" in _plain(w.value) for w in at.warning)
    cur.set_value("GBP").run()
    assert "currency GBP (chosen by you)" in _captions(at)
    [go] = [b for b in at.button if b.label.startswith("Import ")]
    go.click().run()
    assert not at.exception, [e.value for e in at.exception][:1]
    got = _read(db, lambda s: s.query_df("SELECT currency, sum(base) b FROM salaries GROUP BY 1"))
    assert list(got["currency"]) == ["GBP"] and got["b"][0] == pd.read_csv(io.BytesIO(body))["base"].sum()


def test_levels_fyi_file_says_usd_and_an_unknown_file_gets_no_cli_hint(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    at = run_page(DATA, "editor", db)
    body = (b"company,title,totalyearlycompensation,location,yearsofexperience\n"
            b"Google,Product Manager,250000,\"Mountain View, CA\",5\nMeta,Product Manager,230000,\"Seattle, WA\",4\n")
    at.file_uploader[0].set_value(("levels.csv", body, "text/csv")).run()
    assert _box(at, "Currency of rows without one").format_func("auto") == "As understood (USD)"
    assert "currency assumed USD" in _captions(at)
    at.file_uploader[0].set_value(("mystery.csv", b"alpha,beta\n1,2\n", "text/csv")).run()
    errs = _errors(at)
    assert errs and not any("--" in e for e in errs), errs
    assert any("What this file holds" in e for e in errs), errs


def test_viewer_never_gets_the_import_choices(monkeypatch, tmp_path):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    monkeypatch.setenv("PILLARS_DB", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("PILLARS_DEMO", "0")
    monkeypatch.setenv("PILLARS_MODE", "intranet")
    monkeypatch.setenv("PILLARS_EDITORS", "")
    st.cache_resource.clear()
    # the page run directly (app.py does not even register it for viewers) stops before any choice
    at = AppTest.from_file(str(ROOT / "app_pages" / "data.py"), default_timeout=60).run()
    assert not at.exception
    assert not at.get("file_uploader")
    assert not [s for s in at.selectbox if s.label in ("Encoding", "Sheet", "Table", "Currency of rows without one")]
    st.cache_resource.clear()


def test_career_page_states_the_usd_assumption(run_page, tmp_path):
    from pm_core.auth import Actor
    from pm_core.ingest import import_file
    from pm_core.store import open_store
    from tests.conftest import ROOT

    db = tmp_path / "w.duckdb"
    s = open_store(db)
    try:
        import_file(s, Actor(email="pm@example.com", role="editor"), ROOT / "tests" / "data" / "levels_fyi_salaries_head.csv")
    finally:
        s.close()
    for role in ("editor", "viewer"):
        at = run_page("app_pages/career.py", role, db)
        assert not at.exception, [e.value for e in at.exception][:1]
        assert "currency assumed USD: this is Levels.fyi data" in _captions(at), role


def test_the_mapping_rescues_a_work_items_file_no_format_knows(run_page, tmp_path):
    body = b"Ref,Sort,Opened on,Heading\nT-1,bug,2026-03-01,a\nT-2,feature,2026-03-02,b\nT-3,bug,2026-03-03,c\n"
    db = tmp_path / "w.duckdb"
    at = run_page(DATA, "editor", db)
    at.file_uploader[0].set_value(("tracker.csv", body, "text/csv")).run()
    assert _errors(at) and any("What this file holds" in _plain(i.value) for i in at.info)
    _box(at, "What this file holds").set_value("work_items").run()
    assert _errors(at), "no column is named like a key: refused, with the mapping offered"
    for target, column in (("key", "Ref"), ("type", "Sort"), ("created", "Opened on"), ("title", "Heading")):
        _box(at, f"Column for {target}").set_value(column)
    [submit] = [b for b in at.get("form_submit_button") if b.label == "Use these columns"]
    submit.click().run()
    assert not at.exception and not _errors(at), _errors(at)
    [go] = [b for b in at.button if b.label.startswith("Import ")]
    assert go.label == "Import 3 rows"
    go.click().run()
    got = _read(db, lambda s: s.query_df("SELECT key, type_category FROM work_items ORDER BY key"))
    raw = pd.read_csv(io.BytesIO(body))
    assert list(got["key"]) == list(raw["Ref"])
    assert (got["type_category"] == "bug").sum() == (raw["Sort"] == "bug").sum() == 2


def test_ga4_snapshot_tables_are_picked_on_the_page(run_page, tmp_path):
    from tests.factories.reports import GA4_SNAPSHOT, ga4_tables

    db = tmp_path / "w.duckdb"
    at = run_page(DATA, "editor", db)
    at.file_uploader[0].set_value(("Reports_snapshot.csv", GA4_SNAPSHOT.encode(), "text/csv")).run()
    assert not at.exception and not _errors(at), _errors(at)
    table = _box(at, "Table")
    assert table.options == ["Active users", "New users", "Sessions"]
    assert "date range stated there: 2026-03-01 to 2026-03-07" in _captions(at)
    table.set_value("Sessions").run()
    [go] = [b for b in at.button if b.label.startswith("Import ")]
    sessions = ga4_tables(GA4_SNAPSHOT)[2]
    assert go.label == f"Import {len(sessions)} rows"
    go.click().run()
    got = _read(db, lambda s: s.query_df("SELECT segment, value FROM metric_points WHERE metric = 'Sessions'"))
    assert dict(zip(got["segment"], got["value"])) == {k: float(v) for k, v in zip(sessions.iloc[:, 0], sessions["Sessions"])}


def test_outcome_picker_of_an_ab_log_with_two_outcomes(run_page, tmp_path):
    from tests.conftest import ROOT

    path = ROOT / "tests" / "data" / "ab_cookie_cats_head.csv"
    db = tmp_path / "w.duckdb"
    at = run_page(DATA, "editor", db)
    at.file_uploader[0].set_value(("cookie_cats.csv", path.read_bytes(), "text/csv")).run()
    outcome = _box(at, "Outcome (counts as converted)")
    assert outcome.options == ["retention_1", "retention_7"] and outcome.value == "retention_1"
    outcome.set_value("retention_7").run()
    assert not at.exception and not _errors(at), _errors(at)
    assert _box(at, "Outcome (counts as converted)").value == "retention_7"
    assert "'retention_7' counts as converted (you chose it)" in _captions(at)
    [go] = [b for b in at.button if b.label.startswith("Import ")]
    go.click().run()
    raw = pd.read_csv(path)
    got = _read(db, lambda s: s.query_df("SELECT variant, sum(converted::INT) c FROM experiment_exposures GROUP BY 1"))
    assert dict(zip(got["variant"], got["c"])) == raw.groupby("version")["retention_7"].sum().to_dict()
