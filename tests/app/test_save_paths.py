"""Every create / edit / archive / save path of every form, in AppTest as an editor; the oracle is the stored workspace, read back through pm_core after each submit."""
from __future__ import annotations

from pm_core import okrs
from pm_core.store import open_store
from tests.app.test_okrs_page import build_workspace as build_okrs

OKRS = "app_pages/okrs.py"


def _read(db, fn, *args, **kwargs):
    """Call fn(store, *args, **kwargs) on a fresh connection to the workspace file, then close it."""
    s = open_store(db)
    try:
        return fn(s, *args, **kwargs)
    finally:
        s.close()


def _okrs_page(run_page, db, role="editor"):
    at = run_page(OKRS, role, db)
    at.query_params["period"] = "2026-Q4"  # the Overview, which runs first, rewrites 'period'
    at.run()
    return at


def _button(at, label, index=0):
    return [b for b in at.button if b.label == label][index]


def test_okrs_edit_key_result_without_changes_saves(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    ids = build_okrs(db, objectives=1, krs_per=2)
    kid = ids["krs"][0]
    before = _read(db, okrs.get_key_result, kid)
    at = _okrs_page(run_page, db)
    at.selectbox(key="okrs_edit_kr_pick").set_value(kid).run()
    _button(at, "Save key result", 1).click().run()  # [0] is the "Add key result" form
    assert not at.exception, [e.value for e in at.exception][:1]
    after = _read(db, okrs.get_key_result, kid)
    assert after["updated_at"] is not None and after["updated_by"] == "local user"
    assert {k: after[k] for k in ("objective_id", "title", "kr_type", "baseline", "target", "weight")} == \
        {k: before[k] for k in ("objective_id", "title", "kr_type", "baseline", "target", "weight")}
