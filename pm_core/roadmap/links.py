"""What the roadmap reads from its neighbours, key results (pm_core.okrs) and KPI values (pm_core.metrics),
and the dependency-cycle check. A workspace without OKRs or events gets empty answers, never invented values.

The neighbours are imported at the top: pm_core.metrics reaches the roadmap only inside the ROI
function (metrics.values), so there is no import circle to hide.
"""
from __future__ import annotations

import datetime as dt
import graphlib
from typing import Any, Iterable

import pandas as pd

from .. import metrics, okrs
from ..kpi_defs import KPI_BY_KEY
from ..store.areas import reads


def kr_catalog(store) -> list[dict]:
    """Return every active key result as {id, title, objective_id, objective_title, period, kpi, unit,
    baseline, target, current, progress, status}; empty when the workspace has no KRs."""
    # Outcome checks and briefings read the catalogue once per initiative; it only changes with what
    # the OKRs read (pm_core.store.areas) or with the date (KR status depends on today), so keep it per both.
    rows = store.memo(("kr_catalog", dt.date.today()), lambda: _okr_rows(store), reads("pm_core.okrs"))
    return [dict(r) for r in rows]


def _okr_rows(store, today: dt.date | None = None) -> list[dict]:
    rows = []
    for period in okrs.okr_periods(store):
        for obj in okrs.list_okrs(store, period, today):
            for kr in obj.key_results:
                rows.append({"id": kr.id, "title": kr.title, "objective_id": obj.id, "objective_title": obj.title,
                             "period": obj.period, "kpi": kr.kpi, "unit": kr.unit, "type": kr.type,
                             "baseline": kr.baseline, "target": kr.target, "current": kr.current,
                             "current_as_of": kr.current_as_of, "progress": kr.progress, "status": kr.status})
    return rows


def kpi_current(store, key: str, today: dt.date | None = None) -> dict:
    """Return {key, label, unit, value, period, note} for a KPI's latest month with data; value None with a note otherwise."""
    meta = KPI_BY_KEY.get(key)
    out: dict[str, Any] = {"key": key, "label": meta.label if meta else key, "unit": meta.unit if meta else "",
                           "value": None, "period": None, "note": None}
    series = [(m, v) for m, v in kpi_monthly(store, key) if v is not None and (today is None or m <= today)]
    if not series:
        out["note"] = unset_note(store, key) or "not enough data for this KPI yet"
        return out
    month, value = series[-1]
    out.update(value=value, period=month.strftime("%b %Y"))
    return out


def unset_note(store, key: str) -> str | None:
    """Return the KPI's 'not set: choose ... in Settings → ...' note when an event setting it needs is not set, else None."""
    res = metrics.compute_kpi(store, key, period="all")
    return res.note if res.extra.get("not_set") else None


def kpi_monthly(store, key: str) -> list[tuple[dt.date, float | None]]:
    """Return [(first day of month, value or None)] for a KPI, oldest first (empty without data)."""
    df = metrics.kpi_series(store, key, freq="month")
    out = []
    for start, value in zip(df["period_start"], df["value"]):
        v = None if value is None or pd.isna(value) else float(value)
        out.append((pd.Timestamp(start).date(), v))
    return sorted(out)


# -- dependencies ----------------------------------------------------------------------------
def find_cycle(edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """Return one dependency cycle as a node path that starts and ends on the same node (A, B, A), or None.

    An edge (a, b) means 'a depends on b'; a self-loop (a, a) is a cycle of length one. graphlib
    reports a cycle as a path where each node precedes the next, so b is added as a's successor.
    """
    sorter: graphlib.TopologicalSorter = graphlib.TopologicalSorter()
    for a, b in sorted(edges):
        sorter.add(b, a)  # a comes before b in the reported path, following 'a depends on b'
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        return list(exc.args[1])
    return None
