"""Enrichment of a canonical frame: language, comment and clause sentiment, in one process or several."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.text import enrich as E
from portal.text.enrich import CLAUSE_COLUMNS, COMMENT_COLUMNS, enrich, enrich_with_clauses


def _frame(comments: list[object], ratings: list[float] | None = None) -> pd.DataFrame:
    data: dict[str, object] = {"row_key": [f"id:{i}" for i in range(len(comments))], "comment": comments}
    if ratings is not None:
        data["rating"] = ratings
    return pd.DataFrame(data)


def test_only_rows_with_a_comment_come_back_in_order() -> None:
    frame = _frame(["Great app, love it", None, "", "   ", "Terrible, it keeps crashing", float("nan")])
    out = enrich(frame)
    assert list(out.columns) == list(COMMENT_COLUMNS)
    assert list(out["row_key"]) == ["id:0", "id:4"]
    assert list(out["sentiment_label"]) == ["positive", "negative"]
    assert list(out["language"]) == ["en", "en"]
    assert out["sentiment"].between(-1, 1).all()


def test_non_english_with_rating_gets_sentiment_from_stars() -> None:
    frame = _frame(
        [
            "La aplicación es muy lenta y nunca funciona.",
            "Die App ist wirklich sehr gut und schnell.",
            "L'application est correcte, sans plus.",
        ],
        [1, 5, 3],
    )
    out = enrich(frame)
    assert list(out["language"]) == ["es", "de", "fr"]
    assert list(out["sentiment_label"]) == ["negative", "positive", "neutral"]
    assert list(out["sentiment"]) == [-1.0, 1.0, 0.0]


def test_non_english_without_rating_has_no_sentiment() -> None:
    frame = _frame(["La aplicación es muy lenta y nunca funciona.", "Great app"], [np.nan, np.nan])
    out = enrich(frame)
    assert np.isnan(out["sentiment"].iloc[0])
    assert out["sentiment_label"].iloc[0] is None
    assert out["sentiment_label"].iloc[1] == "positive"
    # Same without any rating column at all.
    out = enrich(_frame(["Die App ist wirklich sehr gut und schnell."]))
    assert np.isnan(out["sentiment"].iloc[0]) and out["sentiment_label"].iloc[0] is None


def test_rating_scale_one_to_ten() -> None:
    frame = _frame(["Il servizio è stato pessimo e lento."] * 3, [2, 6, 9])
    out = enrich(frame, rating_scale=(1, 10))
    assert list(out["sentiment_label"]) == ["negative", "neutral", "positive"]


def test_english_ignores_the_stars() -> None:
    # English text is scored from its words even when the stars disagree.
    out = enrich(_frame(["Awful, it crashes all the time and support never answers."], [5]))
    assert out["sentiment_label"].iloc[0] == "negative"


def test_emoji_only_comment_uses_stars_when_it_has_them() -> None:
    out = enrich(_frame(["👍👍", "👎"], [5, np.nan]))
    assert out["language"].isna().all()
    assert out["sentiment_label"].iloc[0] == "positive" and out["sentiment"].iloc[0] == 1.0
    assert out["sentiment_label"].iloc[1] in {"negative", "neutral", "positive"}


def test_empty_frame() -> None:
    out = enrich(_frame([]))
    assert list(out.columns) == list(COMMENT_COLUMNS) and len(out) == 0
    both = enrich_with_clauses(_frame([None]))
    assert len(both.comments) == 0 and list(both.clauses.columns) == list(CLAUSE_COLUMNS)


def test_missing_columns_are_refused() -> None:
    with pytest.raises(ValueError):
        enrich(pd.DataFrame({"comment": ["x"]}))


def test_clauses_carry_their_own_sentiment() -> None:
    frame = _frame(["The dress is beautiful but the zipper broke. Love the colour!", "Muy mala"], [4, 1])
    out = enrich_with_clauses(frame)
    clauses = out.clauses
    assert list(clauses.columns) == list(CLAUSE_COLUMNS)
    first = clauses[clauses["row_key"] == "id:0"]
    assert list(first["text"]) == ["The dress is beautiful", "but the zipper broke.", "Love the colour!"]
    assert list(first["sentence"]) == [0, 0, 1]
    assert list(first["sentiment_label"]) == ["positive", "negative", "positive"]
    text = frame["comment"].iloc[0]
    for row in first.itertuples():
        assert text[row.start : row.end] == row.text
    # Clauses of a non-English comment repeat its star-based sentiment.
    second = clauses[clauses["row_key"] == "id:1"]
    assert list(second["sentiment_label"]) == ["negative"] and list(second["sentiment"]) == [-1.0]
    pd.testing.assert_frame_equal(out.comments, enrich(frame))


def test_progress_is_reported_up_to_one() -> None:
    calls: list[tuple[float, str]] = []
    enrich(_frame(["good"] * 5), progress=lambda f, m: calls.append((f, m)))
    assert calls and calls[-1][0] == pytest.approx(1.0)
    assert all(isinstance(m, str) and m for _, m in calls)


def test_parallel_and_chunked_results_equal_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [
        "Great app, love it",
        "Terrible support but the card works",
        "La aplicación es muy lenta.",
        "ok",
        "👍",
        "Die App ist gut.",
        "Fees are high; transfers are slow - otherwise fine",
    ]
    frame = _frame(texts * 5, [1, 2, 3, 4, 5, np.nan, 3] * 5)
    serial = enrich_with_clauses(frame, workers=1)
    monkeypatch.setattr(E, "CHUNK_SIZE", 4)
    monkeypatch.setattr(E, "PARALLEL_MIN", 1)
    parallel = enrich_with_clauses(frame, workers=2)
    pd.testing.assert_frame_equal(serial.comments, parallel.comments)
    pd.testing.assert_frame_equal(serial.clauses, parallel.clauses)
    # And again: same input, same output.
    again = enrich_with_clauses(frame, workers=2)
    pd.testing.assert_frame_equal(parallel.clauses, again.clauses)


@pytest.mark.shared_data
def test_neobank_reviews_foreign_comments_are_star_scored(shared_data) -> None:
    raw = pd.read_csv(shared_data / "neobank_appstore_reviews.csv").iloc[:1500]
    frame = pd.DataFrame({"row_key": [f"h:{i}" for i in range(len(raw))], "comment": raw["Comment"], "rating": raw["Rating"]})
    out = enrich(frame)
    foreign = out[out["language"].notna() & (out["language"] != "en")]
    assert len(foreign) > 50
    stars = raw["Rating"].to_numpy()[foreign.index]
    expected = np.where(stars <= 2, "negative", np.where(stars == 3, "neutral", "positive"))
    assert list(foreign["sentiment_label"]) == list(expected)
