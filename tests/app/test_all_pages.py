"""AppTest over every page of the navigation, as an editor and as an intranet viewer, on the demo workspace."""
from __future__ import annotations

import re

import pytest

from tests.factories.pages import nav_pages

WRITE_WORDS = re.compile(r"\b(save|delete|add|archive|import|create|update|replace|confirm|remove|edit|check.?in)\b", re.I)
ALL_PAGES = [f"app_pages/{stem}.py" for stem, _ in nav_pages()]
VIEWER_PAGES = [f"app_pages/{stem}.py" for stem, _ in nav_pages(editors_only=False)]


def _no_exception(at, where):
    assert not at.exception, f"{where}: {[e.value for e in at.exception][:1]}"
    assert len(at.title) >= 1, f"{where}: page has no title"


@pytest.mark.parametrize("page", ALL_PAGES)
def test_page_renders_for_editor(run_page, demo_db_path, page):
    at = run_page(page, "editor", demo_db_path)
    _no_exception(at, f"editor {page}")


@pytest.mark.parametrize("page", VIEWER_PAGES)
def test_page_renders_read_only_for_viewer(run_page, demo_db_path, page):
    at = run_page(page, "viewer", demo_db_path)
    _no_exception(at, f"viewer {page}")
    assert len(at.file_uploader) == 0, f"{page}: viewer sees an uploader"
    assert len(at.form) == 0, f"{page}: viewer sees a form"
    assert len(at.data_editor) == 0, f"{page}: viewer sees an editable table"
    writes = [b.label for b in at.button if WRITE_WORDS.search(b.label or "")]
    assert not writes, f"{page}: viewer sees write buttons {writes}"


@pytest.mark.parametrize("page", ALL_PAGES)
def test_page_renders_on_an_empty_workspace(run_page, tmp_path, page):
    at = run_page(page, "editor", tmp_path / "empty.duckdb")
    _no_exception(at, f"empty {page}")


def test_viewer_cannot_reach_the_upload_page(run_page, demo_db_path):
    at = run_page("app_pages/overview.py", "viewer", demo_db_path)
    assert not at.exception
    # app.py does not register the Data page for viewers; forcing a switch must not show an uploader.
    try:
        at.switch_page("app_pages/data.py")
        at.run()
    except Exception:
        return
    assert len(at.file_uploader) == 0 and len(at.form) == 0
