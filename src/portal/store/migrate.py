"""Schema migrations: Alembic, configured in code, run when a store is opened.

The scripts live in ``portal/migrations/versions``. Other parts of the portal add their own migrations as
branches of ``0001_initial``, so the store upgrades to *all* heads. Two processes opening the same new store
at once are safe: the upgrade runs in one transaction that holds the database's write lock (SQLite,
``BEGIN IMMEDIATE``) or an advisory lock (PostgreSQL); the second process waits, then finds nothing to do.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError

from portal.errors import StoreError
from portal.store.connect import WRITE_OPTION

# Alembic's `op` and `context` proxies are module globals: two threads migrating at once (the web server's
# sessions, the sheet scheduler) would clobber each other, so migrations in one process take turns.
_MIGRATION_LOCK = threading.Lock()

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
#: Key of the PostgreSQL advisory lock held while migrating (any fixed 64-bit number).
ADVISORY_LOCK_KEY = 724_613_001


def alembic_config(extra_version_locations: Sequence[str | os.PathLike[str]] = ()) -> Config:
    """Return an Alembic configuration for the portal's migrations (plus any extra version folders)."""
    config = Config()
    config.set_main_option("script_location", _escape(str(MIGRATIONS_DIR)))
    config.set_main_option("path_separator", "os")
    locations = [MIGRATIONS_DIR / "versions", *(Path(p) for p in extra_version_locations)]
    config.set_main_option("version_locations", _escape(os.pathsep.join(str(p) for p in locations)))
    return config


def _escape(value: str) -> str:
    """Return ``value`` safe for the ConfigParser interpolation Alembic applies to options."""
    return value.replace("%", "%%")


def head_revisions(extra_version_locations: Sequence[str | os.PathLike[str]] = ()) -> set[str]:
    """Return the revisions an up-to-date store is at (one per branch)."""
    return set(ScriptDirectory.from_config(alembic_config(extra_version_locations)).get_heads())


def current_revisions(engine: sa.Engine) -> set[str]:
    """Return the revisions the database is at (empty for a new database)."""
    with engine.connect() as connection:
        revisions = set(MigrationContext.configure(connection).get_current_heads())
        connection.rollback()
    return revisions


def upgrade(
    engine: sa.Engine,
    target: str = "heads",
    *,
    extra_version_locations: Sequence[str | os.PathLike[str]] = (),
) -> None:
    """Upgrade the database to ``target`` (default: every head) in one locked transaction.

    Raises ``StoreError`` when the database was written by a newer version of the portal (a revision this
    version does not know). Database errors propagate to the caller, which explains them.
    """
    config = alembic_config(extra_version_locations)
    script = ScriptDirectory.from_config(config)
    current = current_revisions(engine)
    unknown = sorted(rev for rev in current if not _known(script, rev))
    if unknown:
        raise StoreError(
            "This database was created by a newer version of the portal (it has changes this version does not "
            "know). Upgrade the portal, or set PORTAL_DATABASE_URL (or --db) to another database."
        )
    if target == "heads" and current == set(script.get_heads()):
        return
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # Batch migrations rebuild tables (create, copy, drop, rename); with foreign keys on, dropping the
            # old table would cascade-delete every child row. The pragma only works outside a transaction.
            _driver_execute(connection, "PRAGMA foreign_keys = OFF")
        try:
            connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    connection.execute(sa.select(sa.func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY)))
                config.attributes["connection"] = connection
                with _MIGRATION_LOCK:
                    command.upgrade(config, target)
                if sqlite:
                    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise StoreError(
                            f"Upgrading the database left {len(problems)} rows pointing at rows that do not "
                            "exist, so the upgrade was undone. Restore a backup or report this problem."
                        )
        finally:
            if sqlite:
                _driver_execute(connection, "PRAGMA foreign_keys = ON")


def _known(script: ScriptDirectory, revision: str) -> bool:
    """Return True when ``revision`` is one of the migration scripts."""
    try:
        return script.get_revision(revision) is not None
    except (CommandError, RevisionError):
        return False


def _driver_execute(connection: sa.Connection, sql: str) -> None:
    """Run ``sql`` on the driver connection, outside SQLAlchemy's transaction handling."""
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(sql)
