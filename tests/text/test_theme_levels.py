"""Figures on two levels, against a case computed by hand: a parent counts its own hits and its sub-themes'
comments once each, its sentiment is that of the clauses that mention it, and the page's rows nest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.model import DatasetConfig, Mapping
from portal.text.codeframe import UNCATEGORISED, Codeframe, Theme
from portal.text.figures import theme_records, theme_table
from portal.text.theme_levels import direct_labels, theme_counts, wanted_keys, with_parents
from portal.text.theme_view import ranking_frame, theme_labels, theme_rows

FRAME = Codeframe((
    Theme("t1", "Flight", ("flight",)),
    Theme("t2", "Delayed", ("delay",), parent="t1"),
    Theme("t3", "Cancelled", ("cancelled",), parent="t1"),
    Theme("t4", "Staff", ("staff",)),
))
CONFIG = DatasetConfig(mapping=Mapping(nps="NPS", comment=("Comment",)))
#: (comment, theme key, clauses, clause sentiment) as matching stores them: the hits of each theme's own keywords.
HITS = [("k0", "t1", "0", -0.5), ("k0", "t2", "0", -0.5), ("k1", "t2", "0", -0.8), ("k1", "t3", "1", 0.2),
        ("k2", "t4", "0", 0.9), ("k3", "t3", "0", -0.4), ("k5", "t1", "0", 0.6)]
POLARITIES = {"k0": [-0.5], "k1": [-0.8, 0.2], "k2": [0.9], "k3": [-0.4], "k5": [0.6]}


def hits(rows=HITS) -> pd.DataFrame:
    """Return stored-style assignments from (comment, theme key, clauses, sentiment) rows."""
    return pd.DataFrame({
        "row_key": pd.Series([r[0] for r in rows], dtype=object),
        "theme_key": pd.Series([r[1] for r in rows], dtype=object),
        "how": pd.Series(["phrase"] * len(rows), dtype=object),
        "spans": pd.Series(["0:4"] * len(rows), dtype=object),
        "clauses": pd.Series([r[2] for r in rows], dtype=object),
        "sentiment": pd.Series([r[3] for r in rows], dtype="float64"),
    })


def responses() -> pd.DataFrame:
    """Six commented responses with NPS 0, 2, 10, 9, 10, 7 (k4 mentions no theme)."""
    return pd.DataFrame({
        "row_key": [f"k{i}" for i in range(6)],
        "comment": ["flight delay", "delay. cancelled", "staff", "cancelled", "nothing", "flight"],
        "nps": [0.0, 2.0, 10.0, 9.0, 10.0, 7.0],
        "sentiment": np.nan,
        "sentiment_label": pd.Series([None] * 6, dtype=object),
    })


def union() -> pd.DataFrame:
    """Return the hand case's assignments with the parent level."""
    return with_parents(hits(), FRAME, clause_polarity=POLARITIES.get)


def test_a_parent_row_per_comment_of_its_own_hits_and_its_sub_themes() -> None:
    out = union()
    flight = out[out["theme_key"] == "t1"].set_index("row_key")
    assert sorted(flight.index) == ["k0", "k1", "k3", "k5"]  # k0 holds both its own and a sub-theme hit: once
    assert flight.loc["k1", "clauses"] == "0,1"
    assert flight.loc["k1", "sentiment"] == pytest.approx(-0.3)
    assert len(out[out["theme_key"] == "t2"]) == 2 and len(out[out["theme_key"] == "t4"]) == 1
    assert list(out["row_key"].drop_duplicates()) == ["k0", "k1", "k2", "k3", "k5"]


def test_a_parent_clause_named_twice_counts_once_in_its_sentiment() -> None:
    # "flight delay, great flight": the parent's own hit is in clauses 0 and 1, its sub-theme's in clause 0.
    rows = [("k0", "t1", "0,1", 0.1), ("k0", "t2", "0", -0.6)]
    out = with_parents(hits(rows), FRAME, clause_polarity={"k0": [-0.6, 0.8]}.get)
    assert out.loc[out["theme_key"] == "t1", "sentiment"].iloc[0] == pytest.approx(0.1)  # (-0.6 + 0.8) / 2
    without = with_parents(hits(rows), FRAME)  # clause polarities unknown: the mean of the hits
    assert without.loc[without["theme_key"] == "t1", "sentiment"].iloc[0] == pytest.approx(-0.25)


def test_figures_at_both_levels_match_the_hand_computation() -> None:
    table = theme_table(responses(), union(), FRAME, CONFIG).set_index("theme")
    flight = table.loc["Flight"]
    assert flight["n"] == 4 and flight["share"] == pytest.approx(4 / 6)
    assert flight["sentiment"] == pytest.approx((-0.5 - 0.3 - 0.4 + 0.6) / 4)
    assert flight["nps"] == pytest.approx(100 * (1 - 2) / 4)  # k3 promoter; k0, k1 detractors; k5 passive
    assert flight["nps_impact"] == pytest.approx(100 * (3 - 2) / 6 - 100.0)  # all: 16.7; without: k2, k4 = 100
    assert table.loc["Delayed", "n"] == 2 and table.loc["Delayed", "sentiment"] == pytest.approx(-0.65)
    assert table.loc["Cancelled", "sentiment"] == pytest.approx(-0.1)
    assert table.loc["Delayed", "parent"] == "Flight" and table.loc["Flight", "parent"] is None
    top = table[table["parent"].isna()]
    assert int(top["n"].sum()) == 6  # top level and Uncategorised: every comment exactly once
    assert table.loc[UNCATEGORISED, "n"] == 1


def test_cli_records_name_the_parent() -> None:
    records = {r["theme"]: r for r in theme_records(theme_table(responses(), union(), FRAME, CONFIG))}
    assert records["Delayed"]["parent"] == "Flight" and records["Flight"]["parent"] is None
    assert records[UNCATEGORISED]["parent"] is None


def test_the_page_ranks_one_level_and_nests_the_table() -> None:
    table = theme_table(responses(), union(), FRAME, CONFIG)
    assert list(ranking_frame(table, "volume", 6)["theme"]) == ["Flight", "Staff", UNCATEGORISED]
    assert list(ranking_frame(table, "volume", 6, parent="Flight")["theme"]) == ["Delayed", "Cancelled"]
    assert list(theme_rows(table)["Theme"]) == ["Flight", "Flight › Delayed", "Flight › Cancelled", "Staff",
                                                UNCATEGORISED]
    assert theme_labels(table)["Cancelled"] == "Flight › Cancelled"


def test_counts_for_a_preview_use_the_union() -> None:
    counts = theme_counts([(r[0], r[1]) for r in HITS], FRAME)
    assert counts.to_dict() == {"t1": 4, "t2": 2, "t3": 2, "t4": 1}


def test_a_file_lists_sub_themes_with_their_parent_and_a_bare_parent_alone() -> None:
    assert direct_labels({"t1", "t2"}, FRAME) == ["Flight › Delayed"]
    assert direct_labels({"t1", "t4"}, FRAME) == ["Flight", "Staff"]
    assert direct_labels({"t3", "t2"}, FRAME) == ["Flight › Delayed", "Flight › Cancelled"]


def test_unticking_a_parent_removes_its_sub_themes_and_a_ticked_sub_theme_brings_its_parent() -> None:
    shown = {"t1", "t2", "t4"}
    assert wanted_keys({"t2", "t4"}, shown, {"t2", "t4"}, FRAME) == {"t4"}  # Flight unticked: Delayed goes too
    assert wanted_keys({"t1", "t2", "t3", "t4"}, shown, {"t2", "t4"}, FRAME) == {"t2", "t3", "t4"}
    assert wanted_keys({"t3"}, {"t4"}, {"t4"}, FRAME) == {"t3"}  # Flight comes with Cancelled, no hit needed
    assert wanted_keys({"t1", "t2"}, shown, {"t1", "t2", "t4"}, FRAME) == {"t1", "t2"}  # its own hit stays
