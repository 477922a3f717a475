"""The request flag: hand-written requests and non-requests in many forms, the problem filter, hostile text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.services.requests import request_keys, with_requests
from portal.text.requests import frame_requests, is_request, request_flags, request_spans

REQUESTS = [
    "Please add Apple Pay.",
    "please, please add a widget for the balance",
    "I wish it came in petite sizes",
    "Just wish it had a dark mode.",
    "It would be great if I could freeze my card from the app",
    "Would be nice to have a search by amount",
    "Bring back the old spending graph!",
    "Why can't I export my statements?",
    "Why is there no joint account?",
    "Needs a dark mode",
    "The app needs an option to hide the balance",
    "You should offer a family plan.",
    "Apple should bring down the price of the retina model.",
    "I'd love to see cashback on groceries",
    "Can you add Google Pay in Belgium?",
    "Hope you add more currencies soon",
    "Great app. The only thing missing is budgets per week.",
    "The lack of support for Apple Pay is a deal breaker",
    "Support for dark mode would go a long way too.",
    "Good service but could have been cheaper",
    "Add a way to split bills. Otherwise perfect.",
    "Por favor añadan Bizum",
    "Sarebbe bello poter scegliere il colore della carta",
    "Ce serait bien de pouvoir bloquer la carte",
    "Es wäre schön, wenn man Unterkonten hätte",
    "Het zou fijn zijn als er een donkere modus komt",
    "Please fix the login and add Face ID",
]
NOT_REQUESTS = [
    "Please fix the crash when I open the app",
    "It doesn't work since the update, please sort it out",
    "I hope you fix this soon",
    "App keeps crashing, you need to fix it",
    "Great app, love the features",
    "I wish I had switched years ago",
    "I wish you all a happy new year",
    "I wish I could give zero stars",
    "I would like to thank the crew for their care",
    "Communication between engineers should have been better",
    "Service needs some attention",
    "It was told it would be 10 to 12 days",
    "I should've looked at the other reviews",
    "If you have the money I suggest going for the i7.",
    "how can they offer such a poor service?",
    "The waist is not as fitted as I would like",
    "Can't log in, error every time",
    "",
    "   ",
]


@pytest.mark.parametrize("text", REQUESTS)
def test_requests_in_many_forms_are_flagged(text):
    assert is_request(text), text


@pytest.mark.parametrize("text", NOT_REQUESTS)
def test_problems_praise_regrets_and_advice_are_not_requests(text):
    assert not is_request(text), text


@pytest.mark.parametrize("text", [None, float("nan"), 3, b"please add", "<script>please add</script>" * 1000,
                                  "\x00please add\x00", "💥" * 5000, "İ please add Apple Pay", "a" * 200_000,
                                  "why " * 20_000, "please " * 10_000])
def test_hostile_text_never_raises_and_spans_stay_inside(text):
    spans = request_spans(text)
    assert isinstance(is_request(text), bool)
    if isinstance(text, str):
        assert all(0 <= a < b <= len(text.lower()) for a, b in spans)
    else:
        assert spans == []


def test_spans_point_at_the_cue():
    text = "Love it. Please add Apple Pay."
    spans = request_spans(text)
    assert spans and all(start >= len("Love it. ") for start, _ in spans)
    assert any(text[start:end].lower().startswith("please add") for start, end in spans)


def test_a_typographic_apostrophe_reads_as_a_plain_one():
    assert is_request("Why can\u2019t I change my PIN in the app?")


def test_flags_of_many_texts_repeat_for_repeated_text_and_are_false_for_missing():
    flags = request_flags(["Please add Apple Pay", None, "great", "Please add Apple Pay", np.nan])
    assert flags.tolist() == [True, False, False, True, False] and flags.dtype == bool


def test_frame_requests_uses_a_stored_column_else_reads_the_comments():
    frame = pd.DataFrame({"row_key": ["a", "b"], "comment": ["please add budgets", "crashes"]})
    assert frame_requests(frame).tolist() == [True, False]
    assert frame_requests(frame.assign(request=[False, True])).tolist() == [False, True]
    assert frame_requests(pd.DataFrame({"row_key": ["a"]})).tolist() == [False]


def test_service_adds_the_request_column_by_row_key():
    frame = pd.DataFrame({"row_key": ["a", "b", "c"], "comment": ["Needs a dark mode", None, "fine"]})
    assert request_keys(frame) == frozenset({"a"})
    assert with_requests(frame)["request"].tolist() == [True, False, False]
    assert with_requests(frame, frozenset({"c"}))["request"].tolist() == [False, False, True]
    assert request_keys(frame[["row_key"]]) == frozenset()


@pytest.mark.parametrize("text", ["Support team rocks.", "Offer was great, sign-up took a minute.",
                                  "Great app. Support always answers within an hour."])
def test_a_sentence_starting_with_a_noun_that_is_also_a_verb_is_not_an_imperative(text):
    assert not is_request(text)
