"""The customer journey of a dataset: which column holds the stage, the stages in order, and their figures.

A journey is set once per dataset (stored; deleted with the dataset). ``journey_view`` joins the stored
journey, the responses, their themes and the pure computation in ``portal.metrics.journey``. Every function
raises ``NotFoundError`` for an unknown dataset and ``InputError`` for a journey that does not fit the data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from portal import metrics, settings
from portal.errors import InputError, NotFoundError
from portal.metrics import journey as journey_metrics
from portal.metrics.journey import Journey
from portal.services import themes as theme_service
from portal.store import Store
from portal.store import journeys as stored
from portal.store.journeys import StoredJourney
from portal.text.codeframe import Codeframe
from portal.text.stage_themes import stage_theme_tables

__all__ = ["Journey", "StoredJourney", "clear_journey", "get_journey", "journey_view", "set_journey", "stages_of"]


def _responses(store: Store, name: str) -> tuple[pd.DataFrame, Any]:
    """Return the dataset's responses (hand-set sentiment in place) and its configuration."""
    info = store.dataset(name)
    if info is None:
        raise NotFoundError(f"No dataset named '{name}'. Run `portal datasets` to see the names.")
    return theme_service.with_corrected_sentiment(store, name, store.load(name)), info.config


def stages_of(store: Store, name: str, column: str) -> list[str]:
    """Return the stages (distinct values, sorted) of ``column``; raise ``InputError`` for an unknown column."""
    frame, config = _responses(store, name)
    return journey_metrics.stage_values(frame, config, column)


def set_journey(store: Store, name: str, column: str, order: Sequence[str]) -> StoredJourney:
    """Store ``column`` as the dataset's journey with its stages in ``order`` (every stage once) and return it.

    Raises ``InputError`` for a column one cannot group by, or an order with an unknown, repeated or missing stage.
    """
    frame, config = _responses(store, name)
    found = metrics.check_column(frame, config, column)
    label = metrics.column_label(found, config)
    present = journey_metrics.stage_values(frame, config, found)
    if not present:
        raise InputError(f"{label} holds no value in any response, so it cannot be the journey.")
    stages = journey_metrics.check_order(present, order, label)
    kept = found.removesuffix(" (segment)")  # the name `check_column` finds it by, as `--by` and `--where` take it
    stored.save_journey(store, name, kept, stages)
    return StoredJourney(column=kept, stages=tuple(stages))


def get_journey(store: Store, name: str) -> StoredJourney | None:
    """Return the dataset's journey (None when none was set)."""
    return stored.read_journey(store, name)


def clear_journey(store: Store, name: str) -> bool:
    """Forget the dataset's journey; return whether it had one."""
    return stored.clear_journey(store, name)


def _stage_themes(frame: pd.DataFrame, config: Any, column: str, stages: Sequence[str],
                  assigned: pd.DataFrame, codeframe: Codeframe) -> dict[str, pd.DataFrame]:
    """Return each stage's theme figures (``stage_theme_tables``); empty without a codeframe."""
    if not codeframe.themes or frame.empty:
        return {}
    return stage_theme_tables(frame, assigned, codeframe, config, journey_metrics.stage_strings(frame[column]),
                              stages)


def journey_view(store: Store, name: str, *, start: Any = None, end: Any = None,
                 where: Mapping[str, Sequence[Any]] | None = None, min_n: int | None = None) -> Journey | None:
    """Return the journey of dataset ``name`` over the responses dated ``start`` to ``end`` matching ``where``
    (as ``metrics.select``), or None when the dataset has no journey set.

    ``min_n`` defaults to ``PORTAL_MIN_GROUP_SIZE``. Raises ``NotFoundError`` for an unknown dataset and
    ``InputError`` for a bad selection or a journey column the data no longer has.
    """
    journey = stored.read_journey(store, name)
    if journey is None:
        return None
    frame, config = _responses(store, name)
    frame = metrics.select(frame, config, start=start, end=end, where=where)
    column = metrics.check_column(frame, config, journey.column)
    codeframe = theme_service.current_codeframe(store, name) or Codeframe()
    assigned = theme_service.assignments(store, name) if codeframe.themes else pd.DataFrame()
    stages = journey_metrics.full_order(journey.stages, journey_metrics.stage_values(frame, config, column))
    themes = _stage_themes(frame, config, column, stages, assigned, codeframe)
    min_n = settings.min_group_size() if min_n is None else min_n
    return journey_metrics.journey(frame, config, column, journey.stages, themes=themes, min_n=min_n)
