"""JSON and JSON lines files, flattened into a UTF-8 CSV that the importer reads like any export (issue 18).

Three shapes are understood:
- promptfoo's `--output results.json` (EvaluateSummary; version 2 has `results` as the list, version 3+
  nests it as `results.results`): one row per result with the columns `ai_evals.PROMPTFOO` names;
- an OpenAI Evals record file (JSON lines: a `spec` line, a `final_report` line, then events with
  `sample_id`, `type` and `data`): one row per `match` event (or `metrics` event with `correct`/`score`);
- anything else made of flat objects (JSON lines, or a JSON array of objects): one row per object,
  nested objects flattened as `parent.child` (scored predictions exported as JSON lines).

Row numbers in rejects count results (or lines) in the file, the first one being row 2, as in a CSV.
"""
from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator

from .files import FileInfo, SniffError, file_sha256

MAX_JSON_BYTES = 512 << 20   # a whole-document JSON (promptfoo) is parsed in memory


def looks_like_json(head: bytes) -> bool:
    """Return True when a file's first visible byte opens a JSON object or array (False for CSV, XLSX, gzip)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text[:1] in (b"{", b"[")


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def _flatten(obj: dict, prefix: str = "", depth: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and depth < 2:
            out.update(_flatten(v, key + ".", depth + 1))
        else:
            out[key] = v
    return out


def _lines(path: Path, name: str) -> Iterator[tuple[int, Any]]:
    with path.open("r", encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                raise SniffError(f"{name}: line {n} is not valid JSON ({exc.msg}, column {exc.colno}); "
                                 "fix or remove that line and retry") from None


def _promptfoo_rows(doc: dict) -> list[dict[str, Any]] | None:
    res = doc.get("results")
    items = res.get("results") if isinstance(res, dict) else res
    if not isinstance(items, list) or not items or not all(isinstance(r, dict) for r in items):
        return None
    if not any("success" in r or "gradingResult" in r for r in items):
        return None
    rows = []
    for i, r in enumerate(items):
        test = r.get("testCase") or r.get("test") or {}
        provider = r.get("provider") or {}
        grading = r.get("gradingResult") or {}
        prompt = r.get("prompt") or {}
        success = r.get("success", grading.get("pass"))
        rows.append({
            "promptfoo_result": r.get("id") or f"test {r.get('testIdx', i)} / prompt {r.get('promptIdx', 0)}",
            "description": test.get("description") or (r.get("vars") or {}).get("description") or "",
            "provider": provider.get("label") or provider.get("id") if isinstance(provider, dict) else provider,
            "prompt_label": prompt.get("label") if isinstance(prompt, dict) else "",
            "success": success,
            "score": r.get("score", grading.get("score")),
            "reason": grading.get("reason") or r.get("error") or "",
            "eval_description": ((doc.get("config") or {}).get("description") or "") if isinstance(doc.get("config"), dict) else "",
        })
    return rows


def _openai_rows(records: Iterable[tuple[int, Any]], name: str) -> list[dict[str, Any]]:
    spec: dict = {}
    rows = []
    for n, rec in records:
        if not isinstance(rec, dict):
            raise SniffError(f"{name}: line {n} is not a JSON object")
        if "spec" in rec:
            spec = rec["spec"] or {}
            continue
        if "final_report" in rec:
            continue
        data = rec.get("data") or {}
        if rec.get("type") == "match" or (rec.get("type") == "metrics" and ("correct" in data or "score" in data)):
            sample = str(rec.get("sample_id", ""))
            fns = spec.get("completion_fns") or []
            eval_name = spec.get("eval_name") or spec.get("base_eval") or sample.split(".")[0]
            parts = sample.split(".")
            rows.append({
                "sample_id": sample,
                "eval_name": eval_name,
                "split": parts[1] if len(parts) > 2 else "",
                "completion_fn": ",".join(map(str, fns)) if isinstance(fns, list) else str(fns),
                "correct": data.get("correct", data.get("score")),
                "expected": data.get("expected"),
                "picked": data.get("picked"),
                "run_id": rec.get("run_id") or spec.get("run_id") or "",
            })
    return rows


def _write(rows: list[dict[str, Any]]) -> tuple[Path, list[str]]:
    header: list[str] = []
    seen: set[str] = set()
    for r in rows:
        for k in r:
            if k not in seen:
                seen.add(k)
                header.append(k)
    fd, tmp = tempfile.mkstemp(prefix="pillars-json-", suffix=".csv")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(header)
        for r in rows:
            w.writerow([_cell(r.get(k)) for k in header])
    return Path(tmp), header


def json_to_csv(path: Path, display_name: str) -> FileInfo:
    """Return FileInfo for a JSON / JSON lines file flattened into a temp CSV; SniffError names file and line when unusable."""
    name = display_name
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(1 << 16).lstrip(b"\xef\xbb\xbf \t\r\n")
    rows: list[dict[str, Any]] | None = None
    note = ""
    whole: Any = None
    if head[:1] == b"[" or head[:1] == b"{":
        if size <= MAX_JSON_BYTES:
            try:
                whole = json.loads(path.read_text(encoding="utf-8-sig"))
            except json.JSONDecodeError:
                whole = None  # JSON lines: one document per line
            except UnicodeDecodeError:
                raise SniffError(f"{name}: the JSON is not UTF-8 text; save it again as UTF-8") from None
    if isinstance(whole, dict):
        rows = _promptfoo_rows(whole)
        if rows is None:
            raise SniffError(f"{name}: a JSON document Pillars does not know: it is not promptfoo's results.json "
                             "(no results with 'success' or 'gradingResult'). Export one object per line (JSON lines) "
                             "or a CSV instead")
        note = f"promptfoo results.json: {len(rows):,} results (row 2 = the first result)"
    elif isinstance(whole, list):
        if not whole or not all(isinstance(r, dict) for r in whole):
            bad = next((i for i, r in enumerate(whole) if not isinstance(r, dict)), 0)
            raise SniffError(f"{name}: item {bad + 1} of the JSON array is not an object; Pillars reads an array of "
                             "objects (one per example)")
        rows = [_flatten(r) for r in whole]
        note = f"JSON array: {len(rows):,} objects (row 2 = the first object)"
    else:
        records = list(_lines(path, name))
        if not records:
            raise SniffError(f"{name}: the file is empty; export the data again and retry")
        is_openai = any(isinstance(r, dict) and ("spec" in r or ("sample_id" in r and "type" in r and "data" in r))
                        for _, r in records[:50])
        if is_openai:
            rows = _openai_rows(records, name)
            if not rows:
                raise SniffError(f"{name}: an OpenAI Evals record file with no 'match' events; run the eval with a "
                                 "match-based grader (or export its metrics) and retry")
            note = f"OpenAI Evals record: {len(rows):,} match events (row 2 = the first event)"
        else:
            for n, r in records:
                if not isinstance(r, dict):
                    raise SniffError(f"{name}: line {n} is not a JSON object; JSON lines need one object per line")
            rows = [_flatten(r) for _, r in records]
            note = f"JSON lines: {len(rows):,} objects (row 2 = the first line with data)"
    tmp, header = _write(rows)
    sha256, _ = file_sha256(path)
    info = FileInfo(path=tmp, original=path, display_name=name, container="json", encoding="utf-8", delimiter=",",
                    header=header, sha256=sha256, size=size, temp_files=[tmp])
    info.notes.append(note)
    return info
