"""Career ladder and pay benchmarks: defaults, percentiles against numpy, suppression, currencies, offers, mapping, issues."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from pm_core import career
from pm_core.auth import PermissionDenied
from pm_core.career import CareerError, OfferIn
from pm_core.charts import career as charts
from pm_core.settings import update_settings
from tests.conftest import ROOT, SAMPLE_DATA
from tests.factories import append_df

Q = [10, 25, 50, 75, 90]


def rows(company="Meta", level="L4", currency="USD", totals=(), title="Product Manager", location="Menlo Park, CA",
         years=3.0, stock_share=0.3, bonus_share=0.1):
    """Salary rows whose parts add up to each total (base = total - stock - bonus)."""
    out = []
    for t in totals:
        stock, bonus = round(t * stock_share), round(t * bonus_share)
        out.append(dict(import_id="imp_test", company=company, title=title, level=level, location=location,
                        currency=currency, years=float(years), base=float(t - stock - bonus), stock=float(stock),
                        bonus=float(bonus), total=float(t)))
    return out


def put(store, data):
    df = pd.DataFrame(data)
    for col in ("ladder_level", "reported_on"):
        if col not in df:
            df[col] = None
    with store.transaction() as cur:
        append_df(cur, "salaries", df)


def np_pct(values):
    return {f"p{q}": float(np.percentile(np.asarray(values, dtype=float), q, method="linear")) for q in Q}


def group(df, grp, currency="USD"):
    hit = df[(df["group"] == grp) & (df["currency"] == currency)]
    assert len(hit) == 1, f"expected one {grp}/{currency} group, got {len(hit)}: {df[['group', 'currency']].to_dict('records')}"
    return hit.iloc[0]


# -- the ladder ---------------------------------------------------------------------------------
def test_default_ladder_has_the_guide_bands_and_open_tops(store):
    levels = career.ladder(store)
    assert [lv.id for lv in levels] == ["apm", "pm", "senior_pm", "group_pm", "vp_cpo"]
    bands = {lv.id: (lv.band_low, lv.band_high, lv.band_open) for lv in levels}
    assert bands == {"apm": (80_000, 115_000, False), "pm": (115_000, 160_000, False),
                     "senior_pm": (160_000, 220_000, False), "group_pm": (220_000, 300_000, True),
                     "vp_cpo": (300_000, None, True)}
    assert [lv.band_label for lv in levels] == ["$80K–$115K", "$115K–$160K", "$160K–$220K", "$220K–$300K+", "$300K+"]
    assert all(lv.currency == "USD" and lv.year == 2024 and lv.source for lv in levels)
    assert "equity" in levels[-1].note.lower()
    assert store.table_counts()["ladder_levels"] == 0  # reading never writes


def test_ensure_defaults_is_idempotent_and_refuses_viewers(store, editor, viewer):
    with pytest.raises(PermissionDenied):
        career.ensure_defaults(store, viewer)
    assert career.ensure_defaults(store, editor) is True
    assert career.ensure_defaults(store, editor) is False
    counts = store.table_counts()
    assert counts["ladder_levels"] == 5 and counts["reference_points"] == 5 and counts["level_map"] == 2


def test_reference_points_carry_source_year_and_currency(store):
    pts = {p.id: p for p in career.reference_points(store)}
    assert (pts["meta_l4"].amount, pts["meta_l4"].source, pts["meta_l4"].year, pts["meta_l4"].display) == (280_000, "Levels.fyi", 2024, "~$280K")
    assert pts["meta_l6"].display == "$500K+"
    assert pts["san_jose_top"].display == "up to $336,881" and "97%" in pts["san_jose_top"].note
    assert (pts["uk_p3"].currency, pts["uk_p3"].amount, pts["uk_senior"].amount) == ("GBP", 67_000, 109_100)
    assert pts["uk_p3"].display == "£67,000"


def test_save_ladder_validates_and_is_all_or_nothing(store, editor, viewer):
    base = pd.DataFrame([lv.model_dump() for lv in career.default_ladder()])
    with pytest.raises(PermissionDenied):
        career.save_ladder(store, viewer, base)
    bad = base.copy()
    bad.loc[2, "band_high"] = 150_000
    with pytest.raises(CareerError, match=r"Ladder row 3 \(Senior PM\): band_high 150,000 must be above band_low 160,000"):
        career.save_ladder(store, editor, bad)
    bad = base.copy()
    bad.loc[3, "band_open"] = False
    bad.loc[4, "band_open"] = False
    with pytest.raises(CareerError, match="row 5 .*no band_high"):
        career.save_ladder(store, editor, bad)
    with pytest.raises(CareerError, match="used twice"):
        career.save_ladder(store, editor, pd.concat([base, base.iloc[[0]]]))
    # removing a level the level map uses is refused, naming the mapping
    with pytest.raises(CareerError, match="level map Meta L6"):
        career.save_ladder(store, editor, base[base["id"] != "senior_pm"])
    assert [lv.band_high for lv in career.ladder(store)][2] == 220_000
    edited = base.copy()
    edited.loc[1, "band_high"] = 165_000
    edited.loc[1, "name"] = "PM"
    levels = career.save_ladder(store, editor, edited)
    assert (levels[1].name, levels[1].band_high) == ("PM", 165_000)


def test_open_band_without_top_needs_open_flag(store):
    rows_ = [dict(id="x", rank=1, name="X", band_low=100, band_high=None, band_open=False, currency="USD")]
    with pytest.raises(CareerError, match="tick 'open'"):
        career.validate_ladder(rows_)
    rows_[0]["band_open"] = True
    assert career.validate_ladder(rows_)[0]["band_high"] is None


# -- percentiles ----------------------------------------------------------------------------------
def test_percentiles_match_numpy_linear_by_ladder_level(store):
    rng = np.random.default_rng(7)
    l4 = [int(v) for v in rng.normal(280_000, 40_000, 23).round(-3)]
    l6 = [int(v) for v in rng.normal(520_000, 60_000, 11).round(-3)]
    put(store, rows(level="L4", totals=l4) + rows(level="L6", totals=l6, stock_share=0.45))
    df = career.percentiles(store)  # the default map places Meta L4 on pm and L6 on senior_pm
    for grp, vals, share in (("pm", l4, 0.3), ("senior_pm", l6, 0.45)):
        g = group(df, grp)
        assert g["n"] == len(vals) and not g["suppressed"]
        for k, v in np_pct(vals).items():
            assert g[k] == pytest.approx(v), (grp, k)
        stock = [round(t * share) for t in vals]
        bonus = [round(t * 0.1) for t in vals]
        assert g["stock"] == pytest.approx(float(np.median(stock)))
        assert g["bonus"] == pytest.approx(float(np.median(bonus)))
        assert g["base"] == pytest.approx(float(np.median([t - s - b for t, s, b in zip(vals, stock, bonus)])))
    assert list(df["group"]) == ["pm", "senior_pm"]  # ladder order
    assert group(df, "pm")["label"] == "Product Manager"


def test_percentiles_by_company_years_title_and_location(store):
    a = [150_000 + 7_000 * i for i in range(9)]
    b = [90_000 + 11_000 * i for i in range(6)]
    put(store, rows(company="Acme", level="P2", totals=a, years=1, location="Austin, TX")
        + rows(company="Beta", level="B1", totals=b, years=12, title="Senior Product Manager", location="Remote"))
    by_company = career.percentiles(store, by="company")
    assert group(by_company, "Acme")["p25"] == pytest.approx(np_pct(a)["p25"])
    assert group(by_company, "Beta")["p90"] == pytest.approx(np_pct(b)["p90"])
    by_years = career.percentiles(store, by="years")
    assert list(by_years["group"]) == ["0–1 years", "10–14 years"]
    assert group(by_years, "10–14 years")["p50"] == pytest.approx(np_pct(b)["p50"])
    only = career.percentiles(store, by="company", title="product manager")
    assert list(only["group"]) == ["Acme"]
    by_level = career.percentiles(store, by="level")
    assert set(by_level["group"]) == {"Acme · P2", "Beta · B1"}
    assert set(career.percentiles(store, by="location")["group"]) == {"Austin, TX", "Remote"}
    with pytest.raises(CareerError, match="Cannot group salaries by 'gender'"):
        career.percentiles(store, by="gender")


def test_levels_fyi_style_file(store, tmp_path):
    """A file in the Levels.fyi export layout (their column names), read as the importer maps them."""
    rng = np.random.default_rng(3)
    lines = ["timestamp,company,level,title,totalyearlycompensation,location,yearsofexperience,yearsatcompany,tag,"
             "basesalary,stockgrantvalue,bonus,gender,otherdetails,currency"]
    for i in range(30):
        level = ["L4", "L5", "L6"][i % 3]
        total = int(rng.normal({"L4": 255, "L5": 335, "L6": 455}[level], 30)) * 1000
        stock, bonus = total // 4, total // 10
        lines.append(f"6/{1 + i % 28}/2024 10:00:00,Google,{level},Product Manager,{total},\"Mountain View, CA\","
                     f"{3 + i % 5},1,Search,{total - stock - bonus},{stock},{bonus},Female,,USD")
    path = tmp_path / "levels.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = pd.read_csv(path)
    df = pd.DataFrame({"import_id": "imp_file", "company": raw["company"], "title": raw["title"], "level": raw["level"],
                       "location": raw["location"], "currency": raw["currency"],
                       "years": raw["yearsofexperience"].astype(float), "base": raw["basesalary"].astype(float),
                       "stock": raw["stockgrantvalue"].astype(float), "bonus": raw["bonus"].astype(float),
                       "total": raw["totalyearlycompensation"].astype(float)})
    with store.transaction() as cur:
        append_df(cur, "salaries", df)
    out = career.percentiles(store, by="level")
    for level in ("L4", "L5", "L6"):
        vals = raw.loc[raw["level"] == level, "totalyearlycompensation"]
        g = group(out, f"Google · {level}")
        assert g["n"] == 10
        for k, v in np_pct(vals).items():
            assert g[k] == pytest.approx(v)
        assert g["base"] == pytest.approx(float(raw.loc[raw["level"] == level, "basesalary"].median()))


def test_levels_fyi_file_through_the_importer(store, editor, tmp_path):
    if importlib.util.find_spec("pm_core.ingest") is None:
        pytest.skip("pm_core.ingest (the importer) is not in the tree yet")
    from pm_core.ingest import import_file

    path = tmp_path / "levels_semicolon.csv"
    totals = [200_000 + 9_000 * i for i in range(8)]
    body = ["company;level;title;totalyearlycompensation;location;yearsofexperience;basesalary;stockgrantvalue;bonus;currency"]
    body += [f"Acme;L4;Product Manager;{t};Austin, TX;4;{t - 50_000};40000;10000;USD" for t in totals]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    import_file(store, editor, path, kind="salaries")
    g = group(career.percentiles(store, by="company"), "Acme")
    assert g["n"] == 8 and g["p50"] == pytest.approx(np_pct(totals)["p50"])


# -- suppression ----------------------------------------------------------------------------------
def test_small_groups_lose_every_figure(store, editor):
    small = [311_111, 322_222, 333_333, 344_444]  # four people: must not be readable anywhere
    put(store, rows(level="L4", totals=[200_000 + 1_000 * i for i in range(6)]) + rows(level="L6", totals=small))
    df = career.percentiles(store)
    g = group(df, "senior_pm")
    assert g["suppressed"] and pd.isna(g["n"]) and g["n_label"] == "fewer than 5"
    assert all(pd.isna(g[c]) for c in ("p10", "p25", "p50", "p75", "p90", "base", "stock", "bonus"))
    assert not group(df, "pm")["suppressed"]
    # the chart data carries no figures for it
    spec = json.dumps(charts.percentile_chart(df, "USD", "Ladder level").to_dict())
    assert "Senior PM" in spec and "fewer than the minimum" in spec.lower()
    ladder_data = career.ladder_chart_data(store, "USD")
    assert list(ladder_data["team"]["level"]) == ["pm"]
    breakdown = json.dumps(charts.breakdown_chart(df, "USD", "Ladder level").to_dict())
    for t in small:
        for part in (t, round(t * 0.3), round(t * 0.1), t - round(t * 0.3) - round(t * 0.1)):
            assert str(part) not in spec and str(part) not in breakdown
    # an explicit threshold and the workspace setting are both honoured
    assert not group(career.percentiles(store, min_group=4), "senior_pm")["suppressed"]
    update_settings(store, editor, {"salary_min_group": 7})
    assert group(career.percentiles(store), "pm")["suppressed"]


def test_cli_salaries_json_hides_small_groups(store, tmp_path):
    small = [311_111, 322_222, 333_333]
    put(store, rows(level="L4", totals=[200_000 + 5_000 * i for i in range(7)]) + rows(level="L6", totals=small))
    path = store.path
    store.close()
    p = subprocess.run([sys.executable, "-m", "pm_core", "--db", str(path), "salaries", "--json"],
                       cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    groups = {g["group"]: g for g in out["groups"]}
    assert {"n", "p25", "p50", "p75", "p10", "p90", "base", "stock", "bonus"} <= set(groups["pm"])
    assert groups["pm"]["n"] == 7 and groups["pm"]["p50"] == pytest.approx(215_000)
    hidden = groups["senior_pm"]
    assert hidden["suppressed"] is True and hidden["n"] is None
    assert all(hidden[k] is None for k in ("p10", "p25", "p50", "p75", "p90", "base", "stock", "bonus"))
    for t in small:
        assert str(t) not in p.stdout
    p = subprocess.run([sys.executable, "-m", "pm_core", "--db", str(path), "salaries", "--by", "gender"],
                       cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 2 and "invalid choice" in p.stderr


# -- currencies ------------------------------------------------------------------------------------
def test_currencies_are_never_mixed(store):
    usd = [150_000 + 5_000 * i for i in range(6)]
    gbp = [70_000 + 4_000 * i for i in range(5)]
    put(store, rows(company="Wise", level="P3", totals=usd) + rows(company="Wise", level="P3", currency="gbp", totals=gbp))
    df = career.percentiles(store, by="company")
    assert group(df, "Wise", "USD")["p50"] == pytest.approx(np_pct(usd)["p50"])
    assert group(df, "Wise", "GBP")["p50"] == pytest.approx(np_pct(gbp)["p50"])
    only_usd = career.percentiles(store, by="company", currency="USD")
    assert list(only_usd["currency"]) == ["USD"] and only_usd.iloc[0]["n"] == 6
    converted = career.percentiles(store, by="company", currency="USD", rates={"GBP": 1.25})
    g = group(converted, "Wise", "USD")
    assert g["n"] == 11 and g["converted_from"] == "GBP"
    assert g["p50"] == pytest.approx(np_pct(usd + [v * 1.25 for v in gbp])["p50"])
    with pytest.raises(CareerError, match="rate for GBP must be a positive number"):
        career.percentiles(store, currency="USD", rates={"GBP": 0})


def test_gbp_reference_points_stay_off_the_usd_chart_unless_a_rate_is_set(store):
    data = career.ladder_chart_data(store, "USD")
    assert set(data["points"]["currency"]) == {"USD"}
    assert set(data["other_points"]["currency"]) == {"GBP"}
    spec = json.dumps(charts.ladder_chart(data).to_dict())
    assert "USD" in spec and "67,000" not in spec
    conv = career.ladder_chart_data(store, "USD", rates={"GBP": 1.27})
    uk = conv["points"][conv["points"]["label"] == "UK P3 PM"].iloc[0]
    assert uk["amount"] == pytest.approx(67_000 * 1.27) and bool(uk["converted"])
    gbp = career.ladder_chart_data(store, "GBP", with_team=False)
    assert gbp["bands"].empty and set(gbp["points"]["label"]) == {"UK P3 PM", "UK senior PM"}
    assert "GBP" in json.dumps(charts.ladder_chart(gbp).to_dict())


def test_ladder_chart_draws_open_bands_without_an_invented_top(store):
    data = career.ladder_chart_data(store, "USD")
    vp = data["bands"][data["bands"]["level"] == "vp_cpo"].iloc[0]
    assert vp["high"] is None or pd.isna(vp["high"])
    spec = charts.ladder_chart(data).to_dict()
    text = json.dumps(spec)
    assert "$300K+" in text and "Yearly pay (USD)" in text
    closed_layer = [l for l in spec["layer"] if l.get("mark", {}).get("type") == "bar" and "x2" in l["encoding"]
                    and l["encoding"]["x2"].get("field") == "high"]
    closed_names = {r["name"] for r in spec["datasets"][closed_layer[0]["data"]["name"]]}
    assert "VP of Product / CPO" not in closed_names  # no solid bar for a band without a top


# -- compare ---------------------------------------------------------------------------------------
def test_sign_on_is_spread_over_four_years(store):
    (c,) = career.compare_offers(store, [OfferIn(label="A", base=150_000, stock=30_000, bonus=15_000, sign_on=40_000,
                                                  ladder_level="senior_pm")])
    assert c.sign_on_per_year == 10_000 and c.yearly_total == 205_000
    assert c.band_position == pytest.approx((205_000 - 160_000) / 60_000)
    assert c.next_level == "group_pm" and c.gap_to_next == 15_000
    assert "75% of the way through the Senior PM band" in c.band_note


def test_compare_places_open_bands_and_infers_levels(store):
    top, director, low = career.compare_offers(store, [
        dict(label="CPO", base=250_000, stock=150_000, ladder_level="vp_cpo"),
        dict(label="Dir", base=280_000, stock=60_000, ladder_level="group_pm"),
        dict(label="New", base=100_000, bonus=5_000)])
    assert top.band_position is None and "above the floor of the open" in top.band_note
    assert top.next_level is None and "top of the ladder" in top.next_note
    assert director.band_position == pytest.approx((340_000 - 220_000) / 80_000) and director.band_position > 1
    assert "open-ended" in director.band_note
    assert low.level_inferred and low.ladder_level == "apm" and low.gap_to_next == 10_000


def test_compare_team_percentile_respects_suppression_and_currency(store):
    put(store, rows(level="L4", totals=[120_000, 130_000, 140_000, 150_000, 160_000, 170_000]))
    (c,) = career.compare_offers(store, [dict(label="X", base=150_000, ladder_level="pm")])
    assert c.team_percentile == pytest.approx((3 + 0.5) / 6) and c.team_n_label == "6"
    (c,) = career.compare_offers(store, [dict(label="X", base=150_000, ladder_level="pm")], min_group=7)
    assert c.team_percentile is None and "hidden" in c.team_note
    (g,) = career.compare_offers(store, [dict(label="UK", base=100_000, ladder_level="pm", currency="GBP")])
    assert g.band_position is None and "rate" in g.band_note and g.team_n_label == "0"
    (g,) = career.compare_offers(store, [dict(label="UK", base=100_000, ladder_level="pm", currency="GBP")],
                                 currency="USD", rates={"GBP": 1.3})
    assert g.band_position == pytest.approx((130_000 - 115_000) / 45_000)


def test_compare_refuses_bad_packages(store):
    with pytest.raises(CareerError, match="sign-on cannot be negative"):
        career.compare_offers(store, [dict(label="A", base=1, sign_on=-5)])
    with pytest.raises(CareerError, match="at most four"):
        career.compare_offers(store, [dict(base=1)] * 5)
    with pytest.raises(CareerError, match="not on the ladder"):
        career.compare_offers(store, [dict(base=1, ladder_level="ceo")])


# -- level map ---------------------------------------------------------------------------------------
def test_level_map_places_rows_at_query_time(store, editor, viewer):
    put(store, rows(company="Acme", level="P5", totals=[200_000 + 1_000 * i for i in range(5)])
        + rows(company="Zed", level="Lead", totals=[300_000 + 1_000 * i for i in range(5)]))
    assert set(career.percentiles(store)["group"]) == {"unmapped"}
    kinds = [i["kind"] for i in career.salary_issues(store)]
    assert kinds.count("unmapped_level") == 2
    with pytest.raises(PermissionDenied):
        career.save_level_map(store, viewer, [dict(company="Acme", company_level="P5", ladder_level="senior_pm")])
    with pytest.raises(CareerError, match="ladder_level 'boss' is not on the ladder"):
        career.save_level_map(store, editor, [dict(company="Acme", company_level="P5", ladder_level="boss")])
    with pytest.raises(CareerError, match="mapped twice"):
        career.save_level_map(store, editor, [dict(company="Acme", company_level="P5", ladder_level="pm"),
                                              dict(company="acme", company_level="p5", ladder_level="pm")])
    career.save_level_map(store, editor, [dict(company="Acme", company_level="p5", ladder_level="senior_pm"),
                                          dict(company="*", company_level="Lead", ladder_level="group_pm")])
    df = career.percentiles(store)
    assert group(df, "senior_pm")["n"] == 5 and group(df, "group_pm")["n"] == 5
    assert store.table_counts()["salaries"] == 10
    assert not [i for i in career.salary_issues(store) if i["kind"] == "unmapped_level"]


def test_importer_ladder_level_is_used_when_no_mapping_says_otherwise(store):
    data = rows(company="Acme", level="X", totals=[100_000 + 1_000 * i for i in range(5)])
    for r in data:
        r["ladder_level"] = "apm"
    put(store, data + [dict(rows(company="Acme", level="Y", totals=[1])[0], ladder_level="not_a_level")])
    df = career.percentiles(store, min_group=1)
    assert group(df, "apm")["n"] == 5 and group(df, "unmapped")["n"] == 1


# -- bad input -------------------------------------------------------------------------------------
def test_salary_issues_flag_without_dropping(store):
    good = rows(level="L4", totals=[200_000 + 1_000 * i for i in range(5)])
    neg = rows(company="Neg", level="L4", totals=[150_000])
    neg[0]["base"] = -10_000.0
    absurd = rows(company="Big", level="L4", totals=[25_000_000])
    yen = rows(company="Tokyo", level="L4", currency="JPY", totals=[25_000_000])
    nocur = rows(company="NoCur", level="L4", currency=None, totals=[180_000])
    dup = rows(company="Dup", level="L4", totals=[210_000, 210_000])
    put(store, good + neg + absurd + yen + nocur + dup)
    issues = career.salary_issues(store)
    by_kind = {}
    for i in issues:
        by_kind.setdefault(i["kind"], []).append(i)
    assert {"negative_pay", "absurd_pay", "missing_currency", "duplicate"} <= set(by_kind)
    assert "negative pay (base -10,000)" in by_kind["negative_pay"][0]["message"]
    assert "Neg" in by_kind["negative_pay"][0]["message"]
    assert len(by_kind["absurd_pay"]) == 1 and "Big" in by_kind["absurd_pay"][0]["message"]
    assert "20,000,000" in by_kind["absurd_pay"][0]["message"]
    assert "NoCur" in by_kind["missing_currency"][0]["message"]
    assert by_kind["duplicate"][0]["count"] == 2 and by_kind["duplicate"][0]["in_figures"]
    assert not any("Tokyo" in i["message"] for i in issues if i["kind"] != "unmapped_level")  # 25M yen is ordinary
    assert store.table_counts()["salaries"] == 11  # nothing dropped
    overview = career.salary_overview(store)
    assert (overview["rows"], overview["used"], overview["excluded"]) == (11, 8, 3)
    df = career.percentiles(store, by="company", min_group=1)
    assert set(df["group"]) == {"Meta", "Dup", "Tokyo"}
    assert group(df, "Meta")["p50"] == pytest.approx(202_000)


def test_empty_workspace(store):
    assert career.percentiles(store).empty
    assert career.salary_issues(store) == []
    assert career.salary_overview(store)["rows"] == 0
    assert not career.has_salaries(store)


# -- growth ------------------------------------------------------------------------------------------
def test_growth_path_names_what_changes(store):
    g = career.growth_path(store, "pm")
    assert g["level"]["name"] == "Product Manager" and g["next"]["id"] == "senior_pm"
    aspects = {c["aspect"]: c for c in g["changes"]}
    assert aspects["Scope"]["now"] == "A product or a major area"
    assert "startup" in " ".join(aspects) and "scale" in " ".join(aspects)
    assert "$115K–$160K to $160K–$220K" in g["band_change"]
    top = career.growth_path(store, "vp_cpo")
    assert top["next"] is None and "top of the ladder" in top["band_change"]
    with pytest.raises(CareerError, match="Unknown level"):
        career.growth_path(store, "ceo")


@pytest.mark.parametrize("answers, expected", [
    ({"scope": 1, "problems": 1, "people": 1, "impact": 1, "budget": 1}, "apm"),
    ({"scope": 2, "problems": 3, "people": 2, "impact": 2, "budget": 1}, "pm"),
    ({"scope": 3, "problems": 3, "people": 3, "impact": 5, "budget": 2}, "senior_pm"),
    ({"scope": 3, "problems": 4, "people": 3, "impact": 4}, "senior_pm"),  # even count: the lower middle
    ({"scope": "The whole product organisation", "problems": 5, "people": 5, "impact": 5, "budget": 5}, "vp_cpo"),
])
def test_self_assessment(answers, expected):
    assert career.self_assess(answers) == expected


def test_self_assessment_refuses_unusable_answers():
    with pytest.raises(CareerError, match="at least three"):
        career.self_assess({"scope": 2})
    with pytest.raises(CareerError, match="Unknown self-assessment question 'salary'"):
        career.self_assess({"salary": 1, "scope": 1, "people": 1})
    with pytest.raises(CareerError, match="from 1 to 5"):
        career.self_assess({"scope": 9, "people": 1, "impact": 1})


# -- demo --------------------------------------------------------------------------------------------
def test_seed_demo_is_idempotent(store, editor, viewer, tmp_path):
    with pytest.raises(PermissionDenied):
        career.seed_demo(store, viewer, SAMPLE_DATA)
    career.seed_demo(store, editor, SAMPLE_DATA)
    first = store.table_counts()
    career.seed_demo(store, editor, SAMPLE_DATA)
    assert store.table_counts() == first
    mapped = career.level_map(store)
    assert first["level_map"] == len(mapped) > 10
    assert "Staff PM" not in set(mapped["company_level"])
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "career.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CareerError, match="career.json: not readable JSON"):
        career.seed_demo(store, editor, bad)


def _demo_loadable() -> bool:
    return (SAMPLE_DATA / "manifest.json").exists() and all(importlib.util.find_spec(m) for m in ("pm_core.ingest", "pm_core.okrs", "pm_core.roadmap", "pm_core.audiences"))


@pytest.mark.skipif(not _demo_loadable(), reason="the demo needs every area (importer, okrs, roadmap, audiences)")
def test_demo_percentiles_match_numpy(demo_store):
    from pm_core.career.pay import _ctx
    from pm_core.store import career_store as cs

    eff = cs.effective_salaries(demo_store, **_ctx(demo_store))
    used = eff[eff["usable"]]
    assert len(used) > 100 and set(used["currency"]) == {"USD", "GBP"}
    df = career.percentiles(demo_store)
    shown = df[~df["suppressed"]]
    assert len(shown) >= 4
    for _, g in shown.iterrows():
        grp_rows = used[(used["eff_level"].fillna("unmapped") == g["group"]) & (used["currency"] == g["currency"])]
        assert g["n"] == len(grp_rows)
        for k, v in np_pct(grp_rows["total_eff"]).items():
            assert g[k] == pytest.approx(v)
    for _, g in df[df["suppressed"]].iterrows():
        assert all(pd.isna(g[c]) for c in ("p10", "p50", "p90", "base"))
    kinds = {i["kind"] for i in career.salary_issues(demo_store)}
    assert {"unmapped_level", "duplicate"} <= kinds  # the demo file's planted oddities


# -- values that must be refused (issue 17, item 6) -------------------------------------------------
def _point(**kw):
    return {"label": "Meta L4", "amount": 280_000, "currency": "USD", "qualifier": "about", "source": "Levels.fyi",
            "year": 2024, **kw}


@pytest.mark.parametrize("point, message", [
    (_point(currency="dollars"), "currency must be an ISO 4217 currency code such as USD, EUR or GBP, got 'dollars'"),
    (_point(currency="ABC"), "ISO 4217"),
    (_point(currency="XXX"), "ISO 4217"),
    (_point(amount=1e300), "the amount must be at most 1,000,000,000 a year in USD"),
    (_point(amount=float("inf")), "the amount must be a finite number"),
    (_point(amount="nan"), "the amount must be a finite number"),
    (_point(label="\u200b\u200b"), "label holds only invisible characters"),
    (_point(label="Meta \u202eL4"), "label contains bidirectional control characters (U+202E)"),
    (_point(source="s" * 10_000), "keep the source under 200 characters"),
])
def test_reference_point_values_refused(point, message):
    with pytest.raises(CareerError, match="Reference point row 1") as exc:
        career.validate_reference_points([point], ["pm"])
    assert message in str(exc.value)


def test_low_unit_currencies_get_a_higher_pay_ceiling():
    assert career.validate_reference_points([_point(currency="IDR", amount=1.5e9)], ["pm"])[0]["amount"] == 1.5e9


@pytest.mark.parametrize("change, message", [
    ({"currency": "Bitcoin"}, "ISO 4217"),
    ({"band_low": 1e300, "band_high": None, "band_open": True}, "band_low must be at most 1,000,000,000"),
    ({"band_high": float("inf")}, "band_high must be a finite number"),
    ({"name": "\ufeff"}, "name holds only invisible characters"),
    ({"name": "Senior \u2067PM"}, "name contains bidirectional control characters (U+2067)"),
    ({"scope": "x" * 20_001}, "keep the scope under 20,000 characters"),
])
def test_ladder_values_refused(change, message):
    levels = [lv.model_dump() for lv in career.default_ladder()]
    levels[1].update(change)
    with pytest.raises(CareerError, match="Ladder row 2") as exc:
        career.validate_ladder(levels)
    assert message in str(exc.value)


@pytest.mark.parametrize("offer, currency, message", [
    ({"base": 1e300}, "USD", "base must be at most 1,000,000,000"),
    ({"base": float("nan")}, "USD", "base must be a finite number"),
    ({"bonus": float("inf")}, "USD", "bonus must be a finite number"),
    ({"base": 100_000, "currency": "usdollars"}, "USD", "ISO 4217"),
    ({"base": 100_000}, "ZZZ", "ISO 4217"),
    ({"base": 100_000, "label": "Offer \u202e"}, "USD", "label contains bidirectional control characters"),
])
def test_offer_values_refused(store, offer, currency, message):
    with pytest.raises(CareerError) as exc:
        career.compare_offers(store, [OfferIn(**offer)], currency=currency)
    assert message in str(exc.value)


@pytest.mark.parametrize("rate", [float("inf"), float("nan"), 0, -1])
def test_conversion_rates_must_be_positive_and_finite(store, rate):
    with pytest.raises(CareerError, match="The rate for GBP must be a positive number"):
        career.compare_offers(store, [OfferIn(base=100_000)], currency="USD", rates={"GBP": rate})
