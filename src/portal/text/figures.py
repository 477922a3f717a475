"""Figures per theme: volume, share, sentiment, scores, impact on NPS, revenue, trend, emerging themes, segments.

Inputs are a canonical frame of responses (``Store.load``, optionally filtered with ``metrics.select``), the
theme assignments of those responses (``storage.assignments``: one row per comment and theme) and the
codeframe. "Uncategorised" (comments with no theme) is reported like a theme so nothing is hidden.

Definitions
-----------
* ``n``: responses whose comment mentions the theme; ``customers``: distinct customers among them (None when
  the dataset has no customer column); ``share``: ``n`` / responses with a comment.
* ``sentiment``: mean polarity of the mentions (the polarity of the clauses that mention the theme when
  stored, else the comment's); ``negative_share``: share of mentions whose sentiment is negative (a clause
  polarity below the sentiment model's ``NEGATIVE_BELOW``, else the comment's label).
* ``nps`` / ``csat`` / ``rating``: the KPI of the responses that mention the theme (``portal.metrics``).
* ``nps_impact`` = NPS of all responses - NPS of all responses that do not mention the theme, in points: how
  much the theme moves the overall score (negative: the theme drags NPS down). Its 95% interval is a
  percentile bootstrap over 1,000 resamples of the responses with a fixed seed, computed exactly and fast
  by resampling the six counts (mentions or not x promoter, passive, detractor) from a multinomial.
* ``value``: revenue of the responses that mention the theme (per customer, the latest value, when there is
  a customer column).
* Emerging: the theme's mentions in the latest period are more than two standard deviations above the mean
  of the six periods before; the p-value is the one-sided Poisson probability of at least that many mentions
  given that mean, Benjamini-Hochberg adjusted across themes, and ``emerging`` needs both (adjusted p < 0.05).
* Segments: each group's mention rate against all other groups (two-proportion z-test, BH-adjusted over every
  theme and group); groups smaller than ``PORTAL_MIN_GROUP_SIZE`` are flagged ``low_sample`` and never
  significant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from portal import metrics, settings
from portal.errors import InputError
from portal.model import DatasetConfig
from portal.text.codeframe import UNCATEGORISED, Codeframe

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "BOOTSTRAP_SEED",
    "EMERGING_HISTORY",
    "TABLE_COLUMNS",
    "ThemeMentions",
    "emerging_themes",
    "mentions",
    "negative_below",
    "nps_impact",
    "theme_breakdown",
    "theme_records",
    "theme_table",
    "theme_trend",
]

BOOTSTRAP_RESAMPLES = 1_000
BOOTSTRAP_SEED = 20240601
#: Periods before the latest one that an emerging theme is compared with.
EMERGING_HISTORY = 6
#: Fewest mentions in the latest period for a theme to count as emerging.
EMERGING_MIN_MENTIONS = 5
ALPHA = 0.05


def negative_below() -> float:
    """Return the polarity below which a clause counts as negative (the sentiment model's threshold)."""
    try:
        from portal.text.sentiment import NEGATIVE_BELOW
    except ImportError:  # text analytics without the sentiment model: VADER's usual threshold
        return -0.05
    return float(NEGATIVE_BELOW)


TABLE_COLUMNS: tuple[str, ...] = (
    "theme", "theme_key", "keywords", "n", "customers", "share", "sentiment", "negative_share", "nps", "nps_n",
    "csat", "rating", "nps_impact", "nps_impact_low", "nps_impact_high", "value", "emerging", "emerging_p",
    "emerging_p_adjusted",
)


@dataclass(frozen=True, eq=False)
class ThemeMentions:
    """Which responses mention which theme, aligned with a frame's rows (last column: Uncategorised)."""

    names: list[str]
    keys: list[str]
    keywords: list[tuple[str, ...]]
    matrix: np.ndarray
    commented: np.ndarray
    polarity: np.ndarray
    negative: np.ndarray


def _commented(frame: pd.DataFrame) -> np.ndarray:
    """Return which rows have a non-empty comment."""
    if "comment" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    text = frame["comment"].astype(object)
    return (text.notna() & (text.fillna("").map(str).str.strip() != "")).to_numpy()


def mentions(frame: pd.DataFrame, assignments: pd.DataFrame, codeframe: Codeframe) -> ThemeMentions:
    """Return the mention matrix (rows of ``frame`` x themes + Uncategorised) with per-mention sentiment.

    Assignments of rows that are not in ``frame`` are ignored. Never raises for empty inputs.
    """
    themes = list(codeframe.themes)
    n, t = len(frame), len(themes) + 1
    matrix = np.zeros((n, t), dtype=bool)
    polarity = np.full((n, t), np.nan)
    row_sent = (pd.to_numeric(frame["sentiment"], errors="coerce").to_numpy(dtype=float)
                if "sentiment" in frame.columns else np.full(n, np.nan))
    row_neg = (frame["sentiment_label"].astype(object).to_numpy() == "negative"
               if "sentiment_label" in frame.columns else np.zeros(n, dtype=bool))
    negative = np.zeros((n, t), dtype=bool)
    if n and not assignments.empty and "row_key" in frame.columns:
        position = pd.Series(np.arange(n), index=pd.Index(frame["row_key"].astype(object)))
        position = position[~position.index.duplicated()]
        column = {th.key: i for i, th in enumerate(themes)}
        rows = assignments["row_key"].astype(object).map(position)
        cols = assignments["theme_key"].map(column)
        ok = (rows.notna() & cols.notna()).to_numpy()
        r = rows.to_numpy()[ok].astype(np.int64)
        c = cols.to_numpy()[ok].astype(np.int64)
        matrix[r, c] = True
        clause = pd.to_numeric(assignments["sentiment"], errors="coerce").to_numpy(dtype=float)[ok] \
            if "sentiment" in assignments.columns else np.full(len(r), np.nan)
        has_clause = np.isfinite(clause)
        polarity[r, c] = np.where(has_clause, clause, row_sent[r])
        negative[r, c] = np.where(has_clause, clause < negative_below(), row_neg[r])
    commented = _commented(frame)
    none = commented & ~matrix[:, :-1].any(axis=1)
    matrix[:, -1] = none
    polarity[none, -1] = row_sent[none]
    negative[none, -1] = row_neg[none]
    return ThemeMentions(
        names=[th.name for th in themes] + [UNCATEGORISED],
        keys=[th.key for th in themes] + [""],
        keywords=[th.keywords for th in themes] + [()],
        matrix=matrix,
        commented=commented,
        polarity=polarity,
        negative=negative,
    )


def _nps_categories(frame: pd.DataFrame) -> np.ndarray:
    """Return per row -1 detractor, 0 passive, 1 promoter, or NaN without an NPS score."""
    if "nps" not in frame.columns:
        return np.full(len(frame), np.nan)
    nps = pd.to_numeric(frame["nps"], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isnan(nps), np.nan, np.where(nps >= 9, 1.0, np.where(nps >= 7, 0.0, -1.0)))


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
    # cells[theme, mentioned, category]
    cells = np.zeros((t, 2, 3))
    for c in range(3):
        in_cat = cat == c
        mentioned = m[in_cat].sum(axis=0)
        cells[:, 1, c] = mentioned
        cells[:, 0, c] = in_cat.sum() - mentioned
    impact = _impact(cells)
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
    return impact, low, high


def _impact(cells: np.ndarray) -> np.ndarray:
    """Return NPS(all) - NPS(without theme) from counts shaped (..., mentioned 0/1, category 0..2)."""
    total = cells.sum(axis=-2)
    n_all = total.sum(axis=-1)
    n_without = cells[..., 0, :].sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        nps_all = 100.0 * (total[..., 2] - total[..., 0]) / n_all
        nps_without = 100.0 * (cells[..., 0, 2] - cells[..., 0, 0]) / n_without
    return np.where(n_without > 0, nps_all - nps_without, np.nan)


def _value_affected(frame: pd.DataFrame, config: DatasetConfig, matrix: np.ndarray) -> list[float | None]:
    """Return per theme the revenue of the responses that mention it (latest value per customer)."""
    roles = metrics.mapped_roles(config)
    if "value" not in roles or "value" not in frame.columns:
        return [None] * matrix.shape[1]
    value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    has_customer = "customer" in roles and "customer" in frame.columns and frame["customer"].notna().any()
    out: list[float | None] = []
    if not has_customer:
        for j in range(matrix.shape[1]):
            out.append(float(np.nansum(value[matrix[:, j]])))
        return out
    order = np.arange(len(frame))
    if "date" in frame.columns:
        dates = pd.to_datetime(frame["date"], errors="coerce")
        order = np.lexsort((np.arange(len(frame)), dates.fillna(pd.Timestamp.min).to_numpy()))
    customer = frame["customer"].astype(object).to_numpy()
    for j in range(matrix.shape[1]):
        rows = order[matrix[order, j]]
        seen: dict[Any, float] = {}
        anonymous = 0.0
        for r in rows:
            who = customer[r]
            if who is None or (isinstance(who, float) and np.isnan(who)):
                anonymous += 0.0 if np.isnan(value[r]) else value[r]
            elif not np.isnan(value[r]):
                seen[who] = value[r]
        out.append(float(anonymous + sum(seen.values())))
    return out


def _customers(frame: pd.DataFrame, config: DatasetConfig, matrix: np.ndarray) -> list[int | None]:
    """Return per theme the number of distinct customers among the mentions (None without customers)."""
    if "customer" not in metrics.mapped_roles(config) or "customer" not in frame.columns:
        return [None] * matrix.shape[1]
    codes, _ = pd.factorize(frame["customer"].astype(object))
    out: list[int | None] = []
    for j in range(matrix.shape[1]):
        c = codes[matrix[:, j]]
        out.append(int(len(np.unique(c[c >= 0]))))
    return out


def _scores(frame: pd.DataFrame, config: DatasetConfig, matrix: np.ndarray) -> dict[str, np.ndarray]:
    """Return per theme NPS (with its count), CSAT (top-two box, %) and mean rating of the mentions."""
    roles = metrics.mapped_roles(config)
    t = matrix.shape[1]
    out: dict[str, np.ndarray] = {}
    cats = _nps_categories(frame) if "nps" in roles else np.full(len(frame), np.nan)
    scored = ~np.isnan(cats)
    m = matrix.astype(np.int64)
    promoters = (m * (scored & (cats == 1))[:, None]).sum(axis=0)
    detractors = (m * (scored & (cats == -1))[:, None]).sum(axis=0)
    counts = (m * scored[:, None]).sum(axis=0)
    out["nps"] = np.asarray(metrics.nps_score(promoters, detractors, counts), dtype=float).reshape(t)
    out["nps_n"] = counts
    csat_ok = "csat" in roles and "csat" in frame.columns
    if csat_ok:
        csat = pd.to_numeric(frame["csat"], errors="coerce").to_numpy(dtype=float)
        has = ~np.isnan(csat)
        top = has & (csat >= config.csat_scale[1] - 1)
        n_c = (m * has[:, None]).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["csat"] = np.where(n_c > 0, 100.0 * (m * top[:, None]).sum(axis=0) / np.maximum(n_c, 1), np.nan)
    else:
        out["csat"] = np.full(t, np.nan)
    if "rating" in roles and "rating" in frame.columns:
        rating = pd.to_numeric(frame["rating"], errors="coerce").to_numpy(dtype=float)
        has = ~np.isnan(rating)
        n_r = (m * has[:, None]).sum(axis=0)
        total = (m * np.where(has, rating, 0.0)[:, None]).sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["rating"] = np.where(n_r > 0, total / np.maximum(n_r, 1), np.nan)
    else:
        out["rating"] = np.full(t, np.nan)
    return out


def _mean_where(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Return the column means of ``values`` over ``mask`` ignoring NaN (NaN where nothing is left)."""
    use = mask & np.isfinite(values)
    n = use.sum(axis=0)
    total = np.where(use, values, 0.0).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def theme_table(
    frame: pd.DataFrame,
    assignments: pd.DataFrame,
    codeframe: Codeframe,
    config: DatasetConfig,
    *,
    period: str | None = None,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> pd.DataFrame:
    """Return one row per theme (and Uncategorised, last) with every figure, largest themes first.

    Columns: ``TABLE_COLUMNS`` (see the module's definitions). ``period`` (week, month or quarter) is the
    period emerging themes are judged on (default: month, or week when the data span fewer than seven
    months). Raises ``InputError`` for an unknown period.
    """
    men = mentions(frame, assignments, codeframe)
    m = men.matrix
    t = m.shape[1]
    n = m.sum(axis=0)
    comments = int(men.commented.sum())
    scores = _scores(frame, config, m)
    cats = _nps_categories(frame) if "nps" in metrics.mapped_roles(config) else np.full(len(frame), np.nan)
    impact, low, high = nps_impact(cats, m, resamples=resamples, seed=seed)
    negative_n = (men.negative & m).sum(axis=0)
    judged = (m & (np.isfinite(men.polarity) | men.negative)).sum(axis=0)
    emerging = emerging_themes(frame, men, period=period)
    table = pd.DataFrame({
        "theme": pd.Series(men.names, dtype=object),
        "theme_key": pd.Series(men.keys, dtype=object),
        "keywords": pd.Series(men.keywords, dtype=object),
        "n": n.astype("int64"),
        "customers": pd.Series(_customers(frame, config, m), dtype=object),
        "share": n / comments if comments else np.full(t, np.nan),
        "sentiment": _mean_where(men.polarity, m),
        "negative_share": np.where(judged > 0, negative_n / np.maximum(judged, 1), np.nan),
        "nps": scores["nps"],
        "nps_n": scores["nps_n"].astype("int64"),
        "csat": scores["csat"],
        "rating": scores["rating"],
        "nps_impact": impact,
        "nps_impact_low": low,
        "nps_impact_high": high,
        "value": pd.Series(_value_affected(frame, config, m), dtype=object),
        "emerging": emerging["emerging"].to_numpy(dtype=bool),
        "emerging_p": emerging["p_value"].to_numpy(dtype=float),
        "emerging_p_adjusted": emerging["p_adjusted"].to_numpy(dtype=float),
    })
    order = np.lexsort((np.arange(t), -n, np.arange(t) == t - 1))
    return table.iloc[order].reset_index(drop=True)[list(TABLE_COLUMNS)]


def _dates(frame: pd.DataFrame) -> pd.Series:
    """Return the frame's dates as naive datetimes (NaT where missing)."""
    if "date" not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    dates = pd.to_datetime(frame["date"], errors="coerce")
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    return dates


def _period_index(dates: pd.Series, period: str) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Return per row the index of its period (-1 without a date) and every period start, first to last."""
    if period not in metrics.PERIODS:
        raise InputError(f"'{period}' is not a period. Choose one of: {', '.join(metrics.PERIODS)}.")
    ok = dates.notna().to_numpy()
    if not ok.any():
        return np.full(len(dates), -1, dtype=np.int64), pd.DatetimeIndex([])
    first = metrics.period_start(dates[ok].min(), period)
    last = metrics.period_start(dates[ok].max(), period)
    freq = {"week": "W-MON", "month": "MS", "quarter": "QS"}[period]
    starts = pd.date_range(first, last, freq=freq)
    values = dates.to_numpy(dtype="datetime64[ns]")
    index = np.searchsorted(starts.to_numpy(dtype="datetime64[ns]"), values, side="right") - 1
    return np.where(ok, index, -1).astype(np.int64), starts


def _auto_period(dates: pd.Series) -> str:
    """Return month, or week when the dated responses span fewer than seven months."""
    ok = dates.dropna()
    if ok.empty:
        return "month"
    months = (ok.max().year - ok.min().year) * 12 + ok.max().month - ok.min().month + 1
    return "month" if months >= EMERGING_HISTORY + 1 else "week"


def theme_trend(
    frame: pd.DataFrame,
    assignments: pd.DataFrame,
    codeframe: Codeframe,
    *,
    period: str = "month",
) -> pd.DataFrame:
    """Return one row per period and theme: mentions, comments in the period, share, sentiment and NPS.

    Columns: ``period`` (start date), ``theme``, ``n``, ``comments``, ``share``, ``sentiment``, ``nps``.
    Every period from the first to the last date is listed (empty ones with 0); undated responses are left
    out. Raises ``InputError`` for an unknown period.
    """
    men = mentions(frame, assignments, codeframe)
    index, starts = _period_index(_dates(frame), period)
    p = len(starts)
    cats = _nps_categories(frame)
    dated = index >= 0
    comments = np.bincount(index[dated & men.commented], minlength=p)[:p]
    rows = []
    for j, name in enumerate(men.names):
        figures = _grouped(index, dated & men.matrix[:, j], men.polarity[:, j], cats, p)
        for k in range(p):
            count = int(figures["n"][k])
            rows.append((starts[k], name, count, int(comments[k]),
                         count / comments[k] if comments[k] else np.nan, figures["sentiment"][k], figures["nps"][k]))
    out = pd.DataFrame(rows, columns=["period", "theme", "n", "comments", "share", "sentiment", "nps"])
    out["period"] = pd.to_datetime(out["period"]).astype("datetime64[ns]")
    out["theme"] = out["theme"].astype(object)
    return out.astype({"n": "int64", "comments": "int64", "share": "float64", "sentiment": "float64",
                       "nps": "float64"})


def _grouped(codes: np.ndarray, mask: np.ndarray, polarity: np.ndarray, cats: np.ndarray,
             size: int) -> dict[str, np.ndarray]:
    """Return per group code (0..size-1) the mentions, their mean polarity and their NPS, over rows in ``mask``."""
    c = codes[mask]
    n = np.bincount(c, minlength=size)[:size].astype(float)
    pol = polarity[mask]
    has = np.isfinite(pol)
    pol_n = np.bincount(c[has], minlength=size)[:size]
    pol_sum = np.bincount(c[has], weights=pol[has], minlength=size)[:size]
    cat = cats[mask]
    scored = ~np.isnan(cat)
    nps_n = np.bincount(c[scored], minlength=size)[:size]
    promoters = np.bincount(c[scored & (cat == 1)], minlength=size)[:size]
    detractors = np.bincount(c[scored & (cat == -1)], minlength=size)[:size]
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "n": n,
            "sentiment": np.where(pol_n > 0, pol_sum / np.maximum(pol_n, 1), np.nan),
            "nps": np.where(nps_n > 0, 100.0 * (promoters - detractors) / np.maximum(nps_n, 1), np.nan),
        }


def emerging_themes(frame: pd.DataFrame, men: ThemeMentions, *, period: str | None = None) -> pd.DataFrame:
    """Return per theme (order of ``men``) whether it is emerging in the latest period, with the evidence.

    Columns: ``theme``, ``latest`` (mentions in the latest period), ``baseline_mean``, ``baseline_sd`` (of the
    six periods before), ``p_value``, ``p_adjusted`` and ``emerging``. With fewer than seven periods of dated
    responses nothing is emerging and the numbers are NaN.
    """
    dates = _dates(frame)
    period = period or _auto_period(dates)
    index, starts = _period_index(dates, period)
    t = len(men.names)
    nan = np.full(t, np.nan)
    result = pd.DataFrame({"theme": pd.Series(men.names, dtype=object), "latest": np.zeros(t, dtype=np.int64),
                           "baseline_mean": nan, "baseline_sd": nan.copy(), "p_value": nan.copy(),
                           "p_adjusted": nan.copy(), "emerging": np.zeros(t, dtype=bool)})
    if len(starts) < EMERGING_HISTORY + 1:
        return result
    p = len(starts)
    dated = index >= 0
    counts = np.zeros((p, t))
    for j in range(t):
        counts[:, j] = np.bincount(index[dated & men.matrix[:, j]], minlength=p)[:p]
    latest = counts[-1]
    history = counts[-1 - EMERGING_HISTORY:-1]
    mean = history.mean(axis=0)
    sd = history.std(axis=0, ddof=1)
    p_value = stats.poisson.sf(latest - 1, np.maximum(mean, 0.5))
    adjusted = metrics.bh_adjust(p_value)
    flagged = (latest > mean + 2 * sd) & (latest >= EMERGING_MIN_MENTIONS) & (adjusted < ALPHA)
    result["latest"] = latest.astype(np.int64)
    result["baseline_mean"] = mean
    result["baseline_sd"] = sd
    result["p_value"] = p_value
    result["p_adjusted"] = adjusted
    result["emerging"] = flagged
    return result


def theme_breakdown(
    frame: pd.DataFrame,
    assignments: pd.DataFrame,
    codeframe: Codeframe,
    config: DatasetConfig,
    by: str,
    *,
    min_n: int | None = None,
) -> pd.DataFrame:
    """Return one row per theme and value of column ``by`` with the theme's mention rate there vs elsewhere.

    Columns: ``theme``, ``value``, ``n`` (mentions in the group), ``comments`` (comments in the group),
    ``share``, ``share_other`` (mention rate in all other groups), ``difference`` (points), ``p_value``,
    ``p_adjusted`` (BH over every theme and group), ``significant``, ``low_sample``, ``nps``, ``sentiment``.
    Responses without a value of ``by`` form a group of their own (value None). Raises ``InputError`` for a
    column one cannot group by.
    """
    column = metrics.check_column(frame, config, by)
    min_n = settings.min_group_size() if min_n is None else min_n
    men = mentions(frame, assignments, codeframe)
    codes, labels = pd.factorize(frame[column].astype(object), sort=True, use_na_sentinel=True)
    labels_list: list[Any] = list(labels)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(labels_list), codes)
        labels_list.append(None)
    g = len(labels_list)
    commented = men.commented
    group_comments = np.bincount(codes[commented], minlength=g)[:g].astype(float)
    total_comments = group_comments.sum()
    cats = _nps_categories(frame)
    rows = []
    for j, name in enumerate(men.names):
        col = men.matrix[:, j]
        hits = np.bincount(codes[col], minlength=g)[:g].astype(float)
        other_hits = hits.sum() - hits
        other_comments = total_comments - group_comments
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(group_comments > 0, hits / np.maximum(group_comments, 1), np.nan)
            share_other = np.where(other_comments > 0, other_hits / np.maximum(other_comments, 1), np.nan)
        p_value = np.atleast_1d(metrics.proportion_test(hits, group_comments, other_hits, other_comments))
        figures = _grouped(codes, col, men.polarity[:, j], cats, g)
        for k in range(g):
            rows.append({
                "theme": name, "value": labels_list[k], "n": int(hits[k]), "comments": int(group_comments[k]),
                "share": share[k], "share_other": share_other[k],
                "difference": 100.0 * (share[k] - share_other[k]),
                "p_value": float(p_value[k]) if k < len(p_value) else np.nan,
                "nps": figures["nps"][k],
                "sentiment": figures["sentiment"][k],
            })
    out = pd.DataFrame(rows, columns=["theme", "value", "n", "comments", "share", "share_other", "difference",
                                      "p_value", "nps", "sentiment"])
    if out.empty:
        return out.assign(p_adjusted=[], significant=[], low_sample=[])
    out["p_adjusted"] = metrics.bh_adjust(out["p_value"].to_numpy(dtype=float))
    out["low_sample"] = out["comments"].to_numpy() < min_n
    out["significant"] = (out["p_adjusted"].to_numpy() < ALPHA) & ~out["low_sample"].to_numpy()
    out["theme"] = out["theme"].astype(object)
    out["value"] = out["value"].astype(object)
    return out[["theme", "value", "n", "comments", "share", "share_other", "difference", "p_value", "p_adjusted",
                "significant", "low_sample", "nps", "sentiment"]]


def _num(value: Any, digits: int | None = None) -> Any:
    """Return a JSON-friendly number: None for NaN, rounded when ``digits`` is given."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    if not np.isfinite(number):
        return None
    return round(number, digits) if digits is not None else number


def theme_records(table: pd.DataFrame, breakdown: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """Return the themes as the CLI's JSON records (``portal themes --format json``), with ``groups`` if given.

    Keys: theme, keywords, n, customers, share, sentiment, negative_share, nps, nps_impact, nps_impact_ci
    ([low, high]), value, emerging; ``groups`` lists value, n, comments, share, share_other, difference,
    p_value, p_adjusted, significant, low_sample, nps and sentiment per group.
    """
    records = []
    for row in table.itertuples(index=False):
        record: dict[str, Any] = {
            "theme": row.theme,
            "keywords": list(row.keywords),
            "n": int(row.n),
            "customers": None if row.customers is None else int(row.customers),
            "share": _num(row.share, 4),
            "sentiment": _num(row.sentiment, 4),
            "negative_share": _num(row.negative_share, 4),
            "nps": _num(row.nps, 2),
            "nps_impact": _num(row.nps_impact, 2),
            "nps_impact_ci": ([_num(row.nps_impact_low, 2), _num(row.nps_impact_high, 2)]
                              if _num(row.nps_impact) is not None else None),
            "value": _num(row.value, 2),
            "emerging": bool(row.emerging),
        }
        if breakdown is not None:
            part = breakdown[breakdown["theme"] == row.theme]
            record["groups"] = [{
                "value": g.value,
                "n": int(g.n),
                "comments": int(g.comments),
                "share": _num(g.share, 4),
                "share_other": _num(g.share_other, 4),
                "difference": _num(g.difference, 2),
                "p_value": _num(g.p_value, 6),
                "p_adjusted": _num(g.p_adjusted, 6),
                "significant": bool(g.significant),
                "low_sample": bool(g.low_sample),
                "nps": _num(g.nps, 2),
                "sentiment": _num(g.sentiment, 4),
            } for g in part.itertuples(index=False)]
        records.append(record)
    return records
