"""Evidence per opportunity (pure maths over plain rows): how many interviews and highlights back it,
from which segments, its strongest quotes, and what was attached but has since been removed.
"""
from __future__ import annotations

from collections import Counter

# How a highlight ranks as a quote to show: a verbatim quote first, then a pain point, then the rest;
# among equals the shorter one (a line a stakeholder reads at a glance), then the oldest.
TAG_WEIGHT = {"quote": 0, "pain_point": 1, "job": 2, "workaround": 3, "motivation": 4}
STRONGEST = 3


def interview_key(h: dict) -> str:
    """Return the key an interview is counted by: its name, case-folded and trimmed ('Interview 3' = 'interview 3 ')."""
    return " ".join(str(h.get("interview") or "").split()).casefold()


def strongest(highlights: list[dict], n: int = STRONGEST) -> list[dict]:
    """Return the n highlights to quote first (quote > pain point > other tags > untagged; shorter, then older, first)."""
    return sorted(highlights, key=lambda h: (TAG_WEIGHT.get(h.get("tag") or "", 9), len(str(h["text"]).split()),
                                             int(h["id"])))[:n]


def evidence_for(attached: list[dict], highlights_by_id: dict[int, dict]) -> dict:
    """Return {highlights, interviews, segments [(segment, highlights)], tags {tag: n}, quotes, removed [texts]}.

    `attached` are the evidence rows of one opportunity (highlight_id, highlight_text); an attachment whose
    highlight is no longer in the workspace (its import was deleted) counts nowhere and is listed in
    `removed` by the text it had. Highlights without a segment are counted under 'no segment'.
    """
    present = [highlights_by_id[int(a["highlight_id"])] for a in attached if int(a["highlight_id"]) in highlights_by_id]
    removed = [a.get("highlight_text") or f"highlight {a['highlight_id']}" for a in attached
               if int(a["highlight_id"]) not in highlights_by_id]
    segments = Counter((h.get("segment") or "no segment") for h in present)
    return {
        "highlights": len(present),
        "interviews": len({interview_key(h) for h in present}),
        "segments": sorted(segments.items(), key=lambda kv: (-kv[1], kv[0])),
        "tags": dict(Counter(h.get("tag") for h in present if h.get("tag"))),
        "quotes": [{"id": int(h["id"]), "text": h["text"], "interview": h.get("interview"), "tag": h.get("tag"),
                    "segment": h.get("segment")} for h in strongest(present)],
        "removed": removed,
    }


def interview_summary(highlights: list[dict]) -> list[dict]:
    """Return one row per interview: interview, participant, segment, date, highlights, tagged (sorted by date, name)."""
    groups: dict[str, list[dict]] = {}
    for h in highlights:
        groups.setdefault(interview_key(h), []).append(h)
    rows = []
    for hs in groups.values():
        first = hs[0]
        rows.append({"interview": first.get("interview"), "participant": next((h["participant"] for h in hs if h.get("participant")), None),
                     "segment": next((h["segment"] for h in hs if h.get("segment")), None),
                     "date": next((h["interviewed_on"] for h in hs if h.get("interviewed_on")), None),
                     "highlights": len(hs), "tagged": sum(1 for h in hs if h.get("tag"))})
    return sorted(rows, key=lambda r: (str(r["date"] or ""), str(r["interview"]).casefold()))
