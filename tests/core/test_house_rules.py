"""House rules a script can check: pages hold layout only, user text in HTML is escaped, the core has no UI."""
from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

PAGE_FILES = sorted((ROOT / "app_pages").glob("*.py")) + [ROOT / "app.py", ROOT / "pillars_ui.py"]
SQL = re.compile(r"\b(select|insert into|delete from|update)\b.{0,80}\b(from|where|set|values)\b", re.I)


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.name)
def test_pages_hold_no_sql_and_no_groupby(path):
    text = path.read_text()
    code = "\n".join(line for line in text.splitlines() if not line.strip().startswith("#"))
    # Strings in pages are prose for people; flag only SQL-shaped statements passed to a database call.
    assert not re.search(r"\.(execute|sql|query_df)\(", code), f"{path.name} talks to the database directly"
    assert ".groupby(" not in code, f"{path.name} aggregates data: move it to pm_core"
    for m in SQL.finditer(code):
        line = code[: m.start()].count("\n") + 1
        raise AssertionError(f"{path.name}:{line} holds SQL text: {m.group(0)[:60]!r}")


def test_pm_core_has_no_streamlit_import():
    offenders = [p.relative_to(ROOT) for p in (ROOT / "pm_core").rglob("*.py")
                 if re.search(r"^\s*(import streamlit|from streamlit)", p.read_text(), re.M)]
    assert not offenders, f"pm_core imports streamlit in {offenders}"


def test_there_is_no_legacy_pages_folder():
    # Streamlit 1.67 switches to its old file-based navigation (ignoring app.py's st.navigation,
    # page config and role filtering) whenever a folder named pages/ sits beside app.py.
    assert not (ROOT / "pages").exists(), "rename pages/ back to app_pages/: a pages/ folder disables st.navigation"
