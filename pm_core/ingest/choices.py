"""What a user can choose about a file before Pillars reads it: the sheet of a workbook or the table of a report,
the encoding, and the currency of a pay file.

The Data page shows these pickers before detection, so a wrong choice (a sheet that holds no known
export) is corrected where it was made instead of removing the picker with the error.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..formats.ai_json import looks_like_json
from ..formats.encodings import ENCODINGS
from ..formats.files import SniffError
from ..formats.sniff import HEAD_BYTES, sniff

# currencies offered for a pay file without one (ISO codes; any three letters are accepted from the CLI)
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "INR", "JPY", "CHF", "SEK", "NOK", "DKK", "PLN", "BRL", "MXN", "SGD",
              "NZD", "ZAR", "CNY", "HKD", "ILS", "CZK", "HUF", "KRW", "TRY")


def file_choices(path, file_name: str | None = None) -> dict:
    """Return {'sheets': [...], 'label': 'Sheet' | 'Table', 'encodings': [(codec, words), ...]} for a file.

    'sheets' lists a workbook's sheets or a report's tables (empty when there is only one, or when the
    file cannot be read at all: the preview then says why).
    """
    p = Path(path)
    name = file_name or p.name
    out = {"sheets": [], "label": "Sheet", "encodings": list(ENCODINGS)}
    try:
        with p.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return out
    if head.startswith(b"PK\x03\x04"):  # a workbook (or an archive, which has no sheets)
        try:
            with zipfile.ZipFile(p) as zf:
                if "xl/workbook.xml" not in {n.lower() for n in zf.namelist()}:
                    return out  # an archive of exports (Amplitude's export, CSVs): the preview reads what it holds
        except (zipfile.BadZipFile, OSError):
            return out
        try:
            import openpyxl

            wb = openpyxl.load_workbook(p, read_only=True)
            try:
                names = list(wb.sheetnames)
            finally:
                wb.close()
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):  # an archive of exports: the preview reads it
            return out
        out["sheets"] = names if len(names) > 1 else []
        return out
    if looks_like_json(head) or head.startswith(b"\x1f\x8b"):
        return out  # JSON exports (and gzip) hold one table; reading them here would parse them twice
    try:
        info = sniff(p, name)
    except SniffError:
        return out
    try:
        if len(info.sheets) > 1:
            out["sheets"], out["label"] = list(info.sheets), "Table"
    finally:
        info.cleanup()
    return out


def file_columns(path, file_name: str | None = None, sheet: str | None = None, encoding: str | None = None) -> list[str]:
    """Return the column names of a file (of its chosen sheet or table), or [] when it cannot be read at all.

    The Data page offers them in the column mapping even when no known format fits the file.
    """
    p = Path(path)
    try:
        info = sniff(p, file_name or p.name, sheet, encoding=encoding)
    except SniffError:
        return []
    try:
        return [h if h else f"column {i + 1}" for i, h in enumerate(info.header)]
    finally:
        info.cleanup()


def mapping_fields(kind: str) -> list[dict]:
    """Return the fields a user maps for a kind when no tool's format fits: [{'target', 'required', 'help'}, ...].

    They are the kind's generic format (no tool signature), so any file of that kind can be mapped.
    """
    from ..formats import FORMATS

    fmts = [f for f in FORMATS if f.kind == kind]
    if not fmts:
        return []
    fmt = next((f for f in fmts if not f.signature and f.extras != "unpivot"), fmts[0])
    need_any = {t for group in fmt.need_any for t in group}
    return [{"target": f.name, "required": f.required, "one_of": f.name in need_any, "help": f.help}
            for f in fmt.fields if f.role not in ("labels", "last")]
