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


def dataset_line(name: str, comments: int, themes: int, version: int, where: str = "") -> str:
    """Return the title line: the dataset, its comments, its themes, the codeframe version and the filters."""
    words = f"{name}: {comments:,} comments, {themes} themes (codeframe version {version})."
    return words + (f" Filtered to {where}." if where else "")


def coverage_line(coverage: float, comments: int) -> str:
    """Return how many comments have at least one theme."""
    return f"{round(coverage * comments):,} of {comments:,} comments have at least one theme."


def ranking_note(ranking: str, missing: int) -> str:
    """Return the note under the ranked chart (how to read it; how many themes lack the figure)."""
    note = _RANKING_NOTES[ranking] + " Grey: comments without a theme. Click a bar to see its comments."
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


def keyword_line(theme: str, keywords: Sequence[str]) -> str:
    """Return a theme's keywords for one line: the first 15 and how many more."""
    if theme == UNCATEGORISED:
        return "none: these comments match no theme"
    words = list(keywords)
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
