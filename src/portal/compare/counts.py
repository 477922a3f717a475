"""The counts a comparison is computed from: per group, per group and theme, per group and rating, per month.

Everything the comparison reports (``portal.compare.engine``) is a function of these sums, so the counting can
move into the database (a GROUP BY per table) without touching the figures. ``count`` computes them from a
responses frame and its theme mentions (``portal.text.mentions``).

Tables (``group`` is the value of the column compared, as text):

* ``groups``: ``group``, ``n`` (responses), ``read`` (comments the codeframe reads), ``not_read`` (comments in a
  language it has no themes for), ``labelled`` (responses with a sentiment label), ``positive``, ``negative``,
  ``sentiment_n``, ``sentiment_sum``, ``sentiment_sq`` (count, sum and sum of squares of the polarity),
  ``requests``.
* ``themes``: ``group``, ``theme``, ``parent``, ``read`` (comments the theme can read: those in its language,
  every language for a theme made by hand without one), ``mentions`` (comments that mention the theme),
  ``problems`` (mentions whose sentiment is negative), ``sentiment_n``, ``sentiment_sum``, ``sentiment_sq``
  (polarity of the mentions), ``rating_n``, ``rating_sum``, ``requests``.
* ``ratings``: ``group``, ``rating``, ``n``: the distribution of ratings (empty without ratings).
* ``periods``: ``group``, ``period`` (first day of the month), ``n``, ``rating_n``, ``rating_sum``, ``labelled``,
  ``positive``, ``negative`` (empty without dates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from portal.text.codeframe import UNCATEGORISED, Codeframe
from portal.text.mentions import ThemeMentions
from portal.text.theme_languages import reads

__all__ = ["Counts", "count", "theme_readers"]

GROUP_COLUMNS: tuple[str, ...] = ("group", "n", "read", "not_read", "labelled", "positive", "negative",
                                  "sentiment_n", "sentiment_sum", "sentiment_sq", "requests")
THEME_COLUMNS: tuple[str, ...] = ("group", "theme", "parent", "read", "mentions", "problems", "sentiment_n",
                                  "sentiment_sum", "sentiment_sq", "rating_n", "rating_sum", "requests")


@dataclass(frozen=True, eq=False)
class Counts:
    """The sums a comparison needs (see the module's tables)."""

    groups: pd.DataFrame
    themes: pd.DataFrame
    ratings: pd.DataFrame
    periods: pd.DataFrame


def _codes(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, list[str]]:
    """Return per row its group's code (-1 when the row has no value) and the group names, sorted."""
    values = frame[column].astype(object)
    text = values.where(values.isna(), values.map(lambda v: str(v).strip()))
    text = text.where(text != "", None)
    codes, labels = pd.factorize(text, sort=True, use_na_sentinel=True)
    return codes, [str(v) for v in labels]


def _summer(codes: np.ndarray, size: int) -> sparse.csr_matrix:
    """Return the group x row indicator matrix (rows without a group belong to none)."""
    keep = np.flatnonzero(codes >= 0)
    return sparse.csr_matrix((np.ones(len(keep)), (codes[keep], keep)), shape=(size, len(codes)))


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Return a numeric column as floats (NaN everywhere when it is missing)."""
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)


def _group_table(frame: pd.DataFrame, summer: sparse.csr_matrix, names: list[str], read: np.ndarray,
                 unread: np.ndarray, requests: np.ndarray) -> pd.DataFrame:
    """Return the per-group sums."""
    label = (frame["sentiment_label"].astype(object).to_numpy() if "sentiment_label" in frame.columns
             else np.full(len(frame), None, dtype=object))
    polarity = _column(frame, "sentiment")
    has = np.isfinite(polarity)
    value = np.where(has, polarity, 0.0)
    columns = np.column_stack([
        np.ones(len(frame)), read, unread, pd.notna(label), label == "positive", label == "negative",
        has, value, value * value, requests,
    ]).astype(float)
    sums = np.asarray(summer @ columns) if len(frame) else np.zeros((len(names), columns.shape[1]))
    table = pd.DataFrame(sums, columns=list(GROUP_COLUMNS[1:]))
    for name in ("n", "read", "not_read", "labelled", "positive", "negative", "sentiment_n", "requests"):
        table[name] = np.rint(table[name]).astype("int64")
    table.insert(0, "group", pd.Series(names, dtype=object))
    return table


def theme_readers(languages: np.ndarray, codeframe: Codeframe, commented: np.ndarray) -> np.ndarray:
    """Return rows x themes (display order): whether the theme reads the row's comment.

    ``languages`` holds per row the comment's language code, None for English or unknown
    (``portal.text.theme_languages.comment_languages``). Which theme reads which language is
    ``portal.text.theme_languages.reads``, the rule theme coding itself follows.
    """
    themes = codeframe.ordered()
    out = np.zeros((len(languages), len(themes)), dtype=bool)
    codes, distinct = pd.factorize(pd.Series(languages, dtype=object), use_na_sentinel=True)
    values = [*distinct.tolist(), None]
    for j, theme in enumerate(themes):
        ok = [reads(codeframe, theme, v) for v in values]
        out[:, j] = np.asarray(ok, dtype=bool)[codes] & commented
    return out


def _theme_table(frame: pd.DataFrame, summer: sparse.csr_matrix, names: list[str], men: ThemeMentions,
                 parents: Sequence[str | None], requests: np.ndarray, readers: np.ndarray) -> pd.DataFrame:
    """Return the per-group, per-theme sums (Uncategorised left out)."""
    t = len(men.names) - 1 if men.names and men.names[-1] == UNCATEGORISED else len(men.names)
    hits = men.matrix[:, :t]
    polarity = men.polarity[:, :t]
    has = hits & np.isfinite(polarity)
    value = np.where(has, polarity, 0.0)
    rating = _column(frame, "rating")
    rated = hits & np.isfinite(rating)[:, None]
    parts = [readers[:, :t] | hits, hits, hits & men.negative[:, :t], has, value, value * value, rated,
             np.where(rated, np.nan_to_num(rating)[:, None], 0.0), hits & requests[:, None]]
    sums = [np.asarray(summer @ p.astype(float)) for p in parts]
    g = len(names)
    table = pd.DataFrame({
        "group": pd.Series(np.repeat(np.array(names, dtype=object), t), dtype=object),
        "theme": pd.Series(np.tile(np.array(men.names[:t], dtype=object), g), dtype=object),
        "parent": pd.Series(np.tile(np.array(list(parents)[:t], dtype=object), g), dtype=object),
    })
    for name, values in zip(THEME_COLUMNS[3:], sums, strict=True):
        table[name] = values.reshape(-1)
    for name in ("read", "mentions", "problems", "sentiment_n", "rating_n", "requests"):
        table[name] = np.rint(table[name]).astype("int64")
    return table


def _ratings(frame: pd.DataFrame, codes: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Return the number of each rating value per group."""
    rating = _column(frame, "rating")
    ok = (codes >= 0) & np.isfinite(rating)
    found = pd.DataFrame({"code": codes[ok], "rating": rating[ok]}).value_counts(sort=False).reset_index()
    found = found.sort_values(["code", "rating"], kind="stable").reset_index(drop=True)
    return pd.DataFrame({
        "group": pd.Series([names[c] for c in found["code"]], dtype=object),
        "rating": found["rating"].astype(float),
        "n": found["count"].astype("int64"),
    })


def _periods(frame: pd.DataFrame, codes: np.ndarray, names: list[str]) -> pd.DataFrame:
    """Return per group and month the responses, rating sums and sentiment labels."""
    columns = ["group", "period", "n", "rating_n", "rating_sum", "labelled", "positive", "negative"]
    if "date" not in frame.columns:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    dates = pd.to_datetime(frame["date"], errors="coerce")
    ok = (codes >= 0) & dates.notna().to_numpy()
    rating = _column(frame, "rating")[ok]
    label = (frame["sentiment_label"].astype(object).to_numpy()[ok] if "sentiment_label" in frame.columns
             else np.full(int(ok.sum()), None, dtype=object))
    parts = pd.DataFrame({
        "group": [names[c] for c in codes[ok]],
        "period": dates[ok].dt.to_period("M").dt.to_timestamp().to_numpy(),
        "n": 1, "rating_n": np.isfinite(rating).astype(int), "rating_sum": np.nan_to_num(rating),
        "labelled": pd.notna(label).astype(int), "positive": (label == "positive").astype(int),
        "negative": (label == "negative").astype(int),
    })
    return parts.groupby(["group", "period"], sort=True, as_index=False).sum()[columns]


def count(frame: pd.DataFrame, by: str, men: ThemeMentions, parents: Sequence[str | None], *,
          read: np.ndarray, requests: np.ndarray, readers: np.ndarray | None = None) -> Counts:
    """Return the sums of ``frame`` grouped by column ``by`` (rows without a value are left out).

    ``men`` are the frame's theme mentions, ``parents`` each theme's parent name (None for a top-level theme),
    ``read`` per row whether the codeframe reads its comment, ``requests`` whether it asks for something and
    ``readers`` (rows x themes, ``theme_readers``) which theme reads which comment (default: every theme reads
    every read comment).
    """
    codes, names = _codes(frame, by)
    summer = _summer(codes, len(names))
    has_comment = men.commented
    requests = np.asarray(requests, dtype=bool)
    read = np.asarray(read, dtype=bool) & has_comment
    themes = len(men.names) - 1 if men.names and men.names[-1] == UNCATEGORISED else len(men.names)
    readers = (np.repeat(read[:, None], themes, axis=1) if readers is None
               else np.asarray(readers, dtype=bool) & read[:, None])
    return Counts(
        groups=_group_table(frame, summer, names, read, has_comment & ~read, requests),
        themes=_theme_table(frame, summer, names, men, parents, requests, readers),
        ratings=_ratings(frame, codes, names),
        periods=_periods(frame, codes, names),
    )
