"""Data: bring exports into the workspace (preview, confirm, rejects) and manage past imports. Editors only."""
from __future__ import annotations

import os
import time
from concurrent.futures import wait as futures_wait
from pathlib import Path

import pandas as pd
import streamlit as st

import pillars_ui as ui
from pm_core import audit
from pm_core.auth import PermissionDenied
from pm_core.formats.kinds import KINDS, kind_choice_label
from pm_core.formatting import fmt_int, human_name
from pm_core.ingest import (CURRENCIES, ImportRefused, after_import_future, file_choices, file_columns, for_page,
                            mapping_fields, delete_import, import_file, list_imports, preview_file,
                            rejects_csv_bytes, rejects_for, save_upload)
from pm_core.settings import get_setting
from pm_core.text import md


def _when(value) -> str:
    # an import's stored UTC time as people read it ('3 Dec 2026, 16:05 UTC', audit.when_text), not ISO
    return audit.when_text(pd.Timestamp(value).to_pydatetime())


_TIMING_LOG = os.environ.get("PILLARS_TIMING_LOG")  # a file to append timing marks to (e2e profiling); unset in use


def _mark(what: str) -> None:
    """Append a perf_counter timing mark to $PILLARS_TIMING_LOG when it is set (no output otherwise)."""
    if _TIMING_LOG:
        # A profiling aid must never break the page: a missing folder or unwritable file is ignored.
        try:
            with open(_TIMING_LOG, "a", encoding="utf-8") as fh:
                fh.write(f"{time.perf_counter():.3f} {what}\n")
        except OSError:
            pass


_mark("page run starts")
ui.page_header("Data", "What is in this workspace, and how to bring in a new export (events, Jira, surveys, A/B tests, pay, metrics).")
actor = ui.current_actor()
if not actor.can_edit:
    st.warning("Importing and deleting data is for editors. Ask an editor of this workspace to import your export.")
    st.stop()

store = ui.get_store()
NONE = "— not in this file —"
KIND_LABELS = {"auto": "Detect from the headers", **{k: kind_choice_label(k) for k in KINDS}}


def _saved_upload(up) -> Path:
    """Write the upload to a temp file once per upload (DuckDB then reads it from disk); drop earlier uploads' copies."""
    key = f"_upload_{up.file_id}"
    path = st.session_state.get(key)
    if path and Path(path).exists():
        return Path(path)
    for k in [k for k in st.session_state if str(k).startswith("_upload_")]:
        Path(st.session_state.pop(k)).unlink(missing_ok=True)
    up.seek(0)
    saved = save_upload(up, up.name)
    st.session_state[key] = str(saved)
    return saved


def _preview(path: Path, up, kind, mapping: dict, types: dict, sheet, encoding=None, currency=None):
    """The preview for these choices, computed once per upload, choices and data version (reruns reuse it)."""
    key = (kind, tuple(sorted(mapping.items())), tuple(sorted(types.items())), sheet, encoding, currency,
           store.data_version())
    memo = st.session_state.get(f"_pv_{up.file_id}")
    if memo and memo[0] == key:
        return memo[1]
    with st.spinner("Reading the file…"):
        pv = preview_file(path, kind=kind, mapping=mapping or None, types=types or None, sheet=sheet,
                          encoding=encoding, currency=currency,
                          file_name=up.name, store=store)
    st.session_state[f"_pv_{up.file_id}"] = (key, pv)
    return pv


def _linked_krs_outcome(import_id: str) -> None:
    """Wait (with a spinner) for the import's linked key-result update, then say how it went."""
    fut = after_import_future(import_id)
    if fut is None:  # started by another server process, or before a restart
        return
    if not fut.done():
        with st.spinner("Updating linked key results…"):
            futures_wait([fut])
        _mark("linked key results updated")
    exc = fut.exception()
    if exc is not None:
        st.error(f"The import is saved, but updating the key results linked to KPIs failed: {md(exc)}. "
                 "Their values catch up at the next import or check-in; tell the workspace owner if this repeats.")
        return
    n = len(fut.result() or [])
    st.caption(f"Linked key results: {fmt_int(n)} new automatic check-in{'s' if n != 1 else ''} from this import."
               if n else "Linked key results: no value changed with this import.")


def _rejects_download(import_id: str):
    """The rejects CSV built only when the button is clicked (a large reject list is not rebuilt on every rerun)."""
    return lambda: rejects_csv_bytes(rejects_for(store, import_id))


def _type_short(t: str) -> str:
    from pm_core.ingest import TYPE_SHORT

    return TYPE_SHORT.get(t.removeprefix("ts_").removeprefix("date_"), t)


tab_import, tab_history, tab_activity = st.tabs(["Import a file", "Import history", "Activity"])

with tab_import:
    limit_mb = int(get_setting(store, "max_upload_mb"))
    up = st.file_uploader("Drop an export (CSV, TSV, gzip, XLSX, JSON, JSON lines or a ZIP of exports) or interview notes "
                          "(Markdown or text, or a ZIP of them)",
                          type=["csv", "tsv", "txt", "gz", "xlsx", "json", "jsonl", "ndjson", "zip", "md", "markdown"],
                          help=f"Up to {fmt_int(limit_mb)} MB. Files are read from disk by DuckDB; nothing is saved until you confirm.")
    if up is None:
        st.info("Pillars recognises Amplitude, Mixpanel and PostHog events (CSV, or the JSON their exports write, "
                "an Amplitude export ZIP too); Jira (any language), Linear and GitHub issues; "
                "NPS and CSAT surveys; A/B test exposures or totals; Levels.fyi-style salaries; metric series; and AI "
                "evaluations: scored predictions, promptfoo, OpenAI Evals, LangSmith and Braintrust results; and "
                "interview evidence: notes (one Markdown or text file per interview, optional front matter with "
                "participant, segment, date, interviewer), a ZIP of notes, or a highlights CSV/XLSX (Highlight, Tags, "
                "Note, Participant).",
                icon=":material/upload_file:")
    elif up.size > limit_mb * 2**20:
        st.error(f"{md(up.name)} is {up.size / 2**20:,.0f} MB, above this workspace's limit of {fmt_int(limit_mb)} MB "
                 "(setting 'max_upload_mb' on the Settings page). Split the export by date, or gzip it, and try again.")
    else:
        _mark("upload received")
        path = _saved_upload(up)
        _mark("upload on disk")
        fid = up.file_id
        c1, c2 = st.columns(2)
        kind_choice = c1.selectbox("What this file holds", list(KIND_LABELS), format_func=KIND_LABELS.get, key=f"kind_{fid}")
        kind = None if kind_choice == "auto" else kind_choice
        # sheet / table and encoding are chosen before detection, so a wrong choice never removes its picker
        choices = st.session_state.get(f"_choices_{fid}")
        if choices is None:
            choices = file_choices(path, up.name)
            st.session_state[f"_choices_{fid}"] = choices
        if choices["sheets"]:
            c2.selectbox(choices["label"], choices["sheets"], key=f"sheet_{fid}",
                         help="This workbook has several sheets; pick the one holding the export." if choices["label"] == "Sheet"
                         else "This report holds several tables; each imports as its own series. Pick one.")
        sheet = st.session_state.get(f"sheet_{fid}") if choices["sheets"] else None
        enc_codes = ["auto"] + [c for c, _ in choices["encodings"]]
        enc_words = {"auto": "Detect automatically", **dict(choices["encodings"])}
        enc_choice = c1.selectbox("Encoding", enc_codes, format_func=enc_words.get, key=f"enc_{fid}",
                                  help="How the file's characters are written. Pillars detects it; choose another if "
                                       "names in the sample rows look wrong (e.g. 'Å‚' instead of 'ł').")
        encoding = None if enc_choice == "auto" else enc_choice
        cur_choice = st.session_state.get(f"cur_{fid}")
        currency = None if cur_choice in (None, "auto") else cur_choice
        mapping = {t: ("" if v == NONE else v) for t, v in st.session_state.get(f"map_{fid}", {}).items()}
        types = dict(st.session_state.get(f"types_{fid}", {}))
        if mapping and kind is None:
            kind = st.session_state.get(f"mapkind_{fid}")  # the mapping's fields belong to that kind
        try:
            pv = _preview(path, up, kind, mapping, types, sheet, encoding, currency)
        except ImportRefused as exc:
            st.error(md(for_page(str(exc))))
            if mapping or types:
                if st.button("Reset my column choices", key=f"reset_{fid}"):
                    st.session_state.pop(f"map_{fid}", None)
                    st.session_state.pop(f"types_{fid}", None)
                    st.session_state.pop(f"mapkind_{fid}", None)
                    st.rerun()
            # no known format fits: the user can still say which column is which (issue 14)
            columns = file_columns(path, up.name, sheet, encoding)
            if kind is None and columns:
                st.info("If you know what this file holds, pick it in 'What this file holds' above and choose its "
                        "columns yourself.", icon=":material/tune:")
            elif columns:
                with st.form(f"rescue_{fid}", border=True):
                    st.markdown(f"**Choose the columns of this {md(KIND_LABELS[kind].split(' (')[0])} file yourself**")
                    picked = {}
                    for f in mapping_fields(kind):
                        a_, b_ = st.columns([2, 3])
                        a_.markdown(f"**{md(f['target'])}**" + (" *(required)*" if f["required"] else "")
                                    + (" *(this or another marked so)*" if f["one_of"] else "")
                                    + (f"  \n{md(f['help'])}" if f["help"] else ""))
                        picked[f["target"]] = b_.selectbox(f"Column for {md(f['target'])}", [NONE] + columns,
                                                           key=f"r_{fid}_{f['target']}", label_visibility="collapsed")
                    if st.form_submit_button("Use these columns"):
                        st.session_state[f"map_{fid}"] = {t: v for t, v in picked.items() if v != NONE}
                        st.session_state[f"mapkind_{fid}"] = kind
                        st.rerun()
            st.stop()
        _mark("preview computed")
        st.subheader("What Pillars understood")
        # the source label is a phrase ('Survey responses (NPS / CSAT)'): a metric would cut it off
        st.markdown(f"**{md(pv.source_label)}** · {md(pv.file_name)}")
        m1, m3, m4 = st.columns([1, 1, 1.4])
        m1.metric("Kind", pv.kind.replace("_", " "))
        if pv.complete:
            m3.metric("Rows", fmt_int(pv.rows_read))
            m4.metric("Would be rejected", fmt_int(pv.rows_rejected))
        else:
            m3.metric("Rows", f"≈ {fmt_int(pv.rows_estimate)}" if pv.rows_estimate else f"over {fmt_int(pv.rows_read)}",
                      help="Estimated from the file size; the import counts every row.")
            m4.metric(f"Rejected in the first {fmt_int(pv.rows_read)}", fmt_int(pv.rows_rejected),
                      help="An estimate from the first rows only; the import checks every row and lists each rejected one.")
        delim = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(pv.delimiter, pv.delimiter)
        facts = ([f"encoding {enc_words.get(pv.encoding, pv.encoding)}", f"{delim}-separated", f"{len(pv.columns)} columns"] if pv.layout != "json"
                 else ["JSON records", f"{len(pv.columns)} fields (nested ones joined with '.')"])
        if pv.scale:
            facts.append(f"scale {pv.scale.upper()}")
        if pv.experiment and pv.source != "aggregates":
            facts.append(f"experiment name (when no column says): {pv.experiment}")
        st.caption(md(" · ".join(facts)))
        for note in pv.notes:
            if note.startswith("warning: "):  # what would otherwise be a silent gap in the figures
                st.warning(md(note.removeprefix("warning: ")), icon=":material/warning:")
            else:
                st.caption(md(note))
        if pv.kind == "experiment" and len(pv.outcomes) > 1:
            used = pv.mapping.get("converted")
            outcome = st.selectbox("Outcome (counts as converted)", pv.outcomes, key=f"outcome_{fid}",
                                   index=pv.outcomes.index(used) if used in pv.outcomes else 0,
                                   help="This log has several 0/1 outcome columns; the experiment is analysed on this one.")
            if outcome != used:
                st.session_state[f"map_{fid}"] = {**{f.target: f.source for f in pv.fields if f.source}, "converted": outcome}
                st.session_state[f"mapkind_{fid}"] = pv.kind
                st.session_state.pop(f"m_{fid}_converted", None)  # the mapping form shows the new choice too
                st.rerun()
        if pv.kind == "salaries":
            cur_opts = ["auto"] + list(CURRENCIES)
            st.selectbox("Currency of rows without one", cur_opts, key=f"cur_{fid}",
                         format_func=lambda c: (f"As understood ({pv.currency})" if pv.currency else "Not set: such rows "
                                                "are left out of pay figures") if c == "auto" else c,
                         help="Used where no currency column or symbol says; a currency column or symbol still wins.")
        for warning in pv.warnings:
            st.warning(md(warning), icon=":material/group_off:")
        if pv.properties:
            st.caption("Kept as event properties (segments on the dashboards): " + md(", ".join(pv.properties[:30])))

        st.markdown("**Columns** — change a choice and the preview updates. A value that does not fit its type "
                    "becomes a rejected row with the reason, never an empty cell.")
        new_map, new_types = {}, {}
        options = [NONE] + pv.columns
        with st.form(f"mapping_{fid}", border=True):
            for f in pv.fields:
                if f.role in ("labels", "last") and not f.source:
                    continue
                a, b, c = st.columns([2, 3, 3])
                a.markdown(f"**{md(f.target)}**" + (" *(required)*" if f.required else "") + (f"  \n{md(f.help)}" if f.help else ""))
                current = f.source if f.source in pv.columns else NONE
                new_map[f.target] = b.selectbox(f"Column for {md(f.target)}", options, index=options.index(current),
                                                key=f"m_{fid}_{f.target}", label_visibility="collapsed",
                                                help=f"found by {md(f.how)}" if f.how else None)
                choices = pv.type_choices.get(f.target)
                if choices and f.type:
                    new_types[f.target] = c.selectbox(f"Type of {md(f.target)}", choices, index=choices.index(f.type),
                                                      format_func=_type_short, key=f"t_{fid}_{f.target}",
                                                      label_visibility="collapsed")
                else:
                    c.caption(md(f.type_label or ""))
            if st.form_submit_button("Update preview"):
                st.session_state[f"map_{fid}"] = new_map
                st.session_state[f"types_{fid}"] = new_types
                st.session_state[f"mapkind_{fid}"] = pv.kind
                st.rerun()

        st.markdown("**Sample rows** (as written in the file)")
        st.dataframe(pd.DataFrame(pv.sample), hide_index=True, use_container_width=True)
        if not pv.complete:
            st.caption(f"Large file: the preview checked the first {fmt_int(pv.rows_read)} rows. The import reads and checks "
                       "every row, and reports the exact counts.")
        if pv.rows_rejected:
            where = "" if pv.complete else f" in the first {fmt_int(pv.rows_read)}"
            st.warning(f"{fmt_int(pv.rows_rejected)} of {fmt_int(pv.rows_read)} rows{where} would be rejected. The first ones:")
            st.dataframe(pd.DataFrame(pv.reasons), hide_index=True, use_container_width=True)

        on_dup = "error"
        if pv.duplicate_of:
            d = pv.duplicate_of
            st.warning(f"This exact file was imported before ({md(d['file_name'])}, {d['imported_at']} UTC, import {md(d['id'])}).")
            choice = st.radio("What to do", ["Skip it (keep the earlier import)", "Replace the earlier import with this one"],
                              key=f"dup_{fid}")
            on_dup = "skip" if choice.startswith("Skip") else "replace"
        label = (f"Import {fmt_int(pv.rows_read - pv.rows_rejected)} rows" if pv.complete
                 else "Import every row that passes the checks")
        if st.button(label, type="primary", key=f"go_{fid}"):
            bar = st.progress(0.0, text="Starting…")
            _mark("import clicked")

            def _progress(frac: float, msg: str) -> None:
                _mark(f"import: {msg}")
                bar.progress(min(max(frac, 0.0), 1.0), text=msg)

            try:
                res = import_file(store, actor, path, kind=kind, mapping=mapping or None, types=types or None, sheet=sheet,
                                  encoding=encoding, currency=currency,
                                  file_name=up.name, on_duplicate=on_dup, progress=_progress, background_hooks=True)
            except ImportRefused as exc:
                bar.empty()
                st.error(md(for_page(str(exc))))
            except PermissionDenied as exc:
                bar.empty()
                st.error(md(str(exc)))
            else:
                st.session_state["_last_import"] = res.model_dump()
                bar.empty()
        last = st.session_state.get("_last_import")
        if last:
            _mark("result shown")
            if last.get("skipped"):
                st.info(f"Skipped: the file was already imported as {md(last['duplicate_of'])}; nothing changed.")
            else:
                st.success(f"Imported {fmt_int(last['rows_imported'])} of {fmt_int(last['rows_read'])} rows as "
                           f"{last['kind'].replace('_', ' ')} ({md(last['source'])}); import {md(last['import_id'])}.")
                if last["rows_rejected"]:
                    st.download_button(f"Download the {fmt_int(last['rows_rejected'])} rejected rows (CSV)",
                                       _rejects_download(last["import_id"]), file_name=f"rejected_rows_{last['import_id']}.csv",
                                       mime="text/csv", key=f"dl_{last['import_id']}")
                _linked_krs_outcome(last["import_id"])

with tab_history:
    _mark("history starts")
    rows = list_imports(store)
    if not rows:
        ui.empty_state("No imports yet.", "Drop an export in the 'Import a file' tab.")
    else:
        # names and times for people (no import ids or ISO timestamps: the picker below names each import)
        df = pd.DataFrame([{"Imported": _when(r["imported_at"]), "File": r["file_name"], "Kind": human_name(r["kind"]),
                            "Source": human_name(r["source"]), "Rows read": r["rows_read"], "Imported rows": r["rows_imported"],
                            "Rejected": r["rows_rejected"], "By": r["actor"]} for r in rows])
        st.dataframe(df, hide_index=True, width="stretch")
        labels = {r["id"]: f"{r['file_name']} · {human_name(r['kind'])} · {_when(r['imported_at'])}" for r in rows}
        pick = st.selectbox("Import", list(labels), format_func=labels.get, key="hist_pick")
        chosen = next(r for r in rows if r["id"] == pick)
        if chosen["rows_rejected"]:
            st.download_button("Download its rejected rows (CSV)", _rejects_download(pick),
                               file_name=f"rejected_rows_{pick}.csv", mime="text/csv", key=f"hist_dl_{pick}")
        with st.expander("Delete this import"):
            st.write(f"This removes the {fmt_int(chosen['rows_imported'])} rows imported from {md(chosen['file_name'])} "
                     "from every dashboard. Other imports are not touched.")
            sure = st.checkbox("Yes, delete exactly this import's rows", key=f"sure_{pick}")
            if st.button("Delete this import", disabled=not sure, key=f"del_{pick}"):
                try:
                    n = delete_import(store, actor, pick)
                except (ImportRefused, PermissionDenied) as exc:
                    st.error(md(str(exc)))
                else:
                    st.session_state.pop("_last_import", None)
                    st.toast(f"Deleted import {pick}: {fmt_int(n)} rows removed.")
                    st.rerun()
with tab_activity:
    st.caption("Every change to this workspace, newest first: who made it, when (UTC), and what it changed. "
               "Only editors see this log.")
    found = audit.audit_filters(store, actor)
    ANY = "Any"
    f1, f2, f3, f4 = st.columns([1.3, 1, 1, 1.3])
    person = f1.selectbox("Person", [ANY] + found["actor"], key="audit_person")
    action = f2.selectbox("Action", [ANY] + found["action"], key="audit_action",
                          format_func=lambda a: a if a == ANY else audit.ACTIONS.get(a, a))
    kind = f3.selectbox("Object type", [ANY] + found["object_type"], key="audit_kind",
                        format_func=lambda t: t if t == ANY else audit.OBJECT_TYPES.get(t, t))
    days = f4.date_input("Days (UTC)", value=[], key="audit_days", format="YYYY-MM-DD",
                         help="Pick a first and a last day; leave empty for every day.")
    since = days[0] if len(days) >= 1 else None
    until = days[1] if len(days) == 2 else since
    entries = audit.list_audit(store, actor, person=None if person == ANY else person,
                               action=None if action == ANY else action, object_type=None if kind == ANY else kind,
                               since=since, until=until, limit=500)
    if not entries:
        filtered = (person, action, kind) != (ANY,) * 3 or bool(days)
        st.info("No changes recorded for these filters." if filtered else
                "No changes recorded yet. Imports, check-ins and every save on the OKR, roadmap, stakeholder, "
                "career and settings pages appear here.", icon=":material/history:")
    else:
        log = pd.DataFrame([{"When": e["when"], "Who": e["actor"], "Action": e["action_label"],
                             "Object type": e["object_label"], "Object": e["object_name"] or e["object_id"],
                             "Change": e["summary"] or ""} for e in entries])
        # a long change is cut in the grid: choosing its row shows it whole below (the detail view)
        with st.container(key="detailed-activity"):
            picked = st.dataframe(log, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                                  key="activity_rows",
                                  column_config={"When": st.column_config.TextColumn(width=150),
                                                 "Who": st.column_config.TextColumn(width=150),
                                                 "Action": st.column_config.TextColumn(width=80),
                                                 "Object type": st.column_config.TextColumn(width=100),
                                                 "Object": st.column_config.TextColumn(width=160),
                                                 "Change": st.column_config.TextColumn(width=140)})
            chosen_rows = picked.selection.rows if picked is not None else []
            if chosen_rows:
                e = entries[chosen_rows[0]]
                st.markdown(f"**{md(e['when'])} · {md(e['actor'])} · {md(e['action_label'])} "
                            f"{md(e['object_label'])} {md(e['object_name'] or e['object_id'])}**  \n"
                            f"{md(e['summary'] or 'No details recorded.')}")
            else:
                st.caption("Choose a row to read its whole change.")
        if len(entries) == 500:
            st.caption("Showing the latest 500 changes; narrow the filters to see older ones.")

_mark("page run ends")
