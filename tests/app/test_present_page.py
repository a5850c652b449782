"""AppTest of the executive presentation mode: slides, print stylesheet, roles, empty workspace, links."""
from __future__ import annotations

import re
import shutil

import pytest

from pm_core.store import open_store
from pm_core.text import md
from tests.factories.audiences import build_workspace

PAGE = "app_pages/present.py"
WRITE_WORDS = re.compile(r"\b(save|delete|add|archive|import|create|update|replace|confirm|remove|edit|reset)\b", re.I)
SLIDES = ["Headline numbers", "OKR progress", "Roadmap: top items", "Risks"]


@pytest.fixture(scope="module")
def full_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("present") / "w.duckdb"
    s = open_store(path)
    build_workspace(s)
    s.close()
    return path


@pytest.fixture
def full_db(full_template, tmp_path):
    p = tmp_path / "full.duckdb"
    shutil.copy(full_template, p)
    return p


def _style(at) -> str:
    styles = [m for m in at.markdown if "<style>" in m.value]
    assert len(styles) == 1
    assert styles[0].allow_html
    return styles[0].value


def _slide_titles(at) -> list[str]:
    return [m.value[3:] for m in at.markdown if m.value.startswith("## ")]


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_one_slide_per_section_with_no_editing_chrome(run_page, full_db, role):
    at = run_page(PAGE, role, full_db, query={"period": "2026-Q3"})
    assert not at.exception, [e.value for e in at.exception][:1]
    titles = _slide_titles(at)
    assert len(titles) == 1 + len(SLIDES)  # the headline slide, then one per section
    for want, got in zip(SLIDES, titles[1:]):
        assert got.startswith(md(want))  # the Markdown source: titles are escaped like user text
    assert "Q3 2026" in titles[0]
    assert len(at.metric) >= 6
    assert len(at.form) == 0 and len(at.text_input) == 0 and len(at.text_area) == 0
    assert not [b.label for b in at.button if WRITE_WORDS.search(b.label or "")]
    assert not at.error


def test_print_stylesheet_is_static_and_breaks_pages(run_page, full_db):
    at = run_page(PAGE, "viewer", full_db, query={"period": "2026-Q3"})
    css = _style(at)
    assert "@media print" in css and "break-before: page" in css
    for chrome in ("stSidebar", "stHeader", "stToolbar"):
        assert chrome in css
    assert "HYPERLINK" not in css and "img src" not in css and "Dedicated" not in css  # no user text in the HTML


def test_risks_and_roadmap_health_show(run_page, full_db):
    at = run_page(PAGE, "viewer", full_db, query={"period": "2026-Q3"})
    md = "\n".join(m.value for m in at.markdown)
    assert "Dedicated workspace listings" in md and "At risk" in md
    assert len(at.table) >= 2  # OKR key results and roadmap items, as static tables that print whole


def test_empty_workspace(run_page, tmp_path):
    at = run_page(PAGE, "viewer", tmp_path / "empty.duckdb")
    assert not at.exception, [e.value for e in at.exception][:1]
    assert any("No data yet" in i.value for i in at.info)
    assert len(_slide_titles(at)) == 1 + len(SLIDES)


def test_invalid_period_in_the_link_falls_back_with_a_notice(run_page, full_db):
    at = run_page(PAGE, "viewer", full_db)
    at.query_params["period"] = "1999-Q9"
    at.run()
    assert not at.exception
    # the sidebar select keeps its session value; the notice says what the link asked for
    assert any("1999-Q9" in w.value for w in at.warning)


def test_demo_presentation_for_q3(run_page, demo_db_path):
    at = run_page(PAGE, "viewer", demo_db_path, query={"period": "2026-Q3"})
    assert not at.exception, [e.value for e in at.exception][:1]
    titles = _slide_titles(at)
    # the demo has a strategy (issue 19): its three slides follow the headline numbers; a slide that only
    # appears with content (AI features, the opportunity solution tree) may come after the four
    strategy_slides = ["Strategy\\: vision and narrative", "Strategy\\: market size and PESTLE", "Strategy\\: competitive grid"]
    assert titles[2:5] == strategy_slides and not at.error
    core = [t for t in titles[1:] if t not in strategy_slides]
    assert len(core) >= len(SLIDES)
    for want, got in zip(SLIDES, core):
        assert got.startswith(md(want))
    assert "Q3 2026" in titles[0]


def test_an_unknown_briefing_item_fails_loudly(run_page, full_db, monkeypatch):
    """A briefing item type the page does not know raises (naming it) instead of vanishing from the page."""
    from tests.factories import add_unknown_briefing_item

    add_unknown_briefing_item(monkeypatch)
    at = run_page(PAGE, "viewer", full_db, query={"period": "2026-Q3"})
    assert at.exception  # UnknownItemError ('quote'); the app shows it redacted (client.showErrorDetails)
