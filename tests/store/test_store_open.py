"""Opening a store: settings, SQLite connection settings, and plain errors when it cannot be opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from portal.errors import StoreError
from portal.store import Store


def test_default_url_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    with Store() as store:
        assert store.url == f"sqlite:///{tmp_path / 'env.db'}"
    assert (tmp_path / "env.db").exists()


def test_home_folder_in_sqlite_url_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with Store("sqlite:///~/home.db") as store:
        assert store.url == f"sqlite:///{tmp_path / 'home.db'}"
    assert (tmp_path / "home.db").exists()


def test_sqlite_connections_are_set_up_for_several_processes(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'p.db'}") as store, store.engine.connect() as conn:
        pragma = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                  for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")}
    assert pragma["journal_mode"] == "wal"
    assert pragma["foreign_keys"] == 1
    assert pragma["busy_timeout"] >= 30_000
    assert pragma["synchronous"] == 1  # NORMAL


def test_write_transactions_take_the_write_lock_at_once(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    with Store(f"sqlite:///{path}") as store:
        from portal.store.connect import write_transaction

        other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        with write_transaction(store.engine):
            # Nothing was written yet, but BEGIN IMMEDIATE already holds the lock: another writer must wait.
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            # Readers are never blocked (WAL).
            assert other.execute("SELECT count(*) FROM datasets").fetchone() == (0,)
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        other.close()


def test_bad_url(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not a database address"):
        Store("definitely not a url")
    with pytest.raises(StoreError, match="no driver"):
        Store("nosuchdb://user@host/db")


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"folder .*missing does not exist\. Create it"):
        Store(f"sqlite:///{tmp_path / 'missing' / 'portal.db'}")


def test_folder_given_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder, not a database file"):
        Store(f"sqlite:///{tmp_path}")


def test_parent_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "plain.txt").write_text("x")
    with pytest.raises(StoreError, match="is a file, so the database cannot be created"):
        Store(f"sqlite:///{tmp_path / 'plain.txt' / 'portal.db'}")


def test_not_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"These are my notes, not a database. " * 200)
    with pytest.raises(StoreError, match="is not a portal database") as caught:
        Store(f"sqlite:///{path}")
    assert str(caught.value).count(".") <= 3  # one or two plain sentences


def test_read_only_database(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    sqlite3.connect(path).execute("CREATE TABLE unrelated (x)").connection.close()
    with pytest.raises(StoreError, match="cannot write to the database"):
        Store(f"sqlite:///file:{path}?mode=ro&uri=true")


def test_database_from_a_newer_portal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    Store(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future' "
                             "WHERE version_num = (SELECT max(version_num) FROM alembic_version)")
    engine.dispose()
    with pytest.raises(StoreError, match="newer version of the portal"):
        Store(url)


def test_unreachable_server_is_explained() -> None:
    with pytest.raises(StoreError, match="cannot open the database at postgresql") as caught:
        Store("postgresql+psycopg://someone:secret@127.0.0.1:1/portal?connect_timeout=2")
    assert "secret" not in str(caught.value)


def test_store_reopens_after_close(store: Store, make, rows) -> None:
    batch = make(rows(2))
    store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv")
    store.close()
    assert len(store.load("nps")) == 2
    assert repr(store).startswith("Store(")


def test_backup_is_a_consistent_copy(tmp_path: Path, make, rows) -> None:
    with Store(f"sqlite:///{tmp_path / 'live.db'}") as store:
        batch = make(rows(5), segments=("Region",))
        store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv")
        target = store.backup(tmp_path / "copy.db")
        with pytest.raises(StoreError, match="already exists"):
            store.backup(target)
    with Store(f"sqlite:///{target}") as copy:
        pd.testing.assert_frame_equal(copy.load("nps"), Store(f"sqlite:///{tmp_path / 'live.db'}").load("nps"))
