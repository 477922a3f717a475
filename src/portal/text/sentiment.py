"""Sentiment of English text: a polarity in [-1, 1] and a label, from the general model in ``models/``.

The general model (``models/sentiment_v2.npz``, trained by ``scripts/train_sentiment.py`` on every star-
or score-labelled public set: clothing, two bank-app sets, airline reviews with their recommend answer and
telecom NPS verbatims, each set given the same weight) hashes word 1-2 grams into one logistic
regression per label, with three lexicon columns folded into the word weights (see
``portal.text.sentiment_features``). Polarity is P(positive) - P(negative); the label is negative below
``NEGATIVE_BELOW``, positive above ``POSITIVE_ABOVE`` and neutral between (thresholds chosen on held-out
training rows for the best mean macro-F1 over the training sets).

Each dataset can adapt this model to its own comments and scores (``portal.text.sentiment_adapt``).
Comments that are not English and have no adapted model that reads their language get their sentiment
from the star rating: ``star_sentiment`` (see ``portal.text.enrich``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from portal.text.sentences import Clause, split_clauses
from portal.text.sentiment_features import HASH_FEATURES, make_vectorizer
from portal.text.sentiment_fit import ovr_proba

__all__ = [
    "LABELS",
    "NEGATIVE_BELOW",
    "POSITIVE_ABOVE",
    "SentimentModel",
    "clause_sentiment",
    "label",
    "labels_from_polarity",
    "load_model",
    "make_vectorizer",
    "mention_label",
    "polarity",
    "star_sentiment",
]

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
MODEL_FILE_NAME = "sentiment_v2.npz"
MODEL_PATH = Path(__file__).with_name("models") / MODEL_FILE_NAME
# Chosen by scripts/train_sentiment.py (best mean macro-F1 over the training sets' held-out rows); the
# model file records the same values and a test checks them.
NEGATIVE_BELOW = -0.366
POSITIVE_ABOVE = 0.037


@dataclass(frozen=True, eq=False)
class SentimentModel:
    """The general model: hashed word weights (lexicon folded in), intercepts and label thresholds."""

    buckets: np.ndarray  # (k,) int32 hashed feature indices with a weight
    weights: np.ndarray  # (3, k) float32 weights of those buckets
    intercept: np.ndarray  # (3,)
    negative_below: float
    positive_above: float
    meta: dict[str, Any] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        """Write the model as a compressed ``.npz`` (no pickles); raises OSError when it cannot."""
        np.savez_compressed(
            path,
            buckets=self.buckets.astype(np.int32),
            weights=self.weights.astype(np.float16),
            intercept=self.intercept,
            thresholds=np.array([self.negative_below, self.positive_above]),
            meta=np.array(json.dumps(self.meta, sort_keys=True)),
        )

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> SentimentModel:
        """Read a model written by ``save``; raises OSError or KeyError when the file is missing or wrong."""
        with np.load(path, allow_pickle=False) as data:
            thresholds = data["thresholds"]
            return cls(
                buckets=data["buckets"].astype(np.int64),
                weights=data["weights"].astype(np.float32),
                intercept=data["intercept"].astype(np.float64),
                negative_below=float(thresholds[0]),
                positive_above=float(thresholds[1]),
                meta=json.loads(str(data["meta"])),
            )

    @classmethod
    def from_dense(cls, weights: np.ndarray, intercept: np.ndarray, thresholds: tuple[float, float],
                   meta: dict[str, Any] | None = None) -> SentimentModel:
        """Return a model from (3, HASH_FEATURES) weights, keeping only the buckets in use (as stored)."""
        used = np.flatnonzero(np.abs(weights).max(axis=0) > 1e-4)
        return cls(
            buckets=used.astype(np.int64),
            weights=weights[:, used].astype(np.float16).astype(np.float32),
            intercept=np.asarray(intercept, dtype=np.float64),
            negative_below=float(thresholds[0]),
            positive_above=float(thresholds[1]),
            meta=dict(meta or {}),
        )

    @property
    def dense_weights(self) -> np.ndarray:
        """Return the (HASH_FEATURES, 3) weight matrix with zeros for unused buckets."""
        full = np.zeros((HASH_FEATURES, 3), dtype=np.float32)
        full[self.buckets] = self.weights.T
        return full

    def scores(self, x: Any, _weights: np.ndarray | None = None) -> np.ndarray:
        """Return the (n, 3) one-versus-rest scores of hashed features ``x``."""
        weights = self.dense_weights if _weights is None else _weights
        return np.asarray(x @ weights, dtype=np.float64) + self.intercept

    def proba(self, texts: Sequence[str], *, _weights: np.ndarray | None = None) -> np.ndarray:
        """Return (n, 3) probabilities of negative, neutral, positive (a leading linking word is not scored)."""
        if len(texts) == 0:
            return np.zeros((0, 3))
        cleaned = [content(t) if isinstance(t, str) else "" for t in texts]
        return ovr_proba(self.scores(make_vectorizer().transform(cleaned), _weights))

    def polarity(self, texts: Sequence[str]) -> np.ndarray:
        """Return P(positive) - P(negative) for each text, in [-1, 1]."""
        p = self.proba(texts)
        return p[:, 2] - p[:, 0]

    def labels(self, texts: Sequence[str]) -> np.ndarray:
        """Return the label of each text by this model's thresholds."""
        return labels_from_polarity(self.polarity(texts), self.negative_below, self.positive_above)


@lru_cache(maxsize=1)
def load_model() -> SentimentModel:
    """Return the shipped model, read once per process; raises OSError when the file is missing."""
    return SentimentModel.load(MODEL_PATH)


@lru_cache(maxsize=1)
def _shipped_weights() -> np.ndarray:
    """Return the shipped model's dense weight matrix, built once per process."""
    return load_model().dense_weights


_LEADING_LINK = re.compile(r"^\W*(?:but|and|although|though|however|yet|whereas|while)\b[\s,]*", re.IGNORECASE)


def content(text: str) -> str:
    """Return ``text`` without a leading linking word ("but the zipper broke" -> "the zipper broke").

    A clause is scored on what it says: in whole reviews "but" mostly marks a mixed (neutral) review, which
    would pull every clause that starts with it towards neutral.
    """
    return _LEADING_LINK.sub("", text, count=1)


def polarity(texts: Sequence[str]) -> np.ndarray:
    """Return the polarity in [-1, 1] of each English text (a float array, same order)."""
    texts = [t if isinstance(t, str) else "" for t in texts]
    p = load_model().proba(texts, _weights=_shipped_weights())
    return p[:, 2] - p[:, 0]


def labels_from_polarity(
    values: np.ndarray, negative_below: float = NEGATIVE_BELOW, positive_above: float = POSITIVE_ABOVE
) -> np.ndarray:
    """Return an object array of labels for an array of polarities (None where a polarity is NaN)."""
    values = np.asarray(values, dtype=np.float64)
    out = np.where(values < negative_below, "negative", np.where(values > positive_above, "positive", "neutral"))
    out = out.astype(object)
    out[np.isnan(values)] = None
    return out


def label(value: float | None) -> str | None:
    """Return "negative", "neutral" or "positive" for a polarity (None when it is NaN or None)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(labels_from_polarity(np.array([value], dtype=np.float64))[0])


def mention_label(polarity: Any, comment_label: Any) -> str | None:
    """Return one theme mention's label: from its clause polarity when finite, else the comment's label."""
    try:
        value = float(polarity)
    except (TypeError, ValueError):
        value = math.nan
    if math.isfinite(value):
        return label(value)
    return comment_label if isinstance(comment_label, str) and comment_label in LABELS else None


def clause_sentiment(text: str) -> list[tuple[Clause, float, str]]:
    """Return each clause of an English ``text`` with its polarity and label (``[]`` for empty text)."""
    clauses = split_clauses(text)
    if not clauses:
        return []
    values = polarity([c.text for c in clauses])
    return [(c, float(v), str(label(float(v)))) for c, v in zip(clauses, values, strict=True)]


def star_sentiment(ratings: Sequence[float] | np.ndarray, scale: tuple[float, float] = (1, 5)) -> tuple[np.ndarray, np.ndarray]:
    """Return (polarity, label) arrays from star ratings; NaN or off-scale ratings give NaN and None.

    Polarity maps the scale linearly onto [-1, 1]. The label splits the scale in five equal bands,
    as 1-2 / 3 / 4-5 do on a 1-5 scale: the lower two fifths are negative, the middle fifth neutral,
    the upper two fifths positive (on 1-10: 1-4, 5-6, 7-10). Raises ValueError for an empty scale.
    """
    low, high = float(scale[0]), float(scale[1])
    if not high > low:
        raise ValueError(f"rating scale {scale!r} is empty")
    r = np.asarray(ratings, dtype=np.float64)
    bad = np.isnan(r) | (r < low) | (r > high)
    pol = np.where(bad, np.nan, 2.0 * (r - low) / (high - low) - 1.0)
    # Share of the scale up to and including this rating (each whole rating is one equal band).
    upper = (np.floor(r) - low + 1.0) / (high - low + 1.0)
    eps = 1e-9
    lab = np.where(upper <= 0.4 + eps, "negative", np.where(upper <= 0.6 + eps, "neutral", "positive"))
    lab = lab.astype(object)
    lab[bad] = None
    return pol, lab
