"""Benchmark of theme discovery, assignment and re-application (quality, stability, speed, memory).

1. Quality (``theme_quality.py``): on SemEval-2014 restaurant categories and SemEval-2016 laptop entities,
   discovery runs on the *training* sentences (labels unused); for each gold category the best-matching
   theme is chosen on the training sentences and scored on the held-out *test* sentences (precision,
   recall, F1, macro average, coverage, largest theme's share), for the two-level discovery at the theme
   and the sub-theme level, the first wave's discovery and plain TF-IDF + NMF, every set from the same
   settings, and the spread of the theme-level macro F1 over random seeds 0-4 (``--seeds``). Then the theme
   tree of each unlabelled set (BA, neobank, Ethiopian banks, clothing, telecom).
2. Stability: a rerun must give the identical codeframe; on a 90% subsample, how many themes survive (a
   theme survives when a subsample theme covers mostly the same sentences: Jaccard >= 0.5).
3. Speed on 100,000 comments (the clothing and bank-app reviews repeated): clause splitting and theme
   assignment, discovery, and, in a fresh SQLite store, applying a codeframe, re-applying an edited one
   and undoing the edit. Targets on 2 cores: discovery < 30 s, re-apply < 10 s, memory < 3 GB.

Run: ``python benchmarks/bench_themes.py [--rows N] [--quick] [--seeds N]``; reads ``../shared/data`` beside the
repository (or ``--data DIR``) and prints tables.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from portal.text.assign import assign, clause_spans, compile_codeframe
from portal.text.codeframe import Codeframe, add_keywords, rename_theme
from portal.text.themes import FIRST_WAVE, discover

sys.path.insert(0, str(Path(__file__).resolve().parent))
from theme_quality import labelled, membership, seed_spread, unlabelled  # noqa: E402  (a module beside this script)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """Return ``fn()`` and the seconds it took."""
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def cpu_seconds() -> float:
    """Return the CPU seconds used so far by this process and its finished worker processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed_cpu(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """Return ``fn()``, the seconds it took and the CPU seconds it used in all processes (other load excluded)."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    out = fn()
    return out, time.perf_counter() - wall, cpu_seconds() - cpu


def peak_mb() -> tuple[float, float]:
    """Return the peak resident memory of this process and of its finished children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def stability(data: Path) -> None:
    """Print whether a rerun gives the same codeframe and how many themes survive a 90% subsample."""
    semeval = pd.read_csv(data / "semeval14_restaurants_aspects.csv")
    train = semeval[semeval["split"] == "train"]["text"].tolist()
    first = discover(train)
    again = discover(list(reversed(train)))
    print(f"\nstability: rerun on the sentences in reverse order gives the identical codeframe: "
          f"{'yes' if again == first else 'NO'}")
    reviews = pd.read_csv(data / "womens_clothing_reviews.csv")["Review Text"].dropna().tolist()[:8000]
    survived, total, median = subsample_survival(reviews, 15)
    print(f"stability on 8,000 clothing reviews (15 themes): {survived} of {total} themes and sub-themes survive a "
          f"90% subsample (median best Jaccard {median:.2f})")


def subsample_survival(texts: list[str], k: int, seed: int = 1) -> tuple[int, int, float]:
    """Return how many of ``k`` themes found in ``texts`` are found again in a 90% subsample, and the median overlap."""
    full = discover(texts, n_themes=k)
    keep = np.sort(np.random.default_rng(seed).choice(len(texts), size=int(0.9 * len(texts)), replace=False))
    sub = discover([texts[i] for i in keep], n_themes=k)
    a, b = membership(texts, full), membership(texts, sub)
    inter = a.T.astype(float) @ b.astype(float)
    union = a.sum(axis=0)[:, None] + b.sum(axis=0)[None, :] - inter
    jaccard = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0).max(axis=1)
    return int((jaccard >= 0.5).sum()), len(full.themes), float(np.median(jaccard))


def hundred_thousand(data: Path, rows: int) -> list[str]:
    """Return ``rows`` comments: the clothing and bank-app reviews repeated."""
    clothing = pd.read_csv(data / "womens_clothing_reviews.csv")["Review Text"].dropna().tolist()
    bank = pd.read_csv(data / "ethiopian_bank_app_reviews.csv")["review"].dropna().tolist()
    base = clothing + bank
    return [base[i % len(base)] for i in range(rows)]


def speed(data: Path, rows: int) -> list[tuple[str, float, str]]:
    """Run the timing cases and return (case, seconds, note) rows."""
    texts = hundred_thousand(data, rows)
    out: list[tuple[str, float, str]] = []
    _, seconds, cpu = timed_cpu(lambda: discover(texts, settings=FIRST_WAVE))
    out.append((f"first-wave discovery on {rows:,} comments (baseline)", seconds, f"{cpu:.1f} CPU seconds"))
    negative = [i % 5 == 0 for i in range(rows)]
    codeframe, seconds, cpu = timed_cpu(lambda: discover(texts, negative=negative))
    subs = sum(t.parent is not None for t in codeframe.themes)
    out.append((f"two-level discovery on {rows:,} comments", seconds,
                f"{cpu:.1f} CPU seconds; {len(codeframe.themes) - subs} themes, {subs} sub-themes from a fixed "
                "sample of 20,000; target < 30 s"))
    spans, seconds = timed(lambda: clause_spans(texts))
    out.append((f"clause splitting, {rows:,} comments", seconds, f"{sum(map(len, spans)):,} clauses"))
    matcher, seconds_c = timed(lambda: compile_codeframe(codeframe))
    matches, seconds, cpu = timed_cpu(lambda: assign(texts, matcher, clauses=spans))
    covered = matches["row"].nunique() / rows
    out.append((f"theme assignment, {rows:,} comments", seconds + seconds_c,
                f"{cpu:.1f} CPU seconds; {len(matches):,} comment-theme pairs; coverage {covered:.0%}"))
    out.extend(store_cases(texts, codeframe))
    return out


def store_cases(texts: list[str], codeframe: Codeframe) -> list[tuple[str, float, str]]:
    """Time applying, re-applying an edited codeframe and undoing, in a fresh SQLite store."""
    from portal.ingest.read import Table
    from portal.services import themes as theme_service
    from portal.services.imports import commit, prepare
    from portal.store import Store
    from portal.text import figures

    out: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{folder}/bench.db")
        frame = pd.DataFrame({"Review ID": [f"r{i}" for i in range(len(texts))], "Review": texts,
                              "Rating": [str(1 + i % 5) for i in range(len(texts))]})
        table = Table(frame=frame, source="bench", encoding=None, delimiter=None, sheet=None, sheets=(),
                      row_numbers=pd.Series(range(2, len(frame) + 2)))
        prepared = prepare(table, kind="reviews")
        _, seconds = timed(lambda: commit(store, "bench", prepared, source="bench", enrich=False))
        out.append((f"store import of {len(texts):,} rows (no enrichment)", seconds, "setup, for reference"))
        result, seconds, cpu = timed_cpu(lambda: theme_service.save_codeframe(store, "bench", codeframe, note="bench",
                                                                         source="discovered"))
        out.append(("first application (splits and scores every clause)", seconds,
                    f"{cpu:.1f} CPU seconds; coverage {result.coverage:.0%}"))
        first = codeframe.themes[0]
        edited = add_keywords(rename_theme(codeframe, first.name, first.name + " (edited)"), codeframe.themes[1].name,
                              ["delivery", "customer care"])
        result, seconds, cpu = timed_cpu(lambda: theme_service.save_codeframe(store, "bench", edited,
                                                                         note="rename and keywords"))
        out.append(("re-apply an edited codeframe", seconds, f"{cpu:.1f} CPU seconds in all processes; target < 10 s"))
        _, seconds, cpu = timed_cpu(lambda: theme_service.undo(store, "bench"))
        out.append(("undo the edit (re-applies the previous version)", seconds, f"{cpu:.1f} CPU seconds"))
        frame = store.load("bench")
        config = store.dataset("bench").config
        assigned, seconds = timed(lambda: theme_service.assignments(store, "bench"))
        out.append(("read every comment's themes and reasons", seconds, f"{len(assigned):,} rows"))
        _, seconds = timed(lambda: figures.theme_table(frame, assigned, theme_service.current_codeframe(store, "bench"),
                                                       config))
        out.append(("figures per theme (incl. 1,000 bootstrap resamples)", seconds, ""))
        _, seconds = timed(lambda: theme_service.themes_per_row(store, "bench"))
        out.append(("themes per row for the export", seconds, ""))
        store.close()
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="comments for the speed cases")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the public data sets")
    parser.add_argument("--quick", action="store_true", help="skip the stability checks")
    parser.add_argument("--seeds", type=int, default=5, help="random seeds for the spread of the quality")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"The public data sets are not at {args.data}; nothing to measure.")
        return 0
    labelled(args.data)
    if args.seeds > 1:
        seed_spread(args.data, args.seeds)
    unlabelled(args.data)
    if not args.quick:
        stability(args.data)
    cases = speed(args.data, args.rows)
    own, children = peak_mb()
    print("\nspeed:")
    width = max(len(c[0]) for c in cases)
    for case, seconds, note in cases:
        print(f"  {case:<{width}}  {seconds:7.1f} s  {note}")
    print("\n(wall-clock seconds; on a machine shared with other work they grow, CPU seconds do not)")
    print(f"\npeak memory: {own:,.0f} MB in this process, {children:,.0f} MB in the largest worker "
          "(target < 3 GB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
