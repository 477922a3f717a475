"""How much each theme moves the overall NPS, with a bootstrap interval.

Impact = NPS of all responses - NPS of the responses that do not mention the theme, in points (negative: the
theme drags NPS down). Its 95% interval is a percentile bootstrap over ``BOOTSTRAP_RESAMPLES`` resamples of
the responses with a fixed seed, computed exactly and fast by resampling the six counts (mentions or not x
promoter, passive, detractor) from a multinomial.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BOOTSTRAP_RESAMPLES", "BOOTSTRAP_SEED", "nps_impact"]

BOOTSTRAP_RESAMPLES = 1_000
BOOTSTRAP_SEED = 20240601


def _cells(cat: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Return counts shaped (theme, mentioned 0/1, category 0..2) of scored responses."""
    cells = np.zeros((matrix.shape[1], 2, 3))
    for c in range(3):
        in_cat = cat == c
        mentioned = matrix[in_cat].sum(axis=0)
        cells[:, 1, c] = mentioned
        cells[:, 0, c] = in_cat.sum() - mentioned
    return cells


def _impact(cells: np.ndarray) -> np.ndarray:
    """Return NPS(all) - NPS(without theme) from counts shaped (..., mentioned 0/1, category 0..2)."""
    total = cells.sum(axis=-2)
    n_all = total.sum(axis=-1)
    n_without = cells[..., 0, :].sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        nps_all = 100.0 * (total[..., 2] - total[..., 0]) / n_all
        nps_without = 100.0 * (cells[..., 0, 2] - cells[..., 0, 0]) / n_without
    return np.where(n_without > 0, nps_all - nps_without, np.nan)


def _interval(cells: np.ndarray, impact: np.ndarray, n: int, resamples: int,
              seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the 2.5% and 97.5% bootstrap percentiles of the impact (always around the impact itself)."""
    t = cells.shape[0]
    rng = np.random.default_rng(seed)
    flat = cells.reshape(t, 6) / n
    draws = rng.multinomial(n, flat, size=(resamples, t)).reshape(resamples, t, 2, 3).astype(float)
    boot = _impact(draws)
    low = impact.copy()
    high = impact.copy()
    for j in range(t):
        values = boot[:, j][np.isfinite(boot[:, j])]
        if len(values):
            low[j], high[j] = np.percentile(values, [2.5, 97.5])
    low = np.where(np.isfinite(impact), np.fmin(low, impact), np.nan)
    high = np.where(np.isfinite(impact), np.fmax(high, impact), np.nan)
    return low, high


def nps_impact(
    categories: np.ndarray,
    matrix: np.ndarray,
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return per theme (column of ``matrix``) the NPS impact and its 95% bootstrap interval, in points.

    ``categories`` holds -1 / 0 / 1 (detractor, passive, promoter) or NaN per response; responses without NPS
    are left out. Impact = NPS(all) - NPS(responses without the theme); NaN when no response is without it
    or there is no NPS at all. The bootstrap resamples the responses ``resamples`` times (fixed ``seed``).
    """
    categories = np.asarray(categories, dtype=float)
    matrix = np.asarray(matrix, dtype=bool)
    scored = ~np.isnan(categories)
    cat = categories[scored].astype(np.int64) + 1  # 0 detractor, 1 passive, 2 promoter
    m = matrix[scored]
    t = m.shape[1]
    n = len(cat)
    if n == 0 or t == 0:
        empty = np.full(t, np.nan)
        return empty, empty.copy(), empty.copy()
    cells = _cells(cat, m)
    impact = _impact(cells)
    low, high = _interval(cells, impact, n, resamples, seed)
    return impact, low, high
