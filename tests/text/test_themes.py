"""Theme discovery: determinism, recovering planted topics, limits, and quality on the public data sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portal.errors import InputError
from portal.text.assign import assign
from portal.text.codeframe import Codeframe
from portal.text.themes import MIN_COMMENTS, default_theme_count, discover

TOPICS: dict[str, tuple[list[str], list[str]]] = {
    "delivery": (["delivery", "courier", "parcel"], ["late", "slow", "delayed", "lost", "damaged"]),
    "refunds": (["refund", "reimbursement", "chargeback"], ["pending", "denied", "refused", "stuck", "missing"]),
    "app": (["app", "screen", "login"], ["crashing", "freezing", "buggy", "broken", "blank"]),
    "staff": (["staff", "clerk", "advisor"], ["friendly", "rude", "helpful", "polite", "patient"]),
    "prices": (["price", "fee", "subscription"], ["expensive", "cheap", "reasonable", "steep", "fair"]),
}
TEMPLATES = ("the {n} was {a}", "my {n} is {a}", "the {n} seemed {a} again", "{a} {n}, as usual",
             "honestly the {n} was {a}")


def planted(n: int = 400, seed: int = 7) -> tuple[list[str], list[set[str]]]:
    """Return comments about one or two planted topics each, and the topics of each comment."""
    rng = np.random.default_rng(seed)
    names = list(TOPICS)
    texts, truth = [], []
    for _ in range(n):
        chosen = list(rng.choice(names, size=int(rng.integers(1, 3)), replace=False))
        parts = []
        for topic in chosen:
            nouns, adjectives = TOPICS[topic]
            template = TEMPLATES[int(rng.integers(len(TEMPLATES)))]
            parts.append(template.format(n=nouns[int(rng.integers(3))], a=adjectives[int(rng.integers(5))]))
        texts.append((" and ".join(parts) + ".").capitalize())
        truth.append(set(chosen))
    return texts, truth


def test_same_comments_give_the_same_codeframe_in_any_order() -> None:
    texts, _ = planted()
    first = discover(texts, n_themes=5)
    assert discover(texts, n_themes=5) == first
    assert discover(list(reversed(texts)), n_themes=5) == first


def test_planted_topics_are_found_with_their_nouns() -> None:
    texts, truth = planted()
    codeframe = discover(texts, n_themes=5)
    for topic, (nouns, _) in TOPICS.items():
        best = max(codeframe.themes, key=lambda t: len(set(nouns) & set(t.keywords)))
        assert len(set(nouns) & set(best.keywords)) >= 2, (topic, codeframe.to_dict())
    # Each planted topic lines up with one theme on almost every comment.
    matches = assign(texts, codeframe)
    found = [set() for _ in texts]
    by_key = {t.key: t for t in codeframe.themes}
    for row, key in zip(matches["row"], matches["theme_key"], strict=True):
        theme = by_key[key]
        # A theme counts the comments of its sub-themes too.
        found[row].add(theme.name if theme.parent is None else by_key[theme.parent].name)
    for topic in TOPICS:
        has_topic = np.array([topic in t for t in truth])
        best_f1 = 0.0
        for theme in codeframe.names:
            has_theme = np.array([theme in f for f in found])
            tp = (has_topic & has_theme).sum()
            f1 = 2 * tp / (has_topic.sum() + has_theme.sum()) if tp else 0.0
            best_f1 = max(best_f1, f1)
        assert best_f1 >= 0.9, topic


def test_names_are_readable_phrases_and_keywords_are_unique() -> None:
    texts, _ = planted()
    codeframe = discover(texts, n_themes=5)
    for theme in codeframe.themes:
        assert "_" not in theme.name and theme.name == theme.name.strip()
        assert all(part.replace(" ", "").isalpha() for part in theme.name.split(" & "))
        assert theme.origin == "discovered"
    keywords = [k for t in codeframe.themes for k in t.keywords]
    assert len(keywords) == len(set(keywords))
    assert not {"was", "the", "honestly", "usual"} & set(keywords)


def test_too_few_comments_is_refused_with_a_plain_reason() -> None:
    texts, _ = planted(MIN_COMMENTS - 1)
    with pytest.raises(InputError, match=f"from {MIN_COMMENTS} comments on"):
        discover(texts + [None, "", "  "])


def test_theme_count_outside_the_range_is_refused() -> None:
    texts, _ = planted()
    with pytest.raises(InputError, match="Ask for 2 to 60 themes"):
        discover(texts, n_themes=1)


def test_asking_for_more_themes_than_topics_explains_why_not() -> None:
    texts = ["the app is slow"] * 60
    with pytest.raises(InputError, match="too few topics"):
        discover(texts, n_themes=10)


@pytest.mark.parametrize("n, k", [(0, 10), (1_000, 10), (3_041, 14), (6_400, 20), (100_000, 25)])
def test_default_theme_count(n: int, k: int) -> None:
    assert default_theme_count(n) == k


def _membership(texts: list[str], codeframe: Codeframe) -> np.ndarray:
    """Return texts x themes: which text mentions which theme."""
    matches = assign(texts, codeframe)
    out = np.zeros((len(texts), len(codeframe.themes)), dtype=bool)
    column = {t.key: i for i, t in enumerate(codeframe.themes)}
    out[matches["row"].to_numpy(), matches["theme_key"].map(column).to_numpy()] = True
    return out


def _f1(truth: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Return the F1 of each predicted column against one truth vector."""
    tp = truth.astype(float) @ predicted.astype(float)
    denominator = truth.sum() + predicted.sum(axis=0)
    return np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)


@pytest.mark.shared_data
def test_semeval_best_match_macro_f1_reaches_one_half(shared_data: Path) -> None:
    """Discovery on the training sentences; each gold category's theme chosen there, scored on the test set."""
    data = pd.read_csv(shared_data / "semeval14_restaurants_aspects.csv")
    train = data[data["split"] == "train"]
    test = data[data["split"] == "test"]
    codeframe = discover(train["text"].tolist())
    m_train = _membership(train["text"].tolist(), codeframe)
    m_test = _membership(test["text"].tolist(), codeframe)
    scores = []
    for category in ("food", "service", "ambience", "price", "anecdotes/miscellaneous"):
        chosen = int(np.argmax(_f1(train["categories"].str.split(";").map(lambda c: category in c).to_numpy(),
                                   m_train)))
        truth = test["categories"].str.split(";").map(lambda c: category in c).to_numpy()
        scores.append(_f1(truth, m_test)[chosen])
    assert np.mean(scores) >= 0.5, scores


@pytest.mark.shared_data
def test_clothing_reviews_give_recognisable_themes(shared_data: Path) -> None:
    reviews = pd.read_csv(shared_data / "womens_clothing_reviews.csv")["Review Text"].dropna().tolist()[:8000]
    codeframe = discover(reviews, n_themes=15)

    def theme_with(*words: str) -> bool:
        return any(any(w in t.keywords[:10] for w in words) for t in codeframe.themes)

    assert theme_with("size", "fit")
    assert theme_with("fabric", "material")
    assert theme_with("color", "colour")
    assert theme_with("length", "waist", "sleeve")
    names = " ".join(codeframe.names)
    assert "size" in names and "fabric" in names
