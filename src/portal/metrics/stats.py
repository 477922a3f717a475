"""The formulas: NPS (MOVER-Wilson), Wilson, bounded-mean and t intervals, z and Welch tests, Benjamini-Hochberg.

Vectorised: scalars or arrays in, floats or arrays out; NaN where there is no data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy import stats

Z95 = 1.96  # the definitions' 95% normal quantile, used for the NPS and Wilson intervals
ALPHA = 0.05


def as_floats(x: Any) -> np.ndarray:
    """Return ``x`` as a float array."""
    return np.asarray(x, dtype=float)


def _result(x: np.ndarray) -> Any:
    """Return a Python float for 0-d results, the array otherwise."""
    return float(x) if np.ndim(x) == 0 else x


def nps_score(promoters: Any, detractors: Any, n: Any) -> Any:
    """Return NPS in points, 100 * (P - D) / n (NaN where n = 0)."""
    p, d, n = as_floats(promoters), as_floats(detractors), as_floats(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _result(np.where(n > 0, 100.0 * (p - d) / np.where(n > 0, n, 1), np.nan))


def nps_variance(promoters: Any, detractors: Any, n: Any) -> tuple[Any, Any]:
    """Return the adjusted-Wald variance ``p' + d' - (p' - d')^2`` and ``n' = n + 3``."""
    p, d, n = as_floats(promoters), as_floats(detractors), as_floats(n)
    n_adj = n + 3.0
    pa, da = (p + 0.75) / n_adj, (d + 0.75) / n_adj
    return _result(pa + da - (pa - da) ** 2), _result(n_adj)


def nps_interval(promoters: Any, detractors: Any, n: Any) -> tuple[Any, Any]:
    """Return the 95% interval of NPS in points: Wilson limits for the two shares, combined (NaN where n = 0).

    NPS is a difference of two shares of one sample, p - d. Each share gets its Wilson score interval
    [l_p, u_p] and [l_d, u_d], and the two are combined by the method of variance estimates recovery
    (MOVER, Newcombe 1998 and Zou & Donner 2008) with the multinomial correlation of the two shares,
    rho = -sqrt(p d / ((1 - p)(1 - d))):

        low  = (p - d) - sqrt((p - l_p)^2 + (u_d - d)^2 - 2 rho (p - l_p)(u_d - d))
        high = (p - d) + sqrt((u_p - p)^2 + (d - l_d)^2 - 2 rho (u_p - p)(d - l_d))

    Since -1 <= rho <= 0 each root is at most the sum of its two distances, so low >= l_p - u_d >= -1 and
    high <= u_p - l_d <= 1: the interval stays on the scale by construction, not by cutting it off, and
    contains the plain NPS. Its exact coverage at small n matches the adjusted-Wald interval's (see
    tests/metrics/test_bounded_intervals.py and benchmarks/bench_intervals.py).
    """
    p, d, n = as_floats(promoters), as_floats(detractors), as_floats(n)
    safe = np.where(n > 0, n, 1.0)
    sp, sd = p / safe, d / safe
    lp, up = (as_floats(x) / 100.0 for x in wilson_interval(p, n))
    ld, ud = (as_floats(x) / 100.0 for x in wilson_interval(d, n))
    inner = (sp > 0) & (sd > 0) & (sp < 1) & (sd < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(inner, -np.sqrt(sp * sd / np.where(inner, (1 - sp) * (1 - sd), 1.0)), 0.0)
    below, above = sp - lp, ud - sd
    low = (sp - sd) - np.sqrt(below ** 2 + above ** 2 - 2 * rho * below * above)
    below, above = up - sp, sd - ld
    high = (sp - sd) + np.sqrt(below ** 2 + above ** 2 - 2 * rho * below * above)
    empty = ~(n > 0)
    return _result(np.where(empty, np.nan, 100.0 * low)), _result(np.where(empty, np.nan, 100.0 * high))


def share_percent(successes: Any, n: Any) -> Any:
    """Return ``successes`` as a percentage of ``n`` (NaN where n = 0)."""
    x, n = as_floats(successes), as_floats(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, 100.0 * x / np.maximum(n, 1), np.nan)


def wilson_interval(successes: Any, n: Any) -> tuple[Any, Any]:
    """Return the Wilson 95% interval of a proportion, in percent (NaN where n = 0)."""
    x, n = as_floats(successes), as_floats(n)
    safe = np.where(n > 0, n, 1.0)
    p = x / safe
    z2 = Z95 * Z95
    denom = 1.0 + z2 / safe
    centre = (p + z2 / (2 * safe)) / denom
    half = Z95 * np.sqrt(np.clip(p * (1 - p) / safe + z2 / (4 * safe * safe), 0, None)) / denom
    low = np.clip(np.fmin(centre - half, p), 0.0, 1.0) * 100.0
    high = np.clip(np.fmax(centre + half, p), 0.0, 1.0) * 100.0
    empty = ~(n > 0)
    return _result(np.where(empty, np.nan, low)), _result(np.where(empty, np.nan, high))


def t_interval(mean: Any, sd: Any, n: Any) -> tuple[Any, Any]:
    """Return the 95% t interval of a mean (NaN where n < 2)."""
    m, s, n = as_floats(mean), as_floats(sd), as_floats(n)
    ok = n >= 2
    dof = np.where(ok, n - 1, 1.0)
    half = stats.t.ppf(0.975, dof) * s / np.sqrt(np.where(ok, n, 1.0))
    return _result(np.where(ok, m - half, np.nan)), _result(np.where(ok, m + half, np.nan))


def bounded_mean_interval(mean: Any, sd: Any, n: Any, lowest: float, highest: float) -> tuple[Any, Any]:
    """Return the 95% interval of the mean of a score that lies between ``lowest`` and ``highest``.

    A t interval (mean +/- t * sd / sqrt(n)) ignores the ends of the scale: two ratings of 1 and 10 give
    "-44.8 to 56.8". Here the mean is rescaled to u in [0, 1] and given the Wilson score interval with the
    effective number of responses n* = n * u(1 - u) / s_u^2 (Kish's effective sample size, s_u the rescaled
    standard deviation): a score in [0, 1] with mean u has variance at most u(1 - u), so n* says how many
    yes/no answers would carry the same information. A Wilson interval lies inside [0, 1] by construction and
    always contains u, so the rescaled interval lies inside the scale and contains the mean; for large n it
    equals the normal interval. Where the ratings show no spread (all the same value) n* = n, the widest
    spread a score with this mean can have, so identical answers never look certain. Deterministic and
    vectorised (no resampling). NaN where n = 0.
    """
    m, s, n = as_floats(mean), as_floats(sd), as_floats(n)
    width = float(highest) - float(lowest)
    u = np.clip((m - lowest) / width, 0.0, 1.0)
    var_u = (s / width) ** 2
    spread = u * (1.0 - u)
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = np.where((var_u > 0) & (spread > 0), n * spread / np.where(var_u > 0, var_u, 1.0), n)
    low, high = wilson_interval(u * n_eff, n_eff)
    return (_result(lowest + width * as_floats(low) / 100.0),
            _result(lowest + width * as_floats(high) / 100.0))


def nps_test(p1: Any, d1: Any, n1: Any, p2: Any, d2: Any, n2: Any) -> Any:
    """Return the two-sided p-value of a z-test on the difference of two NPS (NaN where a side has n = 0).

    Each side uses the adjusted-Wald quantities of its interval: z = ((p1' - d1') - (p2' - d2')) /
    sqrt(var1 / n1' + var2 / n2'). For large n this is the plain difference; for small n it does not
    overstate a gap between two nearly empty groups.
    """
    p1, d1, n1, p2, d2, n2 = map(as_floats, (p1, d1, n1, p2, d2, n2))
    ok = (n1 > 0) & (n2 > 0)
    v1, a1 = nps_variance(p1, d1, n1)
    v2, a2 = nps_variance(p2, d2, n2)
    diff = (p1 - d1) / as_floats(a1) - (p2 - d2) / as_floats(a2)
    se = np.sqrt(as_floats(v1) / as_floats(a1) + as_floats(v2) / as_floats(a2))
    p = 2.0 * stats.norm.sf(np.abs(diff) / se)
    return _result(np.where(ok, p, np.nan))


def proportion_test(x1: Any, n1: Any, x2: Any, n2: Any) -> Any:
    """Return the two-sided p-value of a pooled two-proportion z-test (NaN where a side has n = 0)."""
    x1, n1, x2, n2 = map(as_floats, (x1, n1, x2, n2))
    ok = (n1 > 0) & (n2 > 0)
    s1, s2 = np.where(ok, n1, 1), np.where(ok, n2, 1)
    pooled = (x1 + x2) / (s1 + s2)
    se = np.sqrt(np.clip(pooled * (1 - pooled), 0.0, None) * (1 / s1 + 1 / s2))
    diff = x1 / s1 - x2 / s2
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(se > 0, 2.0 * stats.norm.sf(np.abs(diff) / np.where(se > 0, se, 1)), 1.0)
    return _result(np.where(ok, p, np.nan))


def welch_test(m1: Any, s1: Any, n1: Any, m2: Any, s2: Any, n2: Any) -> Any:
    """Return the two-sided p-value of Welch's t-test from means, standard deviations and counts.

    NaN where a side has fewer than two values; when both sides have no spread the p-value is 1 for equal
    means and 0 otherwise.
    """
    m1, s1, n1, m2, s2, n2 = map(as_floats, (m1, s1, n1, m2, s2, n2))
    ok = (n1 >= 2) & (n2 >= 2)
    spread = (s1 > 0) | (s2 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = stats.ttest_ind_from_stats(
            m1, np.where(spread, s1, 1.0), np.where(ok, n1, 2), m2, np.where(spread, s2, 1.0),
            np.where(ok, n2, 2), equal_var=False,
        ).pvalue
    flat = np.where(np.isclose(m1, m2, rtol=0, atol=1e-12), 1.0, 0.0)
    return _result(np.where(ok, np.where(spread, p, flat), np.nan))


def bh_adjust(p_values: Any) -> np.ndarray:
    """Return Benjamini-Hochberg adjusted p-values; NaN entries stay NaN and are not counted as tests."""
    p = np.atleast_1d(as_floats(p_values)).copy()
    finite = np.isfinite(p)
    if finite.any():
        p[finite] = stats.false_discovery_control(np.clip(p[finite], 0.0, 1.0), method="bh")
    return p


def mean_sd(centre: float, s1: np.ndarray, s2: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return means and sample standard deviations from sums of deviations from ``centre``."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, centre + s1 / np.where(n > 0, n, 1), np.nan)
        var = np.where(n >= 2, (s2 - s1 * s1 / np.where(n > 0, n, 1)) / (n - 1), np.nan)
    return mean, np.sqrt(np.clip(var, 0.0, None))


def plain(value: Any) -> Any:
    """Return numpy scalars as Python values."""
    return value.item() if isinstance(value, np.generic) else value


def number_or_none(row: Mapping[str, Any], key: str) -> Any:
    """Return ``row[key]`` as a Python number, None when missing or NaN."""
    value = row.get(key)
    if value is None or isinstance(value, (bool, np.bool_)):
        return value
    if isinstance(value, (int, float, np.integer, np.floating)):
        return None if math.isnan(value) else plain(value)
    return value
