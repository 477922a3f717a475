"""Keyword matching's building blocks: same-length lower case, empty frames, exact and near hits."""

from __future__ import annotations

import numpy as np

from portal.text.codeframe import Codeframe, Theme
from portal.text.matching import (
    MATCH_COLUMNS,
    compile_codeframe,
    empty_matches,
    exact_matches,
    lower_same_length,
    near_matches,
)

CODEFRAME = Codeframe((Theme("t1", "fees", ("fee",)), Theme("t2", "atmosphere", ("atmosphere",))))


def test_lower_same_length_keeps_positions() -> None:
    assert lower_same_length("Fee’s OK") == "fee's ok"
    text = "İstanbul Fees"
    low = lower_same_length(text)
    assert len(low) == len(text) and low.endswith("fees")


def test_empty_matches_has_the_match_columns() -> None:
    frame = empty_matches()
    assert tuple(frame.columns) == MATCH_COLUMNS and frame.empty
    assert str(frame["row"].dtype) == "int64"


def test_exact_matches_groups_hits_per_text_and_theme() -> None:
    matcher = compile_codeframe(CODEFRAME, known=frozenset())
    texts = ["Fees and a fee", "no"]
    joined = "\x00".join(t.lower() for t in texts)
    hits = [(m.start(), m.end(), m.group()) for m in matcher.pattern.finditer(joined)]
    starts = np.array([0, len(texts[0]) + 1])
    frame = exact_matches(hits, matcher, texts, starts, np.array([1, 1]), np.array([0, 1]), starts.copy())
    assert frame.drop(columns="_theme").to_dict("records") == [{
        "row": 0, "theme_key": "t1", "theme": "fees", "how": "phrase", "phrase": "fee", "matched": "Fees",
        "spans": "0:4,11:14", "clauses": "0"}]
    assert exact_matches([], matcher, texts, starts, np.array([1, 1]), np.array([0, 1]), starts).empty


def test_near_matches_only_reads_texts_without_a_keyword() -> None:
    matcher = compile_codeframe(CODEFRAME, known=frozenset({"great"}))
    lowered = ["great atmoshere", "great atmoshere"]
    frame = near_matches(lowered, ["Great Atmoshere", "x"], [((0, 15),), ((0, 15),)], matcher, {1})
    assert frame[["row", "theme", "how", "phrase", "matched", "spans", "clauses"]].to_dict("records") == [{
        "row": 0, "theme": "atmosphere", "how": "near", "phrase": "atmosphere", "matched": "Atmoshere",
        "spans": "6:15", "clauses": "0"}]
