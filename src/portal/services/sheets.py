"""Datasets kept up to date from a Google Sheet: importing a sheet, refreshing it (upsert) and scheduled syncs.

A dataset linked to a sheet remembers the sheet's link, worksheet, how it is read (service account or shared
link), the columns that identify a row, its header at the last sync and, optionally, a refresh interval.

``commit_sheet`` imports a sheet the person previewed and links it; it is the one way a sheet is imported
(the Data sources page and ``portal import SHEET-LINK`` both use it). ``resync`` re-reads the sheet and
upserts: new rows are added, edited rows updated, rows deleted in the sheet are reported (and removed only
when asked). A sheet whose columns changed raises ``SchemaChanged`` with what appeared and disappeared;
``resync(..., remap=mapping)`` accepts the new columns with the person's mapping. A failed sync is recorded in
the import history and leaves the stored rows as they were.

One sync runs at a time per dataset, across every process sharing the store, through a lease
(``portal.services.sheet_sources``). ``due_sources`` and ``run_due`` drive the automatic refresh (the UI polls
``run_due``; cron runs ``portal sync --all``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from collections.abc import Mapping as MappingT
from dataclasses import replace
from datetime import datetime
from typing import Any

from portal.errors import InputError, NotFoundError, PortalError, SourceError
from portal.ingest.gsheets import (
    AUTH_MODES,
    HttpOptions,
    ServiceAccount,
    SheetData,
    SheetRef,
    fetch_sheet,
    load_credentials,
)
from portal.model import Mapping
from portal.services.imports import INLINE, Prepared, commit, prepare
from portal.services.sheet_results import (
    STATUS_BUSY,
    STATUS_COLUMNS_CHANGED,
    STATUS_FAILED,
    STATUS_OK,
    SchemaChanged,
    SyncBusy,
    SyncOutcome,
    SyncResult,
    quote_columns,
)
from portal.services.sheet_sources import (
    DEFAULT_LEASE,
    MAX_INTERVAL_MINUTES,
    MIN_INTERVAL_MINUTES,
    acquire_lease,
    check_interval,
    default_holder,
    due_sources,
    lease_holder,
    release_lease,
    require_source,
    set_delete_missing,
    set_schedule,
    sheet_source,
    sheet_sources,
    sync_lease,
    unlink_sheet,
    utcnow,
)
from portal.store import Store
from portal.store.sheets import SheetLink, SheetSource

Progress = Callable[[float, str], None]
Credentials = MappingT[str, Any] | ServiceAccount | None

SOURCE_KIND = "sheet"


def commit_sheet(
    store: Store,
    dataset: str,
    data: SheetData,
    prepared: Prepared,
    *,
    interval_minutes: int | None = None,
    delete_missing: bool = False,
    strict: bool = False,
    holder: str | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> SyncResult:
    """Commit a sheet the person has previewed (``data`` from ``fetch_sheet``, ``prepared`` from ``prepare``) into
    ``dataset`` and link the sheet to it, under the dataset's sync lease.

    Raises what ``portal.services.imports.commit`` raises (the failure is in the import history, the store
    unchanged), ``InputError`` for a bad interval and ``SyncBusy`` when another sync of the dataset runs.
    """
    interval = check_interval(interval_minutes)
    with sync_lease(store, dataset, holder=holder):
        result = commit(
            store,
            dataset,
            prepared,
            strict=strict,
            source=data.ref.link,
            source_kind=SOURCE_KIND,
            delete_missing=delete_missing,
            progress=progress,
        )
        source = _save_source(store, dataset, data, tuple(prepared.config.key_columns), interval, delete_missing,
                              now or utcnow())
    return SyncResult(dataset, result, source, len(data.table.frame))


def _save_source(
    store: Store,
    dataset: str,
    data: SheetData,
    key_columns: tuple[str, ...],
    interval_minutes: int | None,
    delete_missing: bool,
    now: datetime,
) -> SheetSource:
    """Link the sheet ``data`` was read from to ``dataset`` (replacing any link) after a successful import."""
    if data.auth_mode not in (*AUTH_MODES, "auto"):
        raise ValueError(f"unknown auth mode {data.auth_mode!r}")
    link = SheetLink(
        url=data.ref.link,
        spreadsheet_key=data.ref.key,
        worksheet_title=data.worksheet,
        worksheet_gid=data.gid,
        auth_mode=data.auth_mode,
        key_columns=key_columns,
        columns=data.columns,
        interval_minutes=interval_minutes,
        delete_missing=delete_missing,
    )
    return store.save_sheet_source(dataset, link, now=now)


def resync(
    store: Store,
    dataset: str,
    *,
    credentials: Credentials = None,
    remap: Mapping | None = None,
    accept_columns: bool = False,
    overrides: Sequence[tuple[str, str | None]] = (),
    delete_missing: bool | None = None,
    options: HttpOptions | None = None,
    holder: str | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    follow_up: str = INLINE,
) -> SyncResult:
    """Re-read the sheet linked to ``dataset`` and upsert its rows ("Refresh now").

    Changed columns are accepted with ``remap`` (the person's mapping of the sheet's current columns) or with
    ``accept_columns`` (the current mapping without the columns that disappeared); ``overrides`` (role, column)
    pairs adjust the mapping either way. ``delete_missing`` overrides the source's setting for this sync.

    Raises ``NotFoundError`` when the dataset has no sheet, ``SyncBusy`` when another process syncs it,
    ``SchemaChanged`` when its columns changed and nothing says how to map them, and ``SourceError`` or
    ``InputError`` when it cannot be read or imported. Every failure is recorded in the import history and on
    the source; the stored rows stay as they were.
    """
    source = require_source(store, dataset)
    now = now or utcnow()
    remove = source.delete_missing if delete_missing is None else delete_missing
    with sync_lease(store, dataset, holder=holder):
        try:
            data = _fetch_source(source, credentials, options)
            prepared = _prepare_source(store, source, data, remap, accept_columns, overrides)
        except PortalError as err:
            _record_failure(store, source, err, now, recorded=False)
            raise
        try:
            result = commit(
                store,
                dataset,
                prepared,
                source=source.url,
                source_kind=SOURCE_KIND,
                delete_missing=remove,
                progress=progress,
                follow_up=follow_up,
            )
        except PortalError as err:
            _record_failure(store, source, err, now, recorded=isinstance(err, InputError))
            raise
        store.record_sheet_sync(
            dataset,
            worksheet_title=data.worksheet if data.worksheet is not None else source.worksheet_title,
            worksheet_gid=data.gid if data.gid is not None else source.worksheet_gid,
            columns=data.columns,
            key_columns=tuple(prepared.config.key_columns),
            now=now,
        )
    return SyncResult(dataset, result, require_source(store, dataset), len(data.table.frame))


def _fetch_source(source: SheetSource, credentials: Credentials, options: HttpOptions | None) -> SheetData:
    """Read the source's worksheet: by its id when known (it survives renames), else by its title."""
    by_gid = source.worksheet_gid is not None
    return fetch_sheet(
        SheetRef(source.spreadsheet_key, source.worksheet_gid, source.url),
        worksheet=None if by_gid else source.worksheet_title,
        gid=source.worksheet_gid,
        credentials=credentials,
        mode=source.auth_mode,
        options=options,
    )


def _prepare_source(
    store: Store,
    source: SheetSource,
    data: SheetData,
    remap: Mapping | None,
    accept_columns: bool,
    overrides: Sequence[tuple[str, str | None]],
) -> Prepared:
    """Prepare the sheet's rows with the dataset's configuration; raise ``SchemaChanged`` when its columns
    changed and nothing says how to map them."""
    info = store.dataset(source.dataset)
    if info is None:
        raise NotFoundError(f"No dataset named '{source.dataset}'. Run `portal datasets` to see the names.")
    config = info.config
    columns = data.columns
    if remap is not None:
        unknown = [c for c in remap.columns() if c not in columns and c not in config.constants]
        if unknown:
            raise InputError(
                f"The new mapping uses {quote_columns(unknown)}, which the sheet does not have. Pick among the sheet's "
                "columns and confirm again."
            )
        config = replace(config, mapping=remap)
    elif source.columns and set(columns) != set(source.columns):
        appeared = [c for c in columns if c not in source.columns]
        disappeared = [c for c in source.columns if c not in columns]
        changed = SchemaChanged(source.dataset, appeared, disappeared, columns, config.mapping)
        if not accept_columns:
            raise changed
        config = replace(config, mapping=changed.suggested)
    for role, column in overrides:
        if column is not None and column not in columns:
            raise InputError(
                f"The sheet of '{source.dataset}' has no column '{column}'. Its columns are: {quote_columns(columns)}."
            )
    key_columns = list(source.key_columns or config.key_columns)
    gone = [c for c in key_columns if c not in columns]
    if gone:
        raise InputError(
            f"The sheet of '{source.dataset}' no longer has {quote_columns(gone)}, which identify its rows, so edited rows "
            "cannot be matched. Put the column back in the sheet, or import the sheet again choosing other "
            "identifying columns."
        )
    return prepare(data.table, existing=config, overrides=overrides, key_columns=key_columns)


def _record_failure(store: Store, source: SheetSource, err: PortalError, now: datetime, *, recorded: bool) -> None:
    """Note a failed sync on the source, and in the import history unless the importer already did."""
    if not recorded and not isinstance(err, SyncBusy):
        store.record_failed_import(source.dataset, source=source.url, source_kind=SOURCE_KIND, message=str(err))
    status = STATUS_COLUMNS_CHANGED if isinstance(err, SchemaChanged) else STATUS_FAILED
    store.record_sheet_failure(source.dataset, status=status, message=str(err), now=now)


def sync_sources(
    store: Store,
    names: Sequence[str],
    *,
    credentials: Credentials = None,
    delete_missing: bool | None = None,
    options: HttpOptions | None = None,
    holder: str | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> list[SyncOutcome]:
    """Sync each dataset in ``names`` from its sheet; one failure does not stop the others (each outcome says how it
    went: ``ok``, ``failed``, ``columns changed`` or ``busy``)."""
    try:
        credentials = load_credentials(credentials) or credentials
    except SourceError:
        pass  # each service-account source reports the problem itself; shared links still sync
    outcomes = []
    for name in names:
        try:
            synced = resync(
                store,
                name,
                credentials=credentials,
                delete_missing=delete_missing,
                options=options,
                holder=holder,
                progress=progress,
                now=now,
            )
        except SyncBusy as err:
            outcomes.append(SyncOutcome(name, STATUS_BUSY, str(err)))
        except SchemaChanged as err:
            outcomes.append(SyncOutcome(name, STATUS_COLUMNS_CHANGED, str(err)))
        except PortalError as err:
            outcomes.append(SyncOutcome(name, STATUS_FAILED, str(err)))
        else:
            outcomes.append(SyncOutcome(name, STATUS_OK, synced.summary, synced.result))
    return outcomes


def run_due(
    store: Store,
    *,
    now: datetime | None = None,
    credentials: Credentials = None,
    options: HttpOptions | None = None,
    holder: str | None = None,
    progress: Progress | None = None,
) -> list[SyncOutcome]:
    """Sync every linked sheet whose automatic refresh is due (for the UI's timer and cron); return outcomes."""
    now = now or utcnow()
    names = [s.dataset for s in due_sources(store, now)]
    if not names:
        return []
    return sync_sources(
        store, names, credentials=credentials, options=options, holder=holder, progress=progress, now=now
    )


__all__ = [
    "DEFAULT_LEASE",
    "MAX_INTERVAL_MINUTES",
    "MIN_INTERVAL_MINUTES",
    "SOURCE_KIND",
    "STATUS_BUSY",
    "STATUS_COLUMNS_CHANGED",
    "STATUS_FAILED",
    "STATUS_OK",
    "SchemaChanged",
    "SheetSource",
    "SyncBusy",
    "SyncOutcome",
    "SyncResult",
    "acquire_lease",
    "commit_sheet",
    "default_holder",
    "due_sources",
    "lease_holder",
    "release_lease",
    "require_source",
    "resync",
    "run_due",
    "set_delete_missing",
    "set_schedule",
    "sheet_source",
    "sheet_sources",
    "sync_lease",
    "sync_sources",
    "unlink_sheet",
]
