"""Each comment's themes as stored, and the hand corrections a person puts on top of them.

Corrections (``theme_corrections``) are applied on top of the automatic result every time, so they survive
any re-application, and they refer to themes by key, so they follow renames and merges. The store holds the
hits of each theme's own keywords; the parent level (a parent's comments are the union of its own hits and
its sub-themes') is added on reading (``portal.text.theme_levels``). Removing a parent from a comment
removes its sub-themes from it too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import orjson
import pandas as pd

from portal.errors import InputError, NotFoundError
from portal.store import Store
from portal.store import themes as stored
from portal.text.assign import reason
from portal.text.codeframe import Codeframe, from_dict
from portal.text.theme_levels import direct_labels, wanted_keys, with_parents

SENTIMENT_LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
#: Polarity given to a comment whose sentiment a person set by label only.
LABEL_POLARITY: dict[str, float] = {"negative": -0.5, "neutral": 0.0, "positive": 0.5}
#: Columns of the frame ``assignments`` returns.
ASSIGNMENT_COLUMNS: tuple[str, ...] = (
    "row_key", "theme_key", "theme", "how", "phrase", "matched", "spans", "clauses", "sentiment", "reason",
)


def _codeframe(snapshot: stored.ThemeSnapshot) -> Codeframe | None:
    """Return the current codeframe read in ``snapshot`` (None when the dataset has none)."""
    return from_dict(snapshot.codeframe.body) if snapshot.codeframe is not None else None


# ----------------------------------------------------------------------------------------------- reading


def assignments(store: Store, name: str, *, corrected: bool = True) -> pd.DataFrame:
    """Return each comment's themes under the current codeframe, hand corrections applied (``corrected``).

    One row per (comment, theme); comments without a theme have no row. Columns: ``ASSIGNMENT_COLUMNS``
    (``how`` is phrase, near or manual; ``reason`` is the sentence to show). Empty when the dataset has no
    codeframe.
    """
    snapshot = stored.read_themes(store, name, codeframe=True, assignments=True, corrections=corrected)
    columns = snapshot.assignments
    codeframe = _codeframe(snapshot) or Codeframe()
    by_key = codeframe.by_key()
    # Keys of merged themes point to the theme they went into; keys of deleted themes are dropped.
    mapped = [by_key[k].key if k in by_key else None for k in columns["theme_key"]]
    keep = [i for i, k in enumerate(mapped) if k is not None]
    if len(keep) < len(mapped):
        columns = {n: [v[i] for i in keep] for n, v in columns.items()}
        mapped = [mapped[i] for i in keep]
    columns["theme_key"] = mapped
    fixes = snapshot.corrections
    if fixes is not None and not fixes.empty:
        columns = _apply_theme_fixes(columns, fixes, codeframe)
    frame = with_parents(_finish(columns, codeframe), codeframe, clause_polarity=_polarities(store, name))
    fixed = set() if fixes is None else set(fixes.loc[fixes["sentiment_label"].notna(), "row_key"])
    if fixed:
        # A comment whose sentiment a person set loses its clause sentiment, so all its themes use the set one.
        frame.loc[frame["row_key"].isin(fixed).to_numpy(), "sentiment"] = np.nan
    return frame


def _polarities(store: Store, name: str) -> Callable[[object], list[float] | None]:
    """Return a function giving one comment's stored clause polarities (read once, on first use)."""
    cache: dict[str, Any] = {}

    def polarity(row_key: object) -> list[float] | None:
        if "texts" not in cache:
            cache["texts"] = stored.read_themes(store, name, texts=True).texts
        found = cache["texts"].get(row_key)
        if found is None or found.polarities is None:
            return None
        return [float("nan") if v is None else float(v) for v in orjson.loads(found.polarities)]

    return polarity


def _apply_theme_fixes(columns: dict[str, list[Any]], fixes: pd.DataFrame,
                       codeframe: Codeframe) -> dict[str, list[Any]]:
    """Return the assignment columns with the corrections' removed themes dropped and added themes put in.

    A removed parent takes its sub-themes' hits on that comment with it.
    """
    by_key = codeframe.by_key()
    drop: set[tuple[str, str]] = set()
    add: list[tuple[str, str]] = []
    for row_key, added, removed in zip(fixes["row_key"], fixes["added"], fixes["removed"], strict=True):
        for key in removed:
            if key in by_key:
                theme = by_key[key]
                drop.update((row_key, k) for k in (theme.key, *(t.key for t in codeframe.children(theme))))
        for key in added:
            if key in by_key:
                add.append((row_key, by_key[key].key))
    pairs = list(zip(columns["row_key"], columns["theme_key"], strict=True))
    if drop:
        keep = [i for i, p in enumerate(pairs) if p not in drop]
        columns = {n: [v[i] for i in keep] for n, v in columns.items()}
        pairs = [pairs[i] for i in keep]
    present = set(pairs)
    for row_key, theme_key in dict.fromkeys(add):
        if (row_key, theme_key) in present:
            continue
        for name, value in (("row_key", row_key), ("theme_key", theme_key), ("how", "manual"), ("phrase", ""),
                            ("matched", ""), ("spans", ""), ("clauses", ""), ("sentiment", None)):
            columns[name].append(value)
    return columns


def _finish(columns: dict[str, list[Any]], codeframe: Codeframe) -> pd.DataFrame:
    """Return the assignment frame (object columns, float sentiment) with theme names and reasons."""
    names = {t.key: t.name for t in codeframe.themes}
    out = {name: pd.Series(columns[name], dtype=object) for name in
           ("row_key", "theme_key", "how", "phrase", "matched", "spans", "clauses")}
    out["theme"] = pd.Series([names[k] for k in columns["theme_key"]], dtype=object)
    out["sentiment"] = pd.Series([np.nan if v is None else v for v in columns["sentiment"]], dtype="float64")
    out["reason"] = pd.Series([reason(h, p, m) for h, p, m in zip(columns["how"], columns["phrase"],
                                                                  columns["matched"], strict=True)], dtype=object)
    return pd.DataFrame({name: out[name] for name in ASSIGNMENT_COLUMNS})


def themes_per_row(store: Store, name: str) -> pd.Series:
    """Return row_key -> theme labels joined by "; " (display order), for comments with at least one theme.

    A sub-theme is listed as "Parent › Sub-theme", a hit of a parent's own keywords alone as "Parent" (left
    out when a sub-theme of it is listed). Hand corrections are applied. Empty when the dataset has no
    codeframe; the export fills the other rows with "".
    """
    snapshot = stored.read_themes(store, name, codeframe=True, pairs=True, corrections=True)
    codeframe = _codeframe(snapshot)
    if codeframe is None:
        return pd.Series(dtype=object, name="themes")
    fixes = snapshot.corrections
    assert fixes is not None
    index = {key: theme.key for key, theme in codeframe.by_key().items()}
    per_row: dict[str, set[str]] = {}
    for row_key, theme_key in snapshot.pairs:
        if theme_key in index:
            per_row.setdefault(row_key, set()).add(index[theme_key])
    for row_key, added, removed in zip(fixes["row_key"], fixes["added"], fixes["removed"], strict=True):
        chosen = per_row.setdefault(row_key, set())
        for key in (index[k] for k in removed if k in index):
            chosen -= {key, *(t.key for t in codeframe.themes if t.parent == key)}
        chosen |= {index[k] for k in added if k in index}
    labels: dict[frozenset[str], str] = {}
    joined = {}
    for key, chosen in per_row.items():
        if chosen:
            frozen = frozenset(chosen)
            if frozen not in labels:
                labels[frozen] = "; ".join(direct_labels(frozen, codeframe))
            joined[key] = labels[frozen]
    return pd.Series(joined, dtype=object, name="themes")


def corrections(store: Store, name: str) -> pd.DataFrame:
    """Return the dataset's hand corrections, one row per comment.

    Columns: ``row_key``, ``added`` and ``removed`` (theme names under the current codeframe, as tuples),
    ``sentiment``, ``sentiment_label``, ``updated_at``.
    """
    snapshot = stored.read_themes(store, name, codeframe=True, corrections=True)
    fixes = snapshot.corrections
    assert fixes is not None
    codeframe = _codeframe(snapshot)
    by_key = codeframe.by_key() if codeframe else {}
    for column in ("added", "removed"):
        fixes[column] = pd.Series([tuple(by_key[k].name for k in keys if k in by_key) for keys in fixes[column]],
                                  dtype=object, index=fixes.index)
    return fixes


def with_corrected_sentiment(store: Store, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` (a loaded canonical frame) with hand-set sentiment put in place of the computed one."""
    fixes = stored.read_themes(store, name, corrections=True).corrections
    assert fixes is not None
    fixes = fixes[fixes["sentiment_label"].notna()]
    if fixes.empty or "row_key" not in frame.columns:
        return frame
    out = frame.copy()
    keyed = out["row_key"]
    label = keyed.map(dict(zip(fixes["row_key"], fixes["sentiment_label"], strict=True)))
    value = keyed.map(dict(zip(fixes["row_key"], fixes["sentiment"], strict=True)))
    hit = label.notna().to_numpy()
    if "sentiment_label" in out.columns:
        labels = out["sentiment_label"].astype(object).to_numpy(copy=True)
        labels[hit] = label.to_numpy(dtype=object)[hit]
        out["sentiment_label"] = pd.Series(labels, index=out.index, dtype=object)
    if "sentiment" in out.columns:
        values = out["sentiment"].to_numpy(dtype=float, copy=True)
        values[hit] = value.to_numpy(dtype=float)[hit]
        out["sentiment"] = values
    return out


# ----------------------------------------------------------------------------------------------- corrections


def _check_row(store: Store, name: str, row_key: str) -> None:
    """Raise ``NotFoundError`` when the dataset has no row ``row_key``."""
    if row_key not in store.row_keys(name):
        raise NotFoundError(f"The dataset '{name}' has no response with the key '{row_key}'.")


def correct_themes(store: Store, name: str, row_key: str, themes: Sequence[str]) -> list[str]:
    """Set one comment's themes by hand to exactly ``themes`` (names); return them in codeframe order.

    The correction is stored as the difference from the automatic result, so it survives every later
    re-application (a theme added to the codeframe later can still reach the comment). Raises
    ``InputError`` for an unknown theme or a dataset without codeframe, ``NotFoundError`` for an unknown row.
    """
    _check_row(store, name, row_key)
    codeframe = _codeframe(stored.read_themes(store, name, codeframe=True))
    if codeframe is None:
        raise InputError(f"The dataset '{name}' has no codeframe yet, so there are no themes to choose from.")
    named = {codeframe.theme(t).key for t in themes}
    hits = stored.read_themes(store, name, pairs=True).pairs
    by_key = codeframe.by_key()
    auto = {by_key[k].key for r, k in hits if r == row_key and k in by_key}
    now = assignments(store, name)
    current = set(now.loc[now["row_key"] == row_key, "theme_key"])
    wanted = wanted_keys(named, current, auto, codeframe)
    stored.set_correction_themes(store, name, row_key, added=sorted(wanted - auto), removed=sorted(auto - wanted))
    shown = wanted | {t.parent for t in codeframe.themes if t.key in wanted and t.parent is not None}
    return [t.name for t in codeframe.ordered() if t.key in shown]


def correct_sentiment(store: Store, name: str, row_key: str, label: str | None,
                      polarity: float | None = None) -> None:
    """Set one comment's sentiment by hand (``label`` negative, neutral or positive; None removes the correction).

    ``polarity`` defaults to -0.5, 0 or 0.5 for the label. Raises ``InputError`` for an unknown label or a
    polarity outside -1..1, ``NotFoundError`` for an unknown row.
    """
    if label is not None and label not in SENTIMENT_LABELS:
        raise InputError(f"'{label}' is not a sentiment. Choose negative, neutral or positive.")
    if polarity is not None and not (-1.0 <= float(polarity) <= 1.0):
        raise InputError("A sentiment score runs from -1 (most negative) to 1 (most positive).")
    _check_row(store, name, row_key)
    value = None if label is None else float(polarity) if polarity is not None else LABEL_POLARITY[label]
    stored.set_correction_sentiment(store, name, row_key, value, label)


def clear_correction(store: Store, name: str, row_key: str) -> bool:
    """Remove every hand correction of one comment; return whether there was one."""
    return stored.delete_correction(store, name, row_key)
