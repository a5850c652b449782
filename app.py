"""Pillars: the Streamlit entry point. Sets the page config and the navigation; nothing else."""
from pathlib import Path

import streamlit as st

import pillars_ui as ui

st.set_page_config(page_title="Pillars", page_icon=":material/view_column:", layout="wide")

HERE = Path(__file__).resolve().parent
# (section, file, title, icon, editors only). A page is listed only once its file exists.
PAGES = [
    ("Dashboards", "pages/overview.py", "Overview", ":material/dashboard:", False),
    ("Dashboards", "pages/growth.py", "Growth", ":material/trending_up:", False),
    ("Dashboards", "pages/experiments.py", "Experiments", ":material/science:", False),
    ("Plan", "pages/okrs.py", "OKRs", ":material/flag:", False),
    ("Plan", "pages/roadmap.py", "Roadmap", ":material/route:", False),
    ("Share", "pages/audiences.py", "Stakeholder views", ":material/groups:", False),
    ("Share", "pages/present.py", "Executive presentation", ":material/slideshow:", False),
    ("People", "pages/career.py", "Career & pay", ":material/work:", False),
    ("Workspace", "pages/data.py", "Data", ":material/upload_file:", True),
    ("Workspace", "pages/settings.py", "Settings", ":material/settings:", False),
]

ui.get_store()  # open (and on first start, fill) the workspace before any page runs
actor = ui.current_actor()
sections: dict[str, list] = {}
for section, path, title, icon, editors_only in PAGES:
    if editors_only and not actor.can_edit:
        continue
    if not (HERE / path).exists():
        continue
    sections.setdefault(section, []).append(st.Page(path, title=title, icon=icon, default=path == "pages/overview.py"))

nav = st.navigation(sections)
ui.sidebar_identity()
nav.run()
