"""The visual check: every page, tab and audience view in Chromium at 1280x800 and 1920x1080, light and dark.

Oracle: what the browser actually drew. Charts are read from the SVG Vega draws in the page (its axes
carry ARIA labels such as "Y-axis for a discrete scale with 5 values: ..."), tables from the data grid's
scroller and accessible cell text. It fails on: a plot shorter than its rows need (under 14 px per band)
or under 80 px tall, fewer axis labels than categories, an axis that repeats a label, overlapping text
boxes inside a chart, chart text cut at the chart's edge or shortened with an ellipsis, a table wider
than its frame (columns hidden to the right), and a cell whose text is wider than the widest column the
grid draws. Screenshots of every view go to test-artifacts/visual-*.png.
"""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import ARTIFACTS, wait_idle
from tests.factories.pages import nav_pages

pytestmark = pytest.mark.e2e

TIMEOUT = 60_000
MIN_BAND_PX = 14
MIN_PLOT_PX = 80   # a continuous y axis; a discrete one is held to MIN_BAND_PX a row instead
# The data grid sizes a column to its content up to 31.25rem (Streamlit 1.67 DataFrame: maxColumnAutoWidth),
# less its cell padding; longer text is cut with an ellipsis unless the page gives the column a width.
GRID_MAX_TEXT_PX = 500 - 2 * 8
PASSES = [("1280x800", 1280, 800, "light"), ("1920x1080", 1920, 1080, "dark")]
AUDIENCES = ("engineering", "design", "marketing", "sales", "support", "executives")

# Runs in the page: one report per visible chart and table in the main area.
CHECK_JS = r"""
([minBand, minPlot, gridMax]) => {
  const visible = (e) => { const r = e.getBoundingClientRect(); return e.offsetParent !== null && r.width > 0 && r.height > 0; };
  const shown = (t) => { const s = getComputedStyle(t); return (t.textContent || '').trim() !== '' && s.visibility !== 'hidden'
        && s.display !== 'none' && parseFloat(s.opacity || '1') > 0 && parseFloat(t.getAttribute('opacity') ?? '1') > 0
        && parseFloat(t.getAttribute('fill-opacity') ?? '1') > 0; };
  const main = document.querySelector('[data-testid="stMainBlockContainer"]');
  const out = [];
  // each element is checked once per view: one outside the tabs stays visible while the tabs change
  const fresh = (el) => { if (!visible(el) || el.dataset.visualChecked) return false; el.dataset.visualChecked = '1'; return true; };
  main.querySelectorAll('[data-testid="stVegaLiteChart"]').forEach((el, i) => {
    if (!fresh(el)) return;
    const problems = [];
    const svg = el.querySelector('svg');
    const titleEl = svg && svg.querySelector('.role-title-text text');
    const name = (titleEl ? titleEl.textContent : '') || (el.getAttribute('aria-label') || '') || `chart ${i + 1}`;
    if (!svg) { out.push({what: 'chart', name, problems: ['drawn on a canvas, not SVG: the check cannot read it']}); return; }
    const box = svg.getBoundingClientRect();
    // plot areas: the background of each view cell (a layered view has one, a concatenation one per cell)
    svg.querySelectorAll('g.role-axis[aria-label]').forEach((ax) => {
      const label = ax.getAttribute('aria-label');
      const texts = [...ax.querySelectorAll('.role-axis-label text')].filter(shown).map((t) => t.textContent.trim());
      const m = label.match(/discrete scale with (\d+) values?/);
      const which = label.split(' ')[0];
      // the plot area is the background of the view cell that holds the axis (one per cell of a concatenation)
      let cell = null;
      for (let n = ax.parentElement; n && n !== svg && !cell; n = n.parentElement) cell = n.querySelector(':scope > path.background');
      const plot = cell ? cell.getBoundingClientRect() : null;
      const extent = plot ? (which.startsWith('Y') ? plot.height : plot.width) : null;
      if (m) {
        const n = +m[1];
        if (texts.length < n) problems.push(`${which} shows ${texts.length} of ${n} category labels`);
        if (extent !== null && extent / n < minBand)
          problems.push(`${which} has ${(extent / n).toFixed(1)} px per band (${n} bands in ${extent.toFixed(0)} px; needs ${minBand})`);
      }
      const dup = texts.filter((t, k) => texts.indexOf(t) !== k);
      if (dup.length) problems.push(`${which} repeats labels: ${[...new Set(dup)].join(', ')}`);
      if (!m && which.startsWith('Y') && extent !== null && extent < minPlot)
        problems.push(`plot is ${extent.toFixed(0)} px tall (needs ${minPlot})`);
    });
    const texts = [...svg.querySelectorAll('text')].filter(shown).map((t) => ({t: t.textContent.trim(), r: t.getBoundingClientRect(), mark: !!t.closest('.role-mark')}))
      .filter((x) => x.r.width > 0 && x.r.height > 0);
    for (const x of texts) {
      // a text's box includes its line spacing, which may reach a few px past the edge without cutting a glyph
      if (x.r.left < box.left - 4 || x.r.right > box.right + 4 || x.r.top < box.top - 5 || x.r.bottom > box.bottom + 5)
        problems.push(`text cut at the chart's edge: "${x.t}"`);
      // titles, axis and legend text must be whole; a data label (role-mark) may be shortened, its tooltip has it all
      if (x.t.endsWith('…') && !x.mark) problems.push(`text shortened: "${x.t}"`);
    }
    for (let a = 0; a < texts.length; a++) for (let b = a + 1; b < texts.length; b++) {
      const p = texts[a].r, q = texts[b].r;
      const w = Math.min(p.right, q.right) - Math.max(p.left, q.left), h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      // glyph boxes include line spacing: overlap counts when it is more than a sliver of the smaller box
      if (w > 2 && h > Math.min(p.height, q.height) * 0.3) problems.push(`text overlaps: "${texts[a].t}" / "${texts[b].t}"`);
    }
    out.push({what: 'chart', name, problems: [...new Set(problems)]});
  });
  const ctx = document.createElement('canvas').getContext('2d');
  main.querySelectorAll('[data-testid="stDataFrame"]').forEach((el, i) => {
    if (!fresh(el)) return;
    const problems = [];
    const heads = [...el.querySelectorAll('th[role="columnheader"]')].map((h) => h.textContent.trim());
    const name = `table ${i + 1} (${heads.slice(0, 3).join(', ')}…)`;
    // an editing grid (cells that take input) scrolls sideways by design; a read-only table must fit its frame
    if (el.querySelector('td[aria-readonly="false"]')) { out.push({what: 'table', name, problems: []}); return; }
    // a table whose rows open a detail view below it (st-key-detailed-*) may shorten long text in its cells
    const detailed = !!el.closest('[class*="st-key-detailed-"]');
    const sc = el.querySelector('.dvn-scroller');
    if (sc && sc.scrollWidth > sc.clientWidth + 2)
      problems.push(`wider than its frame: ${sc.scrollWidth} px of columns in ${sc.clientWidth} px (columns hidden to the right)`);
    const grid = el.querySelector('canvas') || el;
    const cs = getComputedStyle(el);
    ctx.font = `${cs.fontWeight} 14px ${cs.fontFamily}`;
    el.querySelectorAll('td[role="gridcell"]').forEach((td) => {
      const t = td.textContent.trim();
      const w = ctx.measureText(t).width;
      if (w > gridMax && !detailed) problems.push(`cell text cut (${w.toFixed(0)} px in at most ${gridMax} px): "${t.slice(0, 60)}…"`);
    });
    out.push({what: 'table', name, problems: [...new Set(problems)].slice(0, 8)});
  });
  main.querySelectorAll('[data-testid="stTable"] td, [data-testid="stTable"] th').forEach((td) => {
    if (fresh(td) && td.scrollWidth > td.clientWidth + 1)
      out.push({what: 'table', name: 'static table', problems: [`cell text cut: "${td.textContent.trim().slice(0, 60)}"`]});
  });
  return out;
}
"""


def _views() -> list[tuple[str, str]]:
    """Return (name, path) of every page, and of each audience's Stakeholder view."""
    views = [(stem, "/" if stem == "overview" else f"/{stem}") for stem, _ in nav_pages()]
    views += [(f"audiences-{a}", f"/audiences?audience={a}") for a in AUDIENCES if a != "executives"]
    return views


def _settle(pg) -> None:
    wait_idle(pg, TIMEOUT)
    pg.wait_for_timeout(700)   # Vega draws (and redraws for the container's width) after the script run ends


def _shot(pg, name: str, width: int, height: int) -> None:
    """Screenshot the whole view: Streamlit scrolls inside its own container, so the viewport grows for the shot."""
    full = pg.evaluate("""() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], section, div')]
                                     .map(e => e.scrollHeight))""")
    pg.set_viewport_size({"width": width, "height": max(height, min(int(full) + 40, 9_000))})
    pg.wait_for_timeout(500)
    pg.screenshot(path=str(ARTIFACTS / f"visual-{name}.png"))
    pg.set_viewport_size({"width": width, "height": height})


def _check(pg, where: str) -> list[str]:
    found = []
    for report in pg.evaluate(CHECK_JS, [MIN_BAND_PX, MIN_PLOT_PX, GRID_MAX_TEXT_PX]):
        for p in report["problems"]:
            found.append(f"{where} · {report['what']} '{report['name']}': {p}")
    return found


@pytest.mark.parametrize("size,width,height,theme", PASSES, ids=[f"{p[0]}-{p[3]}" for p in PASSES])
def test_every_view_draws_readable_charts_and_tables(editor_server, browser, size, width, height, theme):
    ctx = browser.new_context(viewport={"width": width, "height": height}, color_scheme=theme)
    pg = ctx.new_page()
    problems: list[str] = []
    charts = 0
    try:
        for name, path in _views():
            pg.goto(editor_server.url + path, timeout=TIMEOUT)
            _settle(pg)
            main = pg.locator('[data-testid="stMainBlockContainer"]')
            tabs = main.locator('[role="tab"]')
            names = [tabs.nth(i).inner_text().strip() for i in range(tabs.count())] or [""]
            for k, tab in enumerate(names):
                if tab:
                    if not tabs.nth(k).is_visible():   # a tab inside another tab's hidden panel
                        continue
                    tabs.nth(k).click()
                    _settle(pg)
                where = f"{size} {theme} {path}" + (f" [{tab}]" if tab else "")
                problems += _check(pg, where)
                charts += main.locator('[data-testid="stVegaLiteChart"]:visible').count()
                slug = re.sub(r"[^a-z0-9]+", "-", f"{name}-{tab}".lower()).strip("-")
                _shot(pg, f"{size}-{theme}-{slug}", width, height)
    finally:
        ctx.close()
    (ARTIFACTS / f"visual-check-{size}-{theme}.txt").write_text(
        f"{charts} charts checked\n" + "\n".join(problems) + "\n")
    assert charts >= 20, f"only {charts} charts were found: the walk did not reach the pages"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
