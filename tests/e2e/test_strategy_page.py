"""Oracle: the TAM/SAM/SOM the Strategy page shows in Chromium equal units × price × shares computed in this test from
sample_data/strategy.json (the demo's sizing), and the page shows the demo's vision, every PESTLE factor and the
competitive grid; a vision saved through the browser form is shown back with its confirmation.

The journey: a copy of the demo workspace, the app in local mode (an editor), the Strategy page at 1280x800, each
tab opened, read and screenshotted (test-artifacts/strategy-*.png).
"""
from __future__ import annotations

import json

import pytest

from pm_core.formatting import Unit, format_value
from tests.conftest import ROOT
from tests.e2e.conftest import demo_copy, open_tab, page_at, serving, shot_all, wait_idle

pytestmark = pytest.mark.e2e

TIMEOUT = 60_000
SPEC = json.loads((ROOT / "sample_data" / "strategy.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def strategy_server(demo_db_template, tmp_path_factory):
    db = demo_copy(demo_db_template, tmp_path_factory.mktemp("strategy") / "strategy.duckdb")
    with serving(db, "strategy") as server:
        yield server


def _main(pg) -> str:
    return pg.locator('[data-testid="stMainBlockContainer"]').inner_text()


def _assert_clean(pg, where: str) -> None:
    errors = pg.locator('[data-testid="stException"]')
    assert errors.count() == 0, f"{where}: exception box shown: {errors.first.inner_text()[:500]}"
    assert "Traceback" not in _main(pg), where


def test_strategy_page_in_chromium(strategy_server, browser):
    sz = SPEC["sizings"][0]
    tam = sz["units"] * sz["price"]
    want = [format_value(v, Unit.CURRENCY, currency="USD") for v in (tam, tam * sz["sam_share"],
                                                                     tam * sz["sam_share"] * sz["som_share"])]
    with page_at(browser, f"{strategy_server.url}/strategy", TIMEOUT) as pg:
        pg.get_by_text("Product vision").first.wait_for(timeout=TIMEOUT)
        _assert_clean(pg, "vision")
        assert SPEC["vision"] in _main(pg)
        shot_all(pg, "strategy-1-vision")

        open_tab(pg, "PESTLE")
        panel = pg.get_by_role("tabpanel", name="PESTLE")
        text = panel.inner_text()
        for factor in ("Political", "Economic", "Social", "Technological", "Legal", "Environmental"):
            assert factor in text
        assert SPEC["pestles"][0]["summary"] in text
        link = panel.get_by_role("link", name="source").first
        assert link.get_attribute("href").startswith("https://")
        _assert_clean(pg, "pestle")
        shot_all(pg, "strategy-2-pestle")

        open_tab(pg, "Market size")
        panel = pg.get_by_role("tabpanel", name="Market size")
        shown = [v.inner_text().strip() for v in panel.locator('[data-testid="stMetricValue"]').all()]
        assert shown == want
        assert "× 40% serviceable" in panel.inner_text()
        _assert_clean(pg, "market size")
        shot_all(pg, "strategy-3-market-size")

        open_tab(pg, "Competitors")
        panel = pg.get_by_role("tabpanel", name="Competitors")
        panel.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=TIMEOUT)
        _assert_clean(pg, "competitors")
        shot_all(pg, "strategy-4-competitors")

        open_tab(pg, "Vision")
        box = pg.get_by_role("textbox", name="Vision statement")
        box.fill("Homes for people who work from anywhere, <b>for a month or more</b>.")
        pg.get_by_role("button", name="Save vision").click()
        pg.get_by_text("Vision and narrative saved.").first.wait_for(timeout=TIMEOUT)
        wait_idle(pg, TIMEOUT)
        assert "Homes for people who work from anywhere, <b>for a month or more</b>." in _main(pg)  # shown as typed
        _assert_clean(pg, "after save")
        shot_all(pg, "strategy-5-vision-saved")
