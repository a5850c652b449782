"""Settings: what the data cannot tell Pillars (funnel events, metric series, gross margin...), grouped with help."""
from __future__ import annotations

import streamlit as st

import pillars_ui as ui
from pm_core.brand import BrandError, get_brand, remove_logo, save_logo
from pm_core.formatting import agree, plural
from pm_core.text import md
from pm_core.growth import event_names
from pm_core.settings import (SETTINGS, SettingError, coerce, get_settings, invalid_settings, settings_problems, shown_value,
                              update_settings)

ui.page_header("Settings", "Which events, metric series and assumptions do the KPIs, funnels and pay views use?")
ui.show_flash()

actor = ui.current_actor()
current = ui.cached(get_settings)
invalid = set(ui.cached(invalid_settings))
for problem in ui.cached(settings_problems):  # a value an older version stored, now out of range
    st.warning(md(problem), icon=":material/warning:")
event_list = ui.cached(event_names)  # most frequent first: the choices of every event setting
known_events = set(event_list)
EVENT_KEYS = {s.key for s in SETTINGS if s.event}
groups: dict[str, list] = {}
for s in SETTINGS:
    groups.setdefault(s.group, []).append(s)

ERRORS = "_settings_errors"


def shown(value) -> str:
    """Return a setting value as text (lists comma-separated; an empty list in words; an unset event as '(not set)')."""
    return "(not set)" if value is None else shown_value(value, empty="(equal split)")


if not actor.can_edit:
    st.info("You can read the workspace settings; only editors can change them.", icon=":material/lock:")
    for group, items in groups.items():
        st.subheader(group)
        for s in items:
            st.markdown(f"**{s.key.replace('_', ' ').capitalize()}**")
            st.text(shown(current[s.key]))
            st.caption(s.help + ("" if current[s.key] == s.default else f" Default: {shown(s.default)}."))
    logo = ui.cached(get_brand).logo_png
    st.markdown("**Brand logo**")
    if logo:
        st.image(logo, width=200)
    else:
        st.text("(no logo)")
    st.stop()

errors: dict[str, str] = st.session_state.get(ERRORS, {})
if errors:
    st.error(errors.get("_") or f"Nothing was saved: {plural(len(errors), 'setting')} {agree(len(errors), 'needs', 'need')} "
             "fixing (see below).")

with st.form("settings_form"):
    entered: dict[str, object] = {}
    for group, items in groups.items():
        st.subheader(group)
        cols = st.columns(2)
        for i, s in enumerate(items):
            with cols[i % 2]:
                label = s.key.replace("_", " ").capitalize()
                value = current[s.key]
                k = f"setting_{s.key}"
                if s.kind is bool:
                    entered[s.key] = st.checkbox(label, value=bool(value), key=k)
                elif s.kind is int:
                    entered[s.key] = st.number_input(label, value=int(value), step=1, key=k)
                elif s.kind is float:
                    entered[s.key] = st.number_input(label, value=float(value), step=0.01, format="%.2f", key=k)
                elif s.choices:
                    entered[s.key] = st.selectbox(label, s.choices, key=k,
                                                  index=s.choices.index(value) if value in s.choices else 0)
                elif s.event and event_list:
                    # The workspace's own event names, not free text: a typed name that occurs nowhere computes nothing.
                    # A stored name that no event has any more stays a choice, so saving another setting keeps it.
                    options = [None] + ([value] if value is not None and value not in known_events else []) + event_list
                    entered[s.key] = st.selectbox(label, options, index=options.index(value), key=k,
                                                  format_func=lambda e: e or "(not set)")
                elif s.kind is list:
                    entered[s.key] = st.text_input(label, value=shown(value) if value else "", key=k,
                                                   placeholder="comma-separated numbers, e.g. 50, 50")
                else:
                    entered[s.key] = st.text_input(label, value="" if value is None else str(value), key=k,
                                                   placeholder="not set: type an event name" if s.event else "")
                st.caption(s.help)
                if s.key in errors:
                    st.error(md(errors[s.key]))
                elif s.event and not value:
                    st.caption(f"Not set: KPIs using it show 'not set' until you choose {md(s.event)} here.")
                elif s.event and known_events and str(value) not in known_events:
                    st.warning(f"No '{md(value)}' events have been imported, so KPIs using it will show 'not enough data'.")
    submitted = st.form_submit_button("Save settings", type="primary")

st.subheader("Brand logo")
st.caption("Shown on the deck's title slide and footers, the HTML briefing and the printed presentation. PNG, JPEG or "
           "GIF, at most 1 MB; stored in the workspace as PNG, at most 800 px a side.")
brand_now = ui.cached(get_brand)
if brand_now.logo_png:
    st.image(brand_now.logo_png, width=200)
with st.form("brand_logo_form", clear_on_submit=True):
    upload = st.file_uploader("Logo image", type=["png", "jpg", "jpeg", "gif"], key="brand_logo_file")
    save_logo_clicked = st.form_submit_button("Save logo")
if brand_now.logo_png and st.button("Remove logo", key="brand_logo_remove"):
    remove_logo(ui.get_store(), actor)
    ui.flash("Logo removed.")
    st.rerun()
if save_logo_clicked:
    if upload is None:
        st.error("Choose an image file first.")
    else:
        try:
            save_logo(ui.get_store(), actor, upload.getvalue(), upload.name)
        except BrandError as exc:
            st.error(md(str(exc)))
        else:
            ui.flash("Logo saved ({name}). Decks, HTML briefings and the presentation now show it.", name=upload.name)
            st.rerun()

if submitted:
    new_errors = {}
    changed = {}
    for key, raw in entered.items():
        if key in EVENT_KEYS and current[key] is None and not str(raw or "").strip():
            continue  # an event setting left not set (typed box left blank): nothing to save
        try:
            value = coerce(key, raw)
        except SettingError as exc:
            new_errors[key] = str(exc)
            continue
        if value != current[key] or key in invalid:  # saving replaces a stored value that is out of range
            changed[key] = value
    if not new_errors and changed:
        try:
            update_settings(ui.get_store(), actor, changed)
        except SettingError as exc:
            new_errors["_"] = str(exc)
        else:
            ui.flash("Settings saved ({names}). KPIs, funnels and views now use them.",
                     names=", ".join(k.replace("_", " ") for k in changed))
    st.session_state[ERRORS] = new_errors
    if not new_errors and not changed:
        st.info("Nothing changed.")
    else:
        st.rerun()
