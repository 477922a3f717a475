"""Across all groups: how a theme's problem rate goes with the rating, what the market asks for, rating trends.

* ``rating_link``: per theme, Spearman's rank correlation across the groups that are not low-sample between the
  group's problem rate on the theme and its mean rating (negative: the brands with fewer problems there are
  rated higher). Its 95% interval is Fisher's z with the variance 1.06 / (k - 3) of Fieller, Hartley and
  Pearson (1957) for a rank correlation over k groups (none below 4 groups; at a perfect +-1, where z is
  infinite, that end of the interval is +-1 itself and the other end is computed from the nearest value k groups
  can give, 1 - 12 / (k(k^2 - 1))); ``low_confidence`` below 5 groups. A group takes part in a theme only when
  the theme reads at least the minimum group size of its comments (a theme of one language), like the gap table.
* ``needs``: the themes most mentioned negatively (``problem``) and in requests (``request``) over all groups,
  each with the group that serves it best: the lowest problem rate, or the lowest share of its comments asking
  for it, among groups that are not low-sample and of whose comments the theme reads at least the minimum group
  size.
* ``trend``: per group and month, responses, mean rating and positive share; ``distribution``: each group's
  share of every rating value.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["LOW_CONFIDENCE_BELOW", "TOP_NEEDS", "distribution", "needs", "rating_link", "spearman_interval", "trend"]

#: Fewer groups than this make a rank correlation low-confidence.
LOW_CONFIDENCE_BELOW = 5
#: How many themes of each kind ``needs`` lists.
TOP_NEEDS = 10


def spearman_interval(rho: float, k: int) -> tuple[float, float] | None:
    """Return the 95% interval of a Spearman correlation over ``k`` pairs (None below 4 pairs or without rho)."""
    if k < 4 or not math.isfinite(rho):
        return None
    # Fisher's z is infinite at +-1: there that end of the interval is +-1 itself (the estimate stays inside it),
    # and the other end is computed from the nearest value k brands can give short of it (one neighbouring pair
    # swapped), so the interval stays as wide as the data allow.
    limit = 1.0 - 12.0 / (k * (k * k - 1))
    z = math.atanh(max(min(rho, limit), -limit))
    half = 1.96 * math.sqrt(1.06 / (k - 3))
    low, high = math.tanh(z - half), math.tanh(z + half)
    if rho >= 1.0 - 1e-9:
        high = 1.0
    if rho <= -1.0 + 1e-9:
        low = -1.0
    return low, high


def _usable(groups: pd.DataFrame) -> pd.DataFrame:
    """Return the groups a cross-group figure is read on: not low-sample (all of them when none is big enough)."""
    big = groups[~groups["low_sample"]]
    return big if len(big) >= 2 else groups


def rating_link(themes: pd.DataFrame, groups: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Return per theme ``rho``, ``rho_low``, ``rho_high``, ``brands`` and ``low_confidence`` (empty without ratings).

    A group takes part in a theme only when the theme reads at least ``min_n`` of its comments.
    """
    columns = ["theme", "rho", "rho_low", "rho_high", "brands", "low_confidence"]
    rated = _usable(groups)
    rated = rated[rated["rating_mean"].notna()]
    if len(rated) < 2:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    mean = dict(zip(rated["group"], rated["rating_mean"], strict=True))
    rows = []
    for theme, part in themes[themes["group"].isin(mean)].groupby("theme", sort=False):
        part = part[part["problem_rate"].notna() & (part["read"] >= min_n)]
        x, y = part["problem_rate"].to_numpy(dtype=float), part["group"].map(mean).to_numpy(dtype=float)
        k = len(part)
        rho = np.nan
        if k >= 3 and np.ptp(x) > 0 and np.ptp(y) > 0:
            rho = float(stats.spearmanr(x, y).statistic)
        interval = spearman_interval(rho, k)
        rows.append({"theme": theme, "rho": rho, "rho_low": interval[0] if interval else np.nan,
                     "rho_high": interval[1] if interval else np.nan, "brands": k,
                     "low_confidence": k < LOW_CONFIDENCE_BELOW})
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values("rho", kind="stable", na_position="last").reset_index(drop=True)


def needs(themes: pd.DataFrame, groups: pd.DataFrame, min_n: int, top: int = TOP_NEEDS) -> pd.DataFrame:
    """Return the most-mentioned problems and requests over all groups with the group that serves each best.

    The best group is one that is not low-sample and of whose comments the theme reads at least ``min_n``.

    Columns: ``theme``, ``kind`` (problem or request), ``n`` (mentions over all groups), ``share`` (of all read
    comments), ``best_brand`` and ``best_rate`` (its problem or request rate).
    """
    usable = set(_usable(groups)["group"])
    read = float(groups["read"].sum())
    parts = []
    for kind, count, rate in (("problem", "problems", "problem_rate"), ("request", "requests", "request_rate")):
        total = themes.groupby("theme", sort=False)[count].sum()
        total = total[total > 0].sort_values(ascending=False, kind="stable").head(top)
        candidates = themes[themes["group"].isin(usable) & themes[rate].notna() & (themes["read"] >= min_n)]
        best = candidates.sort_values(["theme", rate, "group"], kind="stable").drop_duplicates("theme")
        best = best.set_index("theme")
        parts.append(pd.DataFrame({
            "theme": total.index.astype(object), "kind": kind, "n": total.to_numpy(dtype="int64"),
            "share": total.to_numpy(dtype=float) / read if read else np.nan,
            "best_brand": best["group"].reindex(total.index).to_numpy(dtype=object),
            "best_rate": best[rate].reindex(total.index).to_numpy(dtype=float),
        }))
    return pd.concat(parts, ignore_index=True)


def trend(periods: pd.DataFrame) -> pd.DataFrame:
    """Return per group and month ``n``, ``rating_mean`` and ``positive_share`` (empty without dates)."""
    if periods.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in
                             ("group", "period", "n", "rating_mean", "positive_share")})
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.DataFrame({
            "group": periods["group"].astype(object), "period": pd.to_datetime(periods["period"]),
            "n": periods["n"].astype("int64"),
            "rating_mean": np.where(periods["rating_n"] > 0, periods["rating_sum"] / periods["rating_n"], np.nan),
            "positive_share": np.where(periods["labelled"] > 0, periods["positive"] / periods["labelled"], np.nan),
        })


def distribution(ratings: pd.DataFrame) -> pd.DataFrame:
    """Return each group's rating distribution: ``group``, ``rating``, ``n`` and ``share`` of the group's ratings."""
    if ratings.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ("group", "rating", "n", "share")})
    total = ratings.groupby("group", sort=False)["n"].transform("sum")
    return ratings.assign(share=ratings["n"] / total)
