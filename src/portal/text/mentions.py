"""Which responses mention which theme, with the sentiment of each mention (the input of every theme figure).

A mention's sentiment is the polarity of the clauses that mention the theme when they were stored, else the
comment's; it is negative by the sentiment model's threshold (``portal.text.sentiment``). Comments with no
theme form the last column, "Uncategorised", except comments in a language the codeframe has no themes for:
those were not read (``portal.text.theme_languages``) and are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal.text.codeframe import UNCATEGORISED, Codeframe
from portal.text.sentiment import NEGATIVE_BELOW, labels_from_polarity
from portal.text.theme_languages import read_mask

__all__ = ["ThemeMentions", "commented", "grouped_figures", "mentions", "negative_below", "nps_categories"]


def negative_below() -> float:
    """Return the polarity below which a clause counts as negative (the sentiment model's threshold)."""
    return float(NEGATIVE_BELOW)


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


def commented(frame: pd.DataFrame) -> np.ndarray:
    """Return which rows have a non-empty comment."""
    if "comment" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    text = frame["comment"].astype(object)
    return (text.notna() & (text.fillna("").map(str).str.strip() != "")).to_numpy()


def nps_categories(frame: pd.DataFrame) -> np.ndarray:
    """Return per row -1 detractor, 0 passive, 1 promoter, or NaN without an NPS score."""
    if "nps" not in frame.columns:
        return np.full(len(frame), np.nan)
    nps = pd.to_numeric(frame["nps"], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isnan(nps), np.nan, np.where(nps >= 9, 1.0, np.where(nps >= 7, 0.0, -1.0)))


def _row_sentiment(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return per row the comment's polarity (NaN when missing) and whether its label is negative."""
    n = len(frame)
    polarity = (pd.to_numeric(frame["sentiment"], errors="coerce").to_numpy(dtype=float)
                if "sentiment" in frame.columns else np.full(n, np.nan))
    negative = (frame["sentiment_label"].astype(object).to_numpy() == "negative"
                if "sentiment_label" in frame.columns else np.zeros(n, dtype=bool))
    return polarity, negative


def _cells(frame: pd.DataFrame, assignments: pd.DataFrame, codeframe: Codeframe) -> tuple[np.ndarray, ...]:
    """Return (row, theme column, clause polarity) of every assignment whose row is in ``frame``."""
    position = pd.Series(np.arange(len(frame)), index=pd.Index(frame["row_key"].astype(object)))
    position = position[~position.index.duplicated()]
    column = {th.key: i for i, th in enumerate(codeframe.ordered())}
    rows = assignments["row_key"].astype(object).map(position)
    cols = assignments["theme_key"].map(column)
    ok = (rows.notna() & cols.notna()).to_numpy()
    r = rows.to_numpy()[ok].astype(np.int64)
    c = cols.to_numpy()[ok].astype(np.int64)
    clause = (pd.to_numeric(assignments["sentiment"], errors="coerce").to_numpy(dtype=float)[ok]
              if "sentiment" in assignments.columns else np.full(len(r), np.nan))
    return r, c, clause


def mentions(frame: pd.DataFrame, assignments: pd.DataFrame, codeframe: Codeframe) -> ThemeMentions:
    """Return the mention matrix (rows of ``frame`` x themes + Uncategorised) with per-mention sentiment.

    Assignments of rows that are not in ``frame`` are ignored. Never raises for empty inputs.
    """
    themes = codeframe.ordered()
    n, t = len(frame), len(themes) + 1
    matrix = np.zeros((n, t), dtype=bool)
    polarity = np.full((n, t), np.nan)
    negative = np.zeros((n, t), dtype=bool)
    row_sent, row_neg = _row_sentiment(frame)
    if n and not assignments.empty and "row_key" in frame.columns:
        r, c, clause = _cells(frame, assignments, codeframe)
        matrix[r, c] = True
        has_clause = np.isfinite(clause)
        polarity[r, c] = np.where(has_clause, clause, row_sent[r])
        negative[r, c] = np.where(has_clause, labels_from_polarity(clause) == "negative", row_neg[r])
    has_comment = commented(frame)
    none = has_comment & ~matrix[:, :-1].any(axis=1) & read_mask(frame, codeframe)
    matrix[:, -1] = none
    polarity[none, -1] = row_sent[none]
    negative[none, -1] = row_neg[none]
    return ThemeMentions(
        names=[th.name for th in themes] + [UNCATEGORISED],
        keys=[th.key for th in themes] + [""],
        keywords=[th.keywords for th in themes] + [()],
        matrix=matrix,
        commented=has_comment,
        polarity=polarity,
        negative=negative,
    )


def grouped_figures(codes: np.ndarray, mask: np.ndarray, polarity: np.ndarray, cats: np.ndarray,
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
