"""The KPI engine: NPS, CSAT and average rating with 95% intervals, per group and per period.

Every figure carries its sample size and interval, and every comparison says whether the difference is real
(Benjamini-Hochberg across all groups or periods compared at once). Input is a canonical frame (see
``portal.model``) and its ``DatasetConfig``. ``prepare`` turns the frame into row codes once; every grouping
after that is a handful of ``np.bincount`` calls, so millions of responses take well under a second.

Tables are DataFrames with one row per group. Their columns are the JSON keys of ``portal kpis`` with each
interval split in two (``nps_ci_low``, ``nps_ci_high``); ``to_records`` turns a table into the JSON shape.
Pages only format what ``overview``, ``kpis_by`` and ``kpis_by_period`` return.
"""

from __future__ import annotations

import math
from collections.abc import Mapping as MappingT, Sequence
from dataclasses import dataclass, replace
from datetime import date as Date, datetime
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from portal.errors import InputError
from portal.model import CANONICAL_COLUMNS, DatasetConfig

#: Help texts, word for word as in the project's definitions; README and UI show these.
DEFINITIONS: dict[str, str] = {
    "nps": (
        "NPS = % promoters (9-10) - % detractors (0-6), in points from -100 to 100. "
        "95% interval: adjusted Wald. With P promoters, D detractors and n responses: n' = n + 3, "
        "p' = (P + 0.75) / n', d' = (D + 0.75) / n', var = p' + d' - (p' - d')^2, "
        "interval = 100 * ((p' - d') -/+ 1.96 * sqrt(var / n')). The point estimate stays the plain NPS."
    ),
    "csat": (
        "CSAT = % of responses in the top two boxes of the scale (4-5 on 1-5; for another scale, its top two "
        "values), with a Wilson 95% interval. The scale is configurable per dataset."
    ),
    "rating": "Average rating with a 95% t interval.",
    "difference": (
        "Difference between two groups or periods: NPS via a z-test on the difference using each side's "
        "variance above; CSAT via a two-proportion z-test; ratings via Welch's t-test. Where many groups are "
        "compared at once (every value of a segment against the rest, every period against the previous one), "
        "p-values are adjusted with Benjamini-Hochberg and `significant` means adjusted p < 0.05."
    ),
    "low_sample": (
        "A group with n below a minimum (default 30, configurable) is shown but flagged `low_sample` and never "
        "marked significant."
    ),
    "value": (
        "Value weighting (when a `value` column is mapped): value-weighted NPS (each response weighted by its "
        "customer's value), revenue at risk (sum of value of detractors), and share of revenue per segment."
    ),
    "customers": (
        "Distinct customers (when a `customer` column is mapped): counts of customers as well as responses; NPS "
        "per customer uses each customer's latest answer."
    ),
    "before_after": (
        "Before / after: a person can mark events on the timeline (a release, a price change, an outage) that "
        "show on every trend chart, and compare the KPIs in a window before and after an event with the same "
        "significance tests."
    ),
    "drivers": (
        "Key drivers: which numeric sub-ratings or segment columns move NPS or the overall rating most "
        "(relative importance from a regression, with intervals), shown as a ranked chart with plain words."
    ),
}

Z95 = 1.96  # the definitions' 95% normal quantile, used for the NPS and Wilson intervals
ALPHA = 0.05
DEFAULT_MIN_N = 30
METRICS: tuple[str, ...] = ("nps", "csat", "rating")
METRIC_LABELS: dict[str, str] = {"nps": "NPS", "csat": "CSAT", "rating": "Average rating"}
PERIODS: tuple[str, ...] = ("week", "month", "quarter")

#: Keys of one KPI record, in the order of the ``portal kpis`` JSON contract.
KPI_KEYS: tuple[str, ...] = (
    "n", "nps_n", "csat_n", "rating_n", "promoters", "passives", "detractors", "nps", "nps_ci", "csat",
    "csat_ci", "rating_mean", "rating_ci", "customers", "customer_nps", "value_weighted_nps",
    "revenue_at_risk", "revenue_share",
)
COMPARISON_KEYS: tuple[str, ...] = ("p_value", "p_adjusted", "significant", "low_sample")
INTERVAL_KEYS: tuple[str, ...] = ("nps_ci", "csat_ci", "rating_ci")
_INT_KEYS = frozenset({"n", "nps_n", "csat_n", "rating_n", "promoters", "passives", "detractors", "customers"})
_ESTIMATE = {"nps": "nps", "csat": "csat", "rating": "rating_mean"}
_COUNT = {"nps": "nps_n", "csat": "csat_n", "rating": "rating_n"}

# Canonical columns that are never a segment to group or filter by.
_NOT_GROUPABLE = frozenset({
    "row_key", "content_hash", "response_id", "import_id", "comment", "date", "nps", "csat", "rating", "value",
    "sentiment",
})

# Row codes: NPS category (4) x CSAT category (3) x rating code (see ``Responses``).
_NPS_CATS, _CSAT_CATS = 4, 3
_MISSING, _DETRACTOR, _PASSIVE, _PROMOTER = 0, 1, 2, 3
_PERIOD_FREQ = {"week": "W-MON", "month": "MS", "quarter": "QS"}
_UNIT_PER_DAY = {"ns": 86_400_000_000_000, "us": 86_400_000_000, "ms": 86_400_000, "s": 86_400}


# ---------------------------------------------------------------------------------------------------------
# Formulas (vectorised: scalars or arrays in, floats or arrays out; NaN where there is no data)
# ---------------------------------------------------------------------------------------------------------


def _arr(x: Any) -> np.ndarray:
    """Return ``x`` as a float array."""
    return np.asarray(x, dtype=float)


def _out(x: np.ndarray) -> Any:
    """Return a Python float for 0-d results, the array otherwise."""
    return float(x) if np.ndim(x) == 0 else x


def nps_score(promoters: Any, detractors: Any, n: Any) -> Any:
    """Return NPS in points, 100 * (P - D) / n (NaN where n = 0)."""
    p, d, n = _arr(promoters), _arr(detractors), _arr(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.where(n > 0, 100.0 * (p - d) / np.where(n > 0, n, 1), np.nan))


def nps_variance(promoters: Any, detractors: Any, n: Any) -> tuple[Any, Any]:
    """Return the adjusted-Wald variance ``p' + d' - (p' - d')^2`` and ``n' = n + 3``."""
    p, d, n = _arr(promoters), _arr(detractors), _arr(n)
    n_adj = n + 3.0
    pa, da = (p + 0.75) / n_adj, (d + 0.75) / n_adj
    return _out(pa + da - (pa - da) ** 2), _out(n_adj)


def nps_interval(promoters: Any, detractors: Any, n: Any) -> tuple[Any, Any]:
    """Return the adjusted-Wald 95% interval of NPS in points (NaN where n = 0).

    The interval is clipped to [-100, 100] and widened to include the plain NPS when the adjustment pulls it
    away (which happens only for a single response).
    """
    p, d, n = _arr(promoters), _arr(detractors), _arr(n)
    var, n_adj = nps_variance(p, d, n)
    centre = ((p + 0.75) - (d + 0.75)) / _arr(n_adj)
    half = Z95 * np.sqrt(_arr(var) / _arr(n_adj))
    estimate = _arr(nps_score(p, d, n))
    low = np.clip(np.fmin(100.0 * (centre - half), estimate), -100.0, 100.0)
    high = np.clip(np.fmax(100.0 * (centre + half), estimate), -100.0, 100.0)
    empty = ~(n > 0)
    return _out(np.where(empty, np.nan, low)), _out(np.where(empty, np.nan, high))


def wilson_interval(successes: Any, n: Any) -> tuple[Any, Any]:
    """Return the Wilson 95% interval of a proportion, in percent (NaN where n = 0)."""
    x, n = _arr(successes), _arr(n)
    safe = np.where(n > 0, n, 1.0)
    p = x / safe
    z2 = Z95 * Z95
    denom = 1.0 + z2 / safe
    centre = (p + z2 / (2 * safe)) / denom
    half = Z95 * np.sqrt(np.clip(p * (1 - p) / safe + z2 / (4 * safe * safe), 0, None)) / denom
    low = np.clip(np.fmin(centre - half, p), 0.0, 1.0) * 100.0
    high = np.clip(np.fmax(centre + half, p), 0.0, 1.0) * 100.0
    empty = ~(n > 0)
    return _out(np.where(empty, np.nan, low)), _out(np.where(empty, np.nan, high))


def t_interval(mean: Any, sd: Any, n: Any) -> tuple[Any, Any]:
    """Return the 95% t interval of a mean (NaN where n < 2)."""
    m, s, n = _arr(mean), _arr(sd), _arr(n)
    ok = n >= 2
    dof = np.where(ok, n - 1, 1.0)
    half = stats.t.ppf(0.975, dof) * s / np.sqrt(np.where(ok, n, 1.0))
    return _out(np.where(ok, m - half, np.nan)), _out(np.where(ok, m + half, np.nan))


def nps_test(p1: Any, d1: Any, n1: Any, p2: Any, d2: Any, n2: Any) -> Any:
    """Return the two-sided p-value of a z-test on the difference of two NPS (NaN where a side has n = 0).

    Each side uses the adjusted-Wald quantities of its interval: z = ((p1' - d1') - (p2' - d2')) /
    sqrt(var1 / n1' + var2 / n2'). For large n this is the plain difference; for small n it does not
    overstate a gap between two nearly empty groups.
    """
    p1, d1, n1, p2, d2, n2 = map(_arr, (p1, d1, n1, p2, d2, n2))
    ok = (n1 > 0) & (n2 > 0)
    v1, a1 = nps_variance(p1, d1, n1)
    v2, a2 = nps_variance(p2, d2, n2)
    diff = (p1 - d1) / _arr(a1) - (p2 - d2) / _arr(a2)
    se = np.sqrt(_arr(v1) / _arr(a1) + _arr(v2) / _arr(a2))
    p = 2.0 * stats.norm.sf(np.abs(diff) / se)
    return _out(np.where(ok, p, np.nan))


def proportion_test(x1: Any, n1: Any, x2: Any, n2: Any) -> Any:
    """Return the two-sided p-value of a pooled two-proportion z-test (NaN where a side has n = 0)."""
    x1, n1, x2, n2 = map(_arr, (x1, n1, x2, n2))
    ok = (n1 > 0) & (n2 > 0)
    s1, s2 = np.where(ok, n1, 1), np.where(ok, n2, 1)
    pooled = (x1 + x2) / (s1 + s2)
    se = np.sqrt(np.clip(pooled * (1 - pooled), 0.0, None) * (1 / s1 + 1 / s2))
    diff = x1 / s1 - x2 / s2
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(se > 0, 2.0 * stats.norm.sf(np.abs(diff) / np.where(se > 0, se, 1)), 1.0)
    return _out(np.where(ok, p, np.nan))


def welch_test(m1: Any, s1: Any, n1: Any, m2: Any, s2: Any, n2: Any) -> Any:
    """Return the two-sided p-value of Welch's t-test from means, standard deviations and counts.

    NaN where a side has fewer than two values; when both sides have no spread the p-value is 1 for equal
    means and 0 otherwise.
    """
    m1, s1, n1, m2, s2, n2 = map(_arr, (m1, s1, n1, m2, s2, n2))
    ok = (n1 >= 2) & (n2 >= 2)
    spread = (s1 > 0) | (s2 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = stats.ttest_ind_from_stats(
            m1, np.where(spread, s1, 1.0), np.where(ok, n1, 2), m2, np.where(spread, s2, 1.0),
            np.where(ok, n2, 2), equal_var=False,
        ).pvalue
    flat = np.where(np.isclose(m1, m2, rtol=0, atol=1e-12), 1.0, 0.0)
    return _out(np.where(ok, np.where(spread, p, flat), np.nan))


def bh_adjust(p_values: Any) -> np.ndarray:
    """Return Benjamini-Hochberg adjusted p-values; NaN entries stay NaN and are not counted as tests."""
    p = np.atleast_1d(_arr(p_values)).copy()
    finite = np.isfinite(p)
    if finite.any():
        p[finite] = stats.false_discovery_control(np.clip(p[finite], 0.0, 1.0), method="bh")
    return p


# ---------------------------------------------------------------------------------------------------------
# Preparing a frame
# ---------------------------------------------------------------------------------------------------------


_MAX_RATING_LEVELS = 21  # ratings with at most this many whole values are counted per value (exact, fast)
_MAX_JOINT_BINS = 1 << 22  # above this, per-KPI bincounts instead of one joint bincount


@dataclass(frozen=True, eq=False)
class _Customers:
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
    (missing, other, top two) and rating code (0 missing, else the index of its value in ``rating_levels``;
    ratings that are not few whole values are only marked present and summed through ``rating_dev``).
    ``day`` counts days from the first date (-1 without a date).
    """

    frame: pd.DataFrame
    config: DatasetConfig
    mapped: frozenset[str]
    nps_cat: np.ndarray
    csat_cat: np.ndarray
    rating_code: np.ndarray
    rating_levels: np.ndarray | None
    rating_centre: float
    rating_dev: np.ndarray | None
    rowcode: np.ndarray
    value: np.ndarray | None
    day: np.ndarray
    first_day: int
    last_day: int
    customers: _Customers | None
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
    roles = {r for r in ("customer", "date", "nps", "csat", "rating", "brand", "value")
             if getattr(config.mapping, r) is not None or r in config.constants}
    if config.csat_from_rating:
        roles.add("csat")
    return frozenset(roles)


def headline_metric(config: DatasetConfig) -> str | None:
    """Return the KPI that comparisons test by default: NPS if mapped, else CSAT, else rating (None if none)."""
    roles = mapped_roles(config)
    return next((m for m in METRICS if m in roles), None)


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
                    scored: np.ndarray) -> _Customers | None:
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
    return _Customers(codes=codes, order=order, order_codes=codes[order], order_scored=scored[order],
                      anonymous=np.flatnonzero(codes < 0))


def prepare(frame: pd.DataFrame, config: DatasetConfig) -> Responses:
    """Return the frame's row codes for fast KPIs; columns the config does not map count as empty."""
    roles = mapped_roles(config)
    nps = _floats(frame, "nps", "nps" in roles)
    csat = _floats(frame, "csat", "csat" in roles)
    nps_cat = ((nps >= 0).view(np.int8) + (nps >= 7).view(np.int8) + (nps >= 9).view(np.int8))
    csat_cat = (csat == csat).view(np.int8) + (csat >= config.csat_scale[1] - 1).view(np.int8)
    rating_code, levels, centre, dev = _rating_codes(_floats(frame, "rating", "rating" in roles))
    width = len(levels) + 1 if levels is not None else 2
    rowcode = nps_cat.astype(np.intp)
    rowcode *= _CSAT_CATS
    rowcode += csat_cat
    rowcode *= width
    rowcode += rating_code
    value = None
    if "value" in roles:
        raw = _floats(frame, "value", True)
        value = np.where(raw == raw, raw, 0.0)
    ticks, per_second, day, first, last = _dates(frame)
    customers = _customer_index(frame, ticks, per_second, nps_cat > 0) if "customer" in roles else None
    data = Responses(
        frame=frame, config=config, mapped=roles, nps_cat=nps_cat, csat_cat=csat_cat, rating_code=rating_code,
        rating_levels=levels, rating_centre=centre, rating_dev=dev, rowcode=rowcode, value=value, day=day,
        first_day=first, last_day=last, customers=customers, total_revenue=None,
    )
    if value is None:
        return data
    if customers is None:
        total = float(value.sum())
    else:
        total = float(_aggregate(data, None, 1, monotone=True)["_revenue"].iloc[0])
    return replace(data, total_revenue=total)


# ---------------------------------------------------------------------------------------------------------
# Aggregation
# ---------------------------------------------------------------------------------------------------------


def _last_of_runs(codes: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    """Return the positions where a run of equal (group, customer) ends."""
    last = np.ones(codes.size, bool)
    last[:-1] = codes[1:] != codes[:-1]
    if groups is not None:
        last[:-1] |= groups[1:] != groups[:-1]
    return np.flatnonzero(last)


def _latest_answers(cust: _Customers, gg: np.ndarray | None, n_groups: int,
                    monotone: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return (rows, groups) of each customer's latest answer per group, then the same for NPS-scored answers.

    ``monotone`` says the group code never decreases with the date (periods), so the customer-date order
    needs no re-sorting.
    """
    rows, codes, scored = cust.order, cust.order_codes, cust.order_scored
    if gg is None:
        groups = None
    else:
        groups = gg[rows]
        keep = groups < n_groups
        if not keep.all():
            rows, codes, groups, scored = rows[keep], codes[keep], groups[keep], scored[keep]
        if not monotone and rows.size:
            small = groups.astype(np.int16) if n_groups < np.iinfo(np.int16).max else groups
            by_group = np.argsort(small, kind="stable")
            rows, codes, scored = rows[by_group], codes[by_group], scored[by_group]
            groups = np.repeat(np.arange(n_groups, dtype=np.intp), np.bincount(groups, minlength=n_groups))
    ends = _last_of_runs(codes, groups)
    picked = np.flatnonzero(scored)
    ends_s = picked[_last_of_runs(codes[picked], None if groups is None else groups[picked])]
    zeros = np.zeros
    return (rows[ends], zeros(ends.size, np.intp) if groups is None else groups[ends],
            rows[ends_s], zeros(ends_s.size, np.intp) if groups is None else groups[ends_s])


def _key(gg: np.ndarray, width: int, codes: np.ndarray) -> np.ndarray:
    """Return ``gg * width + codes`` as a new intp array (computed in place, no extra temporaries)."""
    key = np.multiply(gg, width, dtype=np.intp)
    key += codes
    return key


def _bincount(gg: np.ndarray | None, width: int, codes: np.ndarray, size: int,
              weights: np.ndarray | None = None) -> np.ndarray:
    """Return ``bincount(gg * width + codes)`` reshaped to (size, width); ``gg`` None means one group."""
    key = codes if gg is None else _key(gg, width, codes)
    return np.bincount(key, weights=weights, minlength=size * width)[: size * width].reshape(size, width)


def _aggregate(data: Responses, gg: np.ndarray | None, n_groups: int, *, monotone: bool = False) -> pd.DataFrame:
    """Return one row of KPIs per group code 0..n_groups-1; code ``n_groups`` marks rows left out.

    ``gg`` None puts every response in one group. Hidden columns starting with ``_`` carry the sums the
    significance tests need.
    """
    size = n_groups + 1
    width = data.rating_width
    combos = _NPS_CATS * _CSAT_CATS * width
    value_by_cat = None
    if size * combos <= _MAX_JOINT_BINS:
        key = data.rowcode if gg is None else _key(gg, combos, data.rowcode)
        joint = np.bincount(key, minlength=size * combos)[: size * combos]
        joint = joint.reshape(size, _NPS_CATS, _CSAT_CATS, width)[:n_groups]
        nps_counts, csat_counts, rating_counts = joint.sum(axis=(2, 3)), joint.sum(axis=(1, 3)), joint.sum(axis=(1, 2))
        if data.value is not None:
            weighted = np.bincount(key, weights=data.value, minlength=size * combos)[: size * combos]
            value_by_cat = weighted.reshape(size, _NPS_CATS, -1)[:n_groups].sum(axis=2)
        del key
    else:
        nps_counts = _bincount(gg, _NPS_CATS, data.nps_cat, size)[:n_groups]
        csat_counts = _bincount(gg, _CSAT_CATS, data.csat_cat, size)[:n_groups]
        rating_counts = _bincount(gg, width, data.rating_code, size)[:n_groups]
    promoters, passives, detractors = nps_counts[:, _PROMOTER], nps_counts[:, _PASSIVE], nps_counts[:, _DETRACTOR]
    nps_n = promoters + passives + detractors
    csat_top = csat_counts[:, 2]
    csat_n = csat_counts[:, 1] + csat_top
    rating_n = rating_counts[:, 1:].sum(axis=1)
    out: dict[str, Any] = {
        "n": nps_counts.sum(axis=1),
        "nps_n": nps_n,
        "csat_n": csat_n,
        "rating_n": rating_n,
        "promoters": promoters,
        "passives": passives,
        "detractors": detractors,
    }
    out["nps"] = nps_score(promoters, detractors, nps_n)
    out["nps_ci_low"], out["nps_ci_high"] = nps_interval(promoters, detractors, nps_n)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["csat"] = np.where(csat_n > 0, 100.0 * csat_top / np.maximum(csat_n, 1), np.nan)
    out["csat_ci_low"], out["csat_ci_high"] = wilson_interval(csat_top, csat_n)
    if data.rating_levels is not None:
        dev = data.rating_levels - data.rating_centre
        s1, s2 = rating_counts[:, 1:] @ dev, rating_counts[:, 1:] @ (dev * dev)
    else:
        dev = data.rating_dev
        if gg is None:
            s1, s2 = np.array([dev.sum()]), np.array([(dev * dev).sum()])
        else:
            s1 = np.bincount(gg, weights=dev, minlength=size)[:n_groups]
            s2 = np.bincount(gg, weights=dev * dev, minlength=size)[:n_groups]
    mean, sd = _mean_sd(data.rating_centre, s1, s2, rating_n)
    out["rating_mean"] = mean
    out["rating_ci_low"], out["rating_ci_high"] = t_interval(mean, sd, rating_n)
    _value_columns(data, out, gg, n_groups, monotone, value_by_cat)
    out["_csat_top"] = csat_top
    out["_rating_s1"], out["_rating_s2"], out["_rating_sd"] = s1, s2, sd
    return pd.DataFrame(out)


def _mean_sd(centre: float, s1: np.ndarray, s2: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return means and sample standard deviations from sums of deviations from ``centre``."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, centre + s1 / np.where(n > 0, n, 1), np.nan)
        var = np.where(n >= 2, (s2 - s1 * s1 / np.where(n > 0, n, 1)) / (n - 1), np.nan)
    return mean, np.sqrt(np.clip(var, 0.0, None))


def _value_columns(data: Responses, out: dict[str, Any], gg: np.ndarray | None, n_groups: int,
                   monotone: bool, by_cat: np.ndarray | None) -> None:
    """Add customers, customer NPS, value-weighted NPS, revenue at risk and revenue share to ``out``.

    ``by_cat`` holds the value summed per group and NPS category when the caller already has it.
    """
    nan = np.full(n_groups, np.nan)
    size = n_groups + 1
    nps_mapped, value = "nps" in data.mapped, data.value
    cust = data.customers if "customer" in data.mapped else None
    out["customers"] = np.zeros(n_groups) if "customer" in data.mapped else nan
    out["customer_nps"] = nan
    out["value_weighted_nps"] = nan
    revenue = risk = nan
    if value is not None:
        if by_cat is None:
            by_cat = _bincount(gg, _NPS_CATS, data.nps_cat, size, weights=value)[:n_groups]
        scored = by_cat[:, 1:].sum(axis=1)
        if nps_mapped:
            with np.errstate(divide="ignore", invalid="ignore"):
                out["value_weighted_nps"] = np.where(
                    scored > 0, 100.0 * (by_cat[:, _PROMOTER] - by_cat[:, _DETRACTOR]) / scored, np.nan)
            risk = np.where(out["nps_n"] > 0, by_cat[:, _DETRACTOR], np.nan)
        revenue = by_cat.sum(axis=1)
    if cust is not None:
        # Each customer counts once per group (their latest answer); responses without a customer count as is.
        rows, groups, rows_s, groups_s = _latest_answers(cust, gg, n_groups, monotone)
        out["customers"] = np.bincount(groups, minlength=n_groups)[:n_groups].astype(float)
        anon = cust.anonymous
        anon_groups = np.zeros(anon.size, np.intp) if gg is None else gg[anon]
        if value is not None:
            revenue = (np.bincount(groups, weights=value[rows], minlength=size)[:n_groups]
                       + np.bincount(anon_groups, weights=value[anon], minlength=size)[:n_groups])
        if nps_mapped:
            cats = data.nps_cat[rows_s]
            per = _bincount(groups_s, _NPS_CATS, cats, n_groups)
            answered = per[:, 1:].sum(axis=1)
            out["customer_nps"] = nps_score(per[:, _PROMOTER], per[:, _DETRACTOR], answered)
            if value is not None:
                lost = (np.bincount(groups_s, weights=value[rows_s] * (cats == _DETRACTOR), minlength=size)
                        + np.bincount(anon_groups, weights=value[anon] * (data.nps_cat[anon] == _DETRACTOR),
                                      minlength=size))[:n_groups]
                risk = np.where(out["nps_n"] > 0, lost, np.nan)
    out["revenue_at_risk"] = risk
    total = data.total_revenue
    out["revenue_share"] = revenue / total if value is not None and total and total > 0 else nan
    out["_revenue"] = revenue


def _add_tests(table: pd.DataFrame, other: pd.DataFrame, data: Responses, metric: str | None,
               min_n: int) -> pd.DataFrame:
    """Add per-metric and headline comparison columns of ``table`` against ``other`` (row by row)."""
    out = table.copy()
    centre = data.rating_centre
    for m in METRICS:
        if m not in data.mapped:
            continue
        n1, n2 = out[_COUNT[m]].to_numpy(float), other[_COUNT[m]].to_numpy(float)
        if m == "nps":
            p = nps_test(out["promoters"], out["detractors"], n1, other["promoters"], other["detractors"], n2)
        elif m == "csat":
            p = proportion_test(out["_csat_top"], n1, other["_csat_top"], n2)
        else:
            m2, s2 = _mean_sd(centre, other["_rating_s1"].to_numpy(float), other["_rating_s2"].to_numpy(float), n2)
            p = welch_test(out["rating_mean"], out["_rating_sd"], n1, m2, s2, n2)
        p = np.atleast_1d(_arr(p))
        low = n1 < min_n
        adjusted = bh_adjust(p)
        out[f"{m}_other"] = other[_ESTIMATE[m]].to_numpy(float)
        out[f"{m}_difference"] = out[_ESTIMATE[m]].to_numpy(float) - out[f"{m}_other"]
        out[f"{m}_p_value"] = p
        out[f"{m}_p_adjusted"] = adjusted
        out[f"{m}_low_sample"] = low
        out[f"{m}_significant"] = (adjusted < ALPHA) & ~low & (n2 >= min_n)
    if metric is not None and f"{metric}_p_value" in out.columns:
        for key in ("difference", "p_value", "p_adjusted", "significant", "low_sample"):
            out[key] = out[f"{metric}_{key}"]
    else:
        out["difference"] = np.nan
        out["p_value"] = np.nan
        out["p_adjusted"] = np.nan
        out["significant"] = False
        out["low_sample"] = out["n"].to_numpy() < min_n
    return out


def _check_metric(metric: str | None, data: Responses) -> str | None:
    """Return the metric to test (the headline one when None); raise InputError for an unknown or unmapped one."""
    if metric is None:
        return next((m for m in METRICS if m in data.mapped), None)
    if metric not in METRICS:
        raise InputError(f"'{metric}' is not a KPI. Choose one of: {', '.join(METRICS)}.")
    if metric not in data.mapped:
        raise InputError(f"This dataset has no {METRIC_LABELS[metric]} scores. Choose another KPI.")
    return metric


def _public(table: pd.DataFrame) -> pd.DataFrame:
    """Return the table without its hidden working columns."""
    return table.drop(columns=[c for c in table.columns if c.startswith("_")])


def kpis(data: Responses) -> pd.DataFrame:
    """Return a one-row table with the KPIs of all responses in ``data``."""
    return _public(_aggregate(data, None, 1, monotone=True))


# ---------------------------------------------------------------------------------------------------------
# Groups and periods
# ---------------------------------------------------------------------------------------------------------


def segment_column(frame: pd.DataFrame, name: str) -> str | None:
    """Return the frame column of segment ``name`` (suffixed `` (segment)`` if it collides), or None."""
    suffixed = f"{name} (segment)"
    if suffixed in frame.columns and (name in CANONICAL_COLUMNS or name not in frame.columns):
        return suffixed
    return name if name in frame.columns else None


def groupable_columns(frame: pd.DataFrame, config: DatasetConfig) -> list[str]:
    """Return the columns one can group or filter by: brand, customer, segments, sentiment label, language."""
    roles = mapped_roles(config)
    out = []
    for column in frame.columns:
        if column in _NOT_GROUPABLE:
            continue
        if column in ("brand", "customer") and column not in roles:
            continue
        if column in ("sentiment_label", "language") and not frame[column].notna().any():
            continue
        out.append(str(column))
    return out


def check_column(frame: pd.DataFrame, config: DatasetConfig, column: str) -> str:
    """Return the frame column for ``column`` (a segment name may be given without its suffix).

    Raises ``InputError`` listing the columns that exist when there is no such column.
    """
    allowed = groupable_columns(frame, config)
    for found in (column, f"{column} (segment)"):
        if found in allowed:
            return found
    names = ", ".join(allowed) if allowed else "none (map a segment or brand column when importing)"
    raise InputError(f"There is no column '{column}' to group or filter by. Columns you can use: {names}.")


def _group_codes(series: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """Return (codes 0..k-1, labels) of a column; missing values form the last group, labelled None."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()  # small integers; widened where they are combined
        labels = list(series.cat.categories)
    else:
        try:
            raw, uniques = pd.factorize(series, sort=True, use_na_sentinel=True)
        except TypeError:  # mixed types that cannot be ordered
            raw, uniques = pd.factorize(series, sort=False, use_na_sentinel=True)
        codes, labels = raw.astype(np.intp), list(uniques)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(labels), codes.astype(np.intp))
        labels.append(None)
    return codes, [_plain(v) for v in labels]


def _plain(value: Any) -> Any:
    """Return numpy scalars as Python values."""
    return value.item() if isinstance(value, np.generic) else value


def kpis_by(data: Responses, by: str | Sequence[str], *, metric: str | None = None,
            min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Return one row per value of ``by`` (or per combination of several columns) compared with all others.

    Columns: ``value`` (a tuple for several columns), the KPIs, per-KPI ``<kpi>_other``/``_difference``/
    ``_p_value``/``_p_adjusted``/``_significant``/``_low_sample``, and the headline test's ``difference``,
    ``p_value``, ``p_adjusted``, ``significant``, ``low_sample`` (``metric``, default NPS, else CSAT, else
    rating). Values without responses are left out. Raises ``InputError`` for an unknown column or KPI.
    """
    metric = _check_metric(metric, data)
    columns = [by] if isinstance(by, str) else list(by)
    if not columns:
        raise InputError("Choose at least one column to group by.")
    resolved = [check_column(data.frame, data.config, c) for c in columns]
    g: np.ndarray | None = None
    labels: list[Any] = [()]
    for column in resolved:
        codes, values = _group_codes(data.frame[column])
        g = codes if g is None else g.astype(np.intp) * len(values) + codes
        labels = [(*a, b) for a in labels for b in values]
    table = _aggregate(data, g, len(labels))
    table.insert(0, "value", pd.Series([lab[0] if len(columns) == 1 else lab for lab in labels], dtype=object))
    table = table[table["n"] > 0].reset_index(drop=True)
    return _public(_add_tests(table, _rest(table, data.rating_centre), data, metric, min_n))


def _rest(table: pd.DataFrame, centre: float) -> pd.DataFrame:
    """Return, for each group, the sums and estimates of every other response (the groups cover them all)."""
    sums = ["nps_n", "csat_n", "rating_n", "promoters", "passives", "detractors", "_csat_top", "_rating_s1",
            "_rating_s2"]
    rest = pd.DataFrame({c: table[c].to_numpy(float).sum() - table[c].to_numpy(float) for c in sums})
    rest["nps"] = nps_score(rest["promoters"], rest["detractors"], rest["nps_n"])
    csat_n = rest["csat_n"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        rest["csat"] = np.where(csat_n > 0, 100.0 * rest["_csat_top"].to_numpy() / np.maximum(csat_n, 1), np.nan)
    rest["rating_mean"], _ = _mean_sd(centre, rest["_rating_s1"].to_numpy(), rest["_rating_s2"].to_numpy(),
                                      rest["rating_n"].to_numpy())
    return rest


def period_label(start: Any, period: str) -> str:
    """Return a period's name for people: "week of 6 May 2024", "May 2024" or "Q2 2024"."""
    ts = pd.Timestamp(start)
    if period == "week":
        return f"week of {ts.day} {ts:%B %Y}"
    if period == "quarter":
        return f"Q{(ts.month - 1) // 3 + 1} {ts.year}"
    return f"{ts:%B %Y}"


def period_start(when: Any, period: str) -> pd.Timestamp:
    """Return the first day of the week (Monday), month or quarter containing ``when``."""
    ts = pd.Timestamp(when).normalize()
    if period == "week":
        return ts - pd.Timedelta(days=ts.weekday())
    if period == "month":
        return ts.replace(day=1)
    if period == "quarter":
        return ts.replace(month=3 * ((ts.month - 1) // 3) + 1, day=1)
    raise InputError(f"'{period}' is not a period. Choose one of: {', '.join(PERIODS)}.")


def _period_codes(data: Responses, period: str) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Return (period code per row, len(starts) without a date; start date of every period, first to last)."""
    if period not in PERIODS:
        raise InputError(f"'{period}' is not a period. Choose one of: {', '.join(PERIODS)}.")
    if data.last_day < data.first_day:
        return np.zeros(data.n, dtype=np.intp), pd.DatetimeIndex([])
    epoch = pd.Timestamp("1970-01-01")
    start = period_start(epoch + pd.Timedelta(days=data.first_day), period)
    starts = pd.date_range(start, epoch + pd.Timedelta(days=data.last_day), freq=_PERIOD_FREQ[period])
    start_days = ((starts - epoch) // pd.Timedelta(days=1)).to_numpy().astype(np.int64)
    offsets = np.arange(data.first_day, data.last_day + 1)
    lookup = np.searchsorted(start_days, offsets, side="right") - 1
    lookup = np.append(lookup, len(starts)).astype(np.intp)  # day -1 (no date) reads the last entry
    return lookup[data.day], starts


def kpis_by_period(data: Responses, period: str, *, metric: str | None = None,
                   min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Return one row per week, month or quarter (first to last date, empty ones included) vs the previous one.

    Columns as ``kpis_by`` with ``period`` (the start date) instead of ``value``; the first period has no
    comparison. Responses without a date are left out. Raises ``InputError`` for an unknown period or KPI.
    """
    metric = _check_metric(metric, data)
    gg, starts = _period_codes(data, period)
    table = _aggregate(data, gg, len(starts), monotone=True)
    table.insert(0, "period", starts)
    counts = ("nps_n", "csat_n", "rating_n", "promoters", "passives", "detractors", "_csat_top")
    previous = table.drop(columns="period").shift(1).fillna({c: 0 for c in counts})
    return _public(_add_tests(table, previous, data, metric, min_n))


# ---------------------------------------------------------------------------------------------------------
# Selections, reports and records
# ---------------------------------------------------------------------------------------------------------


def parse_date(text: str, flag: str = "date") -> pd.Timestamp:
    """Return the date in ``text`` (YYYY-MM-DD); raise ``InputError`` when it is not one."""
    try:
        return pd.Timestamp(Date.fromisoformat(str(text).strip()))
    except ValueError:
        raise InputError(f"{flag} takes a date written like 2024-01-31, not '{text}'.") from None


def select(frame: pd.DataFrame, config: DatasetConfig, *, start: Any = None, end: Any = None,
           where: MappingT[str, Sequence[Any]] | None = None) -> pd.DataFrame:
    """Return the responses dated from ``start`` to ``end`` (both days included) matching every ``where``.

    ``where`` maps a column to the values to keep (any of them). With a date bound, undated responses are
    left out. Raises ``InputError`` for an unknown column or a start after the end.
    """
    mask = np.ones(len(frame), bool)
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    if lo is not None and hi is not None and lo > hi:
        raise InputError(f"The start date {lo.date()} is after the end date {hi.date()}. Swap them.")
    if lo is not None or hi is not None:
        dates = frame["date"] if "date" in frame.columns else pd.Series(pd.NaT, index=frame.index)
        dates = pd.to_datetime(dates, errors="coerce")
        if isinstance(dates.dtype, pd.DatetimeTZDtype):
            dates = dates.dt.tz_localize(None)
        if lo is not None:
            mask &= (dates >= lo).to_numpy()
        if hi is not None:
            bound = hi + pd.Timedelta(days=1) if hi == hi.normalize() else hi
            mask &= (dates < bound if bound != hi else dates <= hi).to_numpy()
    for column, values in (where or {}).items():
        name = check_column(frame, config, column)
        series = frame[name]
        wanted = [str(v) for v in values]
        if series.dtype.kind in "biufcM":
            hit = series.astype(str).isin(wanted)
        else:
            hit = series.isin(wanted)
        mask &= hit.to_numpy(dtype=bool)
    return frame.loc[mask] if not mask.all() else frame


@dataclass(frozen=True, eq=False)
class KpiReport:
    """The KPIs of a selection: overall, per group (``by``) and per period, as the CLI and pages show them."""

    overall: pd.DataFrame
    groups: pd.DataFrame | None
    periods: pd.DataFrame | None
    metric: str | None
    by: str | None
    period: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the ``portal kpis`` JSON object: ``overall``, and ``groups``/``periods`` when asked for."""
        out: dict[str, Any] = {"overall": to_records(self.overall)[0]}
        if self.groups is not None:
            out["groups"] = to_records(self.groups)
        if self.periods is not None:
            out["periods"] = to_records(self.periods)
        return out

    def to_frame(self) -> pd.DataFrame:
        """Return every row (overall, groups, periods) as one flat table for CSV, intervals as two columns."""
        parts = [self.overall.assign(scope="overall")]
        if self.groups is not None:
            parts.append(self.groups.assign(scope="group"))
        if self.periods is not None:
            parts.append(self.periods.assign(scope="period"))
        keys = ["scope"]
        if self.groups is not None:
            keys.append("value")
        if self.periods is not None:
            keys.append("period")
        for key in KPI_KEYS:
            keys += [f"{key}_low", f"{key}_high"] if key in INTERVAL_KEYS else [key]
        if self.groups is not None or self.periods is not None:
            keys += list(COMPARISON_KEYS)
        frame = pd.concat(parts, ignore_index=True)
        for key in keys:
            if key not in frame.columns:
                frame[key] = None
        frame = frame[keys].copy()
        if "period" in frame.columns:
            frame["period"] = [None if pd.isna(p) else pd.Timestamp(p).date().isoformat() for p in frame["period"]]
        return frame


def kpi_report(frame: pd.DataFrame, config: DatasetConfig, *, by: str | None = None, period: str | None = None,
               metric: str | None = None, min_n: int = DEFAULT_MIN_N) -> KpiReport:
    """Return the KPIs of ``frame`` overall, by ``by`` and by ``period``; raise ``InputError`` on a bad choice."""
    data = prepare(frame, config)
    metric = _check_metric(metric, data)
    groups = kpis_by(data, by, metric=metric, min_n=min_n) if by else None
    periods = kpis_by_period(data, period, metric=metric, min_n=min_n) if period else None
    return KpiReport(overall=kpis(data), groups=groups, periods=periods, metric=metric, by=by, period=period)


def _number(value: Any, integer: bool) -> Any:
    """Return a JSON-ready number: None for NaN, int for counts, float otherwise."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    return int(value) if integer else float(value)


def _label(value: Any) -> Any:
    """Return a group label or period start ready for JSON."""
    if isinstance(value, tuple):
        return [_label(v) for v in value]
    if isinstance(value, (pd.Timestamp, datetime)):
        return None if pd.isna(value) else value.date().isoformat()
    return _plain(value) if not (isinstance(value, float) and math.isnan(value)) else None


def to_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Return a KPI table as JSON-ready records with exactly the ``portal kpis`` keys (``[low, high]`` intervals)."""
    records = []
    has_tests = "p_value" in table.columns
    for row in table.to_dict(orient="records"):
        rec: dict[str, Any] = {}
        if "value" in row:
            rec["value"] = _label(row["value"])
        if "period" in row:
            rec["period"] = _label(row["period"])
        for key in KPI_KEYS:
            if key in INTERVAL_KEYS:
                low, high = _number(row.get(f"{key}_low"), False), _number(row.get(f"{key}_high"), False)
                rec[key] = None if low is None or high is None else [low, high]
            else:
                rec[key] = _number(row.get(key), key in _INT_KEYS)
        if has_tests:
            rec["p_value"] = _number(row["p_value"], False)
            rec["p_adjusted"] = _number(row["p_adjusted"], False)
            rec["significant"] = bool(row["significant"])
            rec["low_sample"] = bool(row["low_sample"])
        records.append(rec)
    return records


# ---------------------------------------------------------------------------------------------------------
# Plain-language sentences
# ---------------------------------------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    """Return ``"1,208 responses"`` or ``"1 response"``."""
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _give_or_take(low: float, high: float, digits: int, unit: str = "") -> str:
    """Return "give or take 4" from an interval (half its width), or a note when there is no interval."""
    if low is None or high is None or not (np.isfinite(low) and np.isfinite(high)):
        return "with no margin of error yet"
    half = (high - low) / 2
    if round(half, digits) == 0:
        return f"give or take less than {10 ** -digits:g}{unit}"
    return f"give or take {half:.{digits}f}{unit}"


def _caution(n: int, min_n: int) -> str:
    """Return the low-sample warning appended to a sentence (empty when n is large enough)."""
    return f" That is fewer than {min_n}, so treat it as a rough guide." if n < min_n else ""


def describe_nps(nps: float | None, ci: tuple[float, float] | None, n: int, *, min_n: int = DEFAULT_MIN_N) -> str:
    """Return a sentence such as "NPS 32, give or take 4, from 1,208 responses"."""
    if not n or nps is None or not np.isfinite(nps):
        return "No NPS scores in this selection yet."
    low, high = ci if ci else (None, None)
    return f"NPS {nps:.0f}, {_give_or_take(low, high, 0)}, from {_plural(n, 'response')}." + _caution(n, min_n)


def describe_csat(csat: float | None, ci: tuple[float, float] | None, n: int, *,
                  min_n: int = DEFAULT_MIN_N) -> str:
    """Return a sentence such as "CSAT 78%, give or take 3 points, from 950 responses"."""
    if not n or csat is None or not np.isfinite(csat):
        return "No CSAT scores in this selection yet."
    low, high = ci if ci else (None, None)
    margin = _give_or_take(low, high, 0, " points").replace("less than 1 points", "less than 1 point")
    return f"CSAT {csat:.0f}%, {margin}, from {_plural(n, 'response')}." + _caution(n, min_n)


def describe_rating(mean: float | None, ci: tuple[float, float] | None, n: int, *,
                    scale: tuple[int, int] = (1, 5), min_n: int = DEFAULT_MIN_N) -> str:
    """Return a sentence such as "Average rating 4.1 out of 5, give or take 0.1, from 950 ratings"."""
    if not n or mean is None or not np.isfinite(mean):
        return "No ratings in this selection yet."
    low, high = ci if ci else (None, None)
    return (f"Average rating {mean:.1f} out of {scale[1]}, {_give_or_take(low, high, 1)}, "
            f"from {_plural(n, 'rating')}." + _caution(n, min_n))


def describe(metric: str, row: MappingT[str, Any], config: DatasetConfig, *, min_n: int = DEFAULT_MIN_N) -> str:
    """Return the plain sentence for ``metric`` of one KPI row (a table row or record)."""
    est, n = _value(row, _ESTIMATE[metric]), int(_value(row, _COUNT[metric]) or 0)
    low, high = _value(row, f"{metric}_ci_low"), _value(row, f"{metric}_ci_high")
    if low is None and isinstance(row.get(f"{metric}_ci"), (list, tuple)):
        low, high = row[f"{metric}_ci"]
    ci = (low, high) if low is not None and high is not None else None
    if metric == "nps":
        return describe_nps(est, ci, n, min_n=min_n)
    if metric == "csat":
        return describe_csat(est, ci, n, min_n=min_n)
    return describe_rating(est, ci, n, scale=config.rating_scale, min_n=min_n)


def _value(row: MappingT[str, Any], key: str) -> Any:
    """Return ``row[key]`` as a Python number, None when missing or NaN."""
    value = row.get(key)
    if value is None or isinstance(value, (bool, np.bool_)):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return None if math.isnan(value) else _plain(value)
    return value


def _unit(metric: str, amount: float) -> str:
    """Return an amount of change in the metric's unit: "6 points" or "0.2 stars"."""
    if metric == "rating":
        return f"{abs(amount):.1f}" + (" star" if round(abs(amount), 1) == 1 else " stars")
    return f"{abs(amount):.0f}" + (" point" if round(abs(amount)) == 1 else " points")


def _change_words(metric: str, difference: float, significant: bool) -> str:
    """Return e.g. "up 6 points, a real change" or "down 2 points, which could be chance"."""
    if difference > 0:
        words = "up " + _unit(metric, difference)
    elif difference < 0:
        words = "down " + _unit(metric, difference)
    else:
        words = "no change"
    return words + (", a real change" if significant else ", which could be chance")


def describe_change(metric: str, difference: float | None, significant: bool, *, against: str) -> str:
    """Return a sentence about a change, e.g. "Up 6 points on the previous month, a real change."."""
    if difference is None or not np.isfinite(difference):
        return f"No comparison with {against}: one side has no {METRIC_LABELS[metric]} scores."
    words = _change_words(metric, difference, significant)
    head, _, tail = words.partition(", ")
    return f"{head[0].upper()}{head[1:]} on {against}, {tail}."


def describe_difference(metric: str, column: str, value: Any, estimate: float, difference: float, n: int) -> str:
    """Return a sentence such as "Order (SURVEY_SUB_TYPE): NPS -10, 15 points above the rest (971 responses)"."""
    shown = f"{estimate:.1f}" if metric == "rating" else f"{estimate:.0f}" + ("%" if metric == "csat" else "")
    side = "above" if difference > 0 else "below"
    return (f"{value} ({column}): {METRIC_LABELS[metric]} {shown}, {_unit(metric, difference)} {side} the rest "
            f"({_plural(n, 'response')}).")


# ---------------------------------------------------------------------------------------------------------
# Overview
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """The change of a KPI from the previous period to the latest one."""

    period: pd.Timestamp
    previous: pd.Timestamp
    label: str
    previous_label: str
    value: float | None
    previous_value: float | None
    difference: float | None
    p_value: float | None
    p_adjusted: float | None
    significant: bool
    low_sample: bool
    sentence: str


@dataclass(frozen=True)
class Tile:
    """One KPI tile: the figure for the selection with its interval and n, and the latest change."""

    metric: str
    label: str
    value: float | None
    ci: tuple[float, float] | None
    n: int
    low_sample: bool
    sentence: str
    help: str
    change: Change | None


@dataclass(frozen=True)
class SegmentDifference:
    """A segment value whose KPI differs significantly from all other responses."""

    column: str
    value: Any
    metric: str
    estimate: float
    rest: float
    difference: float
    ci: tuple[float, float] | None
    n: int
    p_adjusted: float
    sentence: str


@dataclass(frozen=True, eq=False)
class Overview:
    """Everything the Overview page shows, ready to format."""

    n: int
    metric: str | None
    tiles: tuple[Tile, ...]
    period: str | None
    trend: pd.DataFrame | None
    differences: tuple[SegmentDifference, ...]
    customers: int | None
    revenue_total: float | None
    revenue_at_risk: float | None
    revenue_at_risk_share: float | None
    revenue_sentence: str | None


def segment_columns(frame: pd.DataFrame, config: DatasetConfig) -> list[str]:
    """Return the frame columns of the dataset's brand and mapped segments (those present in the frame)."""
    out = ["brand"] if "brand" in mapped_roles(config) and "brand" in frame.columns else []
    for name in config.mapping.segments:
        found = segment_column(frame, name)
        if found is not None and found not in out:
            out.append(found)
    return out


def _tile(metric: str, overall: MappingT[str, Any], trend: pd.DataFrame | None, config: DatasetConfig,
          period: str | None, min_n: int) -> Tile:
    """Return the tile of one KPI."""
    est, n = _value(overall, _ESTIMATE[metric]), int(overall[_COUNT[metric]])
    low, high = _value(overall, f"{metric}_ci_low"), _value(overall, f"{metric}_ci_high")
    change = None
    if trend is not None and len(trend) >= 2:
        last, prev = trend.iloc[-1], trend.iloc[-2]
        diff = _value(last, f"{metric}_difference")
        significant = bool(last[f"{metric}_significant"])
        word = period or "month"
        change = Change(
            period=pd.Timestamp(last["period"]), previous=pd.Timestamp(prev["period"]),
            label=period_label(last["period"], word), previous_label=period_label(prev["period"], word),
            value=_value(last, _ESTIMATE[metric]), previous_value=_value(prev, _ESTIMATE[metric]), difference=diff,
            p_value=_value(last, f"{metric}_p_value"), p_adjusted=_value(last, f"{metric}_p_adjusted"),
            significant=significant, low_sample=bool(last[f"{metric}_low_sample"]),
            sentence=(f"{period_label(last['period'], word)}: "
                      + describe_change(metric, diff, significant, against=period_label(prev["period"], word))),
        )
    return Tile(
        metric=metric, label=METRIC_LABELS[metric], value=est,
        ci=(low, high) if low is not None and high is not None else None, n=n, low_sample=n < min_n,
        sentence=describe(metric, overall, config, min_n=min_n), help=DEFINITIONS[metric], change=change,
    )


def top_differences(data: Responses, columns: Sequence[str], *, metric: str | None = None,
                    min_n: int = DEFAULT_MIN_N, limit: int = 5) -> tuple[SegmentDifference, ...]:
    """Return the significant segment values that differ most from the rest, largest difference first."""
    metric = _check_metric(metric, data)
    if metric is None:
        return ()
    found: list[SegmentDifference] = []
    for column in columns:
        table = kpis_by(data, column, metric=metric, min_n=min_n)
        if len(table) < 2:
            continue
        for row in table[table["significant"]].to_dict(orient="records"):
            low, high = row[f"{metric}_ci_low"], row[f"{metric}_ci_high"]
            found.append(SegmentDifference(
                column=column, value=row["value"], metric=metric, estimate=float(row[_ESTIMATE[metric]]),
                rest=float(row[f"{metric}_other"]), difference=float(row["difference"]),
                ci=(float(low), float(high)) if np.isfinite(low) and np.isfinite(high) else None,
                n=int(row[_COUNT[metric]]), p_adjusted=float(row["p_adjusted"]),
                sentence=describe_difference(metric, column, row["value"], float(row[_ESTIMATE[metric]]),
                                             float(row["difference"]), int(row[_COUNT[metric]])),
            ))
    found.sort(key=lambda d: -abs(d.difference))
    return tuple(found[:limit])


def overview(frame: pd.DataFrame, config: DatasetConfig, *, period: str | None = "month",
             min_n: int = DEFAULT_MIN_N, limit: int = 5) -> Overview:
    """Return the Overview page's content for ``frame``: tiles, trend, top segment differences, revenue at risk.

    Tiles cover the whole selection; each tile's change compares the latest period with the one before (from
    the trend, adjusted across all periods). Raises ``InputError`` for an unknown period.
    """
    data = prepare(frame, config)
    metric = _check_metric(None, data)
    full = _aggregate(data, None, 1, monotone=True)
    overall = _public(full).iloc[0].to_dict()
    trend = kpis_by_period(data, period, min_n=min_n) if period and data.last_day >= data.first_day else None
    tiles = tuple(_tile(m, overall, trend, config, period, min_n) for m in METRICS if m in data.mapped)
    differences = top_differences(data, segment_columns(frame, config), min_n=min_n, limit=limit)
    risk, total, share, sentence = None, None, None, None
    if data.value is not None:
        total = data.total_revenue
        risk = _value(overall, "revenue_at_risk")
        if risk is not None and total > 0:
            share = risk / total
            who = "customers whose latest answer is a detractor" if data.customers is not None else "detractors"
            sentence = f"{risk:,.0f} of {total:,.0f} in revenue ({share:.0%}) comes from {who}."
    customers = _value(overall, "customers")
    return Overview(
        n=data.n, metric=metric, tiles=tiles, period=period if trend is not None else None, trend=trend,
        differences=differences, customers=int(customers) if customers is not None else None,
        revenue_total=total, revenue_at_risk=risk, revenue_at_risk_share=share, revenue_sentence=sentence,
    )



# ---------------------------------------------------------------------------------------------------------
# Two selections (before / after an event, or any two windows)
# ---------------------------------------------------------------------------------------------------------


def compare_selections(frame: pd.DataFrame, config: DatasetConfig, first: Any, second: Any, *,
                       min_n: int = DEFAULT_MIN_N, against: str = "before") -> pd.DataFrame:
    """Return one row per KPI comparing the rows in boolean mask ``second`` with those in ``first``.

    Columns: ``metric``, ``label``, ``first``/``second`` (estimates) with ``_ci_low``, ``_ci_high`` and
    ``_n``, ``difference`` (second minus first), ``p_value``, ``p_adjusted`` (Benjamini-Hochberg across the
    KPIs compared), ``significant``, ``low_sample`` and a ``sentence``. Only KPIs the dataset maps appear.
    """
    first, second = np.asarray(first, dtype=bool), np.asarray(second, dtype=bool)
    data = prepare(frame, config)
    gg = np.where(first, 0, np.where(second, 1, 2)).astype(np.intp)
    both = _aggregate(data, gg, 2)
    tested = _add_tests(both.iloc[[1]].reset_index(drop=True), both.iloc[[0]].reset_index(drop=True), data,
                        None, min_n)
    rows = []
    for m in METRICS:
        if m not in data.mapped:
            continue
        est = _ESTIMATE[m]
        rows.append({
            "metric": m,
            "label": METRIC_LABELS[m],
            "first": float(both[est].iloc[0]),
            "first_ci_low": float(both[f"{m}_ci_low"].iloc[0]),
            "first_ci_high": float(both[f"{m}_ci_high"].iloc[0]),
            "first_n": int(both[_COUNT[m]].iloc[0]),
            "second": float(both[est].iloc[1]),
            "second_ci_low": float(both[f"{m}_ci_low"].iloc[1]),
            "second_ci_high": float(both[f"{m}_ci_high"].iloc[1]),
            "second_n": int(both[_COUNT[m]].iloc[1]),
            "difference": float(tested[f"{m}_difference"].iloc[0]),
            "p_value": float(tested[f"{m}_p_value"].iloc[0]),
        })
    table = pd.DataFrame(rows, columns=[
        "metric", "label", "first", "first_ci_low", "first_ci_high", "first_n", "second", "second_ci_low",
        "second_ci_high", "second_n", "difference", "p_value"])
    table["p_adjusted"] = bh_adjust(table["p_value"].to_numpy(float)) if len(table) else []
    low = (table["first_n"] < min_n) | (table["second_n"] < min_n)
    table["low_sample"] = low.astype(bool)
    table["significant"] = (table["p_adjusted"] < ALPHA) & ~table["low_sample"]
    table["sentence"] = [
        _comparison_sentence(r, against, min_n) for r in table.to_dict(orient="records")
    ]
    return table


def _comparison_sentence(row: MappingT[str, Any], against: str, min_n: int) -> str:
    """Return e.g. "NPS -8 (398 responses) against -20 before (412 responses): up 12 points, a real change."""
    m = row["metric"]
    if not row["first_n"] or not row["second_n"]:
        return f"{row['label']}: no comparison, one side has no scores."

    def shown(x: float) -> str:
        return f"{x:.1f}" if m == "rating" else f"{x:.0f}" + ("%" if m == "csat" else "")

    change = _change_words(m, row["difference"], bool(row["significant"])) + "."
    note = f" At least one side has fewer than {min_n} responses, so treat it as a rough guide." \
        if row["low_sample"] else ""
    return (f"{row['label']} {shown(row['second'])} ({_plural(int(row['second_n']), 'response')}) against "
            f"{shown(row['first'])} {against} ({_plural(int(row['first_n']), 'response')}): {change}{note}")
