"""Schema migrations: a store made at 0001 upgrades in place, without losing rows, to every head."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from alembic import command

from portal.errors import StoreError
from portal.store import Store
from portal.store.collections import add_item, collection_by_id, create_collection, list_collections
from portal.store.journeys import read_journey, save_journey
from portal.store.migrate import alembic_config, current_revisions, head_revisions, upgrade
from portal.store.schema import metadata
from portal.store.sentiment import read_sentiment_model, save_sentiment_model

BRANCH = '''
"""A test branch from 0001: adds a column to datasets and to responses (SQLite rebuilds both tables)."""

import sqlalchemy as sa
from alembic import op

revision = "9001_test_branch"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def _recreate():
    # On SQLite, copy each table to a new one and drop the old one, as SQLite must for most changes;
    # with foreign keys on, dropping "datasets" would cascade-delete every response.
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade():
    with op.batch_alter_table("datasets", recreate=_recreate()) as batch:
        batch.add_column(sa.Column("note", sa.Text, nullable=True))
    with op.batch_alter_table("responses", recreate=_recreate()) as batch:
        batch.add_column(sa.Column("extra", sa.Text, nullable=True))
    op.execute("UPDATE datasets SET note = 'migrated'")


def downgrade():
    with op.batch_alter_table("responses", recreate=_recreate()) as batch:
        batch.drop_column("extra")
    with op.batch_alter_table("datasets", recreate=_recreate()) as batch:
        batch.drop_column("note")
'''


def _downgrade(engine: sa.Engine, target: str) -> None:
    """Take the database back to ``target`` as an older portal left it (SQLite foreign keys off, as upgrades do)."""
    config = alembic_config()
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.downgrade(config, target)
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


def _fill(store: Store, make, rows) -> None:
    """Import two datasets with history: "old" (30 rows, then 10 of them changed) and "other" (5 rows)."""
    first = make(rows(30), segments=("Region",))
    store.import_rows("old", first.config, first.canonical, first.raw, source="a.csv")
    changed = make([dict(r, Score="1") for r in rows(10)], segments=("Region",))
    store.import_rows("old", changed.config, changed.canonical, changed.raw, source="b.csv")
    other = make(rows(5, start=100))
    store.import_rows("other", other.config, other.canonical, other.raw, source="c.csv")


@dataclass(frozen=True, eq=False)
class OldStore:
    """A store taken back to an older schema, and what it held before: each dataset's rows and "old"'s imports."""

    store: Store
    frames: dict[str, pd.DataFrame]
    history: pd.DataFrame


def _store_at(url: str, make, rows, target: str) -> OldStore:
    """Return a store holding two datasets with history whose schema was taken back to ``target``.

    Today's code reads and writes columns that older schemas lack, so the rows are written and read at the
    newest schema and the database is then downgraded, as an older portal would have left it.
    """
    store = Store(url)
    _fill(store, make, rows)
    frames = {name: store.load(name) for name in ("old", "other")}
    history = store.imports("old")
    _downgrade(store.engine, target)
    return OldStore(store, frames, history)


def _store_at_0001(url: str, make, rows) -> OldStore:
    """Return a store whose schema is exactly 0001_initial, holding two datasets with history."""
    old = _store_at(url, make, rows, "0001_initial")
    assert current_revisions(old.store.engine) == {"0001_initial"}
    assert "recommend" not in _columns(old.store.engine, "responses")
    with old.store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM responses")).scalar() == 35
        assert conn.execute(sa.text("SELECT count(*) FROM response_history")).scalar() == 10
    return old


def _columns(engine: sa.Engine, table: str) -> set[str]:
    """Return the names of a table's columns in the database."""
    with engine.connect() as conn:
        return {c["name"] for c in sa.inspect(conn).get_columns(table)}


def test_store_made_at_0001_upgrades_in_place_to_every_head(db_url: str, make, rows) -> None:
    old = _store_at_0001(db_url, make, rows)
    before, history_before = old.frames, old.history
    old.store.close()

    store = Store(db_url)  # opening upgrades to all heads, including other parts' branches
    assert current_revisions(store.engine) == head_revisions()
    for name, frame in before.items():
        after = store.load(name)
        assert after.equals(frame), name
    assert store.imports("old")[["id", "status", "added", "updated"]].equals(
        history_before[["id", "status", "added", "updated"]])
    second = int(history_before["id"].iloc[0])
    result = store.revert_import(second)  # the history written at 0001 still works after the upgrade
    assert result.restored == 10
    assert store.load("old")["nps"].eq(9.0).all()
    store.close()


def test_a_new_branch_rebuilding_tables_keeps_every_row(db_url: str, make, rows, tmp_path: Path) -> None:
    old = _store_at_0001(db_url, make, rows)
    before = old.frames["old"]
    old.store.close()
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "9001_test_branch.py").write_text(textwrap.dedent(BRANCH))
    engine = Store(db_url, migrate=False).engine
    upgrade(engine, extra_version_locations=[versions])
    assert current_revisions(engine) == head_revisions([versions])
    assert "9001_test_branch" in current_revisions(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM responses")).scalar() == 35
        assert conn.execute(sa.text("SELECT count(*) FROM response_history")).scalar() == 10
        assert set(conn.execute(sa.text("SELECT note FROM datasets")).scalars()) == {"migrated"}
    engine.dispose()

    store = Store(db_url, migrate=False)
    assert store.load("old").equals(before)
    store.delete_dataset("other")  # foreign keys (and their cascades) survived the table rebuilds
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM responses")).scalar() == 30
    store.close()


def test_store_at_0004_holding_rows_gains_the_recommend_column_in_place(db_url: str, make, rows) -> None:
    old = _store_at(db_url, make, rows, "0005_recommend@-1")  # every other part's schema, not 0005
    assert current_revisions(old.store.engine) == head_revisions() - {"0005_recommend"}
    assert "recommend" not in _columns(old.store.engine, "responses")
    assert "recommend" not in _columns(old.store.engine, "response_history")
    old.store.close()

    store = Store(db_url)  # opening applies 0005_recommend to the store as it is
    assert current_revisions(store.engine) == head_revisions()
    assert {"recommend"} <= _columns(store.engine, "responses") & _columns(store.engine, "response_history")
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM responses")).scalar() == 35
        assert conn.execute(sa.text("SELECT count(*) FROM response_history")).scalar() == 10
        assert conn.execute(sa.text("SELECT count(*) FROM responses WHERE recommend IS NOT NULL")).scalar() == 0
    for name, frame in old.frames.items():
        after = store.load(name)
        assert after.equals(frame), name
        assert after["recommend"].isna().all()  # no answer: no dataset could map the role before 0005
    assert store.imports("old")[["id", "status", "added", "updated"]].equals(
        old.history[["id", "status", "added", "updated"]])
    assert store.revert_import(int(old.history["id"].iloc[0])).restored == 10  # history kept its rows
    assert store.load("old")["nps"].eq(9.0).all()
    store.close()


def test_store_without_the_table_gains_it_in_place(db_url: str, make, rows) -> None:
    old = _store_at(db_url, make, rows, "0006_sentiment_models@-1")  # every other part's schema, not 0006
    assert current_revisions(old.store.engine) == head_revisions() - {"0006_sentiment_models"}
    with old.store.engine.connect() as conn:
        assert "sentiment_models" not in sa.inspect(conn).get_table_names()
    old.store.close()
    store = Store(db_url)  # opening applies 0006 to the store as it is
    assert current_revisions(store.engine) == head_revisions()
    assert _columns(store.engine, "sentiment_models") == {"dataset_id", "model", "report", "fitted_at"}
    for name, frame in old.frames.items():
        assert store.load(name).equals(frame), name
        assert read_sentiment_model(store, name) is None  # the general model until the next import
    save_sentiment_model(store, "old", b"m", {"n": 1})
    assert read_sentiment_model(store, "old") is not None
    store.close()


def test_store_without_the_journeys_table_gains_it_in_place(db_url: str, make, rows) -> None:
    old = _store_at(db_url, make, rows, "0007_journeys@-1")  # every other part's schema, not 0007
    assert current_revisions(old.store.engine) == head_revisions() - {"0007_journeys"}
    with old.store.engine.connect() as conn:
        assert "journeys" not in sa.inspect(conn).get_table_names()
    old.store.close()
    store = Store(db_url)  # opening applies 0007 to the store as it is
    assert current_revisions(store.engine) == head_revisions()
    assert _columns(store.engine, "journeys") == {"dataset_id", "stage_column", "stages", "updated_at"}
    for name, frame in old.frames.items():
        assert store.load(name).equals(frame), name
        assert read_journey(store, name) is None  # no journey until a person sets one
    save_journey(store, "old", "Region", ["South", "North"])
    assert read_journey(store, "old").stages == ("South", "North")
    store.delete_dataset("old")  # the journey goes with its dataset
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM journeys")).scalar() == 0
    store.close()


def test_opening_a_current_store_changes_nothing(db_url: str, make, rows) -> None:
    store = Store(db_url)
    batch = make(rows(3))
    store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv")
    store.close()
    again = Store(db_url)
    assert current_revisions(again.engine) == head_revisions()
    assert len(again.load("nps")) == 3
    again.close()


def test_the_migrations_create_every_table_the_schema_describes(db_url: str) -> None:
    store = Store(db_url)
    with store.engine.connect() as conn:
        inspector = sa.inspect(conn)
        made = set(inspector.get_table_names())
        for table in metadata.sorted_tables:
            assert table.name in made, table.name
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            assert columns == {c.name for c in table.columns}, table.name
    assert {"sheet_sources", "leases"} <= {t.name for t in metadata.sorted_tables}
    store.close()


def test_unknown_revision_is_refused_before_touching_anything(db_url: str) -> None:
    Store(db_url).close()
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'zzzz_later' "
                             "WHERE version_num = '0001_initial' OR version_num = (SELECT min(version_num) "
                             "FROM alembic_version)"))
    engine.dispose()
    try:
        Store(db_url)
    except StoreError as err:
        assert "newer version of the portal" in str(err)
    else:
        raise AssertionError("a store with an unknown revision was opened")


def test_store_without_the_collection_tables_gains_them_in_place(db_url: str, make, rows) -> None:
    old = _store_at(db_url, make, rows, "0008_collections@-1")  # every other part's schema, not 0008
    assert current_revisions(old.store.engine) == head_revisions() - {"0008_collections"}
    with old.store.engine.connect() as conn:
        assert {"collections", "collection_items"}.isdisjoint(sa.inspect(conn).get_table_names())
    old.store.close()
    store = Store(db_url)  # opening applies 0008 to the store as it is
    assert current_revisions(store.engine) == head_revisions()
    assert _columns(store.engine, "collection_items") == {"id", "collection_id", "row_key", "position", "note",
                                                          "added_at"}
    for name, frame in old.frames.items():
        assert store.load(name).equals(frame), name
        assert list_collections(store, name) == []
    made = create_collection(store, "old", "Evidence")
    assert add_item(store, made.id, store.load("old")["row_key"].iloc[0])
    store.delete_dataset("old")  # the collection goes with its dataset
    assert collection_by_id(store, made.id) is None
    store.close()
