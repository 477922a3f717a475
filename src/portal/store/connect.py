"""Opening the store's database: the engine, SQLite's connection settings, transactions and open errors.

SQLite is tuned for several processes sharing one file: WAL journal (readers never block the writer),
a busy timeout, foreign keys on, ``synchronous=NORMAL``, and every *write* transaction starts with
``BEGIN IMMEDIATE`` (Python's sqlite3 driver otherwise begins lazily, and a transaction that reads first and
writes later can fail with "database is locked" whatever the timeout). Read transactions use a plain
``BEGIN``, so reading never waits for an import.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from portal.errors import StoreError

#: Seconds a writer waits for another process's write transaction before giving up.
BUSY_TIMEOUT_SECONDS = 120
#: Execution option that marks a connection whose transactions write (``BEGIN IMMEDIATE`` on SQLite).
WRITE_OPTION = "portal_write"
#: SQLite page cache of a connection while it writes, in KiB (a large import keeps its indexes in memory)...
SQLITE_WRITE_CACHE_KIB = 131072
#: ... and while it reads (pooled connections keep their cache, so it stays small when not needed).
SQLITE_READ_CACHE_KIB = 16384
#: The WAL file is truncated to this size after a checkpoint.
SQLITE_WAL_LIMIT_BYTES = 64 * 1024 * 1024

_ELSEWHERE = "PORTAL_DATABASE_URL (or --db) to another location"


def resolve_url(url: str | None) -> sa.URL:
    """Return the parsed store URL (``~`` expanded for SQLite files); raise ``StoreError`` when it is not a URL."""
    from portal import settings

    text = settings.database_url(url)
    try:
        parsed = sa.make_url(text)
    except (sa.exc.ArgumentError, ValueError) as err:
        raise StoreError(
            f"'{text}' is not a database address the portal understands. Use for example "
            "sqlite:///path/to/portal.db or postgresql+psycopg://user:password@host/dbname."
        ) from err
    if is_sqlite(parsed) and parsed.database and parsed.database.startswith("~"):
        parsed = parsed.set(database=str(Path(parsed.database).expanduser()))
    return parsed


def is_sqlite(url: sa.URL) -> bool:
    """Return True when ``url`` names an SQLite database."""
    return url.get_backend_name() == "sqlite"


def sqlite_path(url: sa.URL) -> Path | None:
    """Return the file of an SQLite URL, or None for an in-memory or URI-style database."""
    database = url.database or ""
    if not is_sqlite(url) or database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def shown_url(url: sa.URL) -> str:
    """Return ``url`` as text with any password hidden (for messages)."""
    return url.render_as_string(hide_password=True)


def check_sqlite_location(url: sa.URL) -> None:
    """Raise ``StoreError`` when an SQLite file cannot be where the URL puts it (missing folder, a folder)."""
    path = sqlite_path(url)
    if path is None:
        return
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file. Name a file instead, such as {path / 'portal.db'}.")
    folder = path.parent
    if not folder.exists():
        raise StoreError(f"The folder {folder} does not exist. Create it, or set {_ELSEWHERE}.")
    if not folder.is_dir():
        raise StoreError(f"{folder} is a file, so the database cannot be created inside it. Set {_ELSEWHERE}.")


def create_engine(url: sa.URL) -> sa.Engine:
    """Return an engine for ``url`` with the portal's connection settings; raise ``StoreError`` for a bad driver."""
    try:
        if is_sqlite(url):
            engine = sa.create_engine(
                url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False}
            )
            _configure_sqlite(engine, in_memory=sqlite_path(url) is None)
        else:
            engine = sa.create_engine(url, pool_pre_ping=True)
    except (sa.exc.NoSuchModuleError, ModuleNotFoundError, ImportError) as err:
        raise StoreError(
            f"The portal has no driver for the database '{url.drivername}'. Use SQLite (sqlite:///path/to/file.db) "
            "or PostgreSQL (postgresql+psycopg://...), or install the driver for your database."
        ) from err
    except sa.exc.ArgumentError as err:
        raise StoreError(f"The database address {shown_url(url)} is not valid: {err}.") from err

    return engine


def _configure_sqlite(engine: sa.Engine, *, in_memory: bool) -> None:
    """Install the connect and begin hooks that set SQLite up for several processes."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the "begin" hook below emits BEGIN itself
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not in_memory:
                _set_wal(cursor)
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA temp_store = MEMORY")
            cursor.execute(f"PRAGMA journal_size_limit = {SQLITE_WAL_LIMIT_BYTES}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        writes = connection.get_execution_options().get(WRITE_OPTION, False)
        cache = SQLITE_WRITE_CACHE_KIB if writes else SQLITE_READ_CACHE_KIB
        connection.exec_driver_sql(f"PRAGMA cache_size = -{cache}")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _set_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the database to WAL journal mode, retrying while another process holds the file."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL").fetchall()
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def write_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """Yield a connection inside a write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on success."""
    with engine.connect() as connection:
        connection.execution_options(**{WRITE_OPTION: True})
        with connection.begin():
            yield connection


@contextmanager
def read_transaction(engine: sa.Engine) -> Iterator[sa.Connection]:
    """Yield a connection inside a read transaction (one consistent snapshot on SQLite in WAL mode)."""
    with engine.connect() as connection, connection.begin():
        yield connection


def open_error(url: sa.URL, err: BaseException) -> StoreError:
    """Return the ``StoreError`` that explains why the database at ``url`` could not be opened or upgraded."""
    original = getattr(err, "orig", None) or err
    detail = (str(original).strip().splitlines() or [type(original).__name__])[0]
    lowered = detail.lower()
    path = sqlite_path(url)
    where = str(path) if path is not None else (url.database or "") if is_sqlite(url) else shown_url(url)
    if is_sqlite(url):
        if "not a database" in lowered or "encrypted" in lowered or "malformed" in lowered:
            return StoreError(f"{where} is not a portal database (it is not a readable SQLite file). "
                              f"Set {_ELSEWHERE}, or move that file away.")
        if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered or "permission" in lowered:
            return StoreError(f"The portal cannot write to the database {where}. Check that you may write to the "
                              f"file and its folder, or set {_ELSEWHERE}.")
        if "locked" in lowered or "busy" in lowered:
            return StoreError(f"The database {where} is locked by another program that is still writing to it. "
                              "Wait for it to finish, then try again.")
        if "disk" in lowered and ("full" in lowered or "i/o" in lowered):
            return StoreError(f"The database {where} cannot be written: the disk is full or failing. "
                              "Free some space, then try again.")
    return StoreError(f"The portal cannot open the database at {where} ({detail}). Check the address in "
                      "PORTAL_DATABASE_URL (or --db) and that the database server is running.")
