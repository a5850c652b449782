"""Per-initiative sections: the battle card (pitch, proof points, objections) and the engineering debrief."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..briefing import (BulletsItem, Column, MetricItem, Section, TableItem, TextItem)
from ..formatting import Unit, as_number, format_change, format_value
from ..store import Store
from ..store import audiences_store as q
from . import neighbours as nb
from .context import _as_date, _date_words, _delivery, _fmt, _variants_df, _when
from .definitions import AudienceError, metric_catalog
from .neighbours import _g, _label
from .notes import DEBRIEF_STATUSES, BattleCardIn, get_battle_card, get_debrief_notes
from .themes import feedback_themes, list_themes, unmatched_comments, unmatched_text


def _outcomes(store: Store, init: Any) -> list[tuple[str, bool | None]]:
    """Return (sentence, supports) per linked KPI before vs after launch: supports is True when it moved the good way,
    False when it did not, None when there is nothing to compare."""
    try:
        res = nb.outcome_check(store, _g(init, "id"))
    except Exception as exc:  # an outcome the roadmap cannot compute is a sentence, not a failure
        return [(f"Outcome check unavailable: {exc}", None)]
    out: list[tuple[str, bool | None]] = []
    if not (_g(res, "kpis", None) or []) and _g(res, "note", None):
        return [(str(_g(res, "note")), None)]
    for o in _g(res, "kpis", None) or []:
        key = _g(o, "kpi") or _g(o, "key")
        mdef = metric_catalog().get(key)
        label = _g(o, "label") or (mdef.label if mdef else str(key))
        unit = _g(o, "unit") or (mdef.unit if mdef else "ratio")
        before, after = as_number(_g(o, "before")), as_number(_g(o, "after"))
        if before is None or after is None:
            note = _g(o, "note") or "not enough data on both sides of the launch"
            out.append((f"{label}: {note}", None))
            continue
        good_up = mdef.higher_is_better if mdef else True
        supports = after != before and (after > before) == good_up
        out.append((f"{label}: {_fmt(before, unit)} before launch → {_fmt(after, unit)} after "
                    f"({format_change(after, before, unit)})", supports))
    return out


def _outcome_bullets(store: Store, init: Any) -> list[str]:
    return [text for text, _ in _outcomes(store, init)]


def resolve_experiment(names: list[str], wanted: str) -> str | None:
    """Return the imported experiment a card names: the exact name, else the one name containing it (or contained in it).

    Importers may name an experiment after its file ('ab_test_verified_wifi_filter' for
    'verified_wifi_filter'); two or more partial matches are ambiguous and give None.
    """
    if wanted in names:
        return wanted
    w = wanted.lower()
    near = [n for n in names if w in n.lower() or n.lower() in w]
    return near[0] if len(near) == 1 else None


def _experiment_bullet(store: Store, name: str) -> tuple[str, bool]:
    """Return the named A/B test in words and whether it supports the pitch (a positive lift with p < 0.05)."""
    found = resolve_experiment(nb.experiment_names(store), name)
    if found is None:
        return f"A/B test {name}: not imported yet", False
    name = found
    try:
        r = nb.analyse_experiment(store, name)
    except Exception as exc:
        return f"A/B test {name}: no result ({exc})", False
    rel, p = as_number(_g(r, "rel_lift")), as_number(_g(r, "p_value"))
    vdf = _variants_df(r)
    rates = ", ".join(f"{v.variant} {format_value(v.rate, Unit.FRACTION)}" for v in vdf.itertuples() if v.rate is not None)
    parts = [f"A/B test {name}: {rates}" if rates else f"A/B test {name}"]
    if rel is not None:
        parts.append(f"relative lift {rel:+.1%}")
    if p is not None:
        parts.append(f"p = {p:.3g}")
    verdict = _g(r, "verdict")
    supports = rel is not None and rel > 0 and p is not None and p < 0.05
    return "; ".join(parts) + (f" — {verdict}" if verdict else ""), supports


def battle_card(store: Store, initiative_id: str, today: dt.date | None = None, inits: list | None = None) -> Section:
    """Return one initiative's battle card as a section: value proposition, who it is for, proof points, objections.

    Text nobody wrote falls back to the initiative's solution / problem; proof points come from the
    data (outcome check, the named A/B test, linked key results, delivery progress) plus written notes.
    `inits` is the roadmap's list when the caller already has it (saves listing it again per card).
    """
    init = next((i for i in (inits if inits is not None else nb.initiatives(store)) if _g(i, "id") == initiative_id), None)
    if init is None:
        raise AudienceError(f"no initiative with id {initiative_id!r}")
    card = get_battle_card(store, initiative_id) or BattleCardIn()
    title = _g(init, "title")
    sec = Section(id=f"battle_card_{initiative_id}", title=f"Battle card: {title}",
                  notes=("Value proposition and audience are written by the team (or taken from the roadmap's "
                         "solution and problem statement). Proof points come from the data: outcome check "
                         "(linked KPIs before vs after launch), the named A/B test, linked key results and "
                         "delivery progress."))
    vp = card.value_proposition or _g(init, "solution") or _g(init, "hypothesis") or ""
    who = card.for_whom or _g(init, "problem") or ""
    sec.lead = vp or f"{title}: no value proposition written yet."
    status = _when(init) if _g(init, "status") in DEBRIEF_STATUSES else f"{_label(_g(init, 'status'))} — {_when(init)}"
    sec.items.append(BulletsItem(title="The pitch", bullets=[b for b in [
        f"Value proposition: {vp}" if vp else "Value proposition: not written yet (editors can add it).",
        f"Who it is for: {who}" if who else "Who it is for: not written yet.",
        f"Why us: {card.differentiation}" if card.differentiation else None,
        f"Status: {status}"] if b]))
    # A proof point is evidence for the pitch: a KPI that moved the good way after launch, a test that won.
    # What fell or proved nothing is listed apart for the team, never as proof to a customer.
    proof, against = [], []
    if _g(init, "status") in DEBRIEF_STATUSES:
        for text, supports in _outcomes(store, init):
            (proof if supports else against).append(text)  # None (nothing to compare) is no proof either
    if card.experiment:
        text, supports = _experiment_bullet(store, card.experiment)
        (proof if supports else against).append(text)
    for k in _g(init, "key_results", []) or []:
        proof.append(f"Moves key result: {_g(k, 'title', '')}" + (f" ({_g(k, 'objective_title')})" if _g(k, "objective_title") else ""))
    d = _delivery(init)
    if d is not None and _g(init, "status") not in DEBRIEF_STATUSES:
        proof.append(f"Delivery: {_g(init, 'jira_done')} of {_g(init, 'jira_total')} work items done ({d:.0%})")
    proof += card.proof_notes
    sec.items.append(BulletsItem(title="Proof points", bullets=proof or ["No proof points yet: no outcome data, test or notes."]))
    if against:
        sec.items.append(BulletsItem(title="Not proof points (for the team: these do not support the pitch yet)",
                                     bullets=against))
    if card.objections:
        sec.items.append(TableItem(title="Objections and answers", columns=[
            Column(key="objection", label="Objection"), Column(key="answer", label="Answer")],
            rows=[o.model_dump() for o in card.objections]))
    else:
        sec.items.append(TextItem(text="No objections and answers written yet.", tone="info"))
    return sec


_TYPE_WORDS = {"story": ("story", "stories"), "task": ("task", "tasks"), "subtask": ("sub-task", "sub-tasks"),
               "bug": ("bug", "bugs"), "other": ("other item", "other items")}


def debrief(store: Store, initiative_id: str, inits: list | None = None) -> Section:
    """Return the engineering debrief of a launched initiative: what shipped, adoption, bug rate and cycle time, feedback.

    Work items come from the initiative's Jira epic or label; bug rate = bugs / all its items; cycle
    time = median (and 85th percentile) days from created to resolved over its resolved items.
    Feedback themes count survey comments from the launch date on (see `feedback_themes`).
    `inits` is the roadmap's list when the caller already has it.
    """
    init = next((i for i in (inits if inits is not None else nb.initiatives(store)) if _g(i, "id") == initiative_id), None)
    if init is None:
        raise AudienceError(f"no initiative with id {initiative_id!r}")
    title = _g(init, "title")
    launch = _as_date(_g(init, "launch_date")) or _as_date(_g(init, "end_date"))
    epic, label = _g(init, "jira_epic"), _g(init, "jira_label")
    items = q.work_items_for(store, [epic] if epic else [], [label] if label else [])
    link = " / ".join(x for x in [f"epic {epic}" if epic else "", f"label {label}" if label else ""] if x) or "no Jira link"
    sec = Section(id=f"debrief_{initiative_id}", title=f"Debrief: {title}",
                  lead=f"{title} launched {_date_words(launch)}." if launch else f"{title}: launch date not set.",
                  notes=(f"Work items linked through {link}. Bug rate = items of type Bug / all linked items. Cycle "
                         "time = median days from Created to Resolved over resolved items (85th percentile beside it). "
                         "Adoption and impact = the roadmap's outcome check of the linked KPIs before vs after launch. "
                         "Feedback themes count survey comments dated on or after the launch by keyword."))
    if items.empty:
        sec.items.append(TextItem(text=f"No work items linked ({link}); import the team's Jira export and set the "
                                       "initiative's epic or label on the Roadmap page.", tone="warning"))
    else:
        items = items[items["type_category"].fillna("other") != "epic"]
        done = items[items["status_category"] == "done"]
        by_type = done["type_category"].fillna("other").value_counts()
        shipped = [f"{n} {_TYPE_WORDS.get(t, ('item', 'items'))[n != 1]}" for t, n in by_type.items()]
        stories = done[done["type_category"].isin(["story", "task"])].head(8)
        sec.items.append(BulletsItem(title=f"What shipped ({len(done)} of {len(items)} work items done)",
                                     bullets=[", ".join(shipped) or "nothing done yet"]
                                     + [f"{r.key}: {r.title}" for r in stories.itertuples()]))
        n_bugs = int((items["type_category"] == "bug").sum())
        resolved = items.dropna(subset=["created", "resolved"])
        days = (pd.to_datetime(resolved["resolved"]) - pd.to_datetime(resolved["created"])).dt.total_seconds() / 86400
        days = days[days >= 0]
        sec.items.append(MetricItem(key="debrief_bug_rate", label="Bug rate of its work items", unit="fraction",
                                    value=n_bugs / len(items) if len(items) else None, higher_is_better=False,
                                    definition="Work items of type Bug divided by all work items linked to the initiative.",
                                    source=f"work items ({link})", period="all linked work items",
                                    note=f"{n_bugs} bugs of {len(items)} items"))
        sec.items.append(MetricItem(key="debrief_cycle_time", label="Cycle time of its work items", unit="days",
                                    value=float(days.median()) if len(days) else None, higher_is_better=False,
                                    definition="Median days from Created to Resolved over the initiative's resolved work items.",
                                    source=f"work items ({link})", period="all linked work items",
                                    note=(f"85th percentile {format_value(float(days.quantile(0.85)), Unit.DAYS)}; {len(days)} resolved items"
                                          if len(days) else "no resolved items")))
    adoption = _outcome_bullets(store, init) if _g(init, "status") in DEBRIEF_STATUSES else []
    sec.items.append(BulletsItem(title="Adoption and impact (linked KPIs before vs after launch)",
                                 bullets=adoption or ["No KPI linked to this initiative, so no before/after comparison."]))
    comments = q.survey_comments(store, launch, None) if launch else pd.DataFrame(columns=["comment"])
    workspace_themes = list_themes(store)
    themes = feedback_themes(comments["comment"].tolist(), workspace_themes) if not comments.empty else pd.DataFrame()
    none_words = unmatched_text(*unmatched_comments(comments["comment"].tolist(), workspace_themes))
    if comments.empty:
        sec.items.append(TextItem(text="No survey comments since launch.", tone="info"))
    elif themes.empty:
        sec.items.append(TextItem(text=f"Survey comments since launch: {none_words}.", tone="info"))
    else:
        sec.items.append(TableItem(title=f"Feedback themes since launch ({len(comments):,} comments"
                                         + (f"; {none_words}" if none_words else "") + ")", columns=[
            Column(key="theme", label="Theme"), Column(key="comments", label="Comments", unit="int"),
            Column(key="share", label="Share", unit="fraction"), Column(key="example", label="Example comment")],
            rows=themes.to_dict("records")))
    notes = get_debrief_notes(store, initiative_id)
    if notes and (notes.went_well or notes.to_improve):
        if notes.went_well:
            sec.items.append(BulletsItem(title="What went well", bullets=notes.went_well))
        if notes.to_improve:
            sec.items.append(BulletsItem(title="What to improve", bullets=notes.to_improve))
    return sec
