"""The sheets linked to datasets (listing, schedule, unlinking) and the leases that keep syncs one at a time."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from portal.errors import InputError, NotFoundError
from portal.services.sheet_results import SyncBusy
from portal.store import Store
from portal.store.sheets import SheetSource

MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 7 * 24 * 60
DEFAULT_LEASE = timedelta(minutes=30)


def utcnow() -> datetime:
    """Return the current time in UTC without a time zone (how the store keeps times)."""
    return datetime.now(UTC).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------------------
# Leases
# ---------------------------------------------------------------------------------------------------------


def default_holder() -> str:
    """Return a name for this process's lease holder: host, process id and a random suffix."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire_lease(store: Store, name: str, holder: str, *, ttl: timedelta = DEFAULT_LEASE,
                  now: datetime | None = None) -> bool:
    """Take the lease ``name`` for ``holder`` until ``now + ttl``; return False when someone else holds it."""
    return store.acquire_lease(name, holder, ttl=ttl, now=now or utcnow())


def release_lease(store: Store, name: str, holder: str) -> None:
    """Give the lease ``name`` back (only when ``holder`` still holds it)."""
    store.release_lease(name, holder)


def lease_holder(store: Store, name: str, *, now: datetime | None = None) -> str | None:
    """Return who holds the lease ``name`` now (None when it is free or expired)."""
    return store.lease_holder(name, now=now or utcnow())


@contextmanager
def sync_lease(store: Store, dataset: str, *, holder: str | None = None, ttl: timedelta = DEFAULT_LEASE,
               now: datetime | None = None) -> Iterator[str]:
    """Hold the sync lease of ``dataset`` for the block; raise ``SyncBusy`` when another process holds it."""
    name = _lease_name(dataset)
    holder = holder or default_holder()
    if not acquire_lease(store, name, holder, ttl=ttl, now=now):
        raise SyncBusy(
            f"The sheet of '{dataset}' is being synced by another portal process right now. Try again in a minute."
        )
    try:
        yield holder
    finally:
        release_lease(store, name, holder)


def _lease_name(dataset: str) -> str:
    """Return the name of the sync lease of ``dataset``."""
    return f"sheet-sync:{dataset}"[:200]


# ---------------------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------------------


def sheet_source(store: Store, dataset: str) -> SheetSource | None:
    """Return the sheet linked to ``dataset`` (None when it has none)."""
    return store.sheet_source(dataset)


def sheet_sources(store: Store) -> list[SheetSource]:
    """Return every dataset's linked sheet, by dataset name."""
    return store.sheet_sources()


def require_source(store: Store, dataset: str) -> SheetSource:
    """Return the sheet linked to ``dataset``; raise ``NotFoundError`` when there is none."""
    source = store.sheet_source(dataset)
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
    interval = check_interval(interval_minutes)
    require_source(store, dataset)
    store.set_sheet_schedule(dataset, interval)
    return require_source(store, dataset)


def set_delete_missing(store: Store, dataset: str, delete_missing: bool) -> SheetSource:
    """Set whether syncs remove rows deleted in the sheet; raise ``NotFoundError`` when there is no sheet."""
    require_source(store, dataset)
    store.set_sheet_delete_missing(dataset, delete_missing)
    return require_source(store, dataset)


def unlink_sheet(store: Store, dataset: str) -> bool:
    """Forget the sheet linked to ``dataset`` (its rows stay); return whether there was one."""
    return store.delete_sheet_source(dataset)


def due_sources(store: Store, now: datetime | None = None) -> list[SheetSource]:
    """Return the linked sheets whose automatic refresh is due at ``now`` (naive UTC), oldest first."""
    now = now or utcnow()
    due = [s for s in store.sheet_sources() if (when := s.next_due()) is not None and when <= now]
    return sorted(due, key=lambda s: s.next_due() or datetime.min)


def check_interval(interval_minutes: int | None) -> int | None:
    """Return the refresh interval to store (None for none); raise ``InputError`` outside 5 minutes to a week."""
    if interval_minutes is None or interval_minutes == 0:
        return None
    if not MIN_INTERVAL_MINUTES <= int(interval_minutes) <= MAX_INTERVAL_MINUTES:
        raise InputError(
            f"Refresh every {interval_minutes} minutes is not possible: choose between {MIN_INTERVAL_MINUTES} "
            f"minutes and {MAX_INTERVAL_MINUTES // (24 * 60)} days ({MAX_INTERVAL_MINUTES} minutes), or turn "
            "automatic refresh off."
        )
    return int(interval_minutes)
