"""Benchmark of reading, detecting and validating an upload: N synthetic survey rows x 10 columns.

Usage: python benchmarks/bench_ingest.py [--rows 1000000]

Prints wall-clock and CPU seconds per step. Target for 1,000,000 rows: validate in a few seconds.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from portal.ingest import detect, read_table, validate

WORDS = np.array("great slow support price app login crash love fee card refund friendly".split())


def build(rows: int) -> bytes:
    """Return a CSV export of ``rows`` survey answers (one in a thousand with an invalid score)."""
    rng = np.random.default_rng(7)
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, rows), unit="D")
    frame = pd.DataFrame({
        "Response ID": [f"r{i}" for i in range(rows)],
        "Date": days.strftime("%d/%m/%Y"),
        "NPS": rng.integers(0, 11, rows).astype(str),
        "Plan": rng.choice(["Free", "Pro", "Team"], rows),
        "Region": rng.choice(["EMEA", "AMER", "APAC"], rows),
        "MRR": rng.integers(10, 5000, rows).astype(str),
        "Comment": [" ".join(words) for words in rng.choice(WORDS, (rows, 8))],
        "Channel": rng.choice(["web", "email", "app"], rows),
        "Country": rng.choice(["UK", "US", "DE", "FR"], rows),
        "Tenure": rng.integers(1, 10, rows).astype(str),
    })
    frame.loc[::1000, "NPS"] = "eleven"
    return frame.to_csv(index=False).encode()


def timed(label: str, step):
    """Run ``step`` and print its wall-clock and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = step()
    print(f"{label:<28} {time.perf_counter() - wall:6.2f} s wall {time.process_time() - cpu:6.2f} s CPU")
    return result


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    rows = parser.parse_args().rows
    data = build(rows)
    print(f"{rows:,} rows x 10 columns, {len(data) / 1e6:.0f} MB of CSV")
    table = timed("read_table", lambda: read_table(data, "bench.csv"))
    detection = timed("detect", lambda: detect(table.frame))
    checked = timed("validate (id keys)", lambda: validate(table, detection.config))
    no_id = detection.config.mapping.without_column("Response ID")
    config = type(detection.config)(mapping=no_id, dayfirst=True)
    timed("validate (content keys)", lambda: validate(table, config))
    print(f"{len(checked.canonical):,} valid, {len(checked.rejects):,} rejected")


if __name__ == "__main__":
    main()
