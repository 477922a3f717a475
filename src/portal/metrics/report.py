"""The ``portal kpis`` report: KPIs overall, per group and per period, as JSON records or one flat table."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from portal.metrics.aggregate import prepare
from portal.metrics.definitions import COMPARISON_KEYS, DEFAULT_MIN_N, INT_KEYS, INTERVAL_KEYS, KPI_KEYS
from portal.metrics.stats import plain
from portal.metrics.tables import check_metric, kpis, kpis_by, kpis_by_period
from portal.model import DatasetConfig


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
    metric = check_metric(metric, data)
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
    return plain(value) if not (isinstance(value, float) and math.isnan(value)) else None


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
                rec[key] = _number(row.get(key), key in INT_KEYS)
        if has_tests:
            rec["p_value"] = _number(row["p_value"], False)
            rec["p_adjusted"] = _number(row["p_adjusted"], False)
            rec["significant"] = bool(row["significant"])
            rec["low_sample"] = bool(row["low_sample"])
        records.append(rec)
    return records


def export_groups(table: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Return a ``kpis_by`` table for download: one column per group column (``labels``), then every key of
    ``portal kpis`` (intervals as ``_low`` and ``_high``) and the comparison with the rest, unrounded."""
    rows = []
    for record in to_records(table):
        value = record.pop("value")
        values = value if isinstance(value, list) else [value]
        row: dict[str, Any] = dict(zip(labels, values, strict=True))
        for key, item in record.items():
            if isinstance(item, list):
                row[f"{key}_low"], row[f"{key}_high"] = item
            else:
                row[key] = item
        rows.append(row)
    return pd.DataFrame(rows)
