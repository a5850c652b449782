"""Editor-written and imported text is shown as typed to viewers: checked in Chromium on every page, tab and
audience view of a workspace whose every text field holds Markdown/HTML payloads, by watching the browser's
requests (nothing may go to 127.0.0.1:9) and the drawn DOM (no <img>, javascript: link, <strong>, heading or
LaTeX made from the payload, and the payload's own characters visible)."""
from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote, urlparse

import pandas as pd
import pytest

from pm_core import audiences, career, okrs, roadmap
from pm_core.auth import Actor
from pm_core.periods import quarter_of
from pm_core.store import open_store
from tests.e2e.conftest import ARTIFACTS, Server, shot, wait_idle
from tests.factories import append_df

pytestmark = pytest.mark.e2e

EDITOR = Actor(email="pm@example.com", role="editor")
IMG = "![i](http://127.0.0.1:9/p.png)"
TAG = "<img src=http://127.0.0.1:9/x.png>"
LINK = "[click](javascript:alert(1))"
# One line holding every payload; it starts with '# ' so that, unescaped, it would become a heading.
PAY = f"# heading **bold** {IMG} {TAG} {LINK} $x^2$"
BLOCK = f"# heading\n\n**bold** {IMG}\n{TAG}\n\n- {LINK}\n\n$x^2$ | a | b |\n|---|---|"
TODAY = dt.date.today()
QUARTER = quarter_of(TODAY).label


def _pay(n: int | str) -> str:
    return f"{PAY} {n}"


def _data(store) -> None:
    """Imported names: event names, property keys and values, experiment and variant names, comments, Jira titles."""
    start = dt.datetime.combine(quarter_of(TODAY).start, dt.time(9)) - dt.timedelta(days=60)
    rows = []
    for u in range(60):
        for k in range(4):
            t = start + dt.timedelta(days=u % 20 + 7 * k)
            if t.date() >= TODAY:
                break
            props = json.dumps({"platform": _pay("platform") if u % 2 else "Web", IMG: _pay("key")})
            rows.append((f"u{u}", _pay("event"), t, props))
            rows.append((f"u{u}", "search", t, props))
    ev = pd.DataFrame(rows, columns=["user_id", "event", "ts", "properties"])
    ev["import_id"] = "imp_events"
    exp = pd.DataFrame([dict(import_id="imp_exp", experiment=_pay("experiment"), user_id=f"e{i}",
                             variant="control" if i % 2 else f"{IMG} variant", converted=i % 7 == 0,
                             exposed_at=start + dt.timedelta(hours=i)) for i in range(400)])
    surveys = pd.DataFrame([dict(import_id="imp_csat", respondent=f"r{i}", responded_at=start + dt.timedelta(days=i),
                                 scale="csat" if i % 2 else "nps", score=float(3 + i % 3), comment=_pay(f"comment {i}"))
                            for i in range(40)])
    jira = pd.DataFrame([dict(import_id="imp_jira", key=f"NOM-{i}", title=_pay(f"issue {i}"), type="Story",
                              type_category="story", status=_pay("status"),
                              status_category="done" if i % 2 else "in_progress",
                              created=pd.Timestamp(start), resolved=pd.Timestamp(start + dt.timedelta(days=9)) if i % 2 else None,
                              due=None, points=3.0, sprint=None, epic="NOM-1", parent_key="NOM-1", labels=[IMG],
                              assignee=_pay("dev"), priority="Medium") for i in range(6)])
    salaries = pd.DataFrame([dict(import_id="imp_sal", company=_pay("company"), title=_pay("title"), level=_pay("L4"),
                                  ladder_level=None, location=_pay("location"), currency="USD", years=3.0,
                                  base=150000.0 + 1000 * i, stock=20000.0, bonus=10000.0, total=180000.0 + 1000 * i,
                                  reported_on=TODAY) for i in range(8)])
    with store.transaction() as cur:
        append_df(cur, "events", ev)
        append_df(cur, "experiment_exposures", exp)
        append_df(cur, "survey_responses", surveys)
        append_df(cur, "work_items", jira)
        append_df(cur, "salaries", salaries)


def _written(store) -> dict:
    """Every editor-written field, through pm_core's own write functions."""
    okrs.create_period(store, EDITOR, _pay("period"), quarter_of(TODAY).start, quarter_of(TODAY).end - dt.timedelta(days=1))
    ids: dict = {}
    for period in (QUARTER, _pay("period")):
        parent = okrs.create_objective(store, EDITOR, {"title": _pay("parent objective"), "period": period,
                                                       "owner": _pay("owner"), "description": BLOCK})
        oid = okrs.create_objective(store, EDITOR, {"title": _pay("objective"), "period": period, "owner": _pay("owner 2"),
                                                    "description": BLOCK, "parent_id": parent, "pillar": "growth"})
        kr = okrs.create_key_result(store, EDITOR, {"objective_id": oid, "title": _pay("key result"), "owner": _pay("kr owner"),
                                                    "kr_type": "increase_to", "baseline": 0, "target": 100, "unit": "count"})
        okrs.add_checkin(store, EDITOR, kr, 40, 6, _pay("check-in comment"), as_of=min(TODAY, quarter_of(TODAY).end - dt.timedelta(days=1)))
        okrs.create_key_result(store, EDITOR, {"objective_id": oid, "title": _pay("linked key result"),
                                               "kr_type": "increase_to", "baseline": 0, "target": 500,
                                               "link": "events:search:28d"}, today=TODAY)
        ids.setdefault("kr", kr)
    a = roadmap.create_initiative(store, EDITOR, {
        "title": _pay("initiative"), "team": _pay("team"), "problem": BLOCK, "hypothesis": BLOCK, "solution": BLOCK,
        "out_of_scope": BLOCK, "status": "launched", "health": "at_risk",
        "start_date": quarter_of(TODAY).start - dt.timedelta(days=90), "end_date": quarter_of(TODAY).start - dt.timedelta(days=30),
        "launch_date": quarter_of(TODAY).start - dt.timedelta(days=30), "jira_epic": "NOM-1", "jira_label": IMG,
        "reach": 1000, "impact": 2, "confidence": 80, "effort": 2, "value": 5,
        "user_stories": [{"as_a": _pay("as a"), "i_want": _pay("i want"), "so_that": _pay("so that")}],
        "milestones": [{"date": quarter_of(TODAY).start, "label": _pay("milestone")}]},
        key_results=[ids["kr"]], kpis=["conversion_rate"])
    b = roadmap.create_initiative(store, EDITOR, {"title": _pay("planned initiative"), "team": _pay("team"),
                                                  "status": "planned", "bucket": "next"}, dependencies=[a])
    roadmap.set_raci(store, EDITOR, a, [{"task": _pay("task"), "person": _pay("person"), "role": "A/R"}])
    ids["initiative"] = a
    for aid in audiences.AUDIENCE_IDS:
        d = audiences.get_audience(store, aid).model_dump()
        d.update(name=f"{IMG} {aid}"[:60], title=_pay("view title")[:160], concern=_pay("concern"),
                 cares_about=[_pay("cares")])
        audiences.save_audience(store, EDITOR, d)
    for iid in (a, b):
        audiences.save_battle_card(store, EDITOR, iid, {
            "value_proposition": _pay("value"), "for_whom": _pay("for whom"), "differentiation": _pay("why us"),
            "experiment": _pay("experiment"), "proof_notes": [_pay("proof")],
            "objections": [{"objection": _pay("objection"), "answer": _pay("answer")}]})
    audiences.save_debrief_notes(store, EDITOR, a, {"went_well": [_pay("went well")], "to_improve": [_pay("improve")]})
    levels = [lv.model_dump() for lv in career.ladder(store)]
    for i, lv in enumerate(levels):
        lv.update(name=_pay(f"level {i}"), scope=BLOCK, focus=_pay("focus"), skills=BLOCK, responsibilities=BLOCK,
                  source=_pay("source"), note=_pay("note"))
    career.save_ladder(store, EDITOR, levels)
    career.save_level_map(store, EDITOR, [{"company": _pay("company"), "company_level": _pay("L4"),
                                           "ladder_level": levels[1]["id"], "note": _pay("map note")}])
    career.save_reference_points(store, EDITOR, [
        {"label": _pay("reference"), "company": _pay("company"), "ladder_level": levels[1]["id"], "amount": 200000,
         "currency": "USD", "qualifier": "about", "comp": _pay("comp"), "source": _pay("source"), "year": 2025,
         "note": _pay("ref note")}])
    return ids


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    path = tmp_path_factory.mktemp("e2e-injection") / "hostile.duckdb"
    store = open_store(path)
    try:
        _data(store)
        ids = _written(store)
    finally:
        store.close()
    ARTIFACTS.mkdir(exist_ok=True)
    s = Server(path, {"PILLARS_MODE": "intranet", "PILLARS_EDITORS": "pm@example.com"}, ARTIFACTS / "server-injection.log")
    s.ids = ids
    yield s
    s.stop()


@pytest.fixture
def watched(page):
    """The page, recording every request to the payloads' host (127.0.0.1 port 9)."""
    page.bad_requests = []
    page.on("request", lambda r: page.bad_requests.append(r.url) if urlparse(r.url).netloc == "127.0.0.1:9" else None)
    return page


def _open_everything(pg) -> str:
    """Click every tab and open every expander of the main area, so their contents are drawn too; return
    the text seen on the way (a tab's text is only visible while it is selected)."""
    main = pg.locator('[data-testid="stMainBlockContainer"]')
    seen = [pg.locator('[data-testid="stApp"]').inner_text()]
    for i in range(main.locator('[role="tab"]').count()):
        main.locator('[role="tab"]').nth(i).click()
        pg.wait_for_timeout(400)
        seen.append(main.inner_text())
    for i in range(main.locator('[data-testid="stExpander"] summary').count()):
        summary = main.locator('[data-testid="stExpander"] summary').nth(i)
        if summary.is_visible():
            summary.click()
    pg.wait_for_timeout(800)
    wait_idle(pg)
    return "\n".join(seen + [pg.locator('[data-testid="stApp"]').inner_text()])


def _check(pg, where: str, text: str, shown: bool = True) -> None:
    assert pg.locator('[data-testid="stException"]').count() == 0, f"{where}: the page raised"
    assert not pg.bad_requests, f"{where}: the browser fetched {pg.bad_requests}"
    assert pg.locator('img[src*="127.0.0.1:9"]').count() == 0, f"{where}: a payload became an <img>"
    assert pg.locator('a[href^="javascript:" i]').count() == 0, f"{where}: a payload became a javascript: link"
    made = pg.evaluate("""() => {
        const out = [];
        for (const el of document.querySelectorAll('strong, b')) if (el.textContent.trim() === 'bold') out.push('strong');
        for (const el of document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
            if (/^heading\\b/.test(el.textContent.trim())) out.push(el.tagName);
        for (const el of document.querySelectorAll('table')) if (/^\\s*a\\s*b\\s*$/.test(el.rows[0]?.textContent || '')) out.push('table');
        if (document.querySelector('.katex')) out.push('katex');
        if (document.querySelector('[data-testid="stMainBlockContainer"] del')) out.push('del');
        return out; }""")
    assert not made, f"{where}: payload markup was rendered as {made}"
    assert not pg.dialogs, f"{where}: a script from user text ran: {pg.dialogs}"
    if shown:
        assert IMG in text, f"{where}: the payload is not visible as typed"


def _visit(pg, server, path: str, name: str, shown: bool = True) -> None:
    pg.goto(f"{server.url}/{path}")
    wait_idle(pg)
    text = _open_everything(pg)
    _check(pg, path, text, shown)
    shot(pg, f"injection-{name}")


PAGES = [
    ("", "overview", False),
    (f"?segment=platform={quote(_pay('platform'))}", "overview-segment", True),
    (f"?period={quote(IMG)}", "overview-bad-link", True),
    ("growth", "growth", False),
    ("experiments", "experiments", True),
    (f"okrs?period={QUARTER}", "okrs", True),
    (f"okrs?period={quote(_pay('period'))}", "okrs-custom-period", True),
    (f"okrs?period={quote(IMG)}", "okrs-bad-link", True),
    ("roadmap?view=timeline", "roadmap-timeline", False),
    ("roadmap?view=board", "roadmap-board", True),
    ("roadmap?view=priorities", "roadmap-priorities", False),
    ("roadmap?view=matrix", "roadmap-matrix", False),
    (f"roadmap?w_reach={quote(IMG)}", "roadmap-bad-link", True),
    ("present", "present", True),
    ("career", "career", True),
    ("settings", "settings", False),
]


@pytest.mark.parametrize("path, name, shown", PAGES, ids=[p[1] for p in PAGES])
def test_pages_show_payloads_as_typed(hostile_server, watched, path, name, shown):
    _visit(watched, hostile_server, path, name, shown)


def test_okr_detail_shows_payloads_as_typed(hostile_server, watched):
    _visit(watched, hostile_server, f"okrs?period={QUARTER}&kr={hostile_server.ids['kr']}", "okrs-kr-detail")


def test_initiative_detail_tabs_show_payloads_as_typed(hostile_server, watched):
    _visit(watched, hostile_server, f"roadmap?initiative={hostile_server.ids['initiative']}", "roadmap-initiative")


@pytest.mark.parametrize("audience", audiences.AUDIENCE_IDS)
def test_every_audience_view_shows_payloads_as_typed(hostile_server, watched, audience):
    _visit(watched, hostile_server, f"audiences?audience={audience}&period=all", f"audiences-{audience}")
