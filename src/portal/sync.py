"""Datasets kept up to date from a Google Sheet: the linked sheet, refresh (upsert), leases and scheduled sync.

A dataset linked to a sheet remembers the sheet's link, worksheet, how it is read (service account or shared
link), the columns that identify a row, its header at the last sync and, optionally, a refresh interval.

``resync`` re-reads the sheet and upserts: new rows are added, edited rows updated, rows deleted in the sheet
are reported (and removed only when asked). A sheet whose columns changed raises ``SchemaChanged`` with what
appeared and disappeared; ``resync(..., remap=mapping)`` accepts the new columns with the person's mapping.
A failed sync is recorded in the import history and leaves the stored rows as they were.

One sync runs at a time per dataset, across every process sharing the store, through a row in ``leases``.
``due_sources`` and ``run_due`` drive the automatic refresh (the UI polls ``run_due``; cron runs
``portal sync --all``).
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Callable, Iterator, Mapping as MappingT, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from portal.errors import InputError, NotFoundError, PortalError, SourceError
from portal.importer import Prepared, commit, prepare
from portal.ingest.gsheets import (
    AUTH_MODES,
    HttpOptions,
    ServiceAccount,
    SheetData,
    SheetRef,
    fetch_sheet,
    load_credentials,
    parse_sheet_url,
)
from portal.ingest.read import Table
from portal.model import Mapping
from portal.store import ImportResult, Store
from portal.store.connect import write_transaction
from portal.store.schema import datasets

Progress = Callable[[float, str], None]
Credentials = MappingT[str, Any] | ServiceAccount | None

SOURCE_KIND = "sheet"
STATUS_OK = "ok"
STATUS_FAILED = "failed"
STATUS_COLUMNS_CHANGED = "columns changed"
STATUS_BUSY = "busy"
MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 7 * 24 * 60
DEFAULT_LEASE = timedelta(minutes=30)

_metadata = sa.MetaData()

SHEET_SOURCES = sa.Table(
    "sheet_sources",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("spreadsheet_key", sa.String(200), nullable=False),
    sa.Column("worksheet_title", sa.Text, nullable=True),
    sa.Column("worksheet_gid", sa.BigInteger, nullable=True),
    sa.Column("auth_mode", sa.String(20), nullable=False),
    sa.Column("key_columns", sa.Text, nullable=False),
    sa.Column("columns", sa.Text, nullable=False),
    sa.Column("interval_minutes", sa.Integer, nullable=True),
    sa.Column("delete_missing", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_attempt_at", sa.DateTime, nullable=True),
    sa.Column("last_sync_at", sa.DateTime, nullable=True),
    sa.Column("last_status", sa.String(20), nullable=True),
    sa.Column("last_message", sa.Text, nullable=False),
)
"""The sheet linked to each dataset (created by migration ``0004_sheets``)."""

LEASES = sa.Table(
    "leases",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("holder", sa.String(200), nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
)
"""Named leases with an expiry: who may run a sync right now (created by migration ``0004_sheets``)."""


# ---------------------------------------------------------------------------------------------------------
# Results and errors
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetSource:
    """The Google Sheet a dataset is linked to, with its schedule and the outcome of its last sync."""

    dataset: str
    url: str
    spreadsheet_key: str
    worksheet_title: str | None
    worksheet_gid: int | None
    auth_mode: str
    key_columns: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    interval_minutes: int | None = None
    delete_missing: bool = False
    created_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_sync_at: datetime | None = None
    last_status: str | None = None
    last_message: str = ""

    @property
    def ref(self) -> SheetRef:
        """Return the spreadsheet and worksheet id this source reads."""
        return SheetRef(self.spreadsheet_key, self.worksheet_gid, self.url)

    def next_due(self) -> datetime | None:
        """Return when the next automatic sync is due (None without a schedule; the past when overdue)."""
        if not self.interval_minutes:
            return None
        if self.last_attempt_at is None:
            return datetime.min
        return self.last_attempt_at + timedelta(minutes=self.interval_minutes)


@dataclass(frozen=True)
class SyncResult:
    """What one sync did: the import's counts and the source as it now stands."""

    dataset: str
    result: ImportResult
    source: SheetSource
    rows_read: int

    @property
    def summary(self) -> str:
        """Return one plain sentence with the counts (added, updated, unchanged, rejected; deleted rows)."""
        r = self.result
        text = f"{r.added:,} added, {r.updated:,} updated, {r.unchanged:,} unchanged, {r.rejected:,} rejected"
        if r.removed:
            text += f"; {_rows(r.removed)} deleted in the sheet {'was' if r.removed == 1 else 'were'} removed"
        elif r.missing:
            verb = "is" if r.missing == 1 else "are"
            text += (
                f"; {_rows(r.missing)} {verb} no longer in the sheet and {'was' if r.missing == 1 else 'were'} kept "
                "(choose 'remove rows deleted in the sheet' to remove them)"
            )
        return text + "."


@dataclass(frozen=True)
class SyncOutcome:
    """The outcome of one dataset's sync in a batch (``run_due``, ``sync_sources``): status and counts."""

    dataset: str
    status: str
    message: str = ""
    result: ImportResult | None = None


class SchemaChanged(SourceError):
    """The sheet's columns changed since the last sync; carries what appeared and disappeared.

    ``suggested`` is the dataset's mapping without the disappeared columns: pass it (or the person's own
    mapping) to ``resync(..., remap=...)`` to accept the new columns.
    """

    def __init__(
        self,
        dataset: str,
        appeared: Sequence[str],
        disappeared: Sequence[str],
        columns: Sequence[str],
        mapping: Mapping,
    ) -> None:
        self.dataset = dataset
        self.appeared = tuple(appeared)
        self.disappeared = tuple(disappeared)
        self.columns = tuple(columns)
        self.mapping = mapping
        suggested = mapping
        for column in self.disappeared:
            suggested = suggested.without_column(column)
        self.suggested = suggested
        parts = []
        if self.appeared:
            parts.append("new column" + ("s " if len(self.appeared) > 1 else " ") + _names(self.appeared))
        if self.disappeared:
            parts.append("column" + ("s " if len(self.disappeared) > 1 else " ") + _names(self.disappeared)
                         + " disappeared")
        super().__init__(
            f"The sheet of '{dataset}' changed its columns since the last sync ({'; '.join(parts)}), so nothing was "
            "imported. Check the column mapping and confirm it to sync again."
        )


class SyncBusy(SourceError):
    """Another process is syncing this dataset right now."""


def _rows(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")


def _names(columns: Sequence[str]) -> str:
    return ", ".join(f"'{c}'" for c in columns)


# ---------------------------------------------------------------------------------------------------------
# Leases
# ---------------------------------------------------------------------------------------------------------


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def default_holder() -> str:
    """Return a name for this process's lease holder: host, process id and a random suffix."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire_lease(engine: Engine, name: str, holder: str, *, ttl: timedelta = DEFAULT_LEASE,
                  now: datetime | None = None) -> bool:
    """Take the lease ``name`` for ``holder`` until ``now + ttl``; return False when someone else holds it."""
    now = now or _utcnow()
    expires = now + ttl
    with write_transaction(engine) as conn:
        taken = conn.execute(
            sa.update(LEASES)
            .where(LEASES.c.name == name, sa.or_(LEASES.c.expires_at <= now, LEASES.c.holder == holder))
            .values(holder=holder, expires_at=expires)
        )
        if taken.rowcount == 1:
            return True
    try:
        with write_transaction(engine) as conn:
            conn.execute(sa.insert(LEASES).values(name=name, holder=holder, expires_at=expires))
    except IntegrityError:
        return False
    return True


def release_lease(engine: Engine, name: str, holder: str) -> None:
    """Give the lease ``name`` back (only when ``holder`` still holds it)."""
    with write_transaction(engine) as conn:
        conn.execute(sa.delete(LEASES).where(LEASES.c.name == name, LEASES.c.holder == holder))


def lease_holder(engine: Engine, name: str, *, now: datetime | None = None) -> str | None:
    """Return who holds the lease ``name`` now (None when it is free or expired)."""
    now = now or _utcnow()
    with engine.connect() as conn:
        return conn.execute(
            sa.select(LEASES.c.holder).where(LEASES.c.name == name, LEASES.c.expires_at > now)
        ).scalar_one_or_none()


@contextmanager
def sync_lease(store: Store, dataset: str, *, holder: str | None = None, ttl: timedelta = DEFAULT_LEASE,
               now: datetime | None = None) -> Iterator[str]:
    """Hold the sync lease of ``dataset`` for the block; raise ``SyncBusy`` when another process holds it."""
    name = _lease_name(dataset)
    holder = holder or default_holder()
    if not acquire_lease(store.engine, name, holder, ttl=ttl, now=now):
        raise SyncBusy(
            f"The sheet of '{dataset}' is being synced by another portal process right now. Try again in a minute."
        )
    try:
        yield holder
    finally:
        release_lease(store.engine, name, holder)


def _lease_name(dataset: str) -> str:
    return f"sheet-sync:{dataset}"[:200]


# ---------------------------------------------------------------------------------------------------------
# Sources in the store
# ---------------------------------------------------------------------------------------------------------


def sheet_source(store: Store, dataset: str) -> SheetSource | None:
    """Return the sheet linked to ``dataset`` (None when it has none)."""
    with store.engine.connect() as conn:
        row = conn.execute(_select_sources().where(datasets.c.name == dataset)).mappings().first()
    return _source(row) if row else None


def sheet_sources(store: Store) -> list[SheetSource]:
    """Return every dataset's linked sheet, by dataset name."""
    with store.engine.connect() as conn:
        rows = conn.execute(_select_sources().order_by(datasets.c.name)).mappings().all()
    return [_source(r) for r in rows]


def require_source(store: Store, dataset: str) -> SheetSource:
    """Return the sheet linked to ``dataset``; raise ``NotFoundError`` when there is none."""
    source = sheet_source(store, dataset)
    if source is None:
        if store.dataset(dataset) is None:
            raise NotFoundError(f"No dataset named '{dataset}'. Run `portal datasets` to see the names.")
        raise NotFoundError(
            f"The dataset '{dataset}' is not linked to a Google Sheet. Add the sheet on the Data sources page, or "
            f"run `portal import SHEET-LINK --dataset {dataset}`."
        )
    return source


def set_schedule(store: Store, dataset: str, interval_minutes: int | None) -> SheetSource:
    """Set how often ``dataset`` refreshes from its sheet (None: only on request); raise ``InputError`` for an
    interval outside 5 minutes to a week and ``NotFoundError`` when the dataset has no sheet."""
    interval = _check_interval(interval_minutes)
    require_source(store, dataset)
    _update(store, dataset, interval_minutes=interval)
    return require_source(store, dataset)


def set_delete_missing(store: Store, dataset: str, delete_missing: bool) -> SheetSource:
    """Set whether syncs remove rows deleted in the sheet; raise ``NotFoundError`` when there is no sheet."""
    require_source(store, dataset)
    _update(store, dataset, delete_missing=bool(delete_missing))
    return require_source(store, dataset)


def unlink_sheet(store: Store, dataset: str) -> bool:
    """Forget the sheet linked to ``dataset`` (its rows stay); return whether there was one."""
    dataset_id = _dataset_id(store, dataset)
    if dataset_id is None:
        return False
    with write_transaction(store.engine) as conn:
        deleted = conn.execute(sa.delete(SHEET_SOURCES).where(SHEET_SOURCES.c.dataset_id == dataset_id))
    return deleted.rowcount > 0


def link_sheet(
    store: Store,
    dataset: str,
    table: Table,
    *,
    auth_mode: str = "auto",
    worksheet_gid: int | None = None,
    key_columns: Sequence[str] = (),
    interval_minutes: int | None = None,
    delete_missing: bool = False,
    now: datetime | None = None,
) -> SheetSource:
    """Remember the sheet ``table`` was read from (``table.source`` is its link) as the source of ``dataset``.

    For ``portal import SHEET-LINK`` after its commit. Raises ``InputError`` when the table's source is not a
    sheet's link and ``NotFoundError`` when the dataset does not exist.
    """
    ref = parse_sheet_url(table.source)
    return _save_source(
        store,
        dataset,
        ref=ref,
        worksheet_title=table.sheet,
        worksheet_gid=worksheet_gid if worksheet_gid is not None else (None if table.sheet else ref.gid),
        auth_mode=auth_mode,
        key_columns=tuple(key_columns),
        columns=tuple(str(c) for c in table.frame.columns),
        interval_minutes=_check_interval(interval_minutes),
        delete_missing=delete_missing,
        now=now or _utcnow(),
    )


def _select_sources() -> sa.Select:
    return sa.select(SHEET_SOURCES, datasets.c.name.label("dataset_name")).join(
        datasets, datasets.c.id == SHEET_SOURCES.c.dataset_id
    )


def _source(row: MappingT[str, Any]) -> SheetSource:
    return SheetSource(
        dataset=row["dataset_name"],
        url=row["url"],
        spreadsheet_key=row["spreadsheet_key"],
        worksheet_title=row["worksheet_title"],
        worksheet_gid=row["worksheet_gid"],
        auth_mode=row["auth_mode"],
        key_columns=tuple(json.loads(row["key_columns"] or "[]")),
        columns=tuple(json.loads(row["columns"] or "[]")),
        interval_minutes=row["interval_minutes"],
        delete_missing=bool(row["delete_missing"]),
        created_at=row["created_at"],
        last_attempt_at=row["last_attempt_at"],
        last_sync_at=row["last_sync_at"],
        last_status=row["last_status"],
        last_message=row["last_message"] or "",
    )


def _dataset_id(store: Store, dataset: str) -> int | None:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(datasets.c.id).where(datasets.c.name == dataset)).scalar_one_or_none()


def _check_interval(interval_minutes: int | None) -> int | None:
    if interval_minutes is None or interval_minutes == 0:
        return None
    if not MIN_INTERVAL_MINUTES <= int(interval_minutes) <= MAX_INTERVAL_MINUTES:
        raise InputError(
            f"Refresh every {interval_minutes} minutes is not possible: choose between {MIN_INTERVAL_MINUTES} "
            f"minutes and {MAX_INTERVAL_MINUTES // (24 * 60)} days ({MAX_INTERVAL_MINUTES} minutes), or turn "
            "automatic refresh off."
        )
    return int(interval_minutes)


def _update(store: Store, dataset: str, **values: Any) -> None:
    dataset_id = _dataset_id(store, dataset)
    with write_transaction(store.engine) as conn:
        conn.execute(sa.update(SHEET_SOURCES).where(SHEET_SOURCES.c.dataset_id == dataset_id).values(**values))


def _save_source(
    store: Store,
    dataset: str,
    *,
    ref: SheetRef,
    worksheet_title: str | None,
    worksheet_gid: int | None,
    auth_mode: str,
    key_columns: tuple[str, ...],
    columns: tuple[str, ...],
    interval_minutes: int | None,
    delete_missing: bool,
    now: datetime,
) -> SheetSource:
    """Insert or replace the sheet source of ``dataset`` after a successful first sync."""
    if auth_mode not in (*AUTH_MODES, "auto"):
        raise ValueError(f"unknown auth mode {auth_mode!r}")
    dataset_id = _dataset_id(store, dataset)
    if dataset_id is None:
        raise NotFoundError(f"No dataset named '{dataset}'. Import the sheet into it first.")
    values = {
        "url": ref.link,
        "spreadsheet_key": ref.key,
        "worksheet_title": worksheet_title,
        "worksheet_gid": worksheet_gid,
        "auth_mode": auth_mode,
        "key_columns": json.dumps(list(key_columns)),
        "columns": json.dumps(list(columns)),
        "interval_minutes": interval_minutes,
        "delete_missing": delete_missing,
        "last_attempt_at": now,
        "last_sync_at": now,
        "last_status": STATUS_OK,
        "last_message": "",
    }
    with write_transaction(store.engine) as conn:
        updated = conn.execute(
            sa.update(SHEET_SOURCES).where(SHEET_SOURCES.c.dataset_id == dataset_id).values(**values)
        )
        if updated.rowcount == 0:
            conn.execute(sa.insert(SHEET_SOURCES).values(dataset_id=dataset_id, created_at=now, **values))
    source = sheet_source(store, dataset)
    assert source is not None
    return source


# ---------------------------------------------------------------------------------------------------------
# Syncing
# ---------------------------------------------------------------------------------------------------------


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

    Raises what ``importer.commit`` raises (the failure is in the import history, the store unchanged),
    ``InputError`` for a bad interval and ``SyncBusy`` when another sync of the dataset runs.
    """
    interval = _check_interval(interval_minutes)
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
        source = _save_source(
            store,
            dataset,
            ref=data.ref,
            worksheet_title=data.worksheet,
            worksheet_gid=data.gid,
            auth_mode=data.auth_mode,
            key_columns=tuple(prepared.config.key_columns),
            columns=data.columns,
            interval_minutes=interval,
            delete_missing=delete_missing,
            now=now or _utcnow(),
        )
    return SyncResult(dataset, result, source, len(data.table.frame))


def import_sheet(
    store: Store,
    dataset: str,
    url: str,
    *,
    worksheet: str | None = None,
    credentials: Credentials = None,
    mode: str = "auto",
    kind: str | None = None,
    overrides: Sequence[tuple[str, str | None]] = (),
    constants: MappingT[str, str] | None = None,
    key_columns: Sequence[str] = (),
    interval_minutes: int | None = None,
    delete_missing: bool = False,
    strict: bool = False,
    options: HttpOptions | None = None,
    holder: str | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> SyncResult:
    """Read a sheet, map it (reusing the dataset's mapping when it exists), import it into ``dataset`` and link
    the sheet to the dataset, in one call.

    Raises ``InputError`` for a bad link or unusable columns and ``SourceError`` when the sheet cannot be read;
    each failure is recorded in the import history and leaves the store as it was.
    """
    _check_interval(interval_minutes)
    try:
        data = fetch_sheet(url, worksheet=worksheet, credentials=credentials, mode=mode, options=options)
        existing = store.dataset(dataset)
        prepared = prepare(
            data.table,
            kind=kind,
            overrides=overrides,
            constants=constants,
            key_columns=key_columns,
            existing=existing.config if existing else None,
        )
    except PortalError as err:
        store.record_failed_import(dataset, source=url, source_kind=SOURCE_KIND, message=str(err))
        raise
    return commit_sheet(
        store,
        dataset,
        data,
        prepared,
        interval_minutes=interval_minutes,
        delete_missing=delete_missing,
        strict=strict,
        holder=holder,
        progress=progress,
        now=now,
    )


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
    now = now or _utcnow()
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
            )
        except PortalError as err:
            _record_failure(store, source, err, now, recorded=isinstance(err, InputError))
            raise
        _update(
            store,
            dataset,
            worksheet_title=data.worksheet if data.worksheet is not None else source.worksheet_title,
            worksheet_gid=data.gid if data.gid is not None else source.worksheet_gid,
            columns=json.dumps(list(data.columns)),
            key_columns=json.dumps(list(prepared.config.key_columns)),
            last_attempt_at=now,
            last_sync_at=now,
            last_status=STATUS_OK,
            last_message="",
        )
    return SyncResult(dataset, result, require_source(store, dataset), len(data.table.frame))


def _fetch_source(source: SheetSource, credentials: Credentials, options: HttpOptions | None) -> SheetData:
    """Read the source's worksheet: by its id when known (it survives renames), else by its title."""
    by_gid = source.worksheet_gid is not None
    return fetch_sheet(
        source.ref,
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
                f"The new mapping uses {_names(unknown)}, which the sheet does not have. Pick among the sheet's "
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
                f"The sheet of '{source.dataset}' has no column '{column}'. Its columns are: {_names(columns)}."
            )
    key_columns = list(source.key_columns or config.key_columns)
    gone = [c for c in key_columns if c not in columns]
    if gone:
        raise InputError(
            f"The sheet of '{source.dataset}' no longer has {_names(gone)}, which identify its rows, so edited rows "
            "cannot be matched. Put the column back in the sheet, or import the sheet again choosing other "
            "identifying columns."
        )
    return prepare(data.table, existing=config, overrides=overrides, key_columns=key_columns)


def _record_failure(store: Store, source: SheetSource, err: PortalError, now: datetime, *, recorded: bool) -> None:
    """Note a failed sync on the source, and in the import history unless the importer already did."""
    if not recorded and not isinstance(err, SyncBusy):
        store.record_failed_import(source.dataset, source=source.url, source_kind=SOURCE_KIND, message=str(err))
    status = STATUS_COLUMNS_CHANGED if isinstance(err, SchemaChanged) else STATUS_FAILED
    _update(store, source.dataset, last_attempt_at=now, last_status=status, last_message=str(err))


# ---------------------------------------------------------------------------------------------------------
# Batches and the schedule
# ---------------------------------------------------------------------------------------------------------


def due_sources(store: Store, now: datetime | None = None) -> list[SheetSource]:
    """Return the linked sheets whose automatic refresh is due at ``now`` (naive UTC), oldest first."""
    now = now or _utcnow()
    due = [s for s in sheet_sources(store) if (when := s.next_due()) is not None and when <= now]
    return sorted(due, key=lambda s: s.next_due() or datetime.min)


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
    now = now or _utcnow()
    names = [s.dataset for s in due_sources(store, now)]
    if not names:
        return []
    return sync_sources(
        store, names, credentials=credentials, options=options, holder=holder, progress=progress, now=now
    )


__all__ = [
    "LEASES",
    "SHEET_SOURCES",
    "SchemaChanged",
    "SheetSource",
    "SyncBusy",
    "SyncOutcome",
    "SyncResult",
    "acquire_lease",
    "commit_sheet",
    "default_holder",
    "due_sources",
    "import_sheet",
    "lease_holder",
    "link_sheet",
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
