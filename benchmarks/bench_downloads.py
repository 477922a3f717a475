"""What the chart and table downloads cost: offline PNG/SVG rendering, and CSV beside Excel.

Each chart's render time is printed beside a plain baseline measured in the same run: turning the same chart
into its Vega-Lite JSON (what drawing it on the page already costs). The buttons render only on click, so a
page pays none of this when it is drawn; the figures say how long a click waits.

    python benchmarks/bench_downloads.py [--rows 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from portal.ui.charts import chart_png, chart_svg  # noqa: E402
from portal.ui.downloads import csv_bytes, excel_bytes  # noqa: E402
from test_downloads import CHARTS  # noqa: E402  (the chart of each kind the pages draw)


def best(work: Callable[[], object], repeat: int) -> float:
    """Return the fastest of ``repeat`` runs of ``work``, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def table(rows: int) -> pd.DataFrame:
    """Return a verbatims-like table: dates, text (some of it formula-like), figures."""
    rng = np.random.default_rng(7)
    words = np.array(["Great app", "=cmd|' /C calc'!A0", "Slow to load", "-- fine --", "Billing is confusing"])
    return pd.DataFrame({"Date": pd.date_range("2025-01-01", periods=rows, freq="h"),
                         "Comment": words[rng.integers(0, len(words), rows)],
                         "NPS": rng.integers(0, 11, rows), "Share": rng.random(rows)})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    chart_png(CHARTS["key drivers"]())
    print(f"first render after start (engine warm-up): {1000 * (time.perf_counter() - start):.0f} ms")
    print(f"{'chart':40} {'spec (baseline)':>16} {'PNG':>8} {'SVG':>8}")
    for kind, build in CHARTS.items():
        chart = build()
        spec = best(chart.to_dict, args.repeat)
        png = best(lambda c=chart: chart_png(c), args.repeat)
        svg = best(lambda c=chart: chart_svg(c), args.repeat)
        print(f"{kind:40} {spec:13.1f} ms {png:5.0f} ms {svg:5.0f} ms")
    frame = table(args.rows)
    csv_ms, xlsx_ms = best(lambda: csv_bytes(frame), args.repeat), best(lambda: excel_bytes(frame), args.repeat)
    print(f"table of {args.rows:,} rows x 4: CSV (baseline) {csv_ms:.0f} ms, Excel {xlsx_ms:.0f} ms "
          f"({len(excel_bytes(frame)) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
