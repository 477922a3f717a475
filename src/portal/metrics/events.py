"""Before / after an event: the KPIs in a window before a day against the same window from that day on.

The comparison uses the tests of ``compare_selections`` (Benjamini-Hochberg across the KPIs compared).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from portal.errors import InputError
from portal.metrics.definitions import DEFAULT_MIN_N
from portal.metrics.select import as_date, dates_of
from portal.metrics.tables import compare_selections
from portal.model import DatasetConfig
from portal.numbers import plural

DEFAULT_WINDOW_DAYS = 28


@dataclass(frozen=True, eq=False)
class EventComparison:
    """The KPIs in a window before an event against the same window from the event day on."""

    event_date: pd.Timestamp
    days: int
    before_start: pd.Timestamp
    after_end: pd.Timestamp
    table: pd.DataFrame
    sentence: str


def compare_event(frame: pd.DataFrame, config: DatasetConfig, when: Any, *, days: int = DEFAULT_WINDOW_DAYS,
                  min_n: int = DEFAULT_MIN_N) -> EventComparison:
    """Compare the KPIs of the ``days`` days before ``when`` with the ``days`` days from ``when`` on.

    ``table`` has one row per KPI as ``compare_selections`` returns it (``first`` = before, ``second`` =
    after). Responses without a date are left out. Raises ``InputError`` for a bad date or a window shorter
    than one day.
    """
    if int(days) < 1:
        raise InputError("The window before and after the event must be at least 1 day long.")
    day = pd.Timestamp(as_date(when, "The event date"))
    start, end = day - pd.Timedelta(days=int(days)), day + pd.Timedelta(days=int(days))
    dates = dates_of(frame)
    before = ((dates >= start) & (dates < day)).to_numpy(dtype=bool)
    after = ((dates >= day) & (dates < end)).to_numpy(dtype=bool)
    table = compare_selections(frame, config, before, after, min_n=min_n, against="before")
    return EventComparison(event_date=day, days=int(days), before_start=start, after_end=end, table=table,
                           sentence=_summary(table, int(days), int(before.sum()), int(after.sum())))


def _summary(table: pd.DataFrame, days: int, before: int, after: int) -> str:
    """Return one sentence saying which KPIs changed for real after the event."""
    window = (f"In the {plural(days, 'day')} after the event ({plural(after, 'response')}) against the "
              f"{plural(days, 'day')} before ({plural(before, 'response')})")
    if not before or not after:
        return f"{window}: one side has no responses, so there is nothing to compare."
    real = table[table["significant"]]
    if real.empty:
        return f"{window}: no KPI changed by more than chance would explain."
    parts = [f"{r['label']} went {'up' if r['difference'] > 0 else 'down'}" for r in real.to_dict(orient="records")]
    return f"{window}: " + ", ".join(parts) + ", a real change."
