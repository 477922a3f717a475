"""Benchmark of opening an evidence collection: the demo survey (6,000 responses, its discovered themes) in a
fresh SQLite store, one collection of ``--items`` comments.

Cases (each prints its best and first wall time over ``--repeat`` runs):

1. ``theme_context``: every comment's themes and every theme's figures (what the Collections page keeps while
   the data and the codeframe stay the same).
2. ``open_collection`` with a kept context: what each later view, move or removal costs.
3. ``open_collection`` from nothing (the CLI's and a first view's cost).
4. Baseline in the same run: ``load_responses`` alone, the read every case above starts from.

Run: ``python benchmarks/bench_collections.py [--items N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from portal.services import collections as col
from portal.services import datasets as dataset_service
from portal.services.imports import load_demo
from portal.store import Store

SURVEY = "Acme NPS survey"


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Return the best and the first wall time of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), times[0]


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Store(f"sqlite:///{Path(folder) / 'b.db'}") as store:
        load_demo(store)
        keys = dataset_service.load_responses(store, SURVEY)["row_key"].head(args.items)
        made = col.create_collection(store, SURVEY, "Bench")
        for key in keys:
            col.add_comment(store, made.id, key)
        context = col.theme_context(store, SURVEY)
        cases = {
            "theme_context (kept by the page)": lambda: col.theme_context(store, SURVEY),
            "open_collection, context kept": lambda: col.open_collection(store, made.id, context=context),
            "open_collection from nothing": lambda: col.open_collection(store, made.id),
            "baseline: load_responses alone": lambda: dataset_service.load_responses(store, SURVEY),
        }
        print(f"{args.items} comments in a collection of the demo survey; best / first of {args.repeat}")
        for name, fn in cases.items():
            best, first = timed(fn, args.repeat)
            print(f"{name:40s} {best:7.3f} s  {first:7.3f} s")


if __name__ == "__main__":
    main()
