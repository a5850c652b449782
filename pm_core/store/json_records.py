"""The SQL that looks at JSON records before an import (issue 14): their merged key structure and every record's keys.

`formats.json_events` decides what a JSON export is from these answers; it is handed this module
by the importer (formats import no store). Every file path, format name, JSON path and pointer is a
bound parameter; each call uses its own in-memory DuckDB connection, so no workspace is touched.
Errors are DuckDB's own (`duckdb.Error`): the caller turns them into words naming the file and line.
"""
from __future__ import annotations

import json

import duckdb

MAX_RECORD_BYTES = 8 << 20          # the largest record the import reads (ingest_store.MAX_LINE_BYTES)
MAX_DOCUMENT_BYTES = 512 << 20      # one document holding a list of records (an API response)


def _read_sql(files: list[str], fmt: str, unnest: str | None) -> tuple[str, list]:
    """Return (SQL giving one `json` value per record, params) over the files: the reader the import uses."""
    base = f"read_json_objects(?, format = ?, maximum_object_size = {MAX_RECORD_BYTES})"
    if unnest:
        return f"SELECT unnest(json_extract(json, ?)) AS json FROM {base}", [unnest, files, fmt]
    return f"SELECT json FROM {base}", [files, fmt]


def structure(files: list[str], fmt: str, unnest: str | None, limit: int | None) -> tuple[dict, int]:
    """Return (merged key structure of the first `limit` records, records seen); {} when the records are not objects."""
    sql, params = _read_sql(files, fmt, unnest)
    lim = f" LIMIT {int(limit)}" if limit else ""
    con = duckdb.connect()
    try:
        row = con.execute(f"SELECT json_group_structure(json), count(*) FROM ({sql}{lim})", params).fetchone()
    finally:
        con.close()
    struct = json.loads(row[0]) if row[0] else None
    return (struct if isinstance(struct, dict) else {}), int(row[1])


def every_key(files: list[str], fmt: str, unnest: str | None, containers: list[str]) -> tuple[list[str], list[list[str]]]:
    """Return (top-level keys of every record, keys of each container object given by its JSON pointer), one read."""
    sql, params = _read_sql(files, fmt, unnest)
    parts = ["(SELECT list(DISTINCT k) FROM (SELECT unnest(json_keys(json)) AS k FROM src))"]
    parts += ["(SELECT list(DISTINCT k) FROM (SELECT unnest(json_keys(json, ?)) AS k FROM src "
              "WHERE json_type(json, ?) = 'OBJECT'))" for _ in containers]
    cont = [x for c in containers for x in (c, c)]
    con = duckdb.connect()
    try:
        row = con.execute(f"WITH src AS ({sql}) SELECT " + ", ".join(parts), params + cont).fetchone()
    finally:
        con.close()
    return list(row[0] or []), [list(r or []) for r in row[1:]]


def document(files: list[str]) -> tuple[dict | None, int]:
    """Return (merged structure, documents) of files holding whole JSON documents (one pretty-printed object, say)."""
    con = duckdb.connect()
    try:
        row = con.execute("SELECT json_group_structure(json), count(*) FROM read_json_objects(?, format = 'unstructured', "
                          f"maximum_object_size = {MAX_DOCUMENT_BYTES})", [files]).fetchone()
    finally:
        con.close()
    struct = json.loads(row[0]) if row[0] else None
    return (struct if isinstance(struct, dict) else None), int(row[1])
