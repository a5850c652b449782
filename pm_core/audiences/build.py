"""`build_briefing`: one audience and one period into the Briefing that the page, the presentation and every export render."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable


from ..brand import get_brand
from ..briefing import Briefing, BriefingBrand, MetricItem, Section, metrics_headline
from .. import segments
from ..periods import parse_period
from ..store import Store, utcnow
from . import neighbours as nb
from .sections import (_section_ai, _section_battle_cards, _section_debrief, _section_experiments, _section_feedback,
                       _section_known_issues, _section_metrics, _section_okrs, _section_risks, _section_roadmap,
                       _section_shipped, _section_trends)
from .context import _Ctx, _data_metrics, metric_item
from .definitions import SECTION_KINDS, AudienceError, get_audience


_BUILDERS: dict[str, Callable[[_Ctx], list[Section]]] = {
    "metrics": _section_metrics, "trends": _section_trends, "okrs": _section_okrs, "roadmap": _section_roadmap,
    "shipped": _section_shipped, "risks": _section_risks, "experiments": _section_experiments,
    "feedback": _section_feedback, "known_issues": _section_known_issues, "battle_cards": _section_battle_cards,
    "debrief": _section_debrief,
    "ai": _section_ai,  # AI quality (issue 18): see definitions.SECTION_KINDS["ai"]
    "discovery": lambda ctx: nb.discovery_sections(ctx.store),  # issue 19: see definitions.SECTION_KINDS["discovery"]
    "strategy": lambda ctx: nb.strategy_sections(ctx.store),  # issue 19: see definitions.SECTION_KINDS["strategy"]
}


def _headline(ctx: _Ctx, items: list[MetricItem]) -> str:
    shown = [m for m in _data_metrics(items) if m.value is not None][:3]
    if not shown:
        where = "yet" if ctx.period.is_all else f"for {ctx.period.describe()}"
        return f"No data {where}: once data is imported on the Data page, this view fills itself."
    # a sentence, not a list: 'Revenue up 25.2% to $1.7M, ... and customer lifetime value down 3.5% to $120 in Q4 2026'
    return metrics_headline(shown, ctx.period.describe()) or ""


# "ai" adds a slide only when the workspace has an AI evaluation or readiness record (issue 18)
# "discovery" (the opportunity solution tree) likewise only once the workspace has a tree (issue 19)
# "strategy" (vision, market size, PESTLE, competitive grid) likewise once the workspace has any (issue 19)
PRESENTATION_SECTIONS = ("metrics", "strategy", "okrs", "roadmap", "risks", "ai", "discovery")


def build_briefing(store: Store, audience_id: str, period: str = "all",
                   segment: dict[str, str] | tuple | None = None, initiative: str | None = None,
                   today: dt.date | None = None, sections: tuple[str, ...] | list[str] | None = None) -> Briefing:
    """Return the Briefing one audience sees for one period, built from live data.

    Unknown audience or period raise AudienceError / PeriodError (callers fall back with a notice).
    A section whose data is missing says so in `empty`; a section whose computation fails says so in
    `error` and the rest of the briefing still renders. `sections` builds exactly those kinds in that
    order instead of the audience's own list (the presentation mode uses it). `segment` is anything
    pm_core.segments.parse reads: a dict, (property, value) pairs or its text form (hashable, for caching).
    """
    aud = get_audience(store, audience_id)
    per = parse_period(period)
    kinds = list(sections) if sections is not None else aud.sections
    bad = [k for k in kinds if k not in SECTION_KINDS]
    if bad:
        raise AudienceError(f"unknown section(s) {', '.join(bad)}; known: {', '.join(SECTION_KINDS)}")
    # one segment grammar: a dict, (property, value) pairs or text ('platform=iOS|Android,country!=PT')
    segment = segments.parse(segment).text() or None
    ctx = _Ctx(store=store, audience=aud, period=per, today=today or dt.date.today(),
               segment=segment, initiative=initiative, currency=str(nb.setting(store, "currency")))
    out: list[Section] = []
    for kind in kinds:
        try:
            out.extend(_BUILDERS[kind](ctx))
        except Exception as exc:  # one failing section must not take the whole view down
            out.append(Section(id=kind, title=SECTION_KINDS[kind].split(":")[0],
                               error=f"This section could not be built: {type(exc).__name__}: {exc}"))
    items = ctx.cache.get("metric_items")
    if items is None and aud.metrics:
        try:
            items = [metric_item(ctx, k) for k in aud.metrics[:3]]
        except Exception:
            items = []
    seg = segments.parse(segment).describe() if segment else ""
    brand = get_brand(store)
    return Briefing(title=f"{aud.name}: {aud.title}", audience_id=aud.id, audience_name=aud.name,
                    workspace=Path(str(store.path)).stem.replace("_", " ").replace("-", " ").strip().capitalize(),
                    brand=BriefingBrand(company=brand.company, accent=brand.accent, logo_png=brand.logo_png),
                    headline=_headline(ctx, items or []), concern=aud.concern, cares_about=list(aud.cares_about),
                    period=per.label, period_text=per.describe() + (f" · segment {seg}" if seg else ""),
                    generated_at=utcnow(), sections=out)
