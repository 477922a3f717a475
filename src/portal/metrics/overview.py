"""The Overview: one tile per KPI with its latest change, the trend, the segment values that differ most from
the rest and the revenue at risk. Pages only format what ``overview`` returns."""

from __future__ import annotations

from collections.abc import Mapping as MappingT
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date
from typing import Any

import numpy as np
import pandas as pd

from portal.metrics.aggregate import aggregate, prepare, public
from portal.metrics.definitions import (
    COUNT_COLUMNS,
    DEFAULT_MIN_N,
    DEFINITIONS,
    ESTIMATE_COLUMNS,
    METRIC_LABELS,
    METRICS,
)
from portal.metrics.responses import Responses
from portal.metrics.select import segment_columns
from portal.metrics.stats import number_or_none
from portal.metrics.tables import check_metric, kpis_by, kpis_by_period, period_label
from portal.metrics.wording import (
    date_span,
    describe,
    describe_change,
    describe_difference,
    describe_revenue_at_risk,
    format_change,
    format_interval,
    format_money,
    is_finite,
)
from portal.model import DatasetConfig
from portal.numbers import plural


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
    scale: tuple[int, int] = (1, 5)


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
    currency: str = ""


def _change(metric: str, trend: pd.DataFrame, period: str | None, scale: tuple[int, int]) -> Change:
    """Return the change of ``metric`` from the trend's second-last period to its last one."""
    last, prev = trend.iloc[-1], trend.iloc[-2]
    diff = number_or_none(last, f"{metric}_difference")
    significant = bool(last[f"{metric}_significant"])
    word = period or "month"
    label, previous_label = period_label(last["period"], word), period_label(prev["period"], word)
    return Change(
        period=pd.Timestamp(last["period"]), previous=pd.Timestamp(prev["period"]), label=label,
        previous_label=previous_label, value=number_or_none(last, ESTIMATE_COLUMNS[metric]),
        previous_value=number_or_none(prev, ESTIMATE_COLUMNS[metric]), difference=diff,
        p_value=number_or_none(last, f"{metric}_p_value"), p_adjusted=number_or_none(last, f"{metric}_p_adjusted"),
        significant=significant, low_sample=bool(last[f"{metric}_low_sample"]),
        sentence=f"{label}: " + describe_change(metric, diff, significant, against=previous_label, scale=scale),
    )


def _tile(metric: str, overall: MappingT[str, Any], trend: pd.DataFrame | None, config: DatasetConfig,
          period: str | None, min_n: int) -> Tile:
    """Return the tile of one KPI."""
    est, n = number_or_none(overall, ESTIMATE_COLUMNS[metric]), int(overall[COUNT_COLUMNS[metric]])
    low, high = number_or_none(overall, f"{metric}_ci_low"), number_or_none(overall, f"{metric}_ci_high")
    change = _change(metric, trend, period, config.rating_scale) if trend is not None and len(trend) >= 2 else None
    return Tile(
        metric=metric, label=METRIC_LABELS[metric], value=est,
        ci=(low, high) if low is not None and high is not None else None, n=n, low_sample=n < min_n,
        sentence=describe(metric, overall, config, min_n=min_n), help=DEFINITIONS[metric], change=change,
        scale=config.rating_scale,
    )


def tile_detail(tile: Tile) -> str:
    """Return the words under a tile's sentence: its interval and whether the latest change is real ("" if none)."""
    detail = []
    interval = format_interval(tile.metric, *(tile.ci or (None, None)))
    if interval and interval not in tile.sentence:  # a sentence that states its interval is not repeated
        detail.append(f"95% interval {interval}.")
    change = tile.change
    if change is not None and change.difference is not None and is_finite(change.difference):
        verdict = "A real change" if change.significant else "No real change"
        detail.append(f"{verdict} since {change.previous_label}.")
    return " ".join(detail)


def tile_delta(tile: Tile) -> str | None:
    """Return a tile's latest change when it is real, e.g. "+6 points vs April 2026" (None otherwise)."""
    change = tile.change
    if change is None or not change.significant or change.difference is None:
        return None
    return f"{format_change(tile.metric, change.difference, scale=tile.scale)} vs {change.previous_label}"


def top_differences(data: Responses, columns: Sequence[str], *, metric: str | None = None,
                    min_n: int = DEFAULT_MIN_N, limit: int = 5) -> tuple[SegmentDifference, ...]:
    """Return the significant segment values that differ most from the rest, largest difference first."""
    metric = check_metric(metric, data)
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
                column=column, value=row["value"], metric=metric, estimate=float(row[ESTIMATE_COLUMNS[metric]]),
                rest=float(row[f"{metric}_other"]), difference=float(row["difference"]),
                ci=(float(low), float(high)) if np.isfinite(low) and np.isfinite(high) else None,
                n=int(row[COUNT_COLUMNS[metric]]), p_adjusted=float(row["p_adjusted"]),
                sentence=describe_difference(metric, column, row["value"], float(row[ESTIMATE_COLUMNS[metric]]),
                                             float(row["difference"]), int(row[COUNT_COLUMNS[metric]]),
                                             scale=data.config.rating_scale),
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
    metric = check_metric(None, data)
    overall = public(aggregate(data, None, 1, monotone=True)).iloc[0].to_dict()
    trend = kpis_by_period(data, period, min_n=min_n) if period and data.last_day >= data.first_day else None
    tiles = tuple(_tile(m, overall, trend, config, period, min_n) for m in METRICS if m in data.mapped)
    differences = top_differences(data, segment_columns(frame, config), min_n=min_n, limit=limit)
    total, risk, share, sentence = _revenue_at_risk(data, overall)
    customers = number_or_none(overall, "customers")
    return Overview(
        n=data.n, metric=metric, tiles=tiles, period=period if trend is not None else None, trend=trend,
        differences=differences, customers=int(customers) if customers is not None else None,
        revenue_total=total, revenue_at_risk=risk, revenue_at_risk_share=share, revenue_sentence=sentence,
        currency=config.currency,
    )


def _revenue_at_risk(data: Responses, overall: MappingT[str, Any]) -> tuple[Any, Any, Any, str | None]:
    """Return total revenue, revenue at risk, its share and the sentence saying so (None where there is none)."""
    if data.value is None:
        return None, None, None, None
    total = data.total_revenue
    risk = number_or_none(overall, "revenue_at_risk")
    if risk is None or not total > 0:
        return total, risk, None, None
    return total, risk, risk / total, describe_revenue_at_risk(risk, total, data.customers is not None,
                                                               data.config.currency)


@dataclass(frozen=True)
class PlainTile:
    """A tile with a figure and a line of words: revenue at risk, customers or responses."""

    label: str
    value: str
    caption: str
    help: str | None = None


def plain_tiles(view: Overview, first: Date | None, last: Date | None, *, room: int) -> list[PlainTile]:
    """Return the tiles after the KPI tiles: revenue at risk, then customers or responses while there is ``room``.

    ``room`` is how many tiles fit in all; ``first`` and ``last`` are the selection's first and last day.
    """
    out = []
    if view.revenue_at_risk is not None:
        out.append(PlainTile("Revenue at risk", format_money(view.revenue_at_risk, view.currency),
                             view.revenue_sentence or "No detractors in this selection.", DEFINITIONS["value"]))
    if len(view.tiles) + len(out) >= room:
        return out
    if view.customers is not None:
        out.append(PlainTile("Customers", f"{view.customers:,}",
                             f"They gave {plural(view.n, 'response')}. Revenue at risk counts each customer once.",
                             DEFINITIONS["customers"]))
    else:
        span = f"Dated {date_span(first, last)}." if first and last else "The dataset has no dates."
        out.append(PlainTile("Responses", f"{view.n:,}", span))
    return out


def coverage_line(name: str, view: Overview, first: Date | None, last: Date | None, where: str) -> str:
    """Return what the figures cover, e.g. "Acme: 6,000 responses from 900 customers, 1 Jan 2026 to ... ."."""
    span = f", {date_span(first, last)}" if first and last else ""
    who = f" from {plural(view.customers, 'customer')}" if view.customers is not None else ""
    words = f"{name}: {plural(view.n, 'response')}{who}{span}."
    return words + (f" Filtered to {where}." if where else "")
