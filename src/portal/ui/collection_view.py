"""The Collections page's parts: the dataset's collections, and one collection opened as a page of its own.

One collection opens from the link ``?collection=<number>``: the number is read as a plain integer (never
unpickled), and a bad or unknown number gives a clear message. Comments are shown as escaped Markdown.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import streamlit as st

from portal import settings
from portal.errors import NotFoundError
from portal.model import DatasetInfo
from portal.numbers import plural
from portal.services import collections as collection_service
from portal.services import datasets as dataset_service
from portal.services.collection_export import (
    NOT_IN_DATA,
    collection_csv_frame,
    collection_html,
    item_facts,
    theme_lines,
)
from portal.services.collections import Collection, OpenedCollection, ThemeContext
from portal.ui.collect import COLLECTION_PARAM, collection_link
from portal.ui.context import get_store
from portal.ui.downloads import csv_download
from portal.ui.markdown import escape_markdown
from portal.ui.theme_data import theme_stamp


def file_stem(name: str) -> str:
    """Return a collection name fit for a file name."""
    kept = "".join(ch if ch.isalnum() or ch in "-_ " else "-" for ch in name).strip()
    return "-".join(kept.split()) or "collection"


def share_url(collection_id: int) -> str:
    """Return the link that opens the collection: this page's own address (when known) with its number."""
    base = str(getattr(st.context, "url", "") or "").split("?")[0].split("#")[0]
    return f"{base or '/collections'}?{COLLECTION_PARAM}={collection_id}"


def collection_list(info: DatasetInfo) -> None:
    """Draw the dataset's collections, each with a link that opens it, and the form that makes a new one."""
    found = collection_service.list_collections(get_store(), info.name)
    st.caption(escape_markdown(f"Collections of {info.name}. Each dataset keeps its own: choose another dataset in "
                               "the sidebar to see its collections."))
    if not found:
        st.info("No collection yet. On the Themes page, open a theme and press **Save** beside a comment to keep "
                "it as evidence in a new collection; on the Competitors page, click a cell and save a review.",
                icon=":material/collections_bookmark:")
    for collection in found:
        with st.container(border=True):
            collection_link(collection.name, collection.id)
            line = f"{plural(collection.items, 'comment')} · made {collection.created_at:%d %b %Y}"
            st.caption(escape_markdown(f"{collection.note} · {line}" if collection.note else line))
    with st.expander("Make an empty collection", icon=":material/add:"):
        with st.form("collections_new", clear_on_submit=True, border=False):
            name = st.text_input("Name", placeholder="e.g. Onboarding pain, Q3")
            note = st.text_area("What it shows (optional)")
            if st.form_submit_button("Make the collection", type="primary"):
                collection_service.create_collection(get_store(), info.name, name, note)
                st.rerun()


@st.cache_data(show_spinner="Reading the themes ...", max_entries=8)
def _context(url: str, dataset: str, version: int, stamp: tuple[Any, ...]) -> ThemeContext:
    """Return the dataset's theme context (cached per store, dataset, data version and codeframe stamp)."""
    del url, version, stamp
    return collection_service.theme_context(get_store(), dataset)


def open_from_link(collection_id: int) -> OpenedCollection:
    """Return the collection with its themes' figures (the figures kept while data and codeframe stay the same)."""
    store = get_store()
    dataset = collection_service.get_collection(store, collection_id).dataset
    info = dataset_service.find_dataset(store, dataset)
    if info is None:
        raise NotFoundError(f"The dataset '{dataset}' of this collection is gone.")
    context = _context(settings.database_url(), info.name, info.data_version, theme_stamp(info))
    return collection_service.open_collection(store, collection_id, context=context)


def opened_collection(raw: str) -> None:
    """Draw the collection the link names (``raw``: the link's value), or a clear message when it cannot."""
    opened = open_from_link(collection_service.parse_collection_id(raw))
    c = opened.collection
    if st.button("All collections", key="collections_back", icon=":material/arrow_back:", type="tertiary"):
        st.query_params.pop(COLLECTION_PARAM, None)
        st.rerun()
    st.header(escape_markdown(c.name), anchor=False)
    if c.note:
        st.markdown(escape_markdown(c.note))
    st.caption(escape_markdown(f"{plural(len(opened.items), 'comment')} from the dataset '{c.dataset}'. Each "
                               "theme's figures cover the whole dataset, not only these comments."))
    share_and_download(opened)
    if opened.missing:
        st.warning(escape_markdown(f"{plural(opened.missing, 'comment')} of this collection "
                                   f"{'is' if opened.missing == 1 else 'are'} no longer in the data (an import was "
                                   "undone or rows were removed); they come back if the rows are imported again."),
                   icon=":material/link_off:")
    if opened.items.empty:
        st.info("This collection is empty. Save comments into it from the Themes or Competitors page.",
                icon=":material/bookmark_add:")
    for place, item in enumerate(opened.items.to_dict(orient="records")):
        item_card(opened, item, place)
    edit_collection(c)


def share_and_download(opened: OpenedCollection) -> None:
    """Draw the collection's share link and its CSV and printable HTML downloads."""
    c = opened.collection
    st.markdown("**Share this collection**: anyone who can open the portal sees it at this address.")
    st.code(share_url(c.id), language=None)
    left, right = st.columns(2)
    with left:
        csv_download(collection_csv_frame(opened), "Download as CSV", f"{file_stem(c.name)}.csv",
                     key="collections_csv")
    with right:
        st.download_button("Download a printable page (HTML)", data=collection_html(opened, now=datetime.now()),
                           file_name=f"{file_stem(c.name)}.html", mime="text/html", key="collections_html",
                           icon=":material/print:")


def item_card(opened: OpenedCollection, item: dict, place: int) -> None:
    """Draw one comment: its text, note, fields, its themes' figures, and move up, down and remove."""
    last = len(opened.items) - 1
    with st.container(border=True):
        text_col, act_col = st.columns([10, 2])
        text = str(item["comment"]) if item["in_data"] else NOT_IN_DATA
        shown = escape_markdown(text) if item["in_data"] else f":gray[*{escape_markdown(text)}*]"
        text_col.markdown(f"> **{place + 1}.** {shown}")
        if item["note"]:
            text_col.markdown(f"**Note:** {escape_markdown(item['note'])}")
        facts = item_facts(item)
        if facts:
            text_col.caption(escape_markdown(" · ".join(facts)))
        for line in theme_lines(opened, item["themes"]):
            text_col.caption(escape_markdown(line))
        with act_col:
            _actions(opened.collection, str(item["row_key"]), place, last)


def _actions(c: Collection, row_key: str, place: int, last: int) -> None:
    """Draw the move up, move down and remove buttons of one comment."""
    store = get_store()
    if st.button("Up", key=f"collections_up_{place}", icon=":material/arrow_upward:", disabled=place == 0,
                 help="Move this comment up one place"):
        collection_service.shift_comment(store, c.id, row_key, -1)
        st.rerun()
    if st.button("Down", key=f"collections_down_{place}", icon=":material/arrow_downward:", disabled=place == last,
                 help="Move this comment down one place"):
        collection_service.shift_comment(store, c.id, row_key, 1)
        st.rerun()
    if st.button("Remove", key=f"collections_remove_{place}", icon=":material/delete:",
                 help="Take this comment out of the collection (it stays in the data)"):
        collection_service.remove_comment(store, c.id, row_key)
        st.rerun()


def edit_collection(c: Collection) -> None:
    """Draw the forms that rename the collection, change its note, or delete it."""
    with st.expander("Rename, change the note or delete", icon=":material/edit:"):
        with st.form("collections_edit", border=False):
            name = st.text_input("Name", value=c.name)
            note = st.text_area("What it shows", value=c.note)
            if st.form_submit_button("Save the changes"):
                collection_service.rename_collection(get_store(), c.id, name, note)
                st.rerun()
        sure = st.checkbox("Yes, delete this collection (its comments stay in the data)", key="collections_sure")
        if st.button("Delete the collection", key="collections_delete", icon=":material/delete:", disabled=not sure):
            collection_service.delete_collection(get_store(), c.id)
            st.query_params.pop(COLLECTION_PARAM, None)
            st.rerun()
