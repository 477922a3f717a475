"""Each comment's clauses for theme coding: split once, scored once, remembered in ``theme_texts``.

``prepare_texts`` reuses what the store remembers of a comment while its text is unchanged, takes the
clauses enrichment split and scored at import, and splits and scores the rest; ``theme_sentiment`` gives
each theme found in a comment the mean polarity of the clauses that mention it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
import pandas as pd

from portal.store.themes import CachedText
from portal.text.assign import Spans, clause_spans

Progress = Callable[[float, str], None]
ClauseScorer = Callable[[list[str]], Sequence[float]]


def part(progress: Progress | None, low: float, high: float) -> Progress | None:
    """Return a progress callback for one stretch (``low``..``high``) of the caller's bar."""
    if progress is None:
        return None
    return lambda f, m: progress(low + (high - low) * max(0.0, min(1.0, f)), m)


def text_hash(text: str) -> str:
    """Return a short fingerprint of a comment's text."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def dump(values: Any) -> str:
    """Return spans or polarities as compact JSON (NaN written as null)."""
    return orjson.dumps(values, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def _load_spans(text: str) -> Spans:
    """Return clause spans stored by ``dump``."""
    return tuple((int(a), int(b)) for a, b in orjson.loads(text))


def _load_polarities(text: str | None) -> list[float] | None:
    """Return clause polarities stored by ``dump`` (None when none were stored; null read as NaN)."""
    if text is None:
        return None
    return [float("nan") if v is None else float(v) for v in orjson.loads(text)]


@dataclass
class Prepared:
    """Each comment's clause spans, fingerprint and clause polarities, and which cache rows must be rewritten."""

    spans: list[Spans]
    hashes: list[str]
    polarities: list[list[float] | None]
    rewrite: np.ndarray
    changed: np.ndarray


def _score(texts: list[str], scorer: ClauseScorer | None) -> list[float] | None:
    """Return the scorer's polarities of ``texts``, or None when there is no working scorer."""
    if scorer is None:
        return None
    if not texts:
        return []
    try:
        values = np.asarray(list(scorer(texts)), dtype=float)
    except Exception:  # noqa: BLE001 - a broken optional sentiment model must not stop theme coding
        return None
    return [round(v, 4) for v in values.tolist()] if len(values) == len(texts) else None


def english(frame: pd.DataFrame) -> np.ndarray:
    """Return which comments are English or of unknown language (the others are not scored by words)."""
    if "language" not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    lang = frame["language"].astype(object).fillna("").map(str).str.lower()
    return ((lang == "") | lang.str.startswith("en")).to_numpy()


def prepare_texts(frame: pd.DataFrame, cache: dict[str, CachedText], scorer: ClauseScorer | None,
                  progress: Progress | None, given: pd.DataFrame | None = None) -> Prepared:
    """Return clause spans (split only for new or changed comments) and clause polarities (scored once).

    ``given`` (``portal.text.enrich`` clause rows: row_key, start, end, sentiment) supplies clauses already
    split and scored at import. Comments not in English get no clause polarity (their themes then use the
    comment's own sentiment, which comes from the star rating).
    """
    texts = frame["comment"].tolist()
    keys = frame["row_key"].tolist()
    hashes = [text_hash(t) for t in texts]
    spans, polarities, changed = _from_cache(keys, hashes, cache)
    todo = np.flatnonzero(changed)
    if len(todo) and given is not None and not given.empty:
        _take_given(todo, keys, texts, _given_clauses(given), spans, polarities)
        todo = np.array([i for i in todo.tolist() if spans[i] is None], dtype=np.int64)
    if len(todo):
        computed = clause_spans([texts[i] for i in todo], progress=part(progress, 0.0, 0.8))
        for i, value in zip(todo.tolist(), computed, strict=True):
            spans[i] = value
    rewrite = changed.copy()
    is_english = english(frame)
    for i in np.flatnonzero(~is_english & np.array([p is None for p in polarities], dtype=bool)).tolist():
        polarities[i] = [float("nan")] * len(spans[i] or ())
        rewrite[i] = True
    _score_unscored(texts, spans, polarities, rewrite, scorer, progress)
    return Prepared(spans=[s if s is not None else () for s in spans], hashes=hashes, polarities=polarities,
                    rewrite=rewrite, changed=changed)


def _from_cache(keys: list[str], hashes: list[str], cache: dict[str, CachedText],
                ) -> tuple[list[Spans | None], list[list[float] | None], np.ndarray]:
    """Return the cached spans and polarities of unchanged comments (None for the others) and which changed."""
    spans: list[Spans | None] = []
    polarities: list[list[float] | None] = []
    changed = np.zeros(len(keys), dtype=bool)
    for i, (key, digest) in enumerate(zip(keys, hashes, strict=True)):
        cached = cache.get(key)
        if cached is not None and cached.text_hash == digest:
            spans.append(_load_spans(cached.clauses))
            polarities.append(_load_polarities(cached.polarities))
        else:
            spans.append(None)
            polarities.append(None)
            changed[i] = True
    return spans, polarities, changed


def _take_given(todo: np.ndarray, keys: list[str], texts: list[str], supplied: dict[str, tuple[Spans, list[float]]],
                spans: list[Spans | None], polarities: list[list[float] | None]) -> None:
    """Fill in the spans and polarities enrichment supplied for comments ``todo`` (when they fit the text)."""
    for i in todo.tolist():
        found = supplied.get(keys[i])
        if found is not None and (not found[0] or found[0][-1][1] <= len(texts[i])):
            spans[i], polarities[i] = found


def _score_unscored(texts: list[str], spans: list[Spans | None], polarities: list[list[float] | None],
                    rewrite: np.ndarray, scorer: ClauseScorer | None, progress: Progress | None) -> None:
    """Score the clauses of the comments without polarities (in place) and mark them to be rewritten."""
    unscored = [i for i, p in enumerate(polarities) if p is None]
    if not unscored or scorer is None:
        return
    if progress:
        progress(0.85, f"Scoring the sentiment of the clauses of {len(unscored):,} comments")
    pieces = [texts[i][a:b] for i in unscored for a, b in spans[i] or ()]
    scores = _score(pieces, scorer)
    if scores is None:
        return
    at = 0
    for i in unscored:
        width = len(spans[i] or ())
        polarities[i] = scores[at:at + width]
        at += width
        rewrite[i] = True


def _given_clauses(given: pd.DataFrame) -> dict[str, tuple[Spans, list[float]]]:
    """Return row_key -> (clause spans, clause polarities) from enrichment's clause rows."""
    ordered = given.sort_values(["row_key", "start"], kind="stable")
    out: dict[str, tuple[list[tuple[int, int]], list[float]]] = {}
    sentiment = (pd.to_numeric(ordered["sentiment"], errors="coerce").to_numpy(dtype=float)
                 if "sentiment" in ordered.columns else np.full(len(ordered), np.nan))
    for key, start, end, value in zip(ordered["row_key"].tolist(), ordered["start"].tolist(),
                                      ordered["end"].tolist(), sentiment.tolist(), strict=True):
        entry = out.setdefault(key, ([], []))
        entry[0].append((int(start), int(end)))
        entry[1].append(float(value))
    return {k: (tuple(v[0]), v[1]) for k, v in out.items()}


def theme_sentiment(rows: np.ndarray, clauses: Sequence[str], polarities: list[list[float] | None]) -> list[Any]:
    """Return per match the mean polarity of the clauses that mention the theme (None when not scored)."""
    sizes = np.fromiter((len(p) if p else 0 for p in polarities), dtype=np.int64, count=len(polarities))
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    flat = np.fromiter((v for p in polarities if p for v in p), dtype=float, count=int(sizes.sum()))
    texts = list(clauses)
    single = np.fromiter(("," not in t and t != "" for t in texts), dtype=bool, count=len(texts))
    number = np.zeros(len(texts), dtype=np.int64)
    number[single] = np.fromiter((int(t) for t, ok in zip(texts, single.tolist(), strict=True) if ok),
                                 dtype=np.int64, count=int(single.sum()))
    values = np.full(len(texts), np.nan)
    ok = single & (number < sizes[rows])
    values[ok] = flat[offsets[rows[ok]] + number[ok]]
    for i in np.flatnonzero(~single).tolist():
        row = int(rows[i])
        picked = [polarities[row][int(c)] for c in texts[i].split(",")
                  if c != "" and polarities[row] and int(c) < len(polarities[row])]
        picked = [v for v in picked if np.isfinite(v)]
        values[i] = sum(picked) / len(picked) if picked else np.nan
    return [None if not np.isfinite(v) else float(v) for v in values.tolist()]
