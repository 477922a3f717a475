"""Apply a codeframe to comments: which themes each comment (and each of its clauses) mentions, and why.

A comment gets a theme when one of the theme's keywords appears in it as whole words. Matching ignores
upper/lower case and plural endings ("refund" matches "Refunds", "policy" matches "policies") and lets a
phrase's words be joined by spaces or hyphens. Where phrases overlap the longest wins ("customer service"
before "customer"). A comment that matches no keyword at all can still get a theme when one of its words
is a misspelling of a keyword (one letter added, missing or changed, such as "atmoshere" for
"atmosphere"); words of the English word list never count as misspellings. The reason is kept either way:
``how`` is ``"phrase"`` (the keyword was written) or ``"near"`` (the closest keyword to a misspelt word).

The same codeframe gives the same themes for the same text on every run and every later upload: nothing
here learns from the data. All matching runs over one joined text with a single compiled pattern (a trie of
every keyword form), so 100,000 comments take a few seconds.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import product
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext

import numpy as np
import pandas as pd

from portal.text.codeframe import Codeframe

__all__ = [
    "MATCH_COLUMNS",
    "Matcher",
    "assign",
    "clause_spans",
    "compile_codeframe",
    "format_spans",
    "parse_spans",
    "phrase_forms",
    "reason",
    "term_key",
]

Progress = Callable[[float, str], None]
Spans = tuple[tuple[int, int], ...]

#: Columns of the frame ``assign`` returns (one row per comment and theme).
MATCH_COLUMNS: tuple[str, ...] = ("row", "theme_key", "theme", "how", "phrase", "matched", "spans", "clauses")
#: Below this many comments clause splitting runs in the calling process.
PARALLEL_MIN_TEXTS = 20_000
#: Most worker processes used to split clauses.
MAX_WORKERS = 4
#: Words shorter than this are never treated as misspellings.
MIN_FUZZY_LENGTH = 6

_SEPARATOR = "\x00"
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
        from portal.text.language import english_words

        words |= english_words()
    except (ImportError, OSError):
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


def _lower(text: str) -> str:
    """Return ``text`` in lower case with the same length (characters whose lower case is longer stay)."""
    low = text.lower().translate(_APOSTROPHES)
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text).translate(_APOSTROPHES)


def _spans_chunk(texts: list[str | None]) -> list[Spans]:
    """Return the clause spans of each text (worker function for ``clause_spans``)."""
    from portal.text.sentences import split_clauses

    out: list[Spans] = []
    for text in texts:
        if not isinstance(text, str) or not text:
            out.append(())
            continue
        out.append(tuple((c.start, c.end) for c in split_clauses(text)))
    return out


def clause_spans(texts: Sequence[str | None], *, workers: int | None = None,
                 progress: Progress | None = None) -> list[Spans]:
    """Return ``(start, end)`` of every clause of each text (``()`` for an empty one), in order.

    Large inputs are split in several processes (``workers``, default: the machine's cores, at most
    ``MAX_WORKERS``); the result is the same either way.
    """
    texts = list(texts)
    n = len(texts)
    if workers is None:
        workers = min(MAX_WORKERS, os.cpu_count() or 1)
    chunk = 5_000
    chunks = [texts[i:i + chunk] for i in range(0, n, chunk)]
    out: list[Spans] = []
    if n < PARALLEL_MIN_TEXTS or workers < 2:
        for i, part in enumerate(chunks):
            out.extend(_spans_chunk(part))
            if progress:
                progress(len(out) / n, f"Splitting comments into clauses ({len(out):,} of {n:,})")
        return out
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            for part in pool.map(_spans_chunk, chunks):
                out.extend(part)
                if progress:
                    progress(len(out) / n, f"Splitting comments into clauses ({len(out):,} of {n:,})")
    except (BrokenProcessPool, OSError, RuntimeError):
        # No worker processes on this machine (or they died): do the rest here, with the same result.
        for part in chunks[len(out) // chunk:]:
            out.extend(_spans_chunk(part))
            if progress:
                progress(len(out) / n, f"Splitting comments into clauses ({len(out):,} of {n:,})")
    return out


def _pool_context() -> BaseContext:
    """Return the process start method for workers: fork where the system has it (no re-import), else spawn."""
    methods = get_all_start_methods()
    return get_context("fork" if "fork" in methods and sys.platform.startswith("linux") else "spawn")


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


def _empty_matches() -> pd.DataFrame:
    """Return an empty match frame with the right columns and types."""
    return pd.DataFrame({
        "row": pd.Series([], dtype="int64"),
        **{c: pd.Series([], dtype=object) for c in MATCH_COLUMNS[1:]},
    })


def assign(
    texts: Sequence[str | None],
    codeframe: Codeframe | Matcher,
    *,
    clauses: Sequence[Spans] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """Return the themes of each text: one row per (text, theme) it mentions; texts with none have no row.

    Columns (``MATCH_COLUMNS``): ``row`` (position in ``texts``), ``theme_key``, ``theme`` (name), ``how``
    (``"phrase"`` or ``"near"``), ``phrase`` (the first keyword found), ``matched`` (the words as written),
    ``spans`` (where each keyword sits in the text, ``format_spans``) and ``clauses`` (the numbers of the
    clauses that mention the theme, comma-separated). ``clauses`` gives each text's clause spans (from
    ``clause_spans``; computed when missing). Large inputs are matched in several processes (``workers``,
    default: the machine's cores, at most ``MAX_WORKERS``) with the same result. Never raises for odd text
    (None, empty, emoji only).
    """
    matcher = codeframe if isinstance(codeframe, Matcher) else compile_codeframe(codeframe)
    texts = list(texts)
    n = len(texts)
    if n == 0 or matcher.pattern is None:
        return _empty_matches()
    if clauses is None:
        clauses = clause_spans(texts, progress=progress)
    if progress:
        progress(0.0, f"Finding themes in {n:,} comments")
    if workers is None:
        workers = min(MAX_WORKERS, os.cpu_count() or 1)
    if workers >= 2 and n >= PARALLEL_MIN_TEXTS:
        parallel = _assign_parallel(texts, list(clauses), matcher, workers)
        if parallel is not None:
            if progress:
                progress(1.0, f"Found themes in {parallel['row'].nunique():,} of {n:,} comments")
            return parallel
    return _assign(texts, clauses, matcher, progress)


def _assign_chunk(texts: list[str | None], clauses: list[Spans], codeframe: Codeframe,
                  known: frozenset[str]) -> pd.DataFrame:
    """Return ``assign`` of one chunk (worker function)."""
    return _assign(texts, clauses, compile_codeframe(codeframe, known=known), None)


def _assign_parallel(texts: list[str | None], clauses: list[Spans], matcher: Matcher,
                     workers: int) -> pd.DataFrame | None:
    """Return ``assign`` run on ``workers`` consecutive chunks in worker processes (None when that fails)."""
    bounds = np.linspace(0, len(texts), workers + 1).astype(int).tolist()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            futures = [pool.submit(_assign_chunk, texts[a:b], clauses[a:b], matcher.codeframe, matcher.known)
                       for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
            parts = [f.result() for f in futures]
    except (BrokenProcessPool, OSError, RuntimeError):
        return None
    for part, start in zip(parts, bounds[:-1], strict=True):
        part["row"] += start
    return pd.concat(parts, ignore_index=True)


def _assign(texts: list[str | None], clauses: Sequence[Spans], matcher: Matcher,
            progress: Progress | None) -> pd.DataFrame:
    """Return the matches of ``texts`` found in this process (see ``assign``)."""
    n = len(texts)
    originals = [t if isinstance(t, str) else "" for t in texts]
    lowered = [_lower(t) for t in originals]
    lengths = np.fromiter((len(t) + 1 for t in lowered), dtype=np.int64, count=n)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    big = _SEPARATOR.join(lowered)

    # Flat clause table: global start of every clause, and the first clause number of each text.
    counts = np.fromiter((len(c) for c in clauses), dtype=np.int64, count=n)
    first_clause = np.concatenate(([0], np.cumsum(counts)[:-1]))
    clause_start = np.fromiter((s for c in clauses for s, _ in c), dtype=np.int64, count=int(counts.sum()))
    clause_start += np.repeat(starts, counts)

    hits = [(m.start(), m.end(), m.group()) for m in matcher.pattern.finditer(big)]
    frame = _exact_matches(hits, matcher, originals, starts, counts, first_clause, clause_start)
    matched_rows = set(frame["row"].tolist())
    near = _near_matches(lowered, originals, clauses, matcher, matched_rows)
    if len(near):
        frame = pd.concat([frame, near], ignore_index=True).sort_values(["row", "_theme"], kind="stable")
    frame = frame.drop(columns="_theme").reset_index(drop=True)
    if progress:
        progress(1.0, f"Found themes in {frame['row'].nunique():,} of {n:,} comments")
    return frame


def _exact_matches(
    hits: list[tuple[int, int, str]],
    matcher: Matcher,
    originals: list[str],
    starts: np.ndarray,
    counts: np.ndarray,
    first_clause: np.ndarray,
    clause_start: np.ndarray,
) -> pd.DataFrame:
    """Return the (text, theme) rows of the keyword hits found in the joined text (sorted by text, theme)."""
    if not hits:
        return _empty_matches().assign(_theme=pd.Series([], dtype="int64"))
    # Every distinct written form resolves once to its (theme, keyword) pairs.
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
    group_start = np.flatnonzero(head)
    group_end = np.r_[group_start[1:], len(row)]
    span_text = [f"{a}:{b}" for a, b in zip(local.tolist(), local_end.tolist(), strict=True)]
    spans = [",".join(span_text[a:b]) for a, b in zip(group_start.tolist(), group_end.tolist(), strict=True)]
    fresh_clause = head | np.r_[True, clause[1:] != clause[:-1]]
    kept = np.flatnonzero(fresh_clause)
    clause_text = [str(c) for c in clause[kept].tolist()]
    cut = np.searchsorted(kept, group_start).tolist() + [len(kept)]
    clause_lists = [",".join(clause_text[cut[i]:cut[i + 1]]) for i in range(len(group_start))]
    first_rows = row[group_start].tolist()
    first_starts = local[group_start].tolist()
    first_ends = local_end[group_start].tolist()
    themes = matcher.codeframe.themes
    group_theme = theme[group_start]
    return pd.DataFrame({
        "row": pd.Series(row[group_start], dtype="int64"),
        "theme_key": pd.Series([themes[t].key for t in group_theme.tolist()], dtype=object),
        "theme": pd.Series([themes[t].name for t in group_theme.tolist()], dtype=object),
        "how": pd.Series(["phrase"] * len(group_start), dtype=object),
        "phrase": pd.Series([pairs_keyword[p] for p in pair[group_start].tolist()], dtype=object),
        "matched": pd.Series([originals[r][a:b] for r, a, b in zip(first_rows, first_starts, first_ends, strict=True)],
                             dtype=object),
        "spans": pd.Series(spans, dtype=object),
        "clauses": pd.Series(clause_lists, dtype=object),
        "_theme": pd.Series(group_theme, dtype="int64"),
    })


def _near_matches(lowered: list[str], originals: list[str], clauses: Sequence[Spans], matcher: Matcher,
                  matched_rows: set[int]) -> pd.DataFrame:
    """Return (text, theme) rows for texts without any keyword whose words misspell a keyword by one letter."""
    found: dict[tuple[int, int], list] = {}
    todo = [row for row, text in enumerate(lowered) if text and row not in matched_rows]
    if todo and matcher.known and matcher.fuzzy:
        for row in todo:
            text = lowered[row]
            for m in _WORD.finditer(text):
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
    themes = matcher.codeframe.themes
    ordered = sorted(found.items())
    return pd.DataFrame({
        "row": pd.Series([r for (r, _), _ in ordered], dtype="int64"),
        "theme_key": pd.Series([themes[t].key for (_, t), _ in ordered], dtype=object),
        "theme": pd.Series([themes[t].name for (_, t), _ in ordered], dtype=object),
        "how": pd.Series(["near"] * len(ordered), dtype=object),
        "phrase": pd.Series([e[0] for _, e in ordered], dtype=object),
        "matched": pd.Series([e[1] for _, e in ordered], dtype=object),
        "spans": pd.Series([format_spans(e[2]) for _, e in ordered], dtype=object),
        "clauses": pd.Series([",".join(map(str, sorted(e[3]))) for _, e in ordered], dtype=object),
        "_theme": pd.Series([t for (_, t), _ in ordered], dtype="int64"),
    })


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


def reason(how: str, phrase: str, matched: str | None = None) -> str:
    """Return why a comment has a theme, for people: 'mentions "refund"' or '"atmoshere" is close to ...'."""
    if how == "near":
        return f'"{matched}" is close to "{phrase}"'
    if how == "manual":
        return "added by hand"
    if matched and matched.lower() != phrase:
        return f'mentions "{phrase}" ("{matched}")'
    return f'mentions "{phrase}"'
