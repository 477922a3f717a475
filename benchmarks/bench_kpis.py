"""Benchmark of the KPI engine: overall, by a 20-value segment and by month.

Cases (each prints its best and first time):

1. 5,000,000 responses held in memory (NPS, CSAT, rating, value, date, a 20-value segment). Target: < 0.5 s.
2. The same with a customer column (1,000,000 customers), which adds per-customer NPS and revenue.
3. 1,000,000 responses written to a fresh SQLite store, then loaded back and summarised.

Run: ``python benchmarks/bench_kpis.py [--rows N] [--store-rows N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from portal import metrics
from portal.model import DatasetConfig, Mapping

SEED = 20240601
SEGMENT = "Region"
CONFIG = DatasetConfig(
    mapping=Mapping(nps="NPS", csat="CSAT", rating="Stars", value="MRR", date="Date", segments=(SEGMENT,)),
)
CONFIG_CUSTOMERS = DatasetConfig(
    mapping=Mapping(nps="NPS", csat="CSAT", rating="Stars", value="MRR", date="Date", customer="Account",
                    segments=(SEGMENT,)),
)


def make_frame(rows: int, *, customers: int = 0, seed: int = SEED) -> pd.DataFrame:
    """Return a canonical frame of ``rows`` synthetic responses (fixed seed), segments as categories."""
    rng = np.random.default_rng(seed)
    segment = rng.integers(0, 20, rows)
    nps = np.clip(np.round(rng.normal(7 + (segment % 5) * 0.2, 2.5, rows)), 0, 10)
    nps[rng.random(rows) < 0.03] = np.nan
    csat = rng.integers(1, 6, rows).astype(float)
    csat[rng.random(rows) < 0.2] = np.nan
    rating = rng.integers(1, 6, rows).astype(float)
    rating[rng.random(rows) < 0.1] = np.nan
    start = np.datetime64("2023-01-01T00:00:00", "s").astype(np.int64)
    seconds = start + rng.integers(0, 2 * 365 * 86_400, rows)
    dates = seconds.astype("datetime64[s]").astype("datetime64[ns]")
    dates[rng.random(rows) < 0.01] = np.datetime64("NaT")
    frame = pd.DataFrame({
        "date": dates,
        "nps": nps,
        "csat": csat,
        "rating": rating,
        "value": np.round(rng.gamma(2.0, 50.0, rows), 2),
        SEGMENT: pd.Categorical.from_codes(segment, [f"Region {i:02d}" for i in range(20)]),
    })
    if customers:
        frame["customer"] = pd.Categorical.from_codes(rng.integers(0, customers, rows),
                                                      [f"C{i:07d}" for i in range(customers)])
    return frame


def kpis_three_ways(frame: pd.DataFrame, config: DatasetConfig) -> tuple[int, int]:
    """Compute KPIs overall, by the segment and by month; return the numbers of groups and periods."""
    data = metrics.prepare(frame, config)
    metrics.kpis(data)
    groups = metrics.kpis_by(data, SEGMENT)
    periods = metrics.kpis_by_period(data, "month")
    return len(groups), len(periods)


def timed(label: str, func: Callable[[], object], repeat: int) -> float:
    """Run ``func`` ``repeat`` times; print first and best wall time and the best CPU time; return best wall.

    On a shared machine the CPU time (this process only) shows the work done when other processes take
    turns on the cores.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    print(f"{label:<58} first {walls[0]:7.3f} s   best {min(walls):7.3f} s   cpu {min(cpus):7.3f} s", flush=True)
    return min(walls)


def store_case(rows: int, repeat: int) -> None:
    """Write ``rows`` responses to a fresh SQLite store, then time load + KPIs (skipped without the store)."""
    if rows <= 0:
        return
    try:
        from portal.store import Store
    except ImportError as err:
        print(f"store case skipped: the store is not available ({err})")
        return
    frame = make_frame(rows, seed=SEED + 1)
    canonical = pd.DataFrame({
        "row_key": [f"id:{i}" for i in range(rows)],
        "content_hash": [f"h{i}" for i in range(rows)],
        "response_id": [str(i) for i in range(rows)],
        "customer": None,
        "date": frame["date"],
        "nps": frame["nps"],
        "csat": frame["csat"],
        "rating": frame["rating"],
        "value": frame["value"],
        "brand": None,
        "comment": None,
    })
    raw = pd.DataFrame({SEGMENT: frame[SEGMENT].astype(str)})
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            start = time.perf_counter()
            store.import_rows("bench", CONFIG, canonical, raw, source="bench", source_kind="cli")
            print(f"{f'write {rows:,} responses to SQLite (setup, not a target)':<58} "
                  f"{time.perf_counter() - start:7.3f} s", flush=True)
            config = store.dataset("bench").config
            timed(f"{rows:,} from the store: load only", lambda: store.load("bench"), repeat)
            timed(f"{rows:,} from the store: load + KPIs (3 ways)",
                  lambda: kpis_three_ways(store.load("bench"), config), repeat)
            loaded = store.load("bench")
            timed(f"{rows:,} loaded: KPIs (3 ways, segment as text)", lambda: kpis_three_ways(loaded, config),
                  repeat)
        finally:
            store.close()


def memory_cases(rows: int, repeat: int) -> None:
    """Time the in-memory cases: the target case with its parts, then text segments."""
    frame = make_frame(rows)
    groups, periods = kpis_three_ways(frame, CONFIG)
    print(f"{rows:,} responses, {groups} segment values, {periods} months")
    best = timed(f"{rows:,} in memory: KPIs overall + by segment + by month",
                 lambda: kpis_three_ways(frame, CONFIG), repeat)
    data = metrics.prepare(frame, CONFIG)
    timed("  of which prepare (row codes)", lambda: metrics.prepare(frame, CONFIG), repeat)
    timed("  of which overall", lambda: metrics.kpis(data), repeat)
    timed("  of which by segment (20 values)", lambda: metrics.kpis_by(data, SEGMENT), repeat)
    timed("  of which by month", lambda: metrics.kpis_by_period(data, "month"), repeat)
    print(f"target < 0.5 s wall: {'met' if best < 0.5 else 'NOT met'} ({best:.3f} s)")
    text = frame.assign(**{SEGMENT: frame[SEGMENT].astype(str)})
    timed(f"{rows:,} in memory, segment as text instead of category", lambda: kpis_three_ways(text, CONFIG),
          max(1, repeat // 2))


def customer_case(rows: int, repeat: int) -> None:
    """Time the in-memory case with a customer column (1,000,000 customers)."""
    frame = make_frame(rows, customers=1_000_000)
    timed(f"{rows:,} in memory with 1,000,000 customers", lambda: kpis_three_ways(frame, CONFIG_CUSTOMERS),
          max(1, repeat // 2))


def main(argv: list[str] | None = None) -> int:
    """Run the cases and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--store-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"numpy {np.__version__}, pandas {pd.__version__}, {os.cpu_count()} cores, load average {load:.1f}")
    memory_cases(args.rows, args.repeat)
    customer_case(args.rows, args.repeat)
    store_case(args.store_rows, max(1, args.repeat // 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
