"""Benchmark of the executive report on the demo data, beside a plain baseline measured in the same run.

Baseline: loading the dataset and computing the Overview's figures (``metrics.overview``), which any report
needs. Then: building the whole report (every section), and rendering it as HTML (inline SVG charts) and as PDF
(PNG charts). Each figure is the best of ``--repeat`` runs, with the first run beside it.

Run: ``python benchmarks/bench_report.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from portal import metrics
from portal.services import report as report_service
from portal.services import themes as theme_service
from portal.services.imports import load_demo
from portal.store import Store


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Return the best and the first wall time of ``fn`` over ``repeat`` runs, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), times[0], result


def main() -> None:
    """Print the figures as a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Store(f"sqlite:///{Path(folder) / 'portal.db'}") as store:
        load_demo(store)
        print("| dataset | step | best | first |\n| --- | --- | ---: | ---: |")
        for name in ("Acme NPS survey", "App store reviews"):
            config = store.dataset(name).config
            results = {}
            steps: list[tuple[str, Callable[[], Any]]] = [
                ("baseline: load + Overview figures", lambda n=name, c=config: metrics.overview(store.load(n), c)),
                ("build the report (every section)", lambda n=name: report_service.build_report(store, n)),
                ("of which: each comment's themes (`themes.assignments`)",
                 lambda n=name: theme_service.assignments(store, n)),
            ]
            for label, fn in steps:
                best, first, results[label] = timed(fn, args.repeat)
                print(f"| {name} | {label} | {best:.2f} s | {first:.2f} s |")
            report = results["build the report (every section)"]
            for fmt in report_service.FORMATS:
                best, first, data = timed(lambda f=fmt: report_service.render_report(report, f), args.repeat)
                print(f"| {name} | render {fmt.upper()} ({len(data) / 1024:.0f} KB) | {best:.2f} s | {first:.2f} s |")


if __name__ == "__main__":
    main()
