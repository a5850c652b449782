"""Discovery's shapes and vocabularies: highlight tags, the four kinds of tree node and what each links
to, the node form (validated once, here), the JTBD interview guide, and DiscoveryError.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError
from ..formats.interviews import TAGS  # the one tag vocabulary (the importer reads it too)
from ..text import LONG_MAX, clean_text

__all__ = ["TAGS"]

# The opportunity solution tree (Teresa Torres): a desired outcome, the opportunities (needs, pains,
# desires heard in interviews) that would move it, solutions to an opportunity, and the assumption
# tests that de-risk a solution.
NODE_KINDS: dict[str, str] = {
    "outcome": "Outcome",
    "opportunity": "Opportunity",
    "solution": "Solution",
    "test": "Assumption test",
}
# kind -> the kinds its children may be (an opportunity may be broken into smaller opportunities)
CHILD_KINDS: dict[str, tuple[str, ...]] = {
    "outcome": ("opportunity",),
    "opportunity": ("opportunity", "solution"),
    "solution": ("test",),
    "test": (),
}
# kind -> the link kinds it takes: an outcome a key result or a KPI, a solution a roadmap initiative,
# an assumption test an experiment
LINK_KINDS: dict[str, tuple[str, ...]] = {
    "outcome": ("kr", "kpi"),
    "opportunity": (),
    "solution": ("initiative",),
    "test": ("experiment",),
}
LINK_LABELS: dict[str, str] = {"kr": "Key result", "kpi": "KPI", "initiative": "Roadmap initiative",
                               "experiment": "Experiment"}
TITLE_MAX = 200

# The guide template for a JTBD interview (the 'switch' interview): what the person was doing, what
# pushed them, what pulled them, what held them back. Offered on the page and by the CLI; generic,
# so it lives in code rather than in sample_data.
JTBD_QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Set the scene", (
        "Tell me about the last time you <did the job>. When was it, and where were you?",
        "What were you trying to get done? What would 'done well' have looked like?",
    )),
    ("First thought (the push)", (
        "When did you first realise you needed something different? What happened that day?",
        "What were you using before? What was not working about it?",
    )),
    ("Looking around (the pull)", (
        "What did you look at or try? How did you hear about it?",
        "What made one option look better than the others?",
    )),
    ("Anxieties and habits", (
        "What almost stopped you from switching? What were you worried about?",
        "What did you keep doing the old way, and why?",
    )),
    ("Deciding and using", (
        "What was the moment you decided? Who else was involved?",
        "The first time you used it, what happened? What surprised you?",
    )),
    ("Workarounds", (
        "What do you do today to get around what does not work? Show me, if you can.",
        "How much time or money does that cost you each week?",
    )),
)


class DiscoveryError(InputError):
    """Discovery input a person can fix (a node title, a link, a tag); the message names the field."""


@dataclass(frozen=True)
class NodeIn:
    """A tree node as an editor submits it: title, notes, and the link its kind takes (both None = no link)."""

    title: str
    notes: str = ""
    link_kind: str | None = None
    link_target: str | None = None


@dataclass
class TreeNode:
    """One node of the tree as pages, exports and the CLI read it, with its evidence, link state and gaps."""

    id: str
    kind: str
    title: str
    parent_id: str | None
    notes: str = ""
    link_kind: str | None = None
    link_target: str | None = None
    link_label: str | None = None
    link_state: str = "none"          # none | ok | missing (the KR/initiative/experiment is gone or archived)
    link_text: str = ""               # the link in words, with its live value, status or verdict
    evidence: dict = field(default_factory=dict)   # opportunities: interviews, segments, highlights, quotes, removed
    gaps: list[str] = field(default_factory=list)  # what is missing, in words
    children: list["TreeNode"] = field(default_factory=list)
    depth: int = 0


def parse_node(kind: str, data: NodeIn | dict) -> NodeIn:
    """Return a checked NodeIn for a node of `kind`; DiscoveryError names the field (title empty or long, a link
    kind the node does not take, a link kind without a target)."""
    if kind not in NODE_KINDS:
        raise DiscoveryError({"kind": f"'{kind}' is not a tree node; use one of {', '.join(NODE_KINDS)}"})
    d = data if isinstance(data, dict) else data.__dict__
    errors: dict[str, str] = {}
    try:
        title = clean_text(d.get("title"), "title", max_len=TITLE_MAX, required=True)
    except ValueError as exc:
        errors["title"], title = str(exc), ""
    try:
        notes = clean_text(d.get("notes"), "notes", max_len=LONG_MAX)
    except ValueError as exc:
        errors["notes"], notes = str(exc), ""
    link_kind = (d.get("link_kind") or None)
    link_target = (str(d.get("link_target")).strip() or None) if d.get("link_target") is not None else None
    if link_kind is not None and link_kind not in LINK_KINDS[kind]:
        allowed = ", ".join(LINK_LABELS[k].lower() for k in LINK_KINDS[kind]) or "nothing"
        errors["link_kind"] = f"{with_article(NODE_KINDS[kind].lower())} links to {allowed}"
    elif link_kind is not None and not link_target:
        errors["link_target"] = f"choose the {LINK_LABELS[link_kind].lower()} to link"
    elif link_kind is None and link_target:
        errors["link_kind"] = "say what the link is (key result, KPI, initiative or experiment)"
    if errors:
        raise DiscoveryError(errors)
    return NodeIn(title=title, notes=notes, link_kind=link_kind, link_target=link_target)


def with_article(words: str) -> str:
    """Return words with 'a' or 'an' before them by their first letter ('an opportunity', 'a solution')."""
    return f"{'an' if words[:1].lower() in 'aeiou' else 'a'} {words}"


def jtbd_guide_markdown() -> str:
    """Return the JTBD interview guide as Markdown (sections with numbered questions), ready to print or copy."""
    lines = ["# Jobs-to-be-done interview guide", "",
             "Ask about one real, recent moment. Let silences run; ask 'what happened next?' rather than 'would you?'.", ""]
    n = 0
    for section, questions in JTBD_QUESTIONS:
        lines += [f"## {section}", ""]
        for q in questions:
            n += 1
            lines.append(f"{n}. {q}")
        lines.append("")
    lines += ["## After the interview", "",
              "Write the note with front matter (participant, segment, date, interviewer), one paragraph or bullet "
              "per observation, and prefix what you heard: 'Pain:', 'JTBD:', 'Motivation:', 'Workaround:'; quote "
              "verbatim lines with '>'. Then import the note on the Data page.", ""]
    return "\n".join(lines)
