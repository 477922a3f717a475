"""Importing rows: counts, idempotence, updates with history, missing rows, atomicity, failed imports."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from portal.errors import InputError, StoreError
from portal.model import DatasetConfig, Mapping
from portal.store import Store
from portal.store.schema import response_history


def test_first_import_adds_every_row(store: Store, make, rows) -> None:
    batch = make(rows(5), segments=("Region",))
    result = store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv", rejected=2,
                               duplicates=1)
    assert (result.added, result.updated, result.unchanged, result.missing, result.removed) == (5, 0, 0, 0, 0)
    assert (result.rejected, result.duplicates, result.dataset) == (2, 1, "nps")
    info = store.dataset("nps")
    assert info is not None and info.rows == 5 and info.imports == 1
    assert info.config == batch.config
    assert store.row_keys("nps") == {f"id:{i:05d}" for i in range(1, 6)}


def test_importing_the_same_rows_twice_never_double_counts(store: Store, make, rows) -> None:
    batch = make(rows(20))
    first = store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv")
    second = store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv")
    assert (second.added, second.updated, second.unchanged) == (0, 0, 20)
    assert second.import_id != first.import_id
    assert len(store.load("nps")) == 20
    assert store.load("nps")["import_id"].eq(first.import_id).all()


def test_overlapping_file_adds_only_new_rows(store: Store, make, rows) -> None:
    first = make(rows(10))
    store.import_rows("nps", first.config, first.canonical, first.raw, source="jan.csv")
    second = make(rows(10, start=6))
    result = store.import_rows("nps", second.config, second.canonical, second.raw, source="feb.csv")
    assert (result.added, result.updated, result.unchanged, result.missing) == (5, 0, 5, 5)
    assert len(store.load("nps")) == 15


def test_two_identical_genuine_rows_are_kept_as_two(store: Store, make) -> None:
    same = {"Date": "2024-03-01", "Score": "10", "Comment": "Great"}
    batch = make([same, dict(same), {"Date": "2024-03-02", "Score": "3", "Comment": "Slow"}], id_column=None)
    keys = batch.canonical["row_key"].tolist()
    assert keys[0] != keys[1] and keys[0].rsplit(":", 1)[0] == keys[1].rsplit(":", 1)[0]
    result = store.import_rows("dups", batch.config, batch.canonical, batch.raw, source="a.csv", duplicates=1)
    assert result.added == 3
    loaded = store.load("dups")
    assert len(loaded) == 3 and (loaded["comment"] == "Great").sum() == 2
    again = store.import_rows("dups", batch.config, batch.canonical, batch.raw, source="a.csv")
    assert (again.added, again.unchanged) == (0, 3)


def test_changed_row_is_updated_and_old_version_kept(store: Store, make, rows) -> None:
    original = rows(3)
    first = make(original)
    store.import_rows("nps", first.config, first.canonical, first.raw, source="v1.csv")
    changed = [dict(r) for r in original]
    changed[1]["Score"] = "2"
    changed[1]["Comment"] = "changed my mind"
    second = make(changed)
    result = store.import_rows("nps", second.config, second.canonical, second.raw, source="v2.csv")
    assert (result.added, result.updated, result.unchanged) == (0, 1, 2)
    loaded = store.load("nps").set_index("row_key")
    assert loaded.loc["id:00002", "nps"] == 2.0
    assert loaded.loc["id:00002", "comment"] == "changed my mind"
    assert loaded.loc["id:00002", "import_id"] == result.import_id
    assert loaded.loc["id:00001", "import_id"] == result.import_id - 1
    with store.engine.connect() as conn:
        history = conn.execute(sa.select(response_history)).mappings().all()
    assert len(history) == 1
    assert history[0]["row_key"] == "id:00002" and history[0]["nps"] == 9.0
    assert history[0]["comment"] == "comment 2" and history[0]["replaced_by_import_id"] == result.import_id


def test_missing_rows_are_reported_and_removed_only_when_asked(store: Store, make, rows) -> None:
    full = make(rows(6))
    store.import_rows("nps", full.config, full.canonical, full.raw, source="full.csv")
    part = make(rows(4))
    kept = store.import_rows("nps", part.config, part.canonical, part.raw, source="part.csv")
    assert (kept.missing, kept.removed) == (2, 0)
    assert len(store.load("nps")) == 6
    removed = store.import_rows("nps", part.config, part.canonical, part.raw, source="part.csv",
                                delete_missing=True)
    assert (removed.missing, removed.removed, removed.unchanged) == (2, 2, 4)
    assert store.row_keys("nps") == {f"id:{i:05d}" for i in range(1, 5)}


def test_config_is_replaced_but_known_segments_stay(store: Store, make, rows) -> None:
    first = make(rows(2), segments=("Region",))
    store.import_rows("nps", first.config, first.canonical, first.raw, source="a.csv")
    plan_rows = [dict(r, Plan="Pro") for r in rows(2, start=3)]
    second = make(plan_rows, segments=("Plan",))
    store.import_rows("nps", second.config, second.canonical, second.raw, source="b.csv")
    info = store.dataset("nps")
    assert info is not None
    assert info.config.mapping.segments == ("Plan", "Region")
    loaded = store.load("nps")
    assert loaded["Region"].tolist() == ["EMEA"] * 4
    assert loaded["Plan"].tolist() == [None, None, "Pro", "Pro"]


def test_segment_used_for_another_role_is_not_kept_as_segment(store: Store, make, rows) -> None:
    first = make(rows(2), segments=("Brand",))
    store.import_rows("nps", first.config, first.canonical, first.raw, source="a.csv")
    second = make(rows(2))
    assert second.config.mapping.brand == "Brand"
    store.import_rows("nps", second.config, second.canonical, second.raw, source="b.csv")
    info = store.dataset("nps")
    assert info is not None and info.config.mapping.segments == ()


def test_progress_is_reported_from_zero_to_one(store: Store, make, rows) -> None:
    store.batch_rows = 4
    batch = make(rows(10))
    seen: list[tuple[float, str]] = []
    store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv",
                      progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert all(isinstance(m, str) and m for _, m in seen)
    assert sum("Adding new rows" in m for _, m in seen) == 3


def test_import_failing_midway_leaves_nothing_and_is_recorded(store: Store, make, rows) -> None:
    first = make(rows(3))
    store.import_rows("nps", first.config, first.canonical, first.raw, source="first.csv")
    version = store.data_version("nps")
    store.batch_rows = 2
    second = make(rows(3) + rows(6, start=4))
    changed = second.canonical.copy()
    changed.loc[0, "content_hash"] = "different"  # one update before the failure
    calls: list[str] = []

    def explode(fraction: float, message: str) -> None:
        calls.append(message)
        if "Adding new rows" in message:  # after the first batch of new rows was written
            raise RuntimeError("the connection dropped")

    with pytest.raises(RuntimeError, match="connection dropped"):
        store.import_rows("nps", second.config, changed, second.raw, source="second.csv", progress=explode)
    assert any("Adding new rows" in m for m in calls)
    assert store.row_keys("nps") == {"id:00001", "id:00002", "id:00003"}
    assert store.data_version("nps") == version
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(response_history)).scalar() == 0
    history = store.imports("nps")
    assert history["status"].tolist() == ["failed", "ok"]
    assert "connection dropped" in history["message"].iloc[0]
    assert history["added"].tolist() == [0, 3]


def test_rows_the_database_rejects_undo_the_whole_import(store: Store, make, rows) -> None:
    batch = make(rows(6))
    canonical = batch.canonical.copy()
    canonical.loc[5, "row_key"] = None  # the last batch holds a row the database refuses (a key is required)
    store.batch_rows = 2
    with pytest.raises(StoreError, match="refused by the database") as caught:
        store.import_rows("nps", batch.config, canonical, batch.raw, source="bad.csv")
    assert "nothing was changed" in str(caught.value)
    assert store.dataset("nps") is None
    good = make(rows(2))
    store.import_rows("nps", good.config, good.canonical, good.raw, source="good.csv")
    history = store.imports("nps")
    assert history["status"].tolist() == ["ok", "failed"]
    assert history["source"].tolist() == ["good.csv", "bad.csv"]


def test_repeated_row_keys_are_refused_before_anything_is_written(store: Store, make, rows) -> None:
    first = make(rows(2))
    store.import_rows("nps", first.config, first.canonical, first.raw, source="a.csv")
    batch = make(rows(3))
    canonical = batch.canonical.copy()
    canonical.loc[2, "row_key"] = canonical.loc[1, "row_key"]  # a stored key, twice
    with pytest.raises(InputError, match="1 row key is used by more than one row .*'id:00002'"):
        store.import_rows("nps", batch.config, canonical, batch.raw, source="b.csv")
    assert store.row_keys("nps") == {"id:00001", "id:00002"}
    assert store.imports("nps")["status"].tolist() == ["ok"]  # the caller records input errors itself


def test_record_failed_import_for_unknown_and_known_dataset(store: Store, make, rows) -> None:
    store.record_failed_import("later", source="x.csv", source_kind="file", message="No score column.")
    assert store.dataset("later") is None
    assert store.datasets() == []
    batch = make(rows(1))
    store.import_rows("later", batch.config, batch.canonical, batch.raw, source="y.csv")
    store.record_failed_import("later", source="z.csv", source_kind="cli", message="Bad date.")
    history = store.imports("later")
    assert history["source"].tolist() == ["z.csv", "y.csv", "x.csv"]
    assert history["status"].tolist() == ["failed", "ok", "failed"]
    assert history.loc[2, "message"] == "No score column."
    info = store.dataset("later")
    assert info is not None and info.imports == 1


def test_history_frame_columns_and_types(store: Store, make, rows) -> None:
    batch = make(rows(2))
    store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv", source_kind="cli",
                      checksum="ab" * 32, message="1 warning")
    history = store.imports("nps")
    assert list(history.columns) == ["id", "started_at", "finished_at", "status", "source", "source_kind",
                                     "added", "updated", "unchanged", "removed", "rejected", "duplicates",
                                     "message", "checksum"]
    row = history.iloc[0]
    assert (row["source_kind"], row["checksum"], row["message"], row["added"]) == ("cli", "ab" * 32, "1 warning", 2)
    assert history["started_at"].dtype == "datetime64[ns]" and history["added"].dtype == "int64"
    assert row["finished_at"] >= row["started_at"]


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_bad_dataset_names_are_refused(store: Store, make, rows, name: str) -> None:
    batch = make(rows(1))
    with pytest.raises(InputError):
        store.import_rows(name, batch.config, batch.canonical, batch.raw, source="a.csv")


def test_canonical_without_keys_is_a_programming_error(store: Store, make, rows) -> None:
    batch = make(rows(1))
    with pytest.raises(ValueError, match="content_hash"):
        store.import_rows("nps", batch.config, batch.canonical.drop(columns="content_hash"), batch.raw,
                          source="a.csv")


def test_optional_columns_may_be_absent_and_enrichment_is_stored(store: Store) -> None:
    canonical = pd.DataFrame({
        "row_key": ["k:1", "k:2"],
        "content_hash": ["a", "b"],
        "comment": ["Love it", "Hate it"],
        "sentiment": [0.8, -0.6],
        "sentiment_label": ["positive", "negative"],
        "language": ["en", None],
    })
    raw = pd.DataFrame({"Text": ["Love it", "Hate it"]}, dtype=object)
    config = DatasetConfig(mapping=Mapping(comment=("Text",)), kind="reviews")
    store.import_rows("reviews", config, canonical, raw, source="r.csv")
    loaded = store.load("reviews")
    assert loaded["sentiment"].tolist() == [0.8, -0.6]
    assert loaded["sentiment_label"].tolist() == ["positive", "negative"]
    assert loaded["language"].tolist() == ["en", None]
    assert loaded["nps"].isna().all() and loaded["response_id"].isna().all()
    info = store.dataset("reviews")
    assert info is not None and info.kind == "reviews" and info.date_min is None


def test_time_zone_aware_dates_are_stored_in_utc(store: Store) -> None:
    canonical = pd.DataFrame({
        "row_key": ["k:1"],
        "content_hash": ["a"],
        "date": pd.to_datetime(["2024-05-01T12:00:00+02:00"]),
    })
    store.import_rows("tz", DatasetConfig(), canonical, pd.DataFrame({"When": ["x"]}, dtype=object), source="t")
    assert store.load("tz")["date"].tolist() == [pd.Timestamp("2024-05-01 10:00:00")]
