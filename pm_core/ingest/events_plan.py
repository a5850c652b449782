"""What an events import decides beyond its three columns (issue 14): anonymous ids, tool properties, other sources.

- Anonymous users: where `user_id` is empty the row counts under the tool's anonymous id (the
  format's `id_fallbacks`: Amplitude's amplitude_id then device_id, PostHog's distinct_id where
  person_id is empty...), and the preview says how many rows did.
- Tool properties: a `properties` column holding a JSON object (PostHog's CSV export) gives one
  property per key, and `properties.$browser` style columns are the property `$browser`.
- Several sources: the preview warns when the file's people do not meet the workspace's people.
"""
from __future__ import annotations

from ..formats.base import Match, norm
from ..store import Store, ingest_preview
from ..store.ingest_exprs import raw_expr
from ..store.ingest_store import Plan

PROPERTY_PREFIX = "properties."
_JSON_SAMPLE = 200   # rows looked at to tell a JSON-object column from text
OVERLAP_ENOUGH = 0.05  # below this share of the file's people already in the workspace, the preview warns


def _fallback_columns(match: Match, header: list[str]) -> list[int]:
    """Return the columns of the format's anonymous ids present in the header, in the format's order (never the user column)."""
    primary = match.columns["user_id"][0]
    normed = [norm(h) for h in header]
    out: list[int] = []
    for name in match.fmt.id_fallbacks:
        i = next((i for i, n in enumerate(normed) if n == norm(name) and i != primary and i not in out), None)
        if i is not None:
            out.append(i)
    return out


def _with_fallbacks(store: Store, plan: Plan, match: Match, header: list[str], notes: list[str], check_rows: int | None) -> None:
    primary = match.columns["user_id"][0]
    fbs = _fallback_columns(match, header)
    who = header[primary]
    if match.fmt.source == "posthog":
        if norm(who) == "person_id":
            notes.append("people are counted by person_id, as PostHog counts them (a visitor's pre-login distinct_id "
                         "and the logged-in one are one person)")
        else:
            notes.append(f"no person_id column: people are counted by {who}, so a visitor before and after logging in "
                         "counts as two people")
    else:
        notes.append(f"people are counted by {who}")
    if not fbs:
        return
    raws = [raw_expr(primary)] + [raw_expr(i) for i in fbs]
    plan.exprs["user_id"] = f"COALESCE({', '.join(raws)})"
    names = [header[i] for i in fbs]
    for c in plan.checks:
        if c.column == who and c.reason == "user_id is empty":
            c.cond = " AND ".join(f"{r} IS NULL" for r in raws)
            c.reason = f"user_id is empty, and so is {' and '.join(names)}"
    # the k-th fallback counts rows whose user column and earlier fallbacks are all empty
    conds = [f"{raw_expr(primary)} IS NULL AND " + " AND ".join(f"{x} IS NULL" for x in raws[1:k + 1])
             + (" AND " if k else "") + f"{r} IS NOT NULL" for k, r in enumerate(raws[1:])]
    read, counts = ingest_preview.count_rows(store, plan, conds, check_rows)
    used = [f"{n:,} under {name}" for n, name in zip(counts, names) if n]
    scope = f"of the first {read:,} rows" if check_rows and read >= check_rows else f"of {read:,} rows"
    if used:
        notes.append(f"anonymous users: {sum(counts):,} {scope} have no {who} and count under the tool's anonymous id ("
                     + ", ".join(used) + ")")
    else:
        notes.append(f"every row has a {who}; where one is empty the row would count under {' or '.join(names)}")


def _json_columns(store: Store, plan: Plan, header: list[str], extras_idx: list[int]) -> list[int]:
    """Return the extra columns whose filled values are all JSON objects (PostHog's `properties` column)."""
    cands = [i for i in extras_idx if norm(header[i]) in ("properties", "event_properties", "user_properties")]
    if not cands:
        return []
    conds = []
    for i in cands:
        r = raw_expr(i)
        conds += [f"{r} IS NOT NULL", f"{r} IS NOT NULL AND json_type(TRY_CAST({r} AS JSON)) = 'OBJECT'"]
    _, counts = ingest_preview.count_rows(store, plan, conds, _JSON_SAMPLE)
    return [i for k, i in enumerate(cands) if counts[2 * k] and counts[2 * k] == counts[2 * k + 1]]


def prepare(store: Store, plan: Plan, match: Match, header: list[str], notes: list[str], check_rows: int | None = 50_000) -> None:
    """Add the events-only decisions to a plan: anonymous id fallback, JSON property columns, property names as the tool names them."""
    _with_fallbacks(store, plan, match, header, notes, check_rows)
    json_cols = _json_columns(store, plan, header, [i for _, i in plan.extras])
    if json_cols:
        plan.consts["json_columns"] = json_cols
        plan.extras = [(k, i) for k, i in plan.extras if i not in json_cols]
        notes.append(f"each key of the JSON column {', '.join(repr(header[i]) for i in json_cols)} is a property of its own")
    taken = {k for k, _ in plan.extras}
    renamed = []
    out = []
    for k, i in plan.extras:
        short = _property_name(k)
        if short != k and short not in taken:
            renamed.append((k, short))
            k = short
        out.append((k, i))
    plan.extras = out
    if renamed:
        notes.append(f"columns named 'properties.<name>' are the property <name> ({renamed[0][0]} is {renamed[0][1]})")


def _property_name(column: str) -> str:
    """Return the property a column holds: 'properties.$browser' and PostHog's '*.properties.$browser' are '$browser'."""
    k = column.removeprefix("*.") if len(column) > 2 else column  # PostHog's CSV names every field of the event '*.'
    if k.startswith(PROPERTY_PREFIX) and len(k) > len(PROPERTY_PREFIX):
        return k[len(PROPERTY_PREFIX):]
    return k


def overlap_warning(store: Store, plan: Plan) -> str | None:
    """Return a warning when the workspace already has events and none (or almost none) of this file's people are in them."""
    try:
        o = ingest_preview.user_overlap(store, plan, enough=OVERLAP_ENOUGH)
    except Exception:  # noqa: BLE001 - a warning must never stop a preview
        return None
    if o is None:
        return None
    srcs = ", ".join(o["sources"]) or "earlier imports"
    return (f"Only {o['shared']:,} of this file's {o['file_people']:,} people are among the workspace's "
            f"{o['workspace_people']:,} (from {srcs}): the two user bases will be added together, so people counted in "
            "both tools count twice. Filter the pages by source to see one tool at a time, or export both with the same user id.")
