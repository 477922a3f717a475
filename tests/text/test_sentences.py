"""Sentence and clause splitting, and tokenizing, by rules only."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.text.sentences import Clause, split_clauses, split_sentences, tokenize


def test_plain_sentences_split_at_end_marks() -> None:
    text = "Great app. Terrible support! Why is it so slow? Fine"
    assert split_sentences(text) == ["Great app.", "Terrible support!", "Why is it so slow?", "Fine"]


def test_lower_case_after_period_still_splits() -> None:
    assert split_sentences("great app. love it") == ["great app.", "love it"]


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Smith and Mr. Jones helped me.",
        "Fees are high, e.g. the transfer fee is high.",
        "It costs approx. 5 euros.",
        "See No. 5 in the list.",
        "Staff i.e. the manager was rude.",
        "I met J. Smith at the branch.",
        "They moved to the U.S. last year.",
    ],
)
def test_abbreviations_and_initials_do_not_split(text: str) -> None:
    assert split_sentences(text) == [text]


@pytest.mark.parametrize(
    "text", ["I give it 4.5 stars.", "Version 2.0.1 is broken.", "Go to www.example.com for help."]
)
def test_numbers_and_addresses_do_not_split(text: str) -> None:
    assert split_sentences(text) == [text]


def test_period_after_a_number_ends_the_sentence() -> None:
    assert split_sentences("I rated it 5. Great service.") == ["I rated it 5.", "Great service."]


def test_short_word_that_looks_like_an_abbreviation_ends_a_sentence() -> None:
    assert split_sentences("I said no. Then he left.") == ["I said no.", "Then he left."]


def test_line_breaks_end_sentences() -> None:
    assert split_sentences("good app\r\n\r\nslow login\nbad") == ["good app", "slow login", "bad"]


def test_emoji_stays_with_its_sentence() -> None:
    text = "Great app! 😍😍 Bad login though."
    assert split_sentences(text) == ["Great app! 😍😍", "Bad login though."]


def test_emoji_before_a_capital_ends_a_sentence() -> None:
    assert split_sentences("Love it 😍 Support is slow") == ["Love it 😍", "Support is slow"]


def test_emoji_only_text_is_one_sentence() -> None:
    assert split_sentences("👍👍👍") == ["👍👍👍"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text_gives_nothing(text: str) -> None:
    assert split_sentences(text) == []
    assert split_clauses(text) == []
    assert tokenize(text) == []


def test_but_clause_splits_into_two() -> None:
    text = "love the app but cheque deposit keeps failing"
    clauses = split_clauses(text)
    assert [c.text for c in clauses] == ["love the app", "but cheque deposit keeps failing"]
    assert clauses[0] == Clause("love the app", 0, 12, 0)
    assert clauses[1].start == 13 and clauses[1].end == len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fast, however the fees are high.", ["Fast", "however the fees are high."]),
        ("Nice design although it crashes", ["Nice design", "although it crashes"]),
        ("Good app, though slow to load", ["Good app", "though slow to load"]),
        ("Everything works except the login", ["Everything works", "except the login"]),
        ("Cheap; the staff are rude", ["Cheap", "the staff are rude"]),
        ("Great food - awful service", ["Great food", "awful service"]),
        ("Great food — awful service", ["Great food", "awful service"]),
        ("Simple to use, yet it crashes daily", ["Simple to use", "yet it crashes daily"]),
    ],
)
def test_clause_markers(text: str, expected: list[str]) -> None:
    assert [c.text for c in split_clauses(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Nothing but problems with this app.",
        "I have not yet received my card.",
        "It is fine, though.",
        "It looks as though it works.",
        "But why?",
        "The wi-fi is ok",
    ],
)
def test_no_clause_split_where_the_word_is_not_a_contrast(text: str) -> None:
    assert [c.text for c in split_clauses(text)] == [text]


def test_clauses_carry_their_sentence_index_and_offsets() -> None:
    text = "Great app. Fees are fair but support is slow."
    clauses = split_clauses(text)
    assert [(c.text, c.sentence) for c in clauses] == [
        ("Great app.", 0),
        ("Fees are fair", 1),
        ("but support is slow.", 1),
    ]
    for clause in clauses:
        assert text[clause.start : clause.end] == clause.text


def test_tokenize_keeps_contractions_hyphens_and_decimals() -> None:
    assert tokenize("Don't like the Wi-Fi, it’s 4.5 stars!") == [
        "don't",
        "like",
        "the",
        "wi-fi",
        "it's",
        "4.5",
        "stars",
    ]


def test_tokenize_handles_accents_and_other_scripts() -> None:
    assert tokenize("Très bien — ጥሩ ነው 👍") == ["très", "bien", "ጥሩ", "ነው"]


def test_non_text_input_gives_nothing() -> None:
    assert split_sentences(None) == []  # type: ignore[arg-type]
    assert split_clauses(float("nan")) == []  # type: ignore[arg-type]
    assert tokenize(None) == []  # type: ignore[arg-type]


@given(st.text(max_size=300))
def test_clause_offsets_always_point_into_the_text(text: str) -> None:
    sentences = split_sentences(text)
    for clause in split_clauses(text):
        assert text[clause.start : clause.end] == clause.text
        assert clause.text.strip() == clause.text and clause.text
        assert 0 <= clause.sentence < len(sentences)
        assert clause.text in sentences[clause.sentence]
