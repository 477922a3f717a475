"""Codeframe edits as a person makes them in a form: the edit, the note that records it, what it moves.

Pure functions over ``portal.text.codeframe`` (no store, no Streamlit).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from portal.text import codeframe as cf
from portal.text.codeframe import Codeframe

#: Edits a person can make to the codeframe, in the order offered.
ACTIONS: tuple[str, ...] = ("Rename", "Merge", "Split", "Add keywords", "Remove keywords", "Add a theme",
                            "Delete")
#: Edits made to one chosen theme.
ON_ONE_THEME: tuple[str, ...] = ("Rename", "Split", "Add keywords", "Remove keywords", "Delete")
#: Edits that take a (new) name.
NAMED: tuple[str, ...] = ("Rename", "Merge", "Split", "Add a theme")


def proposed_change(codeframe: Codeframe, action: str, values: dict[str, Any]) -> tuple[Codeframe, str] | None:
    """Return the codeframe after one edit and a note saying what changed; None while the form is incomplete.

    ``values`` holds the form's fields: ``theme``, ``themes`` (merge), ``name``, ``keywords`` (text or
    list). Raises ``InputError`` (from the codeframe functions) for an edit that cannot be made.
    """
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
    if action == "Delete":
        if not theme:
            return None
        return cf.delete_theme(codeframe, theme), f"deleted '{theme}'"
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
    """Return every theme with its keywords, one row per theme."""
    return pd.DataFrame({"Theme": codeframe.names, "Keywords": [", ".join(t.keywords) for t in codeframe.themes]})
