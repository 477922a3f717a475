"""Applying a codeframe to comments: matching rules, reasons, positions, clauses and misspellings."""

from __future__ import annotations

import pandas as pd
import pytest

from portal.text import assign as assign_module
from portal.text.assign import (
    MATCH_COLUMNS,
    assign,
    clause_spans,
    compile_codeframe,
    format_spans,
    parse_spans,
    phrase_forms,
    reason,
    term_key,
)
from portal.text.codeframe import Codeframe, Theme

CODEFRAME = Codeframe((
    Theme("t1", "customer service", ("customer service", "support")),
    Theme("t2", "fees", ("fee", "prices")),
    Theme("t3", "atmosphere", ("atmosphere", "decor")),
    Theme("t4", "customers", ("customer",)),
    Theme("t5", "policy", ("policy",)),
))


def themes_of(texts: list[str | None], codeframe: Codeframe = CODEFRAME, **kw) -> list[set[str]]:
    """Return the theme names found in each text."""
    out = assign(texts, compile_codeframe(codeframe, **kw))
    found: list[set[str]] = [set() for _ in texts]
    for row, theme in zip(out["row"], out["theme"], strict=True):
        found[row].add(theme)
    return found


@pytest.mark.parametrize("word, key", [("prices", "price"), ("policies", "policy"), ("dresses", "dress"),
                                       ("glass", "glass"), ("status", "status"), ("days", "day"),
                                       ("boxes", "box"), ("fees", "fee"), ("this", "this")])
def test_term_key_drops_plural_endings(word: str, key: str) -> None:
    assert term_key(word) == key


def test_phrase_forms_cover_singular_and_plural_of_each_word() -> None:
    assert set(phrase_forms("Customer Services")) == {"customer service", "customers service", "customer services",
                                                       "customers services"}
    assert set(phrase_forms("policy")) == {"policy", "policies"}


def test_plural_case_and_hyphen_variants_match() -> None:
    found = themes_of(["The FEES are high", "Policies changed", "Customer-Service was slow", "great price"])
    assert found == [{"fees"}, {"policy"}, {"customer service"}, {"fees"}]


def test_whole_words_only() -> None:
    assert themes_of(["coffee was cold", "supportive staff", "decorated room", "feel"]) == [set(), set(), set(), set()]


def test_longest_phrase_wins_over_its_first_word() -> None:
    assert themes_of(["customer service rocks", "a loyal customer"]) == [{"customer service"}, {"customers"}]


def test_spans_point_into_the_original_text() -> None:
    text = "Ça va. The FEES, and more fees!"
    out = assign([text], CODEFRAME)
    row = out.iloc[0]
    assert row["phrase"] == "fee"
    assert row["matched"] == "FEES"
    assert [text[s:e] for s, e in parse_spans(row["spans"])] == ["FEES", "fees"]


def test_clauses_are_numbered_from_the_given_spans() -> None:
    text = "love the decor but the fees keep rising"
    spans = [((0, 14), (15, len(text)))]
    out = assign([text], CODEFRAME, clauses=spans).set_index("theme")
    assert out.loc["atmosphere", "clauses"] == "0"
    assert out.loc["fees", "clauses"] == "1"


def test_clauses_default_to_the_sentence_splitter() -> None:
    text = "Support was great. However the fees are silly; decor is dated"
    out = assign([text], CODEFRAME).set_index("theme")
    assert out.loc["customer service", "clauses"] == "0"
    assert out.loc["fees", "clauses"] == "1"
    assert out.loc["atmosphere", "clauses"] == "2"


def test_one_keyword_in_two_themes_gives_both() -> None:
    cf = Codeframe((Theme("t1", "a", ("refund",)), Theme("t2", "b", ("refund", "money"))))
    assert themes_of(["refund please"], cf) == [{"a", "b"}]


def test_misspelt_word_gets_the_nearest_theme_with_its_reason() -> None:
    known = frozenset({"water", "great", "the"})
    out = assign(["great atmoshere", "the water was cold"], compile_codeframe(CODEFRAME, known=known))
    assert out["row"].tolist() == [0]
    row = out.iloc[0]
    assert (row["theme"], row["how"], row["phrase"], row["matched"]) == ("atmosphere", "near", "atmosphere",
                                                                        "atmoshere")
    assert reason(row["how"], row["phrase"], row["matched"]) == '"atmoshere" is close to "atmosphere"'


def test_dictionary_words_are_never_misspellings() -> None:
    cf = Codeframe((Theme("t1", "waiting", ("waiter",)),))
    assert themes_of(["the water was warm"], cf, known=frozenset({"water"})) == [set()]
    assert themes_of(["the watter was warm"], cf, known=frozenset({"water"})) == [{"waiting"}]


def test_misspellings_are_only_looked_for_in_comments_without_a_keyword() -> None:
    found = themes_of(["fees and atmoshere"], known=frozenset({"and"}))
    assert found == [{"fees"}]


def test_odd_texts_give_no_rows_and_never_raise() -> None:
    out = assign([None, "", "   ", "😀😀", "12345", "fee"], CODEFRAME)
    assert out["row"].tolist() == [5]
    assert list(out.columns) == list(MATCH_COLUMNS)


def test_empty_inputs_give_an_empty_frame_with_the_columns() -> None:
    assert list(assign([], CODEFRAME).columns) == list(MATCH_COLUMNS)
    assert assign(["fee"], Codeframe()).empty


def test_same_codeframe_same_result() -> None:
    texts = ["fees and decor", "support policy", "nothing here"] * 50
    first = assign(texts, CODEFRAME)
    second = assign(texts, compile_codeframe(CODEFRAME))
    pd.testing.assert_frame_equal(first, second)


def test_reason_sentences() -> None:
    assert reason("phrase", "fee", "fee") == 'mentions "fee"'
    assert reason("phrase", "fee", "FEES") == 'mentions "fee" ("FEES")'
    assert reason("manual", "", "") == "added by hand"


def test_span_text_round_trip() -> None:
    spans = ((0, 4), (10, 22))
    assert parse_spans(format_spans(spans)) == spans
    assert parse_spans("") == ()


def test_parallel_clause_splitting_gives_the_serial_result(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"Comment {i}: the app is fine but support is slow; fees rose." for i in range(60)] + [None, ""]
    serial = clause_spans(texts, workers=1)
    monkeypatch.setattr(assign_module, "PARALLEL_MIN_TEXTS", 10)
    parallel = clause_spans(texts, workers=2)
    assert parallel == serial
    assert serial[-1] == () and len(serial[0]) == 3


def test_parallel_matching_gives_the_serial_result(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [f"Fees {i}, and the decor; support was slow but customer service helped. Atmoshere" for i in range(40)]
    texts += ["great atmoshere", None, "policies"] * 5
    known = frozenset({"and", "the", "was", "slow", "but", "helped", "great"})
    matcher = compile_codeframe(CODEFRAME, known=known)
    serial = assign(texts, matcher, workers=1)
    monkeypatch.setattr(assign_module, "PARALLEL_MIN_TEXTS", 10)
    parallel = assign(texts, matcher, workers=2)
    pd.testing.assert_frame_equal(parallel, serial)
    assert set(serial["how"]) == {"phrase", "near"}
