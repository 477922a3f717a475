"""The Google Sheet tab of Data sources: link a sheet, preview and map it, import, refresh, schedule."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from portal.errors import PortalError
from portal.ingest.gsheets import (
    SECRETS_SECTION,
    ServiceAccount,
    SheetData,
    fetch_sheet,
    list_worksheets,
    load_credentials,
)
from portal.model import KINDS, DatasetInfo, dataset_name_problem
from portal.services import datasets as dataset_service
from portal.services import job_kinds, jobs
from portal.services.imports import prepare, propose
from portal.services.sheets import (
    SchemaChanged,
    SheetSource,
    commit_sheet,
    set_delete_missing,
    set_schedule,
    sheet_sources,
    unlink_sheet,
)
from portal.text.source_wording import sheet_read_line, sync_sentence, sync_state_line
from portal.ui.context import get_store
from portal.ui.errors import friendly_errors
from portal.ui.importing import configure, show_validation
from portal.ui.jobs import wake_runner, watch
from portal.ui.mapping import mapping_editor
from portal.ui.markdown import escape_markdown
from portal.ui.progress import progress_bar

if TYPE_CHECKING:
    from portal.store import Store

MESSAGE_KEY = "sheet_message"
ERROR_KEY = "sheet_error"
#: The "Refresh now" job running for each linked dataset in this session (dataset -> job id).
SYNC_JOBS = "sheet_sync_jobs"
SCHEDULES: dict[str, int | None] = {
    "Only when I click Refresh": None,
    "Every 15 minutes": 15,
    "Every hour": 60,
    "Every 6 hours": 360,
    "Every day": 1440,
}


def secrets_credentials() -> dict | None:
    """Return the service-account key from Streamlit secrets, or None when there is no secrets file."""
    try:
        section = st.secrets.get(SECRETS_SECTION)
    except (FileNotFoundError, KeyError, OSError, ValueError):
        return None
    except Exception:  # noqa: BLE001 - a missing or unreadable secrets file is "no secrets", never a crash
        return None
    return dict(section) if section else None


def current_account() -> ServiceAccount | None:
    """Return the configured service account (secrets first, then the key-file setting)."""
    return load_credentials(secrets_credentials())


def _account_note(account: ServiceAccount | None) -> None:
    """Say how the portal can read sheets, and whom to share a private sheet with."""
    if account is None:
        st.caption(
            "No Google service account is configured, so the portal reads sheets shared as “anyone with the "
            "link can view”. For private sheets, an administrator sets up a service account (see README)."
        )
    else:
        st.caption("To read a private sheet, share it (as Viewer) with the portal's service account:")
        st.code(account.email, language=None)


def _schedule_label(minutes: int | None) -> str:
    """Return the schedule option matching ``minutes``."""
    for label, value in SCHEDULES.items():
        if value == minutes:
            return label
    return f"Every {minutes} minutes"


def _choose_worksheet(url: str, account: ServiceAccount | None) -> str | None:
    """Draw the worksheet choice: a list with a service account, else a name to type (empty: the linked one)."""
    if account is not None:
        titles = [s.title for s in list_worksheets(url, credentials=account)]
        return st.selectbox("Worksheet", titles, key="sheet_ws") if titles else None
    return st.text_input("Worksheet name (leave empty for the one the link points at)",
                         key="sheet_ws_name").strip() or None


@dataclass(frozen=True)
class SheetTarget:
    """Where a sheet goes: the dataset (and it, if it exists), its kind, identifying columns and schedule."""

    name: str
    existing: DatasetInfo | None
    kind: str
    keys: list[str]
    schedule: str


def _sheet_target(store: Store, data: SheetData) -> SheetTarget:
    """Draw the dataset, kind, identifying columns and schedule of a sheet to import."""
    left, right = st.columns(2)
    name = left.text_input("Dataset name", key="sheet_dataset", value=data.worksheet or "Google Sheet")
    existing = dataset_service.find_dataset(store, name.strip()) if name.strip() else None
    kind = right.radio("What kind of feedback is it?", KINDS, horizontal=True, key="sheet_kind",
                       index=KINDS.index(existing.kind) if existing else 0, disabled=existing is not None)
    keys = st.multiselect(
        "Identifying columns (to match edited rows when there is no id column)",
        list(data.table.frame.columns), key="sheet_keys",
        help="For a Google Form, pick the timestamp and the e-mail address.",
    )
    schedule = st.selectbox("Refresh automatically", list(SCHEDULES), key="sheet_schedule")
    return SheetTarget(name, existing, kind, keys, schedule)


def link_step(store: Store, account: ServiceAccount | None) -> None:
    """Paste a link, choose a worksheet, map and import."""
    url = st.text_input("Link to the Google Sheet", key="sheet_url",
                        placeholder="https://docs.google.com/spreadsheets/d/…/edit#gid=0").strip()
    if not url:
        return
    worksheet = _choose_worksheet(url, account)
    if not st.toggle("Read the sheet", key="sheet_read", help="Reads the sheet now to preview and map it."):
        return
    data = fetch_sheet(url, worksheet=worksheet, credentials=account)
    table = data.table
    st.caption(escape_markdown(sheet_read_line(len(table.frame), len(table.frame.columns), data.worksheet,
                                               data.auth_mode)))
    target = _sheet_target(store, data)
    existing = target.existing
    base = propose(table, kind=target.kind, key_columns=target.keys, existing=existing.config if existing else None)
    config = configure(table, base, target.kind, key="sheet")
    if config is None:
        return
    prepared = prepare(table, config=replace(config, key_columns=tuple(target.keys)))
    show_validation(prepared, key="sheet")
    problem = dataset_name_problem(target.name)
    if problem:
        st.warning(problem)
        return
    v = prepared.validation
    if st.button(f"Import {len(v.canonical):,} rows and link the sheet", type="primary", key="sheet_import",
                 disabled=v.canonical.empty):
        result = commit_sheet(store, target.name.strip(), data, prepared, interval_minutes=SCHEDULES[target.schedule],
                              progress=progress_bar("Importing ..."))
        st.session_state[MESSAGE_KEY] = sync_sentence(result.dataset, result.summary)
        st.session_state["sheet_read"] = False
        st.rerun()


def _schedule_choice(store: Store, source: SheetSource, column: DeltaGenerator) -> None:
    """Draw the sheet's schedule; a new choice is saved at once."""
    options = list(SCHEDULES)
    label = _schedule_label(source.interval_minutes)
    if label not in options:
        options.append(label)
    chosen = column.selectbox("Refresh automatically", options, index=options.index(label),
                              key=f"sched_{source.dataset}")
    if chosen != label and chosen in SCHEDULES:
        set_schedule(store, source.dataset, SCHEDULES[chosen])
        st.rerun()


def _linked_sheet(store: Store, source: SheetSource) -> None:
    """Draw one linked sheet: its last sync, schedule, deleted-rows choice, Refresh and Unlink."""
    st.markdown(f"**{escape_markdown(source.dataset)}** — "
                f"{escape_markdown(source.worksheet_title or 'first worksheet')}")
    st.caption(escape_markdown(sync_state_line(source.last_sync_at, source.last_status, source.last_message)))
    cols = st.columns([2, 2, 1, 1])
    _schedule_choice(store, source, cols[0])
    remove = cols[1].checkbox("Remove rows deleted in the sheet", value=source.delete_missing,
                              key=f"delmiss_{source.dataset}")
    if remove != source.delete_missing:
        set_delete_missing(store, source.dataset, remove)
    if _watch_sync(store, source.dataset):
        return
    cols[2].button("Refresh now", key=f"refresh_{source.dataset}", type="primary", on_click=_refresh,
                   args=(source.dataset,))
    if cols[3].button("Unlink", key=f"unlink_{source.dataset}", help="Stop syncing; the imported rows stay."):
        unlink_sheet(store, source.dataset)
        st.rerun()
    _remap_step(store, source.dataset)


def linked_step(store: Store) -> None:
    """List linked sheets with refresh, schedule, deleted-rows choice and unlink."""
    sources = sheet_sources(store)
    if not sources:
        return
    st.subheader("Linked sheets")
    for source in sources:
        with st.container(border=True):
            _linked_sheet(store, source)


def _refresh(dataset: str) -> None:
    """Queue "Refresh now" as a background job and remember it for this dataset (a click callback)."""
    st.session_state.setdefault(SYNC_JOBS, {})[dataset] = job_kinds.submit_sheet_sync(get_store(), dataset)
    wake_runner()


def _watch_sync(store: Store, dataset: str) -> bool:
    """Show a running sync's percentage (True); once it ended, keep its outcome for the page and rerun."""
    job_id = st.session_state.get(SYNC_JOBS, {}).get(dataset)
    if job_id is None:
        return False
    chain = watch(job_id)
    if chain and not chain[0].ended:
        return True
    del st.session_state[SYNC_JOBS][dataset]
    job = chain[0] if chain else None
    changed = (job.result or {}).get("schema_changed") if job else None
    info = dataset_service.find_dataset(store, dataset)
    if changed and info is not None:
        st.session_state[f"schema_{dataset}"] = SchemaChanged(dataset, changed["appeared"], changed["disappeared"],
                                                              changed["columns"], info.config.mapping)
    elif job is not None and job.state == jobs.JOB_DONE:
        st.session_state[MESSAGE_KEY] = sync_sentence(dataset, str((job.result or {}).get("message", "")))
    elif job is not None:
        st.session_state[ERROR_KEY] = job.error
    st.rerun()
    return False


def _remap_step(store: Store, dataset: str) -> None:
    """When the sheet's columns changed, let the person map the new columns and sync again."""
    change: SchemaChanged | None = st.session_state.get(f"schema_{dataset}")
    if change is None:
        return
    st.warning(escape_markdown(str(change)))
    info = dataset_service.find_dataset(store, dataset)
    frame = pd.DataFrame(columns=list(change.columns))
    config = replace(info.config, mapping=change.suggested) if info else None
    if config is None:
        return
    mapping, problems = mapping_editor(frame, config, {c: "new column" for c in change.appeared},
                                       key=f"remap_{dataset}")
    for problem in problems:
        st.warning(escape_markdown(problem))
    if not problems and st.button("Use this mapping and sync", key=f"remap_go_{dataset}"):
        del st.session_state[f"schema_{dataset}"]
        st.session_state.setdefault(SYNC_JOBS, {})[dataset] = job_kinds.submit_sheet_sync(store, dataset,
                                                                                           remap=mapping)
        wake_runner()
        st.rerun()


def _sheet_step(store: Store) -> None:
    """Draw the whole Google Sheet tab."""
    if MESSAGE_KEY in st.session_state:
        st.success(escape_markdown(st.session_state.pop(MESSAGE_KEY)), icon=":material/check_circle:")
    if ERROR_KEY in st.session_state:
        st.error(escape_markdown(st.session_state.pop(ERROR_KEY)), icon=":material/error:")
    try:
        account = current_account()
    except PortalError as err:
        st.error(escape_markdown(str(err)))
        account = None
    _account_note(account)
    link_step(store, account)
    linked_step(store)


def sheet_tab(store: Store) -> None:
    """Draw the Google Sheet tab (a failure shows in the tab, the other tabs still draw)."""
    with friendly_errors():
        _sheet_step(store)
