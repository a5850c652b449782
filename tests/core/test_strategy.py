"""pm_core.strategy checked against arithmetic written out in the tests (plain Python and pandas over rows built here),
the audit log read back with SQL, and the Market share KPI recomputed from the metric points it reads."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from pm_core import audiences, audit, metrics, strategy
from pm_core.auth import PermissionDenied
from pm_core.demo import SAMPLE_DIR
from pm_core.formatting import Unit, format_value
from pm_core.strategy import StrategyError
from tests.factories import append_df

BOTTOM_UP = {"market": "Portugal long stays", "method": "bottom_up", "units": 160000, "unit_label": "remote workers",
             "price": 3250, "sam_share": "40%", "som_share": 0.08, "assumptions": "Team estimate.",
             "sources": ["https://www.ine.pt/", "Pilot listings, Q3 2026"]}
TOP_DOWN = {"market": "EU long stays", "method": "top_down", "tam": 1.2e9, "sam": 3.0e8, "som": 1.5e7}
ENTRY = {"factor": "legal", "title": "New licences frozen in city centres", "evidence": {"note": "Law 56/2023"},
         "impact": 5, "likelihood": 4}


def _audit_rows(store, object_type=None) -> pd.DataFrame:
    df = store.query_df("SELECT actor, action, object_type, object_id, object_name, summary FROM audit_log ORDER BY seq")
    return df if object_type is None else df[df["object_type"] == object_type].reset_index(drop=True)


# -- validation: every message names its field ------------------------------------------------------------
@pytest.mark.parametrize("data, field, words", [
    ({**ENTRY, "factor": "cultural"}, "factor", "political"),
    ({**ENTRY, "impact": 6}, "impact", "1 to 5"),
    ({**ENTRY, "likelihood": 2.5}, "likelihood", "whole number"),
    ({**ENTRY, "title": "  "}, "title", "entry cannot be empty"),
    ({**ENTRY, "evidence": {}}, "evidence", "source link or a note"),
    ({**ENTRY, "evidence": {"url": "javascript:alert(1)"}}, "evidence.url", "http:// or https://"),
    ({**ENTRY, "evidence": {"url": "ftp://example.com/x"}}, "evidence.url", "http:// or https://"),
    ({**ENTRY, "evidence": {"url": "example.com"}}, "evidence.url", "http:// or https://"),
])
def test_pestle_entry_messages_name_the_field(store, editor, data, field, words):
    pid = strategy.save_pestle(store, editor, {"name": "Portugal", "summary": "One sentence."})
    with pytest.raises(StrategyError) as exc:
        strategy.save_pestle_entry(store, editor, pid, data)
    assert field in exc.value.errors, exc.value.errors
    assert words in exc.value.errors[field]
    assert strategy.get_item(store, "pestle", pid).entries == []  # nothing stored


@pytest.mark.parametrize("data, field, words", [
    ({**TOP_DOWN, "sam": 2e9}, "sam", "cannot be larger than the TAM"),
    ({**TOP_DOWN, "som": 4e8}, "som", "cannot be larger than the SAM"),
    ({**TOP_DOWN, "tam": None}, "tam", "top-down sizing needs the TAM"),
    ({**TOP_DOWN, "tam": -5}, "tam", "at least 0"),
    ({**TOP_DOWN, "tam": "lots"}, "tam", "must be a number"),
    ({**BOTTOM_UP, "price": None}, "price", "annual revenue per one of the remote workers"),
    ({**BOTTOM_UP, "sam_share": 1.5}, "sam_share", "between 0 and 1"),
    ({**BOTTOM_UP, "sources": ["data:text/html,<b>x</b>"]}, "sources.0.url", "http:// or https://"),
    ({**TOP_DOWN, "market": ""}, "market", "cannot be empty"),
    ({**TOP_DOWN, "share_basis": "arr"}, "share_basis", "none, tam, sam, som"),
])
def test_sizing_messages_name_the_field(store, editor, data, field, words):
    with pytest.raises(StrategyError) as exc:
        strategy.save_sizing(store, editor, data)
    assert field in exc.value.errors, exc.value.errors
    assert words in exc.value.errors[field]
    assert strategy.list_sizings(store) == []


def test_board_grid_and_vision_messages(store, editor):
    with pytest.raises(StrategyError) as exc:
        strategy.save_pestle(store, editor, {"name": "Launch", "scope": "initiative"})
    assert "initiative_id" in exc.value.errors
    with pytest.raises(StrategyError) as exc:
        strategy.save_pestle(store, editor, {"name": "Launch", "scope": "initiative", "initiative_id": "ini_gone"})
    assert "no initiative with id 'ini_gone'" in exc.value.errors["initiative_id"]
    with pytest.raises(StrategyError) as exc:
        strategy.save_pestle(store, editor, {"name": "X", "summary": "Line one.\nLine two."})
    assert "one sentence" in exc.value.errors["summary"]
    with pytest.raises(StrategyError) as exc:
        strategy.save_grid(store, editor, {"name": "G", "competitors": "A\nB\na", "criteria": "Price"})
    assert "line 3" in exc.value.errors["competitors"] and "twice" in exc.value.errors["competitors"]
    with pytest.raises(StrategyError) as exc:
        strategy.save_grid(store, editor, {"name": "G", "competitors": "A", "criteria": ""})
    assert "at least one criterion" in exc.value.errors["criteria"]
    with pytest.raises(StrategyError) as exc:
        strategy.save_statement(store, editor, {"vision": "x" * 601})
    assert "vision" in exc.value.errors and "600" in exc.value.errors["vision"]
    gid = strategy.save_grid(store, editor, {"name": "G", "competitors": ["A"], "criteria": ["Price"]})
    with pytest.raises(StrategyError) as exc:
        strategy.score_competitor(store, editor, gid, "A", {"Price": {"score": 9}})
    assert "Price.score" in exc.value.errors
    with pytest.raises(StrategyError) as exc:
        strategy.score_competitor(store, editor, gid, "Z", {"Price": {"score": 3}})
    assert "competitor" in exc.value.errors


# -- sizing maths against an independent computation ---------------------------------------------------------
@pytest.mark.parametrize("units, price, a, b", [(160000, 3250, 0.4, 0.08), (1, 0.5, 1.0, 1.0), (2.5e6, 19.99, 0.125, 0.3)])
def test_bottom_up_is_units_times_price_times_share(store, editor, units, price, a, b):
    sid = strategy.save_sizing(store, editor, {**BOTTOM_UP, "units": units, "price": price, "sam_share": a,
                                               "som_share": b})
    fig = strategy.sizing_figures(store, strategy.get_item(store, "sizing", sid))
    tam = units * price
    assert fig.tam == pytest.approx(tam)
    assert fig.sam == pytest.approx(tam * a)
    assert fig.som == pytest.approx(tam * a * b)
    assert f"{units:,.0f} remote workers" in fig.lines["tam"]
    assert "×" in fig.lines["som"] and fig.lines["som"].endswith(format_value(tam * a * b, Unit.CURRENCY, currency="USD"))


def test_top_down_keeps_the_figures_and_drops_bottom_up_inputs(store, editor):
    sid = strategy.save_sizing(store, editor, {**TOP_DOWN, "units": 5, "price": 9})
    s = strategy.get_item(store, "sizing", sid)
    assert (s.units, s.price) == (None, None)
    fig = strategy.figures(s, "EUR")
    assert (fig.tam, fig.sam, fig.som) == (1.2e9, 3.0e8, 1.5e7)
    assert "25% of TAM" in fig.lines["sam"] and "5% of SAM" in fig.lines["som"] and "€" in fig.lines["tam"]


def test_report_json_matches_the_sizing(store, editor):
    strategy.save_sizing(store, editor, BOTTOM_UP)
    data = json.loads(json.dumps(strategy.report(store), default=str))
    [s] = data["sizings"]
    assert s["tam"] == 160000 * 3250 and s["sam"] == pytest.approx(160000 * 3250 * 0.4)
    assert s["sources"] == [{"url": "https://www.ine.pt/", "note": ""}, {"url": "", "note": "Pilot listings, Q3 2026"}]


# -- Market share KPI uses the sizing when no market-size series is imported --------------------------------------
def _revenue(store, rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["date", "metric", "value"])
    df["date"] = pd.to_datetime(df["date"]).dt.date
    df["import_id"], df["segment"] = "imp_test", None
    with store.transaction("metrics") as cur:
        append_df(cur, "metric_points", df[["import_id", "metric", "date", "value", "segment"]])
    return df


REVENUE = [("2026-04-01", "revenue", 100_000.0), ("2026-05-01", "revenue", 120_000.0),
           ("2026-06-01", "revenue", 150_000.0), ("2026-07-01", "revenue", 90_000.0)]


def test_market_share_uses_the_chosen_sizing(store, editor):
    df = _revenue(store, REVENUE)
    assert metrics.compute_kpi(store, "market_share", "2026-Q2").value is None  # nothing to divide by yet
    strategy.save_sizing(store, editor, {**BOTTOM_UP, "share_basis": "sam"})
    sam = 160000 * 3250 * 0.4
    q2 = df[(df["date"] >= pd.Timestamp("2026-04-01").date()) & (df["date"] < pd.Timestamp("2026-07-01").date())]
    expected_q2 = q2["value"].sum() / (sam * 3 / 12)
    r = metrics.compute_kpi(store, "market_share", "2026-Q2")
    assert r.value == pytest.approx(expected_q2)
    assert "No 'market_size' series imported" in r.note and "SAM of the market sizing 'Portugal long stays'" in r.note
    assert "$208.0M a year" in r.note and "for the 3 months with revenue" in r.note
    everything = metrics.compute_kpi(store, "market_share", "all")
    assert everything.value == pytest.approx(df["value"].sum() / (sam * 4 / 12))
    # the KPI registry stays the one declaration: its definition says where the denominator can come from
    assert "Strategy page" in metrics.KPI_BY_KEY["market_share"].definition


def test_one_sizing_feeds_market_share_and_archiving_stops_it(store, editor):
    _revenue(store, REVENUE)
    first = strategy.save_sizing(store, editor, {**BOTTOM_UP, "share_basis": "sam"})
    second = strategy.save_sizing(store, editor, {**TOP_DOWN, "share_basis": "som"})
    assert strategy.get_item(store, "sizing", first).share_basis == "none"  # taken over, and audited
    assert "share_basis: sam → none" in _audit_rows(store, "market_sizing")["summary"].iloc[-1]
    r = metrics.compute_kpi(store, "market_share", "2026-Q2")
    assert r.value == pytest.approx(370_000 / (1.5e7 * 3 / 12))
    strategy.archive(store, editor, "sizing", second)
    assert metrics.compute_kpi(store, "market_share", "2026-Q2").value is None


def test_an_imported_market_size_series_wins_over_the_sizing(store, editor):
    _revenue(store, REVENUE + [(d, "market_size", 10_000_000.0) for d, _, _ in REVENUE])
    strategy.save_sizing(store, editor, {**BOTTOM_UP, "share_basis": "tam"})
    r = metrics.compute_kpi(store, "market_share", "2026-Q2")
    assert r.value == pytest.approx(370_000 / 30_000_000)
    assert not r.note or "sizing" not in r.note


# -- roles and audit ---------------------------------------------------------------------------------------
def test_viewers_cannot_write(store, editor, viewer):
    pid = strategy.save_pestle(store, editor, {"name": "Portugal"})
    sid = strategy.save_sizing(store, editor, TOP_DOWN)
    gid = strategy.save_grid(store, editor, {"name": "G", "competitors": ["A"], "criteria": ["Price"]})
    before = store.query_df("SELECT count(*) AS n FROM audit_log")["n"].iloc[0]
    writes = [
        lambda: strategy.save_statement(store, viewer, {"vision": "Mine now"}),
        lambda: strategy.save_pestle(store, viewer, {"name": "X"}),
        lambda: strategy.save_pestle(store, viewer, {"name": "X"}, pid),
        lambda: strategy.save_pestle_entry(store, viewer, pid, ENTRY),
        lambda: strategy.save_sizing(store, viewer, TOP_DOWN),
        lambda: strategy.save_grid(store, viewer, {"name": "G", "competitors": ["A"], "criteria": ["B"]}),
        lambda: strategy.score_competitor(store, viewer, gid, "A", {"Price": {"score": 3}}),
        lambda: strategy.archive(store, viewer, "sizing", sid),
        lambda: strategy.archive(store, None, "grid", gid),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    assert store.query_df("SELECT count(*) AS n FROM audit_log")["n"].iloc[0] == before
    assert strategy.get_statement(store).empty and len(strategy.list_sizings(store)) == 1


def test_store_writes_refuse_a_viewer_too(store, viewer):
    from pm_core.store import strategy_store as q

    with pytest.raises(PermissionDenied):
        with store.transaction("strategy") as cur:
            q.insert_item(cur, viewer, "sizing", "X", {}, None)
    assert store.query_df("SELECT count(*) AS n FROM strategy_items")["n"].iloc[0] == 0


def test_every_write_leaves_one_audit_row(store, editor):
    strategy.save_statement(store, editor, {"vision": "Win the long stay.", "narrative": "Para one.\n\nPara two."})
    strategy.save_statement(store, editor, {"vision": "Win the month-long stay.", "narrative": "Para one."})
    pid = strategy.save_pestle(store, editor, {"name": "Portugal", "summary": "Visa helps."})
    eid = strategy.save_pestle_entry(store, editor, pid, ENTRY)
    strategy.save_pestle_entry(store, editor, pid, {**ENTRY, "impact": 3}, eid)
    strategy.remove_pestle_entry(store, editor, pid, eid)
    sid = strategy.save_sizing(store, editor, TOP_DOWN)
    strategy.save_sizing(store, editor, {**TOP_DOWN, "som": 2e7}, sid)
    gid = strategy.save_grid(store, editor, {"name": "G", "competitors": ["Us", "Them"], "criteria": ["Price"]})
    strategy.score_competitor(store, editor, gid, "Them", {"Price": {"score": 4, "note": "cheap"}})
    strategy.archive(store, editor, "pestle", pid)
    strategy.archive(store, editor, "pestle", pid, archived=False)
    rows = _audit_rows(store)
    assert list(zip(rows["action"], rows["object_type"])) == [
        ("create", "strategy_statement"), ("edit", "strategy_statement"), ("create", "pestle"), ("edit", "pestle"),
        ("edit", "pestle"), ("edit", "pestle"), ("create", "market_sizing"), ("edit", "market_sizing"),
        ("create", "competitive_grid"), ("edit", "competitive_grid"), ("archive", "pestle"), ("restore", "pestle")]
    assert set(rows["actor"]) == {editor.email}
    assert rows["object_id"].notna().all()
    assert "vision: Win the long stay. → Win the month-long stay." in rows["summary"][1]
    assert "impact: 5 → 3" in rows["summary"][4] and "removed Legal entry" in rows["summary"][5]
    assert "som: 1.5e+07 → 2e+07" in rows["summary"][7]
    assert rows["summary"][9] == "Them: Price: — → 4 (note changed)"
    # the audit page lists them under their words
    listed = audit.list_audit(store, editor, object_type="competitive_grid")
    assert listed[0]["object_label"] == "Competitive grid"


def test_a_failed_write_leaves_no_audit_row(store, editor):
    pid = strategy.save_pestle(store, editor, {"name": "Portugal"})
    n = len(_audit_rows(store))
    with pytest.raises(StrategyError):
        strategy.save_pestle_entry(store, editor, pid, ENTRY, entry_id="pe_missing")
    with pytest.raises(StrategyError):
        strategy.archive(store, editor, "grid", pid)  # a board's id is not a grid
    assert len(_audit_rows(store)) == n


# -- the grid keeps cells of what is still listed -----------------------------------------------------------------
def test_reshaping_a_grid_keeps_remaining_cells(store, editor):
    gid = strategy.save_grid(store, editor, {"name": "G", "competitors": ["A", "B"], "criteria": ["Price", "Speed"]})
    strategy.score_competitor(store, editor, gid, "A", {"Price": {"score": 2}, "Speed": {"score": 5, "note": "fast"}})
    strategy.score_competitor(store, editor, gid, "B", {"Price": {"score": 4}})
    strategy.save_grid(store, editor, {"name": "G", "competitors": ["A", "C"], "criteria": ["Speed", "Support"]}, gid)
    g = strategy.get_item(store, "grid", gid)
    assert g.cell("A", "Speed").score == 5 and g.cell("A", "Speed").note == "fast"
    assert g.cell("A", "Price").score is None and "B" not in g.cells
    totals = strategy.grid_totals(g)
    assert totals["A"] == {"scored": 1, "mean": 5.0} and totals["C"] == {"scored": 0, "mean": None}


# -- demo and the executive briefing -------------------------------------------------------------------------
def test_demo_strategy_and_executive_briefing(store, editor):
    strategy.seed_demo(store, editor, SAMPLE_DIR)
    strategy.seed_demo(store, editor, SAMPLE_DIR)  # idempotent
    spec = json.loads((SAMPLE_DIR / "strategy.json").read_text(encoding="utf-8"))
    [board] = strategy.list_pestles(store)
    assert len(board.entries) == len(spec["pestles"][0]["entries"])
    assert {e.factor for e in board.entries} == set(strategy.FACTORS)  # every factor has evidence
    [grid] = strategy.list_grids(store)
    assert (len(grid.competitors), len(grid.criteria)) == (3, 5)
    b = audiences.build_briefing(store, "executives", sections=audiences.PRESENTATION_SECTIONS)
    ids = [s.id for s in b.sections]
    assert ids[:4] == ["metrics", "strategy_vision", "strategy_market", "strategy_grid"]
    vision = b.section("strategy_vision")
    assert vision.items[0].text == spec["vision"]
    market = b.section("strategy_market")
    sz = spec["sizings"][0]
    tiles = {m.label: m.value for m in market.metrics()}
    assert tiles["SAM: Portugal long stays"] == pytest.approx(sz["units"] * sz["price"] * sz["sam_share"])
    texts = [i.text for i in market.items if getattr(i, "kind", "") == "text"]
    assert any(spec["pestles"][0]["summary"] in t for t in texts)
    # the executives' own view carries it too, right after the headline numbers
    assert audiences.build_briefing(store, "executives").sections[1].id == "strategy_vision"


def test_empty_workspace_adds_no_strategy_section(store):
    assert strategy.briefing_sections(store) == []
    b = audiences.build_briefing(store, "executives", sections=audiences.PRESENTATION_SECTIONS)
    assert not [s for s in b.sections if s.id.startswith("strategy")]


def test_exports_show_pestle_summary_and_market_size(store, editor):
    import io

    from pptx import Presentation

    from pm_core.exports import export_briefing

    strategy.seed_demo(store, editor, SAMPLE_DIR)
    pid = strategy.list_pestles(store)[0].id
    strategy.save_pestle(store, editor, {"name": "Portugal <script>alert(1)</script>",
                                         "summary": "Risky & <b>bold</b>."}, pid)
    b = audiences.build_briefing(store, "executives", sections=audiences.PRESENTATION_SECTIONS)
    html = export_briefing(b, "html").decode("utf-8")
    assert "$208.0M" in html and "$520.0M" in html
    assert "Risky &amp; &lt;b&gt;bold&lt;&#x2F;b&gt;." in html and "<script>alert(1)" not in html
    deck = Presentation(io.BytesIO(export_briefing(b, "pptx")))
    words = " ".join(sh.text_frame.text for slide in deck.slides for sh in slide.shapes if sh.has_text_frame)
    cells = " ".join(c.text for slide in deck.slides for sh in slide.shapes if sh.has_table
                     for r in sh.table.rows for c in r.cells)
    assert "$208.0M" in words and "Risky & <b>bold</b>." in words + cells
    assert "Legal" in cells  # the PESTLE table's heaviest entry


# -- the command line ------------------------------------------------------------------------------------------
def test_cli_reads_and_writes(tmp_path, capsys):
    from pm_core.store import open_store
    from tests.factories import run_cli

    db = str(tmp_path / "cli.duckdb")
    open_store(db).close()
    code, out, _ = run_cli(capsys, "--db", db, "strategy", "--json")
    assert code == 0 and json.loads(out)["sizings"] == [] and json.loads(out)["vision"] == ""
    code, out, _ = run_cli(capsys, "--db", db, "strategy", "sizing", "Portugal", "--method", "bottom_up",
                           "--units", "1200", "--price", "45.5", "--sam-share", "25%", "--som-share", "0.2",
                           "--source", "https://www.ine.pt/", "--share-basis", "som")
    made = json.loads(out)
    assert code == 0 and made["som"] == pytest.approx(1200 * 45.5 * 0.25 * 0.2)
    code, _, err = run_cli(capsys, "--db", db, "strategy", "sizing", "Bad", "--tam", "10", "--sam", "20", "--som", "1")
    assert code == 2 and "SAM" in err and "cannot be larger than the TAM" in err and "Traceback" not in err
    code, _, err = run_cli(capsys, "--db", db, "strategy", "vision", "--vision", "Win the long stay.")
    assert code == 0
    code, _, _ = run_cli(capsys, "--db", db, "strategy", "archive", "sizing", made["id"])
    assert code == 0
    code, _, err = run_cli(capsys, "--db", db, "strategy", "archive", "grid", "grd_missing")
    assert code == 2 and "grd_missing" in err
    code, out, _ = run_cli(capsys, "--db", db, "strategy", "--json", "--archived")
    data = json.loads(out)
    assert data["vision"] == "Win the long stay." and data["sizings"][0]["archived"] is True
    assert data["market_share_basis"] is None  # archived: it no longer feeds Market share
    s = open_store(db)
    try:
        rows = _audit_rows(s)
    finally:
        s.close()
    assert list(rows["actor"].unique()) == ["cli"] and len(rows) == 3  # create, vision, archive; refusals leave none
