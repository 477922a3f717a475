"""Themes on two levels: a parent's comments are its own keyword hits plus every comment of its sub-themes.

The store keeps what matching finds (a comment's hits of each theme's own keywords, and hand corrections);
``with_parents`` adds the parent level on reading: one row per (comment, parent) for every comment that
mentions the parent's keywords or any of its sub-themes' keywords, counted once. The parent row's clauses
and spans are the union of those rows' clauses and spans, so its sentiment is the mean polarity of the
clauses that mention it (a clause that mentions two sub-themes counts once). Every figure computed per
theme then holds at both levels without double counting.

``direct_labels`` lists a comment's themes for a file ("Flight › Delayed", or "Flight" for a hit of the
parent's own keywords only) and ``wanted_keys`` turns the themes a person ticks on a comment into the hits
to keep, with the rule that removing a parent removes its sub-themes from that comment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from portal.text.codeframe import Codeframe
from portal.text.matching import format_spans, parse_spans

__all__ = ["direct_labels", "theme_counts", "wanted_keys", "with_parents"]

#: Returns one comment's clause polarities (None when they are not known).
ClausePolarity = Callable[[object], Sequence[float] | None]


def _parent_of(codeframe: Codeframe) -> dict[str, str]:
    """Return theme key -> the parent key its comments count towards (parents with sub-themes map to themselves)."""
    up = codeframe.parent_keys()
    return {**{p: p for p in set(up.values())}, **up}


def _numbers(text: object) -> list[int]:
    """Return the clause numbers of a ``clauses`` cell ("0,2" -> [0, 2]; empty -> [])."""
    return [int(c) for c in str(text).split(",") if c != ""] if isinstance(text, str) and text else []


def _union_rows(multi: pd.DataFrame, by: str, clause_polarity: ClausePolarity | None) -> list[dict[str, object]]:
    """Return one parent row per (comment, parent) made of several hits (its own and its sub-themes').

    Works on plain records: a pandas group per comment costs milliseconds each, and a long codeframe has
    thousands of such comments.
    """
    groups: dict[tuple[object, object], list[dict[str, object]]] = {}
    for record in multi.to_dict("records"):
        groups.setdefault((record[by], record["theme_key"]), []).append(record)
    return [_union_row(hits, by, clause_polarity) for hits in groups.values()]


def _union_row(hits: list[dict[str, object]], by: str, clause_polarity: ClausePolarity | None) -> dict[str, object]:
    """Return the parent row of one comment made of several hits (its own and its sub-themes')."""
    automatic = [h for h in hits if h.get("how") != "manual"]
    first = dict((automatic or hits)[0])
    clauses = sorted({c for h in hits for c in _numbers(h.get("clauses"))})
    if "spans" in first:
        first["spans"] = format_spans(sorted({s for h in hits for s in parse_spans(h["spans"])}))
    if "clauses" in first:
        first["clauses"] = ",".join(map(str, clauses))
    if "sentiment" in first:
        first["sentiment"] = _union_sentiment(hits, clauses, clause_polarity(first[by]) if clause_polarity
                                              and clauses else None)
    return first


def _union_sentiment(hits: list[dict[str, object]], clauses: list[int], polarities: Sequence[float] | None) -> float:
    """Return the mean polarity of the union's clauses (else the mean of the hits' sentiment; NaN for none)."""
    if polarities is not None:
        picked = [float(polarities[c]) for c in clauses if c < len(polarities) and np.isfinite(polarities[c])]
        if picked:
            return float(sum(picked) / len(picked))
    values = pd.to_numeric(pd.Series([h["sentiment"] for h in hits], dtype=object), errors="coerce").dropna()
    return float(values.mean()) if len(values) else float("nan")


def with_parents(assigned: pd.DataFrame, codeframe: Codeframe, *, by: str = "row_key",
                 clause_polarity: ClausePolarity | None = None) -> pd.DataFrame:
    """Return ``assigned`` (one row per comment and theme hit) with each parent's row made of the union.

    ``by`` names the comment column; ``assigned`` needs it and ``theme_key``, and may hold ``theme``, ``how``,
    ``phrase``, ``matched``, ``spans``, ``clauses``, ``sentiment`` and ``reason``. A parent's own hit is
    replaced by the union row. ``clause_polarity`` gives a comment's clause polarities, for the sentiment of
    a parent mentioned through several hits (without it, the mean of the hits' sentiment). Rows come back
    by comment (first appearance), then in codeframe order.
    """
    up = _parent_of(codeframe)
    if not up or assigned.empty:
        return assigned
    keys = assigned["theme_key"].astype(object)
    target = keys.map(up)
    lifted = assigned[target.notna().to_numpy()].assign(theme_key=target[target.notna()])
    position = {t.key: i for i, t in enumerate(codeframe.themes)}
    lifted = lifted.assign(_own=(keys[target.notna()] == lifted["theme_key"]).to_numpy(),
                           _pos=keys[target.notna()].map(position).to_numpy())
    lifted = lifted.sort_values(["_own", "_pos"], ascending=[False, True], kind="stable")
    size = lifted.groupby([by, "theme_key"], sort=False)[by].transform("size")
    single = lifted[(size == 1).to_numpy()]
    multi = lifted[(size > 1).to_numpy()]
    union = _union_rows(multi, by, clause_polarity)
    parents = pd.concat([single, pd.DataFrame(union, columns=lifted.columns)], ignore_index=True) if union \
        else single
    names = {t.key: t.name for t in codeframe.themes}
    if "theme" in parents.columns:
        parents = parents.assign(theme=parents["theme_key"].map(names))
    own_parent = keys.isin(set(up.values())).to_numpy()
    out = pd.concat([assigned[~own_parent], parents.drop(columns=["_own", "_pos"])], ignore_index=True)
    return _in_order(out.astype({c: assigned[c].dtype for c in assigned.columns}), assigned[by], position, by)


def _in_order(frame: pd.DataFrame, comments: pd.Series, position: dict[str, int], by: str) -> pd.DataFrame:
    """Return ``frame`` sorted by each comment's first appearance in ``comments``, then by codeframe order."""
    first = pd.Series(np.arange(len(comments)), index=comments.to_numpy())
    first = first[~first.index.duplicated()]
    order = np.lexsort((frame["theme_key"].map(position).fillna(len(position)).to_numpy(),
                        frame[by].map(first).to_numpy()))
    return frame.iloc[order].reset_index(drop=True)


def theme_counts(pairs: Iterable[tuple[object, str]], codeframe: Codeframe) -> pd.Series:
    """Return theme key -> comments, from (comment, theme key) hits, with each parent's union counted once."""
    frame = pd.DataFrame(list(pairs), columns=["row", "theme_key"]).drop_duplicates()
    if frame.empty:
        return pd.Series(dtype="int64")
    return with_parents(frame, codeframe, by="row")["theme_key"].value_counts()


def direct_labels(keys: Iterable[str], codeframe: Codeframe) -> list[str]:
    """Return a comment's themes as listed in a file, in display order: "Flight › Delayed" for a sub-theme,
    "Flight" for a hit of the parent's own keywords only (a parent is left out when a sub-theme of it is listed).
    """
    chosen = set(keys)
    covered = {t.parent for t in codeframe.themes if t.key in chosen and t.parent is not None}
    return [codeframe.label(t) for t in codeframe.ordered() if t.key in chosen and t.key not in covered]


def wanted_keys(named: Iterable[str], current: Iterable[str], automatic: Iterable[str],
                codeframe: Codeframe) -> set[str]:
    """Return the theme hits a comment keeps when a person ticks the themes ``named`` (keys).

    ``current`` are the keys the comment shows now (both levels), ``automatic`` the hits matching gives it.
    A parent that was shown and is no longer ticked takes its sub-themes with it; a ticked sub-theme brings
    its parent, which needs no hit of its own.
    """
    up = codeframe.parent_keys()
    named, current, automatic = set(named), set(current), set(automatic)
    dropped = current - named
    keep = {k for k in named if up.get(k) not in dropped}
    implied = {up[k] for k in keep if k in up}
    return {k for k in keep if k not in implied or k in automatic}
