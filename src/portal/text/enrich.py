"""Language and sentiment for every comment of a canonical frame, computed once at import.

``enrich`` gives one row per comment: its polarity in [-1, 1] (``sentiment``), its label and its
language. ``enrich_with_clauses`` also gives one row per clause, so a theme found in "love the app but
cheque deposit keeps failing" can carry the sentiment of its own clause.

English comments (and comments without letters, such as a lone emoji, that have no star rating) are
scored by the shipped model (``portal.text.sentiment``). Comments in another language get their
sentiment from their star rating where one exists (1-2 negative, 3 neutral, 4-5 on a 1-5 scale, and
proportionally on other scales); without a rating their sentiment is NaN and their label None, never a
neutral English score.

With a dataset's adapted model (``portal.text.sentiment_adapt``) its words are scored by that model
instead, and comments in the other languages it reads well enough (its ``languages``) that have no star
rating are scored by it too, instead of being left without sentiment.

Large inputs are split in chunks scored in parallel processes; the result does not depend on the number
of processes or the chunk size.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal.text.language import detect_language
from portal.text.sentences import split_clauses
from portal.text.sentiment import labels_from_polarity, star_sentiment
from portal.text.sentiment import polarity as general_polarity
from portal.text.sentiment_adapt import AdaptedModel

__all__ = ["Enrichment", "enrich", "enrich_with_clauses", "COMMENT_COLUMNS", "CLAUSE_COLUMNS"]

COMMENT_COLUMNS: tuple[str, ...] = ("row_key", "sentiment", "sentiment_label", "language")
CLAUSE_COLUMNS: tuple[str, ...] = (
    "row_key",
    "clause",
    "sentence",
    "start",
    "end",
    "text",
    "sentiment",
    "sentiment_label",
)
CHUNK_SIZE = 2_000
PARALLEL_MIN = 6_000  # fewer comments than this are scored in this process

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Enrichment:
    """Comment-level (``COMMENT_COLUMNS``) and clause-level (``CLAUSE_COLUMNS``) sentiment frames."""

    comments: pd.DataFrame
    clauses: pd.DataFrame


@dataclass(frozen=True)
class _Chunk:
    """What one chunk gives back: per-comment arrays and, optionally, per-clause rows."""

    sentiment: np.ndarray
    label: np.ndarray
    language: list[str | None]
    clauses: list[tuple[int, int, int, int, int, str, float, str | None]]


def _score_chunk(texts: Sequence[str], ratings: np.ndarray, scale: tuple[float, float], clauses: bool,
                 model: AdaptedModel | None = None) -> _Chunk:
    """Return language, sentiment and (optionally) clause rows for one chunk of comments."""
    languages = detect_language(texts)
    stars_pol, stars_lab = star_sentiment(ratings, scale)
    has_stars = ~np.isnan(stars_pol)
    read = set(model.languages) if model is not None else set()
    # English is scored from its words; text without letters too unless it has stars; so is a language the
    # adapted model reads, unless it has stars.
    by_words = np.array([lang == "en" or (lang is None or lang in read) and not has_stars[i]
                         for i, lang in enumerate(languages)])
    polarity = _scorer(model)
    sentiment = np.where(has_stars, stars_pol, np.nan)
    idx = np.flatnonzero(by_words)
    if len(idx):
        sentiment[idx] = polarity([texts[i] for i in idx])
    label = labels_from_polarity(sentiment)
    label[~by_words] = stars_lab[~by_words]

    rows: list[tuple[int, int, int, int, int, str, float, str | None]] = []
    if clauses:
        parts = [split_clauses(t) for t in texts]
        to_score: list[tuple[int, int]] = []  # (row in chunk, clause number) scored from their words
        for i, found in enumerate(parts):
            whole = len(found) == 1 and found[0].text == texts[i].strip()
            for n, c in enumerate(found):
                if by_words[i] and not whole:
                    to_score.append((i, n))
                rows.append((i, n, c.sentence, c.start, c.end, c.text, float(sentiment[i]), label[i]))
        if to_score:
            values = polarity([parts[i][n].text for i, n in to_score])
            labels = labels_from_polarity(values)
            where = {key: k for k, key in enumerate(to_score)}
            for r, row in enumerate(rows):
                k = where.get((row[0], row[1]))
                if k is not None:
                    rows[r] = (*row[:6], float(values[k]), labels[k])
    return _Chunk(sentiment, label, languages, rows)


def _scorer(model: AdaptedModel | None) -> Callable[[list[str]], np.ndarray]:
    """Return the polarity function: the adapted model's when there is one, else the general model's."""
    return model.polarity if model is not None else general_polarity


def _default_workers() -> int:
    """Return how many processes this machine can run at once."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _run(
    canonical: pd.DataFrame,
    rating_scale: tuple[float, float],
    workers: int | None,
    progress: Progress | None,
    clauses: bool,
    model: AdaptedModel | None = None,
) -> tuple[pd.DataFrame, list[_Chunk]]:
    """Return the commented rows and their scored chunks, in order."""
    if "comment" not in canonical.columns or "row_key" not in canonical.columns:
        raise ValueError("the canonical frame needs 'row_key' and 'comment' columns")
    comment = canonical["comment"]
    has_text = comment.map(lambda v: isinstance(v, str) and bool(v.strip())).to_numpy(dtype=bool)
    rows = canonical.loc[has_text]
    texts = [str(t) for t in rows["comment"]]
    if "rating" in rows.columns:
        ratings = pd.to_numeric(rows["rating"], errors="coerce").to_numpy(dtype=np.float64)
    else:
        ratings = np.full(len(texts), np.nan)
    scale = (float(rating_scale[0]), float(rating_scale[1]))
    total = len(texts)
    bounds = [(s, min(s + CHUNK_SIZE, total)) for s in range(0, total, CHUNK_SIZE)]
    n_workers = min(workers or _default_workers(), len(bounds))

    def report(done: int) -> None:
        if progress is not None:
            progress(done / total if total else 1.0, f"Scored {done:,} of {total:,} comments")

    results: list[_Chunk | None] = [None] * len(bounds)
    if n_workers <= 1 or total < PARALLEL_MIN:
        done = 0
        for k, (s, e) in enumerate(bounds):
            results[k] = _score_chunk(texts[s:e], ratings[s:e], scale, clauses, model)
            done += e - s
            report(done)
    else:
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        with ProcessPoolExecutor(max_workers=n_workers, mp_context=multiprocessing.get_context(method)) as pool:
            futures = {
                pool.submit(_score_chunk, texts[s:e], ratings[s:e], scale, clauses, model): k
                for k, (s, e) in enumerate(bounds)
            }
            done = 0
            for future in as_completed(futures):
                k = futures[future]
                results[k] = future.result()
                done += bounds[k][1] - bounds[k][0]
                report(done)
    if total == 0:
        report(0)
    return rows, [r for r in results if r is not None]


def _comments_frame(rows: pd.DataFrame, chunks: list[_Chunk]) -> pd.DataFrame:
    """Return the comment-level frame from scored chunks."""
    n = len(rows)
    sentiment = np.concatenate([c.sentiment for c in chunks]) if chunks else np.zeros(0)
    labels = [x for c in chunks for x in c.label]
    languages = [x for c in chunks for x in c.language]
    return pd.DataFrame(
        {
            "row_key": pd.Series(rows["row_key"].to_numpy(), dtype=object),
            "sentiment": pd.Series(sentiment, dtype="float64"),
            "sentiment_label": pd.Series(labels, dtype=object) if n else pd.Series([], dtype=object),
            "language": pd.Series(languages, dtype=object) if n else pd.Series([], dtype=object),
        },
        columns=list(COMMENT_COLUMNS),
    )


def enrich(
    canonical: pd.DataFrame,
    *,
    rating_scale: tuple[float, float] = (1, 5),
    workers: int | None = None,
    progress: Progress | None = None,
    model: AdaptedModel | None = None,
) -> pd.DataFrame:
    """Return row_key, sentiment, sentiment_label and language for each row with a comment.

    Rows keep the canonical frame's order; ``progress(fraction, message)`` is called as chunks finish.
    ``model`` is the dataset's adapted sentiment model (None: the general model). Raises ValueError when the
    frame has no ``row_key`` or ``comment`` column.
    """
    rows, chunks = _run(canonical, rating_scale, workers, progress, clauses=False, model=model)
    return _comments_frame(rows, chunks)


def enrich_with_clauses(
    canonical: pd.DataFrame,
    *,
    rating_scale: tuple[float, float] = (1, 5),
    workers: int | None = None,
    progress: Progress | None = None,
    model: AdaptedModel | None = None,
) -> Enrichment:
    """Return ``enrich``'s frame and one row per clause (``CLAUSE_COLUMNS``) of each comment.

    A clause of an English comment has its own sentiment; clauses of other comments repeat the
    comment's (star-based or missing) sentiment. Raises ValueError as ``enrich`` does.
    """
    rows, chunks = _run(canonical, rating_scale, workers, progress, clauses=True, model=model)
    comments = _comments_frame(rows, chunks)
    keys = rows["row_key"].to_numpy()
    flat: list[tuple[object, ...]] = []
    offset = 0
    for chunk in chunks:
        for i, n, sentence, start, end, text, value, lab in chunk.clauses:
            flat.append((keys[offset + i], n, sentence, start, end, text, value, lab))
        offset += len(chunk.language)
    columns = list(zip(*flat, strict=True)) if flat else [()] * len(CLAUSE_COLUMNS)
    dtypes = (object, "int64", "int64", "int64", "int64", object, "float64", object)
    frame = pd.DataFrame(
        {name: pd.Series(list(values), dtype=dtype) for name, values, dtype in zip(CLAUSE_COLUMNS, columns, dtypes, strict=True)}
    )
    return Enrichment(comments, frame)
