"""The ``collections`` and ``collection_items`` tables' SQL: evidence collections of a dataset's comments.

The tables are described in ``portal.store.schema`` (migration ``0008_collections``). An item names its comment
by the row key, which re-imports and codeframe edits never change; a comment that later leaves the data (an
import undone, a row deleted by a sync) keeps its item, and the service says it is no longer in the data.
Functions taking a dataset name raise ``NotFoundError`` for an unknown dataset; checking names and notes is the
service's job (``portal.services.collections``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from portal.errors import InputError
from portal.store.base import _now
from portal.store.connect import read_transaction, write_transaction
from portal.store.schema import collection_items, collections, datasets

if TYPE_CHECKING:
    from portal.store.store import Store

__all__ = [
    "StoredCollection",
    "StoredItem",
    "add_item",
    "collection_by_id",
    "create_collection",
    "delete_collection",
    "list_collections",
    "list_items",
    "move_item",
    "remove_item",
    "update_collection",
]


@dataclass(frozen=True)
class StoredCollection:
    """One collection: its number, dataset, name, note, creation time and how many items it holds."""

    id: int
    dataset: str
    name: str
    note: str
    created_at: datetime
    items: int


@dataclass(frozen=True)
class StoredItem:
    """One comment kept in a collection: its row key, place (0 first), the person's note and when it was added."""

    id: int
    row_key: str
    position: int
    note: str
    added_at: datetime


def _taken(name: str) -> InputError:
    """Return the error for a collection name the dataset already uses."""
    return InputError(f"This dataset already has a collection called '{name}'. Choose another name.")


def _select() -> sa.Select:
    """Return the query of collections with their dataset's name and item count."""
    count = (sa.select(sa.func.count()).select_from(collection_items)
             .where(collection_items.c.collection_id == collections.c.id).scalar_subquery())
    return (sa.select(collections.c.id, datasets.c.name.label("dataset"), collections.c.name, collections.c.note,
                      collections.c.created_at, count.label("items"))
            .join(datasets, datasets.c.id == collections.c.dataset_id))


def _collection(row: sa.Row) -> StoredCollection:
    """Return one row of ``_select`` as a ``StoredCollection``."""
    return StoredCollection(id=int(row.id), dataset=row.dataset, name=row.name, note=row.note,
                            created_at=row.created_at, items=int(row.items or 0))


def create_collection(store: Store, dataset: str, name: str, note: str = "") -> StoredCollection:
    """Store a new, empty collection of ``dataset`` and return it; raise ``InputError`` when the name is taken."""
    try:
        with write_transaction(store.engine) as conn:
            dataset_id = store._dataset_id(conn, dataset, lock=True)
            clash = conn.execute(sa.select(collections.c.id).where(
                collections.c.dataset_id == dataset_id, collections.c.name == name)).first()
            if clash is not None:
                raise _taken(name)
            new_id = conn.execute(sa.insert(collections).values(
                dataset_id=dataset_id, name=name, note=note, created_at=_now())).inserted_primary_key[0]
    except sa.exc.IntegrityError as err:  # another person made the same name at the same moment
        raise _taken(name) from err
    found = collection_by_id(store, int(new_id))
    assert found is not None
    return found


def list_collections(store: Store, dataset: str) -> list[StoredCollection]:
    """Return ``dataset``'s collections, newest first."""
    with read_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, dataset)
        rows = conn.execute(_select().where(collections.c.dataset_id == dataset_id)
                            .order_by(collections.c.created_at.desc(), collections.c.id.desc())).all()
    return [_collection(r) for r in rows]


def collection_by_id(store: Store, collection_id: int) -> StoredCollection | None:
    """Return the collection numbered ``collection_id``, or None when there is none."""
    with read_transaction(store.engine) as conn:
        row = conn.execute(_select().where(collections.c.id == int(collection_id))).first()
    return _collection(row) if row is not None else None


def update_collection(store: Store, collection_id: int, name: str, note: str) -> bool:
    """Rename a collection and set its note; return False when there is none; ``InputError`` when the name is taken."""
    with write_transaction(store.engine) as conn:
        dataset_id = conn.execute(sa.select(collections.c.dataset_id)
                                  .where(collections.c.id == int(collection_id))).scalar()
        if dataset_id is None:
            return False
        clash = conn.execute(sa.select(collections.c.id).where(
            collections.c.dataset_id == dataset_id, collections.c.name == name,
            collections.c.id != int(collection_id))).first()
        if clash is not None:
            raise _taken(name)
        conn.execute(sa.update(collections).where(collections.c.id == int(collection_id))
                     .values(name=name, note=note))
    return True


def delete_collection(store: Store, collection_id: int) -> bool:
    """Delete a collection and its items; return False when there is none."""
    with write_transaction(store.engine) as conn:
        conn.execute(sa.delete(collection_items).where(collection_items.c.collection_id == int(collection_id)))
        gone = conn.execute(sa.delete(collections).where(collections.c.id == int(collection_id))).rowcount
    return bool(gone)


def list_items(store: Store, collection_id: int) -> list[StoredItem]:
    """Return a collection's items in order (an unknown collection has none)."""
    with read_transaction(store.engine) as conn:
        rows = conn.execute(sa.select(collection_items)
                            .where(collection_items.c.collection_id == int(collection_id))
                            .order_by(collection_items.c.position, collection_items.c.id)).all()
    return [StoredItem(id=int(r.id), row_key=r.row_key, position=int(r.position), note=r.note, added_at=r.added_at)
            for r in rows]


def add_item(store: Store, collection_id: int, row_key: str, note: str = "") -> bool:
    """Add a comment at the end of a collection; return True when it was new.

    A comment already there stays one item in its place; a non-empty ``note`` replaces its note.
    """
    try:
        return _add_item(store, collection_id, row_key, note)
    except sa.exc.IntegrityError:  # the same comment saved twice at the same moment: one item
        return False


def _add_item(store: Store, collection_id: int, row_key: str, note: str) -> bool:
    """Add a comment at the end of a collection (see ``add_item``)."""
    with write_transaction(store.engine) as conn:
        _lock_collection(conn, collection_id)
        found = conn.execute(sa.select(collection_items.c.id).where(
            collection_items.c.collection_id == int(collection_id), collection_items.c.row_key == row_key)).scalar()
        if found is not None:
            if note:
                conn.execute(sa.update(collection_items).where(collection_items.c.id == found).values(note=note))
            return False
        last = conn.execute(sa.select(sa.func.max(collection_items.c.position))
                            .where(collection_items.c.collection_id == int(collection_id))).scalar()
        conn.execute(sa.insert(collection_items).values(
            collection_id=int(collection_id), row_key=row_key, position=0 if last is None else int(last) + 1,
            note=note, added_at=_now()))
    return True


def _lock_collection(conn: sa.Connection, collection_id: int) -> None:
    """Lock the collection's row (PostgreSQL) so two writers keep its items' order whole."""
    stmt = sa.select(collections.c.id).where(collections.c.id == int(collection_id))
    if conn.dialect.name != "sqlite":
        stmt = stmt.with_for_update()
    conn.execute(stmt).first()


def remove_item(store: Store, collection_id: int, row_key: str) -> bool:
    """Remove a comment from a collection; return False when it was not there."""
    with write_transaction(store.engine) as conn:
        gone = conn.execute(sa.delete(collection_items).where(
            collection_items.c.collection_id == int(collection_id), collection_items.c.row_key == row_key)).rowcount
    return bool(gone)


def move_item(store: Store, collection_id: int, row_key: str, position: int) -> bool:
    """Put a comment at ``position`` (0 first, clamped to the collection), renumbering the others in order.

    Returns False when the comment is not in the collection.
    """
    with write_transaction(store.engine) as conn:
        _lock_collection(conn, collection_id)
        keys = list(conn.execute(sa.select(collection_items.c.row_key)
                                 .where(collection_items.c.collection_id == int(collection_id))
                                 .order_by(collection_items.c.position, collection_items.c.id)).scalars())
        if row_key not in keys:
            return False
        keys.remove(row_key)
        keys.insert(max(0, min(int(position), len(keys))), row_key)
        conn.execute(sa.update(collection_items)
                     .where(collection_items.c.collection_id == int(collection_id),
                            collection_items.c.row_key == sa.bindparam("k"))
                     .values(position=sa.bindparam("p")),
                     [{"k": k, "p": i} for i, k in enumerate(keys)])
    return True
