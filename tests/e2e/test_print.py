"""The printed Executive presentation in Chromium (A4 and Letter, landscape): one slide per PDF page, no help icons, no table cut or hidden in a scrolling grid; the PDF's pages are counted by the PDF itself."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.e2e.conftest import ARTIFACTS, shot, wait_idle

pytestmark = pytest.mark.e2e
SLIDES = 'div[class*="st-key-slide-"]'


def _pdf_pages(path) -> int:
    data = path.read_bytes()
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_presentation_prints_one_slide_per_page_without_help_icons(viewer_server, page, paper):
    page.goto(f"{viewer_server.url}/present")
    wait_idle(page)
    page.wait_for_timeout(1500)  # charts draw after the script ends
    slides = page.locator(SLIDES).count()
    assert slides >= 4
    on_screen_icons = page.locator('[data-testid="stTooltipIcon"]').count()
    page.emulate_media(media="print")
    page.wait_for_timeout(500)
    # help icons: present on screen (the tiles' definitions) and hidden in print
    icons = page.locator('[data-testid="stTooltipIcon"], [data-testid="stTooltipHoverTarget"] svg')
    visible = [i for i in range(icons.count()) if icons.nth(i).is_visible()]
    assert on_screen_icons > 0 and not visible, f"{len(visible)} help icons would print"
    # tables: static HTML tables (a data grid prints only its scroll window), none wider than its slide
    assert page.locator(f'{SLIDES} [data-testid="stDataFrame"]').count() == 0
    tables = page.locator(f"{SLIDES} table")
    assert tables.count() >= 2
    for i in range(tables.count()):
        cut = tables.nth(i).evaluate(
            "t => { const s = t.closest('div[class*=\"st-key-slide-\"]').getBoundingClientRect();"
            " const r = t.getBoundingClientRect(); return r.right > s.right + 1 || r.left < s.left - 1; }")
        assert not cut, f"table {i} runs past its slide"
    heads = [page.locator(SLIDES).nth(i).locator("h1, h2, h4").first.inner_text().strip() for i in range(slides)]
    pdf = ARTIFACTS / f"executive-presentation-{paper.lower()}.pdf"
    page.pdf(path=str(pdf), format=paper, landscape=True, print_background=True, prefer_css_page_size=False)
    pages = _pdf_pages(pdf)
    assert pages == slides, f"{slides} slides printed on {pages} {paper} pages"
    if shutil.which("pdftotext"):  # and each page holds its own slide: its heading, and no other slide's
        texts = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"], capture_output=True,
                                text=True, check=True).stdout for n in range(1, pages + 1)]
        norm = [" ".join(t.split()) for t in texts]
        for n, head in enumerate(heads):
            words = " ".join(head.split())[:40]
            assert words in norm[n], f"page {n + 1} does not start slide {n + 1} ({head!r})"
            others = [h for k, h in enumerate(heads) if k != n and h not in heads[n] and heads[n] not in h]
            assert not any(" ".join(o.split())[:40] in norm[n] for o in others if len(o) > 12), f"page {n + 1} holds two slides"
    if shutil.which("pdftoppm"):  # keep a picture of each printed page with the test's artifacts
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(ARTIFACTS / f"print-{paper.lower()}")], check=True)
    page.emulate_media(media="screen")
    shot(page, f"present-before-print-{paper.lower()}")
