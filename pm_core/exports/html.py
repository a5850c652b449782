"""One self-contained HTML briefing: inline CSS, charts as data-URI PNGs, no external URL, prints cleanly.

Every string that comes from the briefing is escaped with `esc`, which also encodes '/' (as OWASP's
XSS advice lists), so user text can neither open a tag nor leave an address such as 'http://...'
in the file. The file loads nothing from anywhere: it opens offline and by e-mail.
"""
from __future__ import annotations

import base64
import re
from typing import Callable

from ..briefing import (BulletsItem, ChartItem, MetricItem, Section, TableItem, TextItem, Briefing, format_cell,
                        known_items, unknown_item)
from ..text import html as esc  # the one HTML escaper; `esc` keeps the many call sites below short
from .png import PngRenderer


# Static CSS only: nothing user-written is ever placed in this block.
CSS = """
:root { --ink: #1b1f24; --muted: #5f6b7a; --line: #d9dee5; --good: #2e7d32; --bad: #c62828; --accent: #1565c0; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink);
       margin: 0; padding: 32px; max-width: 1100px; margin-inline: auto; line-height: 1.45; }
header.cover h1 { font-size: 30px; margin: 0 0 6px; }
header.cover { border-left: 6px solid var(--accent); padding-left: 16px; }
.brand { display: flex; align-items: center; gap: 12px; margin-bottom: 12px; }
.brand .logo { max-height: 48px; max-width: 220px; } .brand .company { font-weight: 650; color: var(--accent); font-size: 18px; }
section h2 { border-bottom: 3px solid var(--accent); display: inline-block; padding-bottom: 2px; }
header.cover .headline { font-size: 20px; margin: 8px 0; }
.muted { color: var(--muted); }
section { border-top: 1px solid var(--line); padding: 24px 0; }
section h2 { font-size: 24px; margin: 0 0 4px; }
section .lead { font-size: 17px; margin: 0 0 16px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.tile .label { font-size: 14px; color: var(--muted); }
.tile .value { font-size: 28px; font-weight: 650; }
.tile .change.better { color: var(--good); } .tile .change.worse { color: var(--bad); }
.tile .def { font-size: 12px; color: var(--muted); margin-top: 6px; }
.note { font-size: 13px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 8px 0 16px; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: 13px; color: var(--muted); }
.callout { border-left: 4px solid var(--accent); padding: 8px 12px; background: #f3f7fc; margin: 8px 0; }
.callout.warning { border-color: #f9a825; background: #fff8e1; } .callout.success { border-color: var(--good); background: #edf7ee; }
.empty { padding: 12px; border: 1px dashed var(--line); border-radius: 8px; color: var(--muted); }
.error { padding: 12px; border: 1px solid var(--bad); border-radius: 8px; color: var(--bad); }
details.defs { font-size: 13px; color: var(--muted); margin-top: 10px; }
@page { size: A4 landscape; margin: 14mm; }
@media print {
  body { padding: 0; max-width: none; }
  section { break-before: page; page-break-before: always; border-top: none; }
  .tile, table, figure { break-inside: avoid; page-break-inside: avoid; }
  details.defs { display: block; } details.defs > summary { display: none; }
}
"""


def _metric(m: MetricItem) -> str:
    change = m.change_text
    return (f'<div class="tile"><div class="label">{esc(m.label)}</div>'
            f'<div class="value">{esc(m.value_text)}</div>'
            f'<div class="change {esc(m.trend)}">{esc(change + " vs previous period") if change != "—" else "&nbsp;"}</div>'
            f'<div class="note">{esc(m.period)}{(" · " + esc(m.note)) if m.note else ""}</div>'
            f'<div class="def">{esc(m.definition)}</div></div>')


def _table(t: TableItem) -> str:
    head = "".join(f"<th>{esc(c.label)}</th>" for c in t.columns)
    body = []
    for r in t.rows:
        cells = "".join(
            f'<td class="{"num" if c.unit not in ("text", "date") else ""}">{esc(format_cell(r.get(c.key), c.unit))}</td>'
            for c in t.columns)
        body.append(f"<tr>{cells}</tr>")
    title = f"<h3>{esc(t.title)}</h3>" if t.title else ""
    note = f'<p class="note">{esc(t.note)}</p>' if t.note else ""
    rows = "".join(body) or f'<tr><td colspan="{len(t.columns)}">No rows.</td></tr>'
    return f"{title}<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{note}"


def _chart(c: ChartItem, render: Callable[[dict], bytes]) -> str:
    data = base64.b64encode(render(c.spec)).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{esc(c.alt or c.title)}">'
            f"<figcaption>{esc(c.title)}</figcaption></figure>")


def _section(s: Section, render: Callable[[dict], bytes]) -> str:
    parts = [f'<section id="{esc(s.id)}"><h2>{esc(s.title)}</h2>']
    if s.lead:
        parts.append(f'<p class="lead">{esc(s.lead)}</p>')
    if s.error:
        parts.append(f'<div class="error">{esc(s.error)}</div>')
    if s.empty:
        parts.append(f'<div class="empty">{esc(s.empty)}</div>')
    metrics = [i for i in known_items(s, "html") if isinstance(i, MetricItem)]
    if metrics:
        parts.append('<div class="tiles">' + "".join(_metric(m) for m in metrics) + "</div>")
    for item in s.items:
        if isinstance(item, TextItem):
            if item.text != s.lead:
                parts.append(f'<p class="callout {esc(item.tone)}">{esc(item.text)}</p>')
        elif isinstance(item, BulletsItem):
            title = f"<h3>{esc(item.title)}</h3>" if item.title else ""
            parts.append(title + "<ul>" + "".join(f"<li>{esc(b)}</li>" for b in item.bullets) + "</ul>")
        elif isinstance(item, TableItem):
            parts.append(_table(item))
        elif isinstance(item, ChartItem):
            parts.append(_chart(item, render))
        elif not isinstance(item, MetricItem):
            raise unknown_item(item, "html")
    if s.notes:
        lines = "".join(f"<li>{esc(line)}</li>" for line in s.notes.splitlines() if line.strip())
        parts.append(f'<details class="defs"><summary>Definitions and sources</summary><ul>{lines}</ul></details>')
    parts.append("</section>")
    return "".join(parts)


def _brand(b: Briefing) -> tuple[str, str]:
    """Return (CSS that sets the accent colour, the cover's brand line: logo and company name)."""
    # The accent is a validated setting (#RRGGBB); checked again here because a Briefing can be built by hand.
    accent = b.brand.accent if re.fullmatch(r"#[0-9A-Fa-f]{6}", b.brand.accent or "") else "#1565C0"
    css = f":root {{ --accent: {accent}; }}"
    logo = (f'<img class="logo" alt="{esc(b.owner_name or "logo")}" src="data:image/png;base64,'
            f'{base64.b64encode(b.brand.logo_png).decode("ascii")}">' if b.brand.logo_png else "")
    name = f'<span class="company">{esc(b.brand.company)}</span>' if b.brand.company else ""
    return css, (f'<div class="brand">{logo}{name}</div>' if logo or name else "")


def briefing_html(b: Briefing, render: Callable[[dict], bytes] | None = None) -> bytes:
    """Return the briefing as one UTF-8 HTML document with everything inlined (no external URL, no script)."""
    render = render or PngRenderer()
    brand_css, brand_line = _brand(b)
    cover = (f'<header class="cover">{brand_line}<h1>{esc(b.title)}</h1>'
             f'<p class="muted">{esc(b.audience_name)} · {esc(b.period_text)} · generated '
             f'{esc(b.generated_at.strftime("%d %b %Y %H:%M"))} UTC</p>'
             f'<p class="headline">{esc(b.headline)}</p>'
             f'<p><strong>The concern it answers:</strong> {esc(b.concern)}</p>'
             + (f'<p class="muted">What they look for: {esc(", ".join(b.cares_about))}</p>' if b.cares_about else "")
             + "".join(f'<p class="callout warning">{esc(n)}</p>' for n in b.notices)
             + "</header>")
    body = "".join(_section(s, render) for s in b.sections)
    doc = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           # The policy makes 'loads nothing from anywhere' hold in the browser too: no script, no fetch.
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
           "style-src 'unsafe-inline'\">"
           f"<title>{esc(b.title)} · {esc(b.period)}</title><style>{CSS}{brand_css}</style></head>"
           f"<body>{cover}{body}</body></html>\n")
    return doc.encode("utf-8")
