"""Look at a file before reading it: what it is (CSV, gzip, XLSX, PDF, binary), its encoding, delimiter and header.

Encoding is decided over the whole file (streamed, alongside the sha256) rather than the first 2 KB,
so an accented name on row 90,000 cannot break an import that looked like ASCII. Files that are not
UTF-8 are transcoded to a UTF-8 temp file in chunks so DuckDB can read them from disk.
"""
from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import hashlib
import io
import os
import tempfile
from pathlib import Path

from . import encodings, tidy  # issue 14: detected legacy encodings; report preambles, survey header rows, tables
from . import archives, json_events  # issue 14: any ZIP, JSON event exports
from .ai_json import json_to_csv, looks_like_json
from .interview_notes import looks_like_notes, notes_to_csv, zip_holds_notes  # issue 19
from .files import CHUNK, FileInfo, SniffError, file_sha256  # noqa: F401 (FileInfo, SniffError re-exported)
from .xlsx import xlsx_to_csv

HEAD_BYTES = 1 << 20          # the header must fit in the first MB
SAMPLE_TEXT = 256 << 10       # text used to choose the delimiter
DELIMITERS = (",", ";", "\t", "|")
_SCAN_MEMO: dict[tuple, tuple[str, str, int]] = {}   # (path, size, mtime_ns) -> (sha256, encoding, size)
_SCAN_MEMO_MAX = 16


def _magic(head: bytes) -> str:
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):  # a ZIP (an empty one is only its end record)
        return "zip"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    return "text"


def _utf16_guess(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 8:
        even_nul = sample[1::2].count(0) / max(1, len(sample[1::2]))
        odd_nul = sample[0::2].count(0) / max(1, len(sample[0::2]))
        if even_nul > 0.4 and odd_nul < 0.05:
            return "utf-16-le"
        if odd_nul > 0.4 and even_nul < 0.05:
            return "utf-16-be"
    return None


def _open_raw(path: Path, container: str):
    return gzip.open(path, "rb") if container == "gzip" else path.open("rb")


def _scan(path: Path, container: str, name: str) -> tuple[str, str, int]:
    """Stream the file once: sha256 of the bytes on disk, and whether the (decompressed) text is UTF-8.

    Returns (sha256, encoding, size). A file mixing valid multi-byte UTF-8 with invalid bytes is refused
    with the row where the first bad byte sits; one with no UTF-8 multi-byte sequences is read as cp1252.
    """
    key = _file_key(path)
    if key in _SCAN_MEMO:
        return _SCAN_MEMO[key]
    # a plain file is hashed in the same pass as the UTF-8 check; gzip hashes the bytes on disk first
    h = hashlib.sha256()
    size = 0
    digest = None
    hashed = container != "gzip"
    if not hashed:
        digest, size = file_sha256(path)
    dec = codecs.getincrementaldecoder("utf-8")()
    seen_multibyte = False
    consumed = 0
    encoding = "utf-8"
    try:
        with _open_raw(path, container) as fh:
            first = True
            while True:
                try:
                    chunk = fh.read(CHUNK)
                except (OSError, EOFError, gzip.BadGzipFile) as exc:
                    raise SniffError(f"{name}: the gzip data is damaged ({exc}); re-export or re-compress the file") from None
                if not chunk:
                    dec.decode(b"", final=True)
                    break
                if hashed:
                    h.update(chunk)
                    size += len(chunk)
                if first and chunk.startswith(codecs.BOM_UTF8):
                    encoding = "utf-8-sig"
                first = False
                if not chunk.isascii():
                    seen_multibyte = True
                    dec.decode(chunk)
                elif dec.getstate()[0]:  # a multi-byte sequence cut at the previous chunk's end
                    dec.decode(chunk)
                consumed += len(chunk)
    except UnicodeDecodeError as exc:
        if seen_multibyte and encodings.mostly_utf8(path, container):
            row = _line_of_offset(path, container, consumed_before_error(exc, consumed))
            raise SniffError(
                f"{name}: row {row} has bytes that are not valid UTF-8 (byte 0x{exc.object[exc.start]:02x}) while the rest "
                "of the file is UTF-8; save the file again as UTF-8 (or fix that row) and retry") from None
        encoding = encodings.detect_legacy(path, container) or "cp1252"
        if hashed:  # the pass stopped at the bad byte
            digest, size = file_sha256(path)
    return digest or h.hexdigest(), encoding, size




def _file_key(path: Path) -> tuple:
    st = path.stat()
    return str(path.resolve()), st.st_size, st.st_mtime_ns


def _remember(key: tuple, result: tuple[str, str, int]) -> None:
    # only save_stream's own temp files (unique names, never rewritten) are remembered: a path the
    # user may overwrite in place could keep its size and coarse mtime with different bytes
    if len(_SCAN_MEMO) >= _SCAN_MEMO_MAX:
        with contextlib.suppress(StopIteration, KeyError, RuntimeError):  # another session trimmed it first
            _SCAN_MEMO.pop(next(iter(_SCAN_MEMO)))
    _SCAN_MEMO[key] = result


def save_stream(src, suffix: str = ".csv") -> Path:
    """Copy a binary file object to a new temp file and return its path, hashing and checking UTF-8 in the same pass.

    When the copy is plain (not gzip/zip) text that is valid UTF-8 throughout, the sha256 and encoding
    are remembered for that file so the later sniff does not read it again; anything else (gzip,
    UTF-16, cp1252, invalid bytes) is left for `sniff` to decide with its own messages.
    """
    fd, tmp = tempfile.mkstemp(prefix="pillars-upload-", suffix=suffix)
    h = hashlib.sha256()
    dec = codecs.getincrementaldecoder("utf-8")()
    size, checking, encoding = 0, True, "utf-8"
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := src.read(CHUNK):
                if size == 0:
                    if _magic(chunk) != "text" or _utf16_guess(chunk[:HEAD_BYTES]):
                        checking = False
                    elif chunk.startswith(codecs.BOM_UTF8):
                        encoding = "utf-8-sig"
                size += len(chunk)
                h.update(chunk)
                out.write(chunk)
                # ASCII is valid UTF-8: only other chunks (or one ending a cut sequence) go through the decoder
                if checking and (not chunk.isascii() or dec.getstate()[0]):
                    try:
                        dec.decode(chunk)
                    except UnicodeDecodeError:
                        checking = False
            if checking:
                try:
                    dec.decode(b"", final=True)
                except UnicodeDecodeError:
                    checking = False
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    path = Path(tmp)
    if checking and size:
        _remember(_file_key(path), (h.hexdigest(), encoding, size))
    return path


def consumed_before_error(exc: UnicodeDecodeError, consumed: int) -> int:
    """Return the absolute byte offset of a decode error inside the chunk being decoded after `consumed` bytes."""
    return consumed + exc.start


def _has_valid_multibyte(path: Path, container: str) -> bool:
    """Return True if the file holds at least one well-formed UTF-8 multi-byte sequence (then it is not cp1252)."""
    import re

    pat = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
    with _open_raw(path, container) as fh:
        tail = b""
        while chunk := fh.read(CHUNK):
            if pat.search(tail + chunk):
                return True
            tail = chunk[-3:]
    return False


def _line_of_offset(path: Path, container: str, offset: int) -> int:
    with _open_raw(path, container) as fh:
        data = fh.read(offset)
    return data.count(b"\n") + 1


def _decode_as(info: FileInfo, path: Path, container: str, encoding: str, chosen: bool) -> None:
    """Point info at a UTF-8 copy of the file decoded as `encoding`, noting it and any bytes that did not decode."""
    info.encoding = encoding
    info.path, bad = encodings.transcode(path, container, encoding)
    info.temp_files.append(info.path)
    info.container = "csv"
    how = "chosen by you" if chosen else "detected"
    info.notes.append(f"encoding {encodings.label(encoding)} ({how}); text converted to UTF-8")
    if bad:
        info.notes.append(f"warning: {bad:,} byte{'s' if bad != 1 else ''} could not be read as {encodings.label(encoding)} "
                          "and show as '\ufffd'; if names look wrong in the sample rows, choose another encoding")


def _transcode(src: Path, container: str, encoding: str) -> Path:
    """Write a UTF-8 copy of src (decompressing gzip), chunk by chunk; returns the temp path."""
    fd, tmp = tempfile.mkstemp(prefix="pillars-utf8-", suffix=".csv")
    dec = codecs.getincrementaldecoder(encoding)(errors="strict" if encoding != "cp1252" else "replace")
    with os.fdopen(fd, "wb") as out, _open_raw(src, container) as fh:
        while chunk := fh.read(CHUNK):
            text = dec.decode(chunk)
            out.write(text.lstrip("\ufeff").encode("utf-8") if out.tell() == 0 else text.encode("utf-8"))
        out.write(dec.decode(b"", final=True).encode("utf-8"))
    return Path(tmp)


def _choose_delimiter(text: str) -> str:
    """Return the delimiter that splits the sample into the most consistent rows of more than one column."""
    best, best_score = ",", -1.0
    for d in DELIMITERS:
        try:
            rows = list(_records(text, d, limit=200))
        except csv.Error:
            continue
        if len(rows) > 1 and not text.endswith("\n"):
            rows = rows[:-1]  # the sample may cut the last row short
        if not rows:
            continue
        width = len(rows[0])
        if width < 2:
            continue
        consistent = sum(1 for r in rows if len(r) == width) / len(rows)
        score = consistent * 1000 + min(width, 999)
        if score > best_score:
            best, best_score = d, score
    return best


def _records(text: str, delimiter: str, limit: int):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    for i, row in enumerate(reader):
        if i >= limit:
            break
        yield row


def sniff_csv(path: Path, display_name: str, head: bytes | None = None, table: str | None = None,
              encoding: str | None = None) -> FileInfo:
    """Return FileInfo for a delimited text file (plain or gzip); raises SniffError in words for anything else.

    `encoding` (a codec name) overrides detection; `table` picks one table of a report holding several.
    """
    name = display_name
    if head is None:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    container = "gzip" if _magic(head) == "gzip" else "csv"
    if container == "gzip":
        try:
            with gzip.open(path, "rb") as fh:
                head = fh.read(HEAD_BYTES)
        except (OSError, EOFError) as exc:
            raise SniffError(f"{name}: the gzip data is damaged ({exc}); re-export or re-compress the file") from None
    if not head.strip():
        raise SniffError(f"{name}: the file is empty; export the data again (with a header row) and retry")
    kind = _magic(head)
    if kind == "pdf":
        raise SniffError(f"{name}: this is a PDF document, not a CSV export; export the data as CSV or XLSX instead")
    if kind == "ole":
        raise SniffError(f"{name}: this is an old Excel .xls (or another Office) file; save it as .xlsx or CSV and retry")
    if kind == "zip":
        raise SniffError(f"{name}: this is a ZIP archive, not a CSV; unzip it (or save the workbook as .xlsx) and retry")
    if encoding:
        try:
            encoding = encodings.canonical(encoding)
        except ValueError as exc:
            raise SniffError(f"{name}: {exc}") from None
    utf16 = _utf16_guess(head) if encoding in (None, "utf-16") else None
    info = FileInfo(path=path, original=path, display_name=name, container=container, encoding="utf-8")
    if utf16:
        info.encoding = utf16
        info.sha256, info.size = file_sha256(path)
        try:
            info.path = _transcode(path, container, utf16)
        except UnicodeDecodeError as exc:
            raise SniffError(f"{name}: looks like UTF-16 text but has invalid bytes ({exc.reason}); save it again as UTF-8 CSV") from None
        info.temp_files.append(info.path)
        info.notes.append("UTF-16 text converted to UTF-8")
        container = "csv"
        info.container = "csv"
    elif encoding and encoding != "utf-8":
        info.sha256, info.size = file_sha256(path)
        _decode_as(info, path, container, encoding, chosen=True)
    else:
        control = sum(1 for b in head[:65536] if b < 9 or 13 < b < 32)
        if control > max(8, len(head[:65536]) // 100):
            raise SniffError(f"{name}: this looks like a binary file, not a CSV or XLSX export (it holds control bytes); "
                             "export the data as CSV and retry")
        info.sha256, info.encoding, info.size = _scan(path, container, name)
        if info.encoding not in ("utf-8", "utf-8-sig"):
            _decode_as(info, path, container, info.encoding, chosen=False)
    # the text (decoded) head drives delimiter and header detection
    with (gzip.open(info.path, "rb") if info.container == "gzip" else info.path.open("rb")) as fh:
        thead = fh.read(HEAD_BYTES)
    text = thead.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        text = tidy.tidy(info, text, complete=len(thead) < HEAD_BYTES, table=table)
    except SniffError:
        info.cleanup()
        raise
    first_nl = text.find("\n")
    if first_nl < 0 and len(thead) >= HEAD_BYTES:
        info.cleanup()
        raise SniffError(f"{name}: the first line is longer than {HEAD_BYTES // (1 << 20)} MB, so it cannot be a header row; "
                         "check that this is a CSV export with one row per line")
    sample = text[:SAMPLE_TEXT]
    if len(text) > SAMPLE_TEXT:
        cut = sample.rfind("\n")
        sample = sample[: cut + 1] if cut > 0 else sample
    info.delimiter = _choose_delimiter(sample)
    try:
        header = next(iter(_records(sample, info.delimiter, 1)), [])
    except csv.Error as exc:
        info.cleanup()
        raise SniffError(f"{name}: the header row cannot be read ({exc})") from None
    header = [h.strip() for h in header]
    if not any(header):
        info.cleanup()
        raise SniffError(f"{name}: the first row is empty; the file needs a header row naming its columns")
    info.header = header
    return info


def _xlsx_tidied(path: Path, display_name: str, sheet: str | None) -> FileInfo:
    """Return a workbook sheet as CSV, with a survey tool's extra header rows and totals rows left out (issue 14).

    SurveyMonkey and Qualtrics write the same header rows in their XLSX downloads as in their CSVs.
    """
    info = xlsx_to_csv(path, display_name, sheet)
    before = info.path
    with info.path.open("rb") as fh:
        thead = fh.read(HEAD_BYTES)
    try:
        text = tidy.tidy(info, thead.decode("utf-8", errors="replace"), complete=len(thead) < HEAD_BYTES, table=None)
    except SniffError:
        info.cleanup()
        raise
    if info.path != before:  # the header may have changed (Qualtrics' question text); the sheet stays a sheet
        info.container = "xlsx"
        info.header = [h.strip() for h in next(iter(_records(text, ",", 1)), info.header)]
    return info


def sniff(path: Path, display_name: str, sheet: str | None = None, encoding: str | None = None,
          records=None) -> FileInfo:
    """Return FileInfo for any supported file (CSV/TSV, gzip CSV, XLSX, JSON / JSON lines); raises SniffError naming the file."""
    path = Path(path)
    if not path.exists():
        raise SniffError(f"{display_name}: file not found")
    if path.is_dir():
        raise SniffError(f"{display_name}: is a folder, not a file")
    if path.stat().st_size == 0:
        raise SniffError(f"{display_name}: the file is empty; export the data again (with a header row) and retry")
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if _magic(head) == "zip":
        if zip_holds_notes(path):  # a ZIP of interview notes (issue 19), not a workbook
            return notes_to_csv(path, display_name, is_zip=True)
        # any other ZIP is opened as what it holds: a workbook, CSVs, JSON event exports (issue 14)
        return archives.open_zip(path, display_name, sheet, read_xlsx=_xlsx_tidied,
                                 read_file=lambda p, n: sniff(p, n, encoding=encoding, records=records), records=records)
    # -- JSON event exports, read by DuckDB (issue 14): Mixpanel, Amplitude, PostHog, plain events -----
    # (`records` is store.json_records, handed over by the importer: formats import no store)
    gz_json = records is not None and _magic(head) == "gzip" and json_events.is_gzip_json(path)
    if records is not None and (looks_like_json(head) or gz_json):
        info = json_events.sniff_json_events(path, display_name, records)
        if info is not None:
            return info
        if gz_json:
            raise SniffError(f"{display_name}: a gzip-compressed JSON file that is not an event export (no event name "
                             "and time in its records); decompress it and import the .json file")
    # -- JSON / JSON lines (issue 18: promptfoo, OpenAI Evals, scored predictions) ----------------
    if looks_like_json(head):
        return json_to_csv(path, display_name)
    # -- end JSON ------------------------------------------------------------------------------------
    if looks_like_notes(path, head, display_name):  # interview notes, .md / .txt (issue 19)
        return notes_to_csv(path, display_name)
    return sniff_csv(path, display_name, head, table=sheet, encoding=encoding)
