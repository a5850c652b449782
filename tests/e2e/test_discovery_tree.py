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


@pytest.fixture(scope="module")
def big_tree_server(tmp_path_factory):
    """A fresh workspace with a 31-node tree built through pm_core before the app opens it (local mode: an editor)."""
    from tests.conftest import EDITOR
    from tests.e2e.conftest import ARTIFACTS, Server, _need_chromium

    _need_chromium()
    db = tmp_path_factory.mktemp("e2e-discovery") / "big.duckdb"
    s = open_store(db)
    try:
        out = discovery.add_node(s, EDITOR, "outcome", {"title": "Long-stay guests book again within 28 days"})
        for i in range(10):
            o = discovery.add_node(s, EDITOR, "opportunity", {"title": f"Opportunity {i + 1}: a need heard in several interviews"},
                                   parent_id=out)
            sol = discovery.add_node(s, EDITOR, "solution", {"title": f"Solution {i + 1} for that need"}, parent_id=o)
            discovery.add_node(s, EDITOR, "test", {"title": f"Test {i + 1}: guests use it"}, parent_id=sol)
        count = len(discovery.flatten(discovery.tree(s)))
    finally:
        s.close()
    server = Server(db, {"PILLARS_MODE": "local"}, ARTIFACTS / "server-discovery.log")
    server.nodes = count
    yield server
    server.stop()


def test_a_31_node_tree_stays_readable(big_tree_server, page):
    assert big_tree_server.nodes == 31
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{big_tree_server.url}/discovery")
    wait_idle(page)
    page.locator('[data-testid="stGraphVizChart"] svg').first.wait_for(state="visible", timeout=30_000)
    nodes = page.locator('[data-testid="stGraphVizChart"] svg g.node')
    assert nodes.count() == 31
    boxes = [nodes.nth(i).bounding_box() for i in range(31)]
    # no two boxes overlap, and the labels are drawn at a size people read (not shrunk to fit)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = (a["x"] + a["width"] <= b["x"] + 1 or b["x"] + b["width"] <= a["x"] + 1
                     or a["y"] + a["height"] <= b["y"] + 1 or b["y"] + b["height"] <= a["y"] + 1)
            assert apart, (a, b)
    heights = page.eval_on_selector_all('[data-testid="stGraphVizChart"] svg g.node text',
                                        "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 9, min(heights)
    page.locator('[data-testid="stGraphVizChart"]').first.scroll_into_view_if_needed()
    shot(page, "discovery-tree-31-nodes")


def test_notes_zip_dropped_on_the_data_page_is_detected_and_imported(big_tree_server, page, tmp_path):
    import re
    import zipfile

    z = tmp_path / "round2.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for who in ("Ines", "Kofi", "Mei"):
            zf.writestr(f"{who.lower()}.md", f"---\nparticipant: {who}\nsegment: Digital nomads\n---\n"
                                             f"- Pain: {who} cannot tell if the wifi works for calls.\n"
                                             f"- Workaround: {who} asks every host for a speed test.\n")
    page.goto(f"{big_tree_server.url}/data")
    wait_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(z))
    page.get_by_text("What Pillars understood").wait_for(timeout=60_000)
    wait_idle(page)
    main = page.locator('[data-testid="stMainBlockContainer"]').inner_text()
    assert "Interview notes" in main, main[:2000]
    page.get_by_role("button", name=re.compile(r"^Import ")).click()
    ok = page.locator('[data-testid="stAlert"]', has_text=re.compile(r"^Imported "))
    ok.first.wait_for(timeout=120_000)
    assert "Imported 6 of 6 rows as interviews (notes)" in ok.first.inner_text()
    page.goto(f"{big_tree_server.url}/discovery?view=evidence")
    wait_idle(page)
    # the tables are drawn on a canvas; the tiles are text: 3 interviews, 6 highlights, all tagged
    tiles = {t.split("\n")[0].strip(): t.split("\n")[-1].strip()
             for t in page.locator('[data-testid="stMetric"]').all_inner_texts()}
    assert tiles.get("Interviews") == "3" and tiles.get("Highlights") == "6", tiles
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, "discovery-evidence-after-zip-import")
