"""Benchmark of the journey's figures beside the plain per-group KPIs they are built on.

Synthetic survey (fixed seed): ``--rows`` responses, six journey stages, NPS, comments and ten themes with one
theme mentioned by about half of the comments. Prints, each best of ``--repeat`` runs:

1. baseline: ``metrics.kpis_by`` over the stage column (what the Segments page computes);
2. ``metrics.journey.journey`` without themes (the KPIs, tests, sentiment and weakest stage);
3. baseline: the Themes page's full table (``figures.theme_table``) of each stage;
4. ``stage_theme_tables``: the figures the journey reads (mentions, share, bootstrap NPS impact) per stage;
5. ``journey`` with those tables (top themes and pain points).

Run: ``python benchmarks/bench_journey.py [--rows N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from portal import metrics
from portal.metrics.journey import journey
from portal.model import DatasetConfig, Mapping
from portal.text.codeframe import Codeframe, Theme
from portal.text.figures import theme_table
from portal.text.stage_themes import stage_theme_tables

SEED = 20240601
STAGES = ["Awareness", "Sign-up", "Onboarding", "First use", "Billing", "Renewal"]
CONFIG = DatasetConfig(mapping=Mapping(nps="NPS", comment="Comment", segments=("Stage",)))
CODEFRAME = Codeframe(themes=tuple(Theme(key=f"t{i}", name=f"theme {i}", keywords=(f"word{i}",)) for i in range(10)))


def make_data(rows: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return a canonical frame of ``rows`` responses and their theme assignments (fixed seed)."""
    rng = np.random.default_rng(SEED)
    stage = rng.integers(0, len(STAGES), rows)
    nps = np.clip(np.round(rng.normal(7.2 - 0.4 * (stage == 4), 2.4, rows)), 0, 10)
    frame = pd.DataFrame({
        "row_key": [f"r{i}" for i in range(rows)], "nps": nps, "comment": ["a comment"] * rows,
        "sentiment": rng.uniform(-1, 1, rows), "Stage": np.array(STAGES, dtype=object)[stage],
    })
    theme = rng.integers(0, 10, rows)
    theme[rng.random(rows) < 0.5] = 0
    assigned = pd.DataFrame({"row_key": frame["row_key"], "theme_key": [f"t{t}" for t in theme]})
    return frame, assigned


def best(run: Callable[[], object], repeat: int) -> float:
    """Return the best wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def stage_themes(frame: pd.DataFrame, assigned: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Return each stage's theme table."""
    return {s: theme_table(frame[frame["Stage"] == s], assigned, CODEFRAME, CONFIG) for s in STAGES}


def main() -> None:
    """Print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame, assigned = make_data(args.rows)
    baseline = best(lambda: metrics.kpis_by(metrics.prepare(frame, CONFIG), "Stage"), args.repeat)
    plain = best(lambda: journey(frame, CONFIG, "Stage", STAGES), args.repeat)
    full_tables = best(lambda: stage_themes(frame, assigned), args.repeat)
    tables: dict[str, pd.DataFrame] = {}
    themes = best(lambda: tables.update(
        stage_theme_tables(frame, assigned, CODEFRAME, CONFIG, frame["Stage"], STAGES)), args.repeat)
    full = best(lambda: journey(frame, CONFIG, "Stage", STAGES, themes=tables), args.repeat)
    print(f"{args.rows:,} responses, {len(STAGES)} stages, {len(CODEFRAME.themes)} themes (best of {args.repeat})")
    print(f"  baseline kpis_by over the stages:       {baseline:7.3f} s")
    print(f"  journey without themes:                 {plain:7.3f} s")
    print(f"  baseline theme_table of every stage:    {full_tables:7.3f} s")
    print(f"  stage_theme_tables:                     {themes:7.3f} s")
    print(f"  journey with the theme tables:          {full:7.3f} s")


if __name__ == "__main__":
    main()
