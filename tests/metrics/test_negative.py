"""Which responses their own scores call negative: each score's rule, their order, the sentiment fallback."""

from __future__ import annotations

import numpy as np
import pandas as pd

from portal.metrics.negative import negative_by_scores


def test_nps_detractors_are_negative_and_nps_comes_first() -> None:
    frame = pd.DataFrame({"nps": [0, 6, 7, 10], "rating": [5, 5, 1, 1]})
    assert negative_by_scores(frame).tolist() == [True, True, False, False]


def test_the_bottom_quarter_of_a_rating_scale_is_negative() -> None:
    five = pd.DataFrame({"rating": [1, 2, 3, 5]})
    ten = pd.DataFrame({"rating": [1, 3, 4, 10]})
    assert negative_by_scores(five, (1, 5)).tolist() == [True, True, False, False]
    assert negative_by_scores(ten, (1, 10)).tolist() == [True, True, False, False]


def test_a_no_to_would_recommend_is_negative_when_no_score_says_otherwise() -> None:
    frame = pd.DataFrame({"rating": [np.nan, np.nan, 5.0], "recommend": [0.0, 1.0, 0.0]})
    assert negative_by_scores(frame).tolist() == [True, False, False]


def test_rows_without_a_score_fall_back_to_their_sentiment() -> None:
    frame = pd.DataFrame({"rating": [np.nan, np.nan, 1.0, np.nan],
                          "sentiment_label": ["negative", "positive", "positive", None]})
    assert negative_by_scores(frame).tolist() == [True, False, True, False]


def test_nothing_to_judge_by_gives_none() -> None:
    assert negative_by_scores(pd.DataFrame({"comment": ["a", "b"]})) is None
    assert negative_by_scores(pd.DataFrame({"nps": [np.nan], "sentiment_label": [None]})) is None
