"""What the Themes page shows: chart rows per ranking, the theme table, coverage, periods and group verdicts."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from portal import metrics
from portal.model import DatasetConfig, Mapping
from portal.text.codeframe import UNCATEGORISED, Codeframe, Theme
from portal.text.theme_view import (
    NPS_COLUMNS,
    emerging_themes,
    finite,
    group_rows,
    group_verdict,
    pct,
    ranking_frame,
    rankings_for,
    shown_theme_rows,
    summarise_themes,
    theme_rows,
    trend_period,
)

CODEFRAME = Codeframe((Theme("t1", "fees", ("fee",)), Theme("t2", "support", ("support",))))


def test_ranking_frame_orders_and_bounds_every_ranking():
    table = pd.DataFrame({
        "theme": ["a", "b", UNCATEGORISED], "n": [30, 10, 5], "negative_share": [0.2, 0.6, 0.4],
        "nps_impact": [-4.0, 1.5, float("nan")], "nps_impact_low": [-6.0, 0.5, float("nan")],
        "nps_impact_high": [-2.0, 2.5, float("nan")],
    })
    volume = ranking_frame(table, "volume", 40)
    assert list(volume["theme"]) == ["a", "b", UNCATEGORISED] and volume["value"].iloc[0] == 75.0
    assert (volume["low"] < volume["value"]).all() and (volume["value"] < volume["high"]).all()
    assert list(ranking_frame(table, "negative", 40)["theme"]) == ["b", UNCATEGORISED, "a"]
    assert list(ranking_frame(table, "impact", 40)["theme"]) == ["a", "b"]  # no NPS impact: left out


def test_ranking_frame_labels_the_figures_and_refuses_an_unknown_ranking():
    table = pd.DataFrame({"theme": ["a", UNCATEGORISED], "n": [3, 1], "negative_share": [1 / 3, 0.0],
                          "nps_impact": [-2.25, 0.5], "nps_impact_low": [-3.0, 0.0], "nps_impact_high": [-1.0, 1.0]})
    assert list(ranking_frame(table, "volume", 4)["label"]) == ["3 (75%)", "1 (25%)"]
    assert ranking_frame(table, "negative", 4)["label"].iloc[0] == "33% of 3"
    assert list(ranking_frame(table, "volume", 900)["label"]) == ["3 (<1%)", "1 (<1%)"]  # never "3 (0%)"
    impact = ranking_frame(table, "impact", 4)
    assert list(impact["label"]) == ["-2.2 pts", "+0.5 pts"] and list(impact["uncategorised"]) == [False, True]
    with pytest.raises(ValueError, match="unknown ranking"):
        ranking_frame(table, "loudness", 4)


def test_rankings_offer_nps_impact_only_with_nps_scores():
    assert rankings_for(True) == ["volume", "negative", "impact"]
    assert rankings_for(False) == ["volume", "negative"]


def test_finite_and_pct_treat_missing_figures_alike():
    assert finite(1) and finite("2.5") and not finite(None) and not finite(float("nan")) and not finite("x")
    assert not finite(float("inf"))
    assert pct(0.125) == "12%" and pct(0.125, 1) == "12.5%" and pct(None) == "–"


def _table(value: list[float], nps: list[float]) -> pd.DataFrame:
    """Return a two-theme ``figures.theme_table``-like frame."""
    return pd.DataFrame({
        "theme": ["fees", UNCATEGORISED], "n": [4, 2], "share": [0.4, 0.2], "sentiment": [-0.2, 0.1],
        "negative_share": [0.5, 0.0], "nps": nps, "nps_impact": [-3.0, np.nan], "nps_impact_low": [-5.0, np.nan],
        "nps_impact_high": [-1.0, np.nan], "value": value, "emerging": [True, False],
        "keywords": [("fee", "charge"), ()], "requests": [3, 0],
    })


def test_theme_rows_read_as_people_read_them():
    rows = theme_rows(_table([10.0, np.nan], [5.0, 20.0]))
    assert list(rows["Share"]) == [40.0, 20.0] and list(rows["Negative"]) == [50.0, 0.0]
    assert list(rows["Keywords"]) == ["fee, charge", ""] and list(rows["Emerging"]) == [True, False]
    assert list(rows["Requests"]) == [3, 0]


def test_shown_theme_rows_drop_nps_without_scores_and_revenue_without_values():
    table = _table([np.nan, np.nan], [5.0, 20.0])
    without = shown_theme_rows(table, has_nps=False)
    assert not set(NPS_COLUMNS) & set(without.columns) and "Revenue" not in without.columns
    with_all = shown_theme_rows(_table([10.0, np.nan], [5.0, 20.0]), has_nps=True)
    assert set(NPS_COLUMNS) <= set(with_all.columns) and "Revenue" in with_all.columns
    assert emerging_themes(table) == ["fees"]


def test_trend_period_is_weekly_for_less_than_half_a_year():
    assert trend_period(None, datetime(2024, 1, 1)) == "month"
    start = datetime(2024, 1, 1)
    assert trend_period(start, start + timedelta(days=180)) == "month"
    assert trend_period(start, start + timedelta(days=179, hours=23)) == "week"


def test_group_verdicts_and_rows():
    assert group_verdict(True, True, 5.0) == "Too few comments"
    assert group_verdict(False, False, 5.0) == "No real difference"
    assert group_verdict(False, True, 5.0) == "More than the rest"
    assert group_verdict(False, True, -5.0) == "Less than the rest"
    table = pd.DataFrame({"value": pd.Series(["EU", None, "US"], dtype=object), "comments": [10, 3, 12], "share": [0.1, 0.5, 0.4],
                          "difference": [-20.0, 30.0, 15.0], "low_sample": [False, True, False],
                          "significant": [True, True, False]})
    rows = group_rows(table, "(none)")
    assert list(rows["Group"]) == ["(none)", "US", "EU"]
    assert list(rows[metrics.STATUS_LABEL]) == ["Too few comments", "No real difference", "Less than the rest"]
    assert list(rows["Share"]) == [50.0, 40.0, 10.0]


def test_summarise_themes_counts_comments_coverage_and_nps():
    frame = pd.DataFrame({"row_key": ["k0", "k1", "k2", "k3", "k4"],
                          "comment": ["fee", "fee and support", "nothing", None, "meh"],
                          "nps": [0, 9, 10, 7, np.nan], "Region": ["EU", "US", "EU", "US", "EU"]})
    assigned = pd.DataFrame({"row_key": ["k0", "k1", "k1"], "theme_key": ["t1", "t1", "t2"],
                             "sentiment": [np.nan] * 3})
    config = DatasetConfig(mapping=Mapping(nps="NPS", comment=("Comment",), segments=("Region",)))
    view = summarise_themes(frame, assigned, CODEFRAME, config)
    assert view.comments == 4  # the empty comment does not count
    assert view.coverage == pytest.approx(2 / 4)
    assert view.has_nps and view.segments == ("Region",)
    assert list(view.table["theme"]) == ["fees", "support", UNCATEGORISED]
    no_nps = summarise_themes(frame.assign(nps=np.nan), assigned, CODEFRAME, config)
    assert not no_nps.has_nps
