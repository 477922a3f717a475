"""Chart specs: period axes tick once per period of the data, and the heat-map's two colour meanings stay apart.

What a spec does in the browser is tested in tests/e2e/test_browser_charts.py; these pin the spec itself.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from portal import metrics
from portal.metrics import STATUSES
from portal.ui import kpi, theme_charts


def kpi_trend(starts: list[pd.Timestamp]) -> pd.DataFrame:
    """Return a ``kpis_by_period``-like NPS table with one row per period start."""
    n = len(starts)
    return pd.DataFrame({
        "period": starts,
        metrics.estimate_column("nps"): [20.0 + i for i in range(n)],
        "nps_ci_low": [10.0 + i for i in range(n)],
        "nps_ci_high": [30.0 + i for i in range(n)],
        metrics.count_column("nps"): [100] * n,
        "nps_significant": [False] * n,
    })


def time_axis(spec: dict[str, Any]) -> dict[str, Any]:
    """Return the x axis of the first layer that draws the ``period`` field."""
    return next(layer["encoding"]["x"]["axis"] for layer in spec["layer"] if layer["encoding"]["x"]["field"] == "period")


def ticks(axis: dict[str, Any]) -> list[tuple[int, int, int]]:
    """Return the axis's tick values as (year, month, day)."""
    return [(v["year"], v["month"], v["date"]) for v in axis["values"]]


HALF_YEAR = [(2026, m, 1) for m in range(1, 7)]


def test_a_monthly_trend_ticks_each_month_of_the_data_once():
    # January to June 2026: Vega's own ticks were weekly here ("Jan, Feb, Mar, Mar, Apr, May", no June).
    starts = metrics.period_starts("2026-01-01", "2026-06-30", "month")
    axis = time_axis(kpi.trend_chart(kpi_trend(starts), "nps", "month").to_dict())
    assert ticks(axis) == HALF_YEAR
    assert axis["labelExpr"] == kpi.PERIOD_TICK_LABELS["month"] and axis["format"] == "%b %Y"
    assert axis["labelOverlap"] is True and axis["labelFlush"] is False


@pytest.mark.parametrize(("period", "first", "last", "expected"), [
    ("week", "2026-03-02", "2026-03-29", [(2026, 3, 2), (2026, 3, 9), (2026, 3, 16), (2026, 3, 23)]),
    ("quarter", "2025-11-15", "2026-06-30", [(2025, 10, 1), (2026, 1, 1), (2026, 4, 1)]),
])
def test_weekly_and_quarterly_trends_tick_each_period_once(period, first, last, expected):
    starts = metrics.period_starts(first, last, period)
    axis = time_axis(kpi.trend_chart(kpi_trend(starts), "nps", period).to_dict())
    assert ticks(axis) == expected
    assert axis["labelExpr"] == kpi.PERIOD_TICK_LABELS[period]


def test_ticks_are_calendar_dates_in_order_without_repeats():
    starts = [pd.Timestamp("2026-02-01"), pd.Timestamp("2026-01-01"), pd.Timestamp("2026-02-01")]
    assert ticks(kpi.period_axis(starts, "month").to_dict()) == [(2026, 1, 1), (2026, 2, 1)]


def test_the_theme_trend_ticks_each_month_of_the_data_once():
    starts = metrics.period_starts("2026-01-01", "2026-06-30", "month")
    shares = pd.DataFrame({"period": starts, "share": [0.1] * 6, "n": [5] * 6, "comments": [50] * 6})
    spec = theme_charts.trend_chart(shares, "month").to_dict()
    x = spec["encoding"]["x"] if "encoding" in spec else spec["layer"][0]["encoding"]["x"]
    assert ticks(x["axis"]) == HALF_YEAR
    assert x["axis"]["labelExpr"] == kpi.PERIOD_TICK_LABELS["month"]


def test_the_heat_map_keeps_the_figure_colours_apart_from_the_text_colours():
    # One shared colour scale for the cells' figures and the text's literal colours (scale: null) makes
    # Vega-Lite fail in the browser: the heat-map drew nothing.
    cells = pd.DataFrame({
        "value": ["Free", "Free", "Pro", "Pro"], "value_2": ["EMEA", "APAC", "EMEA", "APAC"],
        "estimate": [30.0, -3.0, 32.0, 15.0], "low": [20.0, -10.0, 25.0, 5.0], "high": [40.0, 5.0, 40.0, 25.0],
        "n": [150, 120, 200, 20], "status": [STATUSES[2], STATUSES[1], STATUSES[0], STATUSES[3]],
    })
    spec = kpi.heatmap_chart(cells, "nps", 25.0, "Plan", "Region").to_dict()
    assert spec["resolve"] == {"scale": {"color": "independent"}}
    rect, text = spec["layer"]
    assert rect["encoding"]["color"]["field"] == "estimate" and text["encoding"]["color"]["scale"] is None
    assert spec["params"][0]["select"]["fields"] == ["value", "value_2"]
