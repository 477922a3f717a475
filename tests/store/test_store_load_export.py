"""Reading a dataset back: the canonical frame with segments, and the export with the original text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.errors import NotFoundError
from portal.model import CANONICAL_COLUMNS, DatasetConfig, Mapping
from portal.store import Store


def test_load_types_and_columns(store: Store, make, rows) -> None:
    data = rows(3)
    data[2]["Score"] = None
    data[2]["Date"] = None
    data[1]["Stars"] = "4"
    batch = make(data, segments=("Region",))
    result = store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv")
    frame = store.load("nps")
    assert list(frame.columns) == [*CANONICAL_COLUMNS, "import_id", "Region"]
    assert frame["date"].dtype == np.dtype("datetime64[ns]")
    for column in ("nps", "csat", "rating", "value", "sentiment"):
        assert frame[column].dtype == np.dtype("float64"), column
    assert frame["import_id"].dtype == np.dtype("int64")
    for column in ("row_key", "response_id", "customer", "brand", "comment", "sentiment_label", "language",
                   "Region"):
        assert frame[column].dtype == object, column
    assert frame["row_key"].tolist() == ["id:00001", "id:00002", "id:00003"]
    assert frame["response_id"].tolist() == ["00001", "00002", "00003"]
    assert frame["date"].tolist()[:2] == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-03")]
    assert pd.isna(frame["date"].iloc[2])
    assert frame["nps"].tolist()[:2] == [9.0, 9.0] and np.isnan(frame["nps"].iloc[2])
    assert frame["rating"].iloc[1] == 4.0 and np.isnan(frame["rating"].iloc[0])
    assert frame["sentiment_label"].tolist() == [None, None, None]
    assert frame["import_id"].tolist() == [result.import_id] * 3
    assert frame.index.equals(pd.RangeIndex(3))


def test_segment_named_like_a_canonical_column_gets_a_suffix(store: Store, make, rows) -> None:
    data = [dict(r, brand="lower-case brand", import_id="x") for r in rows(2)]
    batch = make(data, segments=("brand", "import_id", "Region"))
    store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv")
    frame = store.load("nps")
    assert frame.columns.tolist()[-3:] == ["brand (segment)", "import_id (segment)", "Region"]
    assert frame["brand (segment)"].tolist() == ["lower-case brand"] * 2
    assert frame["brand"].tolist() == ["Acme", "Globex"]
    assert frame["import_id (segment)"].tolist() == ["x", "x"]
    assert frame["import_id"].dtype == np.dtype("int64")


def test_segments_with_quotes_and_accents_in_their_names(store: Store, make, rows) -> None:
    data = [dict(r, **{'Plan "tier"': "Pro", "Région": "Île-de-France", "a.b": "dot"}) for r in rows(2)]
    data[1]['Plan "tier"'] = None
    batch = make(data, segments=('Plan "tier"', "Région", "a.b"))
    store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv")
    frame = store.load("nps")
    assert frame['Plan "tier"'].tolist() == ["Pro", None]
    assert frame["Région"].tolist() == ["Île-de-France"] * 2
    assert frame["a.b"].tolist() == ["dot", "dot"]


def test_load_a_subset_of_columns(store: Store, make, rows) -> None:
    batch = make(rows(4), segments=("Region",))
    store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv")
    frame = store.load("nps", columns=["Region", "nps", "date"])
    assert frame.columns.tolist() == ["Region", "nps", "date"]
    assert frame["nps"].tolist() == [9.0] * 4 and frame["Region"].tolist() == ["EMEA"] * 4
    with pytest.raises(KeyError, match="Plan"):
        store.load("nps", columns=["nps", "Plan"])
    nothing = store.load("nps", columns=[])
    assert nothing.shape == (4, 0)


def test_text_round_trips_exactly(store: Store, make) -> None:
    tricky = ["  spaces kept  ", "émoji 👍 and ünïcödé", "line\nbreak\r\nand \"quotes\" and \\ backslash",
              "=SUM(A1:A2)", "tab\tinside", "", "null"]
    data = [{"ID": f"{i}", "Comment": text, "Score": "7"} for i, text in enumerate(tricky)]
    batch = make(data)
    store.import_rows("text", batch.config, batch.canonical, batch.raw, source="t.csv")
    assert store.load("text")["comment"].tolist() == tricky
    assert store.export_frame("text")["Comment"].tolist() == tricky


def test_empty_and_unknown_datasets(store: Store, make, rows) -> None:
    with pytest.raises(NotFoundError, match="No dataset named 'nope'. Run `portal datasets`"):
        store.load("nope")
    for method in (store.export_frame, store.imports, store.data_version, store.row_keys, store.delete_dataset):
        with pytest.raises(NotFoundError):
            method("nope")
    first = store.import_rows("gone", *_parts(make(rows(2))), source="a.csv")
    store.revert_import(first.import_id)
    frame = store.load("gone")
    assert len(frame) == 0 and frame["date"].dtype == np.dtype("datetime64[ns]")
    assert frame["nps"].dtype == np.dtype("float64") and frame["import_id"].dtype == np.dtype("int64")
    assert len(store.export_frame("gone")) == 0


def _parts(batch):
    return batch.config, batch.canonical, batch.raw


def test_export_keeps_original_text_and_column_order(store: Store, make) -> None:
    first = make([
        {"ID": "00123", "Score": "9", "Revenue": "1,200.50", "Date": "2024-01-05", "Comment": "Great"},
        {"ID": "0007", "Score": "10", "Revenue": None, "Date": "2024-01-06", "Comment": None},
    ])
    store.import_rows("exp", *_parts(first), source="jan.csv")
    second = make([{"ID": "00124", "Score": "3", "Extra": "new column", "Date": "2024-02-01", "Comment": "Meh"}])
    store.import_rows("exp", *_parts(second), source="feb.csv")
    out = store.export_frame("exp")
    originals = ["ID", "Score", "Revenue", "Date", "Comment", "Extra"]
    derived = ["portal_row_key", "portal_date", "portal_nps", "portal_csat", "portal_rating", "portal_recommend",
               "portal_value",
               "portal_brand", "portal_sentiment", "portal_sentiment_label", "portal_language"]
    assert out.columns.tolist() == originals + derived
    assert out["ID"].tolist() == ["00123", "0007", "00124"]
    assert out["Revenue"].tolist() == ["1,200.50", None, None]
    assert out["Extra"].tolist() == [None, None, "new column"]
    assert out["portal_date"].tolist() == ["2024-01-05", "2024-01-06", "2024-02-01"]
    assert out["portal_nps"].tolist() == [9.0, 10.0, 3.0]
    assert out["portal_row_key"].tolist() == ["id:00123", "id:0007", "id:00124"]
    written = out.to_csv(index=False)
    assert "00123" in written and "0007" in written


def test_export_dates_with_times_and_name_clashes(store: Store) -> None:
    canonical = pd.DataFrame({
        "row_key": ["k:1", "k:2"], "content_hash": ["a", "b"],
        "date": pd.to_datetime(["2024-01-05 13:45:10", None]), "nps": [5.0, 6.0],
    })
    raw = pd.DataFrame({"When": ["05/01/2024 13:45:10", None], "portal_nps": ["five", "six"]}, dtype=object)
    store.import_rows("t", DatasetConfig(mapping=Mapping(date="When")), canonical, raw, source="t.csv")
    out = store.export_frame("t")
    assert out["portal_date"].tolist() == ["2024-01-05T13:45:10", None]
    assert out["portal_nps"].tolist() == ["five", "six"]
    assert out["portal_nps_"].tolist() == [5.0, 6.0]


def test_datasets_listing(store: Store, make, rows) -> None:
    assert store.datasets() == []
    store.import_rows("b-set", *_parts(make(rows(3))), source="b.csv")
    store.import_rows("a-set", *_parts(make(rows(2, start=10))), source="a.csv")
    infos = store.datasets()
    assert [i.name for i in infos] == ["a-set", "b-set"]
    b = infos[1]
    assert (b.rows, b.imports, b.kind) == (3, 1, "survey")
    assert (b.date_min, b.date_max) == (pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-04"))
    assert b.last_import is not None and b.created_at <= b.last_import
    assert b.data_version == store.data_version("b-set") >= 1
    assert store.dataset("a-set") == infos[0]
    assert store.dataset("missing") is None


def test_set_enrichment_updates_only_given_columns(store: Store, make, rows) -> None:
    store.import_rows("nps", *_parts(make(rows(3))), source="a.csv")
    version = store.data_version("nps")
    store.set_enrichment("nps", pd.DataFrame({
        "row_key": ["id:00001", "id:00003", "id:99999"],
        "sentiment": [0.5, np.nan, 1.0],
        "sentiment_label": ["positive", None, "positive"],
    }))
    frame = store.load("nps").set_index("row_key")
    assert frame.loc["id:00001", "sentiment"] == 0.5 and frame.loc["id:00001", "sentiment_label"] == "positive"
    assert np.isnan(frame.loc["id:00003", "sentiment"]) and frame.loc["id:00002", "sentiment_label"] is None
    store.set_enrichment("nps", pd.DataFrame({"row_key": ["id:00002"], "language": ["de"]}))
    frame = store.load("nps").set_index("row_key")
    assert frame.loc["id:00002", "language"] == "de" and frame.loc["id:00001", "sentiment"] == 0.5
    assert store.data_version("nps") == version + 2
    with pytest.raises(ValueError):
        store.set_enrichment("nps", pd.DataFrame({"row_key": ["id:00001"]}))
    with pytest.raises(NotFoundError):
        store.set_enrichment("nope", pd.DataFrame({"row_key": ["x"], "language": ["en"]}))


def test_delete_dataset_removes_everything_of_it(store: Store, make, rows) -> None:
    store.import_rows("keep", *_parts(make(rows(2))), source="k.csv")
    store.import_rows("drop", *_parts(make(rows(3))), source="d.csv")
    store.import_rows("drop", *_parts(make([dict(r, Score="1") for r in rows(3)])), source="d2.csv")
    store.record_failed_import("drop", source="bad.csv", source_kind="file", message="x")
    store.delete_dataset("drop")
    assert [d.name for d in store.datasets()] == ["keep"]
    assert store.dataset("drop") is None
    import sqlalchemy as sa

    with store.engine.connect() as conn:
        for table in ("responses", "response_history", "imports"):
            count = conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE dataset_name = 'drop'"
                                         if table == "imports" else f"SELECT count(*) FROM {table} "
                                         "WHERE dataset_id NOT IN (SELECT id FROM datasets)")).scalar()
            assert count == 0, table
    again = store.import_rows("drop", *_parts(make(rows(1))), source="new.csv")
    assert again.added == 1 and store.imports("drop")["source"].tolist() == ["new.csv"]
    assert len(store.load("keep")) == 2


def test_bulk_paths_that_rebuild_the_indexes(store: Store, make, rows, monkeypatch) -> None:
    import sqlalchemy as sa

    import portal.store.rows as module

    monkeypatch.setattr(module, "INDEX_REBUILD_MIN_ROWS", 3)
    store.import_rows("small", *_parts(make(rows(2, start=500))), source="s.csv")
    store.batch_rows = 4
    big = store.import_rows("big", *_parts(make(rows(10))), source="b.csv")  # rebuilds them on SQLite
    assert big.added == 10 and len(store.load("big")) == 10
    again = store.import_rows("big", *_parts(make(rows(12))), source="b.csv")
    assert (again.added, again.unchanged) == (2, 10)
    store.delete_dataset("big")  # rebuilds them again on SQLite
    assert [d.name for d in store.datasets()] == ["small"] and len(store.load("small")) == 2
    with store.engine.connect() as conn:
        indexes = {ix["name"]: ix for ix in sa.inspect(conn).get_indexes("responses")}
        assert indexes["uq_responses_dataset_row_key"]["unique"]
        assert indexes["ix_responses_dataset_date"]["column_names"] == ["dataset_id", "date"]
        dataset_id = conn.execute(sa.text("SELECT id FROM datasets WHERE name = 'small'")).scalar()
        with pytest.raises(sa.exc.IntegrityError):
            conn.execute(sa.text("INSERT INTO responses (dataset_id, row_key, content_hash) "
                                 "VALUES (:d, 'id:00500', 'x')"), {"d": dataset_id})
