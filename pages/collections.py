"""Collections: customer comments kept as evidence, each collection opened as a page of its own and shared by link."""

from __future__ import annotations

import streamlit as st

from portal.ui.collect import COLLECTION_PARAM
from portal.ui.collection_view import collection_list, opened_collection
from portal.ui.context import data_page
from portal.ui.errors import friendly_errors
from portal.ui.welcome import no_data


def empty_state() -> None:
    """Explain how to add data when the store has no dataset."""
    no_data("Collections", "Then save customer comments from the Themes or Competitors page into named "
            "collections: each opens here as a page of its own, to share by link or download.")


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
