"""Two groups side by side, theme by theme ("Q3 against Q2", "Enterprise against SMB"), from a ``Comparison``.

A comparison of exactly two groups (``compare`` with the first as "ours") already holds, per theme, both groups'
share of comments that mention it and their problem rates, with the two-proportion z-test of the problem rates,
Benjamini-Hochberg adjusted across the themes. ``two_groups`` lays that out as one row per theme and adds the same
test for the mention shares (adjusted the same way). ``period_labels`` names the month or quarter of each date so
that two periods can be compared as two groups.

Columns of ``two_groups``: ``theme``, ``parent``, ``first_read`` / ``second_read`` (comments the theme reads),
``first_share`` / ``second_share``, ``share_difference`` (first - second), ``share_p_adjusted``,
``share_significant``, ``first_problem_rate`` / ``second_problem_rate``, ``difference`` (first - second problem
rate), ``p_value``, ``p_adjusted``, ``significant``, ``low_sample``, ``verdict`` (more problems, fewer problems,
no clear difference, too few) and ``sentence``. Real differences come first, largest first.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from portal.compare.engine import ALPHA, Comparison
from portal.metrics import stats as metrics

__all__ = ["GRAINS", "period_labels", "two_groups", "two_sentence"]

#: The periods two groups can be: month ("2024-07") or quarter ("2024 Q3").
GRAINS: tuple[str, ...] = ("month", "quarter")


def period_labels(dates: Any, grain: str) -> pd.Series:
    """Return each date's month ("2024-07") or quarter ("2024 Q3"); None where the date is missing."""
    if grain not in GRAINS:
        raise ValueError(f"unknown period {grain!r}")
    values = pd.Series(dates)
    parsed = (values if pd.api.types.is_datetime64_any_dtype(values)
              else pd.to_datetime(values, errors="coerce", format="mixed"))
    periods = pd.Series(parsed).dt.to_period("M" if grain == "month" else "Q")
    text = periods.map(lambda p: f"{p.year}-{p.month:02d}" if grain == "month" else f"{p.year} Q{p.quarter}",
                       na_action="ignore").astype(object)
    return text.where(text.notna(), None)


def _pct(x: float) -> str:
    """Return a share as a percentage with one decimal."""
    return f"{100 * x:.1f}%"


def two_sentence(row: Any, first: str, second: str) -> str:
    """Return what one theme's row of ``two_groups`` means, in words."""
    theme = row["theme"]
    if pd.isna(row["first_share"]) or pd.isna(row["second_share"]):
        return f"{theme}: one of the two groups has no comment this theme reads."
    mentioned = (f"{theme} is mentioned in {_pct(row['first_share'])} of {first}'s comments and "
                 f"{_pct(row['second_share'])} of {second}'s")
    problems = (f"problems with it in {_pct(row['first_problem_rate'])} against {_pct(row['second_problem_rate'])} "
                f"({100 * row['difference']:+.1f} points)")
    if row["verdict"] == "too few":
        return f"{mentioned}; {problems}; too few comments to tell."
    chance = "this is unlikely to be chance" if bool(row["significant"]) else "this could be chance"
    return f"{mentioned}; {problems}; {chance}."


def two_groups(result: Comparison) -> pd.DataFrame:
    """Return one row per theme comparing the first group (``result.ours``) with the only other one."""
    others = [g for g in result.groups["group"] if g != result.ours]
    if len(others) != 1:
        raise ValueError("two_groups needs a comparison of exactly two groups")
    first, second = result.ours, others[0]
    themes = result.themes
    a = themes[themes["group"] == first].set_index("theme")
    b = themes[themes["group"] == second].set_index("theme").loc[a.index]
    pairs = result.pairs.set_index("theme").loc[a.index]
    share_p = np.atleast_1d(metrics.proportion_test(a["mentions"], a["read"], b["mentions"], b["read"]))
    low = pairs["low_sample"].to_numpy(dtype=bool)
    out = pd.DataFrame({
        "theme": a.index.to_numpy(dtype=object), "parent": a["parent"].to_numpy(dtype=object),
        "first_read": a["read"].to_numpy(), "second_read": b["read"].to_numpy(),
        "first_share": a["share"].to_numpy(), "second_share": b["share"].to_numpy(),
        "share_difference": a["share"].to_numpy() - b["share"].to_numpy(),
        "share_p_adjusted": metrics.bh_adjust(share_p),
        "first_problem_rate": a["problem_rate"].to_numpy(), "second_problem_rate": b["problem_rate"].to_numpy(),
        "difference": pairs["difference"].to_numpy(), "p_value": pairs["p_value"].to_numpy(),
        "p_adjusted": pairs["p_adjusted"].to_numpy(), "significant": pairs["significant"].to_numpy(dtype=bool),
        "low_sample": low,
    })
    out["share_significant"] = (out["share_p_adjusted"].to_numpy() < ALPHA) & ~low
    diff = out["difference"].to_numpy(dtype=float)
    real = out["significant"].to_numpy(dtype=bool)
    out["verdict"] = np.where(real & (diff > 0), "more problems", np.where(
        real & (diff < 0), "fewer problems", np.where(low, "too few", "no clear difference")))
    rank = np.select([real, out["verdict"] == "too few"], [0, 2], 1)
    order = np.lexsort((out["theme"].to_numpy(dtype=object), -np.nan_to_num(np.abs(diff)), rank))
    out = out.iloc[order].reset_index(drop=True)
    out["sentence"] = [two_sentence(row, first, second) for _, row in out.iterrows()]
    return out
