"""The collections tables on SQLite and PostgreSQL: order kept and renumbered, one item per comment, names unique
per dataset, and everything deleted with the dataset (the in-place upgrade is in test_store_migrations)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.errors import InputError, NotFoundError
from portal.store import Store
from portal.store import collections as stored


def _keys(store: Store, collection_id: int) -> list[str]:
    return [i.row_key for i in stored.list_items(store, collection_id)]


def test_items_keep_their_order_and_a_comment_is_one_item(store: Store, make, rows) -> None:
    batch = make(rows(5))
    store.import_rows("d", batch.config, batch.canonical, batch.raw, source="a.csv")
    keys = store.load("d")["row_key"].tolist()
    made = stored.create_collection(store, "d", "Evidence", "note")
    assert [stored.add_item(store, made.id, k) for k in keys[:4]] == [True] * 4
    assert not stored.add_item(store, made.id, keys[0], "second time")  # one item; its note replaced
    assert _keys(store, made.id) == keys[:4]
    assert stored.list_items(store, made.id)[0].note == "second time"
    assert stored.move_item(store, made.id, keys[3], 1)
    assert _keys(store, made.id) == [keys[0], keys[3], keys[1], keys[2]]
    assert [i.position for i in stored.list_items(store, made.id)] == [0, 1, 2, 3]
    assert stored.move_item(store, made.id, keys[0], 99)  # past the end: last
    assert _keys(store, made.id) == [keys[3], keys[1], keys[2], keys[0]]
    assert not stored.move_item(store, made.id, keys[4], 0)
    assert stored.remove_item(store, made.id, keys[1]) and not stored.remove_item(store, made.id, keys[1])
    assert stored.collection_by_id(store, made.id).items == 3


def test_names_are_unique_per_dataset_and_collections_go_with_it(store: Store, make, rows) -> None:
    for name in ("d", "e"):
        batch = make(rows(2))
        store.import_rows(name, batch.config, batch.canonical, batch.raw, source="a.csv")
    made = stored.create_collection(store, "d", "Same")
    kept = stored.create_collection(store, "e", "Same")  # another dataset may use the name
    with pytest.raises(InputError):
        stored.create_collection(store, "d", "Same")
    with pytest.raises(NotFoundError):
        stored.create_collection(store, "nope", "Same")
    stored.add_item(store, made.id, store.load("d")["row_key"].iloc[0])
    store.delete_dataset("d")
    assert stored.collection_by_id(store, made.id) is None
    assert [c.id for c in stored.list_collections(store, "e")] == [kept.id]
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM collection_items")).scalar() == 0
