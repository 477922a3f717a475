"""Groups compared from their counts: per group figures, per theme and group figures, our gaps to competitors.

``compare`` takes ``portal.compare.counts.Counts`` and the group that is "ours" and returns a ``Comparison``.

Definitions
-----------
* Per group: ``n`` responses; ``rating_mean`` with a 95% interval inside the rating scale
  (``metrics.bounded_mean_interval``); ``positive_share`` / ``negative_share`` of the responses with a sentiment
  label; ``sentiment`` the mean polarity; ``low_sample`` when ``n`` is below the minimum group size.
* Per theme and group, over the comments the theme reads (``read``: those in its language): ``share`` that mention the
  theme, ``problem_rate`` the share that mention it negatively (lower is better), ``sentiment`` the mean
  polarity of the mentions, ``rating`` the mean rating of the responses that mention it, ``request_rate``.
* Pairs: for each theme, ours against each competitor: the two-proportion z-test of the problem rates and
  Welch's t-test of the mentions' sentiment; each family Benjamini-Hochberg adjusted across every theme x
  competitor. A pair is ``low_sample`` when either brand is, or when the theme reads fewer than the minimum group
  size of either brand's comments (a theme of one language); it is ``significant`` when its adjusted p-value is
  below 0.05 and it is not low-sample.
* Gaps: per theme, the best competitor is the one with the lowest problem rate among competitors that are not
  low-sample (all competitors when every one is) and of whose comments the theme reads at least the minimum
  group size; the competitors' average is the mean of those same competitors' problem rates, each with the same
  weight (None when no competitor qualifies); ``difference`` = ours - best (positive: we trail). Real weaknesses
  first (largest first), then real strengths, then no clear difference, then too few, each by size of the
  difference.
* Competitive index: ours / competitors' average x 100 for the mean rating and the positive share (100 = par);
  sentiment, which is signed, as ours - competitors' average; the average is over the competitors that are not
  low-sample (all of them when every one is), each with the same weight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from portal import settings
from portal.compare.counts import Counts
from portal.compare.market import distribution, needs, rating_link, trend
from portal.errors import UsageError
from portal.metrics import stats as metrics

__all__ = ["ALPHA", "Comparison", "compare", "find_group"]

ALPHA = 0.05


@dataclass(frozen=True, eq=False)
class Comparison:
    """Everything ``compare`` returns; ``index`` holds rating_mean, positive_share (indices) and sentiment.

    ``ratings`` is each group's rating distribution (group, rating, n, share).
    """

    ours: str
    min_n: int
    groups: pd.DataFrame
    themes: pd.DataFrame
    pairs: pd.DataFrame
    gaps: pd.DataFrame
    index: dict[str, float]
    rating_link: pd.DataFrame
    needs: pd.DataFrame
    ratings: pd.DataFrame
    trend: pd.DataFrame


def _ratio(x: Any, n: Any) -> np.ndarray:
    """Return x / n as floats, NaN where n = 0."""
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, x / np.where(n > 0, n, 1.0), np.nan)


def find_group(names: list[str], wanted: str, noun: str = "brands") -> str:
    """Return the group called ``wanted`` (exact, else the one equal ignoring case); raise ``UsageError``."""
    if wanted in names:
        return wanted
    folded = [n for n in names if n.casefold() == str(wanted).strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    shown = ", ".join(names[:20]) + (" ..." if len(names) > 20 else "")
    raise UsageError(f"'{wanted}' is not one of the {noun} in this data; choose one of: {shown}.")


def _rating_figures(ratings: pd.DataFrame, names: list[str], scale: tuple[float, float] | None) -> pd.DataFrame:
    """Return per group the number of ratings, their mean and its 95% interval inside the scale."""
    out = pd.DataFrame({"group": names, "rating_n": 0, "rating_mean": np.nan, "rating_low": np.nan,
                        "rating_high": np.nan})
    if ratings.empty:
        return out
    r = ratings.assign(vn=ratings["rating"] * ratings["n"])
    by = r.groupby("group", sort=False)
    n = by["n"].sum().reindex(names).fillna(0).to_numpy(dtype=float)
    mean = _ratio(by["vn"].sum().reindex(names).fillna(0).to_numpy(dtype=float), n)
    r["dev"] = (r["rating"] - r["group"].map(dict(zip(names, mean, strict=True)))) ** 2 * r["n"]
    squares = r.groupby("group", sort=False)["dev"].sum().reindex(names).fillna(0).to_numpy(dtype=float)
    sd = np.sqrt(_ratio(squares, n - 1))
    lowest, highest = scale if scale else (float(r["rating"].min()), float(r["rating"].max()))
    if highest <= lowest:
        highest = lowest + 1.0
    low, high = metrics.bounded_mean_interval(mean, np.nan_to_num(sd), n, lowest, highest)
    out["rating_n"] = n.astype("int64")
    out["rating_mean"] = mean
    out["rating_low"] = np.where(n > 0, low, np.nan)
    out["rating_high"] = np.where(n > 0, high, np.nan)
    return out


def _groups(counts: Counts, ours: str, min_n: int, scale: tuple[float, float] | None) -> pd.DataFrame:
    """Return the per-group figures, ours first, then the others by number of responses."""
    g = counts.groups
    names = list(g["group"])
    mean, _ = metrics.mean_sd(0.0, g["sentiment_sum"].to_numpy(), g["sentiment_sq"].to_numpy(),
                              g["sentiment_n"].to_numpy())
    out = pd.DataFrame({
        "group": pd.Series(names, dtype=object), "ours": np.array(names, dtype=object) == ours,
        "n": g["n"].to_numpy(), "read": g["read"].to_numpy(), "not_read": g["not_read"].to_numpy(),
        "positive_share": _ratio(g["positive"], g["labelled"]),
        "negative_share": _ratio(g["negative"], g["labelled"]),
        "sentiment": mean, "requests": g["requests"].to_numpy(),
        "low_sample": g["n"].to_numpy() < min_n,
    })
    rated = _rating_figures(counts.ratings, names, scale).drop(columns="group")
    out = pd.concat([out, rated], axis=1)
    order = np.lexsort((np.array(names, dtype=object), -out["n"].to_numpy(), ~out["ours"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def _themes(counts: Counts) -> pd.DataFrame:
    """Return per theme and group its share, problem rate, sentiment, mean rating and requests."""
    t = counts.themes
    read = t["read"].to_numpy()
    mean, sd = metrics.mean_sd(0.0, t["sentiment_sum"].to_numpy(), t["sentiment_sq"].to_numpy(),
                               t["sentiment_n"].to_numpy())
    return pd.DataFrame({
        "theme": t["theme"], "parent": t["parent"], "group": t["group"], "read": read.astype("int64"),
        "mentions": t["mentions"], "share": _ratio(t["mentions"], read), "problems": t["problems"],
        "problem_rate": _ratio(t["problems"], read), "sentiment": mean, "sentiment_sd": sd,
        "sentiment_n": t["sentiment_n"], "rating": _ratio(t["rating_sum"], t["rating_n"]),
        "requests": t["requests"], "request_rate": _ratio(t["requests"], read),
    })


def _pairs(themes: pd.DataFrame, groups: pd.DataFrame, ours: str, min_n: int) -> pd.DataFrame:
    """Return per theme and competitor our problem rate and sentiment against theirs, with adjusted tests."""
    mine = themes[themes["group"] == ours].set_index("theme")
    theirs = themes[themes["group"] != ours].reset_index(drop=True)
    me = mine.loc[theirs["theme"]].reset_index(drop=True)
    small = dict(zip(groups["group"], groups["low_sample"], strict=True))
    p = np.atleast_1d(metrics.proportion_test(me["problems"], me["read"], theirs["problems"], theirs["read"]))
    sp = np.atleast_1d(metrics.welch_test(me["sentiment"], me["sentiment_sd"], me["sentiment_n"],
                                          theirs["sentiment"], theirs["sentiment_sd"], theirs["sentiment_n"]))
    out = pd.DataFrame({
        "theme": theirs["theme"], "competitor": theirs["group"],
        "ours_problem_rate": me["problem_rate"], "problem_rate": theirs["problem_rate"],
        "difference": me["problem_rate"] - theirs["problem_rate"],
        "ratio": _ratio(me["problem_rate"], theirs["problem_rate"]),
        "p_value": p, "p_adjusted": metrics.bh_adjust(p),
        "ours_sentiment": me["sentiment"], "sentiment": theirs["sentiment"],
        "sentiment_p_value": sp, "sentiment_p_adjusted": metrics.bh_adjust(sp),
        "their_read": theirs["read"].to_numpy(),
        "low_sample": (theirs["group"].map(small).to_numpy(dtype=bool) | bool(small[ours])
                       | (me["read"].to_numpy() < min_n) | (theirs["read"].to_numpy() < min_n)),
    })
    out["significant"] = (out["p_adjusted"].to_numpy() < ALPHA) & ~out["low_sample"].to_numpy()
    out["sentiment_significant"] = (out["sentiment_p_adjusted"].to_numpy() < ALPHA) & ~out["low_sample"].to_numpy()
    return out


def eligible(groups: pd.DataFrame) -> list[str]:
    """Return the competitors that count for best and average: those not low-sample (all, when none is)."""
    rivals = groups[~groups["ours"]]
    big = rivals[~rivals["low_sample"]]
    return list((big if not big.empty else rivals)["group"])


def _gap_rows(pairs: pd.DataFrame, rivals: list[str], min_n: int) -> pd.DataFrame:
    """Return one row per theme: the best competitor's pair and the competitors' average problem rate.

    Only competitors in ``rivals`` whose comments the theme reads number at least ``min_n`` take part.
    """
    usable = pairs[pairs["competitor"].isin(rivals) & pairs["problem_rate"].notna() & (pairs["their_read"] >= min_n)]
    average = usable.groupby("theme", sort=False)["problem_rate"].mean()
    best = usable.sort_values(["theme", "problem_rate", "competitor"], kind="stable").drop_duplicates("theme")
    rows = pairs.drop_duplicates("theme")[["theme", "ours_problem_rate", "ours_sentiment"]]
    keep = ["theme", "competitor", "problem_rate", "difference", "ratio", "p_value", "p_adjusted", "significant",
            "sentiment", "sentiment_p_adjusted", "sentiment_significant", "low_sample"]
    out = rows.merge(best[keep], on="theme", how="left")
    out["competitors_problem_rate"] = out["theme"].map(average).astype(float)
    out["significant"] = out["significant"].fillna(False).astype(bool)
    out["sentiment_significant"] = out["sentiment_significant"].fillna(False).astype(bool)
    return out.rename(columns={"competitor": "best_competitor", "problem_rate": "best_problem_rate",
                               "sentiment": "best_sentiment"})


def _verdicts(gaps: pd.DataFrame) -> pd.DataFrame:
    """Return the gaps with a verdict, in order: weaknesses (largest first), strengths, no clear difference, too few."""
    diff = gaps["difference"].to_numpy(dtype=float)
    real = gaps["significant"].to_numpy(dtype=bool)
    verdict = np.where(real & (diff > 0), "weakness", np.where(real & (diff < 0), "strength",
                       np.where(gaps["low_sample"].fillna(True).to_numpy(dtype=bool), "too few",
                                "no clear difference")))
    rank = np.select([verdict == "weakness", verdict == "strength", verdict == "too few"], [0, 1, 3], 2)
    size = np.where(verdict == "weakness", -diff, np.where(verdict == "strength", diff, -np.abs(diff)))
    out = gaps.assign(verdict=verdict)
    order = np.lexsort((out["theme"].to_numpy(dtype=object), np.nan_to_num(size, nan=np.inf), rank))
    return out.iloc[order].reset_index(drop=True)


def _index(groups: pd.DataFrame, rivals: list[str]) -> dict[str, float]:
    """Return the competitive index: rating and positive share as ours / average x 100, sentiment as a difference."""
    mine = groups[groups["ours"]].iloc[0]
    others = groups[groups["group"].isin(rivals)]
    out = {}
    for key in ("rating_mean", "positive_share"):
        average = float(others[key].mean()) if others[key].notna().any() else np.nan
        out[key] = float(100.0 * mine[key] / average) if average and np.isfinite(average) else np.nan
    average = float(others["sentiment"].mean()) if others["sentiment"].notna().any() else np.nan
    out["sentiment"] = float(mine["sentiment"] - average)
    return out


def compare(counts: Counts, ours: str, *, scale: tuple[float, float] | None = None,
            min_n: int | None = None, noun: str = "brands") -> Comparison:
    """Return the comparison of ``ours`` with every other group in ``counts``.

    ``scale`` is the rating scale (lowest, highest; default: the lowest and highest rating seen); ``min_n``
    the minimum group size (default: the ``PORTAL_MIN_GROUP_SIZE`` setting); ``noun`` names the groups in
    messages. Raises ``UsageError`` when there
    are fewer than two groups or ``ours`` is not one of them.
    """
    names = list(counts.groups["group"])
    if len(names) < 2:
        found = f"only '{names[0]}'" if names else "no brand at all"
        raise UsageError(f"There is nothing to compare with: the data has {found}. Upload reviews of at least one "
                         "competitor into the same dataset (one file with a brand column, or one file per brand).")
    ours = find_group(names, ours, noun)
    min_n = settings.min_group_size() if min_n is None else int(min_n)
    groups = _groups(counts, ours, min_n, scale)
    themes = _themes(counts)
    pairs = _pairs(themes, groups, ours, min_n)
    rivals = eligible(groups)
    return Comparison(
        ours=ours, min_n=min_n, groups=groups, themes=themes, pairs=pairs,
        gaps=_verdicts(_gap_rows(pairs, rivals, min_n)), index=_index(groups, rivals),
        rating_link=rating_link(themes, groups, min_n), needs=needs(themes, groups, min_n),
        ratings=distribution(counts.ratings),
        trend=trend(counts.periods),
    )
