"""The Google Sheet linked to each dataset (``sheet_sources``) and named leases with an expiry (``leases``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.errors import NotFoundError
from portal.store.base import StoreBase
from portal.store.connect import read_transaction, write_transaction
from portal.store.schema import STATUS_OK, datasets, leases, sheet_sources


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

    def next_due(self) -> datetime | None:
        """Return when the next automatic sync is due (None without a schedule; the past when overdue)."""
        if not self.interval_minutes:
            return None
        if self.last_attempt_at is None:
            return datetime.min
        return self.last_attempt_at + timedelta(minutes=self.interval_minutes)


@dataclass(frozen=True)
class SheetLink:
    """Where a dataset's sheet is and how it is read: what ``Store.save_sheet_source`` writes."""

    url: str
    spreadsheet_key: str
    worksheet_title: str | None
    worksheet_gid: int | None
    auth_mode: str
    key_columns: tuple[str, ...]
    columns: tuple[str, ...]
    interval_minutes: int | None
    delete_missing: bool


class SheetSources(StoreBase):
    """The sheet-source and lease methods of ``Store``."""

    def sheet_source(self, dataset: str) -> SheetSource | None:
        """Return the sheet linked to ``dataset`` (None when it has none)."""
        with read_transaction(self.engine) as conn:
            row = conn.execute(_select_sources().where(datasets.c.name == dataset)).mappings().first()
        return _source(row) if row else None

    def sheet_sources(self) -> list[SheetSource]:
        """Return every dataset's linked sheet, by dataset name."""
        with read_transaction(self.engine) as conn:
            rows = conn.execute(_select_sources().order_by(datasets.c.name)).mappings().all()
        return [_source(r) for r in rows]

    def save_sheet_source(self, dataset: str, link: SheetLink, *, now: datetime) -> SheetSource:
        """Insert or replace the sheet source of ``dataset`` after a successful sync at ``now``.

        Raises ``NotFoundError`` when the dataset does not exist.
        """
        values = {
            "url": link.url,
            "spreadsheet_key": link.spreadsheet_key,
            "worksheet_title": link.worksheet_title,
            "worksheet_gid": link.worksheet_gid,
            "auth_mode": link.auth_mode,
            "key_columns": json.dumps(list(link.key_columns)),
            "columns": json.dumps(list(link.columns)),
            "interval_minutes": link.interval_minutes,
            "delete_missing": link.delete_missing,
            "last_attempt_at": now,
            "last_sync_at": now,
            "last_status": STATUS_OK,
            "last_message": "",
        }
        with write_transaction(self.engine) as conn:
            dataset_id = self._find_dataset_id(conn, dataset)
            if dataset_id is None:
                raise NotFoundError(f"No dataset named '{dataset}'. Import the sheet into it first.")
            updated = conn.execute(
                sa.update(sheet_sources).where(sheet_sources.c.dataset_id == dataset_id).values(**values)
            )
            if updated.rowcount == 0:
                conn.execute(sa.insert(sheet_sources).values(dataset_id=dataset_id, created_at=now, **values))
        source = self.sheet_source(dataset)
        assert source is not None
        return source

    def set_sheet_schedule(self, dataset: str, interval_minutes: int | None) -> None:
        """Set how often the sheet of ``dataset`` refreshes (None: only on request); no sheet, no change."""
        self._update_source(dataset, interval_minutes=interval_minutes)

    def set_sheet_delete_missing(self, dataset: str, delete_missing: bool) -> None:
        """Set whether syncs of ``dataset`` remove rows deleted in the sheet; no sheet, no change."""
        self._update_source(dataset, delete_missing=bool(delete_missing))

    def record_sheet_sync(
        self,
        dataset: str,
        *,
        worksheet_title: str | None,
        worksheet_gid: int | None,
        columns: tuple[str, ...],
        key_columns: tuple[str, ...],
        now: datetime,
    ) -> None:
        """Note a successful sync of the sheet of ``dataset`` at ``now``, with the worksheet as it now is."""
        self._update_source(
            dataset,
            worksheet_title=worksheet_title,
            worksheet_gid=worksheet_gid,
            columns=json.dumps(list(columns)),
            key_columns=json.dumps(list(key_columns)),
            last_attempt_at=now,
            last_sync_at=now,
            last_status=STATUS_OK,
            last_message="",
        )

    def record_sheet_failure(self, dataset: str, *, status: str, message: str, now: datetime) -> None:
        """Note a failed sync attempt of the sheet of ``dataset`` at ``now`` (the last success stays)."""
        self._update_source(dataset, last_attempt_at=now, last_status=status, last_message=message)

    def delete_sheet_source(self, dataset: str) -> bool:
        """Forget the sheet linked to ``dataset`` (its rows stay); return whether there was one."""
        with write_transaction(self.engine) as conn:
            dataset_id = self._find_dataset_id(conn, dataset)
            if dataset_id is None:
                return False
            deleted = conn.execute(sa.delete(sheet_sources).where(sheet_sources.c.dataset_id == dataset_id))
        return deleted.rowcount > 0

    def acquire_lease(self, name: str, holder: str, *, ttl: timedelta, now: datetime) -> bool:
        """Take the lease ``name`` for ``holder`` until ``now + ttl``; return False when someone else holds it."""
        expires = now + ttl
        with write_transaction(self.engine) as conn:
            taken = conn.execute(
                sa.update(leases)
                .where(leases.c.name == name, sa.or_(leases.c.expires_at <= now, leases.c.holder == holder))
                .values(holder=holder, expires_at=expires)
            )
            if taken.rowcount == 1:
                return True
        try:
            with write_transaction(self.engine) as conn:
                conn.execute(sa.insert(leases).values(name=name, holder=holder, expires_at=expires))
        except IntegrityError:
            return False
        return True

    def release_lease(self, name: str, holder: str) -> None:
        """Give the lease ``name`` back (only when ``holder`` still holds it)."""
        with write_transaction(self.engine) as conn:
            conn.execute(sa.delete(leases).where(leases.c.name == name, leases.c.holder == holder))

    def lease_holder(self, name: str, *, now: datetime) -> str | None:
        """Return who holds the lease ``name`` at ``now`` (None when it is free or expired)."""
        with read_transaction(self.engine) as conn:
            return conn.execute(
                sa.select(leases.c.holder).where(leases.c.name == name, leases.c.expires_at > now)
            ).scalar_one_or_none()

    def _update_source(self, dataset: str, **values: Any) -> None:
        """Change columns of the sheet source of ``dataset`` (nothing when it has none)."""
        with write_transaction(self.engine) as conn:
            dataset_id = self._find_dataset_id(conn, dataset)
            conn.execute(sa.update(sheet_sources).where(sheet_sources.c.dataset_id == dataset_id).values(**values))


def _select_sources() -> sa.Select:
    """Return the query of sheet sources with their dataset's name."""
    return sa.select(sheet_sources, datasets.c.name.label("dataset_name")).join(
        datasets, datasets.c.id == sheet_sources.c.dataset_id
    )


def _source(row: Mapping[str, Any]) -> SheetSource:
    """Return the ``SheetSource`` of one row of ``_select_sources``."""
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
