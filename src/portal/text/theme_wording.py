"""The sentences the Themes page writes about its figures (plain text; the page escapes it for Markdown)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from portal.text.codeframe import UNCATEGORISED
from portal.text.theme_view import finite, pct

#: Keywords listed before the rest are only counted.
KEYWORDS_SHOWN = 15
_RANKING_NOTES = {
    "volume": "Largest first. Bars: share of all comments; lines: 95% interval.",
    "negative": "Most negative first. Bars: share of the theme's mentions that are negative; lines: 95% interval.",
    "impact": "Themes that pull NPS down most come first (red); green ones lift it. Lines: 95% bootstrap "
              "interval; a line crossing 0 means the effect could be chance.",
}


def dataset_line(name: str, comments: int, themes: int, version: int, where: str = "", sub_themes: int = 0) -> str:
    """Return the title line: the dataset, its comments, its themes (and sub-themes), the codeframe version and
    the filters (``themes`` counts the top-level themes when ``sub_themes`` is given)."""
    subs = f" with {sub_themes} sub-theme{'' if sub_themes == 1 else 's'}" if sub_themes else ""
    words = f"{name}: {comments:,} comments, {themes} themes{subs} (codeframe version {version})."
    return words + (f" Filtered to {where}." if where else "")


def coverage_line(coverage: float, comments: int) -> str:
    """Return how many comments have at least one theme."""
    return f"{round(coverage * comments):,} of {comments:,} comments have at least one theme."


def ranking_note(ranking: str, missing: int, *, parent: str | None = None, has_sub_themes: bool = False) -> str:
    """Return the note under a ranked chart (how to read it; how many themes lack the figure).

    ``parent`` names the theme whose sub-themes are charted; ``has_sub_themes`` says the top-level chart
    leaves sub-themes to the chosen theme's own chart.
    """
    if parent is not None:
        note = (_RANKING_NOTES[ranking] +
                f" A comment can mention several sub-themes; each of them also counts once for '{parent}'.")
    else:
        note = _RANKING_NOTES[ranking] + " Grey: comments without a theme."
        if has_sub_themes:
            note += " Each theme counts the comments of its sub-themes once; pick a theme to see its sub-themes."
    note += " Click a bar to see its comments."
    return note + (f" {missing} themes without this figure are not shown." if missing else "")


def theme_facts(row: pd.Series, has_nps: bool) -> str:
    """Return a theme's key figures in one line (``row``: one row of ``figures.theme_table``)."""
    parts = [f"{int(row['n']):,} comments ({pct(row['share'])})"]
    if finite(row["negative_share"]):
        parts.append(f"{pct(row['negative_share'])} negative")
    if has_nps and finite(row["nps"]):
        parts.append(f"NPS {row['nps']:.0f}")
    if has_nps and finite(row["nps_impact"]):
        parts.append(f"impact on NPS {row['nps_impact']:+.1f} points (95%: {row['nps_impact_low']:+.1f} to "
                     f"{row['nps_impact_high']:+.1f})")
    return "; ".join(parts) + "."


def level_line(theme: str, parent: Any, children: Sequence[str]) -> str:
    """Return where a theme sits in the codeframe, for a person ("" for a theme without sub-themes)."""
    if isinstance(parent, str) and parent:
        return (f"'{theme}' is a sub-theme of '{parent}': its comments also count for '{parent}', once each.")
    if children:
        return (f"'{theme}' counts the comments that mention its own keywords or any of its {len(children)} "
                "sub-themes, each comment once. Its comments below are all of them.")
    return ""


def keyword_line(theme: str, keywords: Sequence[str]) -> str:
    """Return a theme's keywords for one line: the first 15 and how many more."""
    if theme == UNCATEGORISED:
        return "none: these comments match no theme"
    words = list(keywords)
    if not words:
        return "none of its own: it gathers the comments of its sub-themes"
    more = f" and {len(words) - KEYWORDS_SHOWN} more" if len(words) > KEYWORDS_SHOWN else ""
    return ", ".join(words[:KEYWORDS_SHOWN]) + more


def split_line(split: pd.DataFrame) -> str:
    """Return ``verbatims.sentiment_split`` in words: each sentiment with its count and share."""
    return " · ".join(f"{s}: {n:,} ({pct(p)})" for s, n, p in
                      zip(split["sentiment"], split["n"], split["share"], strict=True))


def comment_scope(theme: str, everywhere: bool) -> str:
    """Return which comments are listed: those about ``theme``, or every comment in the selection."""
    return "in the selection" if everywhere else f"about '{theme}'"


def verbatims_line(count: int, scope: str, search: str) -> str:
    """Return the line above the comments: how many, which, the search and how they are shown."""
    found = f" contain '{search.strip()}'" if search.strip() else ""
    return f"{count:,} comments {scope}{found}. Newest first; the words that put a comment under the theme are in bold."


def correction_line(themes: Sequence[str], sentiment: Any) -> str:
    """Return what a saved correction did (``sentiment`` None: the detected sentiment is kept)."""
    kept = ", ".join(themes) if themes else "no theme"
    return f"Saved: the comment now has {kept}{'' if sentiment is None else f' and is {sentiment}'}."
