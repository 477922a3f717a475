"""What a discovered theme is called and which keywords it gets.

A theme starts from its group of seed phrases and is widened with the phrases that mostly occur in clauses
of that theme (``expand``); two-word phrases whose words already point to the theme are dropped (``prune``).
Its name is its most frequent seed phrase, two when the second is nearly as frequent (``theme_name``), and
its keywords are its seeds followed by the phrases it gained, most frequent first (``theme_keywords``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from portal.text.phrases import Corpus, Terms, term_text

__all__ = ["expand", "prune", "theme_keywords", "theme_name"]


def _owners(terms: Terms, groups: list[list[int]]) -> np.ndarray:
    """Return per phrase the group it seeds (-1 for none)."""
    seeded = np.full(terms.matrix.shape[1], -1, dtype=np.int64)
    for g, members in enumerate(groups):
        seeded[members] = g
    return seeded


def _widen(matrix: sp.csr_matrix, terms: Terms, seeded: np.ndarray, owner: np.ndarray, k: int, *, min_count: int,
           min_precision: float, min_lift: float, min_together: int) -> np.ndarray:
    """Return one round's owners: seeds keep their group, other phrases join the group their clauses favour."""
    n_terms = matrix.shape[1]
    membership = sp.csr_matrix(
        (np.ones(int((owner >= 0).sum()), dtype=np.float32), (np.flatnonzero(owner >= 0), owner[owner >= 0])),
        shape=(n_terms, k),
    )
    labels = (matrix @ membership) > 0
    labelled = np.asarray(labels.sum(axis=1)).ravel() > 0
    together = (matrix.T @ labels.astype(np.float32)).toarray()
    in_labelled = np.asarray(matrix[labelled].sum(axis=0)).ravel()
    precision = (together + 0.1) / (in_labelled[:, None] + 1.0)
    base = labels[labelled].mean(axis=0).A1 if hasattr(labels, "A1") else np.asarray(
        labels[labelled].mean(axis=0)).ravel()
    best = precision.argmax(axis=1)
    best_precision = precision[np.arange(n_terms), best]
    best_count = together[np.arange(n_terms), best]
    new_owner = seeded.copy()
    grow = ((seeded < 0) & (terms.count >= min_count) & (best_precision >= min_precision)
            & (best_precision >= min_lift * base[best]) & (best_count >= min_together))
    new_owner[grow] = best[grow]
    return new_owner


def expand(terms: Terms, groups: list[list[int]], *, rounds: int, min_count: int, min_precision: float,
           min_lift: float, min_together: int) -> list[list[int]]:
    """Return each group widened with the phrases that mostly occur in its clauses (each phrase in one group).

    A phrase joins a group in one of ``rounds`` rounds when it occurs in ``min_count`` clauses or more, at
    least ``min_together`` of them in the group's clauses, which are at least ``min_precision`` of its
    clauses and ``min_lift`` times the group's share of all labelled clauses.
    """
    matrix = terms.matrix.tocsr()
    seeded = _owners(terms, groups)
    owner = seeded.copy()
    for _ in range(rounds):
        owner = _widen(matrix, terms, seeded, owner, len(groups), min_count=min_count, min_precision=min_precision,
                       min_lift=min_lift, min_together=min_together)
    out: list[list[int]] = []
    for g, members in enumerate(groups):
        extra = [int(t) for t in np.flatnonzero((owner == g) & (seeded < 0))]
        extra.sort(key=lambda t: (-terms.count[t], t))
        out.append([*members, *extra])
    return out


def prune(terms: Terms, groups: list[list[int]]) -> list[list[int]]:
    """Drop two-word phrases whose words already put a clause in the same theme (and in no other)."""
    owner: dict[int, int] = {}
    for g, members in enumerate(groups):
        for t in members:
            if len(terms.words[t]) == 1:
                owner[terms.words[t][0]] = g
    out = []
    for g, members in enumerate(groups):
        kept = []
        for t in members:
            words = terms.words[t]
            if len(words) > 1:
                owners = {owner.get(w) for w in words} - {None}
                if owners == {g}:
                    continue
            kept.append(t)
        out.append(kept)
    return out


def theme_name(corpus: Corpus, terms: Terms, seeds: list[int], taken: set[str]) -> str:
    """Return a readable theme name: the most frequent seed phrase, and the second when nearly as frequent."""
    texts = [term_text(corpus, terms, t, surface=True) for t in seeds]
    first = texts[0]
    name = first
    if len(seeds) > 1 and terms.count[seeds[1]] >= 0.4 * terms.count[seeds[0]]:
        second = texts[1]
        joined = _written_together(corpus, terms, seeds[0], seeds[1])
        if joined:
            name = joined
        elif second not in first and first not in second:
            name = f"{first} & {second}"
    candidates = [name, *texts[1:]]
    for candidate in candidates:
        if candidate.casefold() not in taken:
            return candidate
    number = 2
    while f"{first} ({number})".casefold() in taken:
        number += 1
    return f"{first} ({number})"


def _written_together(corpus: Corpus, terms: Terms, a: int, b: int) -> str | None:
    """Return two one-word seeds as the phrase people write ("hard drive", never "drive & hard"), in the order
    they write them most, when the phrase is at least a fifth as frequent as the rarer word; else None."""
    if len(terms.words[a]) != 1 or len(terms.words[b]) != 1:
        return None
    wa, wb = terms.words[a][0], terms.words[b][0]
    ts, tc = corpus.token_stem, corpus.token_clause
    same = tc[1:] == tc[:-1]
    forward = int((same & (ts[:-1] == wa) & (ts[1:] == wb)).sum())
    backward = int((same & (ts[:-1] == wb) & (ts[1:] == wa)).sum())
    if max(forward, backward) < 0.2 * min(terms.count[a], terms.count[b]):
        return None
    first, second = (wa, wb) if forward >= backward else (wb, wa)
    return f"{corpus.surface[first]} {corpus.surface[second]}"


def theme_keywords(corpus: Corpus, terms: Terms, members: list[int], limit: int) -> tuple[str, ...]:
    """Return the written forms of a theme's first ``limit`` phrases, without repeats, in order."""
    return tuple(dict.fromkeys(term_text(corpus, terms, t, surface=True) for t in members[:limit]))
