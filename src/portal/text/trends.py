"""Themes over time: mentions per period, and which themes are emerging in the latest period.

Emerging: the theme's mentions in the latest period are more than two standard deviations above the mean of
the ``EMERGING_HISTORY`` periods before; the p-value is the one-sided Poisson probability of at least that
many mentions given that mean, Benjamini-Hochberg adjusted across themes, and ``emerging`` needs both
(adjusted p < ``ALPHA``) and at least ``EMERGING_MIN_MENTIONS`` mentions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from portal import metrics
from portal.errors import InputError
from portal.text.codeframe import Codeframe
from portal.text.mentions import ThemeMentions, grouped_figures, mentions, nps_categories

__all__ = ["ALPHA", "EMERGING_HISTORY", "EMERGING_MIN_MENTIONS", "emerging_themes", "theme_trend"]

#: Periods before the latest one that an emerging theme is compared with.
EMERGING_HISTORY = 6
#: Fewest mentions in the latest period for a theme to count as emerging.
EMERGING_MIN_MENTIONS = 5
ALPHA = 0.05


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
    cats = nps_categories(frame)
    dated = index >= 0
    comments = np.bincount(index[dated & men.commented], minlength=p)[:p]
    rows = []
    for j, name in enumerate(men.names):
        figures = grouped_figures(index, dated & men.matrix[:, j], men.polarity[:, j], cats, p)
        for k in range(p):
            count = int(figures["n"][k])
            rows.append((starts[k], name, count, int(comments[k]),
                         count / comments[k] if comments[k] else np.nan, figures["sentiment"][k], figures["nps"][k]))
    out = pd.DataFrame(rows, columns=["period", "theme", "n", "comments", "share", "sentiment", "nps"])
    out["period"] = pd.to_datetime(out["period"]).astype("datetime64[ns]")
    out["theme"] = out["theme"].astype(object)
    return out.astype({"n": "int64", "comments": "int64", "share": "float64", "sentiment": "float64",
                       "nps": "float64"})


def _empty_emerging(names: list[str]) -> pd.DataFrame:
    """Return the emerging table with nothing emerging and NaN evidence."""
    t = len(names)
    nan = np.full(t, np.nan)
    return pd.DataFrame({"theme": pd.Series(names, dtype=object), "latest": np.zeros(t, dtype=np.int64),
                         "baseline_mean": nan, "baseline_sd": nan.copy(), "p_value": nan.copy(),
                         "p_adjusted": nan.copy(), "emerging": np.zeros(t, dtype=bool)})


def emerging_themes(frame: pd.DataFrame, men: ThemeMentions, *, period: str | None = None) -> pd.DataFrame:
    """Return per theme (order of ``men``) whether it is emerging in the latest period, with the evidence.

    Columns: ``theme``, ``latest`` (mentions in the latest period), ``baseline_mean``, ``baseline_sd`` (of the
    six periods before), ``p_value``, ``p_adjusted`` and ``emerging``. With fewer than seven periods of dated
    responses nothing is emerging and the numbers are NaN.
    """
    dates = _dates(frame)
    period = period or _auto_period(dates)
    index, starts = _period_index(dates, period)
    result = _empty_emerging(men.names)
    if len(starts) < EMERGING_HISTORY + 1:
        return result
    p, t = len(starts), len(men.names)
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
    result["latest"] = latest.astype(np.int64)
    result["baseline_mean"] = mean
    result["baseline_sd"] = sd
    result["p_value"] = p_value
    result["p_adjusted"] = adjusted
    result["emerging"] = (latest > mean + 2 * sd) & (latest >= EMERGING_MIN_MENTIONS) & (adjusted < ALPHA)
    return result
