"""Writing response rows in bulk: inserting and updating batches, and rebuilding SQLite's indexes around them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from portal.store import frames
from portal.store.base import Progress, StoreBase, _binds, _execute_many
from portal.store.schema import DATA_COLUMNS, responses

#: SQLite: adding or deleting at least this many rows (and as many as the table holds besides them) rebuilds
#: the indexes once at the end instead of updating them row by row, which is several times faster.
INDEX_REBUILD_MIN_ROWS = 50_000
#: Columns written for every response row (with ``row_key``; see ``_write_values``).
_WRITE_COLUMNS: tuple[str, ...] = tuple(c for c in DATA_COLUMNS if c not in ("import_id", "first_import_id"))


class StoreRows(StoreBase):
    """The bulk row writing ``StoreWrites`` builds imports from."""

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


def _responses_indexes() -> list[sa.Index]:
    """Return the indexes of the responses table, in a fixed order."""
    return sorted(responses.indexes, key=lambda index: str(index.name))


def _create_indexes(conn: sa.Connection) -> None:
    """Create the responses indexes again (after ``Store._drop_indexes_for``)."""
    for index in _responses_indexes():
        index.create(conn)

def _copy_rows(conn: sa.Connection, dataset_id: int, import_id: int, columns: dict[str, list[Any]]) -> None:
    """Insert new rows on PostgreSQL with COPY (several times faster than INSERT)."""
    names = list(columns)
    quote = conn.dialect.identifier_preparer.quote
    quoted = ", ".join(quote(c) for c in ["dataset_id", "import_id", "first_import_id", *names])
    driver = conn.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f"COPY responses ({quoted}) FROM STDIN") as copy:  # type: ignore[union-attr]
        for row in zip(*columns.values(), strict=True):
            copy.write_row((dataset_id, import_id, import_id, *row))
