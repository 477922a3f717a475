"""Keyword matching: every written form of a codeframe's keywords, compiled into one pattern, and the hits.

A keyword matches as whole words, ignoring upper/lower case and plural endings, with a phrase's words joined
by spaces or hyphens; where phrases overlap the longest wins. A word that misspells a long single-word
keyword by one letter (and is not an English word) is a "near" match. ``portal.text.assign`` runs this over
many comments at once; this module knows the forms, the compiled ``Matcher`` and how hits become rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import product

import numpy as np
import pandas as pd

from portal.text.codeframe import Codeframe
from portal.text.language import english_words

__all__ = [
    "MATCH_COLUMNS",
    "MIN_FUZZY_LENGTH",
    "Matcher",
    "Spans",
    "compile_codeframe",
    "empty_matches",
    "exact_matches",
    "format_spans",
    "known_words",
    "lower_same_length",
    "near_matches",
    "parse_spans",
    "phrase_forms",
    "term_key",
]

Spans = tuple[tuple[int, int], ...]

#: Columns of the frame ``assign`` returns (one row per comment and theme).
MATCH_COLUMNS: tuple[str, ...] = ("row", "theme_key", "theme", "how", "phrase", "matched", "spans", "clauses")
#: Words shorter than this are never treated as misspellings.
MIN_FUZZY_LENGTH = 6

_GAP = re.compile(r"[\s\-]+")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_KEY_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_VOWELS = frozenset("aeiou")


def term_key(word: str) -> str:
    """Return the plural-free form of a lower-case word ("prices" -> "price", "policies" -> "policy")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    return word


def _word_forms(word: str) -> list[str]:
    """Return the written forms a keyword word matches: itself and its plural (or singular)."""
    if not word.isalpha():
        return [word]
    stem = term_key(word)
    if stem.endswith("y") and len(stem) > 2 and stem[-2] not in _VOWELS:
        forms = [stem, stem[:-1] + "ies"]
    elif stem.endswith(("s", "x", "z", "ch", "sh")):
        forms = [stem, stem + "es"]
    else:
        forms = [stem, stem + "s"]
    return list(dict.fromkeys([*forms, word]))


def phrase_forms(keyword: str) -> list[str]:
    """Return every written form of a keyword (each word singular or plural), words joined by one space."""
    words = _KEY_TOKEN.findall(keyword.lower().translate(_APOSTROPHES))
    if not words:
        return []
    return [" ".join(combo) for combo in product(*(_word_forms(w) for w in words))]


def _trie_pattern(forms: Iterable[str]) -> str:
    """Return a regular expression matching any of ``forms`` (longest first), built as a character trie."""
    trie: dict[str, dict] = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [(r"[\s\-]+" if ch == " " else re.escape(ch)) + emit(child)
                    for ch, child in sorted((k, v) for k, v in node.items() if k)]
        if not branches:
            return ""
        if len(branches) == 1 and not ends:
            return branches[0]
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if ends else body

    return emit(trie)


def _deletions(word: str) -> set[str]:
    """Return ``word`` and every string made by deleting one of its letters."""
    return {word, *(word[:i] + word[i + 1:] for i in range(len(word)))}


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Return English words that are never read as misspellings (empty when no word list is installed)."""
    words: set[str] = set()
    try:
        words |= english_words()
    except OSError:
        pass
    try:
        from importlib import resources

        text = resources.files("textblob.en").joinpath("en-spelling.txt").read_text(encoding="utf-8")
        words |= {line.split()[0].lower() for line in text.splitlines() if line and not line.startswith(";")}
    except (ImportError, OSError, ValueError, IndexError):
        pass
    return frozenset(words)


@dataclass(frozen=True, eq=False)
class Matcher:
    """A codeframe compiled for matching: one pattern for every keyword form, and a misspelling table."""

    codeframe: Codeframe
    pattern: re.Pattern[str] | None
    lookup: dict[str, tuple[tuple[int, str], ...]]
    known: frozenset[str]

    @cached_property
    def fuzzy(self) -> dict[str, tuple[int, str] | None]:
        """Return every one-letter deletion of the long single-word keyword forms -> (theme, keyword).

        None marks a deletion two themes share (a misspelling there is ambiguous). Built on first use.
        """
        fuzzy: dict[str, tuple[int, str] | None] = {}
        for index, theme in enumerate(self.codeframe.themes):
            for keyword in theme.keywords:
                forms = phrase_forms(keyword)
                if not forms or " " in forms[0] or len(forms[0]) < MIN_FUZZY_LENGTH or not forms[0].isalpha():
                    continue
                for form in forms:
                    for variant in _deletions(form):
                        previous = fuzzy.get(variant, (index, keyword))
                        fuzzy[variant] = (index, keyword) if previous and previous[0] == index else None
        for form in self.lookup:
            fuzzy.pop(form, None)
        return fuzzy

    @property
    def keys(self) -> list[str]:
        """Return the theme keys, in codeframe order (the ``theme`` index of a match points here)."""
        return [t.key for t in self.codeframe.themes]


def compile_codeframe(codeframe: Codeframe, *, known: frozenset[str] | None = None) -> Matcher:
    """Return the codeframe compiled for ``assign`` (``known``: words never read as misspellings)."""
    lookup: dict[str, list[tuple[int, str]]] = {}
    for index, theme in enumerate(codeframe.themes):
        for keyword in theme.keywords:
            for form in phrase_forms(keyword):
                hits = lookup.setdefault(form, [])
                if all(i != index for i, _ in hits):
                    hits.append((index, keyword))
    pattern = None
    if lookup:
        pattern = re.compile(r"(?<![^\W_])(?:" + _trie_pattern(lookup) + r")(?![^\W_])")
    return Matcher(
        codeframe=codeframe,
        pattern=pattern,
        lookup={k: tuple(v) for k, v in lookup.items()},
        known=known_words() if known is None else known,
    )

def lower_same_length(text: str) -> str:
    """Return ``text`` in lower case with the same length (characters whose lower case is longer stay)."""
    low = text.lower().translate(_APOSTROPHES)
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text).translate(_APOSTROPHES)


def format_spans(spans: Iterable[tuple[int, int]]) -> str:
    """Return spans as compact text, ``"12:20,40:47"``."""
    return ",".join(f"{s}:{e}" for s, e in spans)


def parse_spans(text: str | None) -> Spans:
    """Return the spans written by ``format_spans`` (``()`` for empty or missing text)."""
    if not text:
        return ()
    out = []
    for part in str(text).split(","):
        s, _, e = part.partition(":")
        out.append((int(s), int(e)))
    return tuple(out)



def empty_matches() -> pd.DataFrame:
    """Return an empty match frame with the right columns and types."""
    return pd.DataFrame({
        "row": pd.Series([], dtype="int64"),
        **{c: pd.Series([], dtype=object) for c in MATCH_COLUMNS[1:]},
    })


def _match_frame(matcher: Matcher, rows: Sequence[int], themes: Sequence[int], how: str, phrases: list[str],
                 matched: list[str], spans: list[str], clauses: list[str]) -> pd.DataFrame:
    """Return match rows (``MATCH_COLUMNS`` and the theme's index as ``_theme``) from their columns."""
    codeframe_themes = matcher.codeframe.themes
    return pd.DataFrame({
        "row": pd.Series(rows, dtype="int64"),
        "theme_key": pd.Series([codeframe_themes[t].key for t in themes], dtype=object),
        "theme": pd.Series([codeframe_themes[t].name for t in themes], dtype=object),
        "how": pd.Series([how] * len(themes), dtype=object),
        "phrase": pd.Series(phrases, dtype=object),
        "matched": pd.Series(matched, dtype=object),
        "spans": pd.Series(spans, dtype=object),
        "clauses": pd.Series(clauses, dtype=object),
        "_theme": pd.Series(themes, dtype="int64"),
    })


def _hit_pairs(hits: list[tuple[int, int, str]], matcher: Matcher) -> tuple[np.ndarray, np.ndarray, list[int],
                                                                               list[str]]:
    """Return, per (hit, theme) pair, the hit's index and the pair's index into the returned theme and keyword lists.

    Every distinct written form resolves once to its (theme, keyword) pairs.
    """
    key_id: dict[str, int] = {}
    pairs_theme: list[int] = []
    pairs_keyword: list[str] = []
    offsets: list[int] = []
    sizes: list[int] = []
    ids = np.empty(len(hits), dtype=np.int64)
    for i, (_, _, text) in enumerate(hits):
        k = key_id.get(text)
        if k is None:
            k = len(offsets)
            key_id[text] = k
            found = matcher.lookup.get(text) or matcher.lookup.get(_GAP.sub(" ", text), ())
            offsets.append(len(pairs_theme))
            sizes.append(len(found))
            for theme, keyword in found:
                pairs_theme.append(theme)
                pairs_keyword.append(keyword)
        ids[i] = k
    size = np.asarray(sizes, dtype=np.int64)[ids]
    hit_index = np.repeat(np.arange(len(hits)), size)
    within = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
    pair = np.asarray(offsets, dtype=np.int64)[ids][hit_index] + within
    return hit_index, pair, pairs_theme, pairs_keyword


def _joined_lists(values: list[str], head: np.ndarray) -> list[str]:
    """Return ``values`` joined by commas within each group (a group starts where ``head`` is True)."""
    start = np.flatnonzero(head).tolist()
    end = [*start[1:], len(values)]
    return [",".join(values[a:b]) for a, b in zip(start, end, strict=True)]


def exact_matches(
    hits: list[tuple[int, int, str]],
    matcher: Matcher,
    originals: list[str],
    starts: np.ndarray,
    counts: np.ndarray,
    first_clause: np.ndarray,
    clause_start: np.ndarray,
) -> pd.DataFrame:
    """Return the (text, theme) rows of the keyword hits found in the joined text (sorted by text, theme).

    ``hits`` are (start, end, text) in the joined text; ``starts`` is where each text begins there, ``counts``
    its number of clauses, ``first_clause`` the number of its first clause and ``clause_start`` where every
    clause begins in the joined text.
    """
    if not hits:
        return empty_matches().assign(_theme=pd.Series([], dtype="int64"))
    hit_index, pair, pairs_theme, pairs_keyword = _hit_pairs(hits, matcher)
    pos = np.fromiter((h[0] for h in hits), dtype=np.int64, count=len(hits))[hit_index]
    end = np.fromiter((h[1] for h in hits), dtype=np.int64, count=len(hits))[hit_index]
    theme = np.asarray(pairs_theme, dtype=np.int64)[pair]
    row = np.searchsorted(starts, pos, side="right") - 1
    glob = np.searchsorted(clause_start, pos, side="right") - 1
    n_clauses = counts[row]
    clause = np.where(n_clauses > 0, np.clip(glob - first_clause[row], 0, np.maximum(n_clauses - 1, 0)), 0)
    local = pos - starts[row]
    local_end = end - starts[row]
    order = np.lexsort((pos, theme, row))
    row, theme, clause, local, local_end, pair = (a[order] for a in (row, theme, clause, local, local_end, pair))
    head = np.r_[True, (row[1:] != row[:-1]) | (theme[1:] != theme[:-1])]
    spans = _joined_lists([f"{a}:{b}" for a, b in zip(local.tolist(), local_end.tolist(), strict=True)], head)
    fresh_clause = head | np.r_[True, clause[1:] != clause[:-1]]
    clause_lists = _joined_lists([str(c) for c in clause[fresh_clause].tolist()], head[fresh_clause])
    first = np.flatnonzero(head)
    matched = [originals[r][a:b] for r, a, b in zip(row[first].tolist(), local[first].tolist(),
                                                       local_end[first].tolist(), strict=True)]
    return _match_frame(matcher, row[first].tolist(), theme[first].tolist(), "phrase",
                        [pairs_keyword[p] for p in pair[first].tolist()], matched, spans, clause_lists)


def _near(word: str, matcher: Matcher) -> tuple[int, str] | None:
    """Return the (theme, keyword) whose keyword ``word`` misspells by one letter, or None."""
    hit: tuple[int, str] | None = None
    for variant in _deletions(word):
        if variant not in matcher.fuzzy:
            continue
        candidate = matcher.fuzzy[variant]
        if candidate is None or (hit is not None and hit[0] != candidate[0]):
            return None
        hit = candidate
    return hit


def _clause_of(spans: Spans, position: int) -> int:
    """Return the number of the clause holding ``position`` (0 when the text has no clause)."""
    number = 0
    for i, (start, _) in enumerate(spans):
        if start <= position:
            number = i
    return number


def _near_hits(lowered: list[str], originals: list[str], clauses: Sequence[Spans], matcher: Matcher,
               todo: list[int]) -> dict[tuple[int, int], list]:
    """Return per (text, theme) the keyword, the first misspelt word as written, its spans and clause numbers."""
    found: dict[tuple[int, int], list] = {}
    for row in todo:
        for m in _WORD.finditer(lowered[row]):
            word = m.group()
            if len(word) < MIN_FUZZY_LENGTH or word in matcher.known or term_key(word) in matcher.known:
                continue
            hit = _near(word, matcher)
            if hit is None:
                continue
            theme, keyword = hit
            span = (m.start(), m.end())
            clause = _clause_of(clauses[row], span[0])
            entry = found.get((row, theme))
            if entry is None:
                found[(row, theme)] = [keyword, originals[row][span[0]:span[1]], [span], [clause]]
            else:
                entry[2].append(span)
                if clause not in entry[3]:
                    entry[3].append(clause)
    return found


def near_matches(lowered: list[str], originals: list[str], clauses: Sequence[Spans], matcher: Matcher,
                 matched_rows: set[int]) -> pd.DataFrame:
    """Return (text, theme) rows for texts without any keyword whose words misspell a keyword by one letter."""
    found: dict[tuple[int, int], list] = {}
    todo = [row for row, text in enumerate(lowered) if text and row not in matched_rows]
    if todo and matcher.known and matcher.fuzzy:
        found = _near_hits(lowered, originals, clauses, matcher, todo)
    ordered = sorted(found.items())
    return _match_frame(matcher, [r for (r, _), _ in ordered], [t for (_, t), _ in ordered], "near",
                        [e[0] for _, e in ordered], [e[1] for _, e in ordered],
                        [format_spans(e[2]) for _, e in ordered],
                        [",".join(map(str, sorted(e[3]))) for _, e in ordered])
