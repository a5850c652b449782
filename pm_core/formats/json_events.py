"""Event exports written as JSON: Mixpanel, Amplitude, PostHog, and plain arrays / JSON lines of events (issue 14).

Nothing here parses the records in Python: DuckDB's JSON reader (`read_json_objects`) reads the
file(s), `json_group_structure` over a sample tells which keys the records hold (that SQL is in
`store.json_records`, handed in by the importer since formats import no store), and the import reads
each key as one text column (c0, c1, ...) exactly as it reads a CSV's columns (see
`store.ingest_store`). Which tool wrote the file is decided from the records' keys, never the name:
a Mixpanel export saved as `.csv` is still read as JSON.

Nested objects become properties named by their path joined with `SEPARATOR` ('.'). The tool's own
property container (`properties` for Mixpanel and PostHog, `event_properties` and `user_properties`
for Amplitude) is lifted: `properties.$os` is the property `$os`, as the tool itself names it,
unless that name is already taken by a top-level field (then the full path is kept).
"""
from __future__ import annotations

import json
from pathlib import Path

from .files import FileInfo, JsonSource, SniffError, file_sha256

SEPARATOR = "."
MAX_DEPTH = 4                 # deeper objects are kept whole, as JSON text
FALLBACK_BYTES = 64 << 20     # a malformed file up to this size is left to ai_json (Python), which names the exact line
KEY_SCAN_BYTES = 64 << 20     # files (or archives) up to this size have every record's keys listed, not a sample's
SAMPLE_RECORDS = 20_000       # records whose keys decide the columns (DuckDB's merged structure of 1M records takes ~5 s)
_LIFTED = {"mixpanel": ("properties",), "posthog": ("properties",), "amplitude": ("event_properties", "user_properties"),
           "generic": ("properties",)}
_EVENT_KEYS = ("event", "event_type", "event_name", "eventname", "action")
_TIME_KEYS = ("time", "timestamp", "event_time", "ts", "created_at", "occurred_at", "client_event_time", "datetime",
              "date", "sent_at", "originaltimestamp", "receivedat")
TOOL_LABELS = {"mixpanel": "Mixpanel raw export", "amplitude": "Amplitude export", "posthog": "PostHog export",
               "generic": "JSON events"}


def pointer(path: list[str]) -> str:
    """Return the RFC 6901 JSON pointer of a key path (['properties', 'a/b'] -> '/properties/a~1b'); '' is the whole record."""
    return "".join("/" + k.replace("~", "~0").replace("/", "~1") for k in path)


def _layout(path: Path, head: bytes) -> tuple[str, str | None]:
    """Return (DuckDB format, unnest path) for a JSON file from its first bytes: lines, an array, or one document.

    A document holding a `results` (or `events`, `data`) array of objects, as PostHog's and many APIs'
    responses do, is read as that array.
    """
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] == b"[":
        return "array", None
    first = text.split(b"\n", 1)[0].strip()
    try:
        json.loads(first)
        return "newline_delimited", None
    except ValueError:
        pass
    return "unstructured", None  # one (pretty-printed) document or several; the caller looks for its list


def friendly_error(exc: Exception, name: str, source: JsonSource | None = None) -> str:
    """Return DuckDB's JSON error in words, naming the file (and the archive member) and line, never a temp path."""
    import re

    msg = str(exc)
    line = re.search(r"line (\d+)", msg)
    member = ""
    m = re.search(r'in file "([^"]+)"', msg)
    if m and source is not None and source.members:
        member = next((f" ({mem})" for f, mem in zip(source.files, source.members) if Path(f).name == Path(m.group(1)).name), "")
    where = f"line {line.group(1)} (or the line before it)" if line else "a record"
    return (f"{name}{member}: {where} is not valid JSON; fix or remove that line (one JSON object per line, or one "
            "array of objects) and retry")


def _add_later_keys(records, struct: dict, files: list[str], fmt: str, unnest: str | None,
                    lifted: tuple[str, ...]) -> None:
    """Add to `struct` the top-level and property-container keys of every record (listed by `records`)."""
    top, inner = records.every_key(files, fmt, unnest, [pointer([c]) for c in lifted])
    for k in top:
        struct.setdefault(k, "VARCHAR")
    for c, keys in zip(lifted, inner):
        if keys and not isinstance(struct.get(c), dict):
            struct[c] = {}
        for k in keys:
            struct[c].setdefault(k, "VARCHAR")


def _find_list(records, files: list[str]) -> str | None:
    """Return the path of the array of objects an 'unstructured' document holds ('$.results[*]'), '' for plain records."""
    struct, count = records.document(files)
    if struct is None:
        return None
    if count > 1:
        return ""  # several documents one after the other: each is a record
    for key in ("results", "events", "data", "items", "records"):
        v = struct.get(key)
        if isinstance(v, list) and v and isinstance(v[0], dict):
            return f"$.{key}[*]"
    return ""


def tool_of(struct: dict) -> str | None:
    """Return which tool wrote records of this key structure ('mixpanel', 'amplitude', 'posthog', 'generic'), None if not events.

    Amplitude has `event_type` with `event_time` or `amplitude_id`; Mixpanel's raw export is `event`
    plus a `properties` object holding `time` and `distinct_id`; PostHog has `event`, `distinct_id`
    and `timestamp` (with `uuid`, `person_id` or `properties`). Anything else with an event-name key
    and a time key is a generic event file.
    """
    star = struct.get("*")
    if isinstance(star, dict) and {"event", "distinct_id"} <= set(star):
        return "posthog"  # PostHog's events-table export: the whole event under '*', the person under 'person'
    keys = {k.lower() for k in struct}
    props = struct.get("properties") if isinstance(struct.get("properties"), dict) else {}
    pkeys = {k.lower() for k in props}
    if "event_type" in keys and ({"event_time", "amplitude_id", "client_event_time"} & keys):
        return "amplitude"
    if "event" in keys and {"time", "distinct_id"} <= pkeys and not ({"timestamp", "distinct_id"} <= keys):
        return "mixpanel"
    if {"event", "distinct_id", "timestamp"} <= keys:
        return "posthog"
    if {"spec", "sample_id", "final_report"} & keys:
        return None  # an OpenAI Evals record file (ai_json reads it), whose lines also carry a time
    if any(k in keys for k in _EVENT_KEYS) and (any(k in keys for k in _TIME_KEYS) or any(k in pkeys for k in _TIME_KEYS)):
        return "generic"
    return None


def _leaves(struct: dict, prefix: list[str], depth: int) -> list[list[str]]:
    out: list[list[str]] = []
    for k, v in struct.items():
        path = prefix + [k]
        if isinstance(v, dict) and v and depth < MAX_DEPTH:
            out.extend(_leaves(v, path, depth + 1))
        else:
            out.append(path)  # a scalar, a list or an empty/deep object (kept as JSON text)
    return out


def columns_of(struct: dict, tool: str) -> tuple[list[str], list[str]]:
    """Return (column names, JSON pointers) for records of this structure, the tool's property container lifted.

    Top-level fields come first, then lifted properties; a lifted name already taken keeps its full path.
    """
    lifted = _LIFTED.get(tool, ())
    names: list[str] = []
    paths: list[str] = []
    taken: set[str] = set()   # casefolded: 'City' and 'city' would make one column ambiguous
    later: list[list[str]] = []

    def add(name: str, path: list[str]) -> None:
        k = 2
        base = name
        while name.casefold() in taken:
            name, k = f"{base} ({k})", k + 1
        names.append(name)
        paths.append(pointer(path))
        taken.add(name.casefold())

    for path in _leaves(struct, [], 0):
        if path[0] in lifted and len(path) > 1:
            later.append(path)
            continue
        add(SEPARATOR.join(path), path)
    for container in lifted:  # in the order the tool gives them: event properties before user properties
        for path in (p for p in later if p[0] == container):
            short = SEPARATOR.join(path[1:])
            add(short if short.casefold() not in taken else SEPARATOR.join(path), path)
    return names, paths


def is_gzip_json(path: Path) -> bool:
    """Return True when a gzip file's decompressed text starts like JSON (a .json.gz export)."""
    import gzip

    try:
        with gzip.open(path, "rb") as fh:
            head = fh.read(4096)
    except (OSError, EOFError):
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def _first_bytes(path: Path, n: int) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


def _is_gzip(path: Path) -> bool:
    return _first_bytes(path, 2) == b"\x1f\x8b"


def _without_bom(path: Path) -> Path:
    """Return a temp copy of a file without its first three bytes (the UTF-8 BOM), copied in chunks."""
    import os
    import shutil
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix="pillars-json-", suffix=".json")
    with os.fdopen(fd, "wb") as out, path.open("rb") as src:
        src.seek(3)
        shutil.copyfileobj(src, out, 4 << 20)
    return Path(tmp)


def _head(path: Path) -> bytes:
    import gzip

    with (gzip.open(path, "rb") if _is_gzip(path) else path.open("rb")) as fh:
        return fh.read(1 << 16)


def sniff_json_events(path: Path, display_name: str, records, files: list[Path] | None = None,
                      members: list[str] | None = None) -> FileInfo | None:
    """Return FileInfo for JSON event records read by DuckDB, or None when the records are not events (other JSON).

    `files` are the JSON files to read together (an archive's hourly files), `path` the file the user
    gave (its sha256 identifies the import). `records` is `store.json_records` (the SQL that looks at
    the records; formats import no store, so the importer hands it over). Raises SniffError naming the file and line when the JSON
    is malformed.
    """
    import duckdb

    files = files or [path]
    temps: list[Path] = []
    if len(files) == 1 and _first_bytes(files[0], 3) == b"\xef\xbb\xbf":
        files = temps = [_without_bom(files[0])]  # DuckDB's JSON reader does not skip a UTF-8 byte-order mark
    names = [str(f) for f in files]
    head = _head(files[0])
    fmt, unnest = _layout(files[0], head)
    try:
        if fmt == "unstructured":
            unnest = _find_list(records, names)
            if unnest == "":
                unnest = None
        limit = SAMPLE_RECORDS
        struct, seen = records.structure(names, fmt, unnest, limit)
    except duckdb.Error as exc:
        for t in temps:
            t.unlink(missing_ok=True)
        if len(files) == 1 and not _is_gzip(files[0]) and members is None and path.stat().st_size <= FALLBACK_BYTES:
            return None  # not readable as records: the JSON reader of ai_json names the exact line (or shape) in words
        raise SniffError(friendly_error(exc, display_name, JsonSource(names, fmt, [], members=members or []))) from None
    if not struct or tool_of(struct) is None:
        for t in temps:
            t.unlink(missing_ok=True)
    if not struct:
        if seen == 0:
            raise SniffError(f"{display_name}: the file holds no JSON records; export the events again and retry")
        return None
    tool = tool_of(struct)
    if tool is None:
        return None
    whole = len(files) > 1 or sum(f.stat().st_size for f in files) <= KEY_SCAN_BYTES
    if whole and seen >= SAMPLE_RECORDS:
        try:  # keys that first appear after the sample (another hour's event types) are kept too
            _add_later_keys(records, struct, names, fmt, unnest, _LIFTED.get(tool, ()))
        except duckdb.Error as exc:
            for t in temps:
                t.unlink(missing_ok=True)
            raise SniffError(friendly_error(exc, display_name, JsonSource(names, fmt, [], members=members or []))) from None
    header, paths = columns_of(struct, tool)
    sha, size = file_sha256(path)
    plain = len(files) == 1 and fmt == "newline_delimited" and not _is_gzip(files[0])
    info = FileInfo(path=files[0], original=path, display_name=display_name, container="json", encoding="utf-8",
                    delimiter=",", header=header, sha256=sha, size=size, temp_files=list(temps))
    info.json = JsonSource(files=names, format=fmt, paths=paths, unnest=unnest, tool=tool, plain=plain,
                           members=list(members or []))
    layout = {"newline_delimited": "JSON lines", "array": "a JSON array", "unstructured": "a JSON document"}[fmt]
    lifted = [c for c in _LIFTED.get(tool, ()) if c in struct]
    how = (f"; nested properties are named by their path joined with '{SEPARATOR}'"
           + (f", and {' and '.join(repr(c) for c in lifted)} are lifted ({lifted[0]}.<name> is the property <name>)"
              if lifted else ""))
    what = f"{len(files)} files" if len(files) > 1 else layout
    info.notes.append(f"{TOOL_LABELS[tool]} read as {what} by DuckDB{how}; row numbers count records, the first "
                      "being row 2" + (" (the files in name order)" if len(files) > 1 else ""))
    if seen >= limit and not whole:
        info.notes.append(f"properties found in the first {limit:,} records; keys that appear only later are not kept")
    return info

