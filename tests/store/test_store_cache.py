"""The columnar cache behind Store.load: same frame as the database, never stale."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt

from portal.services.imports import import_frame
from portal.store import Store


def survey(n: int, shift: int = 0) -> pd.DataFrame:
    return pd.DataFrame({
        "Response ID": [f"r{i}" for i in range(n)],
        "Date": [f"2024-01-{1 + i % 28:02d}" for i in range(n)],
        "Plan": ["Pro" if i % 2 else "Free" for i in range(n)],
        "NPS": [str((i + shift) % 11) for i in range(n)],
        "Comment": [None if i % 3 else f"comment {i}" for i in range(n)],
    })


def test_cached_load_equals_database_load_and_follows_changes(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    import_frame(store, "s", survey(50), source="a.csv")
    first = store.load("s")
    assert list((tmp_path / "p.db.cache").glob("*.parquet"))
    cached = store.load("s")
    pdt.assert_frame_equal(cached, first, check_dtype=False)
    assert cached["Comment" if "Comment" in cached else "comment"].map(type).isin([str, type(None)]).all()
    assert cached["comment"].iloc[1] is None
    assert cached.loc[:, ["nps", "Plan"]].equals(store.load("s", columns=["nps", "Plan"]))
    import_frame(store, "s", survey(60, shift=1), source="b.csv")
    changed = store.load("s")
    assert len(changed) == 60
    pdt.assert_frame_equal(changed, store._load_rows("s"), check_dtype=False)
    assert len(list((tmp_path / "p.db.cache").glob("*.parquet"))) == 1


def test_deleted_and_recreated_dataset_never_reads_old_cache(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    import_frame(store, "s", survey(30), source="a.csv")
    store.load("s")
    store.delete_dataset("s")
    assert not list((tmp_path / "p.db.cache").glob("*.parquet"))
    import_frame(store, "s", survey(10), source="b.csv")
    assert len(store.load("s")) == 10


def test_unreadable_cache_falls_back_to_database(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    import_frame(store, "s", survey(20), source="a.csv")
    store.load("s")
    for path in (tmp_path / "p.db.cache").glob("*.parquet"):
        path.write_bytes(b"not parquet")
    assert len(store.load("s")) == 20
