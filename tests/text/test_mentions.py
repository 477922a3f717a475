"""The mention matrix's building blocks: commented rows, NPS categories, per-group figures, thresholds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from portal.text import sentiment
from portal.text.mentions import commented, grouped_figures, negative_below, nps_categories


def test_commented_needs_non_blank_text() -> None:
    frame = pd.DataFrame({"comment": ["fine", "  ", None, "x"]})
    assert commented(frame).tolist() == [True, False, False, True]
    assert commented(pd.DataFrame({"nps": [1, 2]})).tolist() == [False, False]


def test_nps_categories() -> None:
    cats = nps_categories(pd.DataFrame({"nps": [0, 6, 7, 8, 9, 10, None]}))
    assert cats[:6].tolist() == [-1.0, -1.0, 0.0, 0.0, 1.0, 1.0]
    assert np.isnan(cats[6])
    assert np.isnan(nps_categories(pd.DataFrame({"csat": [1]}))).all()


def test_grouped_figures_counts_polarity_and_nps_per_group() -> None:
    codes = np.array([0, 0, 1, 1, 1])
    mask = np.array([True, True, True, False, True])
    polarity = np.array([0.5, np.nan, -1.0, 1.0, 0.0])
    cats = np.array([1.0, -1.0, 1.0, 1.0, np.nan])
    out = grouped_figures(codes, mask, polarity, cats, 3)
    assert out["n"].tolist() == [2.0, 2.0, 0.0]
    assert out["sentiment"][:2].tolist() == [0.5, -0.5] and np.isnan(out["sentiment"][2])
    assert out["nps"][:2].tolist() == [0.0, 100.0] and np.isnan(out["nps"][2])


def test_negative_below_is_the_sentiment_models_threshold() -> None:
    assert negative_below() == sentiment.NEGATIVE_BELOW
