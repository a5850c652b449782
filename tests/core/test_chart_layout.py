"""Chart sizing, partial periods, month axes and human names, checked against values computed here by hand
(calendar arithmetic with datetime, and the Vega-Lite specs read back as plain dicts and vl-convert SVG)."""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
import vl_convert as vlc

from pm_core.charts import audiences as aud_charts
from pm_core.charts import growth as growth_charts
from pm_core.charts.layout import FIT_X, band_height, describe, for_page
from pm_core.formatting import human_name
from pm_core.periods import coverage_note, month_label

D = dt.date


@pytest.mark.parametrize("start,end,first,last,want", [
    (D(2026, 11, 1), D(2026, 12, 1), D(2026, 5, 25), D(2026, 11, 22), "to 22 Nov"),
    (D(2026, 5, 1), D(2026, 6, 1), D(2026, 5, 25), D(2026, 11, 22), "from 25 May"),
    (D(2026, 6, 1), D(2026, 7, 1), D(2026, 5, 25), D(2026, 11, 22), None),
    (D(2026, 5, 1), D(2026, 6, 1), D(2026, 5, 25), D(2026, 5, 28), "25–28 May"),
    (D(2026, 5, 1), D(2026, 7, 1), D(2026, 5, 25), D(2026, 6, 3), "25 May – 3 Jun"),
    (D(2026, 12, 1), D(2027, 1, 1), D(2026, 5, 25), D(2026, 11, 22), "no data"),
    (D(2026, 11, 1), D(2026, 12, 1), None, None, None),
    (D(2026, 11, 30), D(2026, 12, 1), D(2026, 5, 25), D(2026, 11, 30), None),   # a day is whole or absent
])
def test_coverage_note(start, end, first, last, want):
    assert coverage_note(start, end, first, last) == want


def test_month_label():
    assert month_label(D(2026, 11, 1)) == "Nov 2026"
    assert month_label(pd.Timestamp("2026-11-01"), "to 22 Nov") == "Nov 2026 (to 22 Nov)"


@pytest.mark.parametrize("raw,want", [
    ("ab_test_verified_wifi_filter", "Verified WiFi filter"), ("kpi:conversion_rate", "Conversion rate"),
    ("booking_completed", "Booking completed"), ("imported_at", "Imported at"), ("Long stay", "Long stay"),
    (None, ""), ("", ""), ("mau", "MAU"),
])
def test_human_name(raw, want):
    assert human_name(raw) == want


def test_human_name_prefers_the_declared_label():
    assert human_name("kpi:conversion_rate", {"conversion_rate": "Search-to-booking conversion"}) == \
        "Search-to-booking conversion"


def test_for_page_keeps_the_plot_height_and_draws_svg():
    spec = {"mark": "bar", "height": 150, "title": "T"}
    out = for_page(spec)
    assert out["autosize"] == FIT_X and out["height"] == 150
    assert out["usermeta"]["embedOptions"]["renderer"] == "svg"
    assert "autosize" not in spec   # the cached spec is not changed
    assert for_page({**spec, "autosize": {"type": "pad"}})["autosize"] == {"type": "pad"}


def test_band_height_gives_every_row_its_room():
    assert band_height(5) == 5 * 28 and band_height(0) == 120 and band_height(27, 22, 160) == 27 * 22


def test_describe_names_title_kind_and_axes():
    spec = aud_charts.themes_chart(pd.DataFrame({"theme": ["A", "B"], "comments": [3, 1], "share": [0.75, 0.25]}),
                                   "Comments per theme").to_dict()
    assert describe(spec) == "Comments per theme. Bar chart of values by Comments mentioning the theme."


def _svg_texts(spec: dict) -> list[str]:
    """Return every drawn line of text (a two-line label is two <tspan>s of one <text>)."""
    out = []
    for body in re.findall(r"<text[^>]*>(.*?)</text>", vlc.vegalite_to_svg(spec)):
        spans = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", body)
        out += spans or [body]
    return out


def _rows(spec: dict, layer: dict | None = None) -> list[dict]:
    data = (layer or {}).get("data") or spec.get("data") or {}
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def test_trend_chart_has_one_label_per_month_and_marks_the_partial_one():
    months = pd.to_datetime(["2026-05-01", "2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01",
                             "2026-11-01"])
    df = pd.DataFrame({"period_start": months, "value": [2448, 6300, 6700, 7600, 8535, 9848, 8922],
                       "note": ["from 25 May", None, None, None, None, None, "to 22 Nov"]})
    spec = aud_charts.trend_chart(df, "MAU by month", "users", "Monthly active users").to_dict()
    texts = _svg_texts(spec)
    ticks = [t for t in texts if re.match(r"^(\(|[A-Z][a-z]{2} 2026)", t)]
    assert ticks == ["May 2026", "(from 25 May)", "Jun 2026", "Jul 2026", "Aug 2026", "Sep 2026", "Oct 2026",
                     "Nov 2026", "(to 22 Nov)"]
    layers = spec["layer"]
    hollow = [L for L in layers if L["mark"].get("type") == "point" and L["mark"].get("filled") is False]
    dashed = [L for L in layers if L["mark"].get("type") == "line" and L["mark"].get("strokeDash")]
    data = spec["datasets"]
    assert len(hollow) == 1 and len(dashed) == 1
    assert [r["month"] for r in data[hollow[0]["data"]["name"]]] == ["May 2026 (from 25 May)", "Nov 2026 (to 22 Nov)"]
    # the solid line never reaches a partial month
    solid = next(L for L in layers if L["mark"].get("type") == "line" and not L["mark"].get("strokeDash"))
    assert all("(" not in r["month"] for r in data[solid["data"]["name"]])


def test_stickiness_partial_months_are_hollow_and_labelled():
    df = pd.DataFrame({"month": [D(2026, 5, 1), D(2026, 6, 1), D(2026, 11, 1)], "mau": [100, 200, 150],
                       "mean_dau": [15.0, 13.0, 14.0], "stickiness": [0.15, 0.065, 0.093],
                       "days_with_events": [7, 30, 22], "calendar_days": [7, 30, 22]})
    spec = growth_charts.stickiness_chart(df).to_dict()
    rows = _rows(spec)
    assert [r["month_label"] for r in rows] == ["May 2026 (from 25 May)", "Jun 2026", "Nov 2026 (to 22 Nov)"]
    part = next(L for L in spec["layer"] if L["mark"].get("strokeDash"))
    assert part["mark"]["fillOpacity"] < 0.5


def test_lift_axis_reads_percentage_points():
    from pm_core.experiments import ExperimentResult

    given = {"treatment": "treatment", "control": "control", "abs_lift": 0.017, "ci95": (-0.004, 0.038)}
    res = ExperimentResult.model_construct(**{**{k: None for k in ExperimentResult.model_fields}, **given})
    texts = _svg_texts(growth_charts.lift_chart(res).to_dict())
    ticks = [t for t in texts if t.endswith(" pp")]
    assert ticks and all(re.fullmatch(r"[+-]?\d+\.\d pp", t) for t in ticks)
    assert not any(t.endswith("%") for t in texts)
    assert "Treatment vs Control" in texts
