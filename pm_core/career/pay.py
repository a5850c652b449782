"""The team's pay: percentiles by group (small groups suppressed), suspicious rows, the ladder chart's
data and the percentile table for people. SQL is in pm_core.store.career_store.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from ..formatting import Unit, format_value, plural
from ..store import Store
from ..store import career_store as cs
from .ladder import ladder, reference_points, salary_min_group
from .models import (ABSURD_PAY, DEFAULT_LEVEL_MAP, GROUPINGS, LOW_UNIT_CURRENCIES, NO_LEVEL_ROW, UNMAPPED, CareerError,
                     LadderLevel, _currency, _rates_dict, _records, money)


def _ctx(store: Store, levels: list[LadderLevel] | None = None) -> dict:
    """Arguments every salary query needs: known ladder ids, the absurd-pay rule and the unstored default map."""
    seeded = cs.ladder_count(store) > 0 or cs.level_map_count(store) > 0
    return dict(ladder_ids=[lv.id for lv in (levels or ladder(store))], exempt=list(LOW_UNIT_CURRENCIES),
                limit=ABSURD_PAY, fallback=[] if seeded else DEFAULT_LEVEL_MAP)


def _eff(store: Store) -> pd.DataFrame:
    return cs.effective_salaries(store, **_ctx(store))


def has_salaries(store: Store) -> bool:
    """Return True when at least one salary row is stored."""
    return cs.salary_count(store) > 0


def salary_titles(store: Store) -> list[str]:
    """Return the titles present in the salary rows, most frequent first (empty without data)."""
    return cs.distinct_titles(store)


def currency_assumptions(store: Store) -> list[str]:
    """Return, per salary import, the currency it assumed or was given ('levels.csv: currency assumed USD: ...');
    empty when every import's currency came from its own columns or symbols."""
    from ..store.imports_store import import_notes

    return [f"{name}: {note.removeprefix('warning: ')}" for name, notes in import_notes(store, "salaries")
            for note in notes if note.startswith(("currency assumed", "currency ")) and "column '" not in note
            or note.startswith("warning: no currency column")]


def salary_overview(store: Store) -> dict:
    """Return {'rows', 'used', 'excluded', 'unmapped', 'currencies', 'assumptions'}: how many rows feed the figures,
    why others do not, and the currency each import assumed (Levels.fyi's USD) or was given."""
    df = _eff(store)
    used = df[df["usable"]]
    return {"rows": int(len(df)), "used": int(len(used)), "excluded": int((~df["usable"]).sum()),
            "unmapped": int(df["eff_level"].isna().sum()),
            "currencies": sorted(used["currency"].dropna().unique().tolist()),
            "assumptions": currency_assumptions(store) if len(df) else []}


PERCENTILE_COLUMNS = ["group", "label", "currency", "n", "n_label", "p10", "p25", "p50", "p75", "p90",
                      "base", "stock", "bonus", "suppressed", "converted_from"]
_FIGURES = ["p10", "p25", "p50", "p75", "p90", "base", "stock", "bonus"]


def percentiles(store: Store, by: str = "ladder_level", title: str | None = None, min_group: int | None = None,
                currency: str | None = None, rates: Any = None) -> pd.DataFrame:
    """Return one row per (group, currency): n, P10–P90 of yearly total pay, base/stock/bonus medians, suppressed.

    Groups smaller than min_group (default: the salary_min_group setting) have every figure and n
    blanked (n_label 'fewer than 5'). Without `currency` each currency forms its own groups; with
    it, only that currency plus those given a rate in `rates` ({'GBP': 1.27} = 1 GBP is 1.27 of
    `currency`) are used. Unusable rows are left out (see salary_issues); empty frame without data.
    """
    if by not in GROUPINGS:
        raise CareerError(f"Cannot group salaries by {by!r}; use one of {', '.join(GROUPINGS)}.")
    limit = salary_min_group(store) if min_group is None else max(1, int(min_group))
    cur_code = _currency(currency, "Currency") if currency else None
    rates_d = _rates_dict(rates)
    levels = ladder(store)
    raw = cs.group_percentiles(store, by, title=title or None, currency=cur_code, rates=rates_d, **_ctx(store, levels))
    if raw.empty:
        return pd.DataFrame(columns=PERCENTILE_COLUMNS)
    df = raw.rename(columns={"grp": "group"})
    names = {lv.id: lv.name for lv in levels}
    if by == "ladder_level":
        order = {lv.id: lv.rank for lv in levels}
        df["label"] = df["group"].map(lambda g: names.get(g, "Unmapped level" if g == UNMAPPED else g))
        df["_order"] = df["group"].map(lambda g: order.get(g, 10_000))
    elif by == "years":
        order = {g: i for i, g in enumerate(cs.years_order())}
        df["label"] = df["group"]
        df["_order"] = df["group"].map(lambda g: order.get(g, 10_000))
    else:
        df["label"] = df["group"]
        df["_order"] = 0
    df["suppressed"] = df["n"] < limit
    df["n"] = df["n"].astype("Int64")
    df.loc[df["suppressed"], "n"] = pd.NA
    for col in _FIGURES:
        df[col] = df[col].astype("float64")
        df.loc[df["suppressed"], col] = float("nan")
    df["n_label"] = [f"fewer than {limit}" if s else f"{int(n):,}" for s, n in zip(df["suppressed"], df["n"])]
    df["converted_from"] = df["converted_from"].astype(object).where(df["converted_from"].notna(), None)
    df = df.sort_values(["currency", "_order", "label"], kind="stable").reset_index(drop=True)
    return df[PERCENTILE_COLUMNS]


def percentile_records(df: pd.DataFrame) -> list[dict]:
    """Return percentiles() rows as JSON-ready dicts (suppressed figures and n as None)."""
    return _records(df)


def team_percentile(values: list[float], x: float) -> float:
    """Return the share of values below x, counting ties as half (0..1); raises on an empty list."""
    if not values:
        raise CareerError("No team figures to compare with.")
    below = sum(1 for v in values if v < x)
    equal = sum(1 for v in values if v == x)
    return (below + 0.5 * equal) / len(values)


# -- bad and suspicious rows -------------------------------------------------------------------
def _row_label(r: dict) -> str:
    bits = [b for b in (r.get("company"), r.get("title"), r.get("level"), r.get("location")) if b]
    return f"salary row {r['row_id'] + 1} ({' · '.join(str(b) for b in bits) or 'no company, title or level'}; import {r.get('import_id')})"


def salary_issues(store: Store) -> list[dict]:
    """Return every suspicious kept salary row or group as {'kind', 'message', 'row_ids', 'count', 'in_figures'}.

    row_ids are the store's row ids (0-based); messages number rows from 1 in the order they were stored.

    Kinds: negative_pay, absurd_pay (over 20M in the row's currency), missing_currency, no_pay
    (left out of the figures); unmapped_level and duplicate (kept in the figures). Empty list when clean.
    """
    df = _eff(store)
    if df.empty:
        return []
    issues: list[dict] = []
    for r in _records(df):
        label = _row_label(r)
        parts = {k: r.get(k) for k in ("base", "stock", "bonus", "total")}
        negative = [f"{k} {v:,.0f}" for k, v in parts.items() if v is not None and v < 0]
        if negative:
            issues.append(dict(kind="negative_pay", row_ids=[r["row_id"]], count=1, in_figures=False,
                               message=f"{label}: negative pay ({', '.join(negative)}). Kept, but left out of the figures; fix the source file and re-import."))
            continue
        cur_code = r.get("currency")
        if cur_code not in LOW_UNIT_CURRENCIES:
            big = [f"{k} {v:,.0f}" for k, v in {**parts, "total": r.get("total_eff")}.items()
                   if v is not None and v > ABSURD_PAY]
            if big:
                issues.append(dict(kind="absurd_pay", row_ids=[r["row_id"]], count=1, in_figures=False,
                                   message=f"{label}: pay over {ABSURD_PAY:,} {cur_code or ''} a year ({', '.join(dict.fromkeys(big))}) looks like a typo. Kept, but left out of the figures.".replace("  ", " ")))
                continue
        if cur_code is None:
            issues.append(dict(kind="missing_currency", row_ids=[r["row_id"]], count=1, in_figures=False,
                               message=f"{label}: no currency, so it cannot be compared with anything. Kept, but left out of the figures; re-import the file with its currency set (the Data page asks for it when the file has none)."))
            continue
        if r.get("total_eff") is None or r["total_eff"] <= 0:
            issues.append(dict(kind="no_pay", row_ids=[r["row_id"]], count=1, in_figures=False,
                               message=f"{label}: no total, base, stock or bonus figure. Kept, but left out of the figures."))
    unmapped = df[df["eff_level"].isna()]
    if not unmapped.empty:
        keys = unmapped.assign(company=unmapped["company"].fillna(""), level=unmapped["level"].fillna(""))
        for (company, level), g in keys.groupby(["company", "level"], sort=True):
            who = f"{company or 'no company'} level {level!r}" if level else f"{company or 'no company'} (no level given)"
            issues.append(dict(kind="unmapped_level", row_ids=[int(x) for x in g["row_id"]], count=int(len(g)), in_figures=True,
                               message=f"{who}: {plural(len(g), 'row')} not on the ladder; shown as 'unmapped'. Add it to the level map to place them."))
    for r in _records(cs.duplicate_groups(store)):
        bits = " · ".join(str(b) for b in (r.get("company"), r.get("title"), r.get("level"), r.get("location")) if b)
        ids = [int(x) for x in r["row_ids"]]
        issues.append(dict(kind="duplicate", row_ids=ids, count=int(r["n"]), in_figures=True,
                           message=f"{r['n']} identical rows ({bits or 'no details'}; total {format_value(r.get('total'), Unit.CURRENCY, currency=r.get('currency') or 'USD', compact=False) if r.get('currency') else r.get('total')}; rows {', '.join(str(i + 1) for i in ids)}). All are counted; delete the repeated import on the Data page if they are one person."))
    return issues


# -- chart data ----------------------------------------------------------------------------------
def ladder_chart_data(store: Store, currency: str = "USD", rates: Any = None, with_team: bool = True) -> dict:
    """Return {'bands', 'points', 'team', 'other_points', 'currency'} DataFrames for the ladder chart in one currency.

    Bands and points in another currency are converted only with a rate (and say so); points that
    cannot be converted come back in other_points by currency, never on this axis. Team figures are
    P25/P50/P75 per ladder level with suppressed groups left out entirely.
    """
    cur_code = _currency(currency, "Currency")
    rates_d = _rates_dict(rates)

    def conv(amount, ccy):
        if amount is None:
            return None
        if ccy == cur_code:
            return float(amount)
        if ccy in rates_d:
            return float(amount) * rates_d[ccy]
        return None

    levels = ladder(store)
    bands = []
    for lv in levels:
        if lv.band_low is None or (lv.currency != cur_code and lv.currency not in rates_d):
            continue
        bands.append(dict(level=lv.id, name=lv.name, rank=lv.rank, low=conv(lv.band_low, lv.currency),
                          high=conv(lv.band_high, lv.currency), open=lv.band_open, band=lv.band_label,
                          source=lv.source_label + (f"; converted from {lv.currency}" if lv.currency != cur_code else ""),
                          note=lv.note or ""))
    names = {lv.id: lv.name for lv in levels}
    points, other = [], []
    for p in reference_points(store):
        row = dict(label=p.label, level=p.ladder_level, name=names.get(p.ladder_level, NO_LEVEL_ROW),
                   display=p.display, qualifier=p.qualifier, source=p.source_label, note=p.note or "",
                   comp=p.comp or "", currency=p.currency)
        amount = conv(p.amount, p.currency)
        if amount is None:
            other.append({**row, "amount": p.amount})
        else:
            points.append({**row, "amount": amount, "converted": p.currency != cur_code})
    team = pd.DataFrame(columns=["level", "name", "n", "p25", "p50", "p75"])
    if with_team:
        pct = percentiles(store, by="ladder_level", currency=cur_code, rates=rates_d or None)
        pct = pct[~pct["suppressed"] & pct["group"].isin(names)]
        team = pd.DataFrame({"level": pct["group"], "name": pct["label"], "n": pct["n"].astype("float64"),
                             "p25": pct["p25"], "p50": pct["p50"], "p75": pct["p75"]}).reset_index(drop=True)
    return {"bands": pd.DataFrame(bands, columns=["level", "name", "rank", "low", "high", "open", "band", "source", "note"]),
            "points": pd.DataFrame(points, columns=["label", "level", "name", "amount", "display", "qualifier", "source",
                                                    "note", "comp", "currency", "converted"]),
            "team": team,
            "other_points": pd.DataFrame(other, columns=["label", "level", "name", "amount", "display", "qualifier",
                                                         "source", "note", "comp", "currency"]),
            "levels": [lv.name for lv in levels] + [NO_LEVEL_ROW],
            "currency": cur_code}


# -- tables for people (page and exports) --------------------------------------------------------
def percentile_table(df: pd.DataFrame, group_title: str) -> pd.DataFrame:
    """Return percentiles() as display strings; suppressed groups read 'fewer than N — hidden' and carry no figures.

    The 'Converted from' column appears only when some group includes converted currencies.
    """
    out = []
    for r in _records(df):
        ccy = r["currency"]
        hidden = bool(r["suppressed"])

        def cell(k):
            return "hidden" if hidden else money(r[k], ccy)

        out.append({group_title: r["label"], "Currency": ccy,
                    "Rows": f"{r['n_label']} — hidden" if hidden else r["n_label"],
                    "P10": cell("p10"), "P25": cell("p25"), "Median": cell("p50"), "P75": cell("p75"), "P90": cell("p90"),
                    "Base (median)": cell("base"), "Stock (median)": cell("stock"), "Bonus (median)": cell("bonus"),
                    "Converted from": r.get("converted_from") or ""})
    cols = [group_title, "Currency", "Rows", "P10", "P25", "Median", "P75", "P90", "Base (median)", "Stock (median)",
            "Bonus (median)", "Converted from"]
    table = pd.DataFrame(out, columns=cols)
    if not table["Converted from"].astype(bool).any():
        table = table.drop(columns=["Converted from"])
    return table
