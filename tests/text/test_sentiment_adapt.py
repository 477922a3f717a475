"""Per-dataset sentiment adaptation on generated data: kept when it helps, refused when it does not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.text.sentiment import NEGATIVE_BELOW, POSITIVE_ABOVE, labels_from_polarity
from portal.text.sentiment_adapt import MIN_LABELLED, AdaptedModel, _heldout, adapt, weak_labels

NOUNS = ["parcel", "courier", "invoice", "portal", "meter", "tariff", "engineer", "router", "bill", "visit"]


def _slang_reviews(n: int = 600) -> tuple[list[str], np.ndarray]:
    """Comments whose verdict is in this community's own words, which no general model knows."""
    rng = np.random.default_rng(3)
    words = {"positive": ["zorbly", "blick"], "negative": ["flimpy", "grottish"], "neutral": ["meddle", "sowish"]}
    labels = rng.choice(["negative", "neutral", "positive"], size=n)
    texts = [f"the {rng.choice(NOUNS)} was {rng.choice(words[lab])} today, {rng.choice(NOUNS)} {i}"
             for i, lab in enumerate(labels)]
    stars = np.select([labels == "negative", labels == "neutral"], [1.0, 3.0], 5.0)
    return texts, stars


def _candidates(stars: np.ndarray) -> dict[str, np.ndarray]:
    return weak_labels(pd.DataFrame({"rating": stars}), rating_scale=(1, 5))


def test_weak_labels_from_each_kind_of_score() -> None:
    frame = pd.DataFrame({"nps": [0, 7, 10, None], "rating": [1, 3, 5, 9], "recommend": [0.0, 1.0, None, 1.0]})
    labels = weak_labels(frame, rating_scale=(1, 5))
    assert list(labels["nps"]) == ["negative", "neutral", "positive", None]
    assert list(labels["rating"]) == ["negative", "neutral", "positive", None]  # 9 is off the 1-5 scale
    assert list(labels["recommend"]) == ["negative", "positive", None, "positive"]
    assert "csat" not in labels


def test_dataset_words_with_its_scores_make_a_better_model_that_is_kept() -> None:
    texts, stars = _slang_reviews()
    result = adapt(texts, _candidates(stars))
    assert result.model is not None and not result.report["fell_back"]
    assert result.report["labels"] == "rating" and result.report["n"] == len(texts)
    assert result.report["adapted_f1"] > result.report["general_f1"] + 0.2
    assert result.message.startswith(f"Sentiment adapted to this dataset from {len(texts)} ratings")
    values = result.model.polarity(["the meter was zorbly", "the meter was grottish"])
    assert list(labels_from_polarity(values)) == ["positive", "negative"]


def test_scores_that_mislead_on_the_fitted_rows_make_it_fall_back() -> None:
    # Stars that contradict the words on the rows the model is fitted on (and agree on the held-out rows):
    # the adapted model learns the wrong lesson, does worse on the held-out rows, and is not kept.
    rng = np.random.default_rng(5)
    good = ["Great service, very happy.", "Excellent, love it.", "Fast and friendly, thank you."]
    bad = ["Terrible, awful service.", "Worst experience ever, very angry.", "Useless and rude."]
    positive = rng.random(500) < 0.5
    texts = [f"{rng.choice(good if p else bad)} {rng.choice(NOUNS)}" for p in positive]
    held = _heldout(len(texts))
    agrees = np.where(positive, 5.0, 1.0)
    stars = np.where(held, agrees, 6.0 - agrees)
    result = adapt(texts, _candidates(stars))
    assert result.model is None and result.report["fell_back"]
    assert result.report["adapted_f1"] < result.report["general_f1"]
    assert result.message.startswith("Sentiment kept the general model: the model adapted from 500 ratings")


def test_too_few_scores_keep_the_general_model_and_say_why() -> None:
    texts, stars = _slang_reviews(MIN_LABELLED - 1)
    result = adapt(texts, _candidates(stars))
    assert result.model is None
    assert "fewer than" in result.message


def test_without_scores_it_self_trains_on_confident_general_labels() -> None:
    texts = ["Great service, very happy."] * 80 + ["Terrible, awful service."] * 80 + ["It was fine I guess."] * 40
    result = adapt(texts, {})
    assert result.report["labels"] == "self"
    assert result.report["n"] >= 160  # the clear comments at least


def test_two_fits_give_the_same_model_and_scores() -> None:
    texts, stars = _slang_reviews()
    first, second = adapt(texts, _candidates(stars)), adapt(texts, _candidates(stars))
    assert first.model is not None and second.model is not None
    assert first.model.to_bytes() == second.model.to_bytes()
    assert first.report == second.report
    assert np.array_equal(first.model.polarity(texts[:50]), second.model.polarity(texts[:50]))


def test_model_round_trips_through_bytes_and_keeps_the_label_thresholds() -> None:
    texts, stars = _slang_reviews()
    model = adapt(texts, _candidates(stars), languages=["en"] * len(texts)).model
    assert model is not None
    again = AdaptedModel.from_bytes(model.to_bytes())
    assert np.array_equal(again.polarity(texts[:40]), model.polarity(texts[:40]))
    assert again.languages == model.languages == ()
    values = model.polarity(texts)
    assert np.all((values >= -1) & (values <= 1))
    # The rescaling puts the model's own thresholds on the general ones: labels agree with the stars.
    truth = np.select([stars == 1.0, stars == 3.0], ["negative", "neutral"], "positive")
    assert np.mean(labels_from_polarity(values, NEGATIVE_BELOW, POSITIVE_ABOVE) == truth) > 0.9


def test_another_language_with_enough_scored_comments_is_read() -> None:
    rng = np.random.default_rng(9)
    words = {"positive": ["excelente", "genial"], "negative": ["horrible", "fatal"]}
    labels = rng.choice(["negative", "positive"], size=800)
    texts = [f"la aplicación es {rng.choice(words[lab])} {i}" for i, lab in enumerate(labels)]
    stars = np.where(labels == "positive", 5.0, 1.0)
    result = adapt(texts, _candidates(stars), languages=["es"] * len(texts))
    assert result.model is not None
    assert result.report["languages"]["es"]["n"] >= 100
    assert result.model.languages == ("es",)
    assert "It also reads comments in es." in result.message


def test_a_large_dataset_is_adapted_on_a_fixed_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("portal.text.sentiment_adapt.MAX_LABELLED", 300)
    texts, stars = _slang_reviews(600)
    first, second = adapt(texts, _candidates(stars)), adapt(texts, _candidates(stars))
    assert first.report["n"] == 300 and first.report["heldout_n"] < 300 * 0.3
    assert first.model is not None and second.model is not None
    assert first.model.to_bytes() == second.model.to_bytes()


@pytest.mark.parametrize("bad", [b"", b"not a model"])
def test_a_blob_that_is_no_model_is_refused(bad: bytes) -> None:
    with pytest.raises(ValueError, match="cannot be read"):
        AdaptedModel.from_bytes(bad)
