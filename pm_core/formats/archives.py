"""Any ZIP a user drops is opened as what it holds (issue 14): an XLSX workbook, or an archive of exports.

- an XLSX (its `xl/workbook.xml` is inside) goes to the workbook reader;
- JSON exports (Amplitude's Export API zip: a folder of hourly `*.json.gz` files) are extracted and
  read together by DuckDB's JSON reader, in name order;
- one CSV / TSV / XLSX / JSON file inside is read as that file;
- several CSV files with the same header are read as one table (headers after the first dropped).

Anything else is refused in words listing what the archive holds. Members are streamed out to temp
files (never into memory), with a cap on the extracted size so a ZIP bomb cannot fill the disk.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from .files import FileInfo, SniffError, file_sha256

MAX_EXTRACTED = 8 << 30          # bytes written out of one archive at most
MAX_MEMBERS = 20_000
_JSON = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")
_TABLE = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz")
_BOOK = (".xlsx",)


def _skipped(name: str) -> bool:
    """Return True for members that are not data: folders, macOS resource forks, hidden files."""
    p = PurePosixPath(name)
    return name.endswith("/") or p.parts[:1] == ("__MACOSX",) or p.name.startswith(".") or not p.name


def _ends(name: str, exts: tuple[str, ...]) -> bool:
    low = name.lower()
    return any(low.endswith(e) for e in exts)


def _extract(zf: zipfile.ZipFile, member: zipfile.ZipInfo, budget: list[int], display: str) -> Path:
    """Stream one member to a temp file (keeping its extension) and return the path; refuses past the size cap."""
    suffix = "".join(PurePosixPath(member.filename).suffixes[-2:])[:16] or ".dat"
    if not all(c.isalnum() or c == "." for c in suffix):
        suffix = ".dat"
    fd, tmp = tempfile.mkstemp(prefix="pillars-zip-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out, zf.open(member) as src:
            while chunk := src.read(4 << 20):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise SniffError(f"{display}: the archive unpacks to more than {MAX_EXTRACTED >> 30} GB; "
                                     "unzip it and import its files one by one")
                out.write(chunk)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _concat_csv(parts: list[Path]) -> Path:
    """Return a temp file holding the first CSV whole and the others without their header line (bytes copied)."""
    fd, tmp = tempfile.mkstemp(prefix="pillars-zip-", suffix=".csv")
    with os.fdopen(fd, "wb") as out:
        for k, p in enumerate(parts):
            with p.open("rb") as fh:
                if k:
                    fh.readline()
                shutil.copyfileobj(fh, out, 4 << 20)
            if not _ends_newline(p):
                out.write(b"\n")  # the next file's first row must start on a line of its own
    return Path(tmp)


def _ends_newline(p: Path) -> bool:
    with p.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return True
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


def _first_line(p: Path) -> bytes:
    with p.open("rb") as fh:
        return fh.readline().rstrip(b"\r\n").lstrip(b"\xef\xbb\xbf")


def open_zip(path: Path, display_name: str, sheet: str | None, *, read_xlsx, read_file, records=None) -> FileInfo:
    """Return FileInfo for what a ZIP holds; SniffError in words (naming the archive and its members) when nothing fits.

    `read_xlsx(path, name, sheet)` reads a workbook and `read_file(path, name)` any single extracted
    file (sniff's own dispatcher), so this module needs neither; `records` (store.json_records) reads
    JSON exports, and without it an archive of JSON files is refused.
    """
    name = display_name
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SniffError(f"{name}: this ZIP archive is damaged and cannot be opened ({exc}); download or zip it again") from None
    with zf:
        names = zf.namelist()
        if any(n.lower() == "xl/workbook.xml" for n in names):
            zf.close()
            return read_xlsx(path, name, sheet)
        members = [m for m in zf.infolist() if not _skipped(m.filename)]
        if len(members) > MAX_MEMBERS:
            raise SniffError(f"{name}: the archive holds {len(members):,} files; unzip it and import them in smaller groups")
        if any(m.flag_bits & 0x1 for m in members):
            raise SniffError(f"{name}: the archive is password-protected; unzip it and import the files inside")
        members.sort(key=lambda m: m.filename)
        json_m = [m for m in members if _ends(m.filename, _JSON)]
        table_m = [m for m in members if _ends(m.filename, _TABLE)]
        book_m = [m for m in members if _ends(m.filename, _BOOK)]
        listing = ", ".join(m.filename for m in members[:8]) + (" ..." if len(members) > 8 else "")
        if not members:
            raise SniffError(f"{name}: the ZIP archive is empty; export the data again and retry")
        if sheet and not book_m:
            raise SniffError(f"{name}: --sheet applies to XLSX workbooks only; this archive holds {listing}")
        budget = [MAX_EXTRACTED]
        temps: list[Path] = []
        try:
            if json_m and not table_m and not book_m:
                from .json_events import sniff_json_events

                if records is None:
                    raise SniffError(f"{name}: an archive of JSON files ({listing}) cannot be read here; import it on the "
                                     "Data page")
                files = [_extract(zf, m, budget, name) for m in json_m]
                temps += files
                info = sniff_json_events(path, name, records, files=files, members=[m.filename for m in json_m])
                if info is None:
                    if len(files) == 1:
                        info = read_file(files[0], f"{name}: {json_m[0].filename}")
                    else:
                        raise SniffError(f"{name}: the archive holds {len(files)} JSON files that are not event exports "
                                         f"({listing}); import them one by one")
                else:
                    info.notes.insert(0, f"ZIP archive: {len(files)} JSON file{'s' if len(files) != 1 else ''} read "
                                         f"together ({listing})")
            elif len(members) == 1 and (table_m or book_m or json_m):
                m = members[0]
                f = _extract(zf, m, budget, name)
                temps.append(f)
                info = read_xlsx(f, f"{name}: {m.filename}", sheet) if book_m else read_file(f, f"{name}: {m.filename}")
                info.notes.insert(0, f"ZIP archive: read {m.filename}")
            elif table_m and len(table_m) == len(members):
                files = [_extract(zf, m, budget, name) for m in table_m]
                temps += files
                heads = {_first_line(f) for f in files}
                if len(heads) > 1 or any(f.read_bytes()[:2] == b"\x1f\x8b" for f in files):
                    raise SniffError(f"{name}: the archive holds {len(files)} tables with different columns ({listing}); "
                                     "unzip it and import each file on its own")
                joined = _concat_csv(files)
                temps.append(joined)
                info = read_file(joined, name)
                info.notes.insert(0, f"ZIP archive: {len(files)} files with the same columns read as one table "
                                     f"({listing}); row numbers count across them in name order")
            else:
                raise SniffError(f"{name}: Pillars cannot tell what to import from this ZIP archive; it holds {listing}. "
                                 "Pillars reads an XLSX workbook, CSV files with the same columns, or JSON event exports "
                                 "(such as Amplitude's export). Unzip it and import the file you mean")
        except BaseException:
            for t in temps:
                t.unlink(missing_ok=True)
            raise
    # the import is identified by the archive the user gave, not by the temp copies
    info.sha256, info.size = file_sha256(path)
    info.original = path
    info.display_name = name
    info.temp_files.extend(t for t in temps if t not in info.temp_files)
    return info
