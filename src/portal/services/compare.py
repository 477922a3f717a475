"""Comparisons of a dataset's brands (or any segment): where the pieces meet for ``portal.compare``.

The comparison reads the dataset's current codeframe and sentiment as they are (whatever discovery or hand
edits made them), so it improves with them. Responses without a value in the compared column are left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from portal import compare as engine
from portal import metrics
from portal.compare.counts import theme_readers
from portal.errors import NotFoundError, UsageError
from portal.services import datasets
from portal.services import themes as theme_service
from portal.store import Store
from portal.text.codeframe import Codeframe
from portal.text.mentions import mentions
from portal.text.requests import frame_requests
from portal.text.theme_languages import comment_languages, read_mask

#: Segment filters: column -> values to keep (or pairs of them, as the page's filters hold them).
Where = Mapping[str, Sequence[str]] | Sequence[tuple[str, Sequence[str]]] | None

__all__ = ["NothingSelected", "brand_column", "cell_reviews", "compare_dataset", "count_dataset", "count_frame",
           "dataset_frame", "group_names", "narrowed", "our_brand", "remember_ours", "remembered_ours"]


class NothingSelected(UsageError):
    """The chosen dates or filters leave nothing to compare, although the dataset itself has other groups."""


def brand_column(frame: pd.DataFrame, config: Any, by: str | None) -> str:
    """Return the frame column compared: ``by`` when given, else the brand; raise ``UsageError`` without one."""
    if by:
        return metrics.check_column(frame, config, by)
    if "brand" in metrics.mapped_roles(config) and "brand" in frame.columns:
        return "brand"
    raise UsageError("This dataset has no brand column, so there is nothing to compare brands on. Import the "
                     "reviews with their brand column mapped as brand, or compare another column with --by.")


def dataset_frame(store: Store, name: str, start: Any = None, end: Any = None) -> tuple[pd.DataFrame, Any]:
    """Return the dataset's responses from ``start`` to ``end`` with hand-set sentiment, and its config."""
    dataset = datasets.find_dataset(store, name)
    if dataset is None:
        raise NotFoundError(f"No dataset named '{name}'. Run `portal datasets` to see the names of your datasets.")
    frame = theme_service.with_corrected_sentiment(store, name, datasets.load_responses(store, name))
    return metrics.select(frame, dataset.config, start=start, end=end), dataset.config


def _parents(codeframe: Codeframe) -> list[str | None]:
    """Return per theme (in display order) its parent's name, None for a top-level theme."""
    names = {t.key: t.name for t in codeframe.themes}
    return [names.get(t.parent) if t.parent else None for t in codeframe.ordered()]


def narrowed(frame: pd.DataFrame, config: Any, column: str, where: Where) -> pd.DataFrame:
    """Return the responses matching ``where`` (column -> values), leaving out any filter on ``column`` itself."""
    kept = {c: list(v) for c, v in dict(where or {}).items() if metrics.check_column(frame, config, c) != column}
    return metrics.select(frame, config, where=kept) if kept else frame


def count_dataset(store: Store, name: str, *, by: str | None = None, start: Any = None, end: Any = None,
                  where: Where = None) -> tuple[engine.Counts, Any, str]:
    """Return the dataset's comparison counts, its config and the column compared."""
    frame, config = dataset_frame(store, name, start, end)
    column = brand_column(frame, config, by)
    return count_frame(store, name, narrowed(frame, config, column, where), column), config, column


def count_frame(store: Store, name: str, frame: pd.DataFrame, column: str) -> engine.Counts:
    """Return the comparison counts of ``frame`` (responses of dataset ``name``) grouped by ``column``."""
    codeframe = theme_service.current_codeframe(store, name) or Codeframe()
    assigned = theme_service.assignments(store, name)
    men = mentions(frame, assigned, codeframe)
    coded = frame["row_key"].isin(set(assigned["row_key"])).to_numpy() if len(frame) else np.zeros(0, dtype=bool)
    read = read_mask(frame, codeframe) | coded
    readers = theme_readers(comment_languages(frame), codeframe, men.commented)
    return engine.count(frame, column, men, _parents(codeframe), read=read, requests=frame_requests(frame),
                        readers=readers)


def group_names(store: Store, name: str, *, by: str | None = None) -> list[str]:
    """Return the brands (or groups of ``by``) of the dataset, largest first."""
    frame, config = dataset_frame(store, name, None, None)
    column = brand_column(frame, config, by)
    values = frame[column].dropna().astype(str).str.strip()
    return list(values[values != ""].value_counts(sort=True).index)


def remembered_ours(store: Store, name: str) -> str | None:
    """Return the brand remembered as ours for dataset ``name`` (None when none is, or there is no such dataset)."""
    dataset = datasets.find_dataset(store, name)
    return dataset.config.ours if dataset is not None else None


def remember_ours(store: Store, name: str, brand: str) -> str:
    """Remember ``brand`` (one of the dataset's brands, matched ignoring case) as ours; return it as stored.

    Kept with the dataset's settings, so every page, session and ``portal compare`` finds it; later imports keep
    it. Raises ``NotFoundError`` for an unknown dataset and ``UsageError`` for a brand the dataset lacks.
    """
    if datasets.find_dataset(store, name) is None:
        raise NotFoundError(f"No dataset named '{name}'. Run `portal datasets` to see the names of your datasets.")
    found = engine.find_group(group_names(store, name), brand)
    store.set_ours(name, found)
    return found


def our_brand(store: Store, name: str, ours: str | None, *, by: str | None = None) -> str:
    """Return the group compared as ours: ``ours`` when given, else the brand remembered for the dataset.

    Raises ``UsageError`` saying what to pass when neither is there (with ``by``, nothing is remembered).
    """
    if ours:
        return ours
    if by:
        raise UsageError(f"Say which value of '{by}' is ours with --ours VALUE.")
    found = remembered_ours(store, name)
    if found:
        return found
    shown = ", ".join(group_names(store, name)[:20])
    raise UsageError(f"No brand is remembered as ours for the dataset '{name}'. Pass --ours BRAND (one of: {shown}); "
                     "add --remember to keep it for next time.")


def compare_dataset(store: Store, name: str, *, ours: str, by: str | None = None, start: Any = None,
                    end: Any = None, where: Where = None, min_n: int | None = None) -> engine.Comparison:
    """Return the comparison of ``ours`` with every other brand (or group of ``by``) of the dataset.

    ``start`` and ``end`` bound the dates; ``where`` (column -> values) keeps the matching responses, except a
    filter on the compared column itself, which would leave nothing to compare.

    Raises ``NotFoundError`` for an unknown dataset, ``InputError`` for an unknown column and ``UsageError``
    when the dataset has one brand only or ``ours`` is not one of them.
    """
    counts, config, column = count_dataset(store, name, by=by, start=start, end=end, where=where)
    scale = tuple(float(v) for v in config.rating_scale) if "rating" in metrics.mapped_roles(config) else None
    noun = "brands" if column == "brand" else f"values of '{column}'"
    if start is not None or end is not None or where:
        _check_selection(store, name, list(counts.groups["group"]), ours, by, noun)
    return engine.compare(counts, ours, scale=scale, min_n=min_n, noun=noun)  # type: ignore[arg-type]


def _check_selection(store: Store, name: str, found: list[str], ours: str, by: str | None, noun: str) -> None:
    """Raise ``NothingSelected`` when the dates or filters leave ours alone or out, though the dataset has more.

    A dataset that has one group only is left to ``compare``'s own sentence (what to upload); an ``ours`` the
    dataset lacks gets the sentence listing the dataset's groups.
    """
    wanted = str(ours).strip().casefold()
    mine = [g for g in found if g.casefold() == wanted]
    if len(found) >= 2 and mine:
        return
    everyone = group_names(store, name, by=by)
    if len(everyone) < 2:
        return
    known = engine.find_group(everyone, ours, noun)  # an unknown brand: the sentence listing the dataset's brands
    if found and not mine:
        raise NothingSelected(f"No reviews of {known} in the chosen dates or filters.")
    raise NothingSelected(f"No reviews of other {noun} in the chosen dates or filters.")


def cell_reviews(store: Store, name: str, *, theme: str, group: str, by: str | None = None, start: Any = None,
                 end: Any = None, where: Where = None) -> pd.DataFrame:
    """Return the reviews of ``group`` whose comment mentions ``theme`` (negative mentions first).

    Columns: ``date``, ``rating``, ``sentiment``, ``negative`` (the mention is negative), ``comment`` and
    ``row_key`` (which stored response it is). Empty when the theme or the group is unknown.
    """
    frame, config = dataset_frame(store, name, start, end)
    column = brand_column(frame, config, by)
    frame = narrowed(frame, config, column, where)
    codeframe = theme_service.current_codeframe(store, name) or Codeframe()
    mine = frame[frame[column].astype(object).map(lambda v: str(v).strip() if pd.notna(v) else None) == group]
    men = mentions(mine.reset_index(drop=True), theme_service.assignments(store, name), codeframe)
    if theme not in men.names:
        return pd.DataFrame(columns=["date", "rating", "sentiment", "negative", "comment", "row_key"])
    j = men.names.index(theme)
    hit = men.matrix[:, j]
    out = pd.DataFrame({
        "date": mine["date"].to_numpy()[hit] if "date" in mine.columns else pd.NaT,
        "rating": mine["rating"].to_numpy()[hit] if "rating" in mine.columns else np.nan,
        "sentiment": men.polarity[hit, j], "negative": men.negative[hit, j],
        "comment": mine["comment"].to_numpy()[hit],
        "row_key": mine["row_key"].to_numpy()[hit],
    })
    return out.sort_values(["negative", "sentiment"], ascending=[False, True], kind="stable").reset_index(drop=True)
