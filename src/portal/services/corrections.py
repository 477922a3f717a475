"""Each comment's themes as stored, and the hand corrections a person puts on top of them.

Corrections (``theme_corrections``) are applied on top of the automatic result every time, so they survive
any re-application, and they refer to themes by key, so they follow renames and merges.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from portal.errors import InputError, NotFoundError
from portal.store import Store
from portal.store import themes as stored
from portal.text.assign import reason
from portal.text.codeframe import Codeframe, Theme, from_dict

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
        columns = _apply_theme_fixes(columns, fixes, by_key)
    return _finish(columns, codeframe)


def _apply_theme_fixes(columns: dict[str, list[Any]], fixes: pd.DataFrame,
                       by_key: dict[str, Theme]) -> dict[str, list[Any]]:
    """Return the assignment columns with the corrections' removed themes dropped and added themes put in.

    A comment whose sentiment a person set loses its clause sentiment, so all its themes use the set one.
    """
    drop: set[tuple[str, str]] = set()
    add: list[tuple[str, str]] = []
    for row_key, added, removed in zip(fixes["row_key"], fixes["added"], fixes["removed"], strict=True):
        for key in removed:
            if key in by_key:
                drop.add((row_key, by_key[key].key))
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
    fixed = set(fixes.loc[fixes["sentiment_label"].notna(), "row_key"])
    if fixed:
        columns["sentiment"] = [None if k in fixed else v for k, v in zip(columns["row_key"], columns["sentiment"],
                                                                          strict=True)]
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
    """Return row_key -> theme names joined by "; " (codeframe order), for comments with at least one theme.

    Hand corrections are applied. Empty when the dataset has no codeframe; the export fills the other rows
    with "".
    """
    snapshot = stored.read_themes(store, name, codeframe=True, pairs=True, corrections=True)
    codeframe = _codeframe(snapshot)
    if codeframe is None:
        return pd.Series(dtype=object, name="themes")
    fixes = snapshot.corrections
    assert fixes is not None
    by_key = codeframe.by_key()
    position = {t.key: i for i, t in enumerate(codeframe.themes)}
    index = {key: position[theme.key] for key, theme in by_key.items()}
    per_row: dict[str, set[int]] = {}
    for row_key, theme_key in snapshot.pairs:
        i = index.get(theme_key)
        if i is not None:
            per_row.setdefault(row_key, set()).add(i)
    for row_key, added, removed in zip(fixes["row_key"], fixes["added"], fixes["removed"], strict=True):
        chosen = per_row.setdefault(row_key, set())
        chosen -= {index[k] for k in removed if k in index}
        chosen |= {index[k] for k in added if k in index}
    names = codeframe.names
    joined = {key: "; ".join(names[i] for i in sorted(chosen)) for key, chosen in per_row.items() if chosen}
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
    wanted = {codeframe.theme(t).key for t in themes}
    automatic = assignments(store, name, corrected=False)
    auto = set(automatic.loc[automatic["row_key"] == row_key, "theme_key"])
    stored.set_correction_themes(store, name, row_key, added=sorted(wanted - auto), removed=sorted(auto - wanted))
    return [t.name for t in codeframe.themes if t.key in wanted]


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
