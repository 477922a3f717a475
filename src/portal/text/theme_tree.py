"""The two levels of a discovered codeframe: themes (what) and their sub-themes (what about it).

A word in a large share of the comments (``context_share``: "flight" for an airline, "app" for app reviews)
is the context of the whole dataset, not a theme: it never seeds or widens a theme. The most frequent of
those nouns become themes of their own that hold only sub-themes ("flight › delayed"), so they count the
comments that say something particular about them, never every comment. Sub-themes are mined by
``portal.text.subthemes`` in the clauses of each theme; a theme's own keywords that became a sub-theme move
there. A theme left with no keyword and no sub-theme is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from portal.text.codeframe import Theme
from portal.text.phrases import Corpus, Terms, term_text
from portal.text.subthemes import SubTheme, sub_themes

if TYPE_CHECKING:
    from portal.text.themes import DiscoverySettings

__all__ = ["comment_share", "context_terms", "two_levels"]


def comment_share(corpus: Corpus, terms: Terms, n_comments: int) -> np.ndarray:
    """Return per phrase the share of comments that hold it."""
    to_comment = sp.csr_matrix((np.ones(corpus.n_clauses, dtype=np.float32),
                                (corpus.clause_comment, np.arange(corpus.n_clauses))),
                               shape=(max(n_comments, 1), corpus.n_clauses))
    held = to_comment @ terms.matrix
    held.data[:] = 1.0
    return np.asarray(held.sum(axis=0)).ravel() / max(n_comments, 1)


def context_terms(corpus: Corpus, terms: Terms, share: np.ndarray, settings: DiscoverySettings) -> list[int]:
    """Return the single nouns in more than ``context_share`` of the comments, most common first."""
    v = len(corpus.stems)
    ids = np.flatnonzero((share[:v] > settings.context_share) & corpus.content
                         & (corpus.noun >= settings.noun_share))
    return sorted(ids.tolist(), key=lambda t: (-share[t], corpus.stems[t]))[:settings.max_context]


def _clauses_of(terms: Terms, members: Sequence[int]) -> np.ndarray:
    """Return which clauses hold any of ``members``."""
    if not members:
        return np.zeros(terms.matrix.shape[0], dtype=bool)
    return np.asarray(terms.matrix[:, list(members)].sum(axis=1)).ravel() > 0


def _with_parent(corpus: Corpus, sub: SubTheme, parent_word: int, taken: set[str]) -> str:
    """Return a one-word sub-theme's name with its theme's word, in the order people write them ("delayed
    flight", "app crashes"), when they are written side by side in a fifth of its uses or more; else its name."""
    if parent_word < 0 or len(sub.words) != 1:
        return sub.name
    word = sub.words[0]
    ts, tc = corpus.token_stem, corpus.token_clause
    same = tc[1:] == tc[:-1]
    before = int((same & (ts[:-1] == word) & (ts[1:] == parent_word)).sum())
    after = int((same & (ts[:-1] == parent_word) & (ts[1:] == word)).sum())
    if max(before, after) < 0.2 * int((ts == word).sum()):
        return sub.name
    pair = (word, parent_word) if before >= after else (parent_word, word)
    name = f"{corpus.surface[pair[0]]} {corpus.surface[pair[1]]}"
    if name.casefold() in taken:
        return sub.name
    taken.discard(sub.name.casefold())
    taken.add(name.casefold())
    return name


def two_levels(corpus: Corpus, terms: Terms, themes: list[Theme], groups: list[list[int]],
               expanded: list[list[int]], share: np.ndarray, negative: list[bool] | None, taken: set[str],
               settings: DiscoverySettings) -> list[Theme]:
    """Return ``themes`` with the context themes added and every theme's sub-themes after all themes."""
    context = [t for t in context_terms(corpus, terms, share, settings)
               if term_text(corpus, terms, t, surface=True).casefold() not in taken]
    parents = list(themes)
    member_lists = [list(m) for m in expanded]
    for t in context:
        name = term_text(corpus, terms, t, surface=True)
        taken.add(name.casefold())
        parents.append(Theme(key=f"t{len(parents) + 1}", name=name, keywords=(name,), origin="discovered"))
        member_lists.append([t])
    matrix = np.stack([_clauses_of(terms, m) for m in member_lists], axis=1)
    banned = {w for g in groups for t in g for w in terms.words[t]} | {w for t in context for w in terms.words[t]}
    flags = None if negative is None else np.asarray(negative, dtype=bool)[corpus.clause_comment]
    found = sub_themes(corpus, matrix, banned, settings=settings.sub, negative=flags, taken=taken)
    heads = [terms.words[g[0]][0] if g and len(terms.words[g[0]]) == 1 else -1 for g in groups]
    heads += [terms.words[t][0] for t in context]
    found = [replace(s, name=_with_parent(corpus, s, heads[s.parent], taken)) for s in found]
    used = {k.casefold() for s in found for k in s.keywords}
    context_keys = {p.key for p in parents[len(themes):]}
    has_child = {parents[s.parent].key for s in found}
    out: list[Theme] = []
    for parent in parents:
        own = () if parent.key in context_keys else tuple(k for k in parent.keywords if k.casefold() not in used)
        if own or parent.key in has_child:
            out.append(Theme(key=parent.key, name=parent.name, keywords=own, origin="discovered"))
    kept = {p.key for p in out}
    number = len(parents)
    for sub in found:
        if parents[sub.parent].key not in kept:
            continue
        number += 1
        out.append(Theme(key=f"t{number}", name=sub.name, keywords=sub.keywords, origin="discovered",
                         parent=parents[sub.parent].key))
    return out
