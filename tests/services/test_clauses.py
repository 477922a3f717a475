"""Clauses for theme coding: English detection, progress stretches, and reusing what the store remembers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from portal.services.clauses import dump, english, part, prepare_texts, text_hash, theme_sentiment
from portal.store.themes import CachedText


def test_english_keeps_english_and_unknown_languages() -> None:
    frame = pd.DataFrame({"comment": ["a", "b", "c", "d"], "language": ["en", None, "EN-gb", "fr"]})
    assert english(frame).tolist() == [True, True, True, False]
    assert english(frame[["comment"]]).tolist() == [True] * 4


def test_part_maps_a_stretch_of_the_bar() -> None:
    seen: list[tuple[float, str]] = []
    inner = part(lambda f, m: seen.append((f, m)), 0.5, 1.0)
    assert inner is not None and part(None, 0.0, 1.0) is None
    inner(0.5, "half")
    inner(2.0, "over")
    assert seen == [(0.75, "half"), (1.0, "over")]


def test_prepare_texts_reuses_cached_clauses_of_unchanged_comments() -> None:
    frame = pd.DataFrame({"row_key": ["a", "b"], "comment": ["The parcel was late.", "Friendly staff."],
                          "language": ["en", "fr"]})
    cache = {"a": CachedText(text_hash("The parcel was late."), "[[0,20]]", dump([0.25]))}
    prepared = prepare_texts(frame, cache, scorer=lambda texts: [0.5] * len(texts), progress=None)
    assert prepared.spans[0] == ((0, 20),) and prepared.polarities[0] == [0.25]
    assert prepared.changed.tolist() == [False, True] and prepared.rewrite.tolist() == [False, True]
    assert all(math.isnan(v) for v in prepared.polarities[1] or [])  # not English: no clause sentiment


def test_theme_sentiment_averages_the_clauses_that_mention_the_theme() -> None:
    values = theme_sentiment(np.array([0, 0, 1]), ["0", "0,1", "0"], [[0.5, -0.25], None])
    assert values == [0.5, 0.125, None]
