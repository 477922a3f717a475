"""Function words found from the comments themselves, so discovery reads any language.

English stop words are a list (``portal.text.phrases.STOP_WORDS``); other languages get theirs from the data.
A function word ("que", "la", "di", "und") is among the most frequent words of a dataset, is short, and sits
between many different words: among ``SAMPLE`` of its occurrences spread evenly over the comments, the
words right before it and right after it are mostly different ones. A noun such as "app", "cuenta" or
"konto" is as frequent but keeps company with a few words ("the app", "la cuenta", "mein konto").
Determiners are the function words that are mostly followed by a word that is not a function word
("la cuenta", "il conto"); what follows them counts as a noun.

A small list of negations in several languages helps phrase mining keep "not working", "no funciona".
"""

from __future__ import annotations

import numpy as np

__all__ = ["NEGATIONS", "SAMPLE", "data_determiners", "data_function_words", "neighbour_variety"]

#: Occurrences of a word looked at to judge how varied its neighbours are.
SAMPLE = 60
#: Fewest occurrences of a word judged from the data.
MIN_COUNT = 20
#: Among this many most frequent words function words are looked for.
TOP_WORDS = 80
#: Longest function word (in letters) found from the data.
MAX_LENGTH = 5
#: Share of different neighbours (before and after, averaged) from which a frequent short word is a function word.
MIN_VARIETY = 0.5
#: Share of its occurrences a determiner is followed by a word that is not a function word.
MIN_BEFORE_CONTENT = 0.75

#: Negations that may open a mined phrase ("not working", "no funciona", "non funziona", "nicht möglich").
NEGATIONS: frozenset[str] = frozenset("""
not no never cannot can't don't didn't doesn't won't isn't wasn't aren't weren't couldn't wouldn't haven't hasn't
cant dont didnt doesnt wont isnt wasnt nothing nobody without unable
nunca nada sin non mai senza nicht kein keine keinen nie ohne pas jamais sans niet geen nooit zonder não nem sem
""".split())


def neighbour_variety(token_stem: np.ndarray, token_clause: np.ndarray, n_stems: int,
                      sample: int = SAMPLE) -> tuple[np.ndarray, np.ndarray]:
    """Return per stem its occurrence count and the share of different neighbours in ``sample`` of its uses
    (spread evenly over the comments).

    The share averages the words right before and right after (the clause edge counts as one neighbour).
    """
    n = len(token_stem)
    counts = np.bincount(token_stem, minlength=n_stems)
    if n == 0:
        return counts, np.zeros(n_stems)
    order = np.argsort(token_stem, kind="stable")
    start = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.repeat(start, counts)
    # Occurrences spread evenly over the comments (the first ones would all come from similar, sorted texts).
    step = np.maximum(counts // sample, 1)[token_stem]
    keep = (rank % step == 0) & (rank // step < sample)
    pos = np.flatnonzero(keep)
    left = np.where((pos > 0) & (token_clause[np.maximum(pos - 1, 0)] == token_clause[pos]),
                    token_stem[np.maximum(pos - 1, 0)], -1)
    right = np.where((pos < n - 1) & (token_clause[np.minimum(pos + 1, n - 1)] == token_clause[pos]),
                     token_stem[np.minimum(pos + 1, n - 1)], -1)
    used = np.minimum(counts, sample).astype(float)
    variety = np.zeros(n_stems)
    for side in (left, right):
        pairs = np.unique(token_stem[pos] * (n_stems + 1) + (side + 1))
        distinct = np.bincount(pairs // (n_stems + 1), minlength=n_stems)
        variety += np.divide(distinct, used, out=np.zeros(n_stems), where=used > 0) / 2
    return counts, variety


def data_function_words(stems: list[str], token_stem: np.ndarray, token_clause: np.ndarray) -> np.ndarray:
    """Return per stem whether the data say it is a function word (frequent, short, between many words)."""
    counts, variety = neighbour_variety(token_stem, token_clause, len(stems))
    out = np.zeros(len(stems), dtype=bool)
    if not len(stems):
        return out
    top = np.argsort(-counts, kind="stable")[:TOP_WORDS]
    for s in top:
        word = stems[s]
        if counts[s] >= MIN_COUNT and len(word) <= MAX_LENGTH and word.isalpha() and variety[s] >= MIN_VARIETY:
            out[s] = True
    return out


def data_determiners(function: np.ndarray, token_stem: np.ndarray, token_clause: np.ndarray) -> np.ndarray:
    """Return per stem whether it is a function word mostly followed by a word that is not one (an article)."""
    n = len(token_stem)
    out = np.zeros(len(function), dtype=bool)
    if n < 2:
        return out
    same = token_clause[1:] == token_clause[:-1]
    head = token_stem[:-1]
    before_content = same & ~function[token_stem[1:]]
    total = np.bincount(head, minlength=len(function)).astype(float)
    content = np.bincount(head, weights=before_content.astype(float), minlength=len(function))
    share = np.divide(content, total, out=np.zeros_like(total), where=total > 0)
    return function & (share >= MIN_BEFORE_CONTENT)
