"""KPI tables: all responses (``kpis``), per group against the rest (``kpis_by``), per period against the
previous one (``kpis_by_period``) and two selections against each other (``compare_selections``).

Tables are DataFrames with one row per group. Their columns are the JSON keys of ``portal kpis`` with each
interval split in two (``nps_ci_low``, ``nps_ci_high``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from portal.errors import InputError
from portal.metrics.aggregate import aggregate, prepare, public
from portal.metrics.definitions import (
    COUNT_COLUMNS,
    DEFAULT_MIN_N,
    ESTIMATE_COLUMNS,
    METRIC_LABELS,
    METRICS,
    PERIOD_FREQUENCIES,
    PERIODS,
    PROPORTIONS,
    SUMMED_COLUMNS,
)
from portal.metrics.responses import Responses
from portal.metrics.select import check_column
from portal.metrics.stats import (
    ALPHA,
    as_floats,
    bh_adjust,
    mean_sd,
    nps_score,
    nps_test,
    plain,
    proportion_test,
    share_percent,
    welch_test,
)
from portal.metrics.wording import comparison_sentence
from portal.model import DatasetConfig


def check_metric(metric: str | None, data: Responses) -> str | None:
    """Return the metric to test (the headline one when None); raise InputError for an unknown or unmapped one."""
    if metric is None:
        return next((m for m in METRICS if m in data.mapped), None)
    if metric not in METRICS:
        raise InputError(f"'{metric}' is not a KPI. Choose one of: {', '.join(METRICS)}.")
    if metric not in data.mapped:
        raise InputError(f"This dataset has no {METRIC_LABELS[metric]} scores. Choose another KPI.")
    return metric


def _add_tests(table: pd.DataFrame, other: pd.DataFrame, data: Responses, metric: str | None,
               min_n: int) -> pd.DataFrame:
    """Add per-metric and headline comparison columns of ``table`` against ``other`` (row by row)."""
    out = table.copy()
    centre = data.rating_centre
    for m in METRICS:
        if m not in data.mapped:
            continue
        n1, n2 = out[COUNT_COLUMNS[m]].to_numpy(float), other[COUNT_COLUMNS[m]].to_numpy(float)
        if m == "nps":
            p = nps_test(out["promoters"], out["detractors"], n1, other["promoters"], other["detractors"], n2)
        elif m in PROPORTIONS:
            p = proportion_test(out[PROPORTIONS[m]], n1, other[PROPORTIONS[m]], n2)
        else:
            m2, s2 = mean_sd(centre, other["_rating_s1"].to_numpy(float), other["_rating_s2"].to_numpy(float), n2)
            p = welch_test(out["rating_mean"], out["_rating_sd"], n1, m2, s2, n2)
        p = np.atleast_1d(as_floats(p))
        low = n1 < min_n
        adjusted = bh_adjust(p)
        out[f"{m}_other"] = other[ESTIMATE_COLUMNS[m]].to_numpy(float)
        out[f"{m}_difference"] = out[ESTIMATE_COLUMNS[m]].to_numpy(float) - out[f"{m}_other"]
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


def kpis(data: Responses) -> pd.DataFrame:
    """Return a one-row table with the KPIs of all responses in ``data``."""
    return public(aggregate(data, None, 1, monotone=True))


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
    return codes, [plain(v) for v in labels]


def kpis_by(data: Responses, by: str | Sequence[str], *, metric: str | None = None,
            min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Return one row per value of ``by`` (or per combination of several columns) compared with all others.

    Columns: ``value`` (a tuple for several columns), the KPIs, per-KPI ``<kpi>_other``/``_difference``/
    ``_p_value``/``_p_adjusted``/``_significant``/``_low_sample``, and the headline test's ``difference``,
    ``p_value``, ``p_adjusted``, ``significant``, ``low_sample`` (``metric``, default NPS, else CSAT, else
    rating, else recommend). Values without responses are left out. Raises ``InputError`` for an unknown column or KPI.
    """
    metric = check_metric(metric, data)
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
    table = aggregate(data, g, len(labels))
    table.insert(0, "value", pd.Series([lab[0] if len(columns) == 1 else lab for lab in labels], dtype=object))
    table = table[table["n"] > 0].reset_index(drop=True)
    return public(_add_tests(table, _rest(table, data.rating_centre), data, metric, min_n))


def _rest(table: pd.DataFrame, centre: float) -> pd.DataFrame:
    """Return, for each group, the sums and estimates of every other response (the groups cover them all)."""
    sums = [*SUMMED_COLUMNS, "_rating_s1", "_rating_s2"]
    rest = pd.DataFrame({c: table[c].to_numpy(float).sum() - table[c].to_numpy(float) for c in sums})
    rest["nps"] = nps_score(rest["promoters"], rest["detractors"], rest["nps_n"])
    for m, hits in PROPORTIONS.items():
        rest[m] = share_percent(rest[hits].to_numpy(), rest[COUNT_COLUMNS[m]].to_numpy())
    rest["rating_mean"], _ = mean_sd(centre, rest["_rating_s1"].to_numpy(), rest["_rating_s2"].to_numpy(),
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
    starts = pd.date_range(start, epoch + pd.Timedelta(days=data.last_day), freq=PERIOD_FREQUENCIES[period])
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
    metric = check_metric(metric, data)
    gg, starts = _period_codes(data, period)
    table = aggregate(data, gg, len(starts), monotone=True)
    table.insert(0, "period", starts)
    previous = table.drop(columns="period").shift(1).fillna({c: 0 for c in SUMMED_COLUMNS})
    return public(_add_tests(table, previous, data, metric, min_n))


def period_starts(first: Any, last: Any, period: str) -> list[pd.Timestamp]:
    """Return the start of every week, month or quarter from the one containing ``first`` to ``last``."""
    return list(pd.date_range(period_start(first, period), last, freq=PERIOD_FREQUENCIES[period]))


def period_end(start: Any, period: str) -> pd.Timestamp:
    """Return the last day of the period starting on ``start``."""
    following = pd.date_range(start, periods=2, freq=PERIOD_FREQUENCIES[period])[1]
    return following - pd.Timedelta(days=1)


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
    both = aggregate(data, gg, 2)
    tested = _add_tests(both.iloc[[1]].reset_index(drop=True), both.iloc[[0]].reset_index(drop=True), data,
                        None, min_n)
    rows = [_side_by_side(m, both, tested) for m in METRICS if m in data.mapped]
    table = pd.DataFrame(rows, columns=[
        "metric", "label", "first", "first_ci_low", "first_ci_high", "first_n", "second", "second_ci_low",
        "second_ci_high", "second_n", "difference", "p_value"])
    table["p_adjusted"] = bh_adjust(table["p_value"].to_numpy(float)) if len(table) else []
    low = (table["first_n"] < min_n) | (table["second_n"] < min_n)
    table["low_sample"] = low.astype(bool)
    table["significant"] = (table["p_adjusted"] < ALPHA) & ~table["low_sample"]
    table["sentence"] = [
        comparison_sentence(r, against, min_n, scale=config.rating_scale) for r in table.to_dict(orient="records")
    ]
    return table


def _side_by_side(m: str, both: pd.DataFrame, tested: pd.DataFrame) -> dict[str, Any]:
    """Return one KPI's row of ``compare_selections`` before the adjustment (row 0 first, row 1 second)."""
    est, count = ESTIMATE_COLUMNS[m], COUNT_COLUMNS[m]
    return {
        "metric": m,
        "label": METRIC_LABELS[m],
        "first": float(both[est].iloc[0]),
        "first_ci_low": float(both[f"{m}_ci_low"].iloc[0]),
        "first_ci_high": float(both[f"{m}_ci_high"].iloc[0]),
        "first_n": int(both[count].iloc[0]),
        "second": float(both[est].iloc[1]),
        "second_ci_low": float(both[f"{m}_ci_low"].iloc[1]),
        "second_ci_high": float(both[f"{m}_ci_high"].iloc[1]),
        "second_n": int(both[count].iloc[1]),
        "difference": float(tested[f"{m}_difference"].iloc[0]),
        "p_value": float(tested[f"{m}_p_value"].iloc[0]),
    }
