"""The themes of each stage of a journey: mentions, share and NPS impact per stage, from one mention matrix.

The figures are those of ``portal.text.figures.theme_table`` over the stage's responses (same columns and
values for ``theme``, ``theme_key``, ``parent``, ``n``, ``share`` and the NPS impact with its bootstrap interval),
without the figures the journey does not show (emerging, requests, revenue), so a journey over many stages
reads the comments' themes once instead of once per stage.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from portal import metrics
from portal.model import DatasetConfig
from portal.text.codeframe import Codeframe
from portal.text.impact import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, nps_impact
from portal.text.mentions import mentions, nps_categories


def _parents(codeframe: Codeframe, keys: list[str]) -> list[str | None]:
    """Return per theme key its parent's name (None for a top-level theme or Uncategorised)."""
    names = {t.key: t.name for t in codeframe.themes}
    parents = codeframe.parent_keys()
    return [names.get(parents[k]) if k in parents else None for k in keys]


def stage_theme_tables(frame: pd.DataFrame, assignments: pd.DataFrame, codeframe: Codeframe, config: DatasetConfig,
                       stages: pd.Series, wanted: Sequence[str], *, resamples: int = BOOTSTRAP_RESAMPLES,
                       seed: int = BOOTSTRAP_SEED) -> dict[str, pd.DataFrame]:
    """Return, for each stage in ``wanted`` with responses, one row per theme (and Uncategorised, last).

    ``stages`` holds each row's stage (aligned with ``frame``). Columns: ``theme``, ``theme_key``, ``parent``,
    ``n``, ``share`` (of the stage's comments), ``nps_impact``, ``nps_impact_low``, ``nps_impact_high``.
    """
    men = mentions(frame, assignments, codeframe)
    has_nps = "nps" in metrics.mapped_roles(config)
    cats = nps_categories(frame) if has_nps else np.full(len(frame), np.nan)
    parents = _parents(codeframe, men.keys)
    where = stages.astype(object).to_numpy()
    out: dict[str, pd.DataFrame] = {}
    for stage in wanted:
        rows = where == stage
        if not rows.any():
            continue
        matrix = men.matrix[rows]
        n = matrix.sum(axis=0)
        comments = int(men.commented[rows].sum())
        impact, low, high = nps_impact(cats[rows], matrix, resamples=resamples, seed=seed)
        out[stage] = pd.DataFrame({
            "theme": pd.Series(men.names, dtype=object), "theme_key": pd.Series(men.keys, dtype=object),
            "parent": pd.Series(parents, dtype=object), "n": n.astype("int64"),
            "share": n / comments if comments else np.full(len(n), np.nan),
            "nps_impact": impact, "nps_impact_low": low, "nps_impact_high": high,
        })
    return out
