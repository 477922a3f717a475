"""The file tab of Data sources: upload a file, confirm what was understood, import."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from portal import settings
from portal.ingest.read import Table, read_table
from portal.model import KINDS, DatasetInfo, dataset_name_problem
from portal.services import datasets as dataset_service
from portal.services.imports import Prepared, commit, prepare, propose
from portal.text.source_wording import read_line, result_sentence
from portal.ui.errors import friendly_errors
from portal.ui.importing import configure, show_validation
from portal.ui.markdown import escape_markdown
from portal.ui.progress import progress_bar

if TYPE_CHECKING:
    from portal.store import Store

NEW = "➕ New dataset"
_KIND_LABELS = {"survey": "Survey (NPS / CSAT)", "reviews": "Reviews (star ratings)"}


@st.cache_data(show_spinner="Reading the file ...", max_entries=4)
def _read(data: bytes, name: str, sheet: str | None, digest: str) -> Table:
    """Read an uploaded file (cached by its content digest)."""
    return read_table(data, name, sheet=sheet, max_bytes=settings.max_upload_bytes())


def _read_upload(uploaded: UploadedFile) -> Table:
    """Read the uploaded file, on the worksheet the person picks when it has several."""
    data = uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    table = _read(data, uploaded.name, None, digest)
    if len(table.sheets) > 1:
        sheet = st.selectbox("Worksheet", table.sheets, key="upload_sheet")
        if sheet != table.sheet:
            table = _read(data, uploaded.name, sheet, digest)
    st.caption(escape_markdown(read_line(len(table.frame), len(table.frame.columns), table.encoding,
                                         table.delimiter)))
    return table


def _target(store: Store, file_name: str) -> tuple[str, DatasetInfo | None, str]:
    """Draw the dataset and kind choices; return the dataset name, the dataset if it exists, and the kind."""
    datasets = [d.name for d in dataset_service.list_datasets(store)]
    left, right = st.columns(2)
    target = left.selectbox("Import into", [NEW, *datasets], key="upload_target")
    if target == NEW:
        name = left.text_input("Name of the new dataset", value=Path(file_name).stem[:80], key="upload_name")
    else:
        name = target
    existing = dataset_service.find_dataset(store, name) if name else None
    kind = right.radio("What kind of feedback is it?", KINDS, index=KINDS.index(existing.kind) if existing else 0,
                       format_func=_KIND_LABELS.__getitem__, horizontal=True, key="upload_kind",
                       disabled=existing is not None)
    return name, existing, kind


def _finish(store: Store, name: str, prepared: Prepared, nonce: int) -> None:
    """Draw the Import and Cancel buttons; import the valid rows when asked."""
    left, right = st.columns([1, 4])
    v = prepared.validation
    go = left.button(f"Import {len(v.canonical):,} rows", type="primary", key=f"import_{nonce}",
                     disabled=v.canonical.empty)
    if right.button("Cancel", key=f"cancel_{nonce}"):
        st.session_state["upload_nonce"] = nonce + 1
        st.rerun()
    if go:
        result = commit(store, name.strip(), prepared, source=prepared.table.source, source_kind="file",
                        progress=progress_bar("Importing ..."))
        st.session_state["last_result"] = result_sentence(result.dataset, result.added, result.updated,
                                                          result.unchanged, result.rejected)
        st.session_state["upload_nonce"] = nonce + 1
        st.session_state["dataset"] = result.dataset
        st.rerun()


def _upload_step(store: Store) -> None:
    """Upload, mapping, validation and import of one file."""
    nonce = st.session_state.setdefault("upload_nonce", 0)
    uploaded = st.file_uploader("Feedback file (CSV, TSV or Excel)", type=["csv", "tsv", "txt", "xlsx", "xls"],
                                key=f"upload_{nonce}",
                                help="A survey export, support tickets or reviews: one row per response, one "
                                     "header row.")
    if "last_result" in st.session_state:
        st.success(escape_markdown(st.session_state.pop("last_result")), icon=":material/check_circle:")
    if uploaded is None:
        st.caption(
            "The portal reads the file, shows you which column it takes as score, date, comment and segment, "
            "lists any rows it cannot use, and imports only when you confirm. Importing the same file again "
            "adds nothing twice."
        )
        return
    table = _read_upload(uploaded)
    name, existing, kind = _target(store, uploaded.name)
    base = propose(table, kind=kind, existing=existing.config if existing else None)
    config = configure(table, base, kind, key=str(nonce))
    if config is None:
        return
    prepared = prepare(table, config=config)
    show_validation(prepared, key=str(nonce))
    problem = dataset_name_problem(name)
    if problem:
        st.warning(problem)
        return
    _finish(store, name, prepared, nonce)


def upload_tab(store: Store) -> None:
    """Draw the file tab (a failure shows in the tab, the other tabs still draw)."""
    with friendly_errors():
        _upload_step(store)
