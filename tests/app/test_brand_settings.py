"""AppTest of the brand settings (company name, accent colour, logo): each save path checked in the store, both roles; the presentation shows the brand."""
from __future__ import annotations

import io

from PIL import Image

from pm_core.auth import Actor
from pm_core.audit import list_audit
from pm_core.brand import get_brand, save_logo
from pm_core.settings import get_settings, update_settings
from tests.factories.apptest import _read

PAGE = "app_pages/settings.py"
EDITOR = Actor(email="pm@example.com", role="editor")


def _png(w=240, h=80) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (21, 101, 192)).save(buf, format="PNG")
    return buf.getvalue()


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_editor_saves_company_and_accent(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    at = run_page(PAGE, "editor", db)
    assert not at.exception
    at.text_input(key="setting_brand_company").set_value("Nomadly")
    at.text_input(key="setting_brand_accent").set_value("aa3300")
    _button(at, "Save settings").click().run()
    assert not at.exception and any("Settings saved" in s.value for s in at.success)
    got = _read(db, get_settings)
    assert got["brand_company"] == "Nomadly" and got["brand_accent"] == "#AA3300"
    audit = _read(db, lambda s: list_audit(s, EDITOR))
    assert any(r["object_id"] == "brand_accent" and "#AA3300" in r["summary"] for r in audit)


def test_editor_bad_accent_is_refused_inline(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    at = run_page(PAGE, "editor", db)
    at.text_input(key="setting_brand_accent").set_value("blue")
    _button(at, "Save settings").click().run()
    assert not at.exception
    assert any("brand_accent" in e.value.replace("\\", "") and "colour" in e.value for e in at.error)
    assert _read(db, get_settings)["brand_accent"] == "#1565C0"


def test_editor_uploads_and_removes_a_logo(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    at = run_page(PAGE, "editor", db)
    at.file_uploader(key="brand_logo_file").set_value(("nomadly.png", _png(), "image/png"))
    _button(at, "Save logo").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Logo saved (nomadly.png)" in s.value for s in at.success)
    brand = _read(db, get_brand)
    assert brand.logo_png is not None and brand.logo_size == (240, 80)
    _button(at, "Remove logo").click().run()
    assert not at.exception and _read(db, get_brand).logo_png is None
    audit = [r for r in _read(db, lambda s: list_audit(s, EDITOR)) if r["object_id"] == "brand_logo"]
    assert len(audit) == 2 and "removed" in audit[0]["summary"]


def test_editor_upload_of_a_non_image_names_the_file_and_saves_nothing(run_page, tmp_path):
    db = tmp_path / "w.duckdb"
    at = run_page(PAGE, "editor", db)
    at.file_uploader(key="brand_logo_file").set_value(("logo.png", b"not really a png", "image/png"))
    _button(at, "Save logo").click().run()
    assert not at.exception
    assert any("logo.png" in e.value and "not an image" in e.value for e in at.error)
    assert _read(db, get_brand).logo_png is None


def test_viewer_sees_the_brand_and_no_way_to_change_it(run_page, tmp_path):
    db = tmp_path / "w.duckdb"

    def brand(s):
        update_settings(s, EDITOR, {"brand_company": "Nomadly"})
        save_logo(s, EDITOR, _png(), "nomadly.png")
    _read(db, brand)
    at = run_page(PAGE, "viewer", db)
    assert not at.exception
    assert len(at.file_uploader) == 0 and len(at.button) == 0 and len(at.form) == 0
    assert "Nomadly" in [t.value for t in at.text]
    assert len(at.get("image")) == 1  # the logo, read-only
    pres = run_page("app_pages/present.py", "viewer", db)
    assert not pres.exception
    assert any(m.value == "**Nomadly**" for m in pres.markdown) and len(pres.get("image")) == 1
