"""The opportunity solution tree in Chromium: the demo tree is drawn (an SVG with one box per node of the stored tree,
counted here through pm_core.discovery on the same workspace), a deep link opens a node for a viewer, and the screenshot
is kept under test-artifacts/ to look at."""
from __future__ import annotations

import pytest

from pm_core import discovery
from pm_core.store import open_store
from tests.e2e.conftest import shot, wait_idle

pytestmark = pytest.mark.e2e


def _tree(db):
    s = open_store(db, read_only=True)
    try:
        return discovery.flatten(discovery.tree(s))
    finally:
        s.close()


@pytest.fixture(scope="module")
def demo_nodes(demo_db_template):
    return _tree(demo_db_template)


def test_tree_renders_for_a_viewer_with_every_node(viewer_server, page, demo_nodes):
    target = next(n for n in demo_nodes if n.title == "Long stays feel punished on price")
    page.set_viewport_size({"width": 1500, "height": 1100})
    page.goto(f"{viewer_server.url}/discovery?view=tree&node={target.id}")
    wait_idle(page)
    chart = page.locator('[data-testid="stGraphVizChart"] svg')
    chart.first.wait_for(state="visible", timeout=30_000)
    boxes = page.locator('[data-testid="stGraphVizChart"] svg g.node')
    assert boxes.count() == len(demo_nodes) == 11
    text = page.locator('[data-testid="stGraphVizChart"]').inner_text()
    for n in demo_nodes:
        assert n.title.split()[0] in text
    box = chart.first.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 200, box  # drawn at a readable size, not squashed
    main = page.locator('[data-testid="stMainBlockContainer"]').inner_text()
    assert "Long stays feel punished on price" in main and "3 interviews" in main
    assert "no interview evidence" in main  # the gap is flagged
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Save node" not in main and "Delete" not in main  # viewers get no write controls
    shot(page, "discovery-tree-viewer")
