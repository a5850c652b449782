"""The roadmap: initiatives with their scores and ranks, links to KRs/KPIs, dependencies, RACI, PRD,
outcome check and Jira delivery progress. Pages and the CLI call these functions; SQL is in
pm_core.store.roadmap_store.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from .. import audit
from ..auth import Actor, require_editor
from ..formatting import Unit
from ..kpi_defs import KPI_BY_KEY
from ..store import Store, new_id
from ..store import roadmap_store as rs
from . import links
from . import raci as raci_mod
from .links import find_cycle
from .models import METHODS, STATUS_LABELS, STATUSES, InitiativeIn, InitiativeView, RoadmapError, parse_initiative
from .prd import prd_markdown_for
from .scoring import check_weights, score_table

# Where the story sits in time; the app uses the real date unless a caller passes `today`.
NEXT_HORIZON_DAYS = 90


def today_default() -> dt.date:
    """Return today's date in UTC (the roadmap's 'today' when a caller passes none)."""
    return dt.datetime.now(dt.timezone.utc).date()


# -- writes ----------------------------------------------------------------------------------
def _row(initiative_id: str, data: InitiativeIn) -> dict:
    row = data.model_dump()
    row["id"] = initiative_id
    row["user_stories"] = [s.model_dump() for s in data.user_stories]
    row["milestones"] = [{"date": m.date.isoformat(), "label": m.label} for m in data.milestones]
    return row


_LINK_WORDS = {"kr": "key results", "kpi": "KPIs", "dependency": "depends on"}
_CREATE_FIELDS = ("status", "health", "pillar", "team", "bucket", "start_date", "end_date", "launch_date")


def _links_words(cur, initiative_id: str) -> dict[str, list[str]]:
    return {_LINK_WORDS[k]: v for k, v in rs.links_of(cur, initiative_id).items() if k in _LINK_WORDS}


def _with_links(summary: str, before: dict, after: dict) -> str:
    """Add the link changes (key results, KPIs, dependencies) to an initiative's audit summary."""
    moved = audit.changes(before, after, list(_LINK_WORDS.values()))
    if moved == "no field changed":
        return summary
    return moved if summary == "no field changed" else f"{summary}; {moved}"


def _write_links(cur, store: Store, initiative_id: str, key_results, kpis, dependencies) -> None:
    if key_results is not None:
        catalog = {k["id"]: k for k in links.kr_catalog(store)}
        rows = []
        for kr in dict.fromkeys(key_results):
            if kr not in catalog:
                raise RoadmapError(f"key result {kr!r} does not exist (or is archived); pick one from the OKR page")
            rows.append((kr, catalog[kr]["title"]))
        rs.replace_links(cur, initiative_id, "kr", rows)
    if kpis is not None:
        for k in kpis:
            if k not in KPI_BY_KEY:
                raise RoadmapError(f"KPI {k!r} is not one Pillars computes; use one of {', '.join(KPI_BY_KEY)}")
        rs.replace_links(cur, initiative_id, "kpi", [(k, KPI_BY_KEY[k].label) for k in dict.fromkeys(kpis)])
    if dependencies is not None:
        titles = rs.initiative_titles(cur)
        for d in dependencies:
            if d not in titles:
                raise RoadmapError(f"dependency {d!r} is not an initiative in this workspace")
        rs.replace_links(cur, initiative_id, "dependency", [(d, titles[d]) for d in dict.fromkeys(dependencies)])
        cycle = find_cycle(rs.read_dependency_edges(cur))
        if cycle:
            if initiative_id in cycle[:-1]:
                # Start the path at the initiative being edited: that is where the editor is looking.
                i = cycle.index(initiative_id)
                cycle = cycle[i:-1] + cycle[:i] + [initiative_id]
            named = " -> ".join(titles.get(n, n) for n in cycle)
            raise RoadmapError(f"dependency cycle refused: {named} (an initiative cannot wait on itself)")


def create_initiative(store: Store, actor: Actor, data: InitiativeIn | dict, key_results: list[str] | None = None,
                      kpis: list[str] | None = None, dependencies: list[str] | None = None) -> str:
    """Validate and save a new initiative with its links in one transaction; return its id.

    Refuses viewers, values outside their scales, inverted dates and dependency cycles (RoadmapError
    naming the field or the cycle); nothing is saved when anything is refused.
    """
    require_editor(actor)
    clean = parse_initiative(data)
    iid = new_id("ini_")
    row = _row(iid, clean)
    with store.transaction("roadmap") as cur:
        rs.insert_initiative(cur, row, actor.email)
        _write_links(cur, store, iid, key_results, kpis, dependencies)
        audit.record(cur, actor, "create", "initiative", iid, clean.title,
                     _with_links(audit.filled(row, _CREATE_FIELDS), {}, _links_words(cur, iid)))
    return iid


def update_initiative(store: Store, actor: Actor, initiative_id: str, data: InitiativeIn | dict,
                      key_results: list[str] | None = None, kpis: list[str] | None = None,
                      dependencies: list[str] | None = None) -> None:
    """Replace an initiative's fields (and, where given, its links) in one transaction.

    Link lists left as None stay as they are; an empty list removes them. Unknown ids raise RoadmapError.
    """
    require_editor(actor)
    clean = parse_initiative(data)
    with store.transaction("roadmap") as cur:
        old = rs.get_initiative_row(cur, initiative_id)
        if old is None:
            raise RoadmapError(f"initiative {initiative_id!r} does not exist")
        row = _row(initiative_id, clean)
        links_before = _links_words(cur, initiative_id)
        rs.update_initiative_row(cur, row, actor.email)
        _write_links(cur, store, initiative_id, key_results, kpis, dependencies)
        audit.record(cur, actor, "edit", "initiative", initiative_id, clean.title,
                     _with_links(audit.changes(old, row, [c for c in rs.COLUMNS if c != "id"]), links_before,
                                 _links_words(cur, initiative_id)))


def set_links(store: Store, actor: Actor, initiative_id: str, key_results: list[str] | None = None,
              kpis: list[str] | None = None, dependencies: list[str] | None = None) -> None:
    """Replace the given kinds of link of one initiative (None = unchanged) all-or-nothing; cycles are refused by name."""
    require_editor(actor)
    with store.transaction("roadmap") as cur:
        old = rs.get_initiative_row(cur, initiative_id)
        if old is None:
            raise RoadmapError(f"initiative {initiative_id!r} does not exist")
        links_before = _links_words(cur, initiative_id)
        _write_links(cur, store, initiative_id, key_results, kpis, dependencies)
        audit.record(cur, actor, "edit", "initiative", initiative_id, old["title"],
                     _with_links("no field changed", links_before, _links_words(cur, initiative_id)))


def archive_initiative(store: Store, actor: Actor, initiative_id: str, archived: bool = True) -> None:
    """Archive (or restore) an initiative; it leaves every view but keeps its links, RACI and history."""
    require_editor(actor)
    with store.transaction("roadmap") as cur:
        old = rs.get_initiative_row(cur, initiative_id)
        if old is None:
            raise RoadmapError(f"initiative {initiative_id!r} does not exist")
        rs.set_archived(cur, initiative_id, archived, actor.email)
        audit.record(cur, actor, "archive" if archived else "restore", "initiative", initiative_id, old["title"],
                     "archived (links, RACI and history kept)" if archived else "restored to the roadmap")


def set_raci(store: Store, actor: Actor, initiative_id: str, rows: pd.DataFrame | list[dict]) -> list[dict]:
    """Validate and save an initiative's RACI (a matrix with a 'Task' column, or {task, person, role} rows).

    Returns [] on success. Any violation (a task without exactly one A or without an R, a bad role)
    raises RoadmapError naming every offending task, and nothing is saved.
    """
    require_editor(actor)
    try:
        long = raci_mod.matrix_to_rows(rows) if isinstance(rows, pd.DataFrame) else list(rows)
    except ValueError as exc:
        raise RoadmapError(str(exc)) from None
    problems = raci_mod.validate_raci(long)
    if problems:
        raise RoadmapError("RACI not saved: " + "; ".join(p["message"] for p in problems))
    tasks: list[str] = []
    people: list[str] = []
    cells = []
    for r in long:
        task, person = str(r["task"]).strip(), str(r.get("person") or "").strip()
        if task not in tasks:
            tasks.append(task)
        if not person:
            continue
        if person not in people:
            people.append(person)
        cells.append((task, person, raci_mod.normalise_role(r["role"]), tasks.index(task), people.index(person)))
    with store.transaction("roadmap") as cur:
        old = rs.get_initiative_row(cur, initiative_id)
        if old is None:
            raise RoadmapError(f"initiative {initiative_id!r} does not exist")
        rs.replace_raci(cur, initiative_id, cells)
        audit.record(cur, actor, "edit", "initiative", initiative_id, old["title"],
                     f"RACI saved: {len(tasks)} task{'s' if len(tasks) != 1 else ''}, "
                     f"{len(people)} {'people' if len(people) != 1 else 'person'}")
    return []


def check_raci(rows: pd.DataFrame | list[dict]) -> list[dict]:
    """Return RACI violations [{task, message}] for a matrix (with a 'Task' column) or long rows; [] when valid.

    A cell that is not a role is reported as a violation rather than raised, so an editor sees it inline.
    """
    try:
        long = raci_mod.matrix_to_rows(rows) if isinstance(rows, pd.DataFrame) else list(rows)
    except ValueError as exc:
        return [{"task": "", "message": str(exc)}]
    return raci_mod.validate_raci(long)


def get_raci(store: Store, initiative_id: str) -> pd.DataFrame:
    """Return the RACI matrix: a 'Task' column then one column per person ('' where no role); empty when none."""
    df = rs.read_raci(store, initiative_id)
    if df.empty:
        return pd.DataFrame({raci_mod.TASK_COL: pd.Series(dtype=object)})
    people = df.sort_values("person_order")["person"].drop_duplicates().tolist()
    return raci_mod.rows_to_matrix(df[["task", "person", "role"]].to_dict(orient="records"), people)


# -- reads -----------------------------------------------------------------------------------
def _board_bucket(status: str, bucket: str | None, start: dt.date | None, end: dt.date | None, today: dt.date) -> str:
    # Shipped work leaves Now/Next/Later whatever bucket it was given; otherwise an explicit bucket wins.
    if status in ("launched", "measured"):
        return "shipped"
    if bucket:
        return bucket
    if start and end:
        if start <= today:
            return "now"
        return "next" if (start - today).days <= NEXT_HORIZON_DAYS else "later"
    return {"in_progress": "now", "planned": "next"}.get(status, "later")


def _views(store: Store, today: dt.date, weights: dict | None, flag_places: int, scored: bool = True) -> list[InitiativeView]:
    rows = rs.read_initiatives(store)
    if not rows:
        return []
    link_df = rs.read_links(store)
    by_kind: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for iid, kind, target, label in zip(link_df["initiative_id"], link_df["kind"], link_df["target"], link_df["label"]):
        by_kind.setdefault((iid, kind), []).append((target, label))
    catalog = {k["id"]: k for k in links.kr_catalog(store)} if (link_df["kind"] == "kr").any() else {}
    prog = rs.jira_progress(store, [(r["id"], r["jira_epic"], r["jira_label"]) for r in rows])
    progress = {i: (int(d), int(t)) for i, d, t in zip(prog["initiative_id"], prog["done"], prog["total"])}
    views: list[InitiativeView] = []
    for rec in rows:
        iid = rec["id"]
        fields = {k: rec[k] for k in rs.COLUMNS}
        for k in ("problem", "hypothesis", "solution", "out_of_scope"):
            fields[k] = fields[k] or ""
        krs = []
        for target, label in by_kind.get((iid, "kr"), []):
            info = catalog.get(target)
            krs.append({"id": target, "title": info["title"] if info else label,
                        "objective_id": info.get("objective_id") if info else None,
                        "objective_title": info.get("objective_title") if info else None,
                        "missing": info is None})
        done_total = progress.get(iid)
        has_jira = bool(fields["jira_epic"] or fields["jira_label"])
        views.append(InitiativeView(
            **fields,
            board_bucket=_board_bucket(fields["status"], fields["bucket"], fields["start_date"], fields["end_date"], today),
            key_results=krs,
            kpis=[t for t, _ in by_kind.get((iid, "kpi"), [])],
            dependencies=[t for t, _ in by_kind.get((iid, "dependency"), [])],
            jira_done=done_total[0] if done_total else (0 if has_jira else None),
            jira_total=done_total[1] if done_total else (0 if has_jira else None),
        ))
    if scored:
        _add_scores(views, weights, flag_places)
    _add_warnings(views, today)
    return views


def _add_scores(views: list[InitiativeView], weights: dict | None, flag_places: int) -> None:
    if not views:
        return
    table = score_table(views, weights, flag_places)
    records = table.astype(object).where(table.notna(), None).to_dict(orient="records")
    for v, row in zip(views, records):
        v.scores = {m: row[m] for m in METHODS}
        v.ranks = {m: None if row[f"rank_{m}"] is None else int(row[f"rank_{m}"]) for m in METHODS}
        v.rank_spread = None if row["rank_spread"] is None else int(row["rank_spread"])
        v.rank_flag = bool(row["rank_flag"])
        v.quadrant = row["quadrant"]


def _add_warnings(views: list[InitiativeView], today: dt.date) -> None:
    by_id = {v.id: v for v in views}
    for v in views:
        warn = []
        for dep_id in v.dependencies:
            dep = by_id.get(dep_id)
            if dep and v.start_date and dep.end_date and v.start_date <= dep.end_date and dep.status not in ("launched", "measured"):
                warn.append(f"starts {v.start_date:%d %b %Y}, before its dependency '{dep.title}' ends "
                            f"({dep.end_date:%d %b %Y})")
        if v.end_date and v.end_date < today and v.status not in ("launched", "measured"):
            warn.append(f"its end date ({v.end_date:%d %b %Y}) has passed and it is not launched")
        v.warnings = warn


def _weights_arg(weights) -> dict | None:
    if weights is None:
        return None
    return dict(weights) if not isinstance(weights, dict) else weights


def list_initiatives(store: Store, pillar: str | None = None, team: str | None = None, status: str | None = None,
                     objective_id: str | None = None, today: dt.date | None = None,
                     weights: dict | tuple | None = None, flag_places: int = 2) -> list[InitiativeView]:
    """Return active initiatives matching every given filter, each with scores, ranks, links and Jira progress.

    Ranks and the weighted score's normalisation are computed within the filtered set, so a
    filtered view ranks what it shows. `weights` may be a dict or a tuple of (input, weight) pairs
    (hashable, for caching). Archived initiatives are left out.
    """
    today = today or today_default()
    w = check_weights(_weights_arg(weights))
    views = _views(store, today, None, flag_places, scored=False)
    keep = [v for v in views
            if (pillar is None or v.pillar == pillar) and (team is None or v.team == team)
            and (status is None or v.status == status)
            and (objective_id is None or any(k.get("objective_id") == objective_id for k in v.key_results))]
    _add_scores(keep, w, flag_places)
    return keep


def get_initiative(store: Store, initiative_id: str, today: dt.date | None = None) -> InitiativeView:
    """Return one active initiative as listed (scores ranked among all active ones); RoadmapError when unknown."""
    for v in _views(store, today or today_default(), None, 2):
        if v.id == initiative_id:
            return v
    raise RoadmapError(f"initiative {initiative_id!r} does not exist (or is archived)")


def board(views: list[InitiativeView]) -> dict[str, list[InitiativeView]]:
    """Return {now, next, later, shipped: initiatives}, each column ordered by RICE rank (unscored last)."""
    out: dict[str, list[InitiativeView]] = {k: [] for k in ("now", "next", "later", "shipped")}
    for v in views:
        out[v.board_bucket].append(v)
    for col in out.values():
        col.sort(key=lambda v: (v.ranks.get("rice") is None, v.ranks.get("rice") or 0, v.title.lower()))
    return out


def filter_options(store: Store) -> dict[str, list]:
    """Return the values the filters offer: pillars, teams and statuses in use, and objectives [(id, title)] linked."""
    rows = rs.read_initiatives(store)
    objectives: dict[str, str] = {}
    if rows and (rs.read_links(store)["kind"] == "kr").any():
        for k in links.kr_catalog(store):
            if k.get("objective_id"):
                objectives.setdefault(k["objective_id"], k.get("objective_title") or k["objective_id"])
    return {
        "pillars": sorted({r["pillar"] for r in rows if r["pillar"]}),
        "teams": sorted({r["team"] for r in rows if r["team"]}),
        "statuses": [s for s in STATUSES if s in {r["status"] for r in rows}],
        "objectives": sorted(objectives.items(), key=lambda kv: kv[1]),
    }


def kr_choices(store: Store) -> list[dict]:
    """Return the key results an initiative can link to ({id, title, objective_title, period}); empty without OKRs."""
    return [{k: kr.get(k) for k in ("id", "title", "objective_id", "objective_title", "period")}
            for kr in links.kr_catalog(store)]


# Return on investment counts only what has shipped: a planned initiative's gain is an estimate
# (typing one into a planned initiative moved the executives' ROI from 100% to 110%), so it goes
# into the projected figure, shown beside the realised one and labelled as such.
REALISED_STATUSES = ("launched", "measured")


def cost_gain(store: Store, realised: bool = True) -> list[tuple[float, float]]:
    """Return (cost, gain) for each active initiative that has both: launched or measured ones (realised), or every one.

    An initiative missing either number is left out; realised=False adds the planned and in-progress
    initiatives' estimates (projected ROI).
    """
    return [(float(r["cost"]), float(r["gain"])) for r in rs.read_initiatives(store)
            if r["cost"] is not None and r["gain"] is not None
            and (not realised or r["status"] in REALISED_STATUSES)]


def roi(store: Store, realised: bool = True) -> dict | None:
    """Return {'value', 'cost', 'gain', 'initiatives'} of (gain - cost) / cost over cost_gain; None when nothing counts or cost is 0."""
    pairs = cost_gain(store, realised)
    cost = sum(c for c, _ in pairs)
    if not pairs or cost <= 0:
        return None
    gain = sum(g for _, g in pairs)
    return {"value": (gain - cost) / cost, "cost": cost, "gain": gain, "initiatives": len(pairs)}


def jira_items(store: Store, initiative_id: str) -> pd.DataFrame:
    """Return the work items attached to an initiative by its Jira epic or label (empty when it has neither)."""
    v = get_initiative(store, initiative_id)
    if not (v.jira_epic or v.jira_label):
        return pd.DataFrame(columns=["key", "title", "type_category", "status", "status_category", "resolved"])
    return rs.jira_items_for(store, v.jira_epic, v.jira_label)


# -- PRD and outcomes ------------------------------------------------------------------------
def _kr_lookup(store: Store, v: InitiativeView) -> list[dict]:
    catalog = {k["id"]: k for k in links.kr_catalog(store)} if v.key_results else {}
    return [catalog.get(k["id"], {"id": k["id"], "title": k["title"], "missing": True}) for k in v.key_results]


def prd_markdown(store: Store, initiative_id: str, today: dt.date | None = None) -> str:
    """Return the PRD one-pager as Markdown (five sections; success metrics show linked KRs' and KPIs' current values).

    User-written text is escaped so it shows as written; an unknown id raises RoadmapError.
    """
    v = get_initiative(store, initiative_id, today)
    kpis = [links.kpi_current(store, k) for k in v.kpis]
    from .. import ai  # the initiative's AI features and their launch readiness (issue 18)

    return prd_markdown_for(v, _kr_lookup(store, v), kpis) + ai.prd_section(store, initiative_id)


def outcome_check(store: Store, initiative_id: str) -> dict:
    """Return the linked KPIs' values in the last full month before launch vs the first full month after it.

    Applies to launched or measured initiatives with a launch date (end date when none); otherwise
    'applicable' is False with the reason. KPIs come from explicit KPI links and from linked KRs'
    KPIs. A month without data shows None and a note, never 0.
    """
    v = get_initiative(store, initiative_id)
    out: dict[str, Any] = {"initiative_id": v.id, "title": v.title, "launch_date": None, "applicable": False,
                           "note": None, "before_month": None, "after_month": None, "kpis": []}
    if v.status not in ("launched", "measured"):
        out["note"] = f"'{v.title}' is {STATUS_LABELS[v.status].lower()}; the outcome check runs once it is launched."
        return out
    launch = v.launch_date or v.end_date
    out["launch_date"] = launch
    before = (launch.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    after = launch.replace(day=1) if launch.day == 1 else (launch.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    out["before_month"], out["after_month"] = before, after
    keys = list(dict.fromkeys(v.kpis + [k.get("kpi") for k in _kr_lookup(store, v) if k.get("kpi")]))
    if not keys:
        out["note"] = "Link a KPI (or a key result linked to a KPI) to see what shipping did."
        return out
    out["applicable"] = True
    for key in keys:
        meta = KPI_BY_KEY.get(key)
        values = dict(links.kpi_monthly(store, key))
        b, a = values.get(before), values.get(after)
        note = unset = None
        if b is None or a is None:
            missing = [m.strftime("%b %Y") for m, val in ((before, b), (after, a)) if val is None]
            unset = links.unset_note(store, key)  # an event setting the KPI needs is not set: say where to set it
            note = unset or f"no data for {' and '.join(missing)}"
        out["kpis"].append({
            "key": key, "label": meta.label if meta else key, "unit": meta.unit if meta else Unit.NUMBER,
            "higher_is_better": meta.higher_is_better if meta else True,
            "before": b, "after": a, "change": (a - b) if a is not None and b is not None else None, "note": note,
            "not_set": unset is not None})
    return out
