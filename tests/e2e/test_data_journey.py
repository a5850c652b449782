"""Issue 3's 'done when', as a new user would: an empty workspace, every real export and demo export dropped on
the Data page in Chromium, each preview read and confirmed, then the rows found on the other pages."""
from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import ARTIFACTS, Server, _need_chromium, shot, wait_idle

REALDATA = ROOT.parent / "shared" / "realdata"
UPLOADER = '[data-testid="stFileUploader"] input[type="file"]'
# (file, kind shown in the preview); real exports first, as they are, then the demo's own exports
FILES = [(REALDATA / "csat_miro_feature_feedback.csv", "survey"),
         (REALDATA / "jira_bellali.csv", "work items"),
         (REALDATA / "jira_fleetbase_es.csv", "work items"),
         (ROOT / "sample_data" / "amplitude_events.csv.gz", "events"),
         (ROOT / "sample_data" / "jira_nom_export.csv", "work items"),
         (ROOT / "sample_data" / "nps_survey.csv", "survey"),
         (ROOT / "sample_data" / "ab_test_verified_wifi_filter.csv", "experiment"),
         (ROOT / "sample_data" / "metric_series.csv", "metrics"),
         (ROOT / "sample_data" / "levels_salaries.csv", "salaries")]


def _records(path: Path) -> int:
    """Data records in a CSV, counted by Python's csv module (quoted values may span lines)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    _need_chromium()
    if not REALDATA.is_dir():
        pytest.skip(f"the real exports are not at {REALDATA}")
    ARTIFACTS.mkdir(exist_ok=True)
    db = tmp_path_factory.mktemp("journey") / "new.duckdb"
    s = Server(db, {"PILLARS_MODE": "local", "PILLARS_DEMO": "0"}, ARTIFACTS / "server-journey.log")
    yield s
    s.stop()


def _main_text(page) -> str:
    return page.locator('[data-testid="stMainBlockContainer"]').inner_text()


def test_every_export_imports_through_the_data_page_and_shows_up(empty_server, page):
    for path, kind in FILES:
        page.goto(f"{empty_server.url}/data")
        wait_idle(page)
        page.locator(UPLOADER).set_input_files(str(path))
        page.get_by_text("What Pillars understood").wait_for(timeout=120_000)
        wait_idle(page)
        kind_value = page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()
        assert kind_value == kind, f"{path.name}: preview says {kind_value!r}"
        page.get_by_role("button", name=re.compile(r"^Import ")).click()
        ok = page.locator('[data-testid="stAlert"]', has_text=re.compile(r"^Imported "))
        ok.first.wait_for(timeout=120_000)
        n = f"{_records(path):,}"
        assert ok.first.inner_text().startswith(f"Imported {n} of {n} rows"), (path.name, ok.first.inner_text())
        if path.parent == REALDATA:
            shot(page, f"journey-{path.stem}")

    # the history lists every file
    page.goto(f"{empty_server.url}/data")
    wait_idle(page)
    page.get_by_role("tab", name="Import history").click()
    wait_idle(page)
    # the grid draws on a canvas; its accessible table holds the cell text
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    history = grid.locator("table").first.text_content(timeout=10_000) or ""
    for path, _ in FILES:
        assert path.name in history, (path.name, history[:300])
    shot(page, "journey-history")

    # the rows are on the other pages: CSAT from the real survey (the demo's CSAT file is not dropped), the
    # experiment by name, the events on Growth
    # (the first run of each page computes from the new data: wait for what it must show, not for idle)
    page.goto(f"{empty_server.url}/?period=all")
    # CSAT of csat_miro_feature_feedback.csv: 544 of 1,612 non-empty scores are 4-5 (33.7%), counted here
    with (REALDATA / "csat_miro_feature_feedback.csv").open(encoding="utf-8-sig", newline="") as fh:
        scores = [float(r["FF_Score"]) for r in csv.DictReader(fh) if r["FF_Score"].strip()]
    csat = sum(1 for x in scores if x >= 4) / len(scores)
    assert (sum(1 for x in scores if x >= 4), len(scores)) == (544, 1612)
    try:
        page.get_by_text(f"{csat:.1%}", exact=True).first.wait_for(timeout=90_000)
    finally:
        shot(page, "journey-overview")
    page.goto(f"{empty_server.url}/experiments")
    try:
        page.get_by_text("Conversion rate by variant", exact=False).first.wait_for(timeout=90_000)
    finally:
        shot(page, "journey-experiments")
    assert page.url.endswith("experiment=ab_test_verified_wifi_filter")  # named after the file; the link says so
    assert "treatment converted at" in _main_text(page)
    page.goto(f"{empty_server.url}/growth")
    page.get_by_text(re.compile(r"Stickiness|DAU")).first.wait_for(timeout=90_000)
    wait_idle(page)
    assert "No product events yet" not in _main_text(page)
    assert page.locator('[data-testid="stException"]').count() == 0
