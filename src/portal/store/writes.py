"""Writing to the store: imports (add, update, remove rows, with their history), enrichment, deleting a dataset."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import numpy as np
import orjson
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from portal.errors import InputError, PortalError, StoreError
from portal.model import DatasetConfig, ImportResult, dataset_name_problem
from portal.store import cache, frames
from portal.store.base import Progress, _binds, _bulk, _execute_many, _no_progress, _not_found, _now
from portal.store.connect import open_error, write_transaction
from portal.store.jobs import JobRequest, insert_job
from portal.store.rows import StoreRows, _create_indexes
from portal.store.schema import (
    CHANGE_REMOVED,
    CHANGE_UPDATED,
    HISTORY_DATA_COLUMNS,
    JOB_RUNNING,
    STATUS_FAILED,
    STATUS_OK,
    datasets,
    imports,
    jobs,
    response_history,
    responses,
)

#: PostgreSQL: after an import changing at least this many rows, refresh the planner's statistics.
_ANALYZE_ROWS = 10_000


def merge_config(stored: DatasetConfig | None, new: DatasetConfig) -> DatasetConfig:
    """Return ``new`` with the segments of ``stored`` it does not mention added (segments stay known), and with
    the stored brand that is ours when ``new`` names none."""
    if stored is None:
        return new
    if new.ours is None and stored.ours is not None:
        new = replace(new, ours=stored.ours)
    used = set(new.mapping.columns())
    kept = tuple(s for s in stored.mapping.segments if s not in used)
    if not kept:
        return new
    return replace(new, mapping=replace(new.mapping, segments=(*new.mapping.segments, *kept)))


class StoreWrites(StoreRows):
    """The import and other writing methods of ``Store``."""

    @_bulk
    def import_rows(
        self,
        name: str,
        config: DatasetConfig,
        canonical: pd.DataFrame,
        raw: pd.DataFrame,
        *,
        source: str,
        source_kind: str = "file",
        checksum: str = "",
        rejected: int = 0,
        duplicates: int = 0,
        message: str = "",
        delete_missing: bool = False,
        progress: Progress | None = None,
        follow_up: Callable[[ImportResult], JobRequest | None] | None = None,
    ) -> ImportResult:
        """Write validated rows into dataset ``name`` (created if new) in one all-or-nothing transaction.

        A row whose key is stored with the same content hash is unchanged; with another hash it is updated
        (the old version is kept for ``revert_import``); a new key is added. Stored rows missing from
        ``canonical`` are counted as ``missing`` and removed only with ``delete_missing``. The stored
        configuration is replaced by ``config``, keeping segments it already knew. If anything fails nothing
        is written, the failure is recorded in the import history, and the error is raised again
        (database errors as ``StoreError``); a ``PortalError`` raised by ``progress`` is raised again
        unrecorded, for the caller to record. Raises ``InputError`` for a bad dataset name and ``ValueError``
        when ``canonical`` lacks ``row_key`` or ``content_hash``. ``follow_up`` returns the job that brings the
        dataset's derived data up to date after this result: it is queued in the same transaction (so no
        crash can leave imported rows without it), and its id is the result's ``follow_up_job``.
        """
        _check_name(name)
        _check_frames(canonical, raw)
        if not raw.index.equals(canonical.index):
            raw = raw.reindex(canonical.index)
        started = _now()
        try:
            with write_transaction(self.engine) as conn:
                result = self._import(conn, name, config, canonical, raw, started=started, source=source,
                                      source_kind=source_kind, checksum=checksum, rejected=rejected,
                                      duplicates=duplicates, message=message, delete_missing=delete_missing,
                                      progress=progress or _no_progress)
                request = follow_up(result) if follow_up else None
                if request is not None:
                    result = replace(result, follow_up_job=insert_job(conn, request))
        except PortalError:
            raise
        except Exception as err:
            failure = _write_failure(self._url, f"The import into '{name}'", err, self._driver_error)
            text = str(failure) if failure is not None else f"The import failed and nothing was changed: {err}"
            try:
                self.record_failed_import(name, source=source, source_kind=source_kind, message=text[:2000])
            except Exception:  # the original error matters more than a failed log line
                pass
            if failure is not None:
                raise failure from err
            raise
        if self.dialect == "postgresql" and result.added + result.updated + result.removed >= _ANALYZE_ROWS:
            self._analyze()
        return result

    def _analyze(self) -> None:
        """Refresh PostgreSQL's statistics of the responses table after a large change (best effort)."""
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("ANALYZE responses"))
                conn.commit()
        except sa.exc.DBAPIError:  # statistics only help the query planner; the import itself succeeded
            pass

    def _import(
        self,
        conn: sa.Connection,
        name: str,
        config: DatasetConfig,
        canonical: pd.DataFrame,
        raw: pd.DataFrame,
        *,
        started: datetime,
        source: str,
        source_kind: str,
        checksum: str,
        rejected: int,
        duplicates: int,
        message: str,
        delete_missing: bool,
        progress: Progress,
    ) -> ImportResult:
        """Do the work of ``import_rows`` inside its transaction."""
        progress(0.0, "Preparing the import ...")
        dataset_id, stored, created = self._lock_or_create(conn, name, config, started)
        merged = merge_config(stored, config)
        import_id = conn.execute(sa.insert(imports).values(
            dataset_id=dataset_id, dataset_name=name, source=source, source_kind=source_kind,
            checksum=checksum or "", started_at=started, status=STATUS_OK, rejected=int(rejected),
            duplicates=int(duplicates), message=message or "", **_mapping_json(merged, raw),
        )).inserted_primary_key[0]

        keys = frames.text_values(canonical["row_key"])
        hashes = frames.text_values(canonical["content_hash"])
        _check_unique(keys)
        total = len(keys)
        progress(0.02, f"Comparing {total:,} rows with the stored ones ...")
        added_pos, updated_pos, updated_ids, missing_ids = self._classify(conn, dataset_id, created, keys, hashes)
        unchanged = total - len(added_pos) - len(updated_pos)
        work = len(added_pos) + len(updated_pos) + (len(missing_ids) if delete_missing else 0)
        done = 0

        def step(count: int, what: str) -> None:
            nonlocal done
            done += count
            progress(0.05 + 0.9 * done / max(work, 1), f"{what} ({done:,} of {work:,} rows written) ...")

        n_updated = len(updated_pos)
        if n_updated:
            self._save_history(conn, dataset_id, import_id, updated_ids, CHANGE_UPDATED)
            self._update_rows(conn, import_id, canonical, raw, updated_pos, updated_ids, step)
        removed = self._remove_missing(conn, dataset_id, import_id, missing_ids, step) if delete_missing else 0
        if len(added_pos):
            self._insert_rows(conn, dataset_id, import_id, canonical, raw, added_pos, step, progress)

        progress(0.97, "Finishing ...")
        self._finish_import(conn, dataset_id, import_id, merged, added=len(added_pos), updated=n_updated,
                            unchanged=unchanged, removed=removed)
        progress(1.0, "Import finished.")
        return ImportResult(
            dataset=name, import_id=int(import_id), added=len(added_pos), updated=n_updated, unchanged=unchanged,
            rejected=int(rejected), duplicates=int(duplicates), missing=len(missing_ids), removed=removed,
        )

    def _remove_missing(self, conn: sa.Connection, dataset_id: int, import_id: int, missing_ids: np.ndarray,
                        step: Callable[[int, str], None]) -> int:
        """Delete the stored rows the file no longer has (kept in the history for revert); return how many."""
        if not len(missing_ids):
            return 0
        self._save_history(conn, dataset_id, import_id, missing_ids, CHANGE_REMOVED)
        delete = sa.delete(responses).where(responses.c.id == sa.bindparam("p_id"))
        missing_list = missing_ids.tolist()
        for start in range(0, len(missing_list), self.batch_rows):
            chunk = missing_list[start:start + self.batch_rows]
            _execute_many(conn, delete, {"id": chunk})
            step(len(chunk), "Removing rows missing from the file")
        return len(missing_ids)

    def set_ours(self, name: str, brand: str | None) -> None:
        """Store ``brand`` as the dataset's own brand (None forgets it); the rows and data version are untouched.

        Raises ``NotFoundError`` when there is no dataset ``name``.
        """
        with write_transaction(self.engine) as conn:
            row = self._locked_row(conn, name)
            if row is None:
                raise _not_found(name)
            config = {**orjson.loads(row.config), "ours": brand}  # other settings kept exactly as stored
            conn.execute(sa.update(datasets).where(datasets.c.id == row.id).values(config=orjson.dumps(config).decode()))

    @staticmethod
    def _finish_import(conn: sa.Connection, dataset_id: int, import_id: int, merged: DatasetConfig, *, added: int,
                       updated: int, unchanged: int, removed: int) -> None:
        """Record the import's counts and bump the dataset's configuration and data version."""
        finished = _now()
        conn.execute(sa.update(imports).where(imports.c.id == import_id).values(
            finished_at=finished, added=added, updated=updated, unchanged=unchanged, removed=removed,
        ))
        conn.execute(sa.update(datasets).where(datasets.c.id == dataset_id).values(
            config=orjson.dumps(merged.to_dict()).decode(), kind=merged.kind, updated_at=finished,
            data_version=datasets.c.data_version + 1,
        ))

    def _lock_or_create(
        self, conn: sa.Connection, name: str, config: DatasetConfig, now: datetime
    ) -> tuple[int, DatasetConfig | None, bool]:
        """Return (id, stored config or None, created) of dataset ``name``, creating it race-free and locking it."""
        row = self._locked_row(conn, name)
        if row is not None:
            return int(row.id), DatasetConfig.from_dict(orjson.loads(row.config)), False
        values = {"name": name, "kind": config.kind, "config": orjson.dumps(config.to_dict()).decode(),
                  "created_at": now, "updated_at": now, "data_version": 0}
        if self.dialect in ("sqlite", "postgresql"):
            insert = sqlite_dialect.insert if self.dialect == "sqlite" else pg_dialect.insert
            stmt = insert(datasets).values(**values).on_conflict_do_nothing(index_elements=["name"])
            if self.dialect == "postgresql":  # rowcount is -1 there: ask for the new row's id instead
                created = conn.execute(stmt.returning(datasets.c.id)).first() is not None
            else:
                created = conn.execute(stmt).rowcount == 1
        else:
            try:
                with conn.begin_nested():
                    conn.execute(sa.insert(datasets).values(**values))
                created = True
            except sa.exc.IntegrityError:
                created = False
        row = self._locked_row(conn, name)
        assert row is not None
        if created:
            # failed attempts recorded before the dataset existed now belong to it
            conn.execute(sa.update(imports).where(imports.c.dataset_id.is_(None), imports.c.dataset_name == name)
                         .values(dataset_id=row.id))
            return int(row.id), None, True
        return int(row.id), DatasetConfig.from_dict(orjson.loads(row.config)), False

    def _locked_row(self, conn: sa.Connection, name: str) -> sa.Row | None:
        """Return the dataset row, locked for this transaction (SELECT ... FOR UPDATE where supported)."""
        stmt = sa.select(datasets.c.id, datasets.c.config).where(datasets.c.name == name)
        if self.dialect != "sqlite":  # SQLite's BEGIN IMMEDIATE already holds the database's write lock
            stmt = stmt.with_for_update()
        return conn.execute(stmt).first()

    def _classify(
        self, conn: sa.Connection, dataset_id: int, created: bool, keys: np.ndarray, hashes: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Return positions to add, positions to update, the ids they update, and ids of stored rows not in keys."""
        empty = np.array([], dtype=np.int64)
        if created:
            return np.arange(len(keys), dtype=np.int64), empty, empty, empty
        stmt = sa.select(responses.c.id, responses.c.row_key, responses.c.content_hash).where(
            responses.c.dataset_id == dataset_id)
        ids, stored_keys, stored_hashes = self._fetch_columns(conn, stmt, 3)
        if not len(ids):
            return np.arange(len(keys), dtype=np.int64), empty, empty, empty
        ids_arr = ids.astype(np.int64)
        stored_hash_arr = stored_hashes
        index = pd.Index(stored_keys, dtype=object)
        where = index.get_indexer(pd.Index(keys, dtype=object))
        found = where >= 0
        same = np.zeros(len(keys), dtype=bool)
        same[found] = stored_hash_arr[where[found]] == hashes[found]
        added = np.flatnonzero(~found)
        updated = np.flatnonzero(found & ~same)
        seen = np.zeros(len(ids_arr), dtype=bool)
        seen[where[found]] = True
        return added, updated, ids_arr[where[updated]], ids_arr[~seen]

    def _save_history(
        self, conn: sa.Connection, dataset_id: int, import_id: int, ids: np.ndarray, change: str
    ) -> None:
        """Copy the current version of rows ``ids`` into ``response_history`` before ``import_id`` changes them."""
        target = ["dataset_id", "row_key", "change", "replaced_by_import_id", "previous_import_id",
                  *HISTORY_DATA_COLUMNS]
        source = sa.select(
            responses.c.dataset_id, responses.c.row_key, sa.literal(change), sa.literal(int(import_id)),
            responses.c.import_id, *(responses.c[c] for c in HISTORY_DATA_COLUMNS),
        ).where(responses.c.id == sa.bindparam("p_id"))
        stmt = sa.insert(response_history).from_select(target, source)
        id_list = ids.tolist()
        for start in range(0, len(id_list), self.batch_rows):
            _execute_many(conn, stmt, {"id": id_list[start:start + self.batch_rows]})

    def record_failed_import(self, name: str, *, source: str, source_kind: str, message: str) -> None:
        """Record a failed import attempt in the history (its own transaction; the dataset may not exist yet)."""
        now = _now()
        with write_transaction(self.engine) as conn:
            dataset_id = conn.execute(sa.select(datasets.c.id).where(datasets.c.name == name)).scalar()
            conn.execute(sa.insert(imports).values(
                dataset_id=dataset_id, dataset_name=name, source=source, source_kind=source_kind, checksum="",
                started_at=now, finished_at=now, status=STATUS_FAILED, message=message or "",
            ))

    def set_enrichment(self, name: str, frame: pd.DataFrame) -> None:
        """Update ``sentiment``, ``sentiment_label`` and/or ``language`` of stored rows, matched by ``row_key``.

        Only the columns present in ``frame`` change; keys not stored are ignored. Raises ``NotFoundError``
        for an unknown dataset and ``ValueError`` when ``frame`` has no ``row_key`` or nothing to set.
        """
        present = [c for c in ("sentiment", "sentiment_label", "language") if c in frame.columns]
        if "row_key" not in frame.columns or not present:
            raise ValueError("set_enrichment needs a row_key column and at least one of sentiment, "
                             "sentiment_label, language")
        values = []
        for column in present:
            if column == "sentiment":
                values.append(frames.with_none(frames.float_values(frame[column])).tolist())
            else:
                values.append(frames.text_values(frame[column]).tolist())
        keys = frames.text_values(frame["row_key"]).tolist()
        with write_transaction(self.engine) as conn:
            dataset_id = self._dataset_id(conn, name, lock=True)
            stmt = (sa.update(responses)
                    .where(responses.c.dataset_id == dataset_id, responses.c.row_key == sa.bindparam("p_row_key"))
                    .values(_binds(present)))
            named = dict(zip(present, values, strict=True)) | {"row_key": keys}
            for start in range(0, len(keys), self.batch_rows):
                _execute_many(conn, stmt, {c: v[start:start + self.batch_rows] for c, v in named.items()})
            conn.execute(sa.update(datasets).where(datasets.c.id == dataset_id).values(
                updated_at=_now(), data_version=datasets.c.data_version + 1))

    def delete_dataset(self, name: str) -> None:
        """Delete the dataset with all its rows, history, imports and jobs; raise ``NotFoundError`` if unknown."""
        with write_transaction(self.engine) as conn:
            dataset_id = self._dataset_id(conn, name, lock=True)
            count = conn.execute(sa.select(sa.func.count()).select_from(responses)
                                 .where(responses.c.dataset_id == dataset_id)).scalar_one()
            rebuild = self._drop_indexes_for(conn, count, stored_already=True)
            conn.execute(sa.delete(responses).where(responses.c.dataset_id == dataset_id))
            if rebuild:
                _create_indexes(conn)
            for table in (response_history, imports):
                conn.execute(sa.delete(table).where(table.c.dataset_id == dataset_id))
            conn.execute(sa.delete(imports).where(imports.c.dataset_id.is_(None), imports.c.dataset_name == name))
            conn.execute(sa.delete(datasets).where(datasets.c.id == dataset_id))
            # its queued, ended and interrupted jobs go too, with any uploaded file or report kept with them (a
            # running one ends by itself and finds the dataset gone)
            conn.execute(sa.delete(jobs).where(jobs.c.dataset == name, jobs.c.state != JOB_RUNNING))
        cache.drop(cache.cache_folder(self._url), dataset_id)


def _check_name(name: str) -> None:
    """Raise ``InputError`` unless ``name`` is a usable dataset name."""
    problem = dataset_name_problem(name)
    if problem:
        raise InputError(problem)


def _check_frames(canonical: pd.DataFrame, raw: pd.DataFrame) -> None:
    """Raise ``ValueError`` when the frames are not what validation produces."""
    missing = [c for c in ("row_key", "content_hash") if c not in canonical.columns]
    if missing:
        raise ValueError(f"the canonical frame lacks {', '.join(missing)}")
    if len(raw) != len(canonical):
        raise ValueError(f"raw has {len(raw)} rows but canonical has {len(canonical)}")

def _check_unique(keys: np.ndarray) -> None:
    """Raise ``InputError`` when two rows share a row key (each row must be stored once)."""
    index = pd.Index(keys, dtype=object)
    if not index.has_duplicates:
        return
    repeated = index[index.duplicated()].unique()
    raise InputError(
        f"{len(repeated):,} row {'key is' if len(repeated) == 1 else 'keys are'} used by more than one row "
        f"(for example '{repeated[0]}'), so nothing was imported. Each row needs its own id: choose other key "
        "columns, or remove the repeated rows."
    )

def _write_failure(
    url: sa.URL, what: str, err: BaseException, driver_error: type[BaseException]
) -> StoreError | None:
    """Return a ``StoreError`` explaining a database error during a write (None for other errors)."""
    if not isinstance(err, (sa.exc.DBAPIError, driver_error)):
        return None
    original = getattr(err, "orig", None) or err
    detail = (str(original).strip().splitlines() or [type(original).__name__])[0]
    lowered = detail.lower()
    if "locked" in lowered or "busy" in lowered:
        return StoreError(f"{what} waited too long for another import to finish, so nothing was changed. "
                          "Try again in a minute.")
    if "unique" in lowered or "duplicate key" in lowered:
        return StoreError(f"{what} was stopped because two rows have the same row key, so nothing was changed. "
                          "Check the id or key columns of the file.")
    if isinstance(err, sa.exc.OperationalError) or "readonly" in lowered or "disk" in lowered:
        return open_error(url, err)
    return StoreError(f"{what} was refused by the database ({detail}), so nothing was changed. "
                      "Check the file, and report the problem if it happens again.")


def _mapping_json(config: DatasetConfig, raw: pd.DataFrame) -> dict[str, str]:
    """Return the import row's ``mapping`` and ``columns`` as JSON text (what the file was read with)."""
    return {"mapping": orjson.dumps(config.mapping.to_dict()).decode(),
            "columns": orjson.dumps([str(c) for c in raw.columns]).decode()}
