"""The features of the sentiment models: hashed word 1-2 grams plus three lexicon columns.

Words a model never saw in training still carry sentiment through three extra columns computed from
the same hashed features: the sum of VADER's positive valences, of its negative valences (its lexicon
ships with the ``vaderSentiment`` package), and of problem/complaint cues ("crashes", "refund", "on hold",
"not working"). Each column is a fixed linear function of the hashed features, so a trained model folds
them into its word weights (``fold``) and scoring costs nothing extra. Negation ("not good") is left to the word bigrams the model learns: negated
lexicon bigrams were tried, but tens of thousands of them collide in the hashed buckets with common bigrams.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["HASH_FEATURES", "LEXICON_COLUMNS", "design", "fold", "lexicon_matrix", "make_vectorizer"]

HASH_FEATURES = 2**18
LEXICON_COLUMNS = ("lexicon_positive", "lexicon_negative", "problem_cues")
PROBLEM_CUES = (
    "crash crashes crashed crashing error errors bug bugs glitch freeze freezes frozen fail fails failed "
    "failing failure problem problems issue issues complaint complain complained refund refunds delay delayed "
    "delays cancelled canceled lost missing broken broke waiting waited hours still unable rude useless "
    "charged overcharged scam blocked locked stuck disappointed disappointing unacceptable"
).split()
PROBLEM_BIGRAMS = (
    "not working", "doesn't work", "didn't work", "stopped working", "keeps crashing", "on hold", "please fix",
    "never again", "no response", "no answer", "not received", "still waiting",
)


def _normalise(text: str) -> str:
    """Return ``text`` lower-cased with typographic apostrophes made plain."""
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def make_vectorizer() -> Any:
    """Return the stateless word 1-2 gram hashing vectorizer every sentiment model uses."""
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


def _bucket(texts: list[str], bigram: bool) -> list[int | None]:
    """Return the hashed bucket of each one-word text (or of the bigram of each two-word text)."""
    vec = make_vectorizer()
    x = vec.transform(texts)
    out: list[int | None] = []
    for i, text in enumerate(texts):
        row = set(x.indices[x.indptr[i] : x.indptr[i + 1]].tolist())
        if bigram:
            row -= set(vec.transform(text.split()).indices.tolist())
        out.append(row.pop() if len(row) == 1 else None)
    return out


@lru_cache(maxsize=1)
def lexicon_matrix() -> np.ndarray:
    """Return the (HASH_FEATURES, 3) matrix mapping hashed buckets to the three lexicon columns."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    lexicon = SentimentIntensityAnalyzer().lexicon
    words = sorted(w for w in lexicon if len(w) > 1 and w.replace("'", "").replace("-", "").isalpha())
    out = np.zeros((HASH_FEATURES, 3), dtype=np.float64)
    for word, bucket in zip(words, _bucket(words, bigram=False), strict=True):
        if bucket is not None:
            value = lexicon[word] / 4.0
            out[bucket, 0 if value > 0 else 1] += abs(value)
    for bucket in _bucket(list(PROBLEM_CUES), bigram=False):
        if bucket is not None:
            out[bucket, 2] = 1.0
    for bucket in _bucket(list(PROBLEM_BIGRAMS), bigram=True):
        if bucket is not None:
            out[bucket, 2] = 1.0
    return out


def design(x: Any) -> Any:
    """Return the hashed features ``x`` with the three lexicon columns appended (sparse CSR)."""
    import scipy.sparse as sp

    return sp.hstack([x, sp.csr_matrix(x @ lexicon_matrix())]).tocsr()


def fold(coef: np.ndarray) -> np.ndarray:
    """Return (k, HASH_FEATURES) word weights with the lexicon columns' weights folded in."""
    return coef[:, :HASH_FEATURES] + coef[:, HASH_FEATURES:] @ lexicon_matrix().T
