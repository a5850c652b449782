"""Every page in the navigation opens in headless Chromium with demo data, for an editor and for a viewer."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import ARTIFACTS, shot, wait_idle
from tests.factories.pages import nav_pages

pytestmark = pytest.mark.e2e




def _url(server, stem: str) -> str:
    # The default page lives at the root: Streamlit answers /overview with "Page not found".
    return f"{server.url}/" if stem == "overview" else f"{server.url}/{stem}"


def _assert_clean(pg, where: str) -> None:
    assert pg.get_by_text("Page not found").count() == 0, f"{where}: Streamlit says 'Page not found'"
    errors = pg.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"{where}: exception box shown: {errors.first.inner_text()[:500]}"
    assert pg.locator('[data-testid="stMainBlockContainer"] h1').count() >= 1, f"{where}: no page title"
    body = pg.locator('[data-testid="stMainBlockContainer"]').inner_text()
    assert "Traceback" not in body, f"{where}: a traceback is shown"


@pytest.mark.parametrize("stem,title", nav_pages())
def test_every_page_renders_for_an_editor(editor_server, page, stem, title):
    page.goto(_url(editor_server, stem))
    wait_idle(page)
    _assert_clean(page, f"editor /{stem}")
    out = shot(page, f"editor-{stem}")
    if os.environ.get("PILLARS_UPDATE_DOCS") == "1" and stem == "overview":
        shutil.copy(out, ROOT / "docs" / "screenshot-overview.png")


@pytest.mark.parametrize("stem,title", nav_pages(editors_only=False))
def test_every_page_is_read_only_for_an_intranet_viewer(viewer_server, page, stem, title):
    page.goto(_url(viewer_server, stem))
    wait_idle(page)
    _assert_clean(page, f"viewer /{stem}")
    assert page.locator('[data-testid="stFileUploader"]').count() == 0, "viewer sees an uploader"
    assert page.locator('[data-testid="stForm"]').count() == 0, f"viewer sees a form on /{stem}"
    assert page.locator('[data-testid="stDataFrameGlideDataEditor"] [aria-readonly="false"]').count() == 0
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Data" not in nav.split(), "the Data (upload) page is listed for a viewer"
    shot(page, f"viewer-{stem}")


def test_viewer_cannot_reach_the_data_page_by_url(viewer_server, page):
    page.goto(f"{viewer_server.url}/data")
    wait_idle(page)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    assert "Data" not in page.locator('[data-testid="stSidebarNav"]').inner_text().split()


def test_cold_start_to_first_rendered_page(e2e_db, browser, tmp_path):
    """Measures (does not assert) server start to first rendered page; the figure goes to test-artifacts."""
    import time

    from tests.e2e.conftest import Server

    db = tmp_path / "cold.duckdb"
    shutil.copy(e2e_db, db)
    t0 = time.perf_counter()
    server = Server(db, {"PILLARS_MODE": "local"}, ARTIFACTS / "server-cold.log")
    try:
        ctx = browser.new_context()
        pg = ctx.new_page()
        pg.goto(server.url)
        wait_idle(pg)
        total = time.perf_counter() - t0
        _assert_clean(pg, "cold start")
        (ARTIFACTS / "cold-start.txt").write_text(
            f"server healthy after {server.ready_after:.2f}s; first page rendered after {total:.2f}s\n")
        print(f"cold start: healthy {server.ready_after:.2f}s, first page {total:.2f}s")
        ctx.close()
    finally:
        server.stop()
