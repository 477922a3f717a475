"""Words and formatting for figures: values, intervals, changes, p-values, dates, selections, verdicts."""

from __future__ import annotations

from datetime import date

import pytest

from portal import metrics, settings
from portal.model import DatasetConfig, Mapping


@pytest.mark.parametrize(("metric", "value", "shown"), [
    ("nps", 26.4, "26"), ("csat", 65.2, "65%"), ("rating", 3.74, "3.7"), ("nps", float("nan"), "–"),
    ("csat", None, "–"),
])
def test_format_value_rounds_each_kpi_in_its_unit(metric, value, shown):
    assert metrics.format_value(metric, value) == shown


def test_format_interval_change_money_and_p():
    assert metrics.format_interval("nps", 23.6, 28.2) == "24 to 28"
    assert metrics.format_interval("csat", 63.0, 66.4) == "63% to 66%"
    assert metrics.format_interval("rating", 3.641, 3.745) == "3.64 to 3.75"
    assert metrics.format_interval("nps", None, 3.0) == ""
    five = (1, 5)
    assert metrics.format_change("nps", 6.2, scale=five) == "+6 points"
    assert metrics.format_change("rating", -0.31, scale=five) == "-0.3 stars"
    assert metrics.format_change("rating", -0.31, scale=(1, 10)) == "-0.3 points"
    assert metrics.format_change("nps", -0.4, scale=five) == "0 points"  # never "-0 points"
    assert metrics.format_money(469_507.2, "£") == "£469,507" and metrics.format_money(27_000_000, "$") == "$27.0M"
    assert metrics.format_money(1085, "CHF") == "1,085 CHF"
    assert metrics.format_money(float("nan"), "£") == "–"
    assert metrics.format_p(0.0004) == "< 0.001" and metrics.format_p(0.0191) == "0.019"
    assert metrics.format_p(float("nan")) == "–"
    assert metrics.is_finite(3) and not metrics.is_finite(float("inf")) and not metrics.is_finite("3")


def test_days_and_selections_in_words():
    assert metrics.day_text(date(2025, 5, 1)) == "1 May 2025"
    assert metrics.date_span(date(2026, 1, 1), date(2026, 6, 30)) == "1 Jan 2026 to 30 Jun 2026"
    where = [("Region", ("APAC", "EMEA")), ("Plan", ("Pro",))]
    assert metrics.describe_selection(date(2026, 1, 1), date(2026, 6, 30), where) == \
        "1 Jan 2026 to 30 Jun 2026; Region: APAC or EMEA; Plan: Pro"
    assert metrics.describe_selection(None, None, where[1:]) == "Plan: Pro"
    assert metrics.describe_selection(None, None, []) == ""


def test_kpi_names_and_columns_come_from_one_map():
    config = DatasetConfig(mapping=Mapping(rating="stars"), csat_from_rating=True)
    assert metrics.metric_label("csat", config) == "CSAT (derived from star ratings)"
    assert metrics.metric_label("rating", config) == "Average rating"
    assert [metrics.short_label(m) for m in metrics.METRICS] == ["NPS", "CSAT %", "Rating", "Recommend %"]
    assert [metrics.kpi_name(m) for m in metrics.METRICS] == ["NPS", "CSAT", "Rating", "Recommend"]
    assert [metrics.estimate_column(m) for m in metrics.METRICS] == ["nps", "csat", "rating_mean", "recommend"]
    assert [metrics.count_column(m) for m in metrics.METRICS] == ["nps_n", "csat_n", "rating_n", "recommend_n"]


def test_verdict_line_counts_real_differences_and_small_groups():
    higher, lower, same, few = metrics.STATUSES
    assert metrics.verdict_line([higher, lower, same], 30) == "2 of 3 groups differ from the rest for real."
    assert metrics.verdict_line([higher, few], 30) == \
        "1 of 2 groups differs from the rest for real; 1 has fewer than 30 responses and is greyed."
    assert metrics.verdict_line([few, few, same], 50) == \
        "0 of 3 groups differ from the rest for real; 2 have fewer than 50 responses and are greyed."
    assert metrics.verdict_line([same], 30) == "0 of 1 group differs from the rest for real."
    assert metrics.verdict_line([same] * 1085, 1) == "0 of 1,085 groups differ from the rest for real."


def test_revenue_at_risk_sentence_names_who_is_counted():
    assert metrics.describe_revenue_at_risk(12_000, 80_000, False, "£") == \
        "£12,000 of £80,000 in revenue (15.0%) comes from detractors."
    assert "customers whose latest answer is a detractor" in metrics.describe_revenue_at_risk(1, 4, True, "$")


def test_the_minimum_group_size_is_the_settings_default(monkeypatch):
    assert metrics.DEFAULT_MIN_N == int(settings.default("PORTAL_MIN_GROUP_SIZE")) == 30
    monkeypatch.setenv("PORTAL_MIN_GROUP_SIZE", "50")
    assert settings.min_group_size() == 50 and settings.default("PORTAL_MIN_GROUP_SIZE") == "30"
