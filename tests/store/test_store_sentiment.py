"""The sentiment_models table: round trip, replacement, re-scored rows, delete cascade, (the in-place upgrade is in test_store_migrations)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.errors import NotFoundError
from portal.store import Store
from portal.store.sentiment import read_sentiment_model, save_sentiment_model, update_sentiment


def test_model_and_report_round_trip_and_a_refit_replaces_them(store: Store, make, rows) -> None:
    batch = make(rows(4))
    store.import_rows("d", batch.config, batch.canonical, batch.raw, source="a.csv")
    assert read_sentiment_model(store, "d") is None
    save_sentiment_model(store, "d", b"\x00model\xff", {"labels": "nps", "n": 4, "fell_back": False})
    got = read_sentiment_model(store, "d")
    assert got is not None and got.model == b"\x00model\xff"
    assert got.report == {"labels": "nps", "n": 4, "fell_back": False}
    save_sentiment_model(store, "d", None, {"labels": "nps", "n": 5, "fell_back": True})
    again = read_sentiment_model(store, "d")
    assert again is not None and again.model is None and again.report["n"] == 5
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM sentiment_models")).scalar() == 1


def test_unknown_dataset_is_refused(store: Store) -> None:
    with pytest.raises(NotFoundError):
        save_sentiment_model(store, "nope", None, {})
    with pytest.raises(NotFoundError):
        read_sentiment_model(store, "nope")


def test_rescored_rows_are_stored_and_the_data_version_moves(store: Store, make, rows) -> None:
    batch = make(rows(3))
    store.import_rows("d", batch.config, batch.canonical, batch.raw, source="a.csv")
    keys = store.load("d")["row_key"].tolist()
    version = store.data_version("d")
    assert update_sentiment(store, "d", keys[:2], [0.5, None], ["positive", None]) == 2
    after = store.load("d").set_index("row_key")
    assert after.loc[keys[0], "sentiment"] == 0.5 and after.loc[keys[0], "sentiment_label"] == "positive"
    assert after.loc[keys[1], "sentiment_label"] is None
    assert store.data_version("d") == version + 1


def test_deleting_the_dataset_deletes_its_model(store: Store, make, rows) -> None:
    batch = make(rows(2))
    for name in ("d", "e"):
        store.import_rows(name, batch.config, batch.canonical, batch.raw, source="a.csv")
        save_sentiment_model(store, name, b"m", {"n": 2})
    store.delete_dataset("d")
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM sentiment_models")).scalar() == 1
    assert read_sentiment_model(store, "e") is not None
