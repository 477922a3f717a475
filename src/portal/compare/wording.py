"""The comparison in words a marketer reads: one sentence per gap and per theme's link with the rating."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from portal.text.language import LANGUAGE_NAMES

__all__ = ["gap_sentence", "link_sentence"]


def _pct(x: float) -> str:
    """Return a share as a percentage with one decimal."""
    return f"{100 * x:.1f}%"


#: A theme of one language says it at the end of its name ("konto (German)").
_LANGUAGE_TAG = re.compile(r" \(([^()]+)\)$")
_LANGUAGES = frozenset(LANGUAGE_NAMES.values())


def _language(theme: str) -> str | None:
    """Return the language a theme's name ends with ("konto (German)" -> "German"), None for any other name."""
    found = _LANGUAGE_TAG.search(str(theme))
    return found.group(1) if found and found.group(1) in _LANGUAGES else None


def _figures(theme: str, ours: float, theirs: float, best: str) -> str:
    """Return the two problem rates in brackets, naming their base: "(2.0% of our German reviews, ...)"."""
    language = _language(theme)
    reviews = f"{language} reviews" if language else "reviews"
    mine = (f"none of our reviews are in {language}" if language else "none of our reviews are read for it") \
        if pd.isna(ours) else f"{_pct(ours)} of our {reviews}"
    other = f"{_pct(theirs)} of {best}'s {language} reviews" if language else f"{_pct(theirs)} of {best}'s"
    return f"({mine}, {other})"


def gap_sentence(row: Any) -> str:
    """Return what one gap row (``Comparison.gaps``) means, e.g. "Customers mention app problems 2.3x as often ..."."""
    theme, best = row["theme"], row["best_competitor"]
    if best is None or pd.isna(best):
        return f"{theme}: no competitor has enough reviews to compare with."
    ours, theirs = float(row["ours_problem_rate"]), float(row["best_problem_rate"])
    figures = _figures(theme, ours, theirs, best)
    if row["verdict"] == "too few" or pd.isna(ours):
        return f"{theme}: too few reviews to tell {figures}."
    chance = ("this is unlikely to be chance" if bool(row["significant"]) else "this could be chance")
    if ours == theirs:
        return f"Customers mention problems with {theme} as often for us as for {best} {figures}."
    if theirs > 0 and ours > theirs:
        return (f"Customers mention problems with {theme} {ours / theirs:.1f}x as often for us as for {best} "
                f"{figures}; {chance}.")
    if ours > theirs:
        return f"Customers mention problems with {theme} for us but never for {best} {figures}; {chance}."
    if ours > 0:
        return (f"Customers mention problems with {theme} {theirs / ours:.1f}x less often for us than for {best} "
                f"{figures}; {chance}.")
    return f"No customer mentions problems with {theme} for us, against {_pct(theirs)} for {best}; {chance}."


def link_sentence(row: Any) -> str:
    """Return what one rating-link row (``Comparison.rating_link``) says about the theme, with its uncertainty."""
    theme, rho, brands = row["theme"], row["rho"], int(row["brands"])
    if pd.isna(rho):
        return f"{theme}: the brands do not differ enough to tell how it goes with their rating."
    direction = ("have higher ratings" if rho < 0 else "have lower ratings")
    interval = ("" if pd.isna(row["rho_low"]) else f", 95% from {row['rho_low']:+.2f} to {row['rho_high']:+.2f}")
    caution = f"; only {brands} brands, so read it as a hint" if bool(row["low_confidence"]) else ""
    return (f"Brands with fewer problems with {theme} {direction} (rank correlation {rho:+.2f}{interval}"
            f"{caution}).")
