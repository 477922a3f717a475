"""Insights Portal: the entry point. Navigation only; every page lives in pages/."""

from __future__ import annotations

import streamlit as st

from portal.ui import ICON
from portal.ui.errors import friendly_errors
from portal.ui.filters import keep_in_url
from portal.ui.jobs import announce_ended_jobs, start_job_runner, work_in_progress
from portal.ui.scheduler import start_sheet_sync

st.set_page_config(page_title="Insights Portal", page_icon=str(ICON), layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/segments.py", title="Segments", icon=":material/bar_chart:"),
    st.Page("pages/journey.py", title="Journey", icon=":material/route:"),
    st.Page("pages/themes.py", title="Themes", icon=":material/category:"),
    st.Page("pages/competitors.py", title="Competitors", icon=":material/compare_arrows:"),
    st.Page("pages/collections.py", title="Collections", icon=":material/collections_bookmark:"),
    st.Page("pages/data_sources.py", title="Data sources", icon=":material/upload_file:"),
]

page = st.navigation(PAGES)
start_sheet_sync()  # linked Google Sheets refresh on their schedule while the portal runs
start_job_runner()  # imports and the work after them run in the background, whichever page is open
keep_in_url()  # switching pages clears the query string; the filters stay in the link
with friendly_errors():
    announce_ended_jobs()  # a job that ended says so once, on the next page view
    work_in_progress()  # the sidebar's list of running and interrupted jobs
    page.run()
