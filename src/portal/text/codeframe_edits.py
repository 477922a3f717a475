"""The edits a person makes to a codeframe, on both levels: each returns a new ``Codeframe``.

Themes and sub-themes are renamed, merged, split, deleted and given keywords alike. Besides, a sub-theme
moves to another parent (``move_theme``, which also makes a theme a sub-theme of another), a sub-theme
becomes a theme of its own (``promote_theme``), and ``add_theme`` adds a sub-theme under a parent. Rules
across the levels:

* deleting a parent makes its sub-themes themes of their own (their comments stay coded);
* merging themes of one level keeps that level (sub-themes of different parents go under the first one's
  parent); merging a parent with some of its own sub-themes folds them into it; a sub-theme can only be
  merged with a top-level theme when that theme is its parent, otherwise ``InputError`` says to move it first;
* splitting a theme makes the new themes its siblings (a sub-theme's parts are sub-themes of the same parent);
* a parent with sub-themes may have no keyword of its own, a theme without sub-themes needs one;
* a theme made by hand reads every language, a sub-theme made by hand the languages of its theme
  (``portal.text.theme_languages``): adding one under a theme, or moving one there, gives it that theme's
  language; made a theme of its own again, it keeps a language it has and otherwise reads every language.

Every problem raises ``InputError`` with a sentence for the person.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from portal.errors import InputError
from portal.text.codeframe import Codeframe, Theme, clean_keywords, clean_name, fold_name

# The edits are public through ``portal.text.codeframe`` (its ``__all__`` lists them).


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
        if theme.key != except_key and fold_name(theme.name) == fold_name(name):
            raise InputError(f"There is already a theme called '{theme.name}'. Choose another name, or merge the "
                             "two themes.")


def _placed_under(themes: Sequence[Theme], theme: Theme, parent_key: str | None) -> Codeframe:
    """Return a codeframe of ``themes`` with ``theme`` put after the last theme of ``parent_key``'s block.

    Without a parent the theme goes right after the block of the theme it was under (or at the end).
    """
    rest = [t for t in themes if t.key != theme.key]
    anchor = parent_key if parent_key is not None else theme.parent
    at = len(rest)
    if anchor is not None:
        block = [i for i, t in enumerate(rest) if anchor in (t.key, t.parent)]
        if block:
            at = block[-1] + 1
    rest.insert(at, replace(theme, parent=parent_key))
    return Codeframe(tuple(rest))


def rename_theme(codeframe: Codeframe, name: str, new_name: str) -> Codeframe:
    """Return the codeframe with theme ``name`` renamed to ``new_name``; raise ``InputError`` on a clash."""
    theme = codeframe.theme(name)
    new_name = clean_name(new_name)
    _name_free(codeframe, new_name, except_key=theme.key)
    return _replace_theme(codeframe, theme, [replace(theme, name=new_name)])


def _merge_anchor(codeframe: Codeframe, themes: list[Theme]) -> Theme:
    """Return the theme whose key, place and level the merged theme takes; raise ``InputError`` across levels."""
    tops = [t for t in themes if t.parent is None]
    if not tops:
        return themes[0]
    top_keys = {t.key for t in tops}
    for theme in themes:
        if theme.parent is not None and theme.parent not in top_keys:
            parent = codeframe.parent_of(theme)
            raise InputError(
                f"'{theme.name}' is a sub-theme of '{parent.name if parent else theme.parent}', and "
                f"'{tops[0].name}' is a theme of its own. Move '{theme.name}' first (make it a theme of its own, or "
                f"a sub-theme of '{tops[0].name}'), then merge.")
    return tops[0]


def merge_themes(codeframe: Codeframe, names: Sequence[str], into: str | None = None) -> Codeframe:
    """Return the codeframe with the themes ``names`` merged into one.

    The merged theme takes every keyword, is called ``into`` (default: the first theme's name) and keeps the
    key, place and level of the first top-level theme among them (else of the first one), so corrections
    follow. Sub-themes of a merged parent that are not merged move under the merged theme. Raises
    ``InputError`` for fewer than two themes, an unknown one, a name clash or a merge across levels that
    does not hold a sub-theme's own parent.
    """
    themes = [codeframe.theme(n) for n in names]
    keys = list(dict.fromkeys(t.key for t in themes))
    if len(keys) < 2:
        raise InputError("Choose at least two different themes to merge.")
    themes = [next(t for t in themes if t.key == k) for k in keys]
    anchor = _merge_anchor(codeframe, themes)
    new_name = clean_name(into) if into else themes[0].name
    merged_keys = set(keys)
    for theme in codeframe.themes:
        if theme.key not in merged_keys and fold_name(theme.name) == fold_name(new_name):
            raise InputError(f"There is already a theme called '{theme.name}'. Choose another name for the "
                             "merged theme.")
    others = [t for t in themes if t.key != anchor.key]
    keywords = tuple(dict.fromkeys(k for t in [anchor, *others] for k in t.keywords))
    absorbed = tuple(dict.fromkeys([*anchor.absorbed, *(k for t in others for k in (t.key, *t.absorbed))]))
    languages = {t.language for t in themes}
    # Themes of different languages merged into one read every language, like a theme made by hand: otherwise
    # the comments of all but one of them would silently lose it.
    origin = "discovered" if all(t.origin == "discovered" for t in themes) and len(languages) == 1 else "manual"
    parent = anchor.parent if anchor.parent not in merged_keys else None
    if len(languages) > 1:
        _every_language_under(codeframe, themes, parent)
    merged = Theme(key=anchor.key, name=new_name, keywords=keywords, origin=origin, absorbed=absorbed,
                   parent=parent, language=languages.pop() if len(languages) == 1 else None)
    out: list[Theme] = []
    for theme in codeframe.themes:
        if theme.key == anchor.key:
            out.append(merged)
        elif theme.key not in merged_keys:
            out.append(replace(theme, parent=anchor.key) if theme.parent in merged_keys else theme)
    return Codeframe(tuple(out))


def _every_language_under(codeframe: Codeframe, themes: Sequence[Theme], parent_key: str | None) -> None:
    """Raise ``InputError`` when themes of different languages would merge into a sub-theme of ``parent_key``
    that does not read every language (a sub-theme made by hand reads its theme's languages only)."""
    parent = next((t for t in codeframe.themes if t.key == parent_key), None)
    if parent is None or (parent.origin == "manual" and parent.language is None):
        return
    names = " and ".join(f"'{t.name}'" for t in themes[:2]) + (" ..." if len(themes) > 2 else "")
    raise InputError(f"{names} code comments in different languages, and merged under '{parent.name}' they would "
                     f"code only the comments of its language. Make them themes of their own first, or move them "
                     "under a theme you made yourself (it reads every language), then merge.")


def _split_parts(theme: Theme, parts: Mapping[str, Sequence[str] | str]) -> list[tuple[str, tuple[str, ...]]]:
    """Return the cleaned (name, keywords) of each part of a split; raise ``InputError`` for a bad one."""
    if not parts:
        raise InputError(f"Say which keywords of '{theme.name}' go into which new theme.")
    cleaned: list[tuple[str, tuple[str, ...]]] = []
    seen: set[str] = set()
    for part_name, keywords in parts.items():
        part = clean_name(part_name)
        if fold_name(part) in seen:
            raise InputError(f"Two parts are called '{part}'. Give each new theme its own name.")
        seen.add(fold_name(part))
        words = clean_keywords(keywords)
        if not words:
            raise InputError(f"The new theme '{part}' needs at least one keyword.")
        cleaned.append((part, words))
    return cleaned


def split_theme(codeframe: Codeframe, name: str, parts: Mapping[str, Sequence[str] | str]) -> Codeframe:
    """Return the codeframe with keywords of theme ``name`` moved out into new themes at the same level.

    ``parts`` maps each new theme's name to its keywords (usually some of the theme's own; new ones are
    allowed). Keywords given to a part leave the original theme, which keeps the rest; when nothing is left
    it disappears and the first part takes its key (so corrections follow), unless it has sub-themes, which
    keep it. A sub-theme's parts are sub-themes of the same parent. Raises ``InputError`` for an unknown
    theme, an empty part or a name clash.
    """
    theme = codeframe.theme(name)
    cleaned = _split_parts(theme, parts)
    moved = {k for _, words in cleaned for k in words}
    rest = tuple(k for k in theme.keywords if k not in moved)
    keeps = bool(rest) or bool(codeframe.children(theme))
    new_themes: list[Theme] = [replace(theme, keywords=rest)] if keeps else []
    number = int(codeframe.next_key()[1:])
    for index, (part, words) in enumerate(cleaned):
        takes_over = not keeps and index == 0
        _name_free(codeframe, part, except_key=theme.key if takes_over else None)
        if not takes_over and keeps and fold_name(part) == fold_name(theme.name):
            raise InputError(f"'{theme.name}' keeps its other keywords, so give the new theme another name.")
        if takes_over:
            new_themes.append(Theme(key=theme.key, name=part, keywords=words, origin="manual",
                                    absorbed=theme.absorbed, parent=theme.parent, language=theme.language))
        else:
            new_themes.append(Theme(key=f"t{number}", name=part, keywords=words, origin="manual",
                                    parent=theme.parent, language=theme.language))
            number += 1
    return _replace_theme(codeframe, theme, new_themes)


def delete_theme(codeframe: Codeframe, name: str) -> Codeframe:
    """Return the codeframe without theme ``name``; its sub-themes become themes of their own.

    Raises ``InputError`` when there is no such theme.
    """
    theme = codeframe.theme(name)
    return Codeframe(tuple(replace(t, parent=None) if t.parent == theme.key else t
                           for t in codeframe.themes if t.key != theme.key))


def _top_level(codeframe: Codeframe, name: str) -> Theme:
    """Return the theme ``name`` that is to hold sub-themes; raise ``InputError`` when it is a sub-theme."""
    parent = codeframe.theme(name)
    above = codeframe.parent_of(parent)
    if above is not None:
        raise InputError(f"'{parent.name}' is itself a sub-theme of '{above.name}', and a codeframe has two levels "
                         "at most. Choose a theme of its own.")
    return parent


def add_theme(codeframe: Codeframe, name: str, keywords: Sequence[str] | str, *,
              parent: str | None = None) -> Codeframe:
    """Return the codeframe with a new hand-made theme (a sub-theme of ``parent`` when given).

    A new theme goes at the end (and codes comments in every language); a new sub-theme after its parent's other
    sub-themes, with its parent's language: it reads exactly the languages its parent reads (English only under
    an English discovered theme). Raises ``InputError`` on a name clash, no keyword, or a parent that is itself
    a sub-theme.
    """
    name = clean_name(name)
    _name_free(codeframe, name)
    words = clean_keywords(keywords)
    if not words:
        raise InputError(f"The new theme '{name}' needs at least one keyword, such as a word customers use for it.")
    theme = Theme(key=codeframe.next_key(), name=name, keywords=words, origin="manual")
    if parent is None:
        return Codeframe((*codeframe.themes, theme))
    top = _top_level(codeframe, parent)
    theme = replace(theme, language=top.language)  # under a theme of another language: that language's comments
    return _placed_under([*codeframe.themes, theme], theme, top.key)


def move_theme(codeframe: Codeframe, name: str, under: str) -> Codeframe:
    """Return the codeframe with theme ``name`` made a sub-theme of ``under`` (moved there if it had a parent).

    A theme made by hand takes ``under``'s language, as one added there does, so it reads the languages its new
    theme reads; a discovered theme keeps its own (its keywords are words of that language). Raises ``InputError`` when ``under`` is the theme itself or a sub-theme, when the theme has sub-themes of
    its own (two levels at most), or when it already sits there.
    """
    theme = codeframe.theme(name)
    target = _top_level(codeframe, under)
    if target.key == theme.key:
        raise InputError(f"'{theme.name}' cannot be a sub-theme of itself. Choose another theme.")
    children = codeframe.children(theme)
    if children:
        listed = ", ".join(f"'{t.name}'" for t in children[:4]) + (" ..." if len(children) > 4 else "")
        raise InputError(f"'{theme.name}' has sub-themes of its own ({listed}), and a codeframe has two levels at "
                         f"most. Move them or make them themes of their own first, or merge '{theme.name}' into "
                         f"'{target.name}'.")
    if theme.parent == target.key:
        raise InputError(f"'{theme.name}' is already a sub-theme of '{target.name}'.")
    if theme.origin == "manual":
        theme = replace(theme, language=target.language)
    return _placed_under(codeframe.themes, theme, target.key)


def promote_theme(codeframe: Codeframe, name: str) -> Codeframe:
    """Return the codeframe with sub-theme ``name`` made a theme of its own (placed after its former parent).

    It keeps its language: a sub-theme made by hand under an English discovered theme (which read English like
    its theme) then reads every language, like every theme made by hand without a language. Raises ``InputError`` when it already is a theme of its own.
    """
    theme = codeframe.theme(name)
    if theme.parent is None:
        raise InputError(f"'{theme.name}' is already a theme of its own.")
    return _placed_under(codeframe.themes, theme, None)


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

    Raises ``InputError`` for a keyword the theme does not have, or when no keyword would be left on a theme
    without sub-themes (delete the theme instead). A parent keeps its sub-themes' comments without keywords.
    """
    theme = codeframe.theme(name)
    words = clean_keywords(keywords)
    unknown = [w for w in words if w not in theme.keywords]
    if unknown:
        raise InputError(f"The theme '{theme.name}' has no keyword '{unknown[0]}'.")
    rest = tuple(k for k in theme.keywords if k not in words)
    if not rest and not codeframe.children(theme):
        raise InputError(f"That would leave '{theme.name}' without keywords. Delete the theme instead, or add "
                         "another keyword first.")
    return _replace_theme(codeframe, theme, [replace(theme, keywords=rest)])
