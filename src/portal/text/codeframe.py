"""The codeframe: the list of themes a dataset's comments are coded with, and the edits a person makes to it.

A codeframe is plain data (frozen dataclasses) and every edit is a function that returns a new codeframe,
so the store can keep each version and undo any change. A theme has a stable ``key`` ("t3") that survives
renames, merges and splits, a readable ``name`` and the ``keywords`` (words or short phrases) that put a
comment under it. Keywords match whole words, ignore upper/lower case and plural endings ("price" also
matches "Prices"), and phrases match across spaces or hyphens ("customer service", "customer-service").

Codeframes move between datasets as JSON (``to_json`` / ``from_json``). Every problem with an edit or a file
raises ``InputError`` with a sentence for the person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from portal.errors import InputError

__all__ = [
    "FORMAT",
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
    "remove_keywords",
    "rename_theme",
    "split_theme",
    "to_json",
]

#: Name of the pseudo-theme of comments that match no theme (shown like a theme, never stored as one).
UNCATEGORISED = "Uncategorised"
#: Marks a JSON file as a codeframe of this portal.
FORMAT = "insights-portal/codeframe"
FORMAT_VERSION = 1
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
    codeframe has two levels at most.
    """

    key: str
    name: str
    keywords: tuple[str, ...]
    origin: str = "discovered"
    absorbed: tuple[str, ...] = ()
    parent: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the theme as plain JSON-able data."""
        out: dict[str, Any] = {"key": self.key, "name": self.name, "keywords": list(self.keywords),
                               "origin": self.origin}
        if self.absorbed:
            out["absorbed"] = list(self.absorbed)
        if self.parent:
            out["parent"] = self.parent
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
        """Return the theme called ``name`` (case-insensitive); raise ``InputError`` when there is none."""
        wanted = _fold(name)
        for theme in self.themes:
            if _fold(theme.name) == wanted:
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
        return {"format": FORMAT, "version": FORMAT_VERSION, "themes": [t.to_dict() for t in self.themes]}


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
        if not theme.keywords:
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


def _replace_theme(codeframe: Codeframe, old: Theme, new: Sequence[Theme]) -> Codeframe:
    """Return ``codeframe`` with ``old`` replaced by the themes ``new`` (in its place)."""
    out: list[Theme] = []
    for theme in codeframe.themes:
        if theme.key == old.key:
            out.extend(new)
        else:
            out.append(theme)
    return Codeframe(tuple(out))


def _name_free(codeframe: Codeframe, name: str, *, except_key: str | None = None) -> None:
    """Raise ``InputError`` when another theme than ``except_key`` is already called ``name``."""
    for theme in codeframe.themes:
        if theme.key != except_key and _fold(theme.name) == _fold(name):
            raise InputError(f"There is already a theme called '{theme.name}'. Choose another name, or merge the "
                             "two themes.")


def rename_theme(codeframe: Codeframe, name: str, new_name: str) -> Codeframe:
    """Return the codeframe with theme ``name`` renamed to ``new_name``; raise ``InputError`` on a clash."""
    theme = codeframe.theme(name)
    new_name = clean_name(new_name)
    _name_free(codeframe, new_name, except_key=theme.key)
    return _replace_theme(codeframe, theme, [replace(theme, name=new_name)])


def merge_themes(codeframe: Codeframe, names: Sequence[str], into: str | None = None) -> Codeframe:
    """Return the codeframe with the themes ``names`` merged into one (in the first one's place).

    The merged theme keeps the first theme's key, takes every keyword, and is called ``into`` (default: the
    first theme's name). Raises ``InputError`` for fewer than two themes, an unknown one or a name clash.
    """
    themes = [codeframe.theme(n) for n in names]
    keys = list(dict.fromkeys(t.key for t in themes))
    if len(keys) < 2:
        raise InputError("Choose at least two different themes to merge.")
    themes = [next(t for t in themes if t.key == k) for k in keys]
    first = themes[0]
    new_name = clean_name(into) if into else first.name
    merged_keys = {t.key for t in themes}
    for theme in codeframe.themes:
        if theme.key not in merged_keys and _fold(theme.name) == _fold(new_name):
            raise InputError(f"There is already a theme called '{theme.name}'. Choose another name for the "
                             "merged theme.")
    keywords = tuple(dict.fromkeys(k for t in themes for k in t.keywords))
    absorbed = tuple(dict.fromkeys([*first.absorbed, *(k for t in themes[1:] for k in (t.key, *t.absorbed))]))
    origin = "discovered" if all(t.origin == "discovered" for t in themes) else "manual"
    merged = Theme(key=first.key, name=new_name, keywords=keywords, origin=origin, absorbed=absorbed)
    out = [merged if t.key == first.key else t for t in codeframe.themes if t.key not in merged_keys - {first.key}]
    return Codeframe(tuple(out))


def split_theme(codeframe: Codeframe, name: str, parts: Mapping[str, Sequence[str] | str]) -> Codeframe:
    """Return the codeframe with keywords of theme ``name`` moved out into new themes.

    ``parts`` maps each new theme's name to its keywords (usually some of the theme's own; new ones are
    allowed). Keywords given to a part leave the original theme, which keeps the rest; when nothing is left
    it disappears and the first part takes its key (so corrections follow). Raises ``InputError`` for an
    unknown theme, an empty part or a name clash.
    """
    theme = codeframe.theme(name)
    if not parts:
        raise InputError(f"Say which keywords of '{theme.name}' go into which new theme.")
    cleaned: list[tuple[str, tuple[str, ...]]] = []
    seen: set[str] = set()
    for part_name, keywords in parts.items():
        part = clean_name(part_name)
        if _fold(part) in seen:
            raise InputError(f"Two parts are called '{part}'. Give each new theme its own name.")
        seen.add(_fold(part))
        words = clean_keywords(keywords)
        if not words:
            raise InputError(f"The new theme '{part}' needs at least one keyword.")
        cleaned.append((part, words))
    moved = {k for _, words in cleaned for k in words}
    rest = tuple(k for k in theme.keywords if k not in moved)
    new_themes: list[Theme] = [replace(theme, keywords=rest)] if rest else []
    number = int(codeframe.next_key()[1:])
    for index, (part, words) in enumerate(cleaned):
        takes_over = not rest and index == 0
        _name_free(codeframe, part, except_key=theme.key if takes_over else None)
        if not takes_over and rest and _fold(part) == _fold(theme.name):
            raise InputError(f"'{theme.name}' keeps its other keywords, so give the new theme another name.")
        if takes_over:
            new_themes.append(Theme(key=theme.key, name=part, keywords=words, origin="manual",
                                    absorbed=theme.absorbed))
        else:
            new_themes.append(Theme(key=f"t{number}", name=part, keywords=words, origin="manual"))
            number += 1
    return _replace_theme(codeframe, theme, new_themes)


def delete_theme(codeframe: Codeframe, name: str) -> Codeframe:
    """Return the codeframe without theme ``name``; raise ``InputError`` when there is none."""
    theme = codeframe.theme(name)
    return Codeframe(tuple(t for t in codeframe.themes if t.key != theme.key))


def add_theme(codeframe: Codeframe, name: str, keywords: Sequence[str] | str) -> Codeframe:
    """Return the codeframe with a new hand-made theme at the end; raise ``InputError`` on a clash or no keyword."""
    name = clean_name(name)
    _name_free(codeframe, name)
    words = clean_keywords(keywords)
    if not words:
        raise InputError(f"The new theme '{name}' needs at least one keyword, such as a word customers use for it.")
    theme = Theme(key=codeframe.next_key(), name=name, keywords=words, origin="manual")
    return Codeframe((*codeframe.themes, theme))


def add_keywords(codeframe: Codeframe, name: str, keywords: Sequence[str] | str) -> Codeframe:
    """Return the codeframe with ``keywords`` added to theme ``name`` (duplicates ignored)."""
    theme = codeframe.theme(name)
    words = clean_keywords(keywords)
    if not words:
        raise InputError("Type at least one keyword to add.")
    merged = tuple(dict.fromkeys([*theme.keywords, *words]))
    return _replace_theme(codeframe, theme, [replace(theme, keywords=merged)])


def remove_keywords(codeframe: Codeframe, name: str, keywords: Sequence[str] | str) -> Codeframe:
    """Return the codeframe with ``keywords`` taken from theme ``name``.

    Raises ``InputError`` for a keyword the theme does not have, or when no keyword would be left (delete the
    theme instead).
    """
    theme = codeframe.theme(name)
    words = clean_keywords(keywords)
    unknown = [w for w in words if w not in theme.keywords]
    if unknown:
        raise InputError(f"The theme '{theme.name}' has no keyword '{unknown[0]}'.")
    rest = tuple(k for k in theme.keywords if k not in words)
    if not rest:
        raise InputError(f"That would leave '{theme.name}' without keywords. Delete the theme instead, or add "
                         "another keyword first.")
    return _replace_theme(codeframe, theme, [replace(theme, keywords=rest)])


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
                            parent=parent))
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
