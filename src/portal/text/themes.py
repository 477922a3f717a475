"""Theme discovery: propose a codeframe (themes and their sub-themes, with readable names and keywords) from a
dataset's comments.

How it works (all offline, scikit-learn and NumPy only, fixed seeds, so the same comments always give the
same themes, in any order):

1. Comments are split into clauses (``portal.text.sentences``), each clause is a document, and words are
   folded to their singular form. Function words and words that only say how good or bad something was
   ("great", "terrible", "love") are left out: they tell how people feel, not what they talk about.
   Function words come from the English lists and, for comments in other languages, from the data
   (``portal.text.function_words``).
2. *Seed phrases* are the most frequent nouns and two-word noun phrases (a word counts as a noun when the
   comments often put it after an article or before "is", "was"...). A word in more than
   ``context_share`` of the comments is the dataset's subject ("flight", "app"), never a seed; a word
   mostly written inside one two-word phrase is seeded as that phrase ("hard drive").
3. Each seed is described by the words written right next to it (two words either side, weighted by
   positive pointwise mutual information). Phrases described alike mean alike ("atmosphere" and "decor" are
   both "cozy", "romantic", "loud"), so seeds are grouped by average-linkage clustering of those
   descriptions, repeated on 20 random 80% samples of the clauses; the seeds that end up together most
   often form a theme. Half again as many groups as themes are formed; a group of several seeds in more than
   a quarter of the comments (``max_theme_share``) is split in two where its halves were grouped together in
   fewer than half the samples (a loose bucket, not a theme whose phrases always go together), again until
   no such group is left; then the groups that cover the fewest clauses are dropped.
4. A theme's name is its most frequent seed phrase (two when the second is nearly as frequent, or the phrase
   people write when the two are written together), and its keywords are its seeds.
5. Sub-themes (``portal.text.theme_tree`` and ``portal.text.subthemes``): phrases with their verbs,
   adjectives and negations that are distinctive of each theme's clauses (log-odds with an informative
   Dirichlet prior), problems first when the negative comments are known; the subject words become themes
   that hold only sub-themes. No sub-theme covers more than a quarter of the comments.

``FIRST_WAVE`` keeps the earlier one-level discovery (English lists only, themes widened with the words that
mostly occur in their clauses, ``portal.text.keywords.expand``) for comparison. Assignment
(``portal.text.assign``) then matches keywords, so a discovered codeframe behaves exactly like one a person
typed in, and can be edited like one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import AgglomerativeClustering
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from portal.errors import InputError
from portal.numbers import plural
from portal.text.codeframe import Codeframe, Theme
from portal.text.keywords import expand, prune, theme_keywords, theme_name
from portal.text.phrases import GENERIC_WORDS, Corpus, Terms, build_corpus, build_terms, seed_terms
from portal.text.subthemes import SubThemeSettings
from portal.text.theme_tree import comment_share, two_levels

__all__ = [
    "DEFAULT_SETTINGS",
    "GENERIC_WORDS",
    "MAX_THEMES",
    "MIN_COMMENTS",
    "MIN_THEMES",
    "FIRST_WAVE",
    "DiscoverySettings",
    "default_theme_count",
    "discover",
]

Progress = Callable[[float, str], None]

#: Fewest comments discovery runs on; below this a dataset gets no themes until it has more comments.
MIN_COMMENTS = 50
MIN_THEMES = 2
MAX_THEMES = 60


@dataclass(frozen=True)
class DiscoverySettings:
    """The knobs of discovery. The first wave's were tuned on the SemEval-2014 restaurant training sentences;
    the two-level ones (``two_level`` and below) were set once and are measured on every labelled set.
    ``widen_share``: widen a theme with phrases in at most this share of the comments (0: seeds only);
    ``widen_with_adjectives``: let them be other than nouns; ``max_theme_share``: split a group of seeds in
    more of the comments than this (0: never)."""

    seeds_per_theme: int = 6
    window: int = 2
    noun_share: float = 0.35
    bootstraps: int = 20
    sample_share: float = 0.8
    overcluster: float = 1.5
    rounds: int = 2
    min_precision: float = 0.5
    min_lift: float = 1.5
    min_together: int = 2
    min_seed_count: int = 5
    min_keyword_count: int = 3
    max_seed_share: float = 0.25
    max_comments: int = 20_000
    max_keywords: int = 300
    seed: int = 0
    two_level: bool = True
    widen_share: float = 0.0
    widen_with_adjectives: bool = False
    context_share: float = 0.4
    max_context: int = 3
    max_theme_share: float = 0.25
    sub: SubThemeSettings = field(default_factory=SubThemeSettings)


DEFAULT_SETTINGS = DiscoverySettings()
#: The first wave's discovery (one level, nouns only, English lists only), kept for comparison.
FIRST_WAVE = DiscoverySettings(two_level=False, max_theme_share=0.0)


#: A wide group is split only where its two halves were grouped together in fewer than this share of the
#: sampled runs (a theme whose phrases always go together stays whole, however many comments it is in).
SPLIT_BELOW = 0.5


def default_theme_count(n_comments: int) -> int:
    """Return the number of themes proposed for ``n_comments`` comments: 10 to 25, more for more comments."""
    return int(min(25, max(10, round(math.sqrt(max(n_comments, 0)) / 4))))


def _contexts(corpus: Corpus, terms: Terms, seeds: np.ndarray, window: int) -> tuple[np.ndarray, ...]:
    """Return (seed index, context stem, clause) for every content word within ``window`` of a seed."""
    ts, tc = corpus.token_stem, corpus.token_clause
    n = len(ts)
    seed_index = np.full(len(terms.words), -1, dtype=np.int64)
    seed_index[seeds] = np.arange(len(seeds))
    occ_seed = [seed_index[ts]]
    occ_pos = [np.arange(n)]
    occ_len = [np.ones(n, dtype=np.int64)]
    occ_seed.append(seed_index[terms.bigram_term])
    occ_pos.append(terms.bigram_pos)
    occ_len.append(np.full(len(terms.bigram_pos), 2, dtype=np.int64))
    seed_of = np.concatenate(occ_seed)
    pos = np.concatenate(occ_pos)
    length = np.concatenate(occ_len)
    keep = seed_of >= 0
    seed_of, pos, length = seed_of[keep], pos[keep], length[keep]
    out_seed, out_ctx, out_clause = [], [], []
    for distance in range(1, window + 1):
        for at in (pos - distance, pos + length - 1 + distance):
            valid = (at >= 0) & (at < n)
            at_safe = np.where(valid, at, 0)
            valid &= tc[at_safe] == tc[pos]
            valid &= corpus.content[ts[at_safe]]
            out_seed.append(seed_of[valid])
            out_ctx.append(ts[at_safe][valid])
            out_clause.append(tc[pos][valid])
    return np.concatenate(out_seed), np.concatenate(out_ctx), np.concatenate(out_clause)


def _ppmi_vectors(seed_of: np.ndarray, ctx: np.ndarray, n_seeds: int) -> np.ndarray:
    """Return each seed's row of positive PMI with its context words (context counts smoothed ^0.75), L2-normed."""
    _, ctx_ids = np.unique(ctx, return_inverse=True)
    width = int(ctx_ids.max()) + 1 if len(ctx_ids) else 1
    counts = sp.coo_matrix((np.ones(len(seed_of)), (seed_of, ctx_ids)), shape=(n_seeds, width)).toarray()
    total = counts.sum()
    if total == 0:
        return counts
    row = counts.sum(axis=1, keepdims=True)
    col = counts.sum(axis=0, keepdims=True) ** 0.75
    col = col / col.sum() * total
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(counts * total / (row * col))
    pmi = np.where(np.isfinite(pmi) & (pmi > 0), pmi, 0.0)
    return normalize(pmi)


def _average_linkage(distance: np.ndarray, k: int) -> np.ndarray:
    """Return cluster labels from average-linkage clustering of a distance matrix into ``k`` groups."""
    k = max(1, min(k, len(distance)))
    if k == 1 or len(distance) < 2:
        return np.zeros(len(distance), dtype=np.int64)
    distance = np.clip(distance, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(n_clusters=k, metric="precomputed", linkage="average")
    return model.fit_predict(distance)


def _group_seeds(corpus: Corpus, terms: Terms, seeds: np.ndarray, k: int, s: DiscoverySettings) -> list[list[int]]:
    """Return the seed groups that become themes (lists of term ids), largest coverage first."""
    seed_of, ctx, clause = _contexts(corpus, terms, seeds, s.window)
    n = len(seeds)
    usable = np.zeros(n, dtype=bool)
    usable[np.unique(seed_of)] = True
    rng = np.random.default_rng(s.seed)
    together = np.zeros((n, n))
    k_over = max(k, int(round(k * s.overcluster)))
    runs = 0
    for _ in range(s.bootstraps):
        chosen = rng.random(corpus.n_clauses) < s.sample_share
        keep = chosen[clause]
        vectors = _ppmi_vectors(seed_of[keep], ctx[keep], n)
        ok = np.flatnonzero(vectors.any(axis=1) & usable)
        if len(ok) < 2:
            continue
        labels = _average_linkage(1.0 - vectors[ok] @ vectors[ok].T, k_over)
        same = labels[:, None] == labels[None, :]
        together[np.ix_(ok, ok)] += same
        runs += 1
    if runs == 0:
        return [[int(t)] for t in seeds[:k]]
    share = together / runs
    ok = np.flatnonzero(usable)
    labels = _average_linkage(1.0 - share[np.ix_(ok, ok)], k_over)
    groups: list[list[int]] = []
    for label in range(int(labels.max()) + 1):
        members = [int(seeds[i]) for i in ok[labels == label]]
        if members:
            groups.append(members)
    if s.max_theme_share > 0:
        index = {int(t): i for i, t in enumerate(seeds)}
        groups = _split_wide(corpus, terms, groups, share, index, s.max_theme_share)
    matrix = terms.matrix
    coverage = [int((matrix[:, g].sum(axis=1) > 0).sum()) for g in groups]
    order = sorted(range(len(groups)), key=lambda i: (-coverage[i], min(groups[i])))
    return [sorted(groups[i], key=lambda t: (-terms.count[t], t)) for i in order[:k]]


def _comment_coverage(corpus: Corpus, terms: Terms, group: list[int]) -> float:
    """Return the share of comments with a clause that holds any phrase of ``group``."""
    clauses = np.asarray(terms.matrix[:, group].sum(axis=1)).ravel() > 0
    n_comments = int(corpus.clause_comment.max()) + 1 if len(corpus.clause_comment) else 1
    return len(np.unique(corpus.clause_comment[clauses])) / n_comments


def _split_wide(corpus: Corpus, terms: Terms, groups: list[list[int]], together: np.ndarray,
                index: dict[int, int], cap: float) -> list[list[int]]:
    """Return ``groups`` with each group of several seeds that is in more than ``cap`` of the comments split
    in two by the same average linkage (on how often its seeds were grouped together), again until none is."""
    out: list[list[int]] = []
    todo = list(groups)
    while todo:
        group = todo.pop()
        if len(group) < 2 or _comment_coverage(corpus, terms, group) <= cap:
            out.append(group)
            continue
        rows = np.array([index[t] for t in group])
        labels = _average_linkage(1.0 - together[np.ix_(rows, rows)], 2)
        if together[np.ix_(rows[labels == 0], rows[labels == 1])].mean() >= SPLIT_BELOW:
            out.append(group)
            continue
        todo.extend([t for t, label in zip(group, labels, strict=True) if label == side] for side in (0, 1))
    return sorted(out, key=min)


def _whole_phrases(terms: Terms, seeds: np.ndarray, share: float = 0.6) -> np.ndarray:
    """Return ``seeds`` with each word that is mostly written within one two-word phrase replaced by that phrase
    ("hard", "drive" -> "hard drive"), without repeats."""
    v = int(terms.bigram_term.min()) if len(terms.bigram_term) else len(terms.words)
    pairs = np.array(terms.words[v:], dtype=np.int64).reshape(-1, 2)
    out: list[int] = []
    for seed in seeds.tolist():
        if len(terms.words[seed]) == 1 and len(pairs):
            word = terms.words[seed][0]
            holding = np.flatnonzero((pairs[:, 0] == word) | (pairs[:, 1] == word)) + v
            if len(holding):
                best = int(holding[np.argmax(terms.count[holding])])
                if terms.count[best] >= share * terms.count[seed]:
                    seed = best
        if seed not in out:
            out.append(seed)
    return np.asarray(out, dtype=np.int64)


def _scaled(progress: Progress | None, low: float, high: float) -> Progress | None:
    """Return a progress callback mapping 0..1 onto ``low``..``high`` of the caller's bar."""
    if progress is None:
        return None

    def report(fraction: float, message: str) -> None:
        progress(low + (high - low) * max(0.0, min(1.0, fraction)), message)

    return report


def _sample(texts: Sequence[str | None], limit: int, seed: int,
            negative: Sequence[bool] | None = None) -> tuple[list[str], list[bool] | None]:
    """Return the non-empty texts in sorted order (so their order never matters), ``limit`` of them at most,
    with their negative flags (None without ``negative``).

    When there are more, a fixed random sample of the sorted texts is taken.
    """
    flags = [False] * len(texts) if negative is None else [bool(x) for x in negative]
    if len(flags) != len(texts):
        raise InputError(f"Discovery got {len(texts)} comments but {len(flags)} negative flags; give one per comment.")
    usable = sorted((t, f) for t, f in zip(texts, flags, strict=True) if isinstance(t, str) and t.strip())
    if len(usable) > limit:
        chosen = np.sort(np.random.default_rng(seed).choice(len(usable), size=limit, replace=False))
        usable = [usable[i] for i in chosen]
    return [t for t, _ in usable], (None if negative is None else [f for _, f in usable])


def discover(
    texts: Sequence[str | None],
    *,
    n_themes: int | None = None,
    settings: DiscoverySettings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
    negative: Sequence[bool] | None = None,
) -> Codeframe:
    """Return a proposed codeframe for ``texts`` (``n_themes`` themes, default ``default_theme_count``).

    Themes come with sub-themes (``settings.two_level``); ``negative`` (one flag per text, e.g. low scores)
    lets sub-themes also be mined among the negative comments, where problems are. Deterministic: the same
    texts (in any order) and settings give the same codeframe. Datasets larger than
    ``settings.max_comments`` are read through a fixed random sample of that many comments. Raises
    ``InputError`` when there are fewer than ``MIN_COMMENTS`` comments, when ``n_themes`` is outside
    ``MIN_THEMES``..``MAX_THEMES``, when ``negative`` does not have one flag per text, or when the comments
    hold too few repeated nouns to form themes.
    """
    sample, flags = _sample(texts, settings.max_comments, settings.seed, negative)
    if len(sample) < MIN_COMMENTS:
        raise InputError(f"Themes are found from {MIN_COMMENTS} comments on; this dataset has {len(sample)}. "
                         "Import more comments, or add themes by hand.")
    k = default_theme_count(len(sample)) if n_themes is None else int(n_themes)
    if not MIN_THEMES <= k <= MAX_THEMES:
        raise InputError(f"Ask for {MIN_THEMES} to {MAX_THEMES} themes, not {k}.")
    if progress:
        progress(0.0, f"Reading {plural(len(sample), 'comment')}")
    # Small matrix products: one BLAS thread is faster than several fighting over shared cores.
    with threadpool_limits(limits=1, user_api="blas"):
        return _discover(sample, flags, k, settings, progress)


def _discover(sample: list[str], flags: list[bool] | None, k: int, settings: DiscoverySettings,
              progress: Progress | None) -> Codeframe:
    """Run discovery on the sampled comments (see ``discover``)."""
    corpus = build_corpus(sample, _scaled(progress, 0.0, 0.35), from_data=settings.two_level)
    terms = build_terms(corpus)
    share = comment_share(corpus, terms, len(sample))
    allowed = share <= settings.context_share if settings.two_level else None
    seeds = seed_terms(corpus, terms, k * settings.seeds_per_theme, min_count=settings.min_seed_count,
                       max_share=settings.max_seed_share, noun_share=settings.noun_share, allowed=allowed)
    if settings.two_level:
        seeds = _whole_phrases(terms, seeds)
    if len(seeds) < k:
        raise InputError(f"The comments repeat too few topics to find {plural(k, 'theme')} (only {plural(len(seeds), 'word or phrase', 'words or phrases')} "
                         "come up often enough). Ask for fewer themes, or add themes by hand.")
    if progress:
        progress(0.45, f"Grouping {plural(len(seeds), 'frequent phrase')} into {plural(k, 'theme')}")
    groups = _group_seeds(corpus, terms, seeds, k, settings)
    if progress:
        progress(0.7, "Collecting keywords for each theme")
    expanded = expand(terms, groups, rounds=settings.rounds, min_count=settings.min_keyword_count,
                      min_precision=settings.min_precision, min_lift=settings.min_lift,
                      min_together=settings.min_together)
    if settings.two_level:
        last_word = np.array([w[-1] for w in terms.words], dtype=np.int64)
        noun = corpus.noun[last_word] >= settings.noun_share
        if settings.widen_with_adjectives:
            noun[:] = True
        expanded = [[t for t in members if t in set(g) or (noun[t] and share[t] <= settings.widen_share)]
                    for g, members in zip(groups, expanded, strict=True)]
    # Pruned after the widening is settled, so a seed phrase is never dropped for words that were not kept.
    expanded = prune(terms, expanded)
    themes: list[Theme] = []
    taken: set[str] = set()
    for number, (seed_group, members) in enumerate(zip(groups, expanded, strict=True), start=1):
        name = theme_name(corpus, terms, seed_group, taken)
        taken.add(name.casefold())
        keywords = theme_keywords(corpus, terms, members, settings.max_keywords)
        themes.append(Theme(key=f"t{number}", name=name, keywords=keywords, origin="discovered"))
    if settings.two_level:
        if progress:
            progress(0.85, "Finding what people say about each theme")
        themes = two_levels(corpus, terms, themes, groups, expanded, share, flags, taken, settings)
    if progress:
        progress(1.0, f"Found {plural(len(themes), 'theme')}")
    return Codeframe(tuple(themes))
