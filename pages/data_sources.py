"""Data sources: upload a file, confirm what was understood, import; manage datasets and their history."""

from __future__ import annotations

import streamlit as st

from portal.ui.context import get_store, run_through_app
from portal.ui.datasets import datasets_tab
from portal.ui.errors import friendly_errors
from portal.ui.links import linked
from portal.ui.sheets import sheet_tab
from portal.ui.upload import upload_tab


def main() -> None:
    """Draw the page: each tab shows its own failure, so the other tabs still draw."""
    run_through_app()
    st.title("Data sources")
    store = get_store()
    tabs = ["Upload a file", "Google Sheet", "Datasets and history"]
    upload, sheet, manage = st.tabs(tabs, **linked("sources_tab", tabs, what="the tab"))
    with upload:
        upload_tab(store)
    with sheet:
        sheet_tab(store)
    with manage:
        datasets_tab(store)


with friendly_errors():
    main()
