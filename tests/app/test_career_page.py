"""The Career & pay page for editors and viewers, with salary rows and without."""
from __future__ import annotations

import pandas as pd
import pytest

from pm_core import career
from pm_core.store import open_store
from tests.factories import append_df

SMALL = [311_111, 322_222, 333_333]


def _workspace(path, with_rows: bool):
    s = open_store(path)
    if with_rows:
        data = []
        for i in range(8):
            t = 250_000 + 10_000 * i
            data.append(dict(import_id="imp_t", company="Meta", title="Product Manager", level="L4", location="Menlo Park, CA",
                             currency="USD", years=4.0, base=t - 80_000.0, stock=60_000.0, bonus=20_000.0, total=float(t)))
        for t in SMALL:
            data.append(dict(import_id="imp_t", company="Meta", title="Product Manager", level="L6", location="Menlo Park, CA",
                             currency="USD", years=9.0, base=t - 100_000.0, stock=80_000.0, bonus=20_000.0, total=float(t)))
        data.append(dict(import_id="imp_t", company="Wise", title="Product Manager", level="P3", location="London",
                         currency="GBP", years=3.0, base=70_000.0, stock=5_000.0, bonus=0.0, total=75_000.0))
        data.append(dict(import_id="imp_t", company="Odd", title="Product Manager", level="L4", location="X",
                         currency="USD", years=1.0, base=-5.0, stock=0.0, bonus=0.0, total=-5.0))
        with s.transaction() as cur:
            append_df(cur, "salaries", pd.DataFrame(data))
    s.close()
    return path


def _all_text(at) -> str:
    parts = []
    for kind in ("markdown", "caption", "info", "success", "error", "warning", "subheader", "title"):
        parts += [str(e.value) for e in getattr(at, kind)]
    for df in [*at.dataframe, *at.table]:   # read-only tables are static st.table since issue 16 (they wrap)
        parts.append(df.value.to_csv())
    return "\n".join(parts)


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_page_with_salaries(run_page, tmp_path, role):
    at = run_page("app_pages/career.py", role, _workspace(tmp_path / "w.duckdb", True))
    assert not at.exception, at.exception
    text = _all_text(at)
    assert "Career & pay" in text
    assert "fewer than 5 — hidden" in text  # the senior group of three
    for t in SMALL:
        assert f"{t:,}" not in text and str(t) not in text
    assert "negative pay" in text  # data issues panel
    assert "Wise level 'P3'" in text  # unmapped, kept
    # ladder chart and the percentile charts are drawn; the open band reads '+'
    assert len(at.get("vega_lite_chart")) >= 3
    assert "$300K+" in text
    assert "Impact at scale (moving a metric)" in text and "Next — Senior PM" in text  # growth path
    editors_only = [b for b in at.button if b.key and b.key.startswith("save_")]
    assert bool(editors_only) == (role == "editor")


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_page_empty_state(run_page, tmp_path, role):
    at = run_page("app_pages/career.py", role, _workspace(tmp_path / "e.duckdb", False))
    assert not at.exception, at.exception
    text = _all_text(at)
    assert "No salary rows yet." in text and "Levels.fyi" in text
    assert len(at.get("vega_lite_chart")) >= 1  # the ladder still shows the guide's bands


def test_compare_panel_spreads_sign_on_for_viewers(run_page, tmp_path):
    at = run_page("app_pages/career.py", "viewer", _workspace(tmp_path / "c.duckdb", True))
    at.number_input(key="cmp_base_0").set_value(150_000).run()
    at.number_input(key="cmp_sign_0").set_value(40_000).run()
    at.selectbox(key="cmp_level_0").set_value("pm").run()
    assert not at.exception
    table = [df.value for df in at.dataframe if "Sign-on per year (÷4)" in df.value.index]
    assert table and table[0].loc["Sign-on per year (÷4)", "Current"] == "$10K"
    assert table[0].loc["Yearly total", "Current"] == "$160K"
    assert table[0].loc["Gap to next level's band", "Current"] == "$0"


def test_editor_saves_level_map_and_viewer_cannot(run_page, tmp_path, editor, viewer):
    path = _workspace(tmp_path / "m.duckdb", True)
    at = run_page("app_pages/career.py", "editor", path)
    at.button(key="save_map").click().run()
    assert not at.exception
    assert any("Level map saved" in str(s.value) for s in at.success)
    s = open_store(path)
    try:
        assert s.table_counts()["level_map"] == 2
        with pytest.raises(Exception, match="viewer"):
            career.save_level_map(s, viewer, [dict(company="Wise", company_level="P3", ladder_level="pm")])
    finally:
        s.close()


def test_self_assessment_suggests_a_level(run_page, tmp_path):
    at = run_page("app_pages/career.py", "viewer", _workspace(tmp_path / "s.duckdb", False))
    for q in career.SELF_ASSESSMENT[:3]:
        at.radio(key=f"sa_{q['key']}").set_value(q["options"][2]).run()
    assert not at.exception
    assert any("Senior PM" in str(s.value) for s in at.success)
