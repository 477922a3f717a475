"""Benchmark of the competitor comparison: 200,000 reviews of 10 brands, 20 themes, enrichment done at import.

Cases (each prints its best and first wall time and the CPU time of the best run):

1. ``mentions`` + ``theme_readers`` + ``count`` + ``compare``: from the stored theme assignments to every figure of the page and the
   CLI (brands, themes by brand, gaps with tests and BH, index, rating link, needs, trend). Target: < 2 s.
2. ``count`` + ``compare`` alone (the mention matrix already built).
3. Baseline in the same run: a plain pandas groupby of the same frame giving per brand the reviews and mean
   rating, and per brand and theme the mentions and negative mentions (no tests, no intervals).

Run: ``python benchmarks/bench_compare.py [--rows N] [--brands N] [--themes N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from portal.compare import compare, count
from portal.compare.counts import theme_readers
from portal.text.codeframe import Codeframe, Theme
from portal.text.mentions import mentions
from portal.text.theme_languages import comment_languages

SEED = 20261207


def make_data(rows: int, brands: int, themes: int, seed: int = SEED) -> tuple[pd.DataFrame, pd.DataFrame, Codeframe]:
    """Return enriched reviews (brand, rating, date, sentiment, language), their theme assignments and codeframe."""
    rng = np.random.default_rng(seed)
    brand = rng.integers(0, brands, rows)
    polarity = np.clip(rng.normal(0.1 - 0.05 * (brand % 4), 0.5, rows), -1, 1)
    label = np.where(polarity < -0.05, "negative", np.where(polarity > 0.05, "positive", "neutral"))
    start = np.datetime64("2025-01-01T00:00:00", "s").astype(np.int64)
    frame = pd.DataFrame({
        "row_key": [f"id:{i}" for i in range(rows)],
        "brand": pd.Series([f"Brand {b:02d}" for b in brand], dtype=object),
        "rating": np.clip(np.round(3 + 2 * polarity + rng.normal(0, 0.7, rows)), 1, 5),
        "date": (start + rng.integers(0, 540 * 86_400, rows)).astype("datetime64[s]").astype("datetime64[ns]"),
        "comment": "a review",
        "sentiment": polarity, "sentiment_label": pd.Series(label, dtype=object),
        "language": pd.Series(np.where(rng.random(rows) < 0.05, "de", "en"), dtype=object),
    })
    per_row = rng.poisson(1.6, rows)
    row = np.repeat(np.arange(rows), per_row)
    theme = rng.integers(0, themes, len(row))
    pairs = pd.DataFrame({"row": row, "theme": theme}).drop_duplicates()
    assignments = pd.DataFrame({
        "row_key": frame["row_key"].to_numpy()[pairs["row"].to_numpy()],
        "theme_key": [f"t{t}" for t in pairs["theme"]],
        "sentiment": np.clip(polarity[pairs["row"].to_numpy()] + rng.normal(0, 0.3, len(pairs)), -1, 1),
    })
    codeframe = Codeframe(tuple(Theme(f"t{t}", f"theme {t:02d}", (f"word{t}",)) for t in range(themes)))
    return frame, assignments, codeframe


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    """Return (best wall, first wall, CPU of the best run) over ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    best = int(np.argmin(walls))
    return walls[best], walls[0], cpus[best]


def baseline(frame: pd.DataFrame, men: Any) -> pd.DataFrame:
    """Return the plain groupby figures: per brand reviews and mean rating, per brand and theme mentions/negatives."""
    per_brand = frame.groupby("brand").agg(n=("rating", "size"), rating=("rating", "mean"))
    hits = pd.DataFrame(men.matrix[:, :-1], columns=men.names[:-1]).groupby(frame["brand"].to_numpy()).sum()
    bad = pd.DataFrame(men.matrix[:, :-1] & men.negative[:, :-1], columns=men.names[:-1]).groupby(
        frame["brand"].to_numpy()).sum()
    return per_brand.join(hits.add_suffix(" mentions")).join(bad.add_suffix(" problems"))


def main(argv: list[str] | None = None) -> int:
    """Run the cases and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--brands", type=int, default=10)
    parser.add_argument("--themes", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    frame, assignments, codeframe = make_data(args.rows, args.brands, args.themes)
    print(f"{args.rows:,} reviews, {args.brands} brands, {args.themes} themes, {len(assignments):,} assignments")
    men = mentions(frame, assignments, codeframe)
    read = np.ones(len(frame), dtype=bool)
    requests = np.zeros(len(frame), dtype=bool)
    parents = [None] * args.themes

    def whole() -> None:
        found = mentions(frame, assignments, codeframe)
        readers = theme_readers(comment_languages(frame), codeframe, found.commented)
        compare(count(frame, "brand", found, parents, read=read, requests=requests, readers=readers), "Brand 00",
                scale=(1, 5))

    def engine() -> None:
        compare(count(frame, "brand", men, parents, read=read, requests=requests), "Brand 00", scale=(1, 5))

    for name, fn in (("mentions + readers + count + compare", whole), ("count + compare", engine),
                     ("baseline: pandas groupby (counts and means only)", lambda: baseline(frame, men))):
        best, first, cpu = timed(fn, args.repeat)
        print(f"{name:52s} best {best:6.3f} s   first {first:6.3f} s   CPU {cpu:6.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
