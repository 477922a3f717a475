"""A canonical frame turned into row codes once (``Responses``), which every grouping then counts.

``prepare`` (in ``portal.metrics.aggregate``) builds one; this module holds the row coding itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal.metrics.definitions import METRICS
from portal.model import DatasetConfig

# Row codes: NPS category (4) x CSAT category (3) x recommend answer (3) x rating code (see ``Responses``).
NPS_CATS, CSAT_CATS, RECOMMEND_CATS = 4, 3, 3
MISSING, DETRACTOR, PASSIVE, PROMOTER = 0, 1, 2, 3
_UNIT_PER_DAY = {"ns": 86_400_000_000_000, "us": 86_400_000_000, "ms": 86_400_000, "s": 86_400}
_MAX_RATING_LEVELS = 21  # ratings with at most this many whole values are counted per value (exact, fast)


@dataclass(frozen=True, eq=False)
class CustomerIndex:
    """Rows with a customer in (customer, date) order, with their customer codes; NPS-scored ones; rows without."""

    codes: np.ndarray
    order: np.ndarray
    order_codes: np.ndarray
    order_scored: np.ndarray
    anonymous: np.ndarray


@dataclass(frozen=True, eq=False)
class Responses:
    """A canonical frame turned into row codes once, shared by every grouping (see ``prepare``).

    ``rowcode`` packs a response's NPS category (missing, detractor, passive, promoter), CSAT category
    (missing, other, top two), recommend answer (missing, no, yes) and rating code (0 missing, else the index of its value in ``rating_levels``;
    ratings that are not few whole values are only marked present and summed through ``rating_dev``).
    ``day`` counts days from the first date (-1 without a date).
    """

    frame: pd.DataFrame
    config: DatasetConfig
    mapped: frozenset[str]
    nps_cat: np.ndarray
    csat_cat: np.ndarray
    recommend_cat: np.ndarray
    rating_code: np.ndarray
    rating_levels: np.ndarray | None
    rating_centre: float
    rating_dev: np.ndarray | None
    rowcode: np.ndarray
    value: np.ndarray | None
    day: np.ndarray
    first_day: int
    last_day: int
    customers: CustomerIndex | None
    total_revenue: float | None

    @property
    def n(self) -> int:
        """Return the number of responses."""
        return len(self.frame)

    @property
    def rating_width(self) -> int:
        """Return the number of rating codes (missing included)."""
        return len(self.rating_levels) + 1 if self.rating_levels is not None else 2


def mapped_roles(config: DatasetConfig) -> frozenset[str]:
    """Return the roles the dataset fills: mapped columns, constants and CSAT derived from the rating."""
    roles = {r for r in ("customer", "date", "nps", "csat", "rating", "recommend", "brand", "value")
             if getattr(config.mapping, r) is not None or r in config.constants}
    if config.csat_from_rating:
        roles.add("csat")
    return frozenset(roles)


def mapped_metrics(config: DatasetConfig) -> list[str]:
    """Return the KPIs the dataset has, headline first."""
    roles = mapped_roles(config)
    return [m for m in METRICS if m in roles]


def headline_metric(config: DatasetConfig) -> str | None:
    """Return the KPI that comparisons test by default: NPS, else CSAT, else rating, else recommend (or None)."""
    return next(iter(mapped_metrics(config)), None)


def _floats(frame: pd.DataFrame, column: str, enabled: bool) -> np.ndarray:
    """Return a column as a float array (all NaN when the column is absent or not mapped)."""
    if not enabled or column not in frame.columns:
        return np.full(len(frame), np.nan)
    series = frame[column]
    if series.dtype == np.float64:
        return series.to_numpy()
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _dates(frame: pd.DataFrame) -> tuple[np.ndarray, int, np.ndarray, int, int]:
    """Return (int64 time, its ticks per second, days since the first date or -1 without one, first, last day)."""
    n = len(frame)
    if "date" not in frame.columns:
        return np.full(n, np.iinfo(np.int64).min), 1, np.full(n, -1, dtype=np.intp), 0, -1
    series = frame["date"]
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_localize(None)
    elif series.dtype.kind != "M":
        series = pd.to_datetime(series, errors="coerce")
    values = series.to_numpy()
    unit = np.datetime_data(values.dtype)[0]
    if unit not in _UNIT_PER_DAY:
        values = values.astype("datetime64[ns]")
        unit = "ns"
    ticks = values.view(np.int64)
    missing = np.isnat(values)
    per_day = _UNIT_PER_DAY[unit]
    if missing.all():
        return ticks, per_day // 86_400, np.full(n, -1, dtype=np.intp), 0, -1
    first = int(np.min(ticks, where=~missing, initial=np.iinfo(np.int64).max)) // per_day
    last = int(ticks.max()) // per_day
    with np.errstate(over="ignore"):
        day = ticks - first * per_day
    day //= per_day
    np.copyto(day, -1, where=missing)
    return ticks, per_day // 86_400, day, first, last


def _rating_codes(rating: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, float, np.ndarray | None]:
    """Return (code per response, levels or None, mean, deviations from the mean or None).

    Ratings with few whole values get codes 1..K for their values (``levels``); other ratings are coded 1
    when present and summed through their deviations from the mean.
    """
    present = rating == rating
    if not present.any():
        return np.zeros(rating.size, np.int8), np.array([]), 0.0, None
    lo, hi = float(np.nanmin(rating)), float(np.nanmax(rating))
    if hi - lo < _MAX_RATING_LEVELS:
        shifted = rating - (lo - 1)
        np.fmax(shifted, 0.0, out=shifted)  # missing -> 0, values -> 1..K
        codes = shifted.astype(np.int8)
        shifted -= codes
        if not shifted.any():  # whole values only
            levels = np.arange(lo, hi + 1)
            counts = np.bincount(codes, minlength=levels.size + 1)[1:]
            return codes, levels, float(counts @ levels / counts.sum()), None
    centre = float(np.nanmean(rating))
    return present.view(np.int8), None, centre, np.where(present, rating - centre, 0.0)


def _by_customer_and_time(rows: np.ndarray, codes: np.ndarray, ticks: np.ndarray, per_second: int) -> np.ndarray:
    """Return ``rows`` sorted by customer, then time (to the second; undated first), then row.

    Two value sorts of packed 64-bit keys (time, row) and (customer, time rank) replace a much slower
    two-key ``lexsort``.
    """
    n = rows.size
    bits = max(1, int(n).bit_length())
    position = np.arange(n, dtype=np.int64)
    dated = ticks != np.iinfo(np.int64).min
    seconds = np.zeros(n, np.int64)
    if dated.any():
        low = int(ticks[dated].min())
        seconds[dated] = (ticks[dated] - low) // per_second + 1
    if int(seconds.max()) >= 2 ** (62 - bits) or int(codes.max()) >= 2 ** (62 - bits):
        return rows[np.lexsort((position, seconds, codes))]
    mask = (1 << bits) - 1
    by_time = np.sort((seconds << bits) | position) & mask  # positions in time order
    rank = np.empty(n, np.int64)
    rank[by_time] = position
    by_customer = np.sort((codes.astype(np.int64) << bits) | rank) & mask  # time ranks in customer order
    return rows[by_time[by_customer]]


def _customer_index(frame: pd.DataFrame, ticks: np.ndarray, per_second: int,
                    scored: np.ndarray) -> CustomerIndex | None:
    """Return the rows with a customer in (customer, date) order, or None when no row names a customer.

    Undated answers count as the oldest; answers in the same second keep their row order.
    """
    if "customer" not in frame.columns:
        return None
    column = frame["customer"]
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.intp)
    else:
        codes = pd.factorize(column, use_na_sentinel=True)[0].astype(np.intp)
    rows = np.flatnonzero(codes >= 0)
    if rows.size == 0:
        return None
    order = _by_customer_and_time(rows, codes[rows], ticks[rows], per_second)
    return CustomerIndex(codes=codes, order=order, order_codes=codes[order], order_scored=scored[order],
                      anonymous=np.flatnonzero(codes < 0))


def code_responses(frame: pd.DataFrame, config: DatasetConfig) -> Responses:
    """Return the frame's row codes; columns the config does not map count as empty (no revenue total yet)."""
    roles = mapped_roles(config)
    nps = _floats(frame, "nps", "nps" in roles)
    csat = _floats(frame, "csat", "csat" in roles)
    nps_cat = ((nps >= 0).view(np.int8) + (nps >= 7).view(np.int8) + (nps >= 9).view(np.int8))
    csat_cat = (csat == csat).view(np.int8) + (csat >= config.csat_scale[1] - 1).view(np.int8)
    recommend = _floats(frame, "recommend", "recommend" in roles)
    recommend_cat = (recommend == recommend).view(np.int8) + (recommend > 0.5).view(np.int8)
    rating_code, levels, centre, dev = _rating_codes(_floats(frame, "rating", "rating" in roles))
    width = len(levels) + 1 if levels is not None else 2
    rowcode = nps_cat.astype(np.intp)
    rowcode *= CSAT_CATS
    rowcode += csat_cat
    rowcode *= RECOMMEND_CATS
    rowcode += recommend_cat
    rowcode *= width
    rowcode += rating_code
    value = None
    if "value" in roles:
        raw = _floats(frame, "value", True)
        value = np.where(raw == raw, raw, 0.0)
    ticks, per_second, day, first, last = _dates(frame)
    customers = _customer_index(frame, ticks, per_second, nps_cat > 0) if "customer" in roles else None
    return Responses(
        frame=frame, config=config, mapped=roles, nps_cat=nps_cat, csat_cat=csat_cat, recommend_cat=recommend_cat,
        rating_code=rating_code,
        rating_levels=levels, rating_centre=centre, rating_dev=dev, rowcode=rowcode, value=value, day=day,
        first_day=first, last_day=last, customers=customers, total_revenue=None,
    )
