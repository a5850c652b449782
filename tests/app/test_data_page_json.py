"""Data page with a JSON export (issue 14): the preview says what it understood, tool property names are shown as
written (no LaTeX from '$'), the import lands in the store; Overview and Growth then filter by `$os` and by source."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pm_core.ingest import list_imports
from pm_core.store import open_store
from pm_core.text import md
from tests.conftest import EDITOR
from tests.factories import imported_workspace

DATA = Path(__file__).resolve().parent.parent / "data" / "events"
MIXPANEL = DATA / "mixpanel_numetric_export.json"


def _records() -> list[dict]:
    return [json.loads(line) for line in MIXPANEL.read_text().splitlines() if line.strip()]


@pytest.fixture(autouse=True)
def _no_after_import(monkeypatch):
    """Every test here times and checks the import alone, not the OKR check-ins that follow it."""
    import pm_core.ingest.after

    monkeypatch.setattr(pm_core.ingest.after, "after_import", lambda *a: [])


def test_json_upload_preview_and_import(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    at = run_page("app_pages/data.py", "editor", db)
    # a Mixpanel export saved with a .txt name: read by content
    at.file_uploader[0].set_value(("mixpanel export.txt", MIXPANEL.read_bytes(), "text/plain")).run()
    assert not at.exception, [e.value for e in at.exception][:1]
    assert any("Mixpanel events" in m.value for m in at.markdown)
    captions = [c.value for c in at.caption]
    assert any("JSON records" in c for c in captions), captions
    kept = next(c for c in captions if c.startswith("Kept as event properties"))
    assert md("$os") in kept and md("$browser") in kept  # escaped: shown as $os, never as LaTeX
    n = len(_records())
    [go] = [b for b in at.button if b.label.startswith("Import ")]
    assert go.label == f"Import {n} rows"
    go.click().run()
    assert not at.exception, [e.value for e in at.exception][:1]
    s = open_store(db)
    try:
        [imp] = list_imports(s)
        assert (imp["source"], imp["rows_imported"]) == ("mixpanel", n)
        cur = s.cursor()
        got = cur.execute("SELECT count(DISTINCT user_id) FROM events").fetchone()[0]
        cur.close()
    finally:
        s.close()
    assert got == len({r["properties"]["distinct_id"] for r in _records()})


def test_overview_and_growth_with_dollar_os_and_two_sources(run_page, tmp_path):
    db = imported_workspace(tmp_path / "w.duckdb", MIXPANEL, DATA / "amplitude_export.zip", actor=EDITOR)
    recs = _records()
    feb_mac = {r["properties"]["distinct_id"] for r in recs if r["properties"]["$os"] == "Mac OS X"
               and pd.Timestamp(r["properties"]["time"], unit="s").strftime("%Y-%m") == "2017-02"}
    at = run_page("app_pages/overview.py", "editor", db,
                  query={"period": "2017-02", "segment": "$os=Mac OS X,@source=mixpanel"})
    assert not at.exception, [e.value for e in at.exception][:1]
    assert at.selectbox(key="overview_source").value == "mixpanel"
    mau = next(m for m in at.metric if m.label == "Monthly active users")
    assert mau.value == str(len(feb_mac))
    at.selectbox(key="overview_source").set_value("amplitude").run()
    assert not at.exception, [e.value for e in at.exception][:1]
    g = run_page("app_pages/growth.py", "editor", db)
    assert not g.exception, [e.value for e in g.exception][:1]
    g.selectbox(key="growth_source").set_value("amplitude").run()
    assert not g.exception, [e.value for e in g.exception][:1]
    assert any("events from amplitude" in c.value for c in g.caption)


def test_amplitude_zip_upload_warns_about_a_second_user_base(run_page, tmp_path):
    db = imported_workspace(tmp_path / "w.duckdb", MIXPANEL, actor=EDITOR)
    at = run_page("app_pages/data.py", "editor", db)
    zipped = (DATA / "amplitude_export.zip").read_bytes()
    at.file_uploader[0].set_value(("export.zip", zipped, "application/zip")).run()
    assert not at.exception, [e.value for e in at.exception][:1]
    assert any("Amplitude events" in m.value for m in at.markdown)
    warned = [w.value for w in at.warning]
    assert any("Only 0 of this file's 7 people are among the workspace's 5" in w for w in warned), warned
    assert any(md("1 under amplitude_id") in c.value for c in at.caption)
