"""Theme discovery: propose a codeframe (themes with readable names and keywords) from a dataset's comments.

How it works (all offline, scikit-learn and NumPy only, fixed seeds, so the same comments always give the
same themes):

1. Comments are split into clauses (``portal.text.sentences``), each clause is a document, and words are
   folded to their singular form. Stop words and words that only say how good or bad something was
   ("great", "terrible", "love") are left out: they tell how people feel, not what they talk about.
2. *Seed phrases* are the most frequent nouns and two-word noun phrases (a word counts as a noun when the
   comments often put it after "the", "my", "our"... or before "is", "was"...).
3. Each seed is described by the words written right next to it (two words either side, weighted by
   positive pointwise mutual information). Phrases described alike mean alike ("atmosphere" and "decor" are
   both "cozy", "romantic", "loud"; "staff" and "waiter" are both "friendly", "attentive", "rude"), so
   seeds are grouped by average-linkage clustering of those descriptions. Clustering is repeated on
   20 random 80% samples of the clauses and the seeds that end up together most often form a theme, which
   keeps noise from splitting or merging themes. Half again as many groups as themes are formed and the
   groups that cover the fewest clauses are dropped, so a stray word does not take a theme's place.
4. Each theme is then widened with the words that mostly occur in clauses of that theme (two rounds),
   which adds "delicious", "pizza", "sushi" to a food theme. Every phrase belongs to one theme at most.
5. A theme's name is its most frequent seed phrase (two when the second is nearly as frequent), and its
   keywords are its seeds followed by the words it gained, most frequent first.

Assignment (``portal.text.assign``) then matches keywords, so a discovered codeframe behaves exactly like one
a person typed in, and can be edited like one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from portal.errors import InputError
from portal.text.assign import clause_spans, term_key
from portal.text.codeframe import Codeframe, Theme
from portal.text.sentences import tokenize

__all__ = [
    "DEFAULT_SETTINGS",
    "GENERIC_WORDS",
    "MAX_THEMES",
    "MIN_COMMENTS",
    "MIN_THEMES",
    "DiscoverySettings",
    "default_theme_count",
    "discover",
]

Progress = Callable[[float, str], None]

#: Fewest comments discovery runs on; below this a dataset gets no themes until it has more comments.
MIN_COMMENTS = 50
MIN_THEMES = 2
MAX_THEMES = 60

#: Words that say how good or bad, how much or how often, or that appear in any feedback whatever its
#: subject. They never seed or join a theme and never name one.
GENERIC_WORDS: frozenset[str] = frozenset("""
good great nice excellent best better love loved loves lovely like liked likes really pretty definitely amazing
awesome wonderful fantastic terrible awful bad worst worse horrible recommend recommended recommending highly just
ok okay perfect perfectly fine super superb outstanding incredible incredibly decent poor disappointing
disappointed disappoint happy unhappy satisfied unsatisfied pleased glad enjoy enjoyed enjoying impressed
impressive absolutely totally completely extremely truly quite rather very much many lot lots thing things stuff
way ways bit little big huge overall actually simply especially usually always never ever also still even sure
certainly probably maybe honestly literally basically seriously want wanted wants need needed needs get gets got
getting make makes made making go going goes went gone come came comes coming say said says tell told know knew
think thought feel felt look looked looks looking use used using try tried trying give gave given take took taken
keep kept let put time times day days year years thanks thank please hate hated dislike star stars review reviews
rating ratings five four three two one first second highly strongly fairly kinda sorta lol wow yes yeah cool
fun favorite favourite beautiful gorgeous cute ugly sooo soo thing absolute wish hope glad sad
right point kind sort reason real end matter fact example moment whole instance anything everything something
nothing anyone everyone someone today yesterday tomorrow able unable etc
""".split())

_CONTRACTIONS = frozenset("""
does doesn did doing don't didn't doesn't i'm it's i've wasn't isn't can't won't i'd they're you're we're that's there's aren't
weren't couldn't wouldn't shouldn't haven't hasn't hadn't i'll you'll we'll they'll he's she's let's what's
who's dont didnt doesnt im ive wasnt isnt cant wont id youre theyre thats theres arent couldnt wouldnt
shouldnt havent hasnt don haven didn isn wasn doesn couldn wouldn shouldn aren weren hasn hadn
""".split())
STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | _CONTRACTIONS

# Words after which the next word (or the one after) is usually a noun, and verbs that usually follow one.
_DETERMINERS = frozenset({"the", "a", "an", "our", "their", "my", "your", "this", "that", "these", "those", "his",
                          "her", "its", "some", "any", "no", "every", "each"})
_NOUN_VERBS = frozenset({"is", "was", "are", "were", "has", "had", "have", "seems", "seemed", "looks", "looked",
                         "tastes", "tasted", "feels", "felt", "runs", "ran", "fits", "keeps", "kept"})


@dataclass(frozen=True)
class DiscoverySettings:
    """The knobs of discovery; the defaults were tuned on the SemEval-2014 restaurant training sentences."""

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


DEFAULT_SETTINGS = DiscoverySettings()


def default_theme_count(n_comments: int) -> int:
    """Return the number of themes proposed for ``n_comments`` comments: 10 to 25, more for more comments."""
    return int(min(25, max(10, round(math.sqrt(max(n_comments, 0)) / 4))))


@dataclass(frozen=True)
class _Corpus:
    """Clauses as token arrays: stem id and clause id per token, with the stem vocabulary."""

    stems: list[str]
    surface: list[str]
    token_stem: np.ndarray
    token_clause: np.ndarray
    content: np.ndarray
    noun: np.ndarray
    n_clauses: int


def _build_corpus(texts: Sequence[str], progress: Progress | None) -> _Corpus:
    """Split ``texts`` into clauses and tokens; return the arrays discovery works on."""
    spans = clause_spans(texts, progress=_scaled(progress, 0.0, 0.35))
    stem_ids: dict[str, int] = {}
    stems: list[str] = []
    surface_counts: list[dict[str, int]] = []
    token_stem: list[int] = []
    token_clause: list[int] = []
    lower_cache: dict[str, int] = {}
    clause = 0
    for text, text_spans in zip(texts, spans, strict=True):
        for start, end in text_spans:
            for token in tokenize(text[start:end]):
                sid = lower_cache.get(token)
                if sid is None:
                    stem = term_key(token)
                    sid = stem_ids.get(stem)
                    if sid is None:
                        sid = len(stems)
                        stem_ids[stem] = sid
                        stems.append(stem)
                        surface_counts.append({})
                    lower_cache[token] = sid
                counts = surface_counts[sid]
                counts[token] = counts.get(token, 0) + 1
                token_stem.append(sid)
                token_clause.append(clause)
            clause += 1
    ts = np.asarray(token_stem, dtype=np.int64)
    tc = np.asarray(token_clause, dtype=np.int64)
    surface = []
    for stem, counts in zip(stems, surface_counts, strict=True):
        common, most = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        surface.append(stem if counts.get(stem, 0) >= 0.2 * most else common)
    content_words = np.array(
        [s.isalpha() and len(s) > 2 and s not in STOP_WORDS and s not in GENERIC_WORDS
         and not any(f in STOP_WORDS or f in GENERIC_WORDS for f in counts)
         for s, counts in zip(stems, surface_counts, strict=True)],
        dtype=bool,
    )
    noun = _noun_share(stems, ts, tc)
    return _Corpus(stems=stems, surface=surface, token_stem=ts, token_clause=tc, content=content_words,
                   noun=noun, n_clauses=clause)


def _noun_share(stems: list[str], ts: np.ndarray, tc: np.ndarray) -> np.ndarray:
    """Return, per stem, the share of its occurrences right after a determiner or before 'is', 'was'..."""
    det = np.array([s in _DETERMINERS for s in stems], dtype=bool)
    verb = np.array([s in _NOUN_VERBS or s + "s" in _NOUN_VERBS for s in stems], dtype=bool)
    n = len(ts)
    hit = np.zeros(n, dtype=bool)
    if n > 1:
        same1 = tc[1:] == tc[:-1]
        hit[1:] |= same1 & det[ts[:-1]]
        hit[:-1] |= same1 & verb[ts[1:]]
    if n > 2:
        same2 = tc[2:] == tc[:-2]
        hit[2:] |= same2 & det[ts[:-2]]
    total = np.bincount(ts, minlength=len(stems)).astype(float)
    nouns = np.bincount(ts, weights=hit.astype(float), minlength=len(stems))
    return np.divide(nouns, total, out=np.zeros_like(total), where=total > 0)


@dataclass(frozen=True)
class _Terms:
    """Phrases (one word or two) with their clause matrix: unigram ids are stem ids, bigrams follow."""

    words: list[tuple[int, ...]]
    matrix: sp.csc_matrix
    count: np.ndarray
    bigram_pos: np.ndarray
    bigram_term: np.ndarray


def _build_terms(corpus: _Corpus) -> _Terms:
    """Return every content word and two-word phrase with the clauses it occurs in."""
    ts, tc = corpus.token_stem, corpus.token_clause
    v = len(corpus.stems)
    ok = corpus.content[ts]
    uni_rows, uni_cols = tc[ok], ts[ok]
    pair_ok = np.zeros(0, dtype=bool)
    if len(ts) > 1:
        pair_ok = ok[:-1] & ok[1:] & (tc[:-1] == tc[1:]) & (ts[:-1] != ts[1:])
    bigram_pos = np.flatnonzero(pair_ok)
    codes = ts[bigram_pos] * v + ts[bigram_pos + 1]
    unique_codes, inverse = np.unique(codes, return_inverse=True)
    words: list[tuple[int, ...]] = [(i,) for i in range(v)]
    words += [(int(c // v), int(c % v)) for c in unique_codes]
    bigram_term = v + inverse
    rows = np.concatenate([uni_rows, tc[bigram_pos]])
    cols = np.concatenate([uni_cols, bigram_term])
    matrix = sp.csc_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                           shape=(corpus.n_clauses, len(words)))
    matrix.data[:] = 1.0  # duplicates were summed: a clause either has a phrase or not
    count = np.asarray(matrix.sum(axis=0)).ravel()
    return _Terms(words=words, matrix=matrix, count=count, bigram_pos=bigram_pos, bigram_term=bigram_term)


def _term_text(corpus: _Corpus, terms: _Terms, term: int, *, surface: bool) -> str:
    """Return a phrase as text (stems, or the forms people wrote)."""
    names = corpus.surface if surface else corpus.stems
    return " ".join(names[w] for w in terms.words[term])


def _seed_terms(corpus: _Corpus, terms: _Terms, n_seeds: int, s: DiscoverySettings) -> np.ndarray:
    """Return the most frequent noun-like phrases (their term ids), most frequent first."""
    last_word = np.array([w[-1] for w in terms.words], dtype=np.int64)
    max_count = max(s.min_seed_count, s.max_seed_share * corpus.n_clauses)
    eligible = ((terms.count >= s.min_seed_count) & (terms.count <= max_count)
                & (corpus.noun[last_word] >= s.noun_share))
    candidates = np.flatnonzero(eligible)
    texts = [_term_text(corpus, terms, int(t), surface=False) for t in candidates]
    order = sorted(range(len(candidates)), key=lambda i: (-terms.count[candidates[i]], texts[i]))
    return candidates[order[:n_seeds]]


def _contexts(corpus: _Corpus, terms: _Terms, seeds: np.ndarray, window: int) -> tuple[np.ndarray, ...]:
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


def _group_seeds(corpus: _Corpus, terms: _Terms, seeds: np.ndarray, k: int, s: DiscoverySettings) -> list[list[int]]:
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
    matrix = terms.matrix
    coverage = [int((matrix[:, g].sum(axis=1) > 0).sum()) for g in groups]
    order = sorted(range(len(groups)), key=lambda i: (-coverage[i], min(groups[i])))
    return [sorted(groups[i], key=lambda t: (-terms.count[t], t)) for i in order[:k]]


def _expand(terms: _Terms, groups: list[list[int]], s: DiscoverySettings) -> list[list[int]]:
    """Return each group widened with the phrases that mostly occur in its clauses (each phrase in one group)."""
    matrix = terms.matrix.tocsr()
    n_terms = matrix.shape[1]
    k = len(groups)
    seeded = np.full(n_terms, -1, dtype=np.int64)
    for g, members in enumerate(groups):
        seeded[members] = g
    owner = seeded.copy()
    for _ in range(s.rounds):
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
        grow = ((seeded < 0) & (terms.count >= s.min_keyword_count) & (best_precision >= s.min_precision)
                & (best_precision >= s.min_lift * base[best]) & (best_count >= s.min_together))
        new_owner[grow] = best[grow]
        owner = new_owner
    out: list[list[int]] = []
    for g, members in enumerate(groups):
        extra = [int(t) for t in np.flatnonzero((owner == g) & (seeded < 0))]
        extra.sort(key=lambda t: (-terms.count[t], t))
        out.append([*members, *extra])
    return out


def _prune(corpus: _Corpus, terms: _Terms, groups: list[list[int]]) -> list[list[int]]:
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


def _theme_name(corpus: _Corpus, terms: _Terms, seeds: list[int], taken: set[str]) -> str:
    """Return a readable theme name: the most frequent seed phrase, and the second when nearly as frequent."""
    texts = [_term_text(corpus, terms, t, surface=True) for t in seeds]
    first = texts[0]
    name = first
    if len(seeds) > 1 and terms.count[seeds[1]] >= 0.4 * terms.count[seeds[0]]:
        second = texts[1]
        if second not in first and first not in second:
            name = f"{first} & {second}"
    candidates = [name, *texts[1:]]
    for candidate in candidates:
        if candidate.casefold() not in taken:
            return candidate
    number = 2
    while f"{first} ({number})".casefold() in taken:
        number += 1
    return f"{first} ({number})"


def _scaled(progress: Progress | None, low: float, high: float) -> Progress | None:
    """Return a progress callback mapping 0..1 onto ``low``..``high`` of the caller's bar."""
    if progress is None:
        return None

    def report(fraction: float, message: str) -> None:
        progress(low + (high - low) * max(0.0, min(1.0, fraction)), message)

    return report


def _sample(texts: Sequence[str | None], limit: int, seed: int) -> list[str]:
    """Return the non-empty texts in sorted order (so their order never matters), ``limit`` of them at most.

    When there are more, a fixed random sample of the sorted texts is taken.
    """
    usable = sorted(t for t in texts if isinstance(t, str) and t.strip())
    if len(usable) <= limit:
        return usable
    chosen = np.sort(np.random.default_rng(seed).choice(len(usable), size=limit, replace=False))
    return [usable[i] for i in chosen]


def discover(
    texts: Sequence[str | None],
    *,
    n_themes: int | None = None,
    settings: DiscoverySettings = DEFAULT_SETTINGS,
    progress: Progress | None = None,
) -> Codeframe:
    """Return a proposed codeframe for ``texts`` (``n_themes`` themes, default ``default_theme_count``).

    Deterministic: the same texts (in any order) and settings give the same codeframe. Datasets larger than
    ``settings.max_comments`` are read through a fixed random sample of that many comments. Raises
    ``InputError`` when there are fewer than ``MIN_COMMENTS`` comments, when ``n_themes`` is outside
    ``MIN_THEMES``..``MAX_THEMES``, or when the comments hold too few repeated nouns to form themes.
    """
    sample = _sample(texts, settings.max_comments, settings.seed)
    if len(sample) < MIN_COMMENTS:
        raise InputError(f"Themes are found from {MIN_COMMENTS} comments on; this dataset has {len(sample)}. "
                         "Import more comments, or add themes by hand.")
    k = default_theme_count(len(sample)) if n_themes is None else int(n_themes)
    if not MIN_THEMES <= k <= MAX_THEMES:
        raise InputError(f"Ask for {MIN_THEMES} to {MAX_THEMES} themes, not {k}.")
    if progress:
        progress(0.0, f"Reading {len(sample):,} comments")
    # Small matrix products: one BLAS thread is faster than several fighting over shared cores.
    with threadpool_limits(limits=1, user_api="blas"):
        return _discover(sample, k, settings, progress)


def _discover(sample: list[str], k: int, settings: DiscoverySettings, progress: Progress | None) -> Codeframe:
    """Run discovery on the sampled comments (see ``discover``)."""
    corpus = _build_corpus(sample, progress)
    terms = _build_terms(corpus)
    seeds = _seed_terms(corpus, terms, k * settings.seeds_per_theme, settings)
    if len(seeds) < k:
        raise InputError(f"The comments repeat too few topics to find {k} themes (only {len(seeds)} words or phrases "
                         "come up often enough). Ask for fewer themes, or add themes by hand.")
    if progress:
        progress(0.45, f"Grouping {len(seeds)} frequent phrases into {k} themes")
    groups = _group_seeds(corpus, terms, seeds, k, settings)
    if progress:
        progress(0.85, "Collecting keywords for each theme")
    expanded = _prune(corpus, terms, _expand(terms, groups, settings))
    themes: list[Theme] = []
    taken: set[str] = set()
    for number, (seed_group, members) in enumerate(zip(groups, expanded, strict=True), start=1):
        name = _theme_name(corpus, terms, seed_group, taken)
        taken.add(name.casefold())
        keywords = tuple(dict.fromkeys(_term_text(corpus, terms, t, surface=True)
                                       for t in members[: settings.max_keywords]))
        themes.append(Theme(key=f"t{number}", name=name, keywords=keywords, origin="discovered"))
    if progress:
        progress(1.0, f"Found {len(themes)} themes")
    return Codeframe(tuple(themes))
