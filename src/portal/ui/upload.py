"""The file tab of Data sources: upload a file, confirm what was understood, import."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from portal import settings
from portal.ingest.detect import guess_kind
from portal.ingest.read import EXCEL_EXTENSIONS, TEXT_EXTENSIONS, Table, read_table
from portal.model import KINDS, DatasetInfo, dataset_name_problem
from portal.services import datasets as dataset_service
from portal.services import jobs
from portal.services.imports import Prepared, prepare, propose
from portal.services.job_kinds import submit_import
from portal.text.source_wording import missing_sentence, read_line
from portal.ui.errors import friendly_errors
from portal.ui.importing import configure, missing_preview, show_missing, show_validation
from portal.ui.jobs import wake_runner, watch
from portal.ui.markdown import escape_markdown

if TYPE_CHECKING:
    from portal.store import Store

NEW = "➕ New dataset"
_SUPPORTED = ", ".join(sorted(e for e in TEXT_EXTENSIONS | EXCEL_EXTENSIONS if e))
_LAST_MISSING = "upload_last_missing"
_JOB = "upload_job"
_KIND_LABELS = {"survey": "Survey (NPS / CSAT)", "reviews": "Reviews (star ratings)"}


@st.cache_data(show_spinner="Reading the file ...", max_entries=4)
def _read(data: bytes, name: str, sheet: str | None, digest: str) -> Table:
    """Read an uploaded file (cached by its content digest)."""
    return read_table(data, name, sheet=sheet, max_bytes=settings.max_upload_bytes())


def _read_upload(uploaded: UploadedFile, digest: str) -> Table:
    """Read the uploaded file, on the worksheet the person picks when it has several."""
    data = uploaded.getvalue()
    table = _read(data, uploaded.name, None, digest)
    if len(table.sheets) > 1:
        sheet = st.selectbox("Worksheet", table.sheets, key="upload_sheet")
        if sheet != table.sheet:
            table = _read(data, uploaded.name, sheet, digest)
    st.caption(escape_markdown(read_line(len(table.frame), len(table.frame.columns), table.encoding,
                                         table.delimiter)))
    return table


def _target(store: Store, table: Table, digest: str) -> tuple[str, DatasetInfo | None, str] | None:
    """Draw the dataset and kind choices; return the dataset name, the dataset if it exists, and the kind.

    Return None while "New dataset" names a dataset that exists and the person has not said to add to it.
    """
    datasets = [d.name for d in dataset_service.list_datasets(store)]
    left, right = st.columns(2)
    target = left.selectbox("Import into", [NEW, *datasets], key="upload_target")
    if target == NEW:
        name = left.text_input("Name of the new dataset", value=Path(table.source).stem[:80], key="upload_name")
    else:
        name = target
    existing = dataset_service.find_dataset(store, name.strip()) if name.strip() else None
    if target == NEW and existing is not None:
        st.warning(escape_markdown(
            f"A dataset named '{existing.name}' already exists. Tick the box to add this file's rows to it, or "
            "type another name for a new dataset."), icon=":material/warning:")
        if not left.checkbox(f"Add to the existing dataset '{existing.name}'", key=f"upload_join_{digest[:16]}"):
            return None
    guessed = existing.kind if existing else guess_kind(table.frame)
    kind = right.radio("What kind of feedback is it?", KINDS, index=KINDS.index(guessed),
                       format_func=_KIND_LABELS.__getitem__, horizontal=True, key=f"upload_kind_{digest[:16]}",
                       disabled=existing is not None)
    return name, existing, kind if existing is None else existing.kind


def _finish(store: Store, name: str, prepared: Prepared, nonce: int, missing: pd.DataFrame, data: bytes) -> None:
    """Draw the Import and Cancel buttons; queue the import of the file's bytes as a job when asked
    (``missing``: the stored rows the file no longer has, shown again once the import is done)."""
    left, right = st.columns([1, 4])
    v = prepared.validation
    go = left.button(f"Import {len(v.canonical):,} rows", type="primary", key=f"import_{nonce}",
                     disabled=v.canonical.empty)
    if right.button("Cancel", key=f"cancel_{nonce}"):
        st.session_state["upload_nonce"] = nonce + 1
        st.rerun()
    if go:
        job_id = submit_import(store, name.strip(), data, source=prepared.table.source, sheet=prepared.table.sheet,
                               config=prepared.config)
        st.session_state[_JOB] = (job_id, missing, prepared.keyed)
        st.session_state["upload_nonce"] = nonce + 1
        wake_runner()
        st.rerun()


def _import_outcome(store: Store) -> None:
    """While the queued import (and the work after it) runs, show its percentage; once done, what it did."""
    job_id, missing, keyed = st.session_state[_JOB]
    chain = watch(job_id)
    if chain and not all(j.ended for j in chain):
        return
    st.session_state.pop(_JOB)
    if not chain:
        return
    jobs.announced(store, [job_id])  # said here; no notice on the next page
    first = chain[0]
    if first.state != jobs.JOB_DONE:
        st.error(escape_markdown(jobs.outcome(first)), icon=":material/error:")
        return
    result = first.result or {}
    said = [result.get("message")] + [(j.result or {}).get("message") if j.state == jobs.JOB_DONE
                                      else jobs.outcome(j) for j in chain[1:]]
    st.session_state["last_result"] = " ".join(m for m in said if m)
    dataset = str(result.get("dataset") or first.dataset)
    st.session_state["dataset"] = dataset
    if len(missing):
        sentence = missing_sentence(dataset, len(missing), keyed=keyed, done=True,
                                    removed=bool(result.get("removed")))
        st.session_state[_LAST_MISSING] = (missing, sentence, dataset)


def _upload_step(store: Store) -> None:
    """Upload, mapping, validation and import of one file."""
    nonce = st.session_state.setdefault("upload_nonce", 0)
    if _JOB in st.session_state:
        _import_outcome(store)
    # No type filter: the browser would refuse other files with no word of why; the reader says what is wrong.
    uploaded = st.file_uploader("Feedback file (CSV, TSV or Excel)", key=f"upload_{nonce}",
                                help="A survey export, support tickets or reviews: one row per response, one "
                                     f"header row. Files ending in {_SUPPORTED} are read.")
    if "last_result" in st.session_state:
        st.success(escape_markdown(st.session_state.pop("last_result")), icon=":material/check_circle:")
    if uploaded is not None:
        st.session_state.pop(_LAST_MISSING, None)
    elif _LAST_MISSING in st.session_state:  # stays until the next file, so its download can be clicked
        missing, sentence, dataset = st.session_state[_LAST_MISSING]
        show_missing(missing, sentence, dataset, key="last")
    if uploaded is None:
        st.caption(
            "The portal reads the file, shows you which column it takes as score, date, comment and segment, "
            "lists any rows it cannot use, and imports only when you confirm. Importing the same file again "
            "adds nothing twice."
        )
        return
    digest = hashlib.sha256(uploaded.getvalue()).hexdigest()
    table = _read_upload(uploaded, digest)
    target = _target(store, table, digest)
    if target is None:
        return
    name, existing, kind = target
    base = propose(table, kind=kind, existing=existing.config if existing else None)
    config = configure(table, base, kind, key=str(nonce))
    if config is None:
        return
    prepared = prepare(table, config=config)
    show_validation(prepared, key=str(nonce))
    missing = missing_preview(store, name, existing, prepared)
    show_missing(missing, missing_sentence(name, len(missing), keyed=prepared.keyed, done=False), name,
                 key=str(nonce))
    problem = dataset_name_problem(name)
    if problem:
        st.warning(problem)
        return
    _finish(store, name, prepared, nonce, missing, uploaded.getvalue())


def upload_tab(store: Store) -> None:
    """Draw the file tab (a failure shows in the tab, the other tabs still draw)."""
    with friendly_errors():
        _upload_step(store)
