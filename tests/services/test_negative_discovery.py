"""Discovery in a store is told which comments are negative by the dataset's own scores."""

from __future__ import annotations

import pytest
from test_language_themes_store import load, reviews

from portal.cli import main
from portal.services import themes as theme_service
from portal.services.theme_coding import (
    comments_by_language,
    comments_for_discovery,
    dataset_comments,
    negative_by_language,
    negative_for_discovery,
)
from portal.text.themes import default_theme_count, discover


def test_each_comment_is_negative_by_its_own_stars(store) -> None:
    frame = reviews(120, spanish=60)
    load(store, "stars", frame)
    stored = dataset_comments(store, "stars")
    stars = dict(zip("id:" + frame["Review ID"], frame["Stars"].astype(int), strict=True))
    assert stored["negative"].tolist() == [stars[k] <= 2 for k in stored["row_key"]]
    english = negative_for_discovery(stored)
    assert len(english) == len(comments_for_discovery(stored)) and any(english) and not all(english)
    spanish = negative_by_language(stored)
    assert set(spanish) == set(comments_by_language(stored)) == {"es"}
    assert spanish["es"] == [True] * len(comments_by_language(stored)["es"])  # the Spanish reviews have 1 star


@pytest.mark.shared_data
def test_discovery_in_the_store_reads_the_negative_flags(store, db_url, shared_data) -> None:
    """On the airline reviews the low ratings change which sub-themes come first: the store's codeframe is the
    one found with the flags, not the one found without them."""
    assert main(["import", str(shared_data / "ba_skytrax_reviews.csv"), "--dataset", "BA", "--db", db_url]) == 0
    stored = dataset_comments(store, "BA")
    texts, flags = comments_for_discovery(stored), negative_for_discovery(stored)
    assert flags is not None and 0 < sum(flags) < len(flags)
    found = theme_service.current_codeframe(store, "BA")
    k = default_theme_count(len(texts))  # what the first import asks for
    assert found == discover(texts, n_themes=k, negative=flags)
    assert found != discover(texts, n_themes=k)


def test_the_apply_message_counts_themes_and_sub_themes_apart() -> None:
    from portal.services.theme_coding import ApplyResult

    two = ApplyResult(dataset="d", version=2, themes=87, comments=1324, with_theme=1311, seconds=1.0, sub_themes=74)
    flat = ApplyResult(dataset="d", version=1, themes=1, comments=0, with_theme=0, seconds=1.0)
    assert two.counted == "13 themes and 74 sub-themes" and "(13 themes and 74 sub-themes) applied" in two.message
    assert flat.counted == "1 theme" and "(1 theme) is saved" in flat.message


@pytest.mark.shared_data
def test_english_that_repeats_no_topic_does_not_stop_the_other_languages(shared_data) -> None:
    import pandas as pd

    from portal.services.themes import _discover_all
    from portal.text.language import detect_language

    raw = pd.read_csv(shared_data / "neobank_appstore_reviews.csv")["Comment"].astype(str).tolist()
    spanish = [t for t, lang in zip(raw, detect_language(raw), strict=True) if lang == "es"]
    english = [f"zq{i}x wv{i}k" for i in range(60)]  # 60 comments, no word said twice: no English theme
    frame = pd.DataFrame({"row_key": [f"r{i}" for i in range(len(english) + len(spanish))],
                          "comment": english + spanish, "language": ["en"] * len(english) + ["es"] * len(spanish),
                          "negative": [None] * (len(english) + len(spanish))})
    codeframe, note = _discover_all(frame, None, None)
    assert codeframe.themes and all(t.language == "es" for t in codeframe.themes)
    assert "Spanish comments" in note
