"""Sentiment of English text: a polarity in [-1, 1] and a label, from the model shipped in ``models/``.

The shipped model (``models/sentiment_v1.npz``, trained by ``scripts/train_sentiment.py`` on star-rated
public reviews) hashes word 1-2 grams into a logistic regression. Polarity is P(positive) -
P(negative); the label is negative below ``NEGATIVE_BELOW``, positive above ``POSITIVE_ABOVE`` and
neutral between (thresholds chosen on the training data for the best macro-F1).

The file also holds a second stage that stacks the model's probabilities with VADER's scores
(``combined=True``). It scores a little better out of domain but VADER makes enrichment several times
slower, so it is not used by default (see the benchmark table in the project's README).

Comments that are not English are not scored from their words: ``star_sentiment`` turns a star rating
into a polarity and label instead (see ``portal.text.enrich``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from portal.text.sentences import Clause, split_clauses

__all__ = [
    "LABELS",
    "NEGATIVE_BELOW",
    "POSITIVE_ABOVE",
    "SentimentModel",
    "clause_sentiment",
    "label",
    "labels_from_polarity",
    "load_model",
    "mention_label",
    "polarity",
    "star_sentiment",
]

LABELS: tuple[str, str, str] = ("negative", "neutral", "positive")
MODEL_FILE_NAME = "sentiment_v1.npz"
MODEL_PATH = Path(__file__).with_name("models") / MODEL_FILE_NAME
HASH_FEATURES = 2**18
# Chosen by scripts/train_sentiment.py (best out-of-fold macro-F1 on the training split) for the
# default (word model only) polarity; the model file records the same values and a test checks them.
NEGATIVE_BELOW = -0.31
POSITIVE_ABOVE = 0.097


def _normalise(text: str) -> str:
    """Return ``text`` lower-cased with typographic apostrophes made plain."""
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def make_vectorizer() -> Any:
    """Return the stateless word 1-2 gram hashing vectorizer the model was trained with."""
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        ngram_range=(1, 2),
        n_features=HASH_FEATURES,
        alternate_sign=False,
        binary=True,
        norm="l2",
        preprocessor=_normalise,
        token_pattern=r"(?u)\b\w[\w']*\b",
        dtype=np.float32,
    )


@lru_cache(maxsize=1)
def _vader() -> Any:
    """Return a VADER analyser (its lexicon ships in the package), loaded once per process."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_features(texts: Sequence[str]) -> np.ndarray:
    """Return VADER's compound, pos, neg and neu score for each text as an (n, 4) array."""
    analyser = _vader()
    out = np.zeros((len(texts), 4), dtype=np.float64)
    for i, text in enumerate(texts):
        s = analyser.polarity_scores(text)
        out[i] = (s["compound"], s["pos"], s["neg"], s["neu"])
    return out


def stack_features(probabilities: np.ndarray, vader: np.ndarray) -> np.ndarray:
    """Return the second stage's inputs: log-probabilities of the word model and VADER's scores."""
    return np.column_stack([np.log(np.clip(probabilities, 1e-6, 1.0)), vader])


def _softmax(z: np.ndarray) -> np.ndarray:
    """Return row-wise softmax of ``z``."""
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True, eq=False)
class SentimentModel:
    """The shipped two-stage sentiment model: hashed word weights, a stacker and label thresholds."""

    buckets: np.ndarray  # (k,) int32 hashed feature indices with a weight
    weights: np.ndarray  # (3, k) float32 weights of those buckets
    intercept: np.ndarray  # (3,)
    stack_coef: np.ndarray  # (3, 7)
    stack_intercept: np.ndarray  # (3,)
    negative_below: float
    positive_above: float
    combined_thresholds: tuple[float, float]
    meta: dict[str, Any] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        """Write the model as a compressed ``.npz`` (no pickles); raises OSError when it cannot."""
        np.savez_compressed(
            path,
            buckets=self.buckets.astype(np.int32),
            weights=self.weights.astype(np.float16),
            intercept=self.intercept,
            stack_coef=self.stack_coef,
            stack_intercept=self.stack_intercept,
            thresholds=np.array([self.negative_below, self.positive_above]),
            combined_thresholds=np.array(self.combined_thresholds),
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
                stack_coef=data["stack_coef"].astype(np.float64),
                stack_intercept=data["stack_intercept"].astype(np.float64),
                negative_below=float(thresholds[0]),
                positive_above=float(thresholds[1]),
                combined_thresholds=tuple(float(v) for v in data["combined_thresholds"]),  # type: ignore[arg-type]
                meta=json.loads(str(data["meta"])),
            )

    @property
    def dense_weights(self) -> np.ndarray:
        """Return the (HASH_FEATURES, 3) weight matrix with zeros for unused buckets."""
        full = np.zeros((HASH_FEATURES, 3), dtype=np.float32)
        full[self.buckets] = self.weights.T
        return full

    def proba(
        self, texts: Sequence[str], *, combined: bool = False, _weights: np.ndarray | None = None
    ) -> np.ndarray:
        """Return (n, 3) probabilities of negative, neutral, positive (``combined``: stacked with VADER)."""
        if len(texts) == 0:
            return np.zeros((0, 3))
        weights = self.dense_weights if _weights is None else _weights
        x = make_vectorizer().transform(list(texts))
        base = _softmax(np.asarray(x @ weights, dtype=np.float64) + self.intercept)
        if not combined:
            return base
        z = stack_features(base, vader_features(texts)) @ self.stack_coef.T + self.stack_intercept
        return _softmax(z)

    def polarity(self, texts: Sequence[str], *, combined: bool = False) -> np.ndarray:
        """Return P(positive) - P(negative) for each text, in [-1, 1]."""
        p = self.proba(texts, combined=combined)
        return p[:, 2] - p[:, 0]

    def labels(self, texts: Sequence[str], *, combined: bool = False) -> np.ndarray:
        """Return the label of each text by this model's thresholds for the chosen stage."""
        low, high = self.combined_thresholds if combined else (self.negative_below, self.positive_above)
        return labels_from_polarity(self.polarity(texts, combined=combined), low, high)


@lru_cache(maxsize=1)
def load_model() -> SentimentModel:
    """Return the shipped model, read once per process; raises OSError when the file is missing."""
    return SentimentModel.load(MODEL_PATH)


@lru_cache(maxsize=1)
def _shipped_weights() -> np.ndarray:
    """Return the shipped model's dense weight matrix, built once per process."""
    return load_model().dense_weights


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
