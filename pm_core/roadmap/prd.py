"""The PRD one-pager in the guide's structure, rendered as Markdown with user text escaped."""
from __future__ import annotations

from ..formatting import Unit, format_value
from ..kpi_defs import KPI_BY_KEY
from ..text import md, md_block


def _day(d) -> str:
    return f"{d.day} {d:%b %Y}"


def _or_missing(text: str, what: str) -> str:
    return text if text else f"_No {what} written yet._"


def _kr_line(kr: dict) -> str:
    title = md(kr.get("title"))
    if kr.get("missing"):
        return f"- **Key result:** {title} — _no longer in the OKRs (archived or deleted)_"
    unit = kr.get("unit") or Unit.NUMBER
    cur, tgt, base = kr.get("current"), kr.get("target"), kr.get("baseline")
    cur_txt = format_value(cur, unit) if cur is not None else "no value yet"
    as_of = f" ({_day(kr['current_as_of'])})" if cur is not None and kr.get("current_as_of") else ""
    # Values are Pillars' own formatting (digits, %, $), not user text, so they are not escaped.
    parts = [f"current **{cur_txt}**{as_of}"]
    if base is not None:
        parts.append(f"baseline {format_value(base, unit)}")
    if tgt is not None:
        parts.append(f"target {format_value(tgt, unit)}")
    if kr.get("progress") is not None:
        parts.append(f"progress {format_value(kr['progress'], Unit.FRACTION, digits=0)}")
    if kr.get("status"):
        parts.append(md(str(kr["status"]).replace("_", " ")))
    where = f" ({md(kr['objective_title'])}, {md(kr.get('period') or '')})" if kr.get("objective_title") else ""
    link = f"; linked to KPI {md(KPI_BY_KEY[kr['kpi']].label)}" if kr.get("kpi") in KPI_BY_KEY else ""
    return f"- **Key result:** {title}{where} — {', '.join(parts)}{link}"


def _kpi_line(kpi: dict) -> str:
    label = md(kpi["label"])
    if kpi.get("value") is None:
        return f"- **KPI:** {label} — _{md(kpi.get('note') or 'no value yet')}_"
    meta = KPI_BY_KEY.get(kpi["key"])
    definition = f" _{md(meta.definition)}_" if meta else ""
    return f"- **KPI:** {label} — **{format_value(kpi['value'], kpi['unit'])}** in {md(kpi['period'])}.{definition}"


def prd_markdown_for(v, key_results: list[dict], kpis: list[dict]) -> str:
    """Return the PRD Markdown for an InitiativeView with its KR details and KPI current values already looked up.

    Sections: Problem statement & hypothesis, Proposed solution, Success metrics, User stories, Out of
    scope. Empty sections say so instead of disappearing, so the one-pager shows what is missing.
    """
    meta = [f"**Status:** {md(v.status.replace('_', ' ').capitalize())}",
            f"**Health:** {md(v.health.replace('_', ' ').capitalize())}"]
    if v.pillar:
        meta.append(f"**Pillar:** {md(v.pillar.capitalize())}")
    if v.team:
        meta.append(f"**Team:** {md(v.team)}")
    if v.start_date and v.end_date:
        meta.append(f"**When:** {_day(v.start_date)} – {_day(v.end_date)}")
    elif v.board_bucket:
        meta.append(f"**When:** {v.board_bucket.capitalize()}")
    if v.launch_date:
        meta.append(f"**Launched:** {_day(v.launch_date)}")
    lines = [f"# PRD: {md(v.title)}", "", " · ".join(meta), ""]
    lines += ["## Problem statement & hypothesis", "",
              _or_missing(md_block(v.problem), "problem statement"), ""]
    lines += [f"**Hypothesis:** {md_block(v.hypothesis)}" if v.hypothesis else "_No hypothesis written yet._", ""]
    lines += ["## Proposed solution", "", _or_missing(md_block(v.solution), "proposed solution"), ""]
    lines += ["## Success metrics", ""]
    metric_lines = [_kr_line(k) for k in key_results] + [_kpi_line(k) for k in kpis]
    lines += metric_lines or ["_No key result or KPI linked yet: link the KR this initiative should move._"]
    lines += [""]
    lines += ["## User stories", ""]
    stories = [f"- As a {md(s.as_a)}, I want {md(s.i_want)}, so that {md(s.so_that)}."
               for s in v.user_stories]
    lines += stories or ["_No user stories written yet._"]
    lines += ["", "## Out of scope", "", _or_missing(md_block(v.out_of_scope), "out-of-scope list"), ""]
    return "\n".join(lines)
