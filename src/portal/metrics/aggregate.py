"""Counting: one row of KPIs per group from a handful of ``np.bincount`` calls over the row codes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from portal.metrics.definitions import METRICS, MIN_INTERVAL_N
from portal.metrics.responses import (
    CSAT_CATS,
    DETRACTOR,
    NPS_CATS,
    PASSIVE,
    PROMOTER,
    RECOMMEND_CATS,
    CustomerIndex,
    Responses,
    code_responses,
)
from portal.metrics.stats import (
    bounded_mean_interval,
    mean_sd,
    nps_interval,
    nps_score,
    share_percent,
    wilson_interval,
)
from portal.model import DatasetConfig

_MAX_JOINT_BINS = 1 << 22  # above this, per-KPI bincounts instead of one joint bincount


def _last_of_runs(codes: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    """Return the positions where a run of equal (group, customer) ends."""
    last = np.ones(codes.size, bool)
    last[:-1] = codes[1:] != codes[:-1]
    if groups is not None:
        last[:-1] |= groups[1:] != groups[:-1]
    return np.flatnonzero(last)


def _latest_answers(cust: CustomerIndex, gg: np.ndarray | None, n_groups: int,
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


def aggregate(data: Responses, gg: np.ndarray | None, n_groups: int, *, monotone: bool = False) -> pd.DataFrame:
    """Return one row of KPIs per group code 0..n_groups-1; code ``n_groups`` marks rows left out.

    ``gg`` None puts every response in one group. Hidden columns starting with ``_`` carry the sums the
    significance tests need.
    """
    nps_counts, csat_counts, recommend_counts, rating_counts, value_by_cat = _category_counts(data, gg, n_groups)
    promoters, passives, detractors = nps_counts[:, PROMOTER], nps_counts[:, PASSIVE], nps_counts[:, DETRACTOR]
    nps_n = promoters + passives + detractors
    csat_top = csat_counts[:, 2]
    csat_n = csat_counts[:, 1] + csat_top
    recommend_yes = recommend_counts[:, 2]
    recommend_n = recommend_counts[:, 1] + recommend_yes
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
    out["csat"] = share_percent(csat_top, csat_n)
    out["csat_ci_low"], out["csat_ci_high"] = wilson_interval(csat_top, csat_n)
    s1, s2 = _rating_sums(data, gg, n_groups, rating_counts)
    mean, sd = mean_sd(data.rating_centre, s1, s2, rating_n)
    out["rating_mean"] = mean
    out["rating_ci_low"], out["rating_ci_high"] = bounded_mean_interval(mean, sd, rating_n, *data.config.rating_scale)
    out["recommend_n"] = recommend_n
    out["recommend"] = share_percent(recommend_yes, recommend_n)
    out["recommend_ci_low"], out["recommend_ci_high"] = wilson_interval(recommend_yes, recommend_n)
    _drop_small_intervals(out)
    _value_columns(data, out, gg, n_groups, monotone, value_by_cat)
    out["_csat_top"] = csat_top
    out["_recommend_yes"] = recommend_yes
    out["_rating_s1"], out["_rating_s2"], out["_rating_sd"] = s1, s2, sd
    return pd.DataFrame(out)


def _drop_small_intervals(out: dict[str, Any]) -> None:
    """Blank every interval of a KPI carried by fewer than ``MIN_INTERVAL_N`` responses (NaN, null in JSON)."""
    for metric in METRICS:
        few = np.asarray(out[f"{metric}_n"]) < MIN_INTERVAL_N
        for side in ("low", "high"):
            out[f"{metric}_ci_{side}"] = np.where(few, np.nan, out[f"{metric}_ci_{side}"])


def _category_counts(data: Responses, gg: np.ndarray | None,
                     n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Return per-group counts of the NPS, CSAT, recommend and rating codes, and the value per NPS category.

    One joint bincount over the packed row codes when the table is small enough, else one per KPI (then the
    value per category is left for ``_value_columns`` to count).
    """
    size = n_groups + 1
    width = data.rating_width
    combos = NPS_CATS * CSAT_CATS * RECOMMEND_CATS * width
    if size * combos > _MAX_JOINT_BINS:
        return (_bincount(gg, NPS_CATS, data.nps_cat, size)[:n_groups],
                _bincount(gg, CSAT_CATS, data.csat_cat, size)[:n_groups],
                _bincount(gg, RECOMMEND_CATS, data.recommend_cat, size)[:n_groups],
                _bincount(gg, width, data.rating_code, size)[:n_groups], None)
    key = data.rowcode if gg is None else _key(gg, combos, data.rowcode)
    joint = np.bincount(key, minlength=size * combos)[: size * combos]
    joint = joint.reshape(size, NPS_CATS, CSAT_CATS, RECOMMEND_CATS, width)[:n_groups]
    value_by_cat = None
    if data.value is not None:
        weighted = np.bincount(key, weights=data.value, minlength=size * combos)[: size * combos]
        value_by_cat = weighted.reshape(size, NPS_CATS, -1)[:n_groups].sum(axis=2)
    return (joint.sum(axis=(2, 3, 4)), joint.sum(axis=(1, 3, 4)), joint.sum(axis=(1, 2, 4)),
            joint.sum(axis=(1, 2, 3)), value_by_cat)


def _rating_sums(data: Responses, gg: np.ndarray | None, n_groups: int,
                 rating_counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return per group the sums of rating deviations from the centre and of their squares."""
    if data.rating_levels is not None:
        dev = data.rating_levels - data.rating_centre
        return rating_counts[:, 1:] @ dev, rating_counts[:, 1:] @ (dev * dev)
    dev = data.rating_dev
    if gg is None:
        return np.array([dev.sum()]), np.array([(dev * dev).sum()])
    size = n_groups + 1
    return (np.bincount(gg, weights=dev, minlength=size)[:n_groups],
            np.bincount(gg, weights=dev * dev, minlength=size)[:n_groups])


def _value_columns(data: Responses, out: dict[str, Any], gg: np.ndarray | None, n_groups: int,
                   monotone: bool, by_cat: np.ndarray | None) -> None:
    """Add customers, customer NPS, value-weighted NPS, revenue at risk and revenue share to ``out``.

    ``by_cat`` holds the value summed per group and NPS category when the caller already has it.
    """
    nan = np.full(n_groups, np.nan)
    out["customers"] = np.zeros(n_groups) if "customer" in data.mapped else nan
    out["customer_nps"] = nan
    out["value_weighted_nps"] = nan
    revenue = risk = nan
    if data.value is not None:
        revenue, risk = _value_weighted(data, out, gg, n_groups, by_cat)
    if data.customers is not None and "customer" in data.mapped:
        revenue, risk = _per_customer(data, data.customers, out, gg, n_groups, monotone, revenue, risk)
    out["revenue_at_risk"] = risk
    total = data.total_revenue
    out["revenue_share"] = revenue / total if data.value is not None and total and total > 0 else nan
    out["_revenue"] = revenue


def _value_weighted(data: Responses, out: dict[str, Any], gg: np.ndarray | None, n_groups: int,
                    by_cat: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Add value-weighted NPS to ``out``; return each group's revenue and revenue at risk (per response)."""
    if by_cat is None:
        by_cat = _bincount(gg, NPS_CATS, data.nps_cat, n_groups + 1, weights=data.value)[:n_groups]
    risk = np.full(n_groups, np.nan)
    if "nps" in data.mapped:
        scored = by_cat[:, 1:].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out["value_weighted_nps"] = np.where(
                scored > 0, 100.0 * (by_cat[:, PROMOTER] - by_cat[:, DETRACTOR]) / scored, np.nan)
        risk = np.where(out["nps_n"] > 0, by_cat[:, DETRACTOR], np.nan)
    return by_cat.sum(axis=1), risk


def _per_customer(data: Responses, cust: CustomerIndex, out: dict[str, Any], gg: np.ndarray | None,
                  n_groups: int, monotone: bool, revenue: np.ndarray,
                  risk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Add customers and customer NPS to ``out``; return revenue and revenue at risk counting each customer once.

    Each customer counts once per group (their latest answer); responses without a customer count as is.
    """
    size = n_groups + 1
    value = data.value
    rows, groups, rows_s, groups_s = _latest_answers(cust, gg, n_groups, monotone)
    out["customers"] = np.bincount(groups, minlength=n_groups)[:n_groups].astype(float)
    anon = cust.anonymous
    anon_groups = np.zeros(anon.size, np.intp) if gg is None else gg[anon]
    if value is not None:
        revenue = (np.bincount(groups, weights=value[rows], minlength=size)[:n_groups]
                   + np.bincount(anon_groups, weights=value[anon], minlength=size)[:n_groups])
    if "nps" in data.mapped:
        cats = data.nps_cat[rows_s]
        per = _bincount(groups_s, NPS_CATS, cats, n_groups)
        answered = per[:, 1:].sum(axis=1)
        out["customer_nps"] = nps_score(per[:, PROMOTER], per[:, DETRACTOR], answered)
        if value is not None:
            lost = (np.bincount(groups_s, weights=value[rows_s] * (cats == DETRACTOR), minlength=size)
                    + np.bincount(anon_groups, weights=value[anon] * (data.nps_cat[anon] == DETRACTOR),
                                  minlength=size))[:n_groups]
            risk = np.where(out["nps_n"] > 0, lost, np.nan)
    return revenue, risk


def public(table: pd.DataFrame) -> pd.DataFrame:
    """Return the table without its hidden working columns."""
    return table.drop(columns=[c for c in table.columns if c.startswith("_")])


def prepare(frame: pd.DataFrame, config: DatasetConfig) -> Responses:
    """Return the frame's row codes for fast KPIs; columns the config does not map count as empty."""
    data = code_responses(frame, config)
    if data.value is None:
        return data
    if data.customers is None:
        total = float(data.value.sum())
    else:
        total = float(aggregate(data, None, 1, monotone=True)["_revenue"].iloc[0])
    return replace(data, total_revenue=total)
