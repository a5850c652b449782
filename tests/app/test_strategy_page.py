"""The Strategy page in AppTest, as an editor and as a viewer: every form's save path is checked by reading the
workspace back through pm_core.strategy on a fresh connection; figures against arithmetic written here."""
from __future__ import annotations

import pytest

from pm_core import strategy
from pm_core.auth import CLI_ACTOR
from pm_core.demo import SAMPLE_DIR
from pm_core.store import open_store
from pm_core.text import md
from tests.factories.apptest import _confirmed, _ok, _read

PAGE = "app_pages/strategy.py"


def _workspace(db, demo: bool = False):
    s = open_store(db)
    try:
        if demo:
            strategy.seed_demo(s, CLI_ACTOR, SAMPLE_DIR)
    finally:
        s.close()


def _open(run_page, tmp_path, role: str = "editor", demo: bool = False):
    """A fresh workspace file (with the demo's strategy when `demo`) and the page run on it as `role`; returns (db, at)."""
    db = tmp_path / "w.duckdb"
    _workspace(db, demo)
    return db, run_page(PAGE, role, db)


def _texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
                     + [e.value for e in at.error])


_INPUTS = ("text_input", "text_area", "number_input", "selectbox", "radio")


def _submit(at, label: str, **values):
    """Set the widgets named by key (any input kind) to `values`, in order, then click the one `label` button and run."""
    for key, value in values.items():
        [w] = [w for kind in _INPUTS for w in getattr(at, kind) if w.key == key]
        w.set_value(value)
    [b] = [b for b in at.button if b.label == label]
    return b.click().run()


@pytest.mark.parametrize("role", ["editor", "viewer"])
@pytest.mark.parametrize("demo", [False, True])
def test_page_renders_for_both_roles(run_page, tmp_path, role, demo):
    db, at = _open(run_page, tmp_path, role, demo)
    _ok(at)
    assert at.title[0].value == "Strategy"
    text = _texts(at)
    if not demo:
        for words in ("No product vision yet", "No PESTLE board yet", "No market sizing yet", "No competitive grid yet"):
            assert words in text
    else:
        assert "Nomadly is the easiest way" in text
        assert "Political" in text and "Environmental" in text
        assert "[source](<https://eur-lex.europa.eu/eli/reg/2024/1028/oj>)" in text  # a checked link, escaped label
        tam = 160000 * 3250
        assert [m.value for m in at.metric] == ["$520.0M", "$208.0M", "$16.6M"]
        assert f"{tam * 0.4 * 0.08 / 1e6:.1f}" in "".join(m.value for m in at.metric)
        assert len(at.dataframe) == 1 and list(at.dataframe[0].value["Competitor"]) == ["Nomadly", "StayLonger", "Casa Mensal"]
    if role == "viewer":
        assert not at.get("form") and not [b for b in at.button if b.label != "Sign in"]
        assert demo or "An editor creates them on this page." in text
    else:
        assert at.get("form")


def test_editor_saves_the_vision(run_page, tmp_path):
    db, at = _open(run_page, tmp_path)
    at = _submit(at, "Save vision", vision_text="Homes for *remote* workers.",
                 narrative_text="We win the long stay.\n\nThen Portugal.")
    _ok(at)
    _confirmed(at, "Vision and narrative saved.")
    st_ = _read(db, strategy.get_statement)
    assert (st_.vision, st_.narrative) == ("Homes for *remote* workers.", "We win the long stay.\n\nThen Portugal.")
    assert "Homes for \\*remote\\* workers." in _texts(at)  # shown as typed, not as emphasis


def test_editor_builds_a_pestle_board(run_page, tmp_path):
    db, at = _open(run_page, tmp_path)
    at = _submit(at, "Create board", pestle_name_new="Portugal long stays",
                 pestle_summary_new="The visa helps; housing law is the risk.")
    _ok(at)
    [board] = _read(db, strategy.list_pestles)
    assert (board.name, board.scope, board.summary) == ("Portugal long stays", "market",
                                                       "The visa helps; housing law is the risk.")
    key = f"new_{board.id}"
    # a link that is not http(s) is refused, naming the field; nothing is stored
    at.selectbox(key=f"entry_factor_{key}").set_value("legal")
    at.text_input(key=f"entry_title_{key}").set_value("Licences frozen")
    at.text_input(key=f"entry_url_{key}").set_value("javascript:alert(1)")
    at = _submit(at, "Add entry")
    assert any("source link\\: the source link must be a web address starting with http" in e.value for e in at.error), [e.value for e in at.error]
    assert _read(db, strategy.list_pestles)[0].entries == []
    at.text_input(key=f"entry_url_{key}").set_value("https://dre.pt/")
    at.selectbox(key=f"entry_impact_{key}").set_value(5)
    at.selectbox(key=f"entry_likely_{key}").set_value(4)
    at = _submit(at, "Add entry")
    _ok(at)
    _confirmed(at, "Entry saved on Portugal long stays.")
    [entry] = _read(db, strategy.list_pestles)[0].entries
    assert (entry.factor, entry.title, entry.evidence.url, entry.impact, entry.likelihood) == (
        "legal", "Licences frozen", "https://dre.pt/", 5, 4)
    # edit it, then remove it
    at.selectbox(key=f"entry_likely_{entry.id}").set_value(2)
    at = _submit(at, "Save entry")
    _ok(at)
    assert _read(db, strategy.list_pestles)[0].entries[0].likelihood == 2
    at = _submit(at, "Remove entry")
    _ok(at)
    assert _read(db, strategy.list_pestles)[0].entries == []
    # edit the header, archive and restore
    at.text_input(key=f"pestle_summary_{board.id}").set_value("Changed summary.")
    at = _submit(at, "Save board")
    assert _read(db, strategy.list_pestles)[0].summary == "Changed summary."
    at = _submit(at, "Archive this board")
    _ok(at)
    assert _read(db, strategy.list_pestles) == [] and _read(db, strategy.list_pestles, include_archived=True)
    at = _submit(at, "Restore")
    assert [b.name for b in _read(db, strategy.list_pestles)] == ["Portugal long stays"]


def test_editor_sizes_a_market_bottom_up(run_page, tmp_path):
    db, at = _open(run_page, tmp_path)
    at = _submit(at, "Create sizing", sizing_market_new="Portugal long stays", sizing_method_new="bottom_up",
                 sizing_units_new=160000.0, sizing_price_new=3250.0, sizing_sam_share_new=40.0)
    assert any("SOM share\\: a bottom-up sizing needs" in e.value for e in at.error), [e.value for e in at.error]
    assert _read(db, strategy.list_sizings) == []
    at = _submit(at, "Create sizing", sizing_som_share_new=8.0, sizing_sources_new="https://www.ine.pt/\nPilot listings",
                 sizing_basis_new="sam")
    _ok(at)
    _confirmed(at, "Market sizing Portugal long stays saved.")
    [s] = _read(db, strategy.list_sizings)
    assert (s.units, s.price, s.sam_share, s.som_share, s.share_basis) == (160000, 3250, 0.4, 0.08, "sam")
    assert [(e.url, e.note) for e in s.sources] == [("https://www.ine.pt/", ""), ("", "Pilot listings")]
    assert [m.value for m in at.metric] == ["$520.0M", "$208.0M", "$16.6M"]
    assert md("SAM = 160,000 customers × $3,250 a year each × 40% serviceable = $208.0M") in _texts(at)
    at.number_input(key=f"sizing_som_share_{s.id}").set_value(10.0)
    at = _submit(at, "Save sizing")
    _ok(at)
    assert _read(db, strategy.list_sizings)[0].som_share == pytest.approx(0.1)
    at = _submit(at, "Archive this sizing")
    _ok(at)
    assert _read(db, strategy.list_sizings) == []


def test_editor_builds_and_scores_a_grid(run_page, tmp_path):
    db, at = _open(run_page, tmp_path)
    at = _submit(at, "Create grid", grid_name_new="Long-stay platforms", grid_competitors_new="Us\nThem",
                 grid_criteria_new="Price\nWiFi\nSupply")
    _ok(at)
    [g] = _read(db, strategy.list_grids)
    assert (g.competitors, g.criteria) == (["Us", "Them"], ["Price", "WiFi", "Supply"])
    at.selectbox(key=f"score_pick_{g.id}").set_value("Them").run()
    at.selectbox(key=f"score_{g.id}_Them_0").set_value(4)
    at.selectbox(key=f"score_{g.id}_Them_2").set_value(2)
    at.text_input(key=f"note_{g.id}_Them_0").set_value("Cheaper monthly")
    at = _submit(at, "Save scores")
    _ok(at)
    _confirmed(at, "Scores saved for Them.")
    g = _read(db, strategy.list_grids)[0]
    assert (g.cell("Them", "Price").score, g.cell("Them", "Price").note, g.cell("Them", "Supply").score) == (
        4, "Cheaper monthly", 2)
    assert g.cell("Them", "WiFi").score is None
    shown = at.dataframe[0].value
    assert shown.loc[shown["Competitor"] == "Them", "Mean"].iloc[0] == pytest.approx((4 + 2) / 2)
    at.text_area(key=f"grid_criteria_{g.id}").set_value("Price\nWiFi")
    at = _submit(at, "Save grid")
    _ok(at)
    assert _read(db, strategy.list_grids)[0].criteria == ["Price", "WiFi"]
    at = _submit(at, "Archive this grid")
    assert _read(db, strategy.list_grids) == []


def test_market_share_card_states_the_sizing_it_uses(run_page, tmp_path):
    """With revenue but no market-size series, the Overview's Market share card uses the sizing and says so."""
    import pandas as pd

    from tests.factories import append_df

    db = tmp_path / "w.duckdb"
    s = open_store(db)
    try:
        rows = pd.DataFrame({"import_id": "imp_t", "metric": "revenue", "value": [100_000.0, 120_000.0, 150_000.0],
                             "date": pd.to_datetime(["2026-04-01", "2026-05-01", "2026-06-01"]).date, "segment": None})
        with s.transaction("metrics") as cur:
            append_df(cur, "metric_points", rows)
        sid = strategy.save_sizing(s, CLI_ACTOR, {"market": "Portugal", "method": "top_down", "tam": 9.6e7,
                                                  "sam": 4.8e7, "som": 2.4e6, "share_basis": "sam"})
    finally:
        s.close()
    expected = rows["value"].sum() / (4.8e7 * 3 / 12)   # three months of revenue against a quarter of the SAM
    at = run_page("app_pages/overview.py", "viewer", db, query={"period": "all"})
    _ok(at)
    text = _texts(at) + "\n".join(m.value for m in at.metric)
    assert md("Market size assumed: the SAM of the market sizing 'Portugal' (top-down), $48.0M a year.") in text
    [card] = [m for m in at.metric if m.label == "Market share"]
    assert "No 'market\\_size' series imported" in card.help   # the tooltip says how it was prorated
    assert f"{expected * 100:.1f}%" in text
    at = run_page(PAGE, "viewer", db)
    _ok(at)
    [info] = [i.value for i in at.info if "Market share KPI uses this SAM" in i.value]
    assert f"{expected * 100:.1f}%" in info
    assert sid in [x.id for x in _read(db, strategy.list_sizings)]


def test_a_second_board_is_selected_once_created(run_page, tmp_path):
    db, at = _open(run_page, tmp_path, demo=True)
    pick = at.selectbox(key="pestle_pick")
    assert pick.options[-1] == "New board…"
    pick.select_index(len(pick.options) - 1).run()
    at.text_input(key="pestle_name_new").set_value("Spain long stays")
    at = _submit(at, "Create board")
    _ok(at)
    boards = _read(db, strategy.list_pestles)
    assert [b.name for b in boards] == ["Portugal long stays (new market)", "Spain long stays"]
    assert at.selectbox(key="pestle_pick").value == boards[1].id
    assert any(m.value.startswith("**Spain long stays**") for m in at.markdown)
