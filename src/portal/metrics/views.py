"""Small per-KPI tables the pages chart and list: a KPI's trend and its groups with their verdicts."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from portal.metrics.definitions import STATUSES, count_column, estimate_column
from portal.metrics.tables import period_label
from portal.metrics.wording import format_change, format_value, is_finite

#: Label of missing values in charts and tables (they cannot be filtered on).
MISSING_LABEL = "(no value)"


def trend_frame(trend: pd.DataFrame, metric: str, period: str) -> pd.DataFrame:
    """Return the trend of one KPI as a small chart table: period, label, estimate, low, high, n, real change."""
    out = pd.DataFrame({
        "period": pd.to_datetime(trend["period"]).astype("datetime64[ms]"),
        "label": [period_label(p, period) for p in trend["period"]],
        "estimate": trend[estimate_column(metric)].astype(float),
        "low": trend[f"{metric}_ci_low"].astype(float),
        "high": trend[f"{metric}_ci_high"].astype(float),
        "n": trend[count_column(metric)].astype(int),
        "real_change": trend[f"{metric}_significant"].astype(bool),
    })
    out["change"] = np.where(out["real_change"], "A real change from the period before", "")
    return out


def status_of(row: Mapping[str, Any], metric: str) -> str:
    """Return how a group compares with the rest: higher, lower, no real difference or too few responses."""
    if bool(row[f"{metric}_low_sample"]):
        return STATUSES[3]
    if bool(row[f"{metric}_significant"]):
        return STATUSES[0] if float(row[f"{metric}_difference"]) > 0 else STATUSES[1]
    return STATUSES[2]


def group_label(value: Any) -> str:
    """Return a group's label on screen (missing values get a label of their own)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_LABEL
    return str(value)


def group_frame(table: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Return a ``kpis_by`` table as a display table for one KPI, largest difference first.

    Columns: ``value`` (label), ``estimate``, ``low``, ``high``, ``n``, ``rest``, ``difference``,
    ``p_adjusted``, ``status``; for two columns also ``value_2``.
    """
    values = list(table["value"])
    two = bool(values) and isinstance(values[0], tuple)
    out = pd.DataFrame({
        "value": [group_label(v[0] if two else v) for v in values],
        "estimate": table[estimate_column(metric)].astype(float).to_numpy(),
        "low": table[f"{metric}_ci_low"].astype(float).to_numpy(),
        "high": table[f"{metric}_ci_high"].astype(float).to_numpy(),
        "n": table[count_column(metric)].astype(int).to_numpy(),
        "rest": table[f"{metric}_other"].astype(float).to_numpy(),
        "difference": table[f"{metric}_difference"].astype(float).to_numpy(),
        "p_adjusted": table[f"{metric}_p_adjusted"].astype(float).to_numpy(),
        "status": [status_of(r, metric) for r in table.to_dict(orient="records")],
    })
    if two:
        out.insert(1, "value_2", [group_label(v[1]) for v in values])
    out = out[out["n"] > 0]
    return out.sort_values("difference", ascending=False, kind="stable", na_position="last").reset_index(drop=True)


def before_after_frame(table: pd.DataFrame, *, scale: tuple[int, int]) -> pd.DataFrame:
    """Return a ``compare_selections`` table for reading: KPI, before, after, change and whether it is real.

    ``scale`` is the dataset's rating scale (a change on a 1-5 rating is in stars, on any other in points).
    """
    kpi, differences = table["metric"], table["difference"]
    return pd.DataFrame({
        "KPI": table["label"],
        "Before": [format_value(m, x) for m, x in zip(kpi, table["first"], strict=True)],
        "After": [format_value(m, x) for m, x in zip(kpi, table["second"], strict=True)],
        "Change": [format_change(m, x, scale=scale) if is_finite(x) else "–"
                   for m, x in zip(kpi, differences, strict=True)],
        "Real change?": ["yes" if s else "no" for s in table["significant"]],
    })


def largest_groups(groups: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Return the ``limit`` groups with the most responses of a ``group_frame``, in their order."""
    if len(groups) <= limit:
        return groups
    return groups.loc[sorted(groups.nlargest(limit, "n").index)]


def largest_cells(cells: pd.DataFrame, limit: int) -> tuple[pd.DataFrame, list[str]]:
    """Return the cells of a two-column ``group_frame`` among the ``limit`` largest values of each column, and
    which fields (``value``, ``value_2``) had more values than that."""
    trimmed = []
    for field in ("value", "value_2"):
        sizes = cells.groupby(field)["n"].sum()
        if len(sizes) > limit:
            cells = cells[cells[field].isin(set(sizes.nlargest(limit).index))]
            trimmed.append(field)
    return cells, trimmed
