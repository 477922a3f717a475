"""Reverting an import: added rows go, changed rows come back, other imports stay as they are."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.errors import InputError, NotFoundError
from portal.store import Store
from portal.store.schema import response_history


def _import(store: Store, make, rows, name: str = "nps", **kwargs):
    batch = make(rows)
    return store.import_rows(name, batch.config, batch.canonical, batch.raw, source=f"{len(rows)}.csv", **kwargs)


def test_revert_removes_the_rows_an_import_added(store: Store, make, rows) -> None:
    first = _import(store, make, rows(3))
    second = _import(store, make, rows(5))  # adds 00004 and 00005
    version = store.data_version("nps")
    result = store.revert_import(second.import_id)
    assert (result.import_id, result.removed, result.restored) == (second.import_id, 2, 0)
    assert result.dataset == "nps"
    assert store.row_keys("nps") == {"id:00001", "id:00002", "id:00003"}
    assert store.load("nps")["import_id"].eq(first.import_id).all()
    assert store.data_version("nps") > version
    history = store.imports("nps")
    assert history["status"].tolist() == ["reverted", "ok"]
    assert "2 rows removed" in history["message"].iloc[0]
    info = store.dataset("nps")
    assert info is not None and info.imports == 1 and info.rows == 3


def test_revert_restores_the_previous_version_of_updated_rows(store: Store, make, rows) -> None:
    original = rows(3)
    first = _import(store, make, original)
    changed = [dict(r) for r in original]
    changed[0]["Score"] = "0"
    changed[0]["Comment"] = "terrible now"
    changed.append({"ID": "00099", "Score": "5", "Date": "2024-02-01"})
    second = _import(store, make, changed)
    assert (second.updated, second.added) == (1, 1)
    before = store.export_frame("nps")

    result = store.revert_import(second.import_id)
    assert (result.removed, result.restored) == (1, 1)
    loaded = store.load("nps").set_index("row_key")
    assert set(loaded.index) == {"id:00001", "id:00002", "id:00003"}
    assert loaded.loc["id:00001", "nps"] == 9.0
    assert loaded.loc["id:00001", "comment"] == "comment 1"
    assert loaded.loc["id:00001", "import_id"] == first.import_id
    exported = store.export_frame("nps").set_index("portal_row_key")
    assert exported.loc["id:00001", "Score"] == "9" and exported.loc["id:00001", "Comment"] == "comment 1"
    assert before.set_index("portal_row_key").loc["id:00001", "Score"] == "0"
    with store.engine.connect() as conn:
        left = conn.execute(sa.select(sa.func.count()).select_from(response_history)).scalar()
    assert left == 0
    again = _import(store, make, original)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_reverting_one_import_leaves_another_untouched(store: Store, make, rows) -> None:
    _import(store, make, rows(2))
    other = _import(store, make, rows(2, start=50), name="other")
    mid = _import(store, make, rows(4))
    other_before = store.load("other")
    other_version = store.data_version("other")
    store.revert_import(mid.import_id)
    assert store.load("other").equals(other_before)
    assert store.data_version("other") == other_version
    assert store.imports("other")["status"].tolist() == ["ok"]
    assert store.row_keys("nps") == {"id:00001", "id:00002"}
    assert other.added == 2


def test_revert_of_an_older_import_keeps_later_changes(store: Store, make, rows) -> None:
    base = rows(2)
    _import(store, make, base)
    v2 = [dict(r) for r in base]
    v2[0]["Score"] = "5"
    second = _import(store, make, v2)
    v3 = [dict(r) for r in v2]
    v3[0]["Score"] = "1"
    third = _import(store, make, v3)
    result = store.revert_import(second.import_id)
    assert result.restored == 0  # the third import changed the row since
    loaded = store.load("nps").set_index("row_key")
    assert loaded.loc["id:00001", "nps"] == 1.0 and loaded.loc["id:00001", "import_id"] == third.import_id
    result = store.revert_import(third.import_id)
    assert result.restored == 1
    assert store.load("nps").set_index("row_key").loc["id:00001", "nps"] == 5.0


def test_revert_brings_back_rows_removed_as_missing(store: Store, make, rows) -> None:
    _import(store, make, rows(4))
    shrink = _import(store, make, rows(2), delete_missing=True)
    assert shrink.removed == 2
    result = store.revert_import(shrink.import_id)
    assert (result.removed, result.restored) == (0, 2)
    loaded = store.load("nps").set_index("row_key")
    assert set(loaded.index) == {"id:00001", "id:00002", "id:00003", "id:00004"}
    assert loaded.loc["id:00004", "comment"] == "comment 4"
    assert store.export_frame("nps").set_index("portal_row_key").loc["id:00003", "ID"] == "00003"


def test_revert_errors_are_plain(store: Store, make, rows) -> None:
    first = _import(store, make, rows(1))
    with pytest.raises(NotFoundError, match="no import number 999"):
        store.revert_import(999)
    store.revert_import(first.import_id)
    with pytest.raises(InputError, match="already reverted"):
        store.revert_import(first.import_id)
    store.record_failed_import("nps", source="bad.csv", source_kind="file", message="broken")
    failed = int(store.imports("nps")["id"].iloc[0])
    with pytest.raises(InputError, match="failed"):
        store.revert_import(failed)
