"""Workbook cells re-read with openpyxl and as raw XML: formula-looking text kept as written behind Excel's quote prefix, percentages as percentages, readable sheet names."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from pm_core.briefing import Briefing, Column, MetricItem, Section, TableItem, TextItem
from pm_core.exports.cells import FORMULA_TRIGGERS, xlsx_text
from pm_core.exports.xlsx import briefing_xlsx

HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "=HYPERLINK(\"http://x\")", "\uff1dcmd"]


def _briefing() -> Briefing:
    table = TableItem(title="Key results", columns=[
        Column(key="kr", label="Key result"), Column(key="progress", label="Progress", unit="fraction"),
        Column(key="users", label="Users", unit="count")],
        rows=[{"kr": text, "progress": 0.125 * (i + 1), "users": 1000 + i} for i, text in enumerate(HOSTILE)])
    return Briefing(title="Executives: =evil()", audience_id="executives", audience_name="Executives",
                    headline="-5% and falling", concern="@mention", period="2026-Q3", period_text="Q3 2026",
                    generated_at=dt.datetime(2026, 9, 1, 12, 0),
                    sections=[Section(id="okrs", title="OKR progress: 2026/Q3", lead="=lead", items=[
                        MetricItem(key="conv", label="Conversion", value=0.123, previous=0.1, unit="fraction"),
                        TextItem(text="+ a note"), table]),
                        Section(id="long", title="Battle card: a very long initiative name that goes on", lead="x")])


@pytest.fixture(scope="module")
def book():
    data = briefing_xlsx(_briefing())
    return load_workbook(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(data))


@pytest.mark.parametrize("text", HOSTILE + ["plain", " =spaced", "12%"])
def test_xlsx_text_keeps_text_and_says_when_to_quote(text):
    value, quote = xlsx_text(text)
    assert value == text.replace("\t", "\t")  # kept exactly as written
    assert quote == text.startswith(FORMULA_TRIGGERS)


def test_xlsx_text_passes_numbers_and_drops_control_characters():
    assert xlsx_text(1.5) == (1.5, False) and xlsx_text(None) == (None, False)
    assert xlsx_text("=a\x00b") == ("=ab", True)


def test_formula_looking_text_is_quote_prefixed_not_apostrophed(book):
    wb, _ = book
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    by_value = {c.value: c for c in cells}
    for text in HOSTILE + ["=lead", "+ a note", "-5% and falling", "@mention", "Executives: =evil()"]:
        hits = [c for c in cells if c.value == text]
        assert hits, text  # the text as written, no leading apostrophe added
        for c in hits:
            assert c.data_type == "s" and c.quotePrefix is (text.startswith(FORMULA_TRIGGERS)), (text, c.coordinate)
    assert not any(v.startswith("'") for v in by_value)
    assert by_value["Conversion"].quotePrefix is False


def test_raw_xml_holds_no_formula_and_declares_the_quote_prefix_style(book):
    _, z = book
    styles = z.read("xl/styles.xml").decode()
    assert 'quotePrefix="1"' in styles
    for name in z.namelist():
        if name.startswith("xl/worksheets/"):
            xml = z.read(name).decode()
            assert "<f>" not in xml and "<f " not in xml, name


def test_percentages_are_percent_formatted_numbers(book):
    wb, _ = book
    ws = wb[wb.sheetnames[1]]
    progress = [c for row in ws.iter_rows() for c in row if isinstance(c.value, float) and 0 < c.value <= 1]
    # the metric (0.123, previous 0.1) and the seven progress values (0.125 ... 0.875), each a number with a % format
    expected = sorted([0.123, 0.1] + [0.125 * (i + 1) for i in range(len(HOSTILE))])
    assert sorted(c.value for c in progress) == pytest.approx(expected)
    assert all(c.number_format == "0.0%" for c in progress)
    change = next(c for row in ws.iter_rows() for c in row if c.number_format.startswith('+0.0" pp"'))
    assert change.value == pytest.approx((0.123 - 0.1) * 100)  # a change of fractions in percentage points
    users = [c for row in ws.iter_rows() for c in row if isinstance(c.value, (int, float)) and c.value >= 1000]
    assert users and all(c.number_format == "#,##0" for c in users)


def test_sheet_names_read_as_titles(book):
    wb, _ = book
    assert wb.sheetnames[0] == "Summary"
    assert wb.sheetnames[1] == "OKR progress - 2026-Q3"
    long = wb.sheetnames[2]
    assert long == "Battle card - a very long…" and len(long) <= 31
    for n in wb.sheetnames:
        assert not re.search(r"[\[\]:*?/\\]", n) and not re.match(r"\d+\. ", n)
