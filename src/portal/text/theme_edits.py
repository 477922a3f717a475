"""Codeframe edits as a person makes them in a form: the edit, the note that records it, what it moves.

Pure functions over ``portal.text.codeframe`` (no store, no Streamlit).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from portal.text import codeframe as cf
from portal.text.codeframe import Codeframe

MOVE = "Move to another theme"
NEST = "Make it a sub-theme of"
PROMOTE = "Make it a theme of its own"
ADD_SUB = "Add a sub-theme"
#: Edits a person can make to the codeframe, in the order offered.
ACTIONS: tuple[str, ...] = ("Rename", "Merge", "Split", "Add keywords", "Remove keywords", "Add a theme", ADD_SUB,
                            MOVE, NEST, PROMOTE, "Delete")
#: Edits made to one chosen theme.
ON_ONE_THEME: tuple[str, ...] = ("Rename", "Split", "Add keywords", "Remove keywords", MOVE, NEST, PROMOTE,
                                 "Delete")
#: Edits that take a (new) name.
NAMED: tuple[str, ...] = ("Rename", "Merge", "Split", "Add a theme", ADD_SUB)
#: Edits that put a theme under another one (the ``under`` field).
UNDER: tuple[str, ...] = (MOVE, NEST, ADD_SUB)


def theme_choices(codeframe: Codeframe, action: str) -> list[str]:
    """Return the labels of the themes an edit can be made to, in display order.

    Moving and promoting take sub-themes; making a theme a sub-theme takes top-level themes without
    sub-themes; the other edits take every theme.
    """
    themes = codeframe.ordered()
    if action in (MOVE, PROMOTE):
        themes = [t for t in themes if t.parent is not None]
    elif action == NEST:
        themes = [t for t in themes if t.parent is None and not codeframe.children(t)]
    return [codeframe.label(t) for t in themes]


def under_choices(codeframe: Codeframe, action: str, theme: str | None) -> list[str]:
    """Return the themes that can take ``theme`` (or a new sub-theme) under them: top-level themes other than
    the theme itself and its present parent."""
    chosen = codeframe.theme(theme) if theme else None
    skip = {chosen.key, chosen.parent} if chosen is not None else set()
    if action not in UNDER:
        return []
    return [t.name for t in codeframe.themes if t.parent is None and t.key not in skip]


def _level_change(codeframe: Codeframe, action: str, values: dict[str, Any]) -> tuple[Codeframe, str] | None:
    """Return the codeframe and note after a move, nesting or promotion (None while incomplete)."""
    theme, under = values.get("theme"), values.get("under")
    if action == PROMOTE:
        if not theme:
            return None
        parent = codeframe.parent_of(codeframe.theme(theme))
        moved = cf.promote_theme(codeframe, theme)
        return moved, f"made '{codeframe.theme(theme).name}' a theme of its own (it was under '{parent.name}')" \
            if parent else f"made '{theme}' a theme of its own"
    if not theme or not under:
        return None
    name = codeframe.theme(theme).name
    return cf.move_theme(codeframe, theme, under), f"moved '{name}' under '{under}'"


def _deleted_note(codeframe: Codeframe, theme: str) -> str:
    """Return the note of deleting ``theme``, naming the sub-themes that become themes of their own."""
    found = codeframe.theme(theme)
    children = codeframe.children(found)
    if not children:
        return f"deleted '{found.name}'"
    listed = ", ".join(f"'{t.name}'" for t in children)
    own = "is now a theme of its own" if len(children) == 1 else "are now themes of their own"
    return f"deleted '{found.name}'; its sub-{'theme' if len(children) == 1 else 'themes'} {listed} {own}"


def proposed_change(codeframe: Codeframe, action: str, values: dict[str, Any]) -> tuple[Codeframe, str] | None:
    """Return the codeframe after one edit and a note saying what changed; None while the form is incomplete.

    ``values`` holds the form's fields: ``theme`` (a name or label), ``themes`` (merge), ``name``,
    ``keywords`` (text or list), ``under`` (the theme to move under or add a sub-theme to). Raises
    ``InputError`` (from the codeframe functions) for an edit that cannot be made.
    """
    if action in (MOVE, NEST, PROMOTE):
        return _level_change(codeframe, action, values)
    theme, name = values.get("theme"), str(values.get("name") or "").strip()
    keywords = values.get("keywords") or ()
    words = ", ".join(keywords) if not isinstance(keywords, str) else keywords.strip()
    if action == "Rename":
        if not theme or not name:
            return None
        return cf.rename_theme(codeframe, theme, name), f"renamed '{theme}' to '{name}'"
    if action == "Merge":
        themes = list(values.get("themes") or ())
        if len(themes) < 2:
            return None
        into = name or None
        merged = cf.merge_themes(codeframe, themes, into)
        return merged, f"merged {', '.join(repr(t) for t in themes)} into '{into or themes[0]}'"
    if action == "Split":
        if not theme or not name or not words:
            return None
        return cf.split_theme(codeframe, theme, {name: keywords}), f"split '{name}' ({words}) out of '{theme}'"
    if action == "Add keywords":
        if not theme or not words:
            return None
        return cf.add_keywords(codeframe, theme, keywords), f"added {words} to '{theme}'"
    if action == "Remove keywords":
        if not theme or not words:
            return None
        return cf.remove_keywords(codeframe, theme, keywords), f"removed {words} from '{theme}'"
    if action == "Add a theme":
        if not name or not words:
            return None
        return cf.add_theme(codeframe, name, keywords), f"added the theme '{name}' ({words})"
    if action == ADD_SUB:
        under = values.get("under")
        if not name or not words or not under:
            return None
        return (cf.add_theme(codeframe, name, keywords, parent=under),
                f"added the sub-theme '{name}' ({words}) under '{under}'")
    if action == "Delete":
        if not theme:
            return None
        return cf.delete_theme(codeframe, theme), _deleted_note(codeframe, theme)
    raise ValueError(f"unknown action {action!r}")


def moved_comments(preview: pd.DataFrame) -> int:
    """Return how many theme mentions a change moves (the sum of the increases shown by ``storage.preview``)."""
    return int(preview["change"].clip(lower=0).sum()) if len(preview) else 0


def removed_comments(preview: pd.DataFrame) -> int:
    """Return how many theme mentions a change takes away (the sum of the decreases shown by ``storage.preview``)."""
    return int(-preview["change"].clip(upper=0).sum()) if len(preview) else 0


def changed_themes(preview: pd.DataFrame) -> pd.DataFrame:
    """Return the rows of a preview whose count of comments changes."""
    return preview[preview["change"] != 0]


def change_summary(preview: pd.DataFrame) -> str:
    """Return what a change does in one sentence (how many mentions added and removed, across how many themes)."""
    moved = changed_themes(preview)
    if moved.empty:
        return "No comment changes theme."
    return (f"{moved_comments(preview):,} theme mentions are added and {removed_comments(preview):,} removed "
            f"across {len(moved)} {'theme' if len(moved) == 1 else 'themes'}.")


def theme_keywords(codeframe: Codeframe, theme: str | None) -> list[str]:
    """Return the keywords of ``theme`` (none while no theme is chosen)."""
    return list(codeframe.theme(theme).keywords) if theme else []


def keywords_table(codeframe: Codeframe) -> pd.DataFrame:
    """Return every theme with its keywords, one row per theme in display order ("Flight › Delayed")."""
    themes = codeframe.ordered()
    return pd.DataFrame({
        "Theme": [codeframe.label(t) for t in themes],
        "Keywords": [", ".join(t.keywords) if t.keywords else "(only its sub-themes' keywords)" for t in themes],
    })
