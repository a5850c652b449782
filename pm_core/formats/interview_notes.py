"""Interview notes (Markdown / plain text, one file per interview, or a ZIP of them) turned into highlight rows.

Each note may start with a front matter block between two '---' lines of `key: value` pairs
(participant, segment, date, interviewer, title). The body is cut into passages: a paragraph, a
list item or a quoted line ('> ...') each make one; headings and interviewer questions ('Q: ...')
are context, not evidence. A passage starting with a tag word ('Pain: ...', 'JTBD: ...',
'Workaround: ...') carries that tag; a quoted line is a quote. The rows go to a temp CSV that the
normal importer reads (the `notes` format in interviews.py), so notes get the same preview,
provenance, audit row and undo as every other import.

Bad notes are refused as a whole, naming the file (inside the ZIP) and the line: an empty note, a
front matter block that never closes or has a line that is not `key: value`, a date that is not a
date, a transcript over MAX_NOTE_CHARS, or a ZIP with no notes, too many files or too many bytes.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from .files import FileInfo, SniffError, file_sha256
from .interviews import tag_of

NOTE_SUFFIXES = (".md", ".markdown", ".txt")
# A one-hour verbatim transcript is about 55,000 characters (9,000 words); 400,000 is over seven hours.
# Beyond that a file is a dump of several sessions or not a note at all, and its passages would swamp
# the evidence of every other interview.
MAX_NOTE_CHARS = 400_000
MAX_ZIP_FILES = 500            # notes in one ZIP
MAX_ZIP_BYTES = 100 << 20      # uncompressed bytes of the notes in one ZIP (a ZIP bomb stops here)
MAX_PASSAGE_CHARS = 1_500      # a longer paragraph is cut at sentence ends into passages of about this size
MIN_PASSAGE_WORDS = 3          # 'Thanks!' is not evidence
NOTE_COLUMNS = ["note_file", "interview", "participant", "segment", "date", "interviewer", "line", "highlight", "tag"]

# front matter key -> the column it fills
FRONT_KEYS: dict[str, str] = {
    "participant": "participant", "interviewee": "participant", "customer": "participant", "name": "participant",
    "segment": "segment", "persona": "segment",
    "date": "date", "interviewed_on": "date", "interview_date": "date",
    "interviewer": "interviewer", "researcher": "interviewer", "moderator": "interviewer",
    "title": "interview", "interview": "interview",
}
_DATE_FORMS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%Y/%m/%d")
_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_QUESTION = re.compile(r"^\s*(?:q|question|interviewer)\s*[:.-]\s*", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*([A-Za-z][A-Za-z _-]{1,24})\s*:\s+(.+)$", re.DOTALL)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def is_note_name(name: str) -> bool:
    """Return True for a file name that a note has (.md, .markdown, .txt), case-insensitive."""
    return str(name).lower().endswith(NOTE_SUFFIXES)


def _looks_tabular(text: str) -> bool:
    """Return True when the first lines split into the same number (2+) of cells on one delimiter (a CSV named .txt)."""
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
    if len(lines) < 2:
        return False
    for d in (",", ";", "\t", "|"):
        counts = [ln.count(d) for ln in lines]
        if counts[0] >= 1 and sum(1 for c in counts if c == counts[0]) >= 0.8 * len(counts):
            return True
    return False


def looks_like_notes(path: Path, head: bytes, display_name: str) -> bool:
    """Return True when a text file is interview notes: .md/.markdown always; .txt unless its lines form a table.

    A .txt opening with a front matter block ('---') is a note whatever follows; any other suffix
    (.csv, .tsv, none) is left to the table reader.
    """
    name = str(display_name).lower()
    if name.endswith((".md", ".markdown")):
        return True
    if not name.endswith(".txt"):
        return False
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    if text.lstrip().startswith("---"):
        return True
    return not _looks_tabular(text)


def zip_holds_notes(path: Path) -> bool:
    """Return True for a ZIP of interview notes: it holds a .md/.markdown file, or only .txt files that are not tables.

    A workbook (xl/workbook.xml) and an archive of exports (CSV, JSON, gzip, or .txt tables) are left to
    their own readers; a ZIP with a Markdown note and other files is a notes ZIP, refused naming the others.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not _skipped_member(i.filename)]
            if any(i.filename.lower() == "xl/workbook.xml" for i in infos):
                return False
            if any(i.filename.lower().endswith((".md", ".markdown")) for i in infos):
                return True
            texts = [i for i in infos if i.filename.lower().endswith(".txt")]
            if not texts or len(texts) != len(infos):
                return False
            with zf.open(texts[0]) as fh:
                head = fh.read(64 << 10)
    except (zipfile.BadZipFile, OSError, RuntimeError):
        return False
    return looks_like_notes(Path(texts[0].filename), head, texts[0].filename)


def _skipped_member(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return name.endswith("/") or any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _parse_date(value: str, where: str) -> str:
    v = value.strip().strip("'\"")
    for form in _DATE_FORMS:
        try:
            return dt.datetime.strptime(v, form).date().isoformat()
        except ValueError:
            continue
    raise SniffError(f"{where}: date '{value.strip()}' is not a date Pillars can read; write it as YYYY-MM-DD "
                     "(e.g. 2026-05-12)")


def _front_matter(lines: list[str], where: str) -> tuple[dict[str, str], int, list[str]]:
    """Return (fields, index of the first body line, notes) from a '---' block; a block that never closes is refused."""
    if not lines or lines[0].strip() != "---":
        return {}, 0, []
    fields: dict[str, str] = {}
    ignored: list[str] = []
    for i in range(1, len(lines)):
        raw = lines[i]
        if raw.strip() in ("---", "..."):
            return fields, i + 1, ([f"{where}: front matter keys not used: {', '.join(ignored)}"] if ignored else [])
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if ":" not in raw:
            raise SniffError(f"{where}, line {i + 1}: '{raw.strip()[:60]}' in the front matter is not 'key: value'; "
                             "write each field on its own line, e.g. 'participant: Maria', and close the block with ---")
        key, value = raw.split(":", 1)
        key = key.strip().lower().replace(" ", "_").replace("-", "_")
        value = value.strip().strip("'\"")
        col = FRONT_KEYS.get(key)
        if col is None:
            ignored.append(key)
            continue
        if col in fields:
            raise SniffError(f"{where}, line {i + 1}: '{key}' is given twice in the front matter; keep one")
        fields[col] = _parse_date(value, f"{where}, line {i + 1}") if col == "date" and value else value
    raise SniffError(f"{where}, line 1: the front matter opened with '---' is never closed; add a line with --- "
                     "after the last field (participant, segment, date, interviewer)")


def _chunks(text: str) -> list[str]:
    """Cut a passage longer than MAX_PASSAGE_CHARS at sentence ends (a sentence longer than that stays whole)."""
    if len(text) <= MAX_PASSAGE_CHARS:
        return [text]
    out, cur = [], ""
    for sentence in _SENTENCE.split(text):
        if cur and len(cur) + 1 + len(sentence) > MAX_PASSAGE_CHARS:
            out.append(cur)
            cur = sentence
        else:
            cur = f"{cur} {sentence}".strip()
    if cur:
        out.append(cur)
    return out


def _passage(text: str, quoted: bool) -> tuple[str, str | None]:
    """Return (text without its tag prefix, tag) for one passage."""
    tag = "quote" if quoted else None
    m = _PREFIX.match(text)
    if m:
        named = tag_of(m.group(1))
        if named:
            tag, text = named, m.group(2).strip()
    if quoted or tag == "quote":
        text = text.strip().strip('"“”').strip()
    return text, tag


def passages(body: list[str], first_line: int) -> list[tuple[int, str, str | None]]:
    """Return (line, text, tag) for every passage of a note body; first_line is the file line of body[0] (1-based)."""
    out: list[tuple[int, str, str | None]] = []
    buf: list[str] = []
    start = 0
    quoted = False

    def flush() -> None:
        nonlocal buf, quoted
        if buf:
            text = " ".join(" ".join(buf).split())
            if not _QUESTION.match(text):
                clean, tag = _passage(text, quoted)
                if len(clean.split()) >= MIN_PASSAGE_WORDS:
                    for piece in _chunks(clean):
                        out.append((start, piece, tag))
        buf, quoted = [], False

    for i, raw in enumerate(body):
        line_no = first_line + i
        s = raw.strip()
        if not s or s.startswith("#") or set(s) <= set("-*_=") :
            flush()
            continue
        is_quote = s.startswith(">")
        is_item = bool(_LIST.match(raw))
        if is_quote:
            s = s.lstrip(">").strip()
            if not quoted or not buf:
                flush()
                start, quoted = line_no, True
        elif is_item:
            flush()
            start = line_no
            s = _LIST.sub("", raw).strip()
        elif quoted:
            flush()
            start = line_no
        elif not buf:
            start = line_no
        buf.append(s)
    flush()
    return out


def parse_note(text: str, where: str, stem: str) -> tuple[list[dict], list[str]]:
    """Return (rows in NOTE_COLUMNS, notes) for one note's text; refuses an empty or oversized note naming `where`."""
    if len(text) > MAX_NOTE_CHARS:
        raise SniffError(f"{where}: the note is {len(text):,} characters, more than the {MAX_NOTE_CHARS:,} Pillars takes "
                         "for one interview (about seven hours of transcript); split it into one file per interview, "
                         "or import the highlights instead of the whole transcript")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fields, body_at, notes = _front_matter(lines, where)
    found = passages(lines[body_at:], body_at + 1)
    if not found:
        what = "has no text after its front matter" if body_at else "has no text"
        raise SniffError(f"{where}: the note {what} (at least one sentence of {MIN_PASSAGE_WORDS} or more words); "
                         "write the interview notes below the front matter, or leave the file out")
    interview = fields.get("interview") or stem
    rows = [{"note_file": where, "interview": interview, "participant": fields.get("participant", ""),
             "segment": fields.get("segment", ""), "date": fields.get("date", ""),
             "interviewer": fields.get("interviewer", ""), "line": line, "highlight": passage, "tag": tag or ""}
            for line, passage, tag in found]
    return rows, notes


def _members(path: Path, name: str) -> list[tuple[str, bytes]]:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SniffError(f"{name}: this ZIP file cannot be read ({exc}); zip the notes again and retry") from None
    with zf:
        infos = [i for i in zf.infolist() if not _skipped_member(i.filename)]
        notes = [i for i in infos if is_note_name(i.filename)]
        others = [i.filename for i in infos if not is_note_name(i.filename)]
        if not notes:
            raise SniffError(f"{name}: the ZIP holds no interview notes (.md, .markdown or .txt files); "
                             "zip the note files themselves and retry")
        if len(notes) > MAX_ZIP_FILES:
            raise SniffError(f"{name}: the ZIP holds {len(notes):,} notes, more than the {MAX_ZIP_FILES} Pillars imports "
                             "at once; split it into smaller ZIPs")
        total = sum(i.file_size for i in notes)
        if total > MAX_ZIP_BYTES:
            raise SniffError(f"{name}: the notes in the ZIP unpack to {total / (1 << 20):,.0f} MB, more than "
                             f"{MAX_ZIP_BYTES >> 20} MB; split it into smaller ZIPs")
        if others:
            shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
            raise SniffError(f"{name}: the ZIP also holds files that are not notes ({shown}); Pillars imports a ZIP "
                             "of .md or .txt notes only, so nothing was imported. Remove those files and retry")
        out = []
        for info in sorted(notes, key=lambda i: i.filename):
            try:
                out.append((info.filename, zf.read(info)))
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                raise SniffError(f"{name}: {info.filename} cannot be unpacked ({exc}); zip the notes again") from None
        return out


def notes_to_csv(path: Path, display_name: str, is_zip: bool = False) -> FileInfo:
    """Return FileInfo for one note or a ZIP of notes as highlight rows in a temp CSV; SniffError names file and line."""
    name = display_name
    files: list[tuple[str, str, str]] = []   # (where, text, stem)
    if is_zip:
        for member, data in _members(path, name):
            files.append((f"{name}: {member}", _decode(data), PurePosixPath(member).stem))
    else:
        data = path.read_bytes()
        if len(data) > MAX_NOTE_CHARS * 4:
            raise SniffError(f"{name}: the note is {len(data) / (1 << 20):,.1f} MB, more than Pillars takes for one "
                             "interview; split it into one file per interview, or import the highlights instead")
        files.append((name, _decode(data), Path(name).stem))
    rows: list[dict] = []
    notes: list[str] = []
    interviews = 0
    for where, text, stem in files:
        got, extra = parse_note(text, where, stem)
        # inside a ZIP the note's own name is the file column; a single note is the file itself
        for r in got:
            r["note_file"] = where.split(": ", 1)[1] if is_zip else name
        rows.extend(got)
        notes.extend(extra)
        interviews += 1
    fd, tmp = tempfile.mkstemp(prefix="pillars-notes-", suffix=".csv")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(NOTE_COLUMNS)
        for r in rows:
            w.writerow([r[c] for c in NOTE_COLUMNS])
    sha256, size = file_sha256(path)
    info = FileInfo(path=Path(tmp), original=path, display_name=name, container="notes", encoding="utf-8",
                    delimiter=",", header=list(NOTE_COLUMNS), sha256=sha256, size=size, temp_files=[Path(tmp)])
    info.notes.append(f"{interviews} interview note{'s' if interviews != 1 else ''}: {len(rows):,} passages "
                      "(row 2 = the first passage)")
    info.notes.extend(notes)
    return info
