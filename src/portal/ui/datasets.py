"""The datasets tab of Data sources: every dataset with its import history; revert an import; delete a dataset."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from portal.model import DatasetInfo
from portal.services import datasets as dataset_service
from portal.services.imports import revert_import
from portal.text.source_wording import dataset_title, history_table, revert_sentence, roles_line
from portal.ui.downloads import table_downloads
from portal.ui.errors import friendly_errors
from portal.ui.markdown import escape_markdown

if TYPE_CHECKING:
    from portal.store import Store

MESSAGE_KEY = "last_manage"


def _revert(store: Store, info: DatasetInfo) -> None:
    """Draw the import history and the choice of an import to revert."""
    history = dataset_service.import_history(store, info.name)
    table = history_table(history)
    st.dataframe(table, hide_index=True)
    table_downloads(table, "Download the history (CSV)", f"{info.name}-history.csv", key=f"history_csv_{info.name}")
    ok = history[history["status"] == "ok"] if "status" in history else history
    if not len(ok):
        return
    left, right = st.columns([2, 3])
    chosen = left.selectbox("Undo an import", ok["id"].tolist(), key=f"revert_pick_{info.name}",
                            format_func=lambda i: f"Import {i}")
    if right.button("Revert this import", key=f"revert_{info.name}",
                    help="Rows it added are removed; rows it changed go back to how they were."):
        r = revert_import(store, int(chosen))
        st.session_state[MESSAGE_KEY] = revert_sentence(r.import_id, r.removed, r.restored)
        st.rerun()


def _delete(store: Store, info: DatasetInfo) -> None:
    """Draw the delete box: the dataset goes once its name is typed and the button pressed."""
    typed = st.text_input(f"To delete '{escape_markdown(info.name)}', type its name", key=f"delete_name_{info.name}")
    if st.button("Delete dataset", key=f"delete_{info.name}", disabled=typed != info.name):
        dataset_service.delete_dataset(store, info.name)
        st.session_state[MESSAGE_KEY] = f"Deleted dataset '{info.name}'."
        st.rerun()


def _manage_step(store: Store) -> None:
    """List datasets with their import history; revert an import; delete a dataset."""
    datasets = dataset_service.list_datasets(store)
    if not datasets:
        st.info("No data yet. Upload a file above, or run `portal demo` to load the demo datasets.")
        return
    for info in datasets:
        with st.expander(escape_markdown(dataset_title(info.name, info.rows, info.date_min, info.date_max))):
            st.caption(escape_markdown(roles_line(info.config.mapping.to_dict())))
            _revert(store, info)
            _delete(store, info)
    if MESSAGE_KEY in st.session_state:
        st.success(escape_markdown(st.session_state.pop(MESSAGE_KEY)))


def datasets_tab(store: Store) -> None:
    """Draw the datasets tab (a failure shows in the tab, the other tabs still draw)."""
    with friendly_errors():
        _manage_step(store)
