"""The stored rows a new file no longer has: the same rows the import counts as missing, as exported."""

from __future__ import annotations

import pandas as pd

from portal.ingest.read import read_table
from portal.services.imports import commit, missing_rows, prepare
from portal.store import Store


def prepared(store: Store, text: str, **options):
    """Return ``text`` read and validated for dataset ``d`` (its stored mapping reused)."""
    info = store.dataset("d")
    return prepare(read_table(text.encode(), "f.csv"), existing=info.config if info else None, **options)


def test_missing_rows_are_the_ones_the_import_counts_as_missing(db_url):
    store = Store(db_url)
    first = prepared(store, "id,score,comment\nr1,9,Great\nr2,3,Slow\nr3,7,Fine\nr4,8,Good\n")
    assert missing_rows(store, "d", first).empty  # a new dataset has none
    commit(store, "d", first, enrich=False)
    # r2 is gone, r3's new score is out of range (rejected, so its stored row is missing too), r1 edited
    second = prepared(store, "id,score,comment\nr1,9,Great and edited\nr3,12,Fine\nr4,8,Good\n")
    missing = missing_rows(store, "d", second)
    assert second.keyed and list(missing["id"]) == ["r2", "r3"]
    assert list(missing["score"]) == ["3", "7"]  # the stored text, as exported
    result = commit(store, "d", second, enrich=False)
    assert (result.missing, result.updated, result.unchanged) == (len(missing), 1, 1)
    assert store.dataset("d").rows == 4  # kept


def test_without_an_id_an_edited_row_is_missing_and_its_new_version_added(db_url):
    store = Store(db_url)
    commit(store, "d", prepared(store, "score,comment\n9,Great\n3,Slow\n"), enrich=False)
    second = prepared(store, "score,comment\n9,Great\n3,Slow but better\n")
    missing = missing_rows(store, "d", second)
    assert not second.keyed and list(missing["comment"]) == ["Slow"]
    assert isinstance(missing, pd.DataFrame) and "portal_row_key" in missing
    result = commit(store, "d", second, enrich=False)
    assert (result.added, result.missing) == (1, 1)
    keyed = prepared(store, "score,comment\n9,Great\n", key_columns=["comment"])
    assert keyed.keyed
