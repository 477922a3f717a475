"""Collections: customer comments kept as evidence, each collection opened as a page of its own and shared by link."""

from __future__ import annotations

import streamlit as st

from portal.ui.collect import COLLECTION_PARAM
from portal.ui.collection_view import collection_list, opened_collection
from portal.ui.context import data_page
from portal.ui.errors import friendly_errors


def empty_state() -> None:
    """Explain how to add data when the store has no dataset."""
    st.title("Collections", anchor=False)
    st.info("There is no data yet. Import a file on the Data sources page, or run `portal demo` to load two demo "
            "datasets; then save customer comments into collections from the Themes page.", icon=":material/info:")
    st.page_link("pages/data_sources.py", label="Add data on the Data sources page", icon=":material/upload_file:")


def main() -> None:
    """Draw the collection the link names, or the chosen dataset's collections."""
    ctx = data_page("collections", empty_state)
    if ctx is None:
        return
    st.title("Collections", anchor=False)
    raw = st.query_params.get(COLLECTION_PARAM)
    if raw is not None:
        opened_collection(raw)
        return
    st.caption("Customer comments kept as evidence: each collection has a note, its comments in your order, what "
               "their themes stand for across the whole dataset, a link to share and downloads.")
    collection_list(ctx.info)


with friendly_errors():
    main()
