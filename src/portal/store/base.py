"""The store's foundation: opening the database, the result types, and the helpers every part of ``Store`` uses."""

from __future__ import annotations

import functools
import gc
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import repeat
from typing import Any, ParamSpec, Self, TypeVar

import numpy as np
import orjson
import pandas as pd
import sqlalchemy as sa

from portal.errors import NotFoundError, StoreError
from portal.model import DatasetConfig
from portal.store import frames
from portal.store.connect import check_sqlite_location, create_engine, open_error, resolve_url, shown_url
from portal.store.migrate import upgrade
from portal.store.schema import datasets, responses

Progress = Callable[[float, str], None]

#: Rows fetched from the database at a time when reading a dataset.
_FETCH_ROWS = 100_000


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


def _now() -> datetime:
    """Return the current time in UTC without a time zone (how the store keeps times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _not_found(name: str) -> NotFoundError:
    """Return the error for an unknown dataset name."""
    return NotFoundError(f"No dataset named '{name}'. Run `portal datasets` to see the names of your datasets.")


class StoreBase:
    """The database connection of a ``Store`` and the helpers its parts share (see ``portal.store.store``)."""

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

    def __enter__(self) -> Self:
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

    def _dataset_id(self, conn: sa.Connection, name: str, *, lock: bool = False) -> int:
        """Return the id of dataset ``name`` (locked when asked); raise ``NotFoundError`` when there is none."""
        found = self._find_dataset_id(conn, name, lock=lock)
        if found is None:
            raise _not_found(name)
        return found

    def _find_dataset_id(self, conn: sa.Connection, name: str, *, lock: bool = False) -> int | None:
        """Return the id of dataset ``name`` (locked when asked), or None when there is none."""
        stmt = sa.select(datasets.c.id).where(datasets.c.name == name)
        if lock and self.dialect != "sqlite":
            stmt = stmt.with_for_update()
        found = conn.execute(stmt).scalar()
        return None if found is None else int(found)

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


def _binds(names: Iterable[str]) -> dict[str, sa.BindParameter[Any]]:
    """Return ``{column: bindparam("p_<column>")}`` (a bind parameter may not share its column's name)."""
    return {name: sa.bindparam(f"p_{name}") for name in names}


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
