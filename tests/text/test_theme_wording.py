"""The Themes page's sentences about its figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from portal.text.codeframe import UNCATEGORISED
from portal.text.theme_wording import (
    comment_scope,
    correction_line,
    coverage_line,
    dataset_line,
    keyword_line,
    ranking_note,
    split_line,
    theme_facts,
    verbatims_line,
)


def test_dataset_and_coverage_lines():
    assert dataset_line("Acme", 1234, 12, 3) == "Acme: 1,234 comments, 12 themes (codeframe version 3)."
    assert dataset_line("Acme", 5, 1, 1, "Plan: Pro").endswith("(codeframe version 1). Filtered to Plan: Pro.")
    assert coverage_line(0.755, 2000) == "1,510 of 2,000 comments have at least one theme."


def test_ranking_note_says_how_many_themes_are_left_out():
    assert ranking_note("volume", 0) == ("Largest first. Bars: share of all comments; lines: 95% interval. Grey: "
                                         "comments without a theme. Click a bar to see its comments.")
    assert ranking_note("impact", 2).endswith(" 2 themes without this figure are not shown.")


def test_theme_facts_leave_out_missing_figures_and_nps_without_scores():
    row = pd.Series({"n": 1200, "share": 0.25, "negative_share": 0.4, "nps": 12.4, "nps_impact": -3.21,
                     "nps_impact_low": -5.0, "nps_impact_high": -1.5})
    assert theme_facts(row, True) == ("1,200 comments (25%); 40% negative; NPS 12; impact on NPS -3.2 points "
                                      "(95%: -5.0 to -1.5).")
    assert theme_facts(row, False) == "1,200 comments (25%); 40% negative."
    assert theme_facts(row.replace({0.4: np.nan}), False) == "1,200 comments (25%)."


def test_keyword_line_lists_fifteen_and_counts_the_rest():
    words = [f"w{i}" for i in range(18)]
    assert keyword_line("fees", words) == ", ".join(words[:15]) + " and 3 more"
    assert keyword_line("fees", ["fee"]) == "fee"
    assert keyword_line(UNCATEGORISED, []) == "none: these comments match no theme"


def test_comment_lines():
    split = pd.DataFrame({"sentiment": ["negative", "positive"], "n": [1500, 500], "share": [0.75, 0.25]})
    assert split_line(split) == "negative: 1,500 (75%) · positive: 500 (25%)"
    assert comment_scope("fees", False) == "about 'fees'" and comment_scope("fees", True) == "in the selection"
    assert verbatims_line(1500, "about 'fees'", " app ") == ("1,500 comments about 'fees' contain 'app'. Newest "
                                                             "first; the words that put a comment under the theme "
                                                             "are in bold.")
    assert verbatims_line(2, "in the selection", "").startswith("2 comments in the selection. Newest first")
    assert correction_line(["fees", "app"], "positive") == "Saved: the comment now has fees, app and is positive."
    assert correction_line([], None) == "Saved: the comment now has no theme."
