"""``Store``: the portal's database of datasets, their imports and their responses (SQLAlchemy Core)."""

from __future__ import annotations

import functools
import gc
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import repeat
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import numpy as np
import orjson
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from portal.errors import InputError, NotFoundError, PortalError, StoreError
from portal.model import CANONICAL_COLUMNS, DatasetConfig, dataset_name_problem
from portal.store import cache, frames
from portal.store.connect import (
    check_sqlite_location,
    create_engine,
    open_error,
    read_transaction,
    resolve_url,
    shown_url,
    write_transaction,
)
from portal.store.migrate import upgrade
from portal.store.schema import (
    CHANGE_REMOVED,
    CHANGE_UPDATED,
    DATA_COLUMNS,
    HISTORY_DATA_COLUMNS,
    STATUS_FAILED,
    STATUS_OK,
    STATUS_REVERTED,
    datasets,
    imports,
    response_history,
    responses,
)

Progress = Callable[[float, str], None]

#: Columns of the frame ``Store.imports`` returns, in order.
HISTORY_COLUMNS: tuple[str, ...] = (
    "id", "started_at", "finished_at", "status", "source", "source_kind", "added", "updated", "unchanged",
    "removed", "rejected", "duplicates", "message", "checksum",
)
#: Derived columns ``Store.export_frame`` adds after the original ones (canonical column -> export name).
EXPORT_DERIVED: tuple[tuple[str, str], ...] = (
    ("row_key", "portal_row_key"),
    ("date", "portal_date"),
    ("nps", "portal_nps"),
    ("csat", "portal_csat"),
    ("rating", "portal_rating"),
    ("value", "portal_value"),
    ("brand", "portal_brand"),
    ("sentiment", "portal_sentiment"),
    ("sentiment_label", "portal_sentiment_label"),
    ("language", "portal_language"),
)
SEGMENT_SUFFIX = " (segment)"
#: Columns a loaded frame always has besides the segments.
LOADED_COLUMNS: tuple[str, ...] = (*CANONICAL_COLUMNS, "import_id")
#: SQLite: adding or deleting at least this many rows (and as many as the table holds besides them) rebuilds
#: the indexes once at the end instead of updating them row by row, which is several times faster.
INDEX_REBUILD_MIN_ROWS = 50_000
#: PostgreSQL: after an import changing at least this many rows, refresh the planner's statistics.
_ANALYZE_ROWS = 10_000
#: Rows fetched from the database at a time when reading a dataset.
_FETCH_ROWS = 100_000
#: Columns written for every response row (with ``row_key``; see ``_write_values``).
_WRITE_COLUMNS: tuple[str, ...] = tuple(c for c in DATA_COLUMNS if c not in ("import_id", "first_import_id"))


_T = TypeVar("_T")
_P = ParamSpec("_P")


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration of the block."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _bulk(method: Callable[_P, _T]) -> Callable[_P, _T]:
    """Return ``method`` made to run with the garbage collector paused.

    Bulk work creates millions of tuples and strings, which would trigger collections over and over, each
    walking every live object, without finding any garbage.
    """

    @functools.wraps(method)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        with _gc_paused():
            return method(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class DatasetInfo:
    """A dataset as listed by the store: its configuration, size, date range and import count."""

    name: str
    kind: str
    config: DatasetConfig
    rows: int
    date_min: datetime | None
    date_max: datetime | None
    created_at: datetime
    data_version: int
    imports: int
    updated_at: datetime | None = None
    last_import: datetime | None = None


@dataclass(frozen=True)
class ImportResult:
    """What one import did: rows added, updated, unchanged; rows in the store but not in the file."""

    dataset: str
    import_id: int
    added: int
    updated: int
    unchanged: int
    rejected: int
    duplicates: int
    missing: int
    removed: int


@dataclass(frozen=True)
class RevertResult:
    """What reverting an import did: rows it had added removed, rows it had changed or removed restored."""

    import_id: int
    removed: int
    restored: int


def _now() -> datetime:
    """Return the current time in UTC without a time zone (how the store keeps times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _not_found(name: str) -> NotFoundError:
    """Return the error for an unknown dataset name."""
    return NotFoundError(f"No dataset named '{name}'. Run `portal datasets` to see the names of your datasets.")


def merge_config(stored: DatasetConfig | None, new: DatasetConfig) -> DatasetConfig:
    """Return ``new`` with the segments of ``stored`` it does not mention added (segments stay known)."""
    if stored is None:
        return new
    used = set(new.mapping.columns())
    kept = tuple(s for s in stored.mapping.segments if s not in used)
    if not kept:
        return new
    return replace(new, mapping=replace(new.mapping, segments=(*new.mapping.segments, *kept)))


def segment_names(config: DatasetConfig) -> dict[str, str]:
    """Return each segment's column name in a loaded frame (`` (segment)`` added when it collides)."""
    return {s: (s + SEGMENT_SUFFIX if s in LOADED_COLUMNS else s) for s in config.mapping.segments}


class Store:
    """The portal's database. Opening it creates or upgrades the schema; every method is one transaction."""

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        """Open the store at ``url`` (default: ``portal.settings.database_url()``) and upgrade its schema.

        ``migrate=False`` skips the upgrade (for tools that manage the schema themselves). Raises
        ``StoreError`` with a plain explanation when the database cannot be opened or upgraded.
        """
        parsed = resolve_url(url)
        self.url: str = parsed.render_as_string(hide_password=False)
        self._url = parsed
        check_sqlite_location(parsed)
        self.engine: sa.Engine = create_engine(parsed)
        #: Rows written per statement batch (progress is reported after each batch).
        self.batch_rows = 50_000
        try:
            if migrate:
                upgrade(self.engine)
            else:
                with self.engine.connect() as connection:
                    connection.exec_driver_sql("SELECT 1").fetchall()
        except StoreError:
            self.engine.dispose()
            raise
        except (sa.exc.SQLAlchemyError, sqlite3.Error, OSError) as err:
            self.engine.dispose()
            raise open_error(parsed, err) from err

    def __repr__(self) -> str:
        """Return the store's URL with any password hidden."""
        return f"Store({shown_url(self._url)!r})"

    def __enter__(self) -> Store:
        """Return the store itself (closed when the block ends)."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the store."""
        self.close()

    def close(self) -> None:
        """Close every pooled database connection (the store can still be used; it reconnects)."""
        self.engine.dispose()

    @property
    def _driver_error(self) -> type[BaseException]:
        """Return the database driver's base error class (raised by work done on the driver's own cursor)."""
        return getattr(self.engine.dialect.loaded_dbapi, "Error", sqlite3.Error)

    @property
    def dialect(self) -> str:
        """Return the database kind: ``sqlite``, ``postgresql``..."""
        return self.engine.dialect.name

    # ------------------------------------------------------------------ reading

    def dataset(self, name: str) -> DatasetInfo | None:
        """Return the dataset called ``name``, or None when there is none."""
        found = self._infos(name)
        return found[0] if found else None

    def datasets(self) -> list[DatasetInfo]:
        """Return every dataset, sorted by name."""
        return self._infos(None)

    def _infos(self, name: str | None) -> list[DatasetInfo]:
        """Return dataset descriptions (all, or the one named ``name``)."""
        r = responses.alias("r")
        i = imports.alias("i")
        d = datasets
        rows = sa.select(sa.func.count()).select_from(r).where(r.c.dataset_id == d.c.id).scalar_subquery()
        date_min = sa.select(sa.func.min(r.c.date)).where(r.c.dataset_id == d.c.id).scalar_subquery()
        date_max = sa.select(sa.func.max(r.c.date)).where(r.c.dataset_id == d.c.id).scalar_subquery()
        n_imports = (sa.select(sa.func.count()).select_from(i)
                     .where(i.c.dataset_id == d.c.id, i.c.status == STATUS_OK).scalar_subquery())
        last = (sa.select(sa.func.max(i.c.finished_at))
                .where(i.c.dataset_id == d.c.id, i.c.status == STATUS_OK).scalar_subquery())
        stmt = sa.select(
            d.c.name, d.c.kind, d.c.config, d.c.created_at, d.c.updated_at, d.c.data_version,
            rows.label("rows"),
            sa.type_coerce(date_min, sa.DateTime).label("date_min"),
            sa.type_coerce(date_max, sa.DateTime).label("date_max"),
            n_imports.label("imports"),
            sa.type_coerce(last, sa.DateTime).label("last_import"),
        ).order_by(d.c.name)
        if name is not None:
            stmt = stmt.where(d.c.name == name)
        with read_transaction(self.engine) as conn:
            result = conn.execute(stmt).all()
        return [
            DatasetInfo(
                name=row.name,
                kind=row.kind,
                config=DatasetConfig.from_dict(orjson.loads(row.config)),
                rows=int(row.rows or 0),
                date_min=row.date_min,
                date_max=row.date_max,
                created_at=row.created_at,
                data_version=int(row.data_version),
                imports=int(row.imports or 0),
                updated_at=row.updated_at,
                last_import=row.last_import,
            )
            for row in result
        ]

    def data_version(self, name: str) -> int:
        """Return the dataset's data version (changes whenever its rows do); raise ``NotFoundError`` if unknown."""
        with read_transaction(self.engine) as conn:
            version = conn.execute(sa.select(datasets.c.data_version).where(datasets.c.name == name)).scalar()
        if version is None:
            raise _not_found(name)
        return int(version)

    def row_keys(self, name: str) -> set[str]:
        """Return the row keys stored in the dataset; raise ``NotFoundError`` if unknown."""
        with read_transaction(self.engine) as conn:
            dataset_id = self._dataset_id(conn, name)
            keys = conn.execute(sa.select(responses.c.row_key).where(responses.c.dataset_id == dataset_id)).scalars()
            return set(keys)

    def content_hashes(self, name: str) -> dict[str, str]:
        """Return row key -> content hash of the dataset's stored rows (empty when the dataset does not exist)."""
        with read_transaction(self.engine) as conn:
            found = conn.execute(sa.select(datasets.c.id).where(datasets.c.name == name)).scalar()
            if found is None:
                return {}
            rows = conn.execute(sa.select(responses.c.row_key, responses.c.content_hash)
                                .where(responses.c.dataset_id == found))
            return {key: digest for key, digest in rows}

    def imports(self, name: str) -> pd.DataFrame:
        """Return the dataset's import history, newest first (one row per import, failed ones included).

        Columns: ``HISTORY_COLUMNS``. Times are UTC. Raises ``NotFoundError`` for an unknown dataset.
        """
        with read_transaction(self.engine) as conn:
            dataset_id = self._dataset_id(conn, name)
            stmt = (sa.select(*(imports.c[c] for c in HISTORY_COLUMNS))
                    .where(imports.c.dataset_id == dataset_id).order_by(imports.c.id.desc()))
            rows = conn.execute(stmt).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=list(HISTORY_COLUMNS))
        for column in ("id", "added", "updated", "unchanged", "removed", "rejected", "duplicates"):
            frame[column] = frame[column].astype("int64")
        for column in ("started_at", "finished_at"):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
        for column in ("status", "source", "source_kind", "message", "checksum"):
            frame[column] = frames.object_series(frame[column].tolist())
        return frame

    @_bulk
    def load(self, name: str, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Return the dataset's responses as a canonical frame, oldest row first (see ``_load_rows``).

        A columnar copy keyed by the data version (``portal.store.cache``) answers when it exists; a full load
        from the database writes it. Raises ``NotFoundError`` for an unknown dataset.
        """
        stamp = self._version_stamp(name)
        folder = cache.cache_folder(self._url)
        path = cache.cache_file(folder, *stamp) if folder is not None else None
        if path is not None:
            cached = cache.read(path, columns)
            if cached is not None:
                return cached
        frame = self._load_rows(name, columns=columns)
        if path is not None and columns is None and self._version_stamp(name) == stamp:
            cache.write(path, frame)
        return frame

    def _version_stamp(self, name: str) -> tuple[int, datetime | None, int]:
        """Return the dataset's id, creation time and data version; raise ``NotFoundError`` when unknown."""
        with read_transaction(self.engine) as conn:
            row = conn.execute(sa.select(datasets.c.id, datasets.c.created_at, datasets.c.data_version)
                               .where(datasets.c.name == name)).first()
        if row is None:
            raise _not_found(name)
        return int(row.id), row.created_at, int(row.data_version)

    def _load_rows(self, name: str, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Return the dataset's responses from the database as a canonical frame, oldest row first.

        Columns: the canonical ones (see ``portal.model``), ``import_id``, then one per segment under its
        original name (`` (segment)`` added when it collides with a canonical column); ``columns`` picks a
        subset. Types: ``date`` datetime64[ns], scores float64, ``import_id`` int64, text object with None
        for missing. Raises ``NotFoundError`` for an unknown dataset and ``KeyError`` for an unknown column.
        """
        with read_transaction(self.engine) as conn:
            dataset_id, config = self._dataset_config(conn, name)
            out_names = segment_names(config)
            available = [*LOADED_COLUMNS, *out_names.values()]
            wanted = list(columns) if columns is not None else available
            unknown = [c for c in wanted if c not in available]
            if unknown:
                raise KeyError(f"the dataset '{name}' has no column {', '.join(map(repr, unknown))}")
            segments = [s for s, out in out_names.items() if out in wanted]
            sql_segments, python_segments = self._segment_split(segments)
            # Text columns first, then segments: they land in one block that becomes the frame uncopied.
            text = [c for c in LOADED_COLUMNS if c in wanted and c in frames.STRING_COLUMNS]
            other = [c for c in LOADED_COLUMNS if c in wanted and c not in frames.STRING_COLUMNS]
            selected = [self._read_column(c) for c in text]
            selected += [self._segment_expression(s) for s in sql_segments]
            selected += [self._read_column(c) for c in other]
            if python_segments:
                selected.append(responses.c.raw)
            condition, count = self._dataset_rows(conn, dataset_id)
            if not selected:
                return pd.DataFrame(index=pd.RangeIndex(count))
            stmt = sa.select(*selected).where(condition).order_by(responses.c.id)
            block = self._fetch_block(conn, stmt, len(selected), count)
        names = [*text, *(out_names[s] for s in sql_segments)]
        frame = pd.DataFrame(block[:len(names)].T, columns=names, dtype=object, copy=False)
        extra: dict[str, pd.Series] = {
            column: self._typed(column, block[len(names) + i]) for i, column in enumerate(other)
        }
        if python_segments:
            parsed = [orjson.loads(r) if r else {} for r in block[-1]]
            for segment in python_segments:
                extra[out_names[segment]] = frames.object_series([p.get(segment) for p in parsed])
        for position, column in enumerate(wanted):
            if column in extra:
                frame.insert(position, column, extra[column])
        return frame if list(frame.columns) == wanted else frame[wanted]

    @_bulk
    def export_frame(self, name: str) -> pd.DataFrame:
        """Return the dataset for download: original columns with their imported text, then ``portal_*`` columns.

        Original columns come first, under their original names, in the order imports first saw them, with
        values exactly as they were imported (text; ids never reformatted). Then ``portal_row_key``,
        ``portal_date`` (ISO 8601), ``portal_nps``, ``portal_csat``, ``portal_rating``, ``portal_value``,
        ``portal_brand``, ``portal_sentiment``, ``portal_sentiment_label`` and ``portal_language``.
        Raises ``NotFoundError`` for an unknown dataset.
        """
        derived = [c for c, _ in EXPORT_DERIVED]
        with read_transaction(self.engine) as conn:
            dataset_id = self._dataset_id(conn, name)
            order_rows = conn.execute(
                sa.select(imports.c.columns)
                .where(imports.c.dataset_id == dataset_id, imports.c.status.in_((STATUS_OK, STATUS_REVERTED)))
                .order_by(imports.c.id)
            ).scalars().all()
            condition, count = self._dataset_rows(conn, dataset_id)
            stmt = (sa.select(*(self._read_column(c) for c in derived), responses.c.raw)
                    .where(condition).order_by(responses.c.id))
            values = list(self._fetch_block(conn, stmt, len(derived) + 1, count))
        found = frames.raw_columns(values[-1])
        order: dict[str, None] = {}
        for text in order_rows:
            for column in orjson.loads(text) if text else []:
                order.setdefault(column, None)
        original = [c for c in order if c in found] + [c for c in found if c not in order]
        data: dict[str, Any] = {c: frames.object_series(found[c]) for c in original}
        typed = {c: self._typed(c, v) for c, v in zip(derived, values, strict=False)}
        for column, export_name in EXPORT_DERIVED:
            while export_name in data:
                export_name += "_"
            series = typed[column]
            if column == "date":
                series = _iso_dates(series)
            data[export_name] = series
        return pd.DataFrame(data, columns=list(data))

    # ------------------------------------------------------------------ writing

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
    ) -> ImportResult:
        """Write validated rows into dataset ``name`` (created if new) in one all-or-nothing transaction.

        A row whose key is stored with the same content hash is unchanged; with another hash it is updated
        (the old version is kept for ``revert_import``); a new key is added. Stored rows missing from
        ``canonical`` are counted as ``missing`` and removed only with ``delete_missing``. The stored
        configuration is replaced by ``config``, keeping segments it already knew. If anything fails nothing
        is written, the failure is recorded in the import history, and the error is raised again
        (database errors as ``StoreError``); a ``PortalError`` raised by ``progress`` is raised again
        unrecorded, for the caller to record. Raises ``InputError`` for a bad dataset name and ``ValueError``
        when ``canonical`` lacks ``row_key`` or ``content_hash``.
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
            duplicates=int(duplicates), message=message or "",
            mapping=orjson.dumps(merged.mapping.to_dict()).decode(),
            columns=orjson.dumps([str(c) for c in raw.columns]).decode(),
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
        removed = 0
        if delete_missing and len(missing_ids):
            self._save_history(conn, dataset_id, import_id, missing_ids, CHANGE_REMOVED)
            delete = sa.delete(responses).where(responses.c.id == sa.bindparam("p_id"))
            missing_list = missing_ids.tolist()
            for start in range(0, len(missing_list), self.batch_rows):
                chunk = missing_list[start:start + self.batch_rows]
                _execute_many(conn, delete, {"id": chunk})
                step(len(chunk), "Removing rows missing from the file")
            removed = len(missing_ids)
        if len(added_pos):
            self._insert_rows(conn, dataset_id, import_id, canonical, raw, added_pos, step, progress)

        progress(0.97, "Finishing ...")
        finished = _now()
        conn.execute(sa.update(imports).where(imports.c.id == import_id).values(
            finished_at=finished, added=len(added_pos), updated=n_updated, unchanged=unchanged, removed=removed,
        ))
        conn.execute(sa.update(datasets).where(datasets.c.id == dataset_id).values(
            config=orjson.dumps(merged.to_dict()).decode(), kind=merged.kind, updated_at=finished,
            data_version=datasets.c.data_version + 1,
        ))
        progress(1.0, "Import finished.")
        return ImportResult(
            dataset=name, import_id=int(import_id), added=len(added_pos), updated=n_updated, unchanged=unchanged,
            rejected=int(rejected), duplicates=int(duplicates), missing=len(missing_ids), removed=removed,
        )

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

    def _write_values(
        self, canonical: pd.DataFrame, raw: pd.DataFrame, positions: np.ndarray
    ) -> dict[str, list[Any]]:
        """Return the database values of the rows at ``positions``: ``_WRITE_COLUMNS`` plus ``row_key``."""
        n = len(positions)
        out: dict[str, list[Any]] = {}
        for column in (*_WRITE_COLUMNS, "row_key"):
            if column == "raw":
                out[column] = frames.raw_json(raw.iloc[positions], as_bytes=self.dialect == "sqlite")
                continue
            if column not in canonical.columns:
                out[column] = [None] * n
                continue
            part = canonical[column].iloc[positions]
            if column in frames.FLOAT_COLUMNS:
                values = frames.with_none(frames.float_values(part))
            elif column == "date":
                dates = frames.date_values(part)
                sqlite = self.dialect == "sqlite"
                values = frames.sqlite_date_strings(dates) if sqlite else frames.python_datetimes(dates)
            else:
                values = frames.text_values(part)
            out[column] = values.tolist()
        return out

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

    def _update_rows(
        self, conn: sa.Connection, import_id: int, canonical: pd.DataFrame, raw: pd.DataFrame,
        positions: np.ndarray, ids: np.ndarray, step: Callable[[int, str], None],
    ) -> None:
        """Overwrite the rows ``ids`` with the rows of ``canonical`` at ``positions``, batch by batch."""
        values = self._write_binds(_WRITE_COLUMNS)
        values["import_id"] = sa.literal_column(str(int(import_id)))
        stmt = sa.update(responses).where(responses.c.id == sa.bindparam("p_id")).values(values)
        for start in range(0, len(positions), self.batch_rows):
            batch = positions[start:start + self.batch_rows]
            columns = self._write_values(canonical, raw, batch)
            columns["id"] = ids[start:start + self.batch_rows].tolist()
            _execute_many(conn, stmt, columns)
            step(len(batch), "Updating changed rows")

    def _write_binds(self, names: Sequence[str]) -> dict[str, Any]:
        """Return the bind parameters writing ``names`` (on SQLite ``raw`` arrives as UTF-8 bytes, cast to text)."""
        values: dict[str, Any] = _binds(names)
        if self.dialect == "sqlite" and "raw" in values:
            values["raw"] = sa.cast(values["raw"], sa.Text)
        return values

    def _insert_rows(
        self, conn: sa.Connection, dataset_id: int, import_id: int, canonical: pd.DataFrame, raw: pd.DataFrame,
        positions: np.ndarray, step: Callable[[int, str], None], progress: Progress,
    ) -> None:
        """Insert the rows of ``canonical`` at ``positions``, rebuilding SQLite's indexes when that is faster."""
        count = len(positions)
        rebuild = self._drop_indexes_for(conn, count, stored_already=False)
        values = self._write_binds((*_WRITE_COLUMNS, "row_key"))
        for constant, value in (("dataset_id", dataset_id), ("import_id", import_id), ("first_import_id", import_id)):
            values[constant] = sa.literal_column(str(int(value)))
        stmt = sa.insert(responses).values(values)
        for start in range(0, count, self.batch_rows):
            batch = positions[start:start + self.batch_rows]
            columns = self._write_values(canonical, raw, batch)
            if self.dialect == "postgresql":
                _copy_rows(conn, dataset_id, import_id, columns)
            else:
                _execute_many(conn, stmt, columns)
            step(len(batch), "Adding new rows")
        if rebuild:
            progress(0.93, "Rebuilding the indexes ...")
            _create_indexes(conn)

    def _drop_indexes_for(self, conn: sa.Connection, rows: int, *, stored_already: bool) -> bool:
        """Drop the responses indexes when changing ``rows`` rows is faster without them; return whether dropped.

        SQLite only: when a bulk insert or delete touches at least as many rows as the table holds besides
        them (``stored_already``: the rows are in the table now, as for a delete), rebuilding the indexes
        once afterwards (``_create_indexes``) is several times faster than updating them row by row. Both
        happen inside the caller's transaction, so readers never see the table without them.
        """
        if self.dialect != "sqlite" or rows < INDEX_REBUILD_MIN_ROWS:
            return False
        stored = conn.execute(sa.select(sa.func.count()).select_from(responses)).scalar_one()
        if rows < stored - (rows if stored_already else 0):
            return False
        for index in _responses_indexes():
            index.drop(conn)
        return True

    def record_failed_import(self, name: str, *, source: str, source_kind: str, message: str) -> None:
        """Record a failed import attempt in the history (its own transaction; the dataset may not exist yet)."""
        now = _now()
        with write_transaction(self.engine) as conn:
            dataset_id = conn.execute(sa.select(datasets.c.id).where(datasets.c.name == name)).scalar()
            conn.execute(sa.insert(imports).values(
                dataset_id=dataset_id, dataset_name=name, source=source, source_kind=source_kind, checksum="",
                started_at=now, finished_at=now, status=STATUS_FAILED, message=message or "",
            ))

    def revert_import(self, import_id: int) -> RevertResult:
        """Undo one import: rows it added are removed, rows it changed or removed come back.

        A row the import changed is restored only if no later import changed it since; a row it added is
        removed even if a later import changed it. Other imports are untouched; the import is marked
        ``reverted``. Raises ``NotFoundError`` for an unknown import and ``InputError`` for one that failed
        or was already reverted.
        """
        with write_transaction(self.engine) as conn:
            row = conn.execute(sa.select(imports.c.id, imports.c.dataset_id, imports.c.status, imports.c.message)
                               .where(imports.c.id == int(import_id))).first()
            if row is None:
                raise NotFoundError(
                    f"There is no import number {import_id}. Run `portal history --dataset NAME` to see the "
                    "imports of a dataset."
                )
            if row.status == STATUS_REVERTED:
                raise InputError(f"Import {import_id} was already reverted, so there is nothing more to undo.")
            if row.status != STATUS_OK or row.dataset_id is None:
                raise InputError(f"Import {import_id} failed, so it changed nothing and there is nothing to undo.")
            dataset_id = int(row.dataset_id)
            lock = sa.select(datasets.c.id).where(datasets.c.id == dataset_id)
            conn.execute(lock.with_for_update() if self.dialect != "sqlite" else lock).first()

            removed = conn.execute(sa.delete(responses).where(
                responses.c.dataset_id == dataset_id, responses.c.first_import_id == import_id)).rowcount
            restored = self._restore_updated(conn, dataset_id, import_id)
            restored += self._restore_removed(conn, dataset_id, import_id)
            conn.execute(sa.delete(response_history).where(response_history.c.replaced_by_import_id == import_id))
            now = _now()
            note = f"Reverted on {now:%Y-%m-%d %H:%M} UTC: {removed:,} rows removed, {restored:,} restored."
            conn.execute(sa.update(imports).where(imports.c.id == import_id).values(
                status=STATUS_REVERTED, message=(f"{row.message} {note}" if row.message else note)))
            conn.execute(sa.update(datasets).where(datasets.c.id == dataset_id).values(
                updated_at=now, data_version=datasets.c.data_version + 1))
        return RevertResult(import_id=int(import_id), removed=int(removed), restored=int(restored))

    def _restore_updated(self, conn: sa.Connection, dataset_id: int, import_id: int) -> int:
        """Put back the previous version of rows ``import_id`` updated and no later import changed; return how many."""
        h = response_history
        names = ["import_id", *HISTORY_DATA_COLUMNS]
        stmt = sa.select(
            responses.c.id,
            h.c.previous_import_id,
            *(self._raw_column(h, c) for c in HISTORY_DATA_COLUMNS),
        ).join(
            responses, sa.and_(responses.c.dataset_id == h.c.dataset_id, responses.c.row_key == h.c.row_key)
        ).where(h.c.replaced_by_import_id == import_id, h.c.change == CHANGE_UPDATED, h.c.dataset_id == dataset_id,
                responses.c.import_id == import_id)
        values = [v.tolist() for v in self._fetch_columns(conn, stmt, len(names) + 1)]
        if not values[0]:
            return 0
        update = sa.update(responses).where(responses.c.id == sa.bindparam("p_id")).values(_binds(names))
        _execute_many(conn, update, {"id": values[0], **dict(zip(names, values[1:], strict=True))})
        return len(values[0])

    def _restore_removed(self, conn: sa.Connection, dataset_id: int, import_id: int) -> int:
        """Re-insert rows ``import_id`` removed (unless the key is back or its first import was reverted)."""
        h = response_history
        reverted = sa.select(imports.c.id).where(imports.c.status == STATUS_REVERTED)
        exists = sa.select(responses.c.id).where(responses.c.dataset_id == h.c.dataset_id,
                                                 responses.c.row_key == h.c.row_key).exists()
        source = sa.select(h.c.dataset_id, h.c.row_key, h.c.previous_import_id,
                           *(h.c[c] for c in HISTORY_DATA_COLUMNS)).where(
            h.c.replaced_by_import_id == import_id, h.c.change == CHANGE_REMOVED, h.c.dataset_id == dataset_id,
            ~exists, h.c.first_import_id.not_in(reverted),
        ).order_by(h.c.id)
        count = conn.execute(sa.select(sa.func.count()).select_from(source.order_by(None).subquery())).scalar_one()
        if count:
            target = ["dataset_id", "row_key", "import_id", *HISTORY_DATA_COLUMNS]
            conn.execute(sa.insert(responses).from_select(target, source))
        return int(count)

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
        """Delete the dataset with all its rows, history and imports; raise ``NotFoundError`` if unknown."""
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
        cache.drop(cache.cache_folder(self._url), dataset_id)

    def backup(self, path: str | Path) -> Path:
        """Write a consistent copy of an SQLite store to ``path`` (a new file) and return it.

        Safe while the portal is in use. Raises ``StoreError`` when ``path`` exists or the store is not SQLite
        (use the database's own tools, such as pg_dump, for PostgreSQL).
        """
        target = Path(path).expanduser().resolve()
        if self.dialect != "sqlite":
            raise StoreError("Backups from the portal work for SQLite stores only. Use your database's own backup "
                             "tool (for PostgreSQL: pg_dump).")
        if target.exists():
            raise StoreError(f"{target} already exists. Choose a new file name for the backup.")
        if not target.parent.is_dir():
            raise StoreError(f"The folder {target.parent} does not exist. Create it first, or choose another place.")
        with self.engine.connect() as conn:
            source = conn.connection.driver_connection
            assert isinstance(source, sqlite3.Connection)
            copy = sqlite3.connect(str(target))
            try:
                source.backup(copy)
            finally:
                copy.close()
        return target

    # ------------------------------------------------------------------ internals

    def _dataset_id(self, conn: sa.Connection, name: str, *, lock: bool = False) -> int:
        """Return the id of dataset ``name`` (locked when asked); raise ``NotFoundError`` when there is none."""
        stmt = sa.select(datasets.c.id).where(datasets.c.name == name)
        if lock and self.dialect != "sqlite":
            stmt = stmt.with_for_update()
        found = conn.execute(stmt).scalar()
        if found is None:
            raise _not_found(name)
        return int(found)

    def _dataset_config(self, conn: sa.Connection, name: str) -> tuple[int, DatasetConfig]:
        """Return the id and configuration of dataset ``name``; raise ``NotFoundError`` when there is none."""
        row = conn.execute(sa.select(datasets.c.id, datasets.c.config).where(datasets.c.name == name)).first()
        if row is None:
            raise _not_found(name)
        return int(row.id), DatasetConfig.from_dict(orjson.loads(row.config))

    def _read_column(self, column: str) -> sa.ColumnElement[Any]:
        """Return the select expression for a stored column (dates come as raw text on SQLite, parsed in bulk)."""
        return self._raw_column(responses, column)

    def _raw_column(self, table: sa.Table, column: str) -> sa.ColumnElement[Any]:
        """Return ``table.column``, read without SQLAlchemy's per-row date parsing on SQLite."""
        expr = table.c[column]
        if isinstance(expr.type, sa.DateTime) and self.dialect == "sqlite":
            return sa.type_coerce(expr, sa.String).label(column)
        return expr

    def _segment_split(self, segments: Sequence[str]) -> tuple[list[str], list[str]]:
        """Return the segments the database reads out of ``raw`` itself, and those to parse in Python."""
        if self.dialect == "postgresql":
            return list(segments), []
        if self.dialect == "sqlite":  # a JSON path cannot quote these characters
            in_sql = [s for s in segments if '"' not in s and "\\" not in s]
            return in_sql, [s for s in segments if s not in in_sql]
        return [], list(segments)

    def _segment_expression(self, segment: str) -> sa.ColumnElement[Any]:
        """Return the SQL expression reading one segment's text out of ``raw``."""
        if self.dialect == "postgresql":
            return sa.cast(responses.c.raw, pg_dialect.JSONB)[segment].astext
        return sa.func.json_extract(responses.c.raw, f'$."{segment}"')

    def _fetch_block(self, conn: sa.Connection, stmt: sa.Select, width: int, expected: int = 0) -> np.ndarray:
        """Run ``stmt`` on the driver's cursor and return its result as an object array of shape (width, rows).

        Row ``i`` of the result is column ``i`` of the query. Skipping SQLAlchemy's row objects and copying
        each value only once makes reading a million rows several times faster; values come as the driver
        gives them (on SQLite, dates as text: see ``_raw_column``). ``expected`` (the likely row count)
        saves regrowing the array. On PostgreSQL the rows are streamed through a server-side cursor.
        """
        compiled = stmt.compile(dialect=conn.dialect)
        params = compiled.construct_params()
        args: Any = tuple(params[n] for n in compiled.positiontup or []) if compiled.positional else params
        driver: Any = conn.connection.driver_connection
        block = np.empty((width, expected), dtype=object)
        filled = 0
        server_side = self.dialect == "postgresql"
        cursor = driver.cursor(name=f"portal_fetch_{id(block)}") if server_side else driver.cursor()
        try:
            cursor.execute(str(compiled), args)
            # In chunks: each chunk's row tuples are freed (and their memory reused) once copied.
            while chunk := cursor.fetchmany(_FETCH_ROWS):
                stop = filled + len(chunk)
                if stop > block.shape[1]:
                    grown = np.empty((width, max(stop, 2 * block.shape[1])), dtype=object)
                    grown[:, :filled] = block[:, :filled]
                    block = grown
                block[:, filled:stop] = frames.rows_array(chunk, width).T
                filled = stop
        finally:
            cursor.close()
        return block if filled == block.shape[1] else block[:, :filled]

    def _fetch_columns(self, conn: sa.Connection, stmt: sa.Select, width: int) -> list[np.ndarray]:
        """Run ``stmt`` and return its result as one object array per column (see ``_fetch_block``)."""
        return list(self._fetch_block(conn, stmt, width))

    def _dataset_rows(self, conn: sa.Connection, dataset_id: int) -> tuple[sa.ColumnElement[bool], int]:
        """Return the WHERE condition selecting the dataset's responses, in the cheapest form, and their count.

        On SQLite, when the dataset holds most of the table, reading the table in order and skipping other
        datasets' rows beats looking every row up through an index and sorting them again.
        """
        condition = responses.c.dataset_id == dataset_id
        count = conn.execute(sa.select(sa.func.count()).select_from(responses).where(condition)).scalar_one()
        if self.dialect == "sqlite" and count:
            low, high = conn.execute(sa.select(sa.func.min(responses.c.id), sa.func.max(responses.c.id))).one()
            if count * 2 >= high - low + 1:
                return (responses.c.dataset_id + 0) == dataset_id, count  # an expression: SQLite scans the table
        return condition, count

    @staticmethod
    def _typed(column: str, values: np.ndarray) -> pd.Series:
        """Return stored values of a canonical column as a Series of the canonical type."""
        if column == "date":
            return pd.Series(frames.parse_dates(values), dtype="datetime64[ns]")
        if column in frames.FLOAT_COLUMNS:
            return pd.Series(frames.to_float(values), dtype="float64")
        if column == "import_id":
            return pd.Series(values.astype("int64"), dtype="int64")
        return frames.object_series(values)


def _no_progress(_fraction: float, _message: str) -> None:
    """Ignore progress reports."""


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


def _responses_indexes() -> list[sa.Index]:
    """Return the indexes of the responses table, in a fixed order."""
    return sorted(responses.indexes, key=lambda index: str(index.name))


def _create_indexes(conn: sa.Connection) -> None:
    """Create the responses indexes again (after ``Store._drop_indexes_for``)."""
    for index in _responses_indexes():
        index.create(conn)


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


def _binds(names: Iterable[str]) -> dict[str, sa.BindParameter[Any]]:
    """Return ``{column: bindparam("p_<column>")}`` (a bind parameter may not share its column's name)."""
    return {name: sa.bindparam(f"p_{name}") for name in names}


def _copy_rows(conn: sa.Connection, dataset_id: int, import_id: int, columns: dict[str, list[Any]]) -> None:
    """Insert new rows on PostgreSQL with COPY (several times faster than INSERT)."""
    names = list(columns)
    quote = conn.dialect.identifier_preparer.quote
    quoted = ", ".join(quote(c) for c in ["dataset_id", "import_id", "first_import_id", *names])
    driver = conn.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f"COPY responses ({quoted}) FROM STDIN") as copy:  # type: ignore[union-attr]
        for row in zip(*columns.values(), strict=True):
            copy.write_row((dataset_id, import_id, import_id, *row))


def _execute_many(conn: sa.Connection, stmt: sa.Executable, columns: dict[str, list[Any]]) -> None:
    """Run ``stmt`` once per row; ``columns`` maps each ``p_<name>`` parameter's name to its values (equal lengths).

    On SQLite the value tuples go straight to the driver's executemany (values must already be in their
    stored form); elsewhere through SQLAlchemy.
    """
    count = len(next(iter(columns.values()), []))
    if not count:
        return
    if conn.dialect.name == "sqlite":
        compiled = stmt.compile(dialect=conn.dialect)
        order = list(compiled.positiontup or [])
        sources = [columns[name[2:]] if name.startswith("p_") and name[2:] in columns
                   else repeat(compiled.binds[name].effective_value, count) for name in order]
        conn.exec_driver_sql(str(compiled), list(zip(*sources, strict=False)))  # repeat() is endless
    else:
        names = [f"p_{name}" for name in columns]
        conn.execute(stmt, [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)])


def _iso_dates(dates: pd.Series) -> pd.Series:
    """Return dates as ISO 8601 text: the day only when no date has a time of day, else day and time."""
    values = dates.to_numpy(dtype="datetime64[ns]")
    present = values[~np.isnat(values)]
    midnight = present.astype("datetime64[D]").astype("datetime64[ns]")
    unit = "D" if np.array_equal(present, midnight) else "s"
    text = np.datetime_as_string(values.astype(f"datetime64[{unit}]"), unit=unit).astype(object)
    text[np.isnat(values)] = None
    return frames.object_series(text)


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


__all__ = [
    "DatasetInfo",
    "ImportResult",
    "RevertResult",
    "Store",
    "merge_config",
    "segment_names",
]
