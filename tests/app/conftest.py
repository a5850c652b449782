"""AppTest helpers: run any page of the real app as an editor or a viewer against a workspace copy."""
from __future__ import annotations

import shutil

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


@pytest.fixture
def demo_db_path(demo_db_template, tmp_path):
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture
def run_page(monkeypatch):
    """Return run(page, role, db_path, query=None) -> AppTest that has rendered `page` (e.g. 'app_pages/okrs.py').

    role 'editor' runs in local mode; 'viewer' runs in intranet mode with no identity, which is how a
    stakeholder on the intranet arrives. Caches are cleared so each run sees its own workspace.
    """
    import streamlit as st

    def run(page: str, role: str, db_path, query: dict | None = None, timeout: float = 60) -> AppTest:
        monkeypatch.setenv("PILLARS_DB", str(db_path))
        monkeypatch.setenv("PILLARS_DEMO", "0")
        monkeypatch.setenv("PILLARS_MODE", "local" if role == "editor" else "intranet")
        monkeypatch.setenv("PILLARS_EDITORS", "")
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        for k, v in (query or {}).items():
            at.query_params[k] = v
        at.run()
        if page != "app_pages/overview.py":
            at.switch_page(page)
            at.run()
        return at

    yield run
    st.cache_resource.clear()
