"""Themes in more than one language: which themes code which comments, and which comments no theme reads.

A dataset's codeframe is found in English (comments in English or of unknown language) and, for every other
language with at least ``MIN_LANGUAGE_COMMENTS`` comments, in that language's comments alone; those themes
carry the language (``Theme.language``) and say it in their name ("konto (German)"). Discovery needs
``portal.text.themes.MIN_COMMENTS`` comments to find anything stable, and a language's comments are one more
set of comments to find themes in, so the same number is the threshold for a language.

* A comment in English or of unknown language is coded with the themes without a language.
* A comment in another language is coded with that language's themes and with the themes made by hand
  without a language (a hand-made theme such as a product name works in every language); never with the
  English discovered themes, whose keywords are English words.
* A sub-theme made by hand without a language reads exactly the languages its theme reads: under an English
  discovered theme English only, under a theme made by hand every language (a sub-theme made under a theme of
  another language carries that language). Where it sits decides, so a codeframe file needs nothing more.
* A comment in a language the codeframe has no themes for, and that no hand-made theme matched, is **not
  read**: it is counted per language and every figure says how many comments it left out (``NotRead``); it
  is not "Uncategorised". So every comment is exactly one of: with a theme, Uncategorised, not read.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from portal.text.codeframe import MAX_NAME_LENGTH, Codeframe, Theme, fold_name
from portal.text.language import language_name

__all__ = [
    "MIN_LANGUAGE_COMMENTS",
    "NotRead",
    "combine",
    "comment_languages",
    "for_language",
    "not_read",
    "read_languages",
    "read_mask",
    "reads",
]

#: Fewest comments in one language (other than English) for that language to get its own themes: the same
#: number discovery needs for a whole dataset (``portal.text.themes.MIN_COMMENTS``; a test keeps them equal).
MIN_LANGUAGE_COMMENTS = 50


def _code(value: Any) -> str | None:
    """Return a stored language as the codeframe compares it: None for English or unknown, else "de"."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    code = str(value).strip().lower().replace("_", "-").split("-")[0]
    return None if code in ("", "en") else code


def _by_value(frame: pd.DataFrame) -> tuple[np.ndarray, list[str | None]]:
    """Return per row the position of its language among the distinct ones (-1: none), and their codes."""
    codes, uniques = pd.factorize(frame["language"].astype(object), use_na_sentinel=True)
    return codes, [_code(v) for v in uniques.tolist()]


def comment_languages(frame: pd.DataFrame) -> np.ndarray:
    """Return per row its language code, or None for English and unknown (no ``language`` column: all None)."""
    if "language" not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    codes, distinct = _by_value(frame)
    return np.array([*distinct, None], dtype=object)[codes]  # the sentinel -1 picks the trailing None


def read_languages(codeframe: Codeframe) -> frozenset[str]:
    """Return the languages (other than English) the codeframe has themes for."""
    return frozenset(t.language for t in codeframe.themes if t.language)


def read_mask(frame: pd.DataFrame, codeframe: Codeframe) -> np.ndarray:
    """Return per row whether the codeframe reads its comment (English, unknown, or a language it has themes for)."""
    if "language" not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    codes, distinct = _by_value(frame)
    read = read_languages(codeframe)
    return np.array([c is None or c in read for c in distinct] + [True], dtype=bool)[codes]


def _codes(theme: Theme, language: str | None, parent: Theme | None = None) -> bool:
    """Return True when ``theme`` (a sub-theme of ``parent`` when given) codes comments in ``language`` (None:
    English or unknown); see the module docstring."""
    if theme.language is not None:
        return theme.language == language
    if theme.origin != "manual":
        return language is None
    return parent is None or _codes(parent, language)


def reads(codeframe: Codeframe, theme: Theme, language: str | None) -> bool:
    """Return True when ``theme`` of ``codeframe`` codes comments in ``language`` (None: English or unknown)."""
    return _codes(theme, language, codeframe.parent_of(theme))


def for_language(codeframe: Codeframe, language: str | None) -> Codeframe:
    """Return the themes that code comments in ``language`` (None: English or unknown), as one codeframe.

    A sub-theme whose parent codes another language stays, as a theme of its own (a parent's comments are
    gathered from the full codeframe later); a parent with no keyword and none of its sub-themes is dropped.
    """
    by_key = {t.key: t for t in codeframe.themes}
    kept = [t for t in codeframe.themes if _codes(t, language, by_key.get(t.parent) if t.parent else None)]
    keys = {t.key for t in kept}
    kept = [t if t.parent is None or t.parent in keys else replace(t, parent=None) for t in kept]
    with_children = {t.parent for t in kept if t.parent is not None}
    return Codeframe(tuple(t for t in kept if t.keywords or t.key in with_children))


def _free_name(name: str, taken: set[str]) -> str:
    """Return ``name``, numbered ("name 2") when a theme already has it."""
    candidate, number = name, 1
    while fold_name(candidate) in taken:
        number += 1
        candidate = f"{name} {number}"
    return candidate


def _tagged(name: str, language: str) -> str:
    """Return a theme name followed by its language ("konto (German)"), within the longest name allowed."""
    tag = f" ({language_name(language)})"
    return name[: MAX_NAME_LENGTH - len(tag)].rstrip() + tag


def combine(base: Codeframe, others: Mapping[str, Codeframe]) -> Codeframe:
    """Return ``base`` followed by each language's codeframe, its themes carrying their language.

    The themes of each language get keys after the ones already used, their parents the language in their
    name ("konto (German)"); a sub-theme's name gets it too only when the name is already taken.
    """
    themes = list(base.themes)
    taken = {fold_name(t.name) for t in themes}
    for language, codeframe in others.items():
        number = int(Codeframe(tuple(themes)).next_key()[1:])
        new_keys = {t.key: f"t{number + i}" for i, t in enumerate(codeframe.themes)}
        for theme in codeframe.themes:
            name = theme.name if theme.parent is not None and fold_name(theme.name) not in taken \
                else _tagged(theme.name, language)
            name = _free_name(name, taken)
            taken.add(fold_name(name))
            themes.append(replace(theme, key=new_keys[theme.key], name=name, language=language, absorbed=(),
                                  parent=new_keys.get(theme.parent) if theme.parent else None))
    return Codeframe(tuple(themes))


@dataclass(frozen=True)
class NotRead:
    """Comments no theme reads because of their language: how many per language, and why in plain words."""

    languages: dict[str, int] = field(default_factory=dict)
    minimum: int = MIN_LANGUAGE_COMMENTS

    @property
    def comments(self) -> int:
        """Return how many comments were not read."""
        return int(sum(self.languages.values()))

    @property
    def message(self) -> str:
        """Return one plain sentence about the comments left out ("" when every comment was read).

        "412 comments in 7 other languages were not read for themes: too few in each language (Danish 30,
        Swedish 17, ...; themes are found in a language from 50 comments on)."
        """
        if not self.languages:
            return ""
        total, k = self.comments, len(self.languages)
        where = f"in {language_name(next(iter(self.languages)))}" if k == 1 else f"in {k} other languages"
        head = f"{_comments(total)} {where} {'was' if total == 1 else 'were'} not read for themes: "
        few = {c: n for c, n in self.languages.items() if n < self.minimum}
        many = [c for c in self.languages if c not in few]
        rule = f"themes are found in a language from {self.minimum} comments on"
        reasons = []
        if few:
            listed = ", ".join(f"{language_name(c)} {n:,}" for c, n in list(few.items())[:4])
            listed += ", ..." if len(few) > 4 else ""
            if not many:
                reasons.append(f"too few in {'that language' if k == 1 else 'each language'} "
                               f"({listed + '; ' if k > 1 else ''}{rule})")
            else:
                reasons.append(f"{_comments(sum(few.values()))} in {len(few)} "
                               f"{'language' if len(few) == 1 else 'languages'} with too few each ({listed}; {rule})")
        if many:
            names = " and ".join(language_name(c) for c in many)
            one = len(many) == 1
            own = f"enough comments but no themes of {'its' if one else 'their'} own yet (find themes again, or add " \
                  "themes by hand)"
            if few:
                reasons.append(f"{_comments(sum(self.languages[c] for c in many))} in {names}, which "
                               f"{'has' if one else 'have'} {own}")
            else:
                reasons.append(f"{names} {'has' if one else 'have'} {own}")
        return head + ", and ".join(reasons) + "."

    def to_record(self) -> dict[str, Any]:
        """Return the ``not_read`` record of ``portal themes --format json``."""
        return {"comments": self.comments, "languages": dict(self.languages), "min_comments": self.minimum,
                "message": self.message}


def _comments(n: int) -> str:
    """Return "1 comment" or "412 comments"."""
    return f"{n:,} comment" if n == 1 else f"{n:,} comments"


def not_read(frame: pd.DataFrame, codeframe: Codeframe, coded: Collection[Any] = ()) -> NotRead:
    """Return the comments of ``frame`` whose language the codeframe has no themes for, per language (most first).

    ``coded`` holds the row keys of comments that have a theme (a hand-made theme of its own reads every
    language): those were read and are not counted.
    """
    if "comment" not in frame.columns or "language" not in frame.columns or frame.empty:
        return NotRead()
    text = frame["comment"].astype(object)
    has = (text.notna() & (text.fillna("").map(str).str.strip() != "")).to_numpy()
    languages = comment_languages(frame)
    unread = has & ~read_mask(frame, codeframe)
    if len(coded) and unread.any() and "row_key" in frame.columns:
        unread &= ~frame["row_key"].isin(set(coded)).to_numpy()
    counts = pd.Series(languages[unread], dtype=object).value_counts(sort=False)
    ordered = sorted(counts.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
    return NotRead({str(code): int(n) for code, n in ordered})
