"""Benchmark of the store: import N synthetic rows, import them again, change a tenth, load and export.

Usage: python benchmarks/bench_store.py [--rows 1000000] [--url sqlite:///path.db | postgresql+psycopg://...]

Prints wall-clock and CPU seconds per step, the peak resident memory during the step and how much the
step added to what the process held before it (the synthetic frames themselves take a good part of the
memory). Targets for 1,000,000 rows on SQLite: first import under 10 s, load under 3 s, peak memory
under 2 GB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from portal.model import DatasetConfig, Mapping
from portal.store import Store

WORDS = (
    "great service slow delivery friendly staff app crashes easy to use too expensive quick support "
    "confusing billing love the product missing features helpful team long wait clear pricing"
).split()


def synthetic(rows: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, DatasetConfig]:
    """Return (canonical, raw, config) for ``rows`` survey responses with three segments."""
    rng = np.random.default_rng(seed)
    ids = pd.Series(np.arange(1, rows + 1)).astype(str).str.zfill(8)
    days = rng.integers(0, 3 * 365, rows)
    dates = pd.Series(np.datetime64("2022-01-01") + days.astype("timedelta64[D]")).astype("datetime64[ns]")
    nps = rng.integers(0, 11, rows).astype(float)
    nps[rng.random(rows) < 0.03] = np.nan
    value = np.round(rng.gamma(2.0, 150.0, rows), 2)
    region = rng.choice(np.array(["EMEA", "North America", "APAC", "LATAM"], dtype=object), rows)
    plan = rng.choice(np.array(["Free", "Pro", "Business", "Enterprise"], dtype=object), rows)
    brand = rng.choice(np.array(["Acme", "Globex", "Initech"], dtype=object), rows)
    words = np.array(WORDS, dtype=object)
    picks = rng.integers(0, len(words), (rows, 6))
    comment = pd.Series(words[picks[:, 0]] + " " + words[picks[:, 1]] + ", " + words[picks[:, 2]] + " "
                        + words[picks[:, 3]] + " and " + words[picks[:, 4]] + " " + words[picks[:, 5]] + ".")
    comment[rng.random(rows) < 0.2] = None
    customer = pd.Series(rng.integers(1, rows // 3 + 2, rows)).astype(str).radd("C")
    nps_text = pd.Series(nps).map(lambda v: None if np.isnan(v) else str(int(v)))
    raw = pd.DataFrame({
        "Response ID": ids.astype(object),
        "Customer": customer.astype(object),
        "Submitted": dates.dt.strftime("%d/%m/%Y").astype(object),
        "How likely are you to recommend us?": nps_text.astype(object),
        "Revenue": pd.Series(value).map("{:.2f}".format).astype(object),
        "Brand": brand,
        "Region": region,
        "Plan": plan,
        "Comment": comment.astype(object),
    })
    canonical = pd.DataFrame({
        "row_key": ("id:" + ids).astype(object),
        "response_id": ids.astype(object),
        "customer": customer.astype(object),
        "date": dates,
        "nps": nps,
        "csat": np.full(rows, np.nan),
        "rating": np.full(rows, np.nan),
        "value": value,
        "brand": brand,
        "comment": comment.astype(object),
    })
    canonical["content_hash"] = content_hash(raw)
    config = DatasetConfig(mapping=Mapping(
        id="Response ID", customer="Customer", date="Submitted", nps="How likely are you to recommend us?",
        value="Revenue", brand="Brand", comment=("Comment",), segments=("Region", "Plan"),
    ), dayfirst=True)
    return canonical, raw, config


def content_hash(raw: pd.DataFrame) -> pd.Series:
    """Return a hex content hash per row of ``raw``."""
    hashed = pd.util.hash_pandas_object(raw.fillna(""), index=False).to_numpy()
    return pd.Series([f"{h:016x}" for h in hashed.tolist()], index=raw.index, dtype=object)


def peak_mb() -> float:
    """Return the peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Return the resident memory of this process now, in MB (0 where /proc is not available)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * resource.getpagesize() / 2**20


class MemoryWatch:
    """Samples the resident memory every few milliseconds in a thread, to find the peak of one step."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss_mb())

    def __enter__(self) -> MemoryWatch:
        self.peak = rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def timed(label: str, action: Callable[[], Any]) -> Any:
    """Run ``action``; print its wall-clock and CPU seconds and how much memory it added at its peak."""
    before = rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    with MemoryWatch() as watch:
        result = action()
    print(f"{label:<46} {time.perf_counter() - wall:6.2f} s wall {time.process_time() - cpu:6.2f} s cpu "
          f"{watch.peak:6.0f} MB peak (+{watch.peak - before:.0f})", flush=True)
    return result


def run_imports(store: Store, name: str, rows: int) -> int:
    """Time the three imports (new, identical, a tenth changed); return the id of the third import."""
    canonical, raw, config = timed("generate synthetic rows", partial(synthetic, rows))
    first = timed("import_rows (new dataset)",
                  partial(store.import_rows, name, config, canonical, raw, source="bench.csv"))
    assert first.added == rows, first
    second = timed("import_rows (same rows again, all unchanged)",
                   partial(store.import_rows, name, config, canonical, raw, source="bench.csv"))
    assert second.unchanged == rows and second.added == 0, second
    changed = canonical.copy()
    tenth = np.arange(0, rows, 10)
    changed.loc[changed.index[tenth], "nps"] = 10.0
    changed.loc[changed.index[tenth], "content_hash"] = changed["content_hash"].iloc[tenth] + "x"
    third = timed("import_rows (a tenth of the rows changed)",
                  partial(store.import_rows, name, config, changed, raw, source="bench.csv"))
    assert third.updated == len(tenth), third
    return third.import_id


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--url", help="store URL (default: a new SQLite file in a temporary folder)")
    args = parser.parse_args(argv)
    rows = args.rows

    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
        url = args.url or f"sqlite:///{Path(folder) / 'bench.db'}"
        print(f"store benchmark: {rows:,} rows, {url.split('://')[0]}", flush=True)
        store = Store(url)
        name = f"bench-{time.time_ns()}"
        try:
            third = run_imports(store, name, rows)  # the synthetic frames are freed when it returns
            frame = timed("load (canonical + import_id + 2 segments)", partial(store.load, name))
            assert len(frame) == rows
            del frame
            timed("load (columns: date, nps only)", partial(store.load, name, columns=["date", "nps"]))
            timed("revert the changing import", partial(store.revert_import, third))
            timed("export_frame", partial(store.export_frame, name))
            timed("datasets()", store.datasets)
            timed("delete_dataset", partial(store.delete_dataset, name))
        finally:
            store.close()
    print(f"{'peak resident memory':<46} {peak_mb():7.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
