"""The codeframe: the list of themes a dataset's comments are coded with, and the edits a person makes to it.

A codeframe is plain data (frozen dataclasses) and every edit is a function that returns a new codeframe,
so the store can keep each version and undo any change. A theme has a stable ``key`` ("t3") that survives
renames, merges and splits, a readable ``name`` and the ``keywords`` (words or short phrases) that put a
comment under it. Keywords match whole words, ignore upper/lower case and plural endings ("price" also
matches "Prices"), and phrases match across spaces or hyphens ("customer service", "customer-service").

A codeframe has two levels: themes (what: flight, bag, app) and sub-themes (what about it: flight › delayed).
A sub-theme names its parent by key; a parent's comments are those matching its own keywords plus every
comment of its sub-themes (``portal.text.theme_levels``), so a parent needs no keyword of its own when it has
sub-themes. Names are unique across both levels, so a theme is found by its name or by its label
("Flight › Delayed"). A theme found in the comments of one language other than English carries that
language (``language="de"``) and only codes comments in that language; a theme without a language codes
English comments (and comments of unknown language), and a theme added by hand codes every comment. The edits
(rename, merge, split, delete, add, move, promote) are in ``portal.text.codeframe_edits`` and re-exported here.

Codeframes move between datasets as JSON (``to_json`` / ``from_json``). Version 2 files carry ``parent``;
version 3 files also carry ``language`` on themes found in another language (a codeframe without such themes is
still written as version 2, so older portals read it); version 1 files (and codeframes stored before sub-themes existed) load as flat codeframes. Every problem with
an edit or a file raises ``InputError`` with a sentence for the person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from portal.errors import InputError

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "LEVEL_MARK",
    "PLAIN_VERSION",
    "MAX_KEYWORD_LENGTH",
    "MAX_NAME_LENGTH",
    "UNCATEGORISED",
    "Codeframe",
    "Theme",
    "add_keywords",
    "add_theme",
    "clean_keyword",
    "delete_theme",
    "from_json",
    "merge_themes",
    "move_theme",
    "promote_theme",
    "remove_keywords",
    "rename_theme",
    "split_theme",
    "to_json",
]

#: Name of the pseudo-theme of comments that match no theme (shown like a theme, never stored as one).
UNCATEGORISED = "Uncategorised"
#: Marks a JSON file as a codeframe of this portal.
FORMAT = "insights-portal/codeframe"
#: Version 2 adds ``parent`` (sub-themes), version 3 ``language``; version 1 files load as flat codeframes.
FORMAT_VERSION = 3
#: The version written for a codeframe none of whose themes carries a language (what older portals read).
PLAIN_VERSION = 2
#: Joins a parent's name and a sub-theme's name in a label ("Flight › Delayed").
LEVEL_MARK = " \u203a "
MAX_NAME_LENGTH = 80
MAX_KEYWORD_LENGTH = 60
MAX_THEMES = 200
ORIGINS: tuple[str, ...] = ("discovered", "manual")

_SPACES = re.compile(r"[\s\-_]+")
_KEY = re.compile(r"^t(\d+)$")


@dataclass(frozen=True)
class Theme:
    """One theme: a stable key, a readable name, the keywords that put a comment under it, and its origin.

    ``absorbed`` lists the keys of themes merged into this one (so hand corrections made on them follow).
    ``parent`` is the key of the theme this one is a sub-theme of (``None`` for a top-level theme); a
    codeframe has two levels at most. ``language`` is the ISO 639-1 code of the language the theme was found
    in when that is not English (``None``: English, or a theme made by hand for every language).
    """

    key: str
    name: str
    keywords: tuple[str, ...]
    origin: str = "discovered"
    absorbed: tuple[str, ...] = ()
    parent: str | None = None
    language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the theme as plain JSON-able data."""
        out: dict[str, Any] = {"key": self.key, "name": self.name, "keywords": list(self.keywords),
                               "origin": self.origin}
        if self.absorbed:
            out["absorbed"] = list(self.absorbed)
        if self.parent:
            out["parent"] = self.parent
        if self.language:
            out["language"] = self.language
        return out


@dataclass(frozen=True)
class Codeframe:
    """An ordered list of themes with unique keys and names (case-insensitive)."""

    themes: tuple[Theme, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        """Check names and keys are unique and present; raise ``InputError`` when not."""
        _check(self.themes)

    @property
    def names(self) -> list[str]:
        """Return the theme names in order."""
        return [t.name for t in self.themes]

    def theme(self, name: str) -> Theme:
        """Return the theme called ``name`` or labelled so ("Flight › Delayed", case-insensitive).

        Raises ``InputError`` when there is none.
        """
        wanted = _fold(name)
        for theme in self.themes:
            if _fold(theme.name) == wanted:
                return theme
        for theme in self.themes:
            if theme.parent is not None and _fold(self.label(theme)) == wanted:
                return theme
        known = ", ".join(f"'{t.name}'" for t in self.themes[:8])
        more = " ..." if len(self.themes) > 8 else ""
        raise InputError(f"There is no theme called '{name}'. The themes are: {known}{more}." if known
                         else f"There is no theme called '{name}': the codeframe has no themes yet.")

    def by_key(self) -> dict[str, Theme]:
        """Return the themes by key, including the keys of themes merged into them."""
        out: dict[str, Theme] = {}
        for theme in self.themes:
            for key in theme.absorbed:
                out.setdefault(key, theme)
        for theme in self.themes:
            out[theme.key] = theme
        return out

    def parent_of(self, theme: Theme) -> Theme | None:
        """Return the parent of ``theme`` (None for a top-level theme)."""
        if theme.parent is None:
            return None
        return next((t for t in self.themes if t.key == theme.parent), None)

    def children(self, theme: Theme) -> list[Theme]:
        """Return the sub-themes of ``theme`` in codeframe order (none for a sub-theme or a theme without any)."""
        return [t for t in self.themes if t.parent == theme.key]

    def label(self, theme: Theme | str) -> str:
        """Return how a theme is shown: its name, after its parent's for a sub-theme ("Flight › Delayed")."""
        found = self.theme(theme) if isinstance(theme, str) else theme
        parent = self.parent_of(found)
        return found.name if parent is None else f"{parent.name}{LEVEL_MARK}{found.name}"

    def ordered(self) -> list[Theme]:
        """Return the themes as shown: each top-level theme followed by its sub-themes."""
        out: list[Theme] = []
        for theme in self.themes:
            if theme.parent is None:
                out.append(theme)
                out.extend(self.children(theme))
        return out

    def labels(self) -> list[str]:
        """Return every theme's label in display order (what a person picks from)."""
        return [self.label(t) for t in self.ordered()]

    def parent_keys(self) -> dict[str, str]:
        """Return sub-theme key -> parent key, for every sub-theme."""
        return {t.key: t.parent for t in self.themes if t.parent is not None}

    def next_key(self) -> str:
        """Return a key no theme of this codeframe uses (``t<n>`` with n one above the highest)."""
        numbers = [0]
        for theme in self.themes:
            for key in (theme.key, *theme.absorbed):
                m = _KEY.match(key)
                if m:
                    numbers.append(int(m.group(1)))
        return f"t{max(numbers) + 1}"

    def to_dict(self) -> dict[str, Any]:
        """Return the codeframe as plain JSON-able data (the export format)."""
        version = FORMAT_VERSION if any(t.language for t in self.themes) else PLAIN_VERSION
        return {"format": FORMAT, "version": version, "themes": [t.to_dict() for t in self.themes]}


def _fold(text: str) -> str:
    """Return ``text`` as compared: trimmed, single spaces, case-folded."""
    return " ".join(str(text).split()).casefold()


def clean_name(name: Any) -> str:
    """Return a theme name trimmed to single spaces; raise ``InputError`` when it is empty, too long or reserved."""
    text = " ".join(str(name or "").split())
    if not text:
        raise InputError("A theme needs a name. Type a short name such as 'delivery time'.")
    if len(text) > MAX_NAME_LENGTH:
        raise InputError(f"The theme name '{text[:30]}...' is too long: use at most {MAX_NAME_LENGTH} characters.")
    if _fold(text) == _fold(UNCATEGORISED):
        raise InputError(f"'{UNCATEGORISED}' is reserved for comments without a theme. Choose another name.")
    return text


def clean_keyword(keyword: Any) -> str:
    """Return a keyword in lower case with single spaces; raise ``InputError`` when it has no letter or digit."""
    text = _SPACES.sub(" ", str(keyword or "").replace("\u2019", "'")).strip(" .,;:!?\"'()[]\u201c\u201d\u2018").lower()
    if not any(ch.isalnum() for ch in text):
        raise InputError(f"'{keyword}' is not a keyword: a keyword is a word or short phrase, such as 'refund'.")
    if len(text) > MAX_KEYWORD_LENGTH:
        raise InputError(f"The keyword '{text[:30]}...' is too long: use at most {MAX_KEYWORD_LENGTH} characters.")
    return text


def clean_keywords(keywords: Iterable[Any]) -> tuple[str, ...]:
    """Return the cleaned keywords in order without duplicates; raise ``InputError`` for a bad one."""
    if isinstance(keywords, str):
        keywords = [k for k in re.split(r"[,;\n]", keywords) if k.strip()]
    out: dict[str, None] = {}
    for keyword in keywords:
        out.setdefault(clean_keyword(keyword), None)
    return tuple(out)


def _check(themes: Sequence[Theme]) -> None:
    """Raise ``InputError`` when names or keys repeat, a theme has no keyword, or there are too many themes."""
    if len(themes) > MAX_THEMES:
        raise InputError(f"A codeframe can hold at most {MAX_THEMES} themes; this one has {len(themes)}. "
                         "Merge or delete some themes.")
    names: set[str] = set()
    keys: set[str] = set()
    for theme in themes:
        folded = _fold(theme.name)
        if not folded:
            raise InputError("Every theme needs a name.")
        if folded in names:
            raise InputError(f"Two themes are called '{theme.name}'. Give each theme its own name.")
        names.add(folded)
        if not theme.key or theme.key in keys:
            raise InputError(f"The theme '{theme.name}' has a missing or repeated key. Export the codeframe again "
                             "from the portal, or remove the 'key' fields from the file.")
        keys.add(theme.key)
        if not theme.keywords and not any(t.parent == theme.key for t in themes):
            raise InputError(f"The theme '{theme.name}' has no keywords, so no comment could ever get it. "
                             "Add at least one keyword, or delete the theme.")
        if theme.origin not in ORIGINS:
            raise InputError(f"The theme '{theme.name}' has an unknown origin '{theme.origin}'.")
    _check_parents(themes)


def _check_parents(themes: Sequence[Theme]) -> None:
    """Raise ``InputError`` when a sub-theme's parent is missing, itself, or a sub-theme (two levels at most)."""
    by_key = {t.key: t for t in themes}
    for theme in themes:
        if theme.parent is None:
            continue
        parent = by_key.get(theme.parent)
        if parent is None or parent.key == theme.key:
            raise InputError(f"The sub-theme '{theme.name}' belongs to a theme the codeframe does not have. "
                             "Move it under an existing theme, or make it a theme of its own.")
        if parent.parent is not None:
            raise InputError(f"'{theme.name}' would sit under '{parent.name}', which is itself a sub-theme: a "
                             "codeframe has themes and sub-themes, two levels at most.")


def fold_name(text: str) -> str:
    """Return ``text`` as theme names are compared: trimmed, single spaces, case-folded."""
    return _fold(text)


def to_json(codeframe: Codeframe) -> bytes:
    """Return the codeframe as indented JSON (UTF-8 bytes) for a file."""
    return orjson.dumps(codeframe.to_dict(), option=orjson.OPT_INDENT_2)


def from_dict(data: Any) -> Codeframe:
    """Build a codeframe from ``to_dict`` output or a bare list of themes; raise ``InputError`` when malformed.

    Keys are optional (missing ones are numbered); ``keywords`` may be a list or a comma-separated text.
    """
    items = data.get("themes") if isinstance(data, dict) else data
    if isinstance(data, dict) and data.get("format") not in (None, FORMAT):
        raise InputError("This file is not a codeframe of the portal. Export one with "
                         "`portal codeframe --export FILE`, or from the Themes page.")
    version = data.get("version", 1) if isinstance(data, dict) else 1
    if not isinstance(version, int) or isinstance(version, bool) or version > FORMAT_VERSION:
        raise InputError(f"This codeframe file was written by a newer version of the portal (format version "
                         f"{version}; this one reads up to {FORMAT_VERSION}). Update the portal, or export the "
                         "codeframe again from the portal that made it.")
    if not isinstance(items, list):
        raise InputError("A codeframe file holds a list of themes under \"themes\", each with a \"name\" and its "
                         "\"keywords\".")
    themes: list[Theme] = []
    used: set[str] = set()
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise InputError(f"Theme number {position} in the file is not a theme: each theme needs a \"name\" and "
                             "\"keywords\".")
        name = clean_name(item.get("name"))
        keywords = clean_keywords(item.get("keywords") or ())
        key = str(item.get("key") or "").strip()
        if not key or key in used:
            key = ""
        origin = str(item.get("origin") or "manual")
        if origin not in ORIGINS:
            origin = "manual"
        absorbed = tuple(str(k) for k in item.get("absorbed") or () if str(k))
        parent = str(item.get("parent") or "").strip() or None
        themes.append(Theme(key=key, name=name, keywords=keywords, origin=origin, absorbed=absorbed,
                            parent=parent, language=_language_code(item.get("language"))))
        if key:
            used.add(key)
    numbered: list[Theme] = []
    counter = 0
    taken = used | {k for t in themes for k in t.absorbed}
    for theme in themes:
        if theme.key:
            numbered.append(theme)
            continue
        counter += 1
        while f"t{counter}" in taken:
            counter += 1
        taken.add(f"t{counter}")
        numbered.append(replace(theme, key=f"t{counter}"))
    return Codeframe(tuple(_parents_as_keys(numbered)))


def _language_code(value: Any) -> str | None:
    """Return a theme's language as stored (lower-case ISO 639-1 code; None for English or none given)."""
    code = str(value or "").strip().lower().replace("_", "-").split("-")[0]
    if not code or code == "en":
        return None
    if not code.isalpha() or len(code) > 3:
        raise InputError(f"'{value}' is not a language code: use a two-letter code such as 'de' or 'es', or leave "
                         "\"language\" out for a theme in English or for every language.")
    return code


def _parents_as_keys(themes: Sequence[Theme]) -> list[Theme]:
    """Return ``themes`` with each ``parent`` given by key; a file may also name the parent theme."""
    keys = {t.key for t in themes}
    by_name = {_fold(t.name): t.key for t in themes}
    return [t if t.parent is None or t.parent in keys else replace(t, parent=by_name.get(_fold(t.parent), t.parent))
            for t in themes]


def from_json(data: bytes | str) -> Codeframe:
    """Read a codeframe from JSON text; raise ``InputError`` when it is not valid JSON or not a codeframe."""
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError as err:
        raise InputError(f"The codeframe file is not valid JSON ({err.args[0] if err.args else err}). "
                         "Export it again, or fix the file.") from None
    return from_dict(parsed)


# The edits live in their own module; they are part of this module's interface.
from portal.text.codeframe_edits import (  # noqa: E402  (needs the classes above)
    add_keywords,
    add_theme,
    delete_theme,
    merge_themes,
    move_theme,
    promote_theme,
    remove_keywords,
    rename_theme,
    split_theme,
)
