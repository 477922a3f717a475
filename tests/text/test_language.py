"""Offline language detection, with short English kept English."""

from __future__ import annotations

import pandas as pd
import pytest

from portal.text.language import detect_language, english_words


@pytest.mark.parametrize(
    "text",
    ["Super", "ok", "OK", "gr8", "good", "nice app", "Top", "Great app", "Best bank ever 👍👍", "Excellent!", "Thanks"],
)
def test_short_english_stays_english(text: str) -> None:
    assert detect_language([text]) == ["en"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("La aplicación es muy lenta y el servicio al cliente no responde nunca.", "es"),
        ("L'applicazione è molto comoda, ma il servizio clienti non risponde mai.", "it"),
        ("Die App ist sehr langsam und der Kundenservice antwortet nie.", "de"),
        ("L'application est très lente et le service client ne répond jamais.", "fr"),
        ("De app is erg traag en de klantenservice reageert nooit op mijn vragen.", "nl"),
        ("Muy buena aplicación", "es"),
    ],
)
def test_clear_sentences_in_other_languages(text: str, code: str) -> None:
    assert detect_language([text]) == [code]


def test_amharic_script_is_not_english() -> None:
    result = detect_language(["በጣም ጥሩ መተግበሪያ ነው", "ጥሩ ነው"])
    assert all(code is not None and code != "en" for code in result)
    assert result[0] == "am"


def test_empty_and_letterless_texts_have_no_language() -> None:
    assert detect_language(["", "   ", "👍👍", "5", "!!!", None]) == [None] * 6  # type: ignore[list-item]


def test_codes_and_links_do_not_decide_the_language() -> None:
    assert detect_language(["Use my code adria4404 at https://example.com/x?ref=42 great app"]) == ["en"]


def test_long_english_review_is_english() -> None:
    text = (
        "I ordered this dress in my usual size and it fit perfectly. The fabric is soft, the colour is "
        "exactly as pictured and it washes well. I would definitely buy it again."
    )
    assert detect_language([text]) == ["en"]


def test_detection_is_deterministic_and_keeps_order() -> None:
    texts = ["Super", "Die App ist sehr gut und schnell.", "", "nice app", "Funziona benissimo, consigliata!"]
    first = detect_language(texts)
    assert first == detect_language(texts)
    assert first[0] == "en" and first[2] is None and first[3] == "en"
    assert first[1] == "de" and first[4] == "it"


def test_english_word_list_is_shipped_and_clean() -> None:
    words = english_words()
    assert {"good", "app", "super", "ok", "gr8"} <= words
    assert not {"muy", "sehr", "molto", "goed", "und", "bien"} & words


@pytest.mark.shared_data
def test_neobank_reviews_mix_languages(shared_data) -> None:
    frame = pd.read_csv(shared_data / "neobank_appstore_reviews.csv")
    codes = pd.Series(detect_language(frame["Comment"].astype(str).tolist()))
    share = codes.value_counts(normalize=True)
    # The data set's README counts about 6,400 English, 750 Spanish, 650 Italian, 300 French and
    # German and 140 Dutch reviews among 9,030.
    assert 0.68 < share["en"] < 0.76
    for code, low in {"es": 0.07, "it": 0.06, "fr": 0.025, "de": 0.025, "nl": 0.012}.items():
        assert share[code] > low, code
    short = frame["Comment"].astype(str).str.split().str.len() <= 2
    english_short = codes[short.to_numpy() & frame["Comment"].str.fullmatch(r"(?i)(super|top|ok|great app|good)\W*")]
    assert (english_short == "en").all()


@pytest.mark.shared_data
def test_english_reviews_are_not_labelled_foreign(shared_data) -> None:
    frame = pd.read_csv(shared_data / "womens_clothing_reviews.csv", nrows=3000)
    texts = frame["Review Text"].dropna().astype(str).tolist()
    codes = detect_language(texts)
    assert sum(c == "en" for c in codes) / len(codes) > 0.998
