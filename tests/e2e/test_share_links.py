"""Stakeholder journeys in a real browser: deep links, escaped survey comments, print to PDF, roadmap links."""
from __future__ import annotations

import subprocess
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import ARTIFACTS, shot, wait_idle

pytestmark = pytest.mark.e2e
XSS = "<img src=x onerror=alert(1)>"


def _params(pg) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(pg.url).query).items()}


def test_deep_link_opens_that_view_for_a_viewer(viewer_server, page):
    page.goto(f"{viewer_server.url}/audiences?audience=executives&period=2026-Q3")
    wait_idle(page)
    params = _params(page)
    assert params.get("audience") == "executives" and params.get("period") == "2026-Q3"
    main = page.locator('[data-testid="stMainBlockContainer"]').inner_text()
    assert "Executives" in main and "Q3 2026" in main
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "viewer-audiences-executives-q3")


def test_invalid_link_parameter_falls_back_with_a_notice(viewer_server, page):
    page.goto(f"{viewer_server.url}/audiences?audience=board-of-directors&period=1999-Q9")
    wait_idle(page)
    main = page.locator('[data-testid="stMainBlockContainer"]').inner_text()
    assert "board-of-directors" in main and "does not exist" in main
    assert page.locator('[data-testid="stException"]').count() == 0
    assert _params(page).get("audience") in {"executives", "engineering", "design", "marketing", "sales", "support"}


@pytest.mark.parametrize("audience", ["design", "support"])
def test_survey_comment_with_html_stays_text(viewer_server, page, audience):
    page.goto(f"{viewer_server.url}/audiences?audience={audience}&period=2026-05")
    wait_idle(page)
    page.wait_for_timeout(1000)  # let data grids draw
    assert page.locator('img[src="x"]').count() == 0, "a survey comment became an <img> element"
    assert not page.dialogs, f"a script from user data ran: {page.dialogs}"
    html = page.content()
    assert XSS not in html, "the raw comment markup is in the page's HTML"
    shot(page, f"viewer-audiences-{audience}-xss")


def test_executive_presentation_prints_to_clean_pdf(viewer_server, page, tmp_path):
    page.goto(f"{viewer_server.url}/present?period=2026-Q3")
    wait_idle(page)
    page.emulate_media(media="print")
    assert not page.locator('[data-testid="stSidebar"]').is_visible(), "the sidebar would print"
    pdf = ARTIFACTS / "executive-q3.pdf"
    page.pdf(path=str(pdf), format="A4", landscape=True, print_background=True)
    assert pdf.stat().st_size > 10_000
    pages = subprocess.run(["python3", "-c", f"import re;print(len(re.findall(rb'/Type\\s*/Page[^s]', open({str(pdf)!r},'rb').read())))"],
                           capture_output=True, text=True).stdout.strip()
    assert int(pages) >= 2, "the briefing should print as several slide-sized pages"


def test_filtered_roadmap_link_opens_the_same_view_for_a_viewer(editor_server, viewer_server, browser):
    ctx = browser.new_context(viewport={"width": 1440, "height": 1000})
    pm = ctx.new_page()
    pm.goto(f"{editor_server.url}/roadmap?view=timeline&pillar=discovery")
    wait_idle(pm)
    link = urlparse(pm.url)
    wanted = _params(pm)
    assert wanted.get("pillar") == "discovery"
    viewer = ctx.new_page()
    viewer.goto(f"{viewer_server.url}{link.path}?{link.query}")
    wait_idle(viewer)
    assert _params(viewer) == wanted, "the viewer's URL lost part of the shared view"
    assert viewer.locator('[data-testid="stException"]').count() == 0
    shot(viewer, "viewer-roadmap-shared-link")
    ctx.close()
