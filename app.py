"""Pillars: the Streamlit entry point. Sets the page config and the navigation; nothing else."""
import streamlit as st

import pillars_ui as ui

st.set_page_config(page_title="Pillars", page_icon=":material/view_column:", layout="wide")

# (section, file, title, icon, editors only). The folder is app_pages/, not pages/: Streamlit 1.67
# ignores st.navigation (and this file) whenever a folder named pages/ sits beside the entry script.
PAGES = [
    ("Dashboards", "app_pages/overview.py", "Overview", ":material/dashboard:", False),
    ("Dashboards", "app_pages/growth.py", "Growth", ":material/trending_up:", False),
    ("Dashboards", "app_pages/experiments.py", "Experiments", ":material/science:", False),
    ("Dashboards", "app_pages/ai_quality.py", "AI quality", ":material/smart_toy:", False),
    ("Plan", "app_pages/okrs.py", "OKRs", ":material/flag:", False),
    ("Plan", "app_pages/roadmap.py", "Roadmap", ":material/route:", False),
    ("Plan", "app_pages/discovery.py", "Discovery", ":material/travel_explore:", False),
    ("Plan", "app_pages/strategy.py", "Strategy", ":material/explore:", False),
    ("Share", "app_pages/audiences.py", "Stakeholder views", ":material/groups:", False),
    ("Share", "app_pages/present.py", "Executive presentation", ":material/slideshow:", False),
    ("People", "app_pages/career.py", "Career & pay", ":material/work:", False),
    ("Workspace", "app_pages/data.py", "Data", ":material/upload_file:", True),
    ("Workspace", "app_pages/settings.py", "Settings", ":material/settings:", False),
]

ui.guard_start()  # refuse to serve on an unknown PILLARS_* setting, or a remote visitor in local mode
ui.get_store()  # open (and on first start, fill) the workspace before any page runs
actor = ui.current_actor()
sections: dict[str, list] = {}
for section, path, title, icon, editors_only in PAGES:
    if editors_only and not actor.can_edit:
        continue
    sections.setdefault(section, []).append(st.Page(path, title=title, icon=icon, default=path == "app_pages/overview.py"))

nav = st.navigation(sections, expanded=True)  # every page listed: with 14 Streamlit hides some behind "View more"
ui.sidebar_identity()
with ui.run_slot():  # page runs take turns (see pillars_ui.run_slot): a crowd's median halves
    nav.run()
