"""The comments behind a theme: their themes, the mention's sentiment, search and filters, spans, export."""

from __future__ import annotations

import numpy as np
import pandas as pd

from portal.text.codeframe import Codeframe, Theme
from portal.text.sentiment import NEGATIVE_BELOW, POSITIVE_ABOVE
from portal.text.verbatims import (
    NO_SENTIMENT,
    card_facts,
    comment_frame,
    export_verbatims,
    filter_verbatims,
    languages_of,
    mention_label,
    merge_spans,
    page_count,
    present_sentiments,
    segment_pairs,
    sentiment_split,
    short_text,
    term_spans,
    theme_verbatims,
    themes_of,
    unthemed,
    verbatims_file,
)

CODEFRAME = Codeframe((Theme("t1", "fees", ("fee",)), Theme("t2", "support", ("support",))))


def responses() -> pd.DataFrame:
    """Return four responses: three with a comment, one without."""
    return pd.DataFrame({
        "row_key": ["k0", "k1", "k2", "k3"],
        "date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01", "2024-04-01"]),
        "comment": ["The fee is high", "Support and fee", "Nice", None],
        "sentiment_label": pd.Series(["negative", "odd", None, "positive"], dtype=object),
        "language": pd.Series(["en", "en", "de", "en"], dtype=object),
        "Region": pd.Series(["EU", "US", None, "EU"], dtype=object),
    })


def assignments() -> pd.DataFrame:
    """Return the theme assignments of ``responses`` (support listed before fees on purpose)."""
    return pd.DataFrame({"row_key": ["k0", "k1", "k1"], "theme_key": ["t1", "t2", "t1"],
                         "reason": ["keyword 'fee'", "keyword 'support'", "keyword 'fee'"],
                         "spans": ["4:7", "0:7", "12:15"], "sentiment": [-0.8, np.nan, 0.5]})


def test_comment_frame_keeps_commented_rows_with_their_themes_in_codeframe_order():
    out = comment_frame(responses(), assignments(), CODEFRAME, ["Region"])
    assert list(out["row_key"]) == ["k0", "k1", "k2"]
    assert list(out["themes"]) == ["fees", "fees; support", ""]
    assert list(out["sentiment"]) == ["negative", NO_SENTIMENT, NO_SENTIMENT]
    assert list(out["Region"])[:2] == ["EU", "US"]


def test_mention_label_uses_the_clause_polarity_then_the_comments_label():
    assert mention_label(NEGATIVE_BELOW - 0.01, "positive") == "negative"
    assert mention_label(POSITIVE_ABOVE + 0.01, "negative") == "positive"
    assert mention_label(0.0, "negative") == "neutral"
    assert mention_label(np.nan, "positive") == "positive"
    assert mention_label(None, "odd") == NO_SENTIMENT


def test_theme_verbatims_give_the_reason_spans_and_mention_sentiment_newest_first():
    comments = comment_frame(responses(), assignments(), CODEFRAME, ["Region"])
    fees = theme_verbatims(comments, assignments(), "t1")
    assert list(fees["row_key"]) == ["k1", "k0"]
    assert list(fees["sentiment"]) == ["positive", "negative"]
    assert list(fees["spans"]) == [((12, 15),), ((4, 7),)]
    none = theme_verbatims(comments, assignments(), "")
    assert none.empty  # "Nice" is German and the codeframe has no German theme: not read, so not Uncategorised
    english = comment_frame(responses().assign(language="en"), assignments(), CODEFRAME, ["Region"])
    none = theme_verbatims(english, assignments(), "")
    assert list(none["row_key"]) == ["k2"] and none["reason"].iloc[0] == "no keyword of any theme"
    german = Codeframe((*CODEFRAME.themes, Theme("t3", "konto (German)", ("konto",), language="de")))
    none = theme_verbatims(comment_frame(responses(), assignments(), german, ["Region"]), assignments(), "")
    assert list(none["row_key"]) == ["k2"]  # with German themes, a German comment without one is Uncategorised
    everything = unthemed(comments)
    assert list(everything["reason"]) == ["", "", ""] and list(everything["spans"]) == [(), (), ()]


def test_filter_verbatims_combines_search_labels_segments_and_languages():
    comments = comment_frame(responses(), assignments(), CODEFRAME, ["Region"])
    assert list(filter_verbatims(comments, search=" FEE ")["row_key"]) == ["k0", "k1"]
    assert list(filter_verbatims(comments, sentiments=["negative"])["row_key"]) == ["k0"]
    assert list(filter_verbatims(comments, where=[("Region", "EU"), ("Region", "US")])["row_key"]) == ["k0", "k1"]
    assert list(filter_verbatims(comments, languages=["de"])["row_key"]) == ["k2"]
    assert present_sentiments(comments) == ["negative", NO_SENTIMENT]
    assert segment_pairs(comments, ["Region", "Plan"]) == [("Region", "EU"), ("Region", "US")]
    assert languages_of(comments) == ["de", "en"]


def test_sentiment_split_shows_unknown_only_when_there_is_some():
    split = sentiment_split(pd.DataFrame({"sentiment": ["negative", "negative", "positive", NO_SENTIMENT]}))
    assert list(split["sentiment"]) == ["negative", "neutral", "positive", NO_SENTIMENT]
    assert list(split["n"]) == [2, 0, 1, 1] and split["share"].sum() == 1.0
    empty = sentiment_split(pd.DataFrame({"sentiment": pd.Series([], dtype=object)}))
    assert list(empty["sentiment"]) == ["negative", "neutral", "positive"] and empty["share"].sum() == 0.0


def test_export_verbatims_names_the_columns_for_a_spreadsheet():
    comments = comment_frame(responses(), assignments(), CODEFRAME, ["Region"])
    out = export_verbatims(theme_verbatims(comments, assignments(), "t1"), ["Region"])
    assert list(out.columns) == ["Date", "Comment", "Sentiment", "Language", "Region", "Themes", "Request",
                                 "Why this theme", "Response key"]


def test_the_comments_download_names_the_portal_columns_as_the_export_does():
    comments = comment_frame(responses(), assignments(), CODEFRAME, ["Region"])
    out = verbatims_file(theme_verbatims(comments, assignments(), "t1"), ["Region"])
    assert list(out.columns) == ["portal_date", "Comment", "portal_sentiment_label", "portal_language", "Region",
                                 "portal_themes", "portal_request", "portal_theme_reason", "portal_row_key"]
    assert set(out["portal_request"]) <= {"true", "false"}


def test_spans_are_found_case_insensitively_and_joined_across_spaces_and_hyphens():
    assert term_spans("Fee, fee; FEE", "fee") == [(0, 3), (5, 8), (10, 13)]
    assert term_spans("anything", "  ") == []
    assert merge_spans([(10, 17), (0, 8), (3, 5)], "customer  service team") == [(0, 17)]
    assert merge_spans([(0, 3), (5, 8), (-2, 0)], "fee, fee") == [(0, 3), (5, 8)]


def test_cards_pages_and_short_texts():
    row = {"date": pd.Timestamp("2024-02-03"), "sentiment": "positive", "Region": "EU", "Plan": np.nan,
           "themes": "fees", "reason": "keyword 'fee'"}
    assert card_facts(row, ["Region", "Plan"], str.upper) == ["03 Feb 2024", "positive", "REGION: EU", "themes: fees",
                                                             "keyword 'fee'"]
    assert page_count(1, 10) == 1 and page_count(10, 10) == 1 and page_count(11, 10) == 2
    assert short_text("a  b\nc") == "a b c" and short_text("x" * 100, 10) == "x" * 9 + "…"
    assert themes_of(pd.Series({"themes": "fees; gone"}), ["fees", "support"]) == ["fees"]
