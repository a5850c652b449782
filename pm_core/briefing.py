"""A briefing: the one plain model behind a stakeholder view, the presentation mode and every export.

A briefing is a list of sections (one idea each: a slide, a sheet, a printed page); a section holds
items of a few kinds (a metric with its definition, a paragraph, bullets, a table with typed columns,
a chart as a Vega-Lite spec). Builders fill it from live data; the page, the PPTX, XLSX and HTML
exporters only render it, so all of them show the same content. Text in a briefing is raw user text:
each renderer escapes it for its own medium (pm_core.text: md for pages, html for the HTML export).
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Field

from .formatting import MISSING, Unit, change_arrow, format_change, format_value, join_words


def fmt_unit(v: float | None, unit: Unit | str, currency: str = "USD") -> str:
    """Return a value formatted for its unit (formatting.format_value; kept for older callers)."""
    return format_value(v, unit, currency=currency)


class MetricItem(BaseModel):
    """One number with its words: value, previous value, change, definition and source."""

    kind: Literal["metric"] = "metric"
    key: str
    label: str
    value: float | None = None
    previous: float | None = None
    unit: Unit = Unit.RATIO
    definition: str = ""
    source: str = ""
    note: str | None = None          # why there is no number, or a caveat
    period: str = ""                 # the period the value covers, in words
    higher_is_better: bool = True
    currency: str = "USD"

    @property
    def value_text(self) -> str:
        """Return the value formatted for its unit, or '—' when there is none."""
        return format_value(self.value, self.unit, currency=self.currency)

    @property
    def change_text(self) -> str:
        """Return the change against the previous period in the unit's terms, '—' when either is missing."""
        return format_change(self.value, self.previous, self.unit)

    @property
    def arrow(self) -> str:
        """Return 'off' when the change rounds to zero or is missing (no arrow, no colour), else 'auto'."""
        return change_arrow(self.value, self.previous, self.unit)

    @property
    def phrase(self) -> str | None:
        """Return the metric as a PM says it: 'Revenue up 25.2% to $1.7M', 'Gross margin 70.0%'; None without a value."""
        if self.value is None:
            return None
        ch = self.change_text
        if ch == MISSING:
            return f"{self.label} {self.value_text}"
        if ch[:1] not in ("+", "-"):
            return f"{self.label} steady at {self.value_text}"
        return f"{self.label} {'up' if ch[0] == '+' else 'down'} {ch[1:]} to {self.value_text}"

    @property
    def trend(self) -> str:
        """Return 'better', 'worse', 'flat' or 'unknown' from the change and which direction is good."""
        if self.value is None or self.previous is None:
            return "unknown"
        change = format_change(self.value, self.previous, self.unit)
        if self.value == self.previous or (change != MISSING and change[:1] not in ("+", "-")):
            return "flat"  # a change that rounds to zero ('0 pts') reads as no change
        up = self.value > self.previous
        return "better" if up == self.higher_is_better else "worse"


class TextItem(BaseModel):
    """A paragraph; tone tells renderers how to frame it (a warning is a risk or a data gap)."""

    kind: Literal["text"] = "text"
    text: str
    tone: Literal["plain", "info", "warning", "success"] = "plain"


class BulletsItem(BaseModel):
    """A titled list of short lines."""

    kind: Literal["bullets"] = "bullets"
    title: str = ""
    bullets: list[str] = Field(default_factory=list)


class Column(BaseModel):
    """A table column: key into each row, a label, and a unit that decides the number format."""

    key: str
    label: str
    unit: Unit = Unit.TEXT


class TableItem(BaseModel):
    """A table of rows (dicts keyed by column key); numbers stay numbers so exports can format them."""

    kind: Literal["table"] = "table"
    title: str = ""
    columns: list[Column]
    rows: list[dict[str, Any]] = Field(default_factory=list)
    note: str | None = None


class ChartSeries(BaseModel):
    """One series of a plot: its name and one value per category (None where there is no value)."""

    name: str
    values: list[float | None]


class ChartPlot(BaseModel):
    """What a chart shows as plain numbers, so the deck draws it as a native, editable PowerPoint chart.

    kind: 'line' (a trend over periods), 'bar' (horizontal bars, long category names) or 'column'.
    """

    kind: Literal["line", "bar", "column"]
    categories: list[str]
    series: list[ChartSeries]
    unit: Unit = Unit.NUMBER
    x_title: str = ""
    y_title: str = ""


class ChartItem(BaseModel):
    """A chart as a Vega-Lite spec (from an Altair builder) plus its data for sheets and alt text.

    `plot` holds the same figures as plain series: a renderer that draws charts itself (the deck's
    native charts) uses it, and falls back to a picture of the spec when it is missing.
    """

    kind: Literal["chart"] = "chart"
    chart_id: str
    title: str
    spec: dict[str, Any]
    alt: str = ""
    data: TableItem | None = None
    plot: ChartPlot | None = None


# The briefing items, declared once. Every renderer (PPTX, XLSX, HTML, PNG, the Stakeholder views and
# Executive presentation pages) handles each of them and raises UnknownItemError on anything else,
# so an item type added here and forgotten in a renderer fails loudly instead of vanishing.
ITEM_TYPES: tuple[type[BaseModel], ...] = (MetricItem, TextItem, BulletsItem, TableItem, ChartItem)
ITEM_KINDS: tuple[str, ...] = tuple(t.model_fields["kind"].default for t in ITEM_TYPES)
Item = Annotated[Union[ITEM_TYPES], Field(discriminator="kind")]


class UnknownItemError(TypeError):
    """A renderer met a briefing item it does not know; the message names the renderer and the item."""


def unknown_item(item: Any, renderer: str) -> UnknownItemError:
    """Return the error a renderer raises for an item it cannot render (naming the renderer, item and known kinds)."""
    kind = getattr(item, "kind", None)
    return UnknownItemError(f"the {renderer} renderer cannot render briefing item {kind!r} ({type(item).__name__}); "
                            f"it renders {', '.join(ITEM_KINDS)}. Add the item to every renderer")


def known_items(section: "Section", renderer: str) -> list:
    """Return a section's items after checking each is a known item type; raise UnknownItemError otherwise."""
    for item in section.items:
        if not isinstance(item, ITEM_TYPES):
            raise unknown_item(item, renderer)
    return section.items


class Section(BaseModel):
    """One idea: a slide, a sheet, a printed page. `empty` says why there is nothing to show."""

    id: str
    title: str
    lead: str = ""                   # the one sentence the section says
    items: list[Item] = Field(default_factory=list)
    notes: str = ""                  # speaker notes: definitions and sources
    empty: str | None = None         # set when the data for this section is missing, in words
    error: str | None = None         # set when building the section failed, in words

    def metrics(self) -> list[MetricItem]:
        """Return the section's metric items in order."""
        return [i for i in self.items if isinstance(i, MetricItem)]

    def charts(self) -> list[ChartItem]:
        """Return the section's chart items in order."""
        return [i for i in self.items if isinstance(i, ChartItem)]


class BriefingBrand(BaseModel):
    """The workspace's brand as the renderers need it (pm_core.brand reads it from the workspace)."""

    company: str = ""
    accent: str = "#1565C0"
    logo_png: bytes | None = None


class Briefing(BaseModel):
    """What one audience sees for one period, ready to render or export."""

    title: str
    audience_id: str
    audience_name: str
    headline: str
    concern: str
    cares_about: list[str] = Field(default_factory=list)
    period: str                      # the period label, e.g. '2026-Q3' or 'all'
    period_text: str                 # the period in words
    generated_at: dt.datetime
    sections: list[Section] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list)
    workspace: str = ""              # the workspace's name (its file name), for the title slide
    brand: BriefingBrand = Field(default_factory=BriefingBrand)

    @property
    def owner_name(self) -> str:
        """Return who the briefing is from: the brand's company name, else the workspace's name."""
        return self.brand.company or self.workspace

    def section(self, section_id: str) -> Section | None:
        """Return the section with that id, or None when the briefing has none."""
        return next((s for s in self.sections if s.id == section_id), None)

    def charts(self) -> list[ChartItem]:
        """Return every chart item of every section, in order (for 'PNG of any chart')."""
        return [c for s in self.sections for c in s.charts()]

    def user_texts(self) -> list[str]:
        """Return every string in the briefing (tests use it to check exports escape all of them)."""
        out: list[str] = []

        def walk(v: Any) -> None:
            if isinstance(v, str):
                out.append(v)
            elif isinstance(v, dict):
                for x in v.values():
                    walk(x)
            elif isinstance(v, (list, tuple)):
                for x in v:
                    walk(x)

        walk(self.model_dump(exclude={"sections": {"__all__": {"items": {"__all__": {"spec"}}}}}))
        return out


def metrics_headline(items: list[MetricItem], period_words: str) -> str | None:
    """Return one sentence over the metrics with a value: 'Revenue up 25.2% to $1.7M and NPS steady at +32 in Q4 2026.'

    None when no metric has a value. Labels after the first start lower-case unless they are acronyms.
    """
    phrases = [p for p in (m.phrase for m in items) if p]
    if not phrases:
        return None
    tidy = [phrases[0]] + [p[:1].lower() + p[1:] if p[1:2].islower() else p for p in phrases[1:]]
    return f"{join_words(tidy)} in {period_words}."


def format_cell(value: Any, unit: Unit | str) -> str:
    """Return a table cell as text for people ('12.4%', '$1.2M', '2026-08-03'); None/NaN -> '—'."""
    if isinstance(value, (int, float)) or Unit(unit) in (Unit.TEXT, Unit.DATE) or value is None:
        return format_value(value, unit)
    return str(value)
