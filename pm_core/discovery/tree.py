"""The opportunity solution tree as a structure (pure: no store): nodes nested under their parents, the
gaps flagged on each, the flat list view, the DOT text for `st.graphviz_chart`, and a laid-out
Vega-Lite picture for the briefing exports (PPTX, HTML, PNG render it like any chart).
"""
from __future__ import annotations

import textwrap

from .evidence import evidence_for
from .models import LINK_LABELS, NODE_KINDS, TreeNode

# kind -> (fill, border) colours, the Pillars palette
COLOURS = {"outcome": ("#1f4e79", "#1f4e79"), "opportunity": ("#e8f1fb", "#4a86c5"),
           "solution": ("#eef7ee", "#4c9a52"), "test": ("#fff6e5", "#c98a1b")}
GAP_BORDER = "#c0392b"
WRAP = 28            # characters per label line: a 30-node tree stays legible at the page's width
MAX_LABEL_LINES = 3
COLUMN_PX = 250      # one tree level in the export picture; labels are cut at LABEL_PX
# The page fits the picture to its column (~780 px at 1280x800): four levels leave ~195 px each, so a label
# (12 px after its box) stays under 175 px and a title wraps onto two lines instead of running into the next level.
LABEL_PX = 175
TITLE_CHARS = 30     # per line of a node's title (11 px type: ~165 px)
LEAF_PX = 56         # room for a two-line title above its box and the evidence line below it
EDGE_START = 0.92    # where an edge leaves its parent, in columns (past the longest label)


def build_tree(nodes: list[dict], evidence: list[dict], highlights_by_id: dict[int, dict],
               links: dict[str, tuple[str, str]]) -> list[TreeNode]:
    """Return the outcomes (roots) with their subtrees, evidence, link state and gaps filled in.

    `links` maps node id -> (state, words) for nodes with a link ('ok' or 'missing'). A node whose
    parent no longer exists is shown as a root (it cannot be lost). Children keep their stored order.
    """
    by_id = {n["id"]: TreeNode(id=n["id"], kind=n["kind"], title=n["title"], parent_id=n.get("parent_id"),
                               notes=n.get("notes") or "", link_kind=n.get("link_kind"),
                               link_target=n.get("link_target"), link_label=n.get("link_label"))
             for n in nodes}
    attached: dict[str, list[dict]] = {}
    for e in evidence:
        attached.setdefault(e["opportunity_id"], []).append(e)
    roots: list[TreeNode] = []
    for n in nodes:
        node = by_id[n["id"]]
        parent = by_id.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(node)
    for node in by_id.values():
        if node.link_kind:
            node.link_state, node.link_text = links.get(node.id, ("missing", f"{node.link_label or node.link_target} (no longer exists)"))
        if node.kind == "opportunity":
            node.evidence = evidence_for(attached.get(node.id, []), highlights_by_id)
    for r in roots:
        _depth(r, 0)
        _gaps(r)
    return roots


def _depth(node: TreeNode, d: int) -> None:
    node.depth = d
    for c in node.children:
        _depth(c, d + 1)


def _gaps(node: TreeNode) -> None:
    g: list[str] = []
    if node.kind == "outcome" and not node.link_kind:
        g.append("no key result or KPI linked")
    if node.kind == "opportunity":
        ev = node.evidence
        if not ev.get("highlights"):
            g.append("no interview evidence")
        if ev.get("removed"):
            k = len(ev["removed"])
            g.append(f"{k} attached highlight{'s' if k != 1 else ''} removed with {'their' if k != 1 else 'its'} import")
    if node.kind == "solution" and not any(c.kind == "test" for c in node.children):
        g.append("no assumption test")
    if node.kind == "test" and not node.link_kind:
        g.append("no experiment linked")
    if node.link_kind and node.link_state == "missing":
        g.append(f"linked {LINK_LABELS[node.link_kind].lower()} '{node.link_label or node.link_target}' no longer exists"
                 " (deleted or archived); link another or remove the link")
    node.gaps = g
    for c in node.children:
        _gaps(c)


def flatten(roots: list[TreeNode]) -> list[TreeNode]:
    """Return every node depth-first (a parent before its children), the order of the list view."""
    out: list[TreeNode] = []

    def walk(n: TreeNode) -> None:
        out.append(n)
        for c in n.children:
            walk(c)
    for r in roots:
        walk(r)
    return out


def gap_list(roots: list[TreeNode]) -> list[dict]:
    """Return [{id, kind, title, gap}] for every gap in the tree, in list-view order."""
    return [{"id": n.id, "kind": n.kind, "title": n.title, "gap": g} for n in flatten(roots) for g in n.gaps]


def detail_line(n: TreeNode) -> str:
    """Return the one line under a node's title: evidence for an opportunity, the link for the others."""
    if n.kind == "opportunity":
        ev = n.evidence
        k, h = ev.get("interviews", 0), ev.get("highlights", 0)
        return f"{k} interview{'s' if k != 1 else ''}, {h} highlight{'s' if h != 1 else ''}"
    return n.link_text or ""


# -- DOT (st.graphviz_chart renders it in the browser; no Graphviz binary on the server) --------------
def dot_string(text: str) -> str:
    """Return text as a DOT double-quoted string: backslashes and quotes escaped, line breaks as \\n, controls dropped."""
    clean = "".join(ch if ch >= " " or ch == "\n" else " " for ch in str(text))
    clean = clean.replace("\\", "\\\\").replace('"', '\\"')
    # a DOT escString also reads \N, \G, \l ... after a backslash: every backslash is doubled above, and
    # braces, angle brackets and pipes only matter in record shapes, which are not used
    return '"' + clean.replace("\n", "\\n") + '"'


def _label(n: TreeNode) -> str:
    lines = textwrap.wrap(n.title, WRAP)[:MAX_LABEL_LINES] or [""]
    if len(textwrap.wrap(n.title, WRAP)) > MAX_LABEL_LINES:
        lines[-1] = lines[-1][: WRAP - 1] + "…"
    head = NODE_KINDS[n.kind].upper()
    detail = detail_line(n)
    parts = [head, *lines]
    if detail:
        parts.extend(textwrap.wrap(textwrap.shorten(detail, 2 * (WRAP + 8), placeholder="…"), WRAP + 8))
    if n.gaps:
        parts.append("⚠ " + textwrap.shorten(n.gaps[0], WRAP + 8, placeholder="…"))
    return "\n".join(parts)


def to_dot(roots: list[TreeNode], selected: str | None = None) -> str:
    """Return the tree as DOT (left to right: depth is at most a few levels, breadth grows with interviews).

    Gaps draw a red dashed border; the selected node a thick one. Node ids are internal ids, quoted.
    """
    out = ["digraph OST {", '  rankdir=LR; nodesep=0.25; ranksep=0.6; bgcolor="transparent";',
           '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, margin="0.15,0.08"];',
           '  edge [color="#8a94a6", arrowsize=0.6];']
    for n in flatten(roots):
        fill, border = COLOURS[n.kind]
        font = "white" if n.kind == "outcome" else "#1b1f24"
        style = '"rounded,filled,dashed"' if n.gaps else '"rounded,filled"'
        width = 3 if n.id == selected else (2 if n.gaps else 1)
        tip = n.title + (" — " + "; ".join(n.gaps) if n.gaps else "")
        out.append(f"  {dot_string(n.id)} [label={dot_string(_label(n))}, fillcolor={dot_string(fill)}, "
                   f"color={dot_string(GAP_BORDER if n.gaps else border)}, fontcolor={dot_string(font)}, style={style}, "
                   f"penwidth={width}, tooltip={dot_string(tip)}];")
    for n in flatten(roots):
        for c in n.children:
            out.append(f"  {dot_string(n.id)} -> {dot_string(c.id)};")
    out.append("}")
    return "\n".join(out)


# -- a picture for the exports (a Vega-Lite spec: every briefing renderer already draws one) -----------
def _title_lines(title: str) -> list[str]:
    """Return a node's title as at most two lines of TITLE_CHARS (the second shortened with '…' when it runs on)."""
    lines = textwrap.wrap(title, TITLE_CHARS) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), TITLE_CHARS, placeholder="…")]
    return lines


def layout(roots: list[TreeNode]) -> list[dict]:
    """Return one row per node with x (depth), y (leaf order; a parent centred on its children) and parent's y."""
    rows: list[dict] = []
    counter = [0]

    def place(n: TreeNode) -> float:
        if not n.children:
            y = float(counter[0])
            counter[0] += 1
        else:
            ys = [place(c) for c in n.children]
            y = sum(ys) / len(ys)
        rows.append({"id": n.id, "kind": n.kind, "x": n.depth, "y": y, "node": NODE_KINDS[n.kind],
                     "title": _title_lines(n.title), "full_title": n.title, "detail": detail_line(n),
                     "gap": "; ".join(n.gaps), "has_gap": bool(n.gaps),
                     })
        return y

    for r in roots:
        place(r)
    y_of = {r["id"]: r["y"] for r in rows}
    x_of = {r["id"]: r["x"] for r in rows}
    for n in flatten(roots):
        for c in n.children:
            # from the end of the parent's label (EDGE_START of a column) to the child's box, so no line crosses text
            rows.append({"edge": True, "x": x_of[n.id] + EDGE_START, "y": y_of[n.id], "x2": x_of[c.id], "y2": y_of[c.id]})
    return rows


def vega_spec(roots: list[TreeNode], title: str = "Opportunity solution tree") -> dict:
    """Return a Vega-Lite spec drawing the tree left to right (boxes coloured by kind, gaps in red), sized to its nodes."""
    rows = layout(roots)
    nodes = [r for r in rows if not r.get("edge")]
    edges = [r for r in rows if r.get("edge")]
    leaves = max(1, int(max((r["y"] for r in nodes), default=0)) + 1)
    depth = max((r["x"] for r in nodes), default=0) + 1
    colour = {"field": "node", "type": "nominal", "title": "Node",
              "scale": {"domain": list(NODE_KINDS.values()), "range": [c[1] for c in COLOURS.values()]}}
    x = {"field": "x", "type": "quantitative", "axis": None, "scale": {"domain": [-0.05, depth - 0.05]}}
    y = {"field": "y", "type": "quantitative", "axis": None, "scale": {"domain": [leaves - 0.5, -0.5]}}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": title, "anchor": "start"},
        "width": COLUMN_PX * depth, "height": max(120, LEAF_PX * leaves),
        "config": {"view": {"stroke": None}},
        "layer": [
            {"data": {"values": edges}, "mark": {"type": "rule", "color": "#8a94a6"},
             "encoding": {"x": {**x}, "y": {**y}, "x2": {"field": "x2"}, "y2": {"field": "y2"}}},
            {"data": {"values": nodes}, "mark": {"type": "point", "shape": "square", "size": 260, "filled": True,
                                                 "opacity": 1},
             "encoding": {"x": x, "y": y, "color": {**colour, "legend": {"orient": "bottom", "direction": "horizontal"}},
                          "stroke": {"condition": {"test": "datum.has_gap", "value": GAP_BORDER}, "value": "white"},
                          "strokeWidth": {"condition": {"test": "datum.has_gap", "value": 2}, "value": 0},
                          "tooltip": [{"field": "node", "title": "Node"}, {"field": "full_title", "title": "Title"},
                                      {"field": "detail", "title": "Evidence / link"}, {"field": "gap", "title": "Gap"}]}},
            {"data": {"values": nodes}, "mark": {"type": "text", "align": "left", "dx": 12, "dy": -14, "fontSize": 11,
                                                 "baseline": "top", "lineHeight": 13, "limit": LABEL_PX},
             "encoding": {"x": x, "y": y, "text": {"field": "title"}}},
            {"data": {"values": nodes}, "mark": {"type": "text", "align": "left", "dx": 12, "dy": 13, "fontSize": 9,
                                                 "baseline": "top",
                                                 "color": "#5f6b7a", "limit": LABEL_PX},
             "encoding": {"x": x, "y": y, "text": {"field": "detail"},
                          "color": {"condition": {"test": "datum.has_gap", "value": GAP_BORDER}, "value": "#5f6b7a"}}},
        ],
    }
