"""What every file reader shares: FileInfo, SniffError, the read chunk and the file hash.

sniff.py (CSV, gzip, UTF-16...), xlsx.py (workbooks) and ai_json.py (JSON) all return a FileInfo and
raise SniffError; keeping them here lets sniff import the other two readers without an import
circle (xlsx and ai_json used to import them back from sniff).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 4 << 20               # bytes read at a time when streaming a file


def file_sha256(path: Path) -> tuple[str, int]:
    """Return the sha256 (hex) of a file's bytes on disk and its size, read in chunks (hashlib.file_digest)."""
    with Path(path).open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256")
        size = fh.tell()
    return digest.hexdigest(), size


class SniffError(ValueError):
    """The file cannot be read as a table; the message says why and what to do."""


@dataclass
class JsonSource:
    """JSON records DuckDB reads (issue 14): the files, their layout, and the JSON pointer of each column."""

    files: list[str]              # read together, in this order (an archive's hourly files)
    format: str                   # DuckDB's: newline_delimited | array | unstructured
    paths: list[str]              # JSON pointer of column i ('/properties/$os')
    unnest: str | None = None     # '$.results[*]' when the records are a list inside one document
    tool: str | None = None       # mixpanel | amplitude | posthog | generic: which tool's format to match
    plain: bool = False           # one uncompressed JSON-lines file (its size estimates the rows)
    members: list[str] = field(default_factory=list)  # an archive's member name for each file (for messages)


@dataclass
class FileInfo:
    path: Path                    # the file DuckDB will read (the original, or a UTF-8 temp copy)
    original: Path
    display_name: str
    container: str                # csv | gzip | xlsx
    encoding: str                 # utf-8 | utf-8-sig | utf-16 | cp1252
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    sha256: str = ""
    size: int = 0
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    row_offset: int = 0           # rows above the header (XLSX titles) so row numbers match the sheet
    notes: list[str] = field(default_factory=list)
    temp_files: list[Path] = field(default_factory=list)
    json: JsonSource | None = None  # set when DuckDB reads JSON records instead of delimited text

    def cleanup(self) -> None:
        """Remove temp copies made while sniffing (idempotent)."""
        for p in self.temp_files:
            try:
                p.unlink()
            except OSError:
                pass
        self.temp_files.clear()
