"""Chart specs: period axes tick once per period of the data, and the heat-map's two colour meanings stay apart.

What a spec does in the browser is tested in tests/e2e/test_browser_charts.py; these pin the spec itself.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from portal import metrics
from portal.metrics import STATUSES
from portal.ui import kpi, palette, theme_charts


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


def test_a_long_monthly_trend_ticks_each_january_so_every_label_has_its_year():
    # The BA reviews run from March 2016 to October 2023 (92 months): thinning by overlap kept "Mar 2016, Nov,
    # Jul, Mar, ..." and hid every January, so no label after the first said its year.
    starts = metrics.period_starts("2016-03-23", "2023-10-03", "month")
    assert ticks(kpi.period_axis(starts, "month").to_dict()) == [(y, 1, 1) for y in range(2017, 2024)]


@pytest.mark.parametrize(("first", "last", "expected"), [
    # 18 months: every second month, counted from January, so January 2026 is a tick
    ("2025-05-01", "2026-10-31", [(2025, 5, 1), (2025, 7, 1), (2025, 9, 1), (2025, 11, 1), (2026, 1, 1),
                                  (2026, 3, 1), (2026, 5, 1), (2026, 7, 1), (2026, 9, 1)]),
    # 30 months: quarters' first months
    ("2024-01-01", "2026-06-30", [(y, m, 1) for y in (2024, 2025) for m in (1, 4, 7, 10)] + [(2026, 1, 1),
                                                                                             (2026, 4, 1)]),
])
def test_a_crowded_monthly_axis_keeps_calendar_steps_that_include_january(first, last, expected):
    starts = metrics.period_starts(first, last, "month")
    assert ticks(kpi.period_axis(starts, "month").to_dict()) == expected


def test_a_long_weekly_trend_ticks_the_first_week_of_months_and_names_the_year_in_january():
    starts = metrics.period_starts("2025-09-01", "2026-04-30", "week")  # 35 weeks
    got = ticks(kpi.period_axis(starts, "week").to_dict())
    assert got == [(2025, 9, 1), (2025, 10, 6), (2025, 11, 3), (2025, 12, 1), (2026, 1, 5), (2026, 2, 2),
                   (2026, 3, 2), (2026, 4, 6)]
    assert "month(datum.value) == 0 && date(datum.value) <= 7" in kpi.PERIOD_TICK_LABELS["week"]


def test_quarters_and_decades_stay_within_twelve_ticks():
    quarters = metrics.period_starts("2021-01-01", "2025-12-31", "quarter")  # 20 quarters: Q1 and Q3
    assert ticks(kpi.period_axis(quarters, "quarter").to_dict()) == [(y, m, 1) for y in range(2021, 2026) for m in (1, 7)]
    months = metrics.period_starts("2000-01-01", "2025-12-31", "month")  # 26 years: every third January
    got = ticks(kpi.period_axis(months, "month").to_dict())
    assert len(got) <= kpi.MAX_TICKS and all(m == 1 for _, m, _ in got)


@pytest.mark.parametrize("metric", ["nps", "csat", "rating", "recommend"])
def test_the_group_table_shows_figure_rest_and_difference_with_the_same_decimals(metric):
    # a rating of 4.36 beside a rest of 4.04 once read "4.4", "4.0" and "+0.32"
    formats = kpi.table_formats(metric)
    decimals = {column: pattern.removeprefix("%+").removeprefix("%") for column, pattern in formats.items()}
    assert len(set(decimals.values())) == 1, decimals
    assert formats["Rest"] % 4.04 == formats[kpi.short_label(metric)] % 4.04


@pytest.mark.parametrize(("metric", "overall", "estimates", "scale", "domain"), [
    # the neobank reviews' CSAT by app and sentiment: overall 65%, cells from 1% to 97%; the legend read 1 to 129
    ("csat", 65.0, [97.0, 1.0, 46.0], (1, 5), [1.0, 100.0]),
    ("nps", 26.0, [46.0, -3.0, 32.0], (1, 5), [-3.0, 55.0]),
    ("rating", 4.2, [5.1, 3.3, 1.0], (1, 10), [1.0, 7.4]),
    ("recommend", 10.0, [95.0, 2.0], (1, 5), [0.0, 95.0]),
])
def test_the_heat_map_colours_never_run_past_the_kpi_scale(metric, overall, estimates, scale, domain):
    n = len(estimates)
    cells = pd.DataFrame({"value": [f"r{i}" for i in range(n)], "value_2": ["c"] * n, "estimate": estimates,
                          "low": estimates, "high": estimates, "n": [100] * n, "status": [STATUSES[2]] * n})
    spec = kpi.heatmap_chart(cells, metric, overall, "Row", "Column", rating_scale=scale).to_dict()
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    lowest, highest = metrics.kpi_range(metric, scale)
    assert colour["domain"] == pytest.approx(domain)
    assert lowest <= colour["domain"][0] < colour["domain"][1] <= highest
    assert colour["domainMid"] == pytest.approx(overall)  # white stays at the overall figure


def test_heat_map_text_turns_white_on_the_dark_cells_of_a_scale_cut_at_its_end():
    # CSAT: overall 65%, colours full at 100% above and at 1% below; 97% is dark blue, so its text is white
    cells = pd.DataFrame({"value": ["a", "b", "c"], "value_2": ["x"] * 3, "estimate": [97.0, 1.0, 70.0],
                          "low": [90.0, 0.0, 60.0], "high": [99.0, 5.0, 80.0], "n": [100] * 3,
                          "status": [STATUSES[0], STATUSES[1], STATUSES[2]]})
    spec = kpi.heatmap_chart(cells, "csat", 65.0, "Row", "Column").to_dict()
    ink = dict(zip(*[[row[k] for row in spec["datasets"][next(iter(spec["datasets"]))]] for k in ("value", "ink")],
                   strict=True))
    assert ink == {"a": palette.LIGHT_INK, "b": palette.LIGHT_INK, "c": palette.DARK_INK}
