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
every keyword form), so 100,000 comments take a few seconds. The keyword forms, the compiled ``Matcher`` and
the rules that turn hits into rows live in ``portal.text.matching``; this module splits comments into
clauses, runs the matching (in worker processes for large inputs) and explains each match.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext

import numpy as np
import pandas as pd

from portal.text.codeframe import Codeframe
from portal.text.matching import (
    MATCH_COLUMNS,
    Matcher,
    Spans,
    compile_codeframe,
    empty_matches,
    exact_matches,
    format_spans,
    lower_same_length,
    near_matches,
    parse_spans,
    phrase_forms,
    term_key,
)
from portal.text.sentences import split_clauses

__all__ = [
    "MATCH_COLUMNS",
    "Matcher",
    "Spans",
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

#: Below this many comments clause splitting runs in the calling process.
PARALLEL_MIN_TEXTS = 20_000
#: Most worker processes used to split clauses.
MAX_WORKERS = 4

_SEPARATOR = "\x00"
_CHUNK = 5_000


def _spans_chunk(texts: list[str | None]) -> list[Spans]:
    """Return the clause spans of each text (worker function for ``clause_spans``)."""
    out: list[Spans] = []
    for text in texts:
        if not isinstance(text, str) or not text:
            out.append(())
            continue
        out.append(tuple((c.start, c.end) for c in split_clauses(text)))
    return out


def _split_here(chunks: list[list[str | None]], out: list[Spans], n: int, progress: Progress | None) -> None:
    """Append the clause spans of ``chunks`` to ``out``, split in this process, reporting progress."""
    for part in chunks:
        out.extend(_spans_chunk(part))
        _report_split(out, n, progress)


def _report_split(out: list[Spans], n: int, progress: Progress | None) -> None:
    """Report how many of ``n`` comments are split into clauses so far."""
    if progress:
        progress(len(out) / n, f"Splitting comments into clauses ({len(out):,} of {n:,})")


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
    chunks = [texts[i:i + _CHUNK] for i in range(0, n, _CHUNK)]
    out: list[Spans] = []
    if n < PARALLEL_MIN_TEXTS or workers < 2:
        _split_here(chunks, out, n, progress)
        return out
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
            for part in pool.map(_spans_chunk, chunks):
                out.extend(part)
                _report_split(out, n, progress)
    except (BrokenProcessPool, OSError, RuntimeError):
        # No worker processes on this machine (or they died): do the rest here, with the same result.
        _split_here(chunks[len(out) // _CHUNK:], out, n, progress)
    return out


def _pool_context() -> BaseContext:
    """Return the process start method for workers: fork where the system has it (no re-import), else spawn."""
    methods = get_all_start_methods()
    return get_context("fork" if "fork" in methods and sys.platform.startswith("linux") else "spawn")


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
        return empty_matches()
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


def _clause_table(clauses: Sequence[Spans], starts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return each text's number of clauses, the number of its first clause, and every clause's global start."""
    n = len(starts)
    counts = np.fromiter((len(c) for c in clauses), dtype=np.int64, count=n)
    first_clause = np.concatenate(([0], np.cumsum(counts)[:-1]))
    clause_start = np.fromiter((s for c in clauses for s, _ in c), dtype=np.int64, count=int(counts.sum()))
    clause_start += np.repeat(starts, counts)
    return counts, first_clause, clause_start


def _assign(texts: list[str | None], clauses: Sequence[Spans], matcher: Matcher,
            progress: Progress | None) -> pd.DataFrame:
    """Return the matches of ``texts`` found in this process (see ``assign``)."""
    n = len(texts)
    originals = [t if isinstance(t, str) else "" for t in texts]
    lowered = [lower_same_length(t) for t in originals]
    lengths = np.fromiter((len(t) + 1 for t in lowered), dtype=np.int64, count=n)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    big = _SEPARATOR.join(lowered)
    counts, first_clause, clause_start = _clause_table(clauses, starts)
    hits = [(m.start(), m.end(), m.group()) for m in matcher.pattern.finditer(big)]
    frame = exact_matches(hits, matcher, originals, starts, counts, first_clause, clause_start)
    matched_rows = set(frame["row"].tolist())
    near = near_matches(lowered, originals, clauses, matcher, matched_rows)
    if len(near):
        frame = pd.concat([frame, near], ignore_index=True).sort_values(["row", "_theme"], kind="stable")
    frame = frame.drop(columns="_theme").reset_index(drop=True)
    if progress:
        progress(1.0, f"Found themes in {frame['row'].nunique():,} of {n:,} comments")
    return frame


def reason(how: str, phrase: str, matched: str | None = None) -> str:
    """Return why a comment has a theme, for people: 'mentions "refund"' or '"atmoshere" is close to ...'."""
    if how == "near":
        return f'"{matched}" is close to "{phrase}"'
    if how == "manual":
        return "added by hand"
    if matched and matched.lower() != phrase:
        return f'mentions "{phrase}" ("{matched}")'
    return f'mentions "{phrase}"'
