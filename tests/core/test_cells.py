"""Checked against OWASP's CSV-injection trigger list (= + - @ tab CR, LF) and their full-width forms, written out here."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from pm_core.exports.cells import FORMULA_TRIGGERS, guard_formula, safe_cell

OWASP = ["=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20"]


@pytest.mark.parametrize("trigger", OWASP)
@pytest.mark.parametrize("xml", [True, False])
def test_every_trigger_is_quoted(trigger, xml):
    text = trigger + "HYPERLINK(\"http://x\")"
    assert safe_cell(text, xml=xml) == "'" + text
    assert guard_formula(text).startswith("'")


def test_the_trigger_list_is_owasp_s():
    assert set(FORMULA_TRIGGERS) == set(OWASP)


@pytest.mark.parametrize("value", ["plain", "a=b", "x-1", "", " =1"])
def test_harmless_text_is_unchanged(value):
    assert safe_cell(value) == value
    assert safe_cell(value, xml=False) == value


@pytest.mark.parametrize("value", [None, 3, -2.5, True])
def test_numbers_and_none_pass_through(value):
    assert safe_cell(value) is value
    assert safe_cell(value, xml=False) is value


def test_xml_cells_drop_control_characters_csv_cells_keep_them():
    assert safe_cell("a\x01b") == "ab"
    assert safe_cell("a\x01b", xml=False) == "a\x01b"


def test_rejects_csv_and_raci_csv_use_the_guard(tmp_path, monkeypatch):
    from pm_core import ingest
    from pm_core.roadmap import raci

    df = pd.DataFrame([(2, "name", t + "cmd", "reason") for t in OWASP], columns=["row_number", "column", "value", "reason"])
    monkeypatch.setattr("pm_core.ingest.rejects.REJECTS_DIR", tmp_path)
    for text in (open(ingest.write_rejects_csv(df, "imp_x"), encoding="utf-8", newline="").read(),
                 ingest.rejects_csv_bytes(df).decode("utf-8")):
        for t in OWASP:  # the quote sits right before the trigger, inside or outside CSV quoting
            assert f",'{t}cmd" in text or f",\"'{t}cmd" in text, repr(t)
            assert f",{t}cmd" not in text and f",\"{t}cmd" not in text, repr(t)
    matrix = pd.DataFrame({"=Task": ["+R", "@A", "\uff1dC"]})
    rows = list(csv.reader(io.StringIO(raci.matrix_csv(matrix).decode("utf-8-sig"))))
    assert rows == [["'=Task"], ["'+R"], ["'@A"], ["'\uff1dC"]]
