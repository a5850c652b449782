"""Interview evidence (issue 19): highlights from a research repository or a spreadsheet, and interview notes.

Two shapes land in `interview_highlights`:

- **highlights**: one row per highlight, as research repositories (Dovetail-style exports: Highlight,
  Tags, Note, Participant, Created at, Created by) or a hand-made spreadsheet hold them. Only the
  highlight text is required; the interview is the note/session column, else the participant, else
  the file.
- **notes**: Markdown / plain-text notes (one file per interview, or a ZIP of them) are turned into
  the same rows by `interview_notes.notes_to_csv`, one row per passage; its `note_file` column is the
  tell-tale that picks this format.

The tag vocabulary is declared here once: the notes reader (line prefixes such as 'Pain:'), the
highlight import (a Tags cell) and the discovery area (editors' tag choices) all read it.
"""
from __future__ import annotations

from .base import Field, Format

# tag -> label, in the order editors see them
TAGS: dict[str, str] = {
    "pain_point": "Pain point",
    "job": "Job to be done",
    "motivation": "Motivation",
    "workaround": "Workaround",
    "quote": "Quote",
}
# words that mark a tag in a file's Tags cell or at the start of a note's line (lower case, matched
# as a prefix of the normalised text: 'pain points', 'jtbd - booking' ...)
TAG_WORDS: dict[str, tuple[str, ...]] = {
    "pain_point": ("pain point", "pain-point", "painpoint", "pain", "frustration"),
    "job": ("job to be done", "jobs to be done", "job-to-be-done", "jtbd", "job"),
    "motivation": ("motivation", "motivator", "desire"),
    "workaround": ("workaround", "work-around", "hack"),
    "quote": ("quote", "verbatim"),
}

_COMMON = (
    Field("tag", "text", False, ("tags", "tag", "highlight_tags", "type", "highlight_type", "category", "label",
                                 "labels", "code", "codes"),
          help="pain point, job to be done, motivation, workaround or quote (other tags are kept as written)"),
    Field("interview", "text", False, ("interview", "note", "note_title", "note_name", "session", "session_name",
                                       "document", "transcript", "interview_title", "title"),
          help="which interview or note the highlight comes from"),
    Field("participant", "text", False, ("participant", "participant_name", "participants", "interviewee",
                                         "customer", "respondent", "person", "speaker")),
    Field("segment", "text", False, ("segment", "customer_segment", "user_segment", "persona", "cohort")),
    Field("interviewed_on", "date", False, ("interview_date", "session_date", "interviewed_on", "date", "created_at",
                                            "created", "created_date")),
    Field("interviewer", "text", False, ("interviewer", "researcher", "moderator", "created_by", "author")),
)

HIGHLIGHTS = Format(
    kind="interviews", source="highlights", label="Interview highlights (highlight text, tags, interview, participant)",
    fields=(
        Field("text", "text", True, ("highlight", "highlight_text", "highlight_content", "quote", "excerpt",
                                     "snippet", "observation", "insight_text", "verbatim", "text"),
              help="the highlighted passage"),
        *_COMMON,
    ),
    # a bare 'text' column is common in other exports: a highlights file also names where it came from
    need_any=(("tag", "interview", "participant"),),
)

NOTES = Format(
    kind="interviews", source="notes", label="Interview notes (Markdown / text, one file per interview)",
    fields=(
        Field("text", "text", True, ("highlight",), help="one passage of the note"),
        *_COMMON,
        Field("note_file", "text", True, ("note_file",), help="the note file the passage comes from"),
        Field("line", "number", False, ("line",), help="the passage's first line in its note"),
    ),
    signature=(("note_file", "highlight"),),
)

FORMATS: tuple[Format, ...] = (NOTES, HIGHLIGHTS)


def _part_tag(part: str) -> str | None:
    for tag, words in TAG_WORDS.items():
        for w in words:
            if part == w or part == w + "s" or part.startswith(w + " ") or part.startswith(w + "s "):
                return tag
    return None


def tag_of(text: str | None) -> str | None:
    """Return the first tag a Tags cell or line prefix names ('Pricing, Pain points' -> 'pain_point'); None when none.

    The cell is split on commas and semicolons; a part names a tag when it is one of TAG_WORDS (or its
    plural) or starts with one followed by a space ('pain point - checkout'). Tags.sql_case mirrors this.
    """
    if not text:
        return None
    for raw in str(text).replace(";", ",").split(","):
        part = " ".join(raw.strip().lower().replace("_", " ").split())
        found = _part_tag(part) if part else None
        if found:
            return found
    return None
