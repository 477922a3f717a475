"""The Competitors page on the demo app-store reviews: cards for every brand, the heat-map, gaps in words, needs,
downloads, our brand in the link and remembered with the dataset, and what to upload when there is one brand only."""

from __future__ import annotations

import pandas as pd
import pytest
from kpitools import REVIEWS, SURVEY, by_label, open_app

from portal.compare.wording import gap_sentence
from portal.services.compare import compare_dataset, remember_ours, remembered_ours
from portal.store import Store


def test_the_demo_reviews_show_every_brand_and_the_library_gaps(demo):
    at = open_app("competitors", query={"dataset": REVIEWS})
    assert not at.exception and not at.error
    picker = by_label(at.selectbox, "Our brand")
    with Store(demo) as store:
        result = compare_dataset(store, REVIEWS, ours=picker.value)
    assert picker.value == result.groups["group"].iloc[0] == "Acme"  # the largest brand first
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    for brand in result.groups["group"]:
        assert brand in text
    real = result.gaps[result.gaps["verdict"].isin(["weakness", "strength"])]
    assert not real.empty
    for _, row in real.iterrows():
        assert gap_sentence(row).replace("%", "") in text.replace("\\", "").replace("%", "")
    labels = [b.label for b in at.get("download_button")]
    assert {"Download themes by brand (CSV)", "Download the gap table (CSV)", "Download market needs (CSV)",
            "Download rating trends (CSV)"} <= set(labels)
    assert f"{result.index['rating_mean']:.0f}" in text
    assert "rank correlation" in text and "only 4 brands, so read it as a hint" in text  # 4 demo brands


def test_our_brand_comes_from_the_link_and_is_remembered_per_dataset(demo_copy):
    at = open_app("competitors", query={"dataset": REVIEWS, "competitors_ours": "Globex"})
    assert not at.exception
    assert by_label(at.selectbox, "Our brand").value == "Globex"
    assert "**Globex** (ours)" in [m.value for m in at.markdown]
    with Store(demo_copy) as store:
        assert remembered_ours(store, REVIEWS) is None  # a link shows a brand; only a pick remembers it
    by_label(at.selectbox, "Our brand").set_value("Initech").run()
    with Store(demo_copy) as store:
        assert remembered_ours(store, REVIEWS) == "Initech"  # stored with the dataset
        assert remembered_ours(store, SURVEY) is None
    by_label(at.sidebar.selectbox, "Dataset").set_value(SURVEY).run()
    assert not [s for s in at.selectbox if s.label == "Our brand"]
    by_label(at.sidebar.selectbox, "Dataset").set_value(REVIEWS).run()
    assert by_label(at.selectbox, "Our brand").value == "Initech"  # this dataset's brand, remembered


def test_a_fresh_session_starts_from_the_remembered_brand_and_a_link_still_wins(demo_copy):
    with Store(demo_copy) as store:
        remember_ours(store, REVIEWS, "initech")  # matched ignoring case, stored as the data spells it
    at = open_app("competitors", query={"dataset": REVIEWS})
    assert not at.exception
    assert by_label(at.selectbox, "Our brand").value == "Initech"
    assert "**Initech** (ours)" in [m.value for m in at.markdown]
    linked = open_app("competitors", query={"dataset": REVIEWS, "competitors_ours": "Globex"})
    assert by_label(linked.selectbox, "Our brand").value == "Globex"
    with Store(demo_copy) as store:
        assert remembered_ours(store, REVIEWS) == "Initech"  # opening a link changes nothing stored


def test_a_dataset_without_competitors_says_what_to_upload(demo):
    at = open_app("competitors", query={"dataset": SURVEY})
    assert not at.exception and not at.error
    words = " ".join(i.value for i in at.info)
    assert "nothing to compare with" in words and "one file per brand" in words
    assert not [s for s in at.selectbox if s.label == "Our brand"]


def test_the_brand_figures_on_the_cards_are_the_stored_reviews(demo):
    at = open_app("competitors", query={"dataset": REVIEWS})
    with Store(demo) as store:
        frame = store.load(REVIEWS)
    counts = frame.groupby("brand").size()
    captions = " ".join(c.value for c in at.caption).replace("\\", "")  # the text as shown, escapes removed
    for brand, n in counts.items():
        assert f"{n:,} reviews" in captions, brand
        stars = pd.to_numeric(frame.loc[frame["brand"] == brand, "rating"]).value_counts(normalize=True)
        assert f"5: {100 * stars[5.0]:.0f}%" in captions  # the rating distribution on the card
    means = pd.to_numeric(frame["rating"]).groupby(frame["brand"]).mean()
    values = [m.value for m in at.metric]
    assert all(f"{m:.2f}" in values for m in means)


def test_filters_that_leave_nothing_to_compare_say_so_and_keep_the_page(demo_copy):
    # Only Initech has a review in Oromo: with that filter Initech stands alone, and Acme is left out.
    at = open_app("competitors", query={"dataset": REVIEWS, "competitors_ours": "Initech", "where": "language=om"})
    assert not at.exception and not at.error  # no page-wide error with advice to upload competitors
    words = " ".join(i.value for i in at.info).replace("\\", "")  # as shown, escapes removed
    assert "No reviews of other brands in the chosen dates or filters." in words and "Upload" not in words
    assert by_label(at.selectbox, "Our brand").value == "Initech"  # the page keeps working: the choice is there
    by_label(at.selectbox, "Our brand").set_value("Acme").run()
    assert not at.exception and not at.error
    assert "No reviews of Acme in the chosen dates or filters." in " ".join(i.value for i in at.info).replace("\\", "")
    at = open_app("competitors", query={"dataset": REVIEWS, "where": "language=de"})  # every brand has German
    assert not at.exception and not at.error and "**Acme** (ours)" in [m.value for m in at.markdown]


def test_a_heat_map_cell_without_a_value_is_grey_with_dark_text():
    import numpy as np

    from portal.ui.compare_views import DARK_INK, MISSING_FILL, heatmap_chart

    cells = pd.DataFrame({"theme": ["konto (German)"] * 2 + ["app"] * 2, "group": ["A", "B", "A", "B"],
                          "problem_rate": [np.nan, 0.1, 0.02, 0.3], "share": [np.nan, 0.2, 0.1, 0.4],
                          "problems": [0, 6, 2, 30], "read": [0, 60, 100, 100]})
    cells["text"] = ["–", "10.0%", "2.0%", "30.0%"]
    spec = heatmap_chart(cells, ["A", "B"]).to_dict()
    rows = next(iter(spec["datasets"].values()))
    missing = next(r for r in rows if r["problem_rate"] is None)
    assert missing["text"] == "–" and missing["ink"] == DARK_INK  # readable on the grey, not white on white
    grey = [layer for layer in spec["layer"] if layer["mark"].get("color") == MISSING_FILL]
    assert len(grey) == 1 and grey[0]["mark"]["type"] == "rect"
    assert grey[0]["transform"] == [{"filter": "!isValid(datum.problem_rate)"}]  # only the cells without a value
    assert spec["layer"].index(grey[0]) == 0 and spec["layer"][-1]["mark"]["type"] == "text"  # under the text


def test_the_clicked_cell_comes_back_from_the_link(demo):
    with Store(demo) as store:
        result = compare_dataset(store, REVIEWS, ours="Acme")
    theme = result.gaps["theme"].iloc[0]
    query = {"dataset": REVIEWS, "competitors_theme": theme, "competitors_brand": "Globex"}
    at = open_app("competitors", query=query)
    assert not at.exception and not at.error
    shown = [m.value.replace("\\", "") for m in at.markdown]
    assert any(m.startswith(f"Reviews of Globex that mention {theme}:") for m in shown)
    assert at.query_params["competitors_theme"] == theme and at.query_params["competitors_brand"] == "Globex"
    assert "Download these reviews (CSV)" in [b.label for b in at.get("download_button")]
    stale = open_app("competitors", query={**query, "competitors_theme": "no such theme"})
    assert not stale.exception and not stale.error
    assert not [m for m in stale.markdown if m.value.startswith("Reviews of Globex")]
    assert "no such theme" in " ".join(w.value for w in stale.sidebar.warning)  # said once, then dropped
    assert "competitors_theme" not in stale.query_params


def test_the_gap_table_has_the_sentence_and_the_difference_in_points(demo):
    import json

    from portal.ui.compare_views import GAP_LABELS, POINTS

    at = open_app("competitors", query={"dataset": REVIEWS})
    with Store(demo) as store:
        result = compare_dataset(store, REVIEWS, ours="Acme")
    table = next(d for d in at.dataframe if GAP_LABELS["sentence"] in d.value.columns)
    shown = table.value
    assert list(shown[GAP_LABELS["sentence"]]) == [gap_sentence(row) for _, row in result.gaps.iterrows()]
    points = shown[GAP_LABELS["difference"]].to_numpy(dtype=float)
    assert points == pytest.approx(100 * result.gaps["difference"].to_numpy(dtype=float), nan_ok=True)
    config = json.loads(table.proto.columns)[GAP_LABELS["difference"]]["type_config"]
    assert config["format"] == POINTS == "%+.1f pts"  # "+4.2 pts", not a percent


def test_the_competitive_index_is_said_in_plain_words():
    from portal.ui.compare_views import index_line

    line = index_line({"rating_mean": 137.2, "positive_share": 1167.0, "sentiment": -0.523})
    assert line == ("Against the competitors' average, set at 100, our average rating scores 137 and our share of "
                    "positive reviews scores 1,167 (above 100 is better than them). Our average sentiment is 0.52 "
                    "lower than theirs.")
    assert index_line({"rating_mean": float("nan"), "sentiment": 0.001}) == "Our average sentiment is the same as theirs."


def test_the_page_shows_the_index_in_words(demo):
    at = open_app("competitors", query={"dataset": REVIEWS})
    assert not at.exception
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Against the competitors' average, set at 100" in captions and "Competitive index" not in captions


def test_the_gap_tables_rates_are_in_percent_with_one_decimal(demo):
    import json

    from portal.ui.compare_views import GAP_LABELS

    at = open_app("competitors", query={"dataset": REVIEWS})
    with Store(demo) as store:
        result = compare_dataset(store, REVIEWS, ours="Acme")
    table = next(d for d in at.dataframe if GAP_LABELS["sentence"] in d.value.columns)
    ours = table.value[GAP_LABELS["ours_problem_rate"]].to_numpy(dtype=float)
    assert ours == pytest.approx(100 * result.gaps["ours_problem_rate"].to_numpy(dtype=float), nan_ok=True)
    config = json.loads(table.proto.columns)
    assert config[GAP_LABELS["ours_problem_rate"]]["type_config"]["format"] == "%.1f%%"  # "12.1%", not "12.05%"
    assert "p-value" not in " ".join(table.value.columns)


def test_a_cells_reviews_have_named_columns_and_no_empty_date_column(demo):
    from portal.ui.compare_views import cell_table

    with Store(demo) as store:
        result = compare_dataset(store, REVIEWS, ours="Acme")
    query = {"dataset": REVIEWS, "competitors_theme": result.gaps["theme"].iloc[0], "competitors_brand": "Globex"}
    at = open_app("competitors", query=query)
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Comment" in d.value.columns)
    assert list(table.columns) == ["Date", "Rating", "Sentiment", "Negative mention", "Comment"]
    undated = pd.DataFrame({"date": [pd.NaT, pd.NaT], "rating": [1.0, 2.0], "sentiment": [-0.99851, -0.5],
                            "negative": [True, True], "comment": ["Terrible", "Slow"]})
    shown, settings = cell_table(undated)
    assert "Date" not in shown.columns and "Date" not in settings["column_config"]  # no column of "None"
    assert list(shown["Comment"]) == ["Terrible", "Slow"]


def test_a_long_brand_name_keeps_its_whole_name_over_the_heat_map():
    from portal.ui.compare_views import heatmap_chart

    brands = ["Bank of Abyssinia", "Commercial Bank of Ethiopia", "Dashen Bank"]
    cells = pd.DataFrame({"theme": "update", "group": brands, "problem_rate": [0.094, 0.046, 0.014],
                          "share": 0.1, "problems": [10, 5, 1], "read": 100, "text": ["9.4%", "4.6%", "1.4%"]})
    axis = heatmap_chart(cells, brands).to_dict()["layer"][-1]["encoding"]["x"]["axis"]
    # "Commercial Bank of Ethi…" was cut at 140 px while its column was 250 px wide.
    assert axis["labelAngle"] == 0 and axis["labelLimit"] >= 27 * 7
