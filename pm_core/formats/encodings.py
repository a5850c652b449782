"""Text encodings of files that are not UTF-8: detected with charset-normalizer, chosen by the user, decoded to UTF-8.

Only files that fail the UTF-8 check get here. The detector looks at a sample (the first MB), which
is enough to tell Polish cp1250 from Western cp1252 or Shift-JIS from both; the whole file is then
decoded with the chosen codec, and characters that do not exist in it are counted (and shown as
U+FFFD) so the preview can warn instead of importing garbled names silently.
"""
from __future__ import annotations

import codecs
import gzip
import os
import re
import tempfile
from pathlib import Path

from .files import CHUNK

SAMPLE_BYTES = 1 << 20
# the encodings the Data page offers (codec name, words); anything Python knows is accepted from the CLI
ENCODINGS: tuple[tuple[str, str], ...] = (
    ("utf-8", "UTF-8 (Unicode)"),
    ("utf-16", "UTF-16 (Unicode, Excel 'Unicode text')"),
    ("cp1252", "Windows-1252 (Western European)"),
    ("cp1250", "Windows-1250 (Central European: Polish, Czech, Hungarian...)"),
    ("cp1251", "Windows-1251 (Cyrillic)"),
    ("cp1253", "Windows-1253 (Greek)"),
    ("cp1254", "Windows-1254 (Turkish)"),
    ("iso-8859-1", "ISO-8859-1 (Latin-1)"),
    ("iso-8859-2", "ISO-8859-2 (Latin-2)"),
    ("iso-8859-15", "ISO-8859-15 (Latin-9)"),
    ("mac-roman", "Mac Roman"),
    ("shift_jis", "Shift-JIS (Japanese)"),
    ("cp932", "Windows-31J (Japanese, Windows)"),
    ("euc-jp", "EUC-JP (Japanese)"),
    ("gb18030", "GB18030 (Simplified Chinese)"),
    ("big5", "Big5 (Traditional Chinese)"),
    ("euc-kr", "EUC-KR (Korean)"),
    ("koi8-r", "KOI8-R (Russian)"),
)
ENCODING_LABELS: dict[str, str] = dict(ENCODINGS)


def canonical(name: str) -> str:
    """Return the codec name Pillars uses for an encoding name ('UTF8' -> 'utf-8', 'sjis' -> 'shift_jis').

    Raises ValueError in words for a name Python does not know.
    """
    try:
        codec = codecs.lookup(name.strip()).name
    except LookupError:
        raise ValueError(f"unknown encoding {name!r}; for example: "
                         + ", ".join(e for e, _ in ENCODINGS[:8])) from None
    for known, _ in ENCODINGS:
        if codecs.lookup(known).name == codec:
            return known
    return codec


def _open(path: Path, container: str):
    return gzip.open(path, "rb") if container == "gzip" else path.open("rb")


def detect_legacy(path: Path, container: str) -> str | None:
    """Return the most likely non-UTF-8 encoding of a file's first MB, or None when it reads as UTF-8 / ASCII.

    charset-normalizer decides between the legacy code pages; when it has no answer the file is
    taken as Windows-1252, the most common one for spreadsheets saved on Windows.
    """
    from charset_normalizer import from_bytes

    sample = b""
    with _open(path, container) as fh:
        # the sample starts shortly before the first non-ASCII byte: an ASCII head says nothing
        while chunk := fh.read(CHUNK):
            at = next((i for i, b in enumerate(chunk) if b >= 0x80), None) if not chunk.isascii() else None
            if at is not None:
                start = max(0, at - 4096)
                sample = chunk[start:] + fh.read(max(0, SAMPLE_BYTES - (len(chunk) - start)))
                break
    if not sample:
        return None
    results = list(from_bytes(sample[:SAMPLE_BYTES]))
    if not results:
        return "cp1252"
    # short samples leave several code pages equally 'clean' to the detector ('Wroc³aw' in cp1252 versus
    # 'Wrocław' in cp1250): among the close candidates, the one whose words read as words wins
    close = [r for r in results if r.chaos <= results[0].chaos + 0.2]
    best = min(close, key=lambda r: (_oddities(str(r)), close.index(r)))
    enc = canonical(best.encoding)
    if enc in ("utf-8", "ascii"):
        return None
    # 'José' reads the same in cp1250 and cp1252: when the text does not tell them apart, the common one wins
    try:
        if sample.decode("cp1252", errors="strict") == sample.decode(enc, errors="strict"):
            return "cp1252"
    except (UnicodeDecodeError, LookupError):
        pass
    return enc


def _oddities(text: str) -> int:
    """Return how many characters look misdecoded: a non-ASCII symbol between letters ('Wroc³aw') or starting a
    word ('—анкт'), or a non-ASCII capital right after a small letter ('£ódŸ')."""
    n = 0
    for a, b, c in zip(text, text[1:], text[2:]):
        if ord(b) > 127 and a.isalpha() and c.isalpha() and not b.isalpha():
            n += 1
        elif ord(b) > 127 and b.isupper() and a.islower():
            n += 1
        elif ord(b) > 127 and not b.isalpha() and not a.isalpha() and c.isalpha():  # '—анкт' for 'Санкт'
            n += 1
    return n


_VALID = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def mostly_utf8(path: Path, container: str) -> bool:
    """Return True when a file that fails UTF-8 still holds at least as many valid UTF-8 characters as bad bytes.

    Such a file is UTF-8 with a damaged row (refused with that row); Shift-JIS or cp1250 text has
    hardly any sequences that happen to be valid UTF-8, so it goes to detection instead.
    """
    valid = bad = 0
    with _open(path, container) as fh:
        tail = b""
        while chunk := fh.read(CHUNK):
            data = tail + chunk
            cut = len(data) - 3 if len(chunk) == CHUNK else len(data)
            part, tail = data[:cut], data[cut:]
            valid += len(_VALID.findall(part))
            bad += part.decode("utf-8", errors="replace").count("\ufffd")
    return valid > 0 and valid >= bad


def transcode(src: Path, container: str, encoding: str) -> tuple[Path, int]:
    """Write a UTF-8 copy of src decoded as `encoding`; return it and the count of bytes that did not decode."""
    fd, tmp = tempfile.mkstemp(prefix="pillars-utf8-", suffix=".csv")
    dec = codecs.getincrementaldecoder(encoding)(errors="replace")
    bad = 0
    with os.fdopen(fd, "wb") as out, _open(src, container) as fh:
        first = True
        while chunk := fh.read(CHUNK):
            text = dec.decode(chunk)
            if first:
                text = text.lstrip("\ufeff")
                first = False
            bad += text.count("\ufffd")
            out.write(text.encode("utf-8"))
        tail = dec.decode(b"", final=True)
        bad += tail.count("\ufffd")
        out.write(tail.encode("utf-8"))
    return Path(tmp), bad


def label(encoding: str) -> str:
    """Return an encoding in words for the preview ('cp1250' -> 'Windows-1250 (Central European...)')."""
    return ENCODING_LABELS.get(encoding, encoding)
