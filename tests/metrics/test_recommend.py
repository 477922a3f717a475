"""The would-recommend KPI: detection, validation to 1/0, the share of yes with its Wilson interval."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from portal import metrics
from portal.ingest.detect import detect
from portal.ingest.validate import validate
from portal.model import DatasetConfig, Mapping


def _wilson(x: int, n: int) -> tuple[float, float]:
    """The Wilson 95% score interval written out by hand, in percent."""
    z = 1.96
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def test_six_yes_of_eight_is_75_percent_with_its_wilson_interval():
    frame = pd.DataFrame({"Would recommend": ["Yes", "no", "YES", "yes", "No", "yes", "yes", "yes"]})
    det = detect(frame)
    assert det.config.mapping.recommend == "Would recommend"
    v = validate(frame, det.config)
    row = metrics.kpis(metrics.prepare(v.canonical, det.config)).iloc[0]
    assert row["recommend_n"] == 8 and row["recommend"] == pytest.approx(75.0)
    low, high = _wilson(6, 8)
    assert (row["recommend_ci_low"], row["recommend_ci_high"]) == pytest.approx((low, high))
    assert (round(low, 1), round(high, 1)) == (40.9, 92.9)


def test_a_third_value_is_rejected_with_the_values_found_and_what_counts_as_yes():
    frame = pd.DataFrame({"rec": ["yes", "no", "maybe", "yes"]})
    v = validate(frame, DatasetConfig(mapping=Mapping(recommend="rec")))
    assert len(v.canonical) == 3 and v.canonical["recommend"].tolist() == [1.0, 0.0, 1.0]
    reason = " ".join(v.rejects.astype(str).agg(" ".join, axis=1))
    assert "'maybe' is neither yes nor no" in reason and "'yes'" in reason and "count as yes" in reason


def test_a_category_column_named_like_nps_is_not_taken():
    frame = pd.DataFrame({"NPS_RATING": ["Promoter", "Detractor"] * 10, "recommended": ["true", "false"] * 10})
    m = detect(frame).config.mapping
    assert m.recommend == "recommended" and m.nps is None and "NPS_RATING" in m.segments


def test_groups_compare_the_share_of_yes_with_a_two_proportion_test():
    frame = pd.DataFrame({"recommend": [1.0] * 40 + [0.0] * 40, "Plan": ["A"] * 40 + ["B"] * 40})
    config = DatasetConfig(mapping=Mapping(recommend="r", segments=("Plan",)))
    table = metrics.kpis_by(metrics.prepare(frame, config), "Plan")
    assert table["recommend"].tolist() == [100.0, 0.0]
    assert table["significant"].all() and metrics.headline_metric(config) == "recommend"
