"""Display tables: a KPI's trend, its groups with verdicts, the largest groups and the before / after table."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from portal import metrics
from portal.metrics.events import compare_event


def scored(make_frame, plans: dict[str, list[int]]):
    """Return a frame with a plan and an NPS score per response."""
    plan = [p for p, scores in plans.items() for _ in scores]
    return make_frame(nps=np.array([s for scores in plans.values() for s in scores], float), Plan=plan)


def test_group_frame_gives_each_group_a_verdict_largest_difference_first(make_frame, make_config):
    frame = scored(make_frame, {"High": [10] * 200, "Low": [0] * 200, "Mid": [8] * 200, "Tiny": [10] * 5})
    table = metrics.kpis_by(metrics.prepare(frame, make_config("nps", segments=("Plan",))), "Plan")
    groups = metrics.group_frame(table, "nps")
    assert list(groups["difference"]) == sorted(groups["difference"], reverse=True)
    assert list(groups["value"])[2:] == ["Mid", "Low"]
    status = dict(zip(groups["value"], groups["status"], strict=True))
    assert status == {"High": "Higher than the rest", "Low": "Lower than the rest", "Mid": "No real difference",
                      "Tiny": "Too few responses"}
    assert list(groups.columns) == ["value", "estimate", "low", "high", "n", "rest", "difference", "p_adjusted",
                                    "status"]


def test_group_labels_and_two_column_groups(make_frame, make_config):
    frame = make_frame(nps=np.array([10, 0, 9, 5], float), Plan=["A", "A", None, "B"], Region=["x", "y", "x", "y"])
    config = make_config("nps", segments=("Plan", "Region"))
    cells = metrics.group_frame(metrics.kpis_by(metrics.prepare(frame, config), ["Plan", "Region"]), "nps")
    assert "value_2" in cells.columns and metrics.MISSING_LABEL in set(cells["value"])
    assert metrics.group_label(float("nan")) == metrics.group_label(None) == "(no value)"
    assert metrics.group_label(3) == "3"


def test_largest_groups_and_cells_keep_the_biggest_in_order():
    groups = pd.DataFrame({"value": list("abcd"), "value_2": list("xyxz"), "n": [5, 50, 20, 1]})
    assert list(metrics.largest_groups(groups, 2)["value"]) == ["b", "c"]
    assert metrics.largest_groups(groups, 4) is groups
    cells, trimmed = metrics.largest_cells(groups, 2)
    assert trimmed == ["value"] and list(cells["value"]) == ["b", "c"]
    assert metrics.largest_cells(groups, 3)[1] == ["value"]
    assert metrics.largest_cells(groups, 10) == (groups, [])


def test_trend_frame_has_a_row_per_period(make_frame, make_config):
    frame = make_frame(nps=np.array([10, 0, 9, 5, 7, 8], float),
                       date=["2024-01-03", "2024-01-20", "2024-02-02", "2024-02-10", "2024-03-01", "2024-03-30"])
    trend = metrics.kpis_by_period(metrics.prepare(frame, make_config("nps", "date")), "month")
    rows = metrics.trend_frame(trend, "nps", "month")
    assert list(rows["label"]) == ["January 2024", "February 2024", "March 2024"]
    assert list(rows["n"]) == [2, 2, 2] and set(rows["change"]) <= {"", "A real change from the period before"}


def test_before_after_frame_formats_the_comparison(make_frame, make_config):
    days = pd.date_range("2024-03-01", periods=60, freq="D").strftime("%Y-%m-%d").tolist()
    frame = make_frame(nps=np.array([0.0] * 30 + [10.0] * 30), date=days)
    result = compare_event(frame, make_config("nps", "date"), date(2024, 3, 31), days=30)
    shown = metrics.before_after_frame(result.table, scale=(1, 5))
    assert shown.to_dict(orient="records") == [
        {"KPI": "NPS", "Before": "-100", "After": "100", "Change": "+200 points", "Real change?": "yes"}]
