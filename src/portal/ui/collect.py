"""The small "Save to collection" control beside a comment: pick a collection or name a new one, add a note."""

from __future__ import annotations

import hashlib

import streamlit as st
from streamlit.errors import StreamlitAPIException

from portal.model import DatasetInfo
from portal.services import collections as collection_service
from portal.ui.context import get_store
from portal.ui.errors import friendly_errors
from portal.ui.markdown import escape_markdown

#: The collections page, and the query parameter that opens one collection on it.
COLLECTIONS_PAGE = "pages/collections.py"
COLLECTION_PARAM = "collection"
#: The picker's choice that makes a new collection.
NEW = 0


def collection_link(label: str, collection_id: int) -> None:
    """Draw a link that opens one collection on the Collections page (its address in words when the page runs
    outside the portal's navigation)."""
    try:
        st.page_link(COLLECTIONS_PAGE, label=escape_markdown(label), icon=":material/collections_bookmark:",
                     query_params={COLLECTION_PARAM: str(int(collection_id))})
    except StreamlitAPIException:
        st.caption(escape_markdown(f"{label}: /collections?{COLLECTION_PARAM}={int(collection_id)}"))


def widget_key(prefix: str, row_key: str) -> str:
    """Return a widget key for one comment's control (the same comment keeps its own choices on every page)."""
    return f"{prefix}_{hashlib.blake2s(row_key.encode(), digest_size=8).hexdigest()}"


def save_control(info: DatasetInfo, row_key: str, *, key: str, label: str = "Save") -> None:
    """Draw a popover that saves the comment ``row_key`` of ``info`` into a collection (``key``: unique prefix)."""
    with st.popover(label, icon=":material/bookmark_add:", help="Save this comment to an evidence collection"):
        save_form(info, row_key, key=key)


def save_form(info: DatasetInfo, row_key: str, *, key: str) -> None:
    """Draw the collection picker, a name for a new one, a note and the Save button."""
    found = collection_service.list_collections(get_store(), info.name)
    names = {c.id: c.name for c in found}
    made = st.session_state.pop(f"{key}_then", None)
    if made in names:  # the collection this comment just went into: picked from now on, its name cleared
        st.session_state[f"{key}_pick"] = made
        st.session_state[f"{key}_name"] = ""
    choice = st.selectbox("Collection", [NEW, *names], key=f"{key}_pick",
                          format_func=lambda i: "A new collection …" if i == NEW else names.get(i, str(i)))
    new_name = ""
    if choice == NEW:
        new_name = st.text_input("Name of the new collection", key=f"{key}_name",
                                 placeholder="e.g. Onboarding pain, Q3", max_chars=collection_service.MAX_NAME_LENGTH)
    note = st.text_input("Your note (optional)", key=f"{key}_note", max_chars=collection_service.MAX_NOTE_LENGTH,
                         placeholder="why this comment matters")
    if st.button("Save to collection", key=f"{key}_save", type="primary", icon=":material/bookmark_add:"):
        with friendly_errors():
            target, added = collection_service.save_comment(
                get_store(), info.name, row_key, collection_id=None if choice == NEW else int(choice),
                new_name=new_name, note=note)
            st.session_state[f"{key}_then"] = target.id
            what = "Saved to" if added else "Already in"
            st.success(escape_markdown(f"{what} '{target.name}' ({target.items} comments)."),
                       icon=":material/bookmark_added:")
            collection_link("Open the collection", target.id)


def pick_and_save(info: DatasetInfo, row_keys: list[str], texts: list[str], *, key: str,
                  what: str = "comment") -> None:
    """Draw a picker over a table's comments and the save form for the one picked (for comments shown in a table)."""
    shown = dict(zip(row_keys, texts, strict=True))
    with st.expander(f"Save a {what} to a collection", icon=":material/bookmark_add:"):
        picked = st.selectbox(what.capitalize(), list(shown), key=f"{key}_row", format_func=lambda k: _short(shown[k]))
        if picked is not None:
            save_form(info, str(picked), key=widget_key(key, str(picked)))


def _short(text: object, limit: int = 120) -> str:
    """Return a comment on one line, cut to ``limit`` characters."""
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
