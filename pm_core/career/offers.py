"""Compare up to four packages (current + three offers) against their band, the team's pay and the
next level's band; and the side-by-side table for people.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from ..formatting import Unit, format_value
from ..store import Store
from ..store import career_store as cs
from ..text import clean_text
from .ladder import ladder, salary_min_group
from .models import (SIGN_ON_YEARS, CareerError, OfferComparison, OfferIn, _currency, _num, _pay, _rates_dict,
                     money)
from .pay import _ctx, team_percentile


def compare_offers(store: Store, offers: list[OfferIn | dict], currency: str = "USD", rates: Any = None,
                   min_group: int | None = None) -> list[OfferComparison]:
    """Return each package's yearly value (base + stock + bonus + sign-on/4) against its band, the team and the next band.

    Up to four packages (current + three offers). Without a ladder_level the level whose band floor
    the yearly total has passed is used (level_inferred=True). A band in another currency is used
    only with a rate; the team percentile only when the team group has at least min_group rows.
    """
    if len(offers) > 4:
        raise CareerError("Compare at most four packages: your current one and up to three offers.")
    cur_code = _currency(currency, "Currency")
    rates_d = _rates_dict(rates)
    limit = salary_min_group(store) if min_group is None else max(1, int(min_group))
    levels = ladder(store)
    by_id = {lv.id: lv for lv in levels}
    ctx = _ctx(store, levels)
    out = []
    for i, raw in enumerate(offers, start=1):
        o = raw if isinstance(raw, OfferIn) else OfferIn(**raw)
        try:
            name = clean_text(o.label, "label") or f"Package {i}"
        except ValueError as exc:
            raise CareerError(f"Package {i}: {exc}") from None
        ccy = _currency(o.currency or cur_code, name)
        for field in ("base", "stock", "bonus", "sign_on"):
            v = _num(getattr(o, field), name, field.replace("_", "-"))
            if v is not None and v < 0:
                raise CareerError(f"{name}: {field.replace('_', '-')} cannot be negative")
            _pay(v, ccy, name, field.replace("_", "-"))
        sign_on_year = o.sign_on / SIGN_ON_YEARS
        total = o.base + o.stock + o.bonus + sign_on_year
        notes_band, notes_team, notes_next = "", "", ""
        lv, inferred = None, False
        if o.ladder_level:
            lv = by_id.get(o.ladder_level)
            if lv is None:
                raise CareerError(f"{name}: level {o.ladder_level!r} is not on the ladder")

        def to_band(amount: float, band_ccy: str) -> float | None:
            if band_ccy == ccy:
                return amount
            if ccy in rates_d and band_ccy == cur_code:
                return amount * rates_d[ccy]
            if band_ccy in rates_d and ccy == cur_code:
                return amount / rates_d[band_ccy]
            return None

        if lv is None and total > 0:
            banded = [x for x in levels if x.band_low is not None and to_band(total, x.currency) is not None]
            placed = [x for x in banded if to_band(total, x.currency) >= x.band_low]
            lv = placed[-1] if placed else (banded[0] if banded else None)
            inferred = lv is not None
        position = gap = next_low = None
        next_lv = None
        if lv is not None:
            in_band = to_band(total, lv.currency)
            if in_band is None:
                notes_band = f"The {lv.name} band is in {lv.currency}; enter a {ccy}→{lv.currency} rate to place this package in it."
            elif lv.band_low is None:
                notes_band = f"No band is published for {lv.name}."
            elif lv.band_high is None:
                position = None
                if in_band >= lv.band_low:
                    notes_band = f"{money(in_band - lv.band_low, lv.currency)} above the floor of the open {lv.name} band ({lv.band_label}); the band has no published top."
                else:
                    notes_band = f"{money(lv.band_low - in_band, lv.currency)} below the floor of the {lv.name} band ({lv.band_label})."
            else:
                position = (in_band - lv.band_low) / (lv.band_high - lv.band_low)
                if position > 1 and lv.band_open:
                    notes_band = f"Above the published top of the {lv.name} band ({lv.band_label}), which is open-ended."
                elif position > 1:
                    notes_band = f"Above the {lv.name} band ({lv.band_label})."
                elif position < 0:
                    notes_band = f"Below the {lv.name} band ({lv.band_label})."
                else:
                    notes_band = f"{format_value(position, Unit.FRACTION, digits=0)} of the way through the {lv.name} band ({lv.band_label})."
            later = [x for x in levels if x.rank > lv.rank]
            next_lv = later[0] if later else None
            if next_lv is None:
                notes_next = f"{lv.name} is the top of the ladder."
            elif next_lv.band_low is None:
                notes_next = f"No band is published for {next_lv.name}."
            else:
                nb = to_band(total, next_lv.currency)
                next_low = next_lv.band_low
                if nb is None:
                    notes_next = f"The {next_lv.name} band is in {next_lv.currency}; enter a rate to compare."
                else:
                    gap = max(0.0, next_lv.band_low - nb)
                    notes_next = (f"{money(gap, next_lv.currency)} a year below the {next_lv.name} band's floor ({money(next_lv.band_low, next_lv.currency)})."
                                  if gap > 0 else f"Already at or above the {next_lv.name} band's floor ({money(next_lv.band_low, next_lv.currency)}).")
            values = cs.usable_totals(store, lv.id, ccy, **ctx)
            if len(values) >= limit:
                pct = team_percentile(values, total)
                team = (pct, f"{len(values):,}")
                notes_team = f"Above {format_value(pct, Unit.FRACTION, digits=0)} of the team's {lv.name} packages in {ccy} ({len(values):,} rows)."
            else:
                team = (None, f"fewer than {limit}" if values else "0")
                notes_team = (f"Fewer than {limit} team rows for {lv.name} in {ccy}; hidden so no one's pay can be read off."
                              if values else f"No team rows for {lv.name} in {ccy}.")
        else:
            team = (None, None)
            notes_band = "Enter a package to place it on the ladder." if total <= 0 else "No level to compare with."
        out.append(OfferComparison(
            label=name, currency=ccy, base=o.base, stock=o.stock, bonus=o.bonus, sign_on_per_year=sign_on_year,
            yearly_total=total, ladder_level=lv.id if lv else None, level_name=lv.name if lv else None,
            level_inferred=inferred, band_label=lv.band_label if lv else None, band_position=position,
            band_note=notes_band, team_n_label=team[1], team_percentile=team[0], team_note=notes_team,
            next_level=next_lv.id if next_lv else None, next_band_low=next_low, gap_to_next=gap, next_note=notes_next,
            band_currency=(next_lv.currency if next_lv else lv.currency) if lv else None))
    return out


def offers_table(comparisons: list[OfferComparison]) -> pd.DataFrame:
    """Return compared packages side by side (one column per package) as display strings."""
    def pct(v):
        return format_value(v, Unit.FRACTION, digits=0)

    table = {}
    for c in comparisons:
        level = (c.level_name or "—") + (" (from pay)" if c.level_inferred else "")
        table[c.label] = {
            "Base": money(c.base, c.currency), "Stock per year": money(c.stock, c.currency),
            "Bonus": money(c.bonus, c.currency), "Sign-on per year (÷4)": money(c.sign_on_per_year, c.currency),
            "Yearly total": money(c.yearly_total, c.currency), "Level": level, "Band": c.band_label or "—",
            "Position in band": pct(c.band_position) if c.band_position is not None else ("open band" if c.band_label and c.band_label.endswith("+") and c.level_name else "—"),
            "Team percentile": pct(c.team_percentile) if c.team_percentile is not None else (f"{c.team_n_label} rows — hidden" if c.team_n_label not in (None, "0") else "no team rows"),
            "Gap to next level's band": "—" if c.gap_to_next is None else money(c.gap_to_next, c.band_currency or c.currency),
        }
    return pd.DataFrame(table)
