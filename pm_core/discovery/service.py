"""Discovery: interview evidence, theme suggestions and the opportunity solution tree. Pages and the
CLI call these functions; SQL is in pm_core.store.discovery_store. Every write refuses viewers and
records an audit row in its own transaction.

Neighbours are read through their public functions: key results (pm_core.roadmap.kr_choices, the
catalogue the roadmap links to), KPIs (kpi_defs), initiatives (the roadmap's store: the roadmap does
not read discovery, but reading its service here would compute every score to learn a title) and
experiments (pm_core.experiments, whose verdict the tree shows on each assumption test).
"""
from __future__ import annotations

from typing import Any

from .. import audit, experiments
from ..auth import Actor, require_editor
from ..formatting import human_name
from ..kpi_defs import KPI_BY_KEY
from ..store import Store, new_id
from ..store import discovery_store as ds
from ..store import roadmap_store
from ..store.areas import reads
from . import tree as tree_mod
from .evidence import evidence_for, interview_summary
from .models import CHILD_KINDS, LINK_LABELS, NODE_KINDS, TAGS, DiscoveryError, NodeIn, TreeNode, parse_node, with_article
from .themes import suggest_themes


# -- reads -----------------------------------------------------------------------------------------
def list_highlights(store: Store) -> list[dict]:
    """Return every interview highlight (id, interview, participant, segment, interviewed_on, text, tag, file_name...)."""
    return [dict(h) for h in store.memo("discovery_highlights", lambda: ds.read_highlights(store), ("discovery", "imports"))]


def has_evidence(store: Store) -> bool:
    """Return True once any interview evidence has been imported (the page's empty state decides on it)."""
    return ds.count_highlights(store) > 0


def interviews(store: Store) -> list[dict]:
    """Return one row per interview (interview, participant, segment, date, highlights, tagged), oldest first."""
    return interview_summary(list_highlights(store))


def themes(store: Store, untagged_only: bool = False) -> list[dict]:
    """Return theme suggestions over the highlights (all, or the untagged ones); never writes anything."""
    hs = [h for h in list_highlights(store) if not untagged_only or not h.get("tag")]
    return store.memo(("discovery_themes", untagged_only), lambda: suggest_themes(hs), ("discovery", "imports"))


def link_choices(store: Store) -> dict[str, list[tuple[str, str]]]:
    """Return {link kind: [(target, label)]}: active key results, KPIs, active initiatives, imported experiments."""
    krs = [(k["id"], f"{k['title']} ({k['objective_title']}, {k['period']})") for k in _kr_choices(store)]
    kpis = [(key, d.label) for key, d in KPI_BY_KEY.items()]
    inits = roadmap_store.active_titles(store)
    exps = [(n, n) for n in experiments.list_experiments(store)]
    return {"kr": krs, "kpi": kpis, "initiative": inits, "experiment": exps}


def _kr_choices(store: Store) -> list[dict]:
    from ..roadmap import kr_choices  # the roadmap's catalogue of linkable KRs (imported late: roadmap reads okrs and metrics)

    return kr_choices(store)


def _verdict(store: Store, name: str) -> str:
    """Return an experiment's verdict in a few words ('B wins: +2.1 pp', 'no clear difference yet')."""
    try:
        r = experiments.analyse(store, name)
    except (experiments.ExperimentError, ValueError):
        return "not analysable yet"
    if not r.srm_ok:
        return "sample ratio mismatch: not trustworthy"
    if r.significant:
        better = r.abs_lift > 0
        return f"{r.treatment} {'wins' if better else 'loses'}: {r.abs_lift * 100:+.1f} pp vs {r.control}"
    return f"no clear difference yet ({r.treatment} vs {r.control})"


def _link_states(store: Store, nodes: list[dict]) -> dict[str, tuple[str, str]]:
    """Return {node id: (state, words)} for linked nodes: 'ok' with the live status/verdict, 'missing' when gone."""
    wanted = {n["link_kind"] for n in nodes if n.get("link_kind")}
    krs = {k["id"]: k for k in _kr_choices(store)} if "kr" in wanted else {}
    inits = {r["id"]: r for r in roadmap_store.read_initiatives(store, include_archived=True)} if "initiative" in wanted else {}
    exps = set(experiments.list_experiments(store)) if "experiment" in wanted else set()
    out: dict[str, tuple[str, str]] = {}
    for n in nodes:
        kind, target, label = n.get("link_kind"), n.get("link_target"), n.get("link_label") or n.get("link_target")
        if not kind:
            continue
        if kind == "kr":
            k = krs.get(target)
            out[n["id"]] = ("ok", f"KR: {k['title']}") if k else ("missing", f"KR: {label} (no longer exists)")
        elif kind == "kpi":
            d = KPI_BY_KEY.get(target)
            out[n["id"]] = ("ok", f"KPI: {d.label}") if d else ("missing", f"KPI: {label} (no longer computed)")
        elif kind == "initiative":
            r = inits.get(target)
            if r is None:
                out[n["id"]] = ("missing", f"Initiative: {label} (deleted)")
            elif r.get("archived"):
                out[n["id"]] = ("missing", f"Initiative: {r['title']} (archived)")
            else:
                from ..roadmap import STATUS_LABELS

                out[n["id"]] = ("ok", f"Initiative: {r['title']} · {STATUS_LABELS.get(r['status'], r['status'])}")
        elif kind == "experiment":
            out[n["id"]] = (("ok", f"Experiment: {human_name(target)} · {_verdict(store, target)}") if target in exps
                            else ("missing", f"Experiment: {human_name(label)} (its import was deleted)"))
    return out


def tree(store: Store) -> list[TreeNode]:
    """Return the opportunity solution tree: outcomes with their subtrees, evidence counts, link states and gaps."""
    def build():
        nodes = ds.read_nodes(store)
        hs = {int(h["id"]): h for h in list_highlights(store)}
        return tree_mod.build_tree(nodes, ds.read_evidence(store), hs, _link_states(store, nodes))
    return store.memo("discovery_tree", build, reads("pm_core.discovery"))


def node_index(store: Store) -> dict[str, TreeNode]:
    """Return {id: node} over the whole tree (for the page's node picker and deep links)."""
    return {n.id: n for n in tree_mod.flatten(tree(store))}


def opportunity_evidence(store: Store) -> list[dict]:
    """Return every opportunity with its evidence: id, title, outcome, highlights, interviews, segments, quotes, removed."""
    out = []
    for root in tree(store):
        for n in tree_mod.flatten([root]):
            if n.kind == "opportunity":
                out.append({"id": n.id, "title": n.title, "outcome": root.title, **n.evidence, "gaps": list(n.gaps)})
    return out


def evidence_of(store: Store, opportunity_id: str) -> dict:
    """Return one opportunity's evidence plus the attached highlight rows ('highlight_rows'); unknown id -> DiscoveryError."""
    node = node_index(store).get(opportunity_id)
    if node is None or node.kind != "opportunity":
        raise DiscoveryError({"opportunity": f"no opportunity with id {opportunity_id!r}"})
    hs = {int(h["id"]): h for h in list_highlights(store)}
    attached = [e for e in ds.read_evidence(store) if e["opportunity_id"] == opportunity_id]
    ev = evidence_for(attached, hs)
    ev["highlight_rows"] = [hs[int(a["highlight_id"])] for a in attached if int(a["highlight_id"]) in hs]
    return ev


def report(store: Store) -> dict[str, Any]:
    """Return the CLI's JSON: interviews and highlights counted, opportunities with evidence, the tree, gaps."""
    hs = list_highlights(store)
    roots = tree(store)

    def node_json(n: TreeNode) -> dict:
        d = {"id": n.id, "kind": n.kind, "title": n.title, "gaps": n.gaps}
        if n.link_kind:
            d["link"] = {"kind": n.link_kind, "target": n.link_target, "label": n.link_label, "state": n.link_state,
                         "text": n.link_text}
        if n.kind == "opportunity":
            ev = n.evidence
            d["evidence"] = {"interviews": ev["interviews"], "highlights": ev["highlights"],
                             "segments": [{"segment": s, "highlights": c} for s, c in ev["segments"]],
                             "quotes": [q["text"] for q in ev["quotes"]], "removed": len(ev["removed"])}
        d["children"] = [node_json(c) for c in n.children]
        return d
    ops = opportunity_evidence(store)
    return {
        "interviews": len(interview_summary(hs)),
        "highlights": len(hs),
        "tagged": {t: sum(1 for h in hs if h.get("tag") == t) for t in TAGS},
        "opportunities": [{"id": o["id"], "title": o["title"], "outcome": o["outcome"], "interviews": o["interviews"],
                           "highlights": o["highlights"], "segments": [s for s, _ in o["segments"]],
                           "quotes": [q["text"] for q in o["quotes"]]} for o in ops],
        "tree": [node_json(r) for r in roots],
        "gaps": tree_mod.gap_list(roots),
    }


# -- writes ----------------------------------------------------------------------------------------
def tag_highlights(store: Store, actor: Actor, changes: dict[int, str | None]) -> int:
    """Set the tags of highlights ({id: tag or None}) in one transaction; returns how many changed.

    Unknown tags or highlight ids raise DiscoveryError and nothing is saved; a tag equal to the current
    one is not a change (no audit row for it).
    """
    require_editor(actor)
    for hid, tag in changes.items():
        if tag is not None and tag not in TAGS:
            raise DiscoveryError({"tag": f"'{tag}' is not a tag; use one of {', '.join(TAGS.values())}"})
    ids = [int(h) for h in changes]
    changed = 0
    with store.transaction("discovery") as cur:
        found = ds.get_highlights(cur, ids)
        missing = [i for i in ids if i not in found]
        if missing:
            raise DiscoveryError({"highlight": f"highlight {missing[0]} does not exist (its import may have been deleted)"})
        for hid, tag in changes.items():
            old = found[int(hid)]["tag"]
            if old == tag:
                continue
            ds.set_tag(cur, int(hid), tag, actor.email)
            audit.record(cur, actor, "edit", "highlight", str(hid), _short(found[int(hid)]["text"]),
                         f"tag: {TAGS.get(old, '—') if old else '—'} → {TAGS[tag] if tag else '—'}")
            changed += 1
    return changed


def _short(text: str, n: int = 60) -> str:
    t = " ".join(str(text).split())
    return t if len(t) <= n else t[: n - 1] + "…"


def _link_label(store: Store, kind: str | None, target: str | None) -> str | None:
    if not kind:
        return None
    labels = dict(link_choices(store)[kind])
    if target not in labels:
        what = LINK_LABELS[kind].lower()
        raise DiscoveryError({"link_target": f"{what} {target!r} does not exist (or is archived); pick one from the list"})
    return labels[target]


def add_node(store: Store, actor: Actor, kind: str, data: NodeIn | dict, parent_id: str | None = None) -> str:
    """Create a tree node under parent_id (None only for an outcome) and return its id.

    Refused (DiscoveryError naming the field): a child kind its parent does not take (a test under an
    opportunity), an outcome with a parent, an empty title, a link the kind does not take or whose target
    does not exist.
    """
    require_editor(actor)
    clean = parse_node(kind, data)
    label = _link_label(store, clean.link_kind, clean.link_target)
    nid = new_id("ost_")
    with store.transaction("discovery") as cur:
        if kind == "outcome":
            if parent_id:
                raise DiscoveryError({"parent": "an outcome is a root of the tree; it has no parent"})
        else:
            parent = ds.get_node(cur, parent_id) if parent_id else None
            if parent is None:
                raise DiscoveryError({"parent": f"{with_article(NODE_KINDS[kind].lower())} needs a parent node that exists"})
            if kind not in CHILD_KINDS[parent["kind"]]:
                allowed = ", ".join(NODE_KINDS[k].lower() for k in CHILD_KINDS[parent["kind"]]) or "nothing"
                raise DiscoveryError({"kind": f"under {with_article(NODE_KINDS[parent['kind']].lower())} goes {allowed}, "
                                              f"not {with_article(NODE_KINDS[kind].lower())}"})
        row = {"id": nid, "kind": kind, "parent_id": parent_id or None, "title": clean.title, "notes": clean.notes,
               "link_kind": clean.link_kind, "link_target": clean.link_target, "link_label": label,
               "position": ds.next_position(cur, parent_id or None)}
        ds.insert_node(cur, row, actor.email)
        audit.record(cur, actor, "create", "tree_node", nid, clean.title,
                     audit.filled({"kind": NODE_KINDS[kind], "under": parent_id, "link": label}, ("kind", "link")))
    return nid


def update_node(store: Store, actor: Actor, node_id: str, data: NodeIn | dict) -> None:
    """Replace a node's title, notes and link (kind and place stay); unknown id or bad fields -> DiscoveryError."""
    require_editor(actor)
    with store.transaction("discovery") as cur:
        old = ds.get_node(cur, node_id)
        if old is None:
            raise DiscoveryError({"node": f"no tree node with id {node_id!r}"})
        clean = parse_node(old["kind"], data)
        label = old["link_label"] if (clean.link_kind, clean.link_target) == (old["link_kind"], old["link_target"]) \
            else _link_label(store, clean.link_kind, clean.link_target)
        row = {"id": node_id, "title": clean.title, "notes": clean.notes, "link_kind": clean.link_kind,
               "link_target": clean.link_target, "link_label": label}
        ds.update_node(cur, row, actor.email)
        audit.record(cur, actor, "edit", "tree_node", node_id, clean.title,
                     audit.changes({"title": old["title"], "notes": old["notes"], "link": old["link_label"]},
                                   {"title": clean.title, "notes": clean.notes, "link": label}))


def delete_node(store: Store, actor: Actor, node_id: str) -> int:
    """Delete a node with everything under it and their evidence links (highlights stay); returns nodes removed."""
    require_editor(actor)
    with store.transaction("discovery") as cur:
        old = ds.get_node(cur, node_id)
        if old is None:
            raise DiscoveryError({"node": f"no tree node with id {node_id!r}"})
        ids = ds.subtree_ids(cur, node_id)
        ds.delete_nodes(cur, ids)
        audit.record(cur, actor, "delete", "tree_node", node_id, old["title"],
                     f"{NODE_KINDS[old['kind']]} removed with {len(ids) - 1} node{'s' if len(ids) != 2 else ''} under it")
    return len(ids)


def attach_evidence(store: Store, actor: Actor, opportunity_id: str, highlight_ids: list[int],
                    detach: list[int] | None = None) -> int:
    """Attach highlights to an opportunity (and detach others) in one transaction; returns how many were added.

    Refused: a node that is not an opportunity, a highlight that does not exist. Already attached ones are skipped.
    """
    require_editor(actor)
    with store.transaction("discovery") as cur:
        node = ds.get_node(cur, opportunity_id)
        if node is None or node["kind"] != "opportunity":
            raise DiscoveryError({"opportunity": "evidence attaches to an opportunity; pick one from the tree"})
        current = set(ds.evidence_of(cur, opportunity_id))
        wanted = [int(h) for h in dict.fromkeys(highlight_ids) if int(h) not in current]
        found = ds.get_highlights(cur, wanted)
        missing = [h for h in wanted if h not in found]
        if missing:
            raise DiscoveryError({"highlight": f"highlight {missing[0]} does not exist (its import may have been deleted)"})
        ds.add_evidence(cur, opportunity_id, [found[h] for h in wanted], actor.email)
        gone = [int(h) for h in (detach or []) if int(h) in current]
        if gone:
            ds.remove_evidence(cur, opportunity_id, gone)
        if wanted or gone:
            parts = [f"{len(wanted)} highlight{'s' if len(wanted) != 1 else ''} attached"] if wanted else []
            parts += [f"{len(gone)} detached"] if gone else []
            audit.record(cur, actor, "edit", "tree_node", opportunity_id, node["title"], "; ".join(parts))
    return len(wanted)


def opportunity_from_theme(store: Store, actor: Actor, outcome_id: str, title: str, highlight_ids: list[int]) -> str:
    """Create an opportunity under an outcome (or opportunity) from a suggested theme, with its highlights attached.

    The editor's explicit choice: themes are never turned into opportunities by themselves. Two
    transactions (create, attach); an attach refused leaves the new opportunity without evidence, flagged.
    """
    nid = add_node(store, actor, "opportunity", {"title": title}, parent_id=outcome_id)
    attach_evidence(store, actor, nid, highlight_ids)
    return nid
