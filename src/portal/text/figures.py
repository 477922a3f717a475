"""Figures per theme: volume, share, sentiment, scores, impact on NPS, revenue, trend, emerging themes, segments.

Inputs are a canonical frame of responses (``Store.load``, optionally filtered with ``metrics.select``), the
theme assignments of those responses (``storage.assignments``: one row per comment and theme) and the
codeframe. "Uncategorised" (comments with no theme) is reported like a theme so nothing is hidden. The mention
matrix lives in ``portal.text.mentions``, the NPS impact in ``portal.text.impact`` and the figures over time
(trend, emerging) in ``portal.text.trends``; this module assembles the theme table, the breakdown by segment
and the CLI's JSON records, and re-exports the rest.

Themes come on two levels: a parent's figures are over the union of its comments and its sub-themes'
(``portal.text.theme_levels`` gives assignments with the parent rows), each comment counted once, and the
table's ``parent`` column names a sub-theme's parent (None for a top-level theme and Uncategorised).

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
* ``requests``: how many of the responses that mention the theme ask for something new or changed
  (``portal.text.requests``).
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

from typing import Any

import numpy as np
import pandas as pd

from portal import metrics, settings
from portal.model import DatasetConfig
from portal.text.codeframe import Codeframe
from portal.text.impact import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, nps_impact
from portal.text.mentions import ThemeMentions, grouped_figures, mentions, negative_below, nps_categories
from portal.text.requests import frame_requests
from portal.text.trends import ALPHA, EMERGING_HISTORY, emerging_themes, theme_trend

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

TABLE_COLUMNS: tuple[str, ...] = (
    "theme", "theme_key", "parent", "keywords", "n", "customers", "share", "sentiment", "negative_share", "nps", "nps_n",
    "csat", "rating", "nps_impact", "nps_impact_low", "nps_impact_high", "value", "emerging", "emerging_p",
    "emerging_p_adjusted", "requests",
)


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
    cats = nps_categories(frame) if "nps" in roles else np.full(len(frame), np.nan)
    scored = ~np.isnan(cats)
    m = matrix.astype(np.int64)
    promoters = (m * (scored & (cats == 1))[:, None]).sum(axis=0)
    detractors = (m * (scored & (cats == -1))[:, None]).sum(axis=0)
    counts = (m * scored[:, None]).sum(axis=0)
    out["nps"] = np.asarray(metrics.nps_score(promoters, detractors, counts), dtype=float).reshape(t)
    out["nps_n"] = counts.astype("int64")
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



def _sentiment_columns(men: ThemeMentions) -> dict[str, np.ndarray]:
    """Return per theme the mean polarity of the mentions and the share of judged mentions that are negative."""
    m = men.matrix
    negative_n = (men.negative & m).sum(axis=0)
    judged = (m & (np.isfinite(men.polarity) | men.negative)).sum(axis=0)
    return {
        "sentiment": _mean_where(men.polarity, m),
        "negative_share": np.where(judged > 0, negative_n / np.maximum(judged, 1), np.nan),
    }


def _impact_columns(frame: pd.DataFrame, config: DatasetConfig, matrix: np.ndarray, resamples: int,
                    seed: int) -> dict[str, np.ndarray]:
    """Return per theme the NPS impact and its interval (NaN when NPS is not mapped)."""
    cats = nps_categories(frame) if "nps" in metrics.mapped_roles(config) else np.full(len(frame), np.nan)
    impact, low, high = nps_impact(cats, matrix, resamples=resamples, seed=seed)
    return {"nps_impact": impact, "nps_impact_low": low, "nps_impact_high": high}


def _emerging_columns(frame: pd.DataFrame, men: ThemeMentions, period: str | None) -> dict[str, np.ndarray]:
    """Return per theme whether it is emerging, with its p-value and adjusted p-value."""
    emerging = emerging_themes(frame, men, period=period)
    return {
        "emerging": emerging["emerging"].to_numpy(dtype=bool),
        "emerging_p": emerging["p_value"].to_numpy(dtype=float),
        "emerging_p_adjusted": emerging["p_adjusted"].to_numpy(dtype=float),
    }


def _parent_names(codeframe: Codeframe, keys: list[str]) -> list[str | None]:
    """Return per theme key its parent's name (None for a top-level theme or Uncategorised)."""
    names = {t.key: t.name for t in codeframe.themes}
    parents = codeframe.parent_keys()
    return [names.get(parents[k]) if k in parents else None for k in keys]


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
    table = pd.DataFrame({
        "theme": pd.Series(men.names, dtype=object),
        "theme_key": pd.Series(men.keys, dtype=object),
        "parent": pd.Series(_parent_names(codeframe, men.keys), dtype=object),
        "keywords": pd.Series(men.keywords, dtype=object),
        "n": n.astype("int64"),
        "customers": pd.Series(_customers(frame, config, m), dtype=object),
        "share": n / comments if comments else np.full(t, np.nan),
        **_sentiment_columns(men),
        **_scores(frame, config, m),
        **_impact_columns(frame, config, m, resamples, seed),
        "value": pd.Series(_value_affected(frame, config, m), dtype=object),
        **_emerging_columns(frame, men, period),
        "requests": (m & frame_requests(frame)[:, None]).sum(axis=0).astype("int64"),
    })
    order = np.lexsort((np.arange(t), -n, np.arange(t) == t - 1))
    return table.iloc[order].reset_index(drop=True)[list(TABLE_COLUMNS)]


BREAKDOWN_COLUMNS: tuple[str, ...] = (
    "theme", "value", "n", "comments", "share", "share_other", "difference", "p_value", "p_adjusted",
    "significant", "low_sample", "nps", "sentiment",
)


def _group_codes(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, list[Any]]:
    """Return per row the code of its group in ``column`` and the group values (None last, for missing)."""
    codes, labels = pd.factorize(frame[column].astype(object), sort=True, use_na_sentinel=True)
    values: list[Any] = list(labels)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(values), codes)
        values.append(None)
    return codes, values


def _breakdown_rows(frame: pd.DataFrame, men: ThemeMentions, codes: np.ndarray,
                    values: list[Any]) -> list[dict[str, Any]]:
    """Return one row per theme and group: mentions, comments, mention rates and the test of their difference."""
    g = len(values)
    group_comments = np.bincount(codes[men.commented], minlength=g)[:g].astype(float)
    other_comments = group_comments.sum() - group_comments
    cats = nps_categories(frame)
    rows = []
    for j, name in enumerate(men.names):
        col = men.matrix[:, j]
        hits = np.bincount(codes[col], minlength=g)[:g].astype(float)
        other_hits = hits.sum() - hits
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(group_comments > 0, hits / np.maximum(group_comments, 1), np.nan)
            share_other = np.where(other_comments > 0, other_hits / np.maximum(other_comments, 1), np.nan)
        p_value = np.atleast_1d(metrics.proportion_test(hits, group_comments, other_hits, other_comments))
        figures = grouped_figures(codes, col, men.polarity[:, j], cats, g)
        for k in range(g):
            rows.append({
                "theme": name, "value": values[k], "n": int(hits[k]), "comments": int(group_comments[k]),
                "share": share[k], "share_other": share_other[k],
                "difference": 100.0 * (share[k] - share_other[k]),
                "p_value": float(p_value[k]) if k < len(p_value) else np.nan,
                "nps": figures["nps"][k],
                "sentiment": figures["sentiment"][k],
            })
    return rows


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
    codes, values = _group_codes(frame, column)
    out = pd.DataFrame(_breakdown_rows(frame, men, codes, values),
                       columns=[c for c in BREAKDOWN_COLUMNS if c not in ("p_adjusted", "significant", "low_sample")])
    if out.empty:
        return out.assign(p_adjusted=[], significant=[], low_sample=[])
    out["p_adjusted"] = metrics.bh_adjust(out["p_value"].to_numpy(dtype=float))
    out["low_sample"] = out["comments"].to_numpy() < min_n
    out["significant"] = (out["p_adjusted"].to_numpy() < ALPHA) & ~out["low_sample"].to_numpy()
    out["theme"] = out["theme"].astype(object)
    out["value"] = out["value"].astype(object)
    return out[list(BREAKDOWN_COLUMNS)]


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


def _theme_record(row: Any) -> dict[str, Any]:
    """Return one row of ``theme_table`` as the CLI's JSON record."""
    return {
        "theme": row.theme,
        "parent": row.parent,
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
        "requests": int(row.requests),
    }


def _group_record(g: Any) -> dict[str, Any]:
    """Return one row of ``theme_breakdown`` as the CLI's JSON record (without the theme)."""
    return {
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
    }


def theme_records(table: pd.DataFrame, breakdown: pd.DataFrame | None = None) -> list[dict[str, Any]]:
    """Return the themes as the CLI's JSON records (``portal themes --format json``), with ``groups`` if given.

    Keys: theme, parent (the parent theme's name for a sub-theme; null for a top-level theme, whose figures
    cover its sub-themes' comments too), keywords, n, customers, share, sentiment, negative_share, nps, nps_impact, nps_impact_ci
    ([low, high]), value, emerging, requests; ``groups`` lists value, n, comments, share, share_other, difference,
    p_value, p_adjusted, significant, low_sample, nps and sentiment per group.
    """
    records = []
    for row in table.itertuples(index=False):
        record = _theme_record(row)
        if breakdown is not None:
            part = breakdown[breakdown["theme"] == row.theme]
            record["groups"] = [_group_record(g) for g in part.itertuples(index=False)]
        records.append(record)
    return records
