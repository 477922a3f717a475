"""Two groups of a dataset compared theme by theme: two values of a column, or two periods of the date column.

The same engine as the Competitors page (``portal.compare``), with the first group in the place of "ours" and the
responses of every other group left out. A period is the month ("2024-07") or quarter ("2024 Q3") of the
response's date (``portal.compare.two.period_labels``); responses without a date belong to no period.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from portal import compare as engine
from portal import metrics
from portal.compare.two import GRAINS, period_labels, two_groups
from portal.errors import UsageError
from portal.services.compare import Where, count_frame, dataset_frame, narrowed
from portal.store import Store

__all__ = ["GRAINS", "PERIOD", "compare_two", "group_choices", "two_group_table"]

#: The name of the derived column that holds each response's period.
PERIOD = "period"


def _grouped(store: Store, name: str, column: str | None, grain: str | None, start: Any = None, end: Any = None,
             where: Where = None) -> tuple[pd.DataFrame, Any, str]:
    """Return the responses with the column to group by (a period column added for ``grain``) and its name."""
    if (column is None) == (grain is None):
        raise UsageError("Compare either two values of a column or two periods (month or quarter), not both.")
    frame, config = dataset_frame(store, name, start, end)
    if grain is not None:
        if grain not in GRAINS:
            raise UsageError(f"'{grain}' is not a period; use month or quarter.")
        if "date" not in metrics.mapped_roles(config) or "date" not in frame.columns:
            raise UsageError("This dataset has no date column, so there are no periods to compare. Compare two "
                             "values of a column instead.")
        frame = frame.assign(**{PERIOD: period_labels(frame["date"], grain).to_numpy()})
        column = PERIOD
    else:
        column = metrics.check_column(frame, config, str(column))
    return narrowed(frame, config, column, where), config, column


def group_choices(store: Store, name: str, *, column: str | None = None, grain: str | None = None) -> list[str]:
    """Return the values one can compare: periods newest first, or a column's values largest first."""
    frame, _, by = _grouped(store, name, column, grain)
    values = frame[by].dropna().astype(str).str.strip()
    values = values[values != ""]
    if grain is not None:
        return sorted(set(values), reverse=True)
    return list(values.value_counts(sort=True).index)


def compare_two(store: Store, name: str, *, first: str, second: str, column: str | None = None,
                grain: str | None = None, start: Any = None, end: Any = None, where: Where = None,
                min_n: int | None = None) -> engine.Comparison:
    """Return the comparison of group ``first`` with group ``second`` of ``column`` (or of the periods of ``grain``).

    ``start``, ``end`` and ``where`` narrow the responses as on every page (a filter on the compared column itself
    is left out). Raises ``UsageError`` when the two are the same or either is not a value of the column.
    """
    frame, config, by = _grouped(store, name, column, grain, start, end, where)
    values = frame[by].astype(object).map(lambda v: str(v).strip() if pd.notna(v) else None)
    noun = "periods" if grain else f"values of '{by}'"
    names = sorted(set(values.dropna()) - {""})
    first, second = (engine.find_group(names, v, noun) for v in (first, second))
    if first == second:
        raise UsageError(f"Pick two different {noun} to compare; both are '{first}'.")
    counts = count_frame(store, name, frame[values.isin([first, second]).to_numpy()], by)
    scale = tuple(float(v) for v in config.rating_scale) if "rating" in metrics.mapped_roles(config) else None
    return engine.compare(counts, first, scale=scale, min_n=min_n, noun=noun)  # type: ignore[arg-type]


def two_group_table(result: engine.Comparison) -> pd.DataFrame:
    """Return the per-theme table of a two-group comparison (``portal.compare.two.two_groups``)."""
    return two_groups(result)
