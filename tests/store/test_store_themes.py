"""The theme and event tables' store functions, on SQLite and PostgreSQL: versions, coded themes, corrections."""

from __future__ import annotations

from datetime import date

import pytest

from portal.errors import NotFoundError
from portal.store import Store
from portal.store import events as stored_events
from portal.store import themes as stored

BODY = {"themes": [{"key": "t1", "name": "delivery", "keywords": ["parcel"]}]}


@pytest.fixture
def dataset(store: Store, make, rows) -> str:
    batch = make(rows(4))
    store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv")
    return "nps"


def _write(keys: list[str], *, incremental: bool = False, recoded: list[str] | None = None,
           gone: list[str] | None = None) -> stored.ThemeWrite:
    """Return a write coding every key in ``keys`` with theme t1."""
    return stored.ThemeWrite(
        incremental=incremental, recoded=recoded or [], gone=gone or [], replace_texts=not incremental,
        texts={"row_key": keys, "text_hash": ["h"] * len(keys), "clauses": ["[[0,4]]"] * len(keys),
               "polarities": [None] * len(keys)},
        assignments={"row_key": keys, "theme_key": ["t1"] * len(keys), "how": ["phrase"] * len(keys),
                     "phrase": ["parcel"] * len(keys), "matched": ["parcel"] * len(keys), "spans": ["0-6"] * len(keys),
                     "clauses": ["0"] * len(keys), "sentiment": [0.25] * len(keys)},
        codeframe_version=1, data_version=7, comments=4)


def test_codeframe_versions_and_undo(store: Store, dataset: str) -> None:
    assert stored.read_themes(store, dataset, codeframe=True).codeframe is None
    assert stored.add_codeframe(store, dataset, BODY, source="edited", note="x" * 3000) == 1
    assert not stored.undo_codeframe(store, dataset)  # nothing earlier to go back to
    assert stored.add_codeframe(store, dataset, {"themes": []}, source="imported", note="second") == 2
    assert stored.read_themes(store, dataset, codeframe=True).codeframe == stored.StoredCodeframe(2, {"themes": []})
    assert stored.undo_codeframe(store, dataset)
    assert stored.read_themes(store, dataset, codeframe=True).codeframe == stored.StoredCodeframe(1, BODY)
    history = stored.codeframe_versions(store, dataset)
    assert [(v.version, v.undone, len(v.note)) for v in history] == [(2, True, 6), (1, False, 2000)]
    assert stored.codeframe_body(store, dataset, 1) == BODY and stored.codeframe_body(store, dataset, 9) is None


def test_saved_themes_are_read_back_in_one_snapshot(store: Store, dataset: str) -> None:
    keys = sorted(store.row_keys(dataset))
    dataset_id = stored.read_themes(store, dataset).dataset_id
    assert stored.save_themes(store, dataset_id, _write(keys)) == 4
    snapshot = stored.read_themes(store, dataset, run=True, texts=True, assignments=True, pairs=True)
    assert snapshot.run == stored.ThemeRun(codeframe_version=1, data_version=7)
    assert snapshot.texts[keys[0]] == stored.CachedText("h", "[[0,4]]", None)
    assert snapshot.assignments["row_key"] == keys and snapshot.assignments["sentiment"] == [0.25] * 4
    assert sorted(snapshot.pairs) == [(k, "t1") for k in keys]
    # An incremental write replaces only the re-coded rows and forgets the gone ones.
    assert stored.save_themes(store, dataset_id, _write([keys[0]], incremental=True, recoded=[keys[0]],
                                                        gone=[keys[1]])) == 3
    assert sorted(stored.read_themes(store, dataset, texts=True).texts) == [keys[0], keys[2], keys[3]]


def test_corrections_merge_and_vanish_when_empty(store: Store, dataset: str) -> None:
    key = sorted(store.row_keys(dataset))[0]
    stored.set_correction_themes(store, dataset, key, added=["t2"], removed=["t1"])
    stored.set_correction_sentiment(store, dataset, key, 0.5, "positive")
    fixes = stored.read_themes(store, dataset, corrections=True).corrections
    assert fixes is not None
    assert fixes[["row_key", "added", "removed", "sentiment", "sentiment_label"]].values.tolist() == [
        [key, ("t2",), ("t1",), 0.5, "positive"]]
    stored.set_correction_themes(store, dataset, key, added=[], removed=[])  # the sentiment stays
    stored.set_correction_sentiment(store, dataset, key, None, None)  # now nothing is left: the row goes
    assert stored.read_themes(store, dataset, corrections=True).corrections.empty  # type: ignore[union-attr]
    stored.set_correction_sentiment(store, dataset, key, -0.5, "negative")
    assert stored.delete_correction(store, dataset, key)
    assert not stored.delete_correction(store, dataset, key)


def test_events_round_trip(store: Store, dataset: str) -> None:
    late = stored_events.add_event(store, dataset, date(2024, 5, 2), "Outage", "outage")
    early = stored_events.add_event(store, dataset, date(2024, 4, 1), "Release", "release")
    assert [e.id for e in stored_events.list_events(store, dataset)] == [early.id, late.id]
    assert stored_events.delete_event(store, late.id) and not stored_events.delete_event(store, late.id)
    with pytest.raises(NotFoundError, match="No dataset named 'nope'"):
        stored_events.add_event(store, "nope", date(2024, 4, 1), "Release", "release")


def test_unknown_dataset(store: Store) -> None:
    with pytest.raises(NotFoundError, match="No dataset named 'nope'"):
        stored.read_themes(store, "nope")
