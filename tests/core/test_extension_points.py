"""Extension points a newcomer uses (README "How it is built"): a new export format and a new import preset are one
declaration each, and the CLI reaches them with no other edit; checked by the files the CLI writes and the import's result."""
from __future__ import annotations

import json

from pm_core import cli, exports, formats
from pm_core.auth import CLI_ACTOR
from pm_core.exports import ExportFormat
from pm_core.formats.base import Field, Format
from pm_core.ingest import import_file


def test_a_new_export_format_is_one_declaration(monkeypatch, demo_store, tmp_path, capsys):
    db = demo_store.path
    demo_store.close()
    md = ExportFormat("md", "Markdown briefing", ":material/article:", "text/markdown",
                      lambda b: ("# " + b.title + "\n").encode("utf-8"))
    monkeypatch.setattr(exports, "EXPORT_FORMATS", (*exports.EXPORT_FORMATS, md))
    monkeypatch.setattr(exports, "EXPORT_BY_ID", {**exports.EXPORT_BY_ID, "md": md})
    out = tmp_path / "brief.md"
    assert cli.main(["--db", str(db), "export", "md", str(out), "--audience", "executives"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["format"] == "md" and out.read_text().startswith("# ")
    assert exports.file_name(type("B", (), {"audience_id": "executives", "period": "2026-Q4"})(), "md") \
        == "pillars-executives-2026-Q4.md"


def test_a_new_import_preset_is_one_declaration(monkeypatch, store, tmp_path):
    tool = Format(
        kind="events", source="acme", label="Acme Analytics events",
        signature=(("acme_event", "acme_user", "acme_at"),),
        fields=(Field("user_id", "text", True, ("acme_user",), help="who did it"),
                Field("event", "text", True, ("acme_event",), help="event name"),
                Field("ts", "time", True, ("acme_at",), help="when")),
        extras="properties")
    monkeypatch.setattr(formats, "FORMATS", (tool, *formats.FORMATS))
    f = tmp_path / "acme.csv"
    f.write_text("acme_event,acme_user,acme_at,plan\nsignup,u1,2026-05-01T10:00:00Z,pro\nsearch,u2,2026-05-02T11:00:00Z,free\n")
    res = import_file(store, CLI_ACTOR, f)
    assert (res.kind, res.source, res.rows_imported, res.rows_rejected) == ("events", "acme", 2, 0)
