"""Split comments into sentences and clauses, and into word tokens, with rules only (nothing to download).

Sentences end at ``.``, ``!``, ``?`` or ``…`` followed by a space (or at a line break), but not after
common abbreviations ("e.g.", "Mr.", "approx."), initials ("J. Smith") or inside numbers ("4.5",
"v2.0", "www.example.com"). Emoji and closing quotes right after the end mark stay with their sentence.

Clauses further split a sentence at contrast words ("but", "however", "although", "though", "yet",
"except", "whereas", "nevertheless", ...) and at ``;`` and dashes between spaces (" - ", " – ", " — "),
so "love the app but cheque deposit keeps failing" gives two clauses. "yet" only splits after a comma
("simple, yet slow"), and "nothing but", "as though", "not yet" never split. A contrast word starts the
clause it introduces; separator punctuation belongs to neither clause. An emoji followed by a capital
letter also ends a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Clause", "split_clauses", "split_sentences", "tokenize", "sentence_spans"]

# Abbreviations (lower case, without the final period) after which a period does not end a sentence.
_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "capt", "col", "gen", "lt", "sgt",
        "rev", "hon", "gov", "pres", "messrs", "mme", "mlle",
        "e.g", "i.e", "eg", "ie", "etc", "vs", "v", "cf", "al", "approx", "appt", "apt", "dept", "est",
        "min", "max", "misc", "incl", "excl", "ref", "tel", "ext", "fig", "vol", "ed", "eds", "pp", "ch",
        "inc", "ltd", "co", "corp", "plc", "llc", "bros", "assn", "univ", "govt",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
        "a.m", "p.m", "u.s", "u.k", "u.s.a", "e.u", "ph.d", "b.sc", "m.sc", "no", "nos", "nr", "hr", "hrs",
        "mins", "sec", "secs", "wk", "wks", "mo", "mos", "yr", "yrs", "kg", "lb", "lbs", "oz", "cm", "mm",
        "km", "sq", "ave", "blvd", "rd",
    }
)
# Abbreviations that are also ordinary words ("I said no. Then..."): only kept when a digit follows.
_NUMBER_ABBREVIATIONS: frozenset[str] = frozenset({"no", "nos", "nr", "vol", "fig", "ch", "pp", "ref"})

# Abbreviations that usually close the sentence when a capital letter follows ("at 5 p.m. He left").
_END_WORD_ABBREVIATIONS: frozenset[str] = frozenset({"etc", "al", "a.m", "p.m", "incl", "excl", "approx"})

# Emoji and pictographs (plus joiners and variation selectors) that may trail an end mark.
_EMOJI = (
    "\U0001f000-\U0001faff"  # pictographs, emoticons, transport, supplemental symbols
    "\u2600-\u27bf"  # miscellaneous symbols and dingbats
    "\u2b00-\u2bff"  # arrows and stars
    "\ufe0f\u200d"  # variation selector, zero-width joiner
    "\U0001f3fb-\U0001f3ff"  # skin tones
)
# A sentence end: end marks, optional closing quotes/brackets, optional emoji run, then space or end.
_END = re.compile(
    rf"(?P<mark>[.!?\u2026\u3002\uff01\uff1f]+)(?P<close>[\"'\u201d\u2019)\]]*)"
    rf"(?P<emoji>(?:[ \t]*[{_EMOJI}]+)*)(?=\s|$)"
)
# An emoji run followed by a capital letter also ends a sentence ("Great 😍 Bad login").
_EMOJI_END = re.compile(rf"[{_EMOJI}]+(?=[ \t]+[^\W\d_])")
_LINEBREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n)\s*")
_WORD_BEFORE = re.compile(r"([^\W_]+(?:\.[^\W_]+)*)$")

# Contrast words that open a new clause, with phrases in which they do not (checked on the left context).
_CONNECTORS = (
    r"but|however|although|though|even\s+though|yet|except(?:\s+that|\s+for)?|whereas|nevertheless|"
    r"nonetheless|on\s+the\s+other\s+hand|unfortunately|sadly|otherwise|despite|in\s+spite\s+of"
)
_CLAUSE_WORD = re.compile(
    rf"(?:,\s*|(?<![\w'’-]))(?P<word>{_CONNECTORS})(?![\w'’-])", re.IGNORECASE
)
_CLAUSE_PUNCT = re.compile(r"\s*;\s*|\s+[-\u2013\u2014]{1,2}\s+|\s*[\u2013\u2014]\s*")
# Left contexts in which a connector does not start a clause ("nothing but", "as though", "not yet").
_NO_SPLIT_BEFORE = re.compile(
    r"(?:\b(?:nothing|anything|all|everything|not|n't|as|and|or|even)|n['’]t)\s*$", re.IGNORECASE
)
_STRIP = " \t\r\n,;:-\u2013\u2014"

_TOKEN = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:['’\-][^\W_]+)*")


@dataclass(frozen=True)
class Clause:
    """A clause of a comment: its text and where it sits (``text[start:end]``, sentence index)."""

    text: str
    start: int
    end: int
    sentence: int


def _is_abbreviation(text: str, dot: int) -> bool:
    """Return True when the period at ``text[dot]`` closes an abbreviation, an initial or a number."""
    m = _WORD_BEFORE.search(text, max(0, dot - 24), dot)
    if not m:
        return False
    word = m.group(1).lower()
    after = text[dot + 1 : dot + 8].lstrip()
    if word in _NUMBER_ABBREVIATIONS:
        return bool(after[:1].isdigit())
    if word in _ABBREVIATIONS:
        # "etc." and similar at the very end of a sentence are still abbreviations; a capital after
        # "etc." usually starts a new sentence.
        if word in _END_WORD_ABBREVIATIONS and after[:1].isupper():
            return False
        return True
    # A single capital letter ("J. Smith") is an initial; a single digit ("rated it 5.") is not.
    if len(word) == 1 and word.isalpha() and m.group(1).isupper() and after[:1].isupper():
        return True
    # Dotted acronyms such as "U.S." or "a.k.a." (letters separated by periods).
    if "." in word and all(len(p) == 1 for p in word.split(".")):
        return True
    return False


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of each sentence in ``text`` (stripped, never empty); never raises."""
    if not text:
        return []
    cuts: list[int] = []
    for m in _END.finditer(text):
        mark = m.group("mark")
        if mark == "." and _is_abbreviation(text, m.start("mark")):
            continue
        cuts.append(m.end())
    for m in _EMOJI_END.finditer(text):
        nxt = text[m.end() :].lstrip(" \t")[:1]
        if nxt.isupper():
            cuts.append(m.end())
    for m in _LINEBREAK.finditer(text):
        cuts.append(m.start())
    cuts = sorted(set(cuts))
    spans: list[tuple[int, int]] = []
    begin = 0
    for cut in [*cuts, len(text)]:
        start, end = begin, cut
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
        begin = max(begin, cut)
    return spans


def split_sentences(text: str) -> list[str]:
    """Return the sentences of ``text`` (stripped; an empty or blank text gives ``[]``); never raises."""
    if not isinstance(text, str):
        return []
    return [text[s:e] for s, e in sentence_spans(text)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Return ``(start, end)`` narrowed past separator punctuation and spaces at both ends."""
    while start < end and (text[start] in _STRIP or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in _STRIP or text[end - 1].isspace()):
        end -= 1
    return start, end


def _has_word(text: str, start: int, end: int) -> bool:
    """Return True when ``text[start:end]`` holds at least one letter or digit."""
    return any(ch.isalnum() for ch in text[start:end])


def _clause_cuts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the ``(cut_start, next_start)`` gaps at which the sentence ``text[start:end]`` splits."""
    gaps: list[tuple[int, int]] = []
    for m in _CLAUSE_PUNCT.finditer(text, start, end):
        gaps.append((m.start(), m.end()))
    for m in _CLAUSE_WORD.finditer(text, start, end):
        word_start = m.start("word")
        # "yet" is only a contrast after a comma ("simple, yet slow"); "not yet here" is no clause.
        if m.group("word").lower() == "yet" and word_start == m.start():
            continue
        if _NO_SPLIT_BEFORE.search(text, max(start, word_start - 16), word_start):
            continue
        # The connector starts the next clause; the comma (if any) before it belongs to neither.
        gaps.append((m.start(), word_start))
    gaps.sort()
    return gaps


def split_clauses(text: str) -> list[Clause]:
    """Return the clauses of ``text`` in order, with offsets into ``text``; empty text gives ``[]``."""
    if not isinstance(text, str) or not text:
        return []
    clauses: list[Clause] = []
    for index, (s_start, s_end) in enumerate(sentence_spans(text)):
        pieces: list[tuple[int, int]] = []
        begin = s_start
        for cut, nxt in _clause_cuts(text, s_start, s_end):
            if cut < begin:
                continue
            left = _trim(text, begin, cut)
            right = _trim(text, nxt, s_end)
            # Only split when both sides keep a word beyond the connector itself.
            if not _has_word(text, *left) or not _has_word(text, *right):
                continue
            word_after = _CLAUSE_WORD.match(text, right[0])
            if word_after and not _has_word(text, word_after.end(), right[1]):
                continue
            pieces.append(left)
            begin = nxt
        pieces.append(_trim(text, begin, s_end))
        for p_start, p_end in pieces:
            if p_end > p_start:
                clauses.append(Clause(text[p_start:p_end], p_start, p_end, index))
    return clauses


def tokenize(text: str) -> list[str]:
    """Return the lower-case word tokens of ``text`` (keeps "don't", "wi-fi", "4.5"); never raises."""
    if not isinstance(text, str) or not text:
        return []
    return [t.replace("’", "'") for t in _TOKEN.findall(text.lower())]
