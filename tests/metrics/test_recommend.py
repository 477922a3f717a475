"""The would-recommend KPI: detection, validation to 1/0, the share of yes with its Wilson interval."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from portal import metrics
from portal.ingest.detect import detect
from portal.ingest.validate import validate
from portal.metrics import drivers
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


def test_the_sentence_states_the_interval_in_percent_and_the_tile_does_not_repeat_it():
    frame = pd.DataFrame({"recommend": [1.0] * 6 + [0.0] * 2})
    config = DatasetConfig(mapping=Mapping(recommend="r"))
    view = metrics.overview(frame, config, period=None)
    tile = view.tiles[0]
    assert (tile.metric, tile.label, tile.n, tile.value) == ("recommend", "Would recommend", 8, 75.0)
    # Wilson 95% for 6 of 8 by hand: 40.9% to 92.9%, rounded as shown.
    assert tile.sentence == ("75% would recommend, 95% from 41% to 93%, out of 8 answers. That is fewer than 30, "
                             "so treat it as a rough guide.")
    assert "41% to 93%" not in metrics.tile_detail(tile)
    assert metrics.format_value("recommend", 72.4) == "72%"
    assert metrics.format_interval("recommend", 69.2, 75.4) == "69% to 75%"
    assert metrics.format_change("recommend", 3.4, scale=(1, 5)) == "+3 points"


def test_all_yes_keeps_the_interval_inside_0_to_100_percent():
    for yes in (0, 50):
        row = metrics.kpis(metrics.prepare(pd.DataFrame({"recommend": [1.0] * yes + [0.0] * (50 - yes)}),
                                           DatasetConfig(mapping=Mapping(recommend="r")))).iloc[0]
        low, high = _wilson(yes, 50)
        assert (row["recommend_ci_low"], row["recommend_ci_high"]) == pytest.approx((low, high), abs=1e-9)
        assert 0.0 <= row["recommend_ci_low"] <= row["recommend"] <= row["recommend_ci_high"] <= 100.0
    assert metrics.describe_recommend(100.0, (92.9, 100.0), 50) == (
        "100% would recommend, 95% from 93% to 100%, out of 50 answers.")
    assert metrics.describe_recommend(100.0, None, 3, min_n=2) == (
        "100% would recommend from 3 answers; too few responses for a margin of error.")
    assert metrics.describe_recommend(None, None, 0) == "No would-recommend answers in this selection yet."


def test_every_kpi_can_be_explained_and_named_as_a_driver():
    for metric in metrics.METRICS:
        assert metric in drivers.TARGET_LABELS and metric in drivers.SCORE_NAMES, metric
    config = DatasetConfig(mapping=Mapping(rating="stars", recommend="r"))
    assert drivers.driver_targets(config) == ["rating", "recommend"]


def test_drivers_of_the_share_who_would_recommend():
    rng = np.random.default_rng(3)
    comfort = rng.integers(1, 6, 400).astype(float)
    yes = (rng.random(400) < comfort / 6).astype(float)
    frame = pd.DataFrame({"recommend": yes, "Seat comfort": comfort, "Cabin": rng.choice(["A", "B"], 400)})
    result = drivers.key_drivers(frame, "recommend", ["Seat comfort"], n_boot=20)
    # One predictor: its share is the R^2 of a straight line, the squared correlation.
    assert result.r2 == pytest.approx(np.corrcoef(comfort, yes)[0, 1] ** 2)
    assert result.table["importance"].iloc[0] == pytest.approx(result.r2)
    assert "of the differences in share who would recommend across 400 responses" in result.sentence
    assert result.table["direction"].iloc[0] == "higher Seat comfort goes with a higher share who would recommend"
    both = drivers.key_drivers(frame, "recommend", ["Cabin", "Seat comfort"], n_boot=20)
    assert both.table["driver"].tolist()[0] == "Seat comfort"


def test_empty_answers_are_missing_not_no_and_a_third_answer_stops_detection():
    stars = ["5", "4", "2", "1", "3"] * 4
    frame = pd.DataFrame({"Recommended": ["Yes", None, "no", "", "yes"] * 4, "Rating": stars})
    det = detect(frame)
    assert det.config.mapping.recommend == "Recommended" and det.config.mapping.rating == "Rating"
    v = validate(frame, det.config)
    assert v.rejects.empty and v.canonical["recommend"].isna().sum() == 8  # kept for their rating
    alone = validate(frame[["Recommended"]], DatasetConfig(mapping=Mapping(recommend="Recommended")))
    assert len(alone.canonical) == 12 and set(alone.rejects["reason"]) == {"no score and no comment: nothing to analyse"}
    row = metrics.kpis(metrics.prepare(v.canonical, det.config)).iloc[0]
    assert (row["recommend_n"], row["recommend"]) == (12, pytest.approx(100 * 8 / 12))
    three = detect(pd.DataFrame({"Would recommend": ["yes", "no", "maybe"] * 10}))
    assert three.config.mapping.recommend is None and "Would recommend" in three.config.mapping.segments
    assert any("looks like a would-recommend answer by its name, but it holds more than a yes and a no" in w
               for w in three.warnings)
