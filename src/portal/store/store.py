"""``Store``: the portal's database of datasets, their imports and their responses (SQLAlchemy Core).

``Store`` is assembled from its parts: ``base`` (opening, shared helpers), ``writes`` and ``rows`` (imports),
``revert`` (undoing an import) and ``sheets`` (linked Google Sheets and leases); this module reads.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect

from portal.errors import StoreError
from portal.model import CANONICAL_COLUMNS, DatasetConfig, DatasetInfo, ImportResult, RevertResult
from portal.store import cache, frames
from portal.store.base import _bulk, _not_found
from portal.store.connect import read_transaction
from portal.store.revert import StoreRevert
from portal.store.schema import STATUS_OK, STATUS_REVERTED, datasets, imports, responses
from portal.store.sheets import SheetSources
from portal.store.writes import StoreWrites, merge_config

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
    ("recommend", "portal_recommend"),
    ("value", "portal_value"),
    ("brand", "portal_brand"),
    ("sentiment", "portal_sentiment"),
    ("sentiment_label", "portal_sentiment_label"),
    ("language", "portal_language"),
)
SEGMENT_SUFFIX = " (segment)"
#: Columns a loaded frame always has besides the segments.
LOADED_COLUMNS: tuple[str, ...] = (*CANONICAL_COLUMNS, "import_id")


def segment_names(config: DatasetConfig) -> dict[str, str]:
    """Return each segment's column name in a loaded frame (`` (segment)`` added when it collides)."""
    return {s: (s + SEGMENT_SUFFIX if s in LOADED_COLUMNS else s) for s in config.mapping.segments}


class Store(StoreWrites, StoreRevert, SheetSources):
    """The portal's database. Opening it creates or upgrades the schema; every method is one transaction."""

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
        ``portal_date`` (ISO 8601), ``portal_nps``, ``portal_csat``, ``portal_rating``, ``portal_recommend``,
        ``portal_value``, ``portal_brand``, ``portal_sentiment``, ``portal_sentiment_label`` and ``portal_language``.
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


def _iso_dates(dates: pd.Series) -> pd.Series:
    """Return dates as ISO 8601 text: the day only when no date has a time of day, else day and time."""
    values = dates.to_numpy(dtype="datetime64[ns]")
    present = values[~np.isnat(values)]
    midnight = present.astype("datetime64[D]").astype("datetime64[ns]")
    unit = "D" if np.array_equal(present, midnight) else "s"
    text = np.datetime_as_string(values.astype(f"datetime64[{unit}]"), unit=unit).astype(object)
    text[np.isnat(values)] = None
    return frames.object_series(text)


__all__ = [
    "DatasetInfo",
    "ImportResult",
    "RevertResult",
    "Store",
    "merge_config",
    "segment_names",
]
