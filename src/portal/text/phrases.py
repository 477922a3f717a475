"""The phrases discovery works on: comments as clauses of folded words, their nouns, and two-word phrases.

Words are folded to their singular form (``portal.text.assign.term_key``). Stop words and words that only say
how good or bad something was (``GENERIC_WORDS``) never count as content. A word counts as a noun by how
often the comments put it after "the", "my", "our"... or before "is", "was"...
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from portal.text.assign import Spans, clause_spans, term_key
from portal.text.function_words import data_determiners, data_function_words
from portal.text.sentences import tokenize

__all__ = ["GENERIC_WORDS", "STOP_WORDS", "Corpus", "Terms", "build_corpus", "build_terms", "seed_terms",
           "term_text"]

Progress = Callable[[float, str], None]

#: Share of words in the English stop-word list above which comments are read as English.
ENGLISH_SHARE = 0.25

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
class Corpus:
    """Clauses as token arrays: stem id and clause id per token, with the stem vocabulary."""

    stems: list[str]
    surface: list[str]
    token_stem: np.ndarray
    token_clause: np.ndarray
    content: np.ndarray
    noun: np.ndarray
    n_clauses: int
    clause_comment: np.ndarray
    function: np.ndarray
    determiner: np.ndarray


def _tokens(texts: Sequence[str], spans: list[Spans], stems: list[str],
            surface_counts: list[dict[str, int]]) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Return the stem id and clause id of every token and the comment of every clause, filling ``stems`` and
    their written forms as it goes."""
    stem_ids: dict[str, int] = {}
    token_stem: list[int] = []
    token_clause: list[int] = []
    lower_cache: dict[str, int] = {}
    clause = 0
    clause_comment: list[int] = []
    for number, (text, text_spans) in enumerate(zip(texts, spans, strict=True)):
        for start, end in text_spans:
            clause_comment.append(number)
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
    return np.asarray(token_stem, dtype=np.int64), np.asarray(token_clause, dtype=np.int64), clause_comment


def build_corpus(texts: Sequence[str], progress: Progress | None = None, *, from_data: bool = False) -> Corpus:
    """Split ``texts`` into clauses and tokens; return the arrays discovery works on.

    ``from_data`` adds the function words and determiners the comments themselves show
    (``portal.text.function_words``) to the English lists, for comments in any language; it has no effect
    when at least ``ENGLISH_SHARE`` of the words are English stop words (the text is English).
    """
    spans = clause_spans(texts, progress=progress)
    stems: list[str] = []
    surface_counts: list[dict[str, int]] = []
    ts, tc, clause_comment = _tokens(texts, spans, stems, surface_counts)
    n_clauses = len(clause_comment)
    surface = []
    for stem, counts in zip(stems, surface_counts, strict=True):
        common, most = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        surface.append(stem if counts.get(stem, 0) >= 0.2 * most else common)
    listed = np.array([s in STOP_WORDS or any(f in STOP_WORDS for f in counts)
                       for s, counts in zip(stems, surface_counts, strict=True)], dtype=bool)
    # Where the English lists already explain the text (English comments), the data add nothing but noise.
    english = len(ts) > 0 and float(listed[ts].mean()) >= ENGLISH_SHARE
    from_data = from_data and not english
    function = listed | data_function_words(stems, ts, tc) if from_data else listed
    content_words = np.array(
        [s.isalpha() and len(s) > 2 and not f and s not in GENERIC_WORDS
         and not any(w in GENERIC_WORDS for w in counts)
         for s, counts, f in zip(stems, surface_counts, function, strict=True)],
        dtype=bool,
    )
    det = np.array([s in _DETERMINERS for s in stems], dtype=bool)
    if from_data:
        det |= data_determiners(function, ts, tc)
    noun = _noun_share(stems, ts, tc, det)
    return Corpus(stems=stems, surface=surface, token_stem=ts, token_clause=tc, content=content_words,
                  noun=noun, n_clauses=n_clauses, clause_comment=np.asarray(clause_comment, dtype=np.int64),
                  function=function, determiner=det)


def _noun_share(stems: list[str], ts: np.ndarray, tc: np.ndarray, det: np.ndarray) -> np.ndarray:
    """Return, per stem, the share of its occurrences right after a determiner or before 'is', 'was'..."""
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
class Terms:
    """Phrases (one word or two) with their clause matrix: unigram ids are stem ids, bigrams follow."""

    words: list[tuple[int, ...]]
    matrix: sp.csc_matrix
    count: np.ndarray
    bigram_pos: np.ndarray
    bigram_term: np.ndarray


def build_terms(corpus: Corpus) -> Terms:
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
    return Terms(words=words, matrix=matrix, count=count, bigram_pos=bigram_pos, bigram_term=bigram_term)


def term_text(corpus: Corpus, terms: Terms, term: int, *, surface: bool) -> str:
    """Return a phrase as text (stems, or the forms people wrote)."""
    names = corpus.surface if surface else corpus.stems
    return " ".join(names[w] for w in terms.words[term])


def seed_terms(corpus: Corpus, terms: Terms, n_seeds: int, *, min_count: int, max_share: float,
               noun_share: float, allowed: np.ndarray | None = None) -> np.ndarray:
    """Return the most frequent noun-like phrases (their term ids), most frequent first.

    A seed occurs in ``min_count`` clauses or more but at most in ``max_share`` of them (never fewer than
    ``min_count``), and its last word is a noun in at least ``noun_share`` of its occurrences (and, when given,
    ``allowed`` is True for it).
    """
    last_word = np.array([w[-1] for w in terms.words], dtype=np.int64)
    max_count = max(min_count, max_share * corpus.n_clauses)
    eligible = ((terms.count >= min_count) & (terms.count <= max_count)
                & (corpus.noun[last_word] >= noun_share))
    if allowed is not None:
        eligible &= allowed
    candidates = np.flatnonzero(eligible)
    texts = [term_text(corpus, terms, int(t), surface=False) for t in candidates]
    order = sorted(range(len(candidates)), key=lambda i: (-terms.count[candidates[i]], texts[i]))
    return candidates[order[:n_seeds]]
