"""Sub-themes: what people say about a theme, mined as phrases with their verbs, adjectives and negations.

Candidates are the phrases of one to three words written in the clauses ("delayed", "not working", "on hold",
"2 hours", "customer service never answered"). A phrase may not start or end with a function word, unless
it is a negation that opens it ("not working"), or the phrase is how the word is mostly used ("on hold": most
"hold" are "on hold"; never an article: "la cuenta" is "cuenta"), or a two-word phrase whose last word mostly
ends what is said ("log in", never "polite and"). Phrases made only of function words or words that only say how good something was
never count.

A phrase becomes a sub-theme of the theme whose clauses it is most distinctive of: the log-odds ratio with an
informative Dirichlet prior (Monroe, Colaresi and Quinn, 2008) of the phrase in the clauses that mention the
theme against all other clauses, as a z-score. When the caller says which comments are negative, the same
score is also taken among the negative comments only (where problems live) and the better of the two counts.
A sub-theme covers at most ``max_share`` of the comments, so no sub-theme is a catch-all. Variants of one
phrase ("delay", "delayed", "delays") join one sub-theme: phrases whose words share their first letters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from portal.text.function_words import NEGATIONS
from portal.text.phrases import Corpus

__all__ = ["Phrases", "SubTheme", "SubThemeSettings", "mine_phrases", "sub_themes"]

#: Letters two words share at the start to count as variants of one word ("delay", "delayed").
PREFIX = 5


@dataclass(frozen=True)
class SubThemeSettings:
    """The knobs of sub-theme mining."""

    max_words: int = 3
    per_theme: int = 6
    problems: int = 3
    min_z: float = 3.0
    min_inside: float = 0.3
    max_share: float = 0.25
    min_comments: int = 5
    min_comment_share: float = 0.004
    prior_share: float = 0.1
    edge_share: float = 0.5


@dataclass(frozen=True)
class Phrases:
    """Candidate phrases (tuples of stem ids) with their clause matrix (clauses x phrases, 0/1)."""

    words: list[tuple[int, ...]]
    matrix: sp.csc_matrix
    count: np.ndarray


@dataclass(frozen=True)
class SubTheme:
    """A mined sub-theme: the theme it belongs to (index), its name, its keywords and the words (stem ids) of
    the phrase it is named by."""

    parent: int
    name: str
    keywords: tuple[str, ...]
    words: tuple[int, ...] = ()


def _grams(corpus: Corpus, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (start position, clause) of every ``n``-word run inside one clause."""
    ts, tc = corpus.token_stem, corpus.token_clause
    if len(ts) < n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    last = len(ts) - n + 1
    ok = np.ones(last, dtype=bool)
    for k in range(1, n):
        ok &= tc[k:k + last] == tc[:last]
    pos = np.flatnonzero(ok)
    return pos, tc[pos]


def _edge_ok(gram: tuple[int, ...], corpus: Corpus, counts: dict[tuple[int, ...], int], count: int,
             share: float, closing: set[tuple[int, ...]]) -> bool:
    """Return True when the words at the edges of ``gram`` may stand there (see the module docstring)."""
    stems, function, content = corpus.stems, corpus.function, corpus.content
    if not any(content[w] for w in gram):
        return False
    first, last = gram[0], gram[-1]
    if len(gram) > 1 and not content[last] and not (
            gram in closing and content[first] and function[last]
            and count >= share * counts.get(gram[:-1], count + 1)):
        return False
    if content[first] or stems[first] in NEGATIONS or (len(gram) > 1 and stems[first].isdigit()):
        return True
    return (len(gram) > 1 and bool(function[first]) and not corpus.determiner[first]
            and count >= share * counts.get(gram[1:], count + 1))


def mine_phrases(corpus: Corpus, *, max_words: int, min_count: int, edge_share: float) -> Phrases:
    """Return every phrase of 1 to ``max_words`` words in ``min_count`` clauses or more, with its clauses."""
    ts = corpus.token_stem
    v = len(corpus.stems) + 1
    counts: dict[tuple[int, ...], int] = {}
    found: list[tuple[tuple[int, ...], np.ndarray]] = []
    closing: set[tuple[int, ...]] = set()
    for n in range(1, max_words + 1):
        pos, clause = _grams(corpus, n)
        code = np.zeros(len(pos), dtype=np.int64)
        for k in range(n):
            code = code * v + ts[pos + k]
        pairs = np.unique(np.stack([code, clause], axis=1), axis=0) if len(pos) else np.zeros((0, 2), np.int64)
        unique, inverse, per = np.unique(pairs[:, 0], return_inverse=True, return_counts=True)
        for u, c in zip(unique.tolist(), per.tolist(), strict=True):
            if c >= min_count:
                gram = []
                for _ in range(n):
                    gram.append(u % v)
                    u //= v
                counts[tuple(reversed(gram))] = c
        keep_codes = np.array([i for i, c in enumerate(per) if c >= min_count], dtype=np.int64)
        if len(keep_codes):
            mask = np.isin(inverse, keep_codes)
            found.append((unique[inverse[mask]], pairs[mask, 1]))
        if n == 2:
            closing = _closing(corpus, pos, code, v)
    return _phrase_matrix(corpus, counts, found, v, edge_share, closing)


def _closing(corpus: Corpus, pos: np.ndarray, code: np.ndarray, v: int) -> set[tuple[int, ...]]:
    """Return the two-word phrases that mostly close what is said: their second word is mostly followed by the
    end of the clause or another function word ("log in", "sign up"; not "polite and", "level of")."""
    ts, tc = corpus.token_stem, corpus.token_clause
    after = pos + 2
    inside = after < len(ts)
    safe = np.where(inside, after, 0)
    goes_on = inside & (tc[safe] == tc[pos]) & corpus.content[ts[safe]]
    unique, inverse = np.unique(code, return_inverse=True)
    share = np.bincount(inverse, weights=goes_on.astype(float)) / np.bincount(inverse)
    return {(int(u // v), int(u % v)) for u in unique[share < 0.5].tolist()}


def _phrase_matrix(corpus: Corpus, counts: dict[tuple[int, ...], int],
                   found: list[tuple[np.ndarray, np.ndarray]], v: int, edge_share: float,
                   closing: set[tuple[int, ...]]) -> Phrases:
    """Return the phrases whose edges are allowed, with their clause matrix."""
    words = sorted(g for g, c in counts.items() if _edge_ok(g, corpus, counts, c, edge_share, closing))
    index: dict[int, int] = {}
    for i, gram in enumerate(words):
        code = 0
        for w in gram:
            code = code * v + w
        index[code * 4 + len(gram)] = i
    rows, cols = [], []
    for n, (codes, clauses) in enumerate(found, start=1):
        ids = np.array([index.get(int(c) * 4 + n, -1) for c in codes], dtype=np.int64)
        ok = ids >= 0
        rows.append(clauses[ok])
        cols.append(ids[ok])
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    matrix = sp.csc_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(corpus.n_clauses, len(words)))
    count = np.asarray(matrix.sum(axis=0)).ravel()
    return Phrases(words=words, matrix=matrix, count=count)


def log_odds_z(inside: np.ndarray, total: np.ndarray, prior_share: float) -> np.ndarray:
    """Return z-scores of each phrase's log-odds in a group against the rest, informative Dirichlet prior.

    ``inside`` is (groups x phrases) counts within each group, ``total`` (phrases) counts overall; the prior
    is the overall frequency, with ``prior_share`` of the data's weight.
    """
    inside = np.asarray(inside, dtype=float)
    total = np.asarray(total, dtype=float)
    outside = np.maximum(total[None, :] - inside, 0.0)
    n_all = max(total.sum(), 1.0)
    alpha0 = prior_share * n_all
    alpha = np.maximum(alpha0 * total / n_all, 1e-3)
    n_in = inside.sum(axis=1, keepdims=True)
    n_out = outside.sum(axis=1, keepdims=True)
    a = inside + alpha
    b = outside + alpha
    delta = (np.log(a) - np.log(np.maximum(n_in + alpha0 - a, 1e-9))
             - np.log(b) + np.log(np.maximum(n_out + alpha0 - b, 1e-9)))
    return delta / np.sqrt(1.0 / a + 1.0 / b)


def _variant_key(corpus: Corpus, gram: tuple[int, ...]) -> frozenset[str]:
    """Return the content words of a phrase cut to their first letters (variants share them)."""
    return frozenset(corpus.stems[w][:PREFIX] for w in gram if corpus.content[w])


def _scores(phrases: Phrases, groups: np.ndarray, negative: np.ndarray | None, prior_share: float
            ) -> tuple[np.ndarray, np.ndarray]:
    """Return (groups x phrases) z-scores (the better of all clauses and negative clauses) and counts inside."""
    x = phrases.matrix
    inside = (sp.csr_matrix(groups.T.astype(np.float32)) @ x).toarray()
    z = log_odds_z(inside, phrases.count, prior_share)
    if negative is not None and negative.any():
        neg_groups = groups & negative[:, None]
        neg_inside = (sp.csr_matrix(neg_groups.T.astype(np.float32)) @ x).toarray()
        neg_total = np.asarray(x[negative].sum(axis=0)).ravel()
        z = np.maximum(z, log_odds_z(neg_inside, neg_total, prior_share))
    return z, inside


def sub_themes(corpus: Corpus, groups: np.ndarray, banned: set[int], *, settings: SubThemeSettings,
               negative: np.ndarray | None = None, taken: set[str] | None = None) -> list[SubTheme]:
    """Return sub-themes for the themes whose clauses are the columns of ``groups`` (clauses x themes, bool).

    ``banned`` are stem ids no phrase may contain (the themes' own nouns), ``negative`` flags negative
    clauses, ``taken`` holds names already used (case-folded; updated).
    """
    taken = set() if taken is None else taken
    n_comments = int(corpus.clause_comment.max()) + 1 if corpus.n_clauses else 0
    min_count = max(settings.min_comments, int(np.ceil(settings.min_comment_share * n_comments)))
    phrases = mine_phrases(corpus, max_words=settings.max_words, min_count=min_count,
                           edge_share=settings.edge_share)
    if not phrases.words or not groups.shape[1]:
        return []
    z, inside = _scores(phrases, groups, negative, settings.prior_share)
    free = np.array([not banned.intersection(gram) for gram in phrases.words], dtype=bool)
    z[:, ~free] = -np.inf
    best = z.argmax(axis=0)
    best_z = z[best, np.arange(len(phrases.words))]
    share_inside = inside[best, np.arange(len(phrases.words))] / np.maximum(phrases.count, 1.0)
    comments = _comment_matrix(corpus, phrases, n_comments)
    eligible = (best_z >= settings.min_z) & (share_inside >= settings.min_inside)
    passes = []
    if negative is not None and negative.any():
        # Problems first: the phrases most typical of negative clauses, each under the theme it belongs to.
        negative_counts = np.asarray(phrases.matrix[negative].sum(axis=0)).ravel()
        problem = log_odds_z(negative_counts[None, :], phrases.count, settings.prior_share)[0]
        chosen = np.flatnonzero(eligible & (problem >= settings.min_z)).tolist()
        passes.append((sorted(chosen, key=lambda i: (-problem[i], phrases.words[i])), settings.problems))
    passes.append((sorted(np.flatnonzero(eligible).tolist(), key=lambda i: (-best_z[i], phrases.words[i])),
                   settings.per_theme))
    return _pick(corpus, phrases, comments, passes, best, n_comments, settings, taken, free)


def _plain_edges(corpus: Corpus, gram: tuple[int, ...]) -> bool:
    """Return True when a phrase starts and ends with a content word, a negation or a number."""
    def plain(w: int) -> bool:
        return bool(corpus.content[w]) or corpus.stems[w] in NEGATIONS or corpus.stems[w].isdigit()
    return plain(gram[0]) and plain(gram[-1])


def _holds(longer: tuple[int, ...], shorter: tuple[int, ...]) -> bool:
    """Return True when ``shorter`` is a run of words inside ``longer`` (and shorter than it)."""
    n = len(shorter)
    return n < len(longer) and any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def _negated(corpus: Corpus, gram: tuple[int, ...]) -> bool:
    """Return True when a phrase holds a negation ("not working", "never came")."""
    return any(corpus.stems[w] in NEGATIONS for w in gram)


def _comment_matrix(corpus: Corpus, phrases: Phrases, n_comments: int) -> sp.csc_matrix:
    """Return comments x phrases (0/1): which comment holds which phrase."""
    to_comment = sp.csr_matrix((np.ones(corpus.n_clauses, dtype=np.float32),
                                (corpus.clause_comment, np.arange(corpus.n_clauses))),
                               shape=(n_comments, corpus.n_clauses))
    out = (to_comment @ phrases.matrix).tocsc()
    out.data[:] = 1.0
    return out


def _pick(corpus: Corpus, phrases: Phrases, comments: sp.csc_matrix, passes: list[tuple[list[int], int]],
          best: np.ndarray, n_comments: int, s: SubThemeSettings, taken: set[str], free: np.ndarray
          ) -> list[SubTheme]:
    """Return the sub-themes chosen greedily, pass by pass (each pass: phrases best first, and how many sub-themes
    a theme may have by its end), variants joined; ``free`` marks the phrases a sub-theme may use."""
    chosen: dict[int, list[dict]] = {}
    limit = s.max_share * n_comments
    seen: set[int] = set()
    for order, quota in passes:
        for i in order:
            if i in seen:
                continue
            seen.add(i)
            column = comments[:, i].toarray().ravel() > 0
            if column.sum() > limit:
                continue
            entries = chosen.setdefault(int(best[i]), [])
            key = _variant_key(corpus, phrases.words[i])
            twin = next((e for e in entries if e["key"] & key), None)
            if twin is not None:
                if (twin["rows"] | column).sum() <= limit:
                    twin["members"].append(i)
                    twin["rows"] |= column
                continue
            if len(entries) < quota:
                entries.append({"key": key, "members": [i], "rows": column})
            else:
                seen.discard(i)  # refused only for this pass's quota: a later pass that allows more may take it
    longer = _extensions(phrases)
    out: list[SubTheme] = []
    for parent in sorted(chosen):
        for entry in chosen[parent]:
            members = entry["members"]
            if _negated(corpus, phrases.words[members[0]]):
                # "not working" must not gather every "working": keep the negated variants only.
                members = [m for m in members if _negated(corpus, phrases.words[m])]
            head = longer.get(members[0])
            if head is not None and free[head] and _plain_edges(corpus, phrases.words[head]) \
                    and phrases.count[head] >= s.edge_share * phrases.count[members[0]]:
                members = [head, *members]  # "hold" is mostly written "on hold": call it that
            # Named by its most distinctive phrase that starts and ends with a word that says something.
            plain = [m for m in members if _plain_edges(corpus, phrases.words[m])]
            if plain:
                members = [plain[0], *[m for m in members if m != plain[0]]]
            # A keyword that holds another one adds no comment ("was friendly" beside "friendly").
            members = [m for k, m in enumerate(members) if k == 0 or not any(
                o != m and _holds(phrases.words[m], phrases.words[o]) for o in members)]
            texts = [" ".join(corpus.surface[w] for w in phrases.words[m]) for m in members]
            if texts[0].casefold() in taken:
                continue
            taken.add(texts[0].casefold())
            out.append(SubTheme(parent=parent, name=texts[0], keywords=tuple(dict.fromkeys(texts)),
                                words=phrases.words[members[0]]))
    return out


def _extensions(phrases: Phrases) -> dict[int, int]:
    """Return per phrase the most frequent phrase one word longer that contains it (where there is one)."""
    index = {gram: i for i, gram in enumerate(phrases.words)}
    out: dict[int, int] = {}
    for j, gram in enumerate(phrases.words):
        if len(gram) < 2:
            continue
        for part in (gram[1:], gram[:-1]):
            i = index.get(part)
            if i is not None and (i not in out or (phrases.count[j], -j) > (phrases.count[out[i]], -out[i])):
                out[i] = j
    return out
