"""The dates of the demo story (the window, the price change, the app update) and when responses arrive."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pandas as pd

DEMO_END = date(2026, 10, 31)
"""Last day covered by the demo data sets."""

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def window_start(end: date, months: int = 18) -> date:
    """Return the first day of the ``months``-month window that ends on ``end``."""
    return (pd.Timestamp(end) - pd.DateOffset(months=months) + pd.Timedelta(days=1)).date()


def price_change_date(end: date = DEMO_END) -> date:
    """Return the day Acme's new prices took effect: the 1st of the month after ``end`` minus seven months."""
    shifted = (pd.Timestamp(end) - pd.DateOffset(months=7)).date()
    if shifted.day == 1:
        return shifted
    return (pd.Timestamp(shifted.replace(day=1)) + pd.DateOffset(months=1)).date()


def app_update_date(end: date = DEMO_END) -> date:
    """Return the day of the mobile app update behind the emerging crash theme (80 days before ``end``)."""
    return end - timedelta(days=80)


def weighted_days(
    rng: np.random.Generator, start: date, end: date, size: int, boost: Callable[[np.ndarray], np.ndarray] | None = None
) -> np.ndarray:
    """Return ``size`` sorted day offsets from ``start``: volume grows over time and dips at weekends."""
    n_days = (end - start).days + 1
    offsets = np.arange(n_days)
    weekday = (start.weekday() + offsets) % 7
    weights = (0.75 + 0.5 * offsets / max(n_days - 1, 1)) * np.where(weekday >= 5, 0.45, 1.0)
    if boost is not None:
        weights = weights * boost(offsets)
    return np.sort(rng.choice(offsets, size=size, p=weights / weights.sum()))
