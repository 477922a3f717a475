"""Data sources: upload a file, confirm what was understood, import; manage datasets and their history."""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from portal import settings
from portal.services.imports import commit, prepare, propose
from portal.ingest.read import Table, read_table
from portal.model import KINDS, dataset_name_problem
from portal.ui.context import get_store, run_through_app
from portal.ui.errors import friendly_errors
from portal.ui.importing import configure, result_sentence, show_validation

NEW = "➕ New dataset"


@st.cache_data(show_spinner="Reading the file ...", max_entries=4)
def _read(data: bytes, name: str, sheet: str | None, digest: str) -> Table:
    """Read an uploaded file (cached by its content digest)."""
    return read_table(data, name, sheet=sheet, max_bytes=settings.max_upload_bytes())


def upload_step(store) -> None:
    """Upload, mapping, validation and import of one file."""
    nonce = st.session_state.setdefault("upload_nonce", 0)
    uploaded = st.file_uploader(
        "Feedback file (CSV, TSV or Excel)",
        type=["csv", "tsv", "txt", "xlsx", "xls"],
        key=f"upload_{nonce}",
        help="A survey export, support tickets or reviews: one row per response, one header row.",
    )
    if "last_result" in st.session_state:
        st.success(st.session_state.pop("last_result"), icon=":material/check_circle:")
    if uploaded is None:
        st.caption(
            "The portal reads the file, shows you which column it takes as score, date, comment and segment, "
            "lists any rows it cannot use, and imports only when you confirm. Importing the same file again "
            "adds nothing twice."
        )
        return
    data = uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    table = _read(data, uploaded.name, None, digest)
    if len(table.sheets) > 1:
        sheet = st.selectbox("Worksheet", table.sheets, key="upload_sheet")
        if sheet != table.sheet:
            table = _read(data, uploaded.name, sheet, digest)
    st.caption(
        f"Read {len(table.frame):,} rows and {len(table.frame.columns)} columns"
        + (f" ({table.encoding}, separated by {table.delimiter!r})" if table.encoding else "")
        + "."
    )

    datasets = [d.name for d in store.datasets()]
    left, right = st.columns(2)
    target = left.selectbox("Import into", [NEW, *datasets], key="upload_target")
    if target == NEW:
        name = left.text_input("Name of the new dataset", value=Path(uploaded.name).stem[:80], key="upload_name")
    else:
        name = target
    existing = store.dataset(name) if name else None
    kind = right.radio(
        "What kind of feedback is it?",
        KINDS,
        index=KINDS.index(existing.kind) if existing else 0,
        format_func=lambda k: {"survey": "Survey (NPS / CSAT)", "reviews": "Reviews (star ratings)"}[k],
        horizontal=True,
        key="upload_kind",
        disabled=existing is not None,
    )
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
    left, right = st.columns([1, 4])
    v = prepared.validation
    go = left.button(f"Import {len(v.canonical):,} rows", type="primary", key=f"import_{nonce}",
                     disabled=v.canonical.empty)
    if right.button("Cancel", key=f"cancel_{nonce}"):
        st.session_state["upload_nonce"] = nonce + 1
        st.rerun()
    if go:
        bar = st.progress(0.0, text="Importing ...")
        result = commit(store, name.strip(), prepared, source=prepared.table.source, source_kind="file",
                        progress=lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m))
        st.session_state["last_result"] = result_sentence(result.dataset, result.added, result.updated,
                                                          result.unchanged, result.rejected)
        st.session_state["upload_nonce"] = nonce + 1
        st.session_state["dataset"] = result.dataset
        st.rerun()


def manage_step(store) -> None:
    """List datasets with their import history; revert an import; delete a dataset."""
    datasets = store.datasets()
    if not datasets:
        st.info("No data yet. Upload a file above, or run `portal demo` to load the demo datasets.")
        return
    for info in datasets:
        span = ""
        if info.date_min is not None and info.date_max is not None:
            span = f", {info.date_min:%d %b %Y} to {info.date_max:%d %b %Y}"
        with st.expander(f"{info.name} — {info.rows:,} responses{span}"):
            roles = {k: v for k, v in info.config.mapping.to_dict().items() if v}
            st.caption("Columns: " + "; ".join(
                f"{k}: {v if isinstance(v, str) else ', '.join(v)}" for k, v in roles.items()))
            history = store.imports(info.name)
            st.dataframe(history, hide_index=True)
            ok = history[history["status"] == "ok"] if "status" in history else history
            if len(ok):
                left, right = st.columns([2, 3])
                chosen = left.selectbox("Undo an import", ok["id"].tolist(), key=f"revert_pick_{info.name}",
                                        format_func=lambda i: f"Import {i}")
                if right.button("Revert this import", key=f"revert_{info.name}",
                                help="Rows it added are removed; rows it changed go back to how they were."):
                    r = store.revert_import(int(chosen))
                    st.session_state["last_manage"] = (
                        f"Reverted import {r.import_id}: {r.removed:,} rows removed, {r.restored:,} restored."
                    )
                    st.rerun()
            typed = st.text_input(f"To delete '{info.name}', type its name", key=f"delete_name_{info.name}")
            if st.button("Delete dataset", key=f"delete_{info.name}", disabled=typed != info.name):
                store.delete_dataset(info.name)
                st.session_state["last_manage"] = f"Deleted dataset '{info.name}'."
                st.rerun()
    if "last_manage" in st.session_state:
        st.success(st.session_state.pop("last_manage"))


def main() -> None:
    """Draw the page."""
    run_through_app()
    st.title("Data sources")
    store = get_store()
    upload, sheet, manage = st.tabs(["Upload a file", "Google Sheet", "Datasets and history"])
    with upload, friendly_errors():
        upload_step(store)
    with sheet, friendly_errors():
        try:
            from portal.ui.sheets import sheet_step
        except ImportError:
            st.info("Google Sheets support is not installed in this build.")
        else:
            sheet_step(store)
    with manage, friendly_errors():
        manage_step(store)


main()
