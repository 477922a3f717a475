"""Benchmark the request flag: precision, recall and F1 per source and overall, beside a keyword baseline.

Usage: ``python benchmarks/bench_requests.py [--data FOLDER] [--rows 100000] [--show-errors]`` (default data
folder: ``../shared/data`` beside the repository). The labels are ``requests_labels.csv`` (drawn and read as
``requests_data.py`` says; the text is joined back from the shared files at run time). Besides the figures on
the sample as drawn, it prints them weighted back to each source's comments (every labelled comment counts
for the comments of its stratum it stands for), since the sample oversamples likely requests. Then it times
``request_flags`` on ``--rows`` comments (the sample's sources repeated).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import requests_data as D  # noqa: E402

from portal.text.requests import request_flags  # noqa: E402

#: The plain baseline: a keyword list anyone would write first.
BASELINE = re.compile(r"please add|wish|would be great|would be nice|should add|bring back|feature request",
                      re.IGNORECASE)


def scores(truth: np.ndarray, pred: np.ndarray, weight: np.ndarray | None = None) -> tuple[float, float, float]:
    """Return precision, recall and F1 (NaN where undefined), optionally weighted per comment."""
    w = np.ones(len(truth)) if weight is None else weight
    tp, fp, fn = (w * (truth & pred)).sum(), (w * (~truth & pred)).sum(), (w * (truth & ~pred)).sum()
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else float("nan")
    return precision, recall, f1


def weights(frame: pd.DataFrame, data: Path, heldout: bool) -> np.ndarray:
    """Return per labelled comment how many comments of its source and stratum it stands for."""
    pools = D.draw(data, heldout=heldout).groupby(["source", "stratum"])["pool"].first()
    sizes = frame.groupby(["source", "stratum"])["row"].transform("size")
    return np.array([pools[(s, t)] for s, t in zip(frame["source"], frame["stratum"], strict=True)]) / sizes


def table(frame: pd.DataFrame, weight: np.ndarray) -> str:
    """Return the markdown table: per source and overall, detector beside baseline."""
    truth = frame["request"].to_numpy(bool)
    ours = request_flags(frame["text"])
    base = frame["text"].str.contains(BASELINE).to_numpy(bool)
    lines = ["| source | n | requests | detector P / R / F1 | baseline P / R / F1 |", "| --- | ---: | ---: | --- | --- |"]

    def cell(t: np.ndarray, p: np.ndarray, w: np.ndarray | None = None) -> str:
        return " / ".join("–" if np.isnan(x) else f"{x:.2f}" for x in scores(t, p, w))

    for source in D.SOURCES:
        m = (frame["source"] == source).to_numpy()
        lines.append(f"| {source.removesuffix('.csv')} | {m.sum()} | {truth[m].sum()} | {cell(truth[m], ours[m])} | "
                     f"{cell(truth[m], base[m])} |")
    lines.append(f"| **all, as sampled** | {len(frame)} | {truth.sum()} | **{cell(truth, ours)}** | "
                 f"{cell(truth, base)} |")
    lines.append(f"| all, weighted to the sources | | | {cell(truth, ours, weight)} | {cell(truth, base, weight)} |")
    apps = frame["source"].isin(["neobank_appstore_reviews.csv", "ethiopian_bank_app_reviews.csv"]).to_numpy()
    lines.append(f"| app reviews only (neobank + Ethiopian banks) | {apps.sum()} | {truth[apps].sum()} | "
                 f"{cell(truth[apps], ours[apps])} | {cell(truth[apps], base[apps])} |")
    return "\n".join(lines)


def errors(frame: pd.DataFrame) -> str:
    """Return the misclassified comments (for reading, never committed)."""
    ours = request_flags(frame["text"])
    wrong = frame[ours != frame["request"].to_numpy(bool)]
    return "\n".join(f"[{'FN' if r.request else 'FP'}] {r.source}:{r.row} {r.text[:300]!r}"
                     for r in wrong.itertuples())


def timing(data: Path, rows: int) -> str:
    """Return a line with the time of flagging ``rows`` comments."""
    texts = pd.concat([D.read_source(data, s) for s in D.SOURCES], ignore_index=True)
    texts = pd.concat([texts] * (rows // len(texts) + 1), ignore_index=True).iloc[:rows]
    start = time.perf_counter()
    flags = request_flags(texts)
    seconds = time.perf_counter() - start
    return f"request_flags on {rows:,} comments (the six sources repeated): {seconds:.1f} s, {flags.mean():.1%} flagged"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=D.DEFAULT_DATA)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"skipped: no data folder at {args.data}")
        return 0
    labels = D.labelled(args.data)
    for split, title in (("heldout", "Held out (never used to write a rule)"),
                         ("tuning", "Tuning sample (the rules were written while reading it)")):
        frame = labels[labels["split"] == split].reset_index(drop=True)
        print(f"{title}: {len(frame)} comments\n")
        print(table(frame, weights(frame, args.data, split == "heldout")))
        print()
        if args.show_errors:
            print(errors(frame))
    print()
    print(timing(args.data, args.rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
