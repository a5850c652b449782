"""The public import path: preview_file, import_file, delete_import, list_imports (and the upload and rejects helpers)."""
from __future__ import annotations

import json
import re
import tempfile
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd

from .. import audit
from ..auth import Actor, require_editor
from ..formats import json_events
from ..formats.sniff import save_stream
from ..store import Store, areas, imports_store, ingest_preview, ingest_store, new_id, open_store, utcnow
from . import after, events_plan, messages
from .plan import _candidates, _display_name, _prepare, _sniff, _type_label
from .rejects import _collect_rejects, _direct_rejects, _refuse_unusable, write_rejects_csv
from .types import MEMORY_FLOOR, ON_DUPLICATE, PREVIEW_CHECK_ROWS, FieldInfo, ImportRefused, ImportResult, Preview, Progress


def preview_file(path, *, kind: str | None = None, mapping: dict[str, str] | None = None,
                 types: dict[str, str] | None = None, sheet: str | None = None, file_name: str | None = None,
                 sample_rows: int = 20, store: Store | None = None, check_rows: int | None = PREVIEW_CHECK_ROWS,
                 encoding: str | None = None, currency: str | None = None) -> Preview:
    """Return what Pillars understood of a file (kind, tool, encoding, mapping, types, samples, would-be rejects).

    Rejects are counted over the first `check_rows` rows (all rows when None): for a longer file
    `complete` is False, `rows_read` is the rows checked and `rows_estimate` the file's rows estimated
    from its size (None for gzip); the import itself always checks every row. Writes nothing to the workspace. Without a store an in-memory one is used (duplicates are then not
    checked). Raises ImportRefused, naming the file, when the file cannot be used at all.
    """
    own = store is None
    if own:
        store = open_store(Path(tempfile.mkdtemp(prefix="pillars-preview-")) / "p.duckdb")
    name = _display_name(Path(path), file_name)
    info = _sniff(Path(path), name, sheet, encoding)
    try:
        prep = _prepare(store, info, kind, mapping, types, currency)
        cur = store.cursor()
        try:
            sc = ingest_store.stage(cur, prep.plan, values=False, limit=check_rows)
            try:
                rejects = _collect_rejects(cur, prep, sc, limit=200)
            finally:
                ingest_store.drop_stage(cur, sc)
        finally:
            cur.close()
        checked = sc.parsed + len(sc.structural)
        estimate = None
        if sc.limited:
            per_row = ingest_store.sample_bytes_per_row(str(info.path), prep.plan.compression, checked)
            if per_row:
                estimate = int(round(info.path.stat().st_size / per_row, -3 if checked >= 10_000 else 0))
        sample = ingest_preview.sample_rows(store, prep.plan, sample_rows)
        cols = _display_columns(info.header)
        sample.columns = cols[: len(sample.columns)]
        m = prep.match
        fields = []
        for f in m.fmt.fields:
            cols_ = m.columns.get(f.name)
            t = prep.types.get(f.name)
            fields.append(FieldInfo(target=f.name, role=f.role, required=f.required,
                                    source=info.header[cols_[0]] if cols_ else None, how=m.how.get(f.name),
                                    type=t, type_label=_type_label(t) if t else None, help=f.help))
        dup = imports_store.find_by_sha(store, info.sha256) if not own else None
        warnings = []
        if prep.plan.kind == "events" and not own:  # a second tool's user base (issue 14)
            w = events_plan.overlap_warning(store, prep.plan)
            if w:
                warnings.append(w)
        return Preview(
            file_name=name, kind=m.fmt.kind, source=m.fmt.source, source_label=m.fmt.label, encoding=info.encoding,
            delimiter=info.delimiter, columns=info.header,
            mapping={t: info.header[c[0]] for t, c in m.columns.items()},
            fields=fields, types=prep.types,
            type_choices={f.name: _candidates(f.role) for f in m.fmt.fields if f.role in ("time", "date", "number", "score")},
            sample=json.loads(sample.to_json(orient="records", force_ascii=False)),
            rows_read=checked, rows_rejected=sc.bad + len(sc.structural), complete=not sc.limited,
            rows_estimate=estimate,
            reasons=json.loads(rejects.head(50).to_json(orient="records", force_ascii=False)),
            sheets=info.sheets, sheet=info.sheet, notes=prep.notes, scale=prep.plan.consts.get("scale"),
            experiment=prep.plan.consts.get("experiment"), properties=[k for k, _ in prep.plan.extras],
            duplicate_of=dup, layout="json" if info.json is not None else "delimited", warnings=warnings,
            currency=prep.plan.consts.get("currency_default"), outcomes=prep.plan.consts.get("outcome_choices", []),
            sheet_label="Sheet" if info.container == "xlsx" or not info.sheets else "Table")
    except duckdb.Error as exc:
        if info.json is None:  # the CSV reader's own message is never shown (issue 14)
            raise ImportRefused(messages.read_error(exc, name, info.delimiter, info.row_offset)) from None
        raise ImportRefused(json_events.friendly_error(exc, name, info.json)) from None  # a malformed record past the sample
    finally:
        info.cleanup()
        if own:
            store.close()


def _display_columns(header: list[str]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for h in header:
        seen[h] += 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


def import_file(store: Store, actor: Actor, path, *, kind: str | None = None, mapping: dict[str, str] | None = None,
                types: dict[str, str] | None = None, sheet: str | None = None, file_name: str | None = None,
                on_duplicate: str = "error", progress: Progress | None = None,
                background_hooks: bool = False, encoding: str | None = None, currency: str | None = None) -> ImportResult:
    """Import one file all-or-nothing and return what happened; raises ImportRefused (file named) for unusable input.

    A file whose sha256 matches an earlier import is refused ('error'), skipped ('skip', returning
    skipped=True) or imported after deleting the earlier import's rows ('replace'). The post-import
    hook (linked key results) runs before returning, or with background_hooks=True is started on a
    worker thread right after the commit (see `after_import_in_background`; the caller shows its
    outcome from `after_import_future(import_id)`).
    """
    require_editor(actor)
    if on_duplicate not in ON_DUPLICATE:
        raise ImportRefused(f"on_duplicate must be one of {', '.join(ON_DUPLICATE)}, not {on_duplicate!r}")
    prog = progress or (lambda f, m: None)
    name = _display_name(Path(path), file_name)
    prog(0.02, f"Reading {name}")
    info = _sniff(Path(path), name, sheet, encoding)
    try:
        dup = imports_store.find_by_sha(store, info.sha256)
        if dup and on_duplicate == "error":
            raise ImportRefused(f"{name}: this exact file was already imported as {dup['id']} ({dup['file_name']}, "
                                f"{dup['imported_at']} UTC); choose skip or replace (--on-duplicate skip|replace)")
        if dup and on_duplicate == "skip":
            earlier = next((r for r in imports_store.list_imports(store) if r["id"] == dup["id"]), {})
            return ImportResult(import_id=dup["id"], kind=earlier.get("kind", dup["kind"]), source=earlier.get("source", ""),
                                rows_read=0, rows_imported=0, rows_rejected=0, rejects_file=None,
                                duplicate_of=dup["id"], skipped=True)
        prog(0.15, "Detecting the format")
        prep = _prepare(store, info, kind, mapping, types, currency)
        # measured before the rows land, so the file's people are compared with the workspace's earlier ones
        warning = events_plan.overlap_warning(store, prep.plan) if prep.plan.kind == "events" else None
        import_id = new_id("imp_")
        prep.plan.consts["import_id"] = import_id
        direct = ingest_store.can_insert_direct(prep.plan)
        prog(0.3, "Reading, checking and saving every row" if direct else "Reading and checking every row")
        rows_read = 0
        cap = max(MEMORY_FLOOR, info.path.stat().st_size)
        changed = areas.for_kind(prep.plan.kind) + (areas.for_kind(dup["kind"]) if dup else ())
        with ingest_store.memory_cap(store, cap), store.transaction(*changed) as tx:
            if dup and on_duplicate == "replace":
                imports_store.delete_import_rows(tx, dup["id"])
            if direct:
                sc = ingest_store.insert_direct(tx, prep.plan)
                inserted = imports_store.rows_of_import(tx, "events", import_id)
                rejects = _direct_rejects(tx, prep, sc) if (sc.bad or sc.structural) else None
                _refuse_unusable(prep, sc, rejects)
            else:
                # one read of the file: rows are staged with their check results, then counted and inserted
                sc = ingest_store.stage(tx, prep.plan)
                rejects = _collect_rejects(tx, prep, sc) if (sc.bad or sc.structural) else None
                _refuse_unusable(prep, sc, rejects)
                prog(0.6, "Saving rows")
                inserted = ingest_store.insert_rows(tx, prep.plan, sc)
                ingest_store.drop_stage(tx, sc)
            rejects = rejects if rejects is not None else pd.DataFrame(columns=["row_number", "column", "value", "reason"])
            rows_read = sc.parsed + len(sc.structural)
            accepted = sc.parsed - sc.bad
            if prep.plan.source != "wide" and inserted != accepted:
                raise ImportRefused(f"{name}: {inserted} rows were stored but {accepted} passed the checks; nothing was saved")
            details = {"encoding": info.encoding, "delimiter": info.delimiter, "mapping":
                       {t: info.header[c[0]] for t, c in prep.match.columns.items()}, "types": prep.types,
                       "sheet": info.sheet, "notes": prep.notes, "replaced": dup["id"] if dup else None}
            if prep.plan.source == "wide":
                details["metric_points"] = inserted
            imports_store.insert_import(tx, {
                "id": import_id, "file_name": name, "sha256": info.sha256, "bytes": info.size, "kind": prep.plan.kind,
                "source": prep.plan.source, "rows_read": rows_read, "rows_imported": accepted,
                "rows_rejected": len(rejects), "actor": actor.email, "imported_at": utcnow(),
                "details": json.dumps(details, default=str)})
            imports_store.insert_rejects(tx, import_id, rejects)
            audit.record(tx, actor, "import", "import", import_id, name, _import_summary(
                prep.plan.kind, prep.plan.source, rows_read, accepted, len(rejects), dup["id"] if dup else None))
        rejects_file = write_rejects_csv(rejects, import_id) if len(rejects) else None
    except duckdb.Error as exc:
        if info.json is None:  # the CSV reader's own message is never shown (issue 14)
            raise ImportRefused(messages.read_error(exc, name, info.delimiter, info.row_offset)) from None
        raise ImportRefused(json_events.friendly_error(exc, name, info.json)) from None  # a malformed record past the sample
    finally:
        info.cleanup()
    if background_hooks:
        # started before any further progress callback, which may end the caller's script run
        after.after_import_in_background(store, actor, import_id)
    else:
        prog(0.9, "Updating linked key results")
        after.after_import(store, actor, import_id)
    prog(1.0, "Done")
    return ImportResult(import_id=import_id, kind=prep.plan.kind, source=prep.plan.source, rows_read=rows_read,
                        rows_imported=accepted, rows_rejected=len(rejects), rejects_file=rejects_file,
                        duplicate_of=dup["id"] if dup else None, notes=prep.notes, warnings=[warning] if warning else [])


def _import_summary(kind: str, source: str, rows_read: int, accepted: int, rejected: int, replaced: str | None) -> str:
    """Return an import in words for the audit log: '1,620 of 1,622 rows as survey (generic); 2 rejected'."""
    text = f"{accepted:,} of {rows_read:,} rows as {kind.replace('_', ' ')} ({source}); {rejected:,} rejected"
    return text + (f"; replaced import {replaced}" if replaced else "")


def save_upload(fileobj, file_name: str) -> Path:
    """Write an uploaded file object to a new temp file (same extension) and return its path.

    The sha256 and UTF-8 check are done while copying, so the preview and import that follow do not
    read the whole file again for them. The caller deletes the file when done with it.
    """
    suffix = "".join(Path(file_name).suffixes[-2:]) or ".csv"
    if not re.fullmatch(r"(\.[A-Za-z0-9]{1,8}){1,2}", suffix):
        suffix = ".csv"  # a suffix taken from a user's file name must stay a plain extension
    return save_stream(fileobj, suffix)


def delete_import(store: Store, actor: Actor, import_id: str) -> int:
    """Delete one import's rows everywhere (and its provenance and rejects); returns rows removed; unknown id is refused.

    Key results linked to KPIs are then re-computed without those rows (a check-in where a value moved).
    """
    require_editor(actor)
    file_name = imports_store.import_file_name(store, import_id)
    if file_name is None:
        raise ImportRefused(f"no import with id {import_id!r}; see `imports` for the list")
    kind = next((r["kind"] for r in imports_store.list_imports(store) if r["id"] == import_id), None)
    with store.transaction(*areas.for_kind(kind)) as cur:
        removed = imports_store.delete_import_rows(cur, import_id)
        audit.record(cur, actor, "delete", "import", import_id, file_name,
                     f"{removed:,} row{'s' if removed != 1 else ''} removed")
    after.after_delete(store, actor, import_id, file_name)
    return removed


def list_imports(store: Store) -> list[dict]:
    """Return every import, newest first (id, file_name, kind, source, rows..., actor, imported_at)."""
    return imports_store.list_imports(store)


def rejects_for(store: Store, import_id: str) -> pd.DataFrame:
    """Return the rejected rows of an import (row_number, column, value, reason); empty when none or unknown."""
    return imports_store.rejects_for(store, import_id)
