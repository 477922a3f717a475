"""Global filters: parsing link values, applying them, and keeping them in the URL across pages."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from kpitools import REVIEWS, SURVEY, by_label, go_to, make_demo_store, open_app, portal_at, texts

from portal import metrics
from portal.metrics import column_label
from portal.model import DatasetConfig, Mapping
from portal.store import Store
from portal.ui.filters import (
    FilterChoices,
    Filters,
    apply_filters,
    describe_filters,
    filter_choices,
    parse_query,
    selection_filters,
)

CHOICES = FilterChoices(
    first=date(2024, 1, 1), last=date(2024, 12, 31),
    columns=(("Plan", ("Basic", "Plus")), ("Region (segment)", ("EMEA", "US")), ("brand", ("A=B", "Acme"))),
    labels=(("Plan", "Plan"), ("Region (segment)", "Region"), ("brand", "App")),
)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with the demo datasets, made once for this module."""
    return make_demo_store(tmp_path_factory.mktemp("filters"))


@pytest.fixture
def demo(demo_url: str):
    """Point the portal at the demo store."""
    with portal_at(demo_url):
        yield demo_url


# ---------------------------------------------------------------------------------------------------------
# Parsing and applying (no Streamlit)
# ---------------------------------------------------------------------------------------------------------


def test_parse_query_reads_dates_and_repeated_values():
    filters, warnings = parse_query(
        {"from": "2024-03-01", "to": "2024-06-30", "where": ["Plan=Plus", "Plan=Basic", "Region=EMEA"]}, CHOICES)
    assert warnings == []
    assert filters.start == date(2024, 3, 1) and filters.end == date(2024, 6, 30)
    assert filters.where_dict() == {"Plan": ["Plus", "Basic"], "Region (segment)": ["EMEA"]}


def test_parse_query_splits_on_the_first_equals_sign_only():
    filters, warnings = parse_query({"where": "brand=A=B"}, CHOICES)
    assert warnings == [] and filters.values("brand") == ("A=B",)


@pytest.mark.parametrize(("query", "fragment"), [
    ({"from": "2024-13-01"}, "not a date"),
    ({"to": "yesterday"}, "not a date"),
    ({"from": "2024-06-01", "to": "2024-02-01"}, "backwards"),
    ({"from": "2025-02-01"}, "outside the data"),
    ({"where": "Plan"}, "COLUMN=VALUE"),
    ({"where": "=Plus"}, "COLUMN=VALUE"),
    ({"where": "Colour=Red"}, "no column 'Colour'"),
    ({"where": "Plan=Gold"}, "Plan = 'Gold'"),
])
def test_parse_query_ignores_bad_values_with_a_warning(query, fragment):
    filters, warnings = parse_query(query, CHOICES)
    assert filters == Filters()
    assert len(warnings) == 1 and fragment in warnings[0]


def test_parse_query_keeps_good_values_next_to_bad_ones_and_never_evaluates_them():
    filters, warnings = parse_query(
        {"where": ["Plan=Plus", "Plan=__import__('os')", "Plan=Plus"], "from": "2024-02-01"}, CHOICES)
    assert filters.where_dict() == {"Plan": ["Plus"]} and filters.start == date(2024, 2, 1)
    assert len(warnings) == 1 and "__import__" in warnings[0]


def test_parse_query_drops_bounds_that_cover_the_whole_data():
    filters, warnings = parse_query({"from": "2020-01-01", "to": "2030-01-01"}, CHOICES)
    assert warnings == [] and not filters.active


def test_parse_query_without_dates_in_the_data_ignores_a_date_range():
    filters, warnings = parse_query({"from": "2024-02-01"}, FilterChoices())
    assert not filters.active and "no dates" in warnings[0]


def test_filters_round_trip_through_query_and_cache_key():
    filters = Filters(start=date(2024, 2, 1), where=(("Plan", ("Plus",)),)).with_values("brand", ["Acme", "Acme"])
    assert filters.to_query() == {"from": ["2024-02-01"], "where": ["Plan=Plus", "brand=Acme"]}
    assert Filters.from_key(filters.key()) == filters
    assert parse_query(filters.to_query(), CHOICES)[0] == filters
    assert filters.with_values("Plan", []).where_dict() == {"brand": ["Acme"]}


def test_describe_filters_uses_the_names_people_know():
    filters = Filters(start=date(2024, 2, 1), where=(("Region (segment)", ("EMEA", "US")),))
    assert describe_filters(filters, CHOICES) == "1 Feb 2024 to 31 Dec 2024; Region: EMEA or US"
    assert describe_filters(Filters(), CHOICES) == ""


def test_selection_filters_reads_clicked_points():
    fields = [("value", "Region"), ("value_2", "Plan")]
    assert selection_filters([{"value": "APAC", "value_2": "Pro"}], fields) == {"Region": ["APAC"], "Plan": ["Pro"]}
    assert selection_filters([{"value": "APAC"}, {"value": "EMEA"}], fields[:1]) == {"Region": ["APAC", "EMEA"]}
    assert selection_filters([{"value": "(no value)"}], fields[:1]) == {}
    assert selection_filters(None, fields) == {}


def frame_and_config() -> tuple[pd.DataFrame, DatasetConfig]:
    """Return a small canonical frame with a segment, a brand and a date, and its configuration."""
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame({
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D"),
        "nps": rng.integers(0, 11, n).astype(float),
        "brand": rng.choice(["Acme", "Globex"], n).astype(object),
        "Plan": pd.Categorical(rng.choice(["Basic", "Plus", None], n)),
        "Many": [f"v{i}" for i in range(n)],
    })
    config = DatasetConfig(mapping=Mapping(date="d", nps="n", brand="App", segments=("Plan", "Many")))
    return frame, config


def test_filter_choices_lists_values_and_skips_columns_with_too_many():
    frame, config = frame_and_config()
    choices = filter_choices(frame, config, max_values=100)
    assert dict(choices.columns) == {"brand": ("Acme", "Globex"), "Plan": ("Basic", "Plus")}
    assert choices.label("brand") == "App" and choices.first == frame["date"].min().date()
    assert column_label("Plan (segment)", config) == "Plan"


def test_apply_filters_matches_the_library_selection():
    frame, config = frame_and_config()
    filters = Filters(start=date(2024, 2, 1), end=date(2024, 4, 30), where=(("Plan", ("Plus",)),))
    kept = apply_filters(frame, config, filters)
    expected = metrics.select(frame, config, start="2024-02-01", end="2024-04-30", where={"Plan": ["Plus"]})
    assert len(kept) == len(expected) > 0
    assert (kept["Plan"] == "Plus").all() and kept["date"].max() < pd.Timestamp("2024-05-01")
    assert apply_filters(frame, config, Filters()) is frame


# ---------------------------------------------------------------------------------------------------------
# In the portal: links, widgets, URL, pages
# ---------------------------------------------------------------------------------------------------------


def survey_frame_of(url: str) -> pd.DataFrame:
    """Return the demo survey as the store holds it."""
    with Store(url) as store:
        return store.load(SURVEY)


def test_a_link_with_filters_sets_the_sidebar_and_the_figures(demo):
    at = open_app(query={"dataset": SURVEY, "where": ["Region=APAC", "Plan=Pro"], "from": "2026-01-01"})
    assert not at.exception and not at.error
    assert by_label(at.multiselect, "Region").value == ["APAC"]
    assert by_label(at.multiselect, "Plan").value == ["Pro"]
    assert by_label(at.date_input, "Dates").value[0] == date(2026, 1, 1)
    frame = survey_frame_of(demo)
    kept = frame[(frame["Region"] == "APAC") & (frame["Plan"] == "Pro") & (frame["date"] >= "2026-01-01")]
    assert f"{len(kept):,} responses" in texts(at)
    assert "Filtered to Plan: Pro; Region: APAC" in texts(at)  # in the sidebar's order
    assert at.query_params["where"] == ["Plan=Pro", "Region=APAC"]
    assert at.query_params["from"] == "2026-01-01"


def test_bad_link_values_are_ignored_with_a_gentle_warning_and_dropped_from_the_url(demo):
    at = open_app(query={"dataset": SURVEY, "where": ["Region=APAC", "Plan=Gold", "junk"], "to": "31/12/2026"})
    assert not at.exception and not at.error
    warnings = [w.value for w in at.sidebar.warning]
    assert any("Gold" in w for w in warnings) and any("junk" in w for w in warnings)
    assert any("31/12/2026" in w for w in warnings)
    assert at.query_params["where"] == "Region=APAC" and "to" not in at.query_params
    at.run()
    assert not at.sidebar.warning  # the link is clean now


def test_changing_a_filter_writes_it_into_the_url(demo):
    at = open_app(query={"dataset": SURVEY})
    assert "where" not in at.query_params
    by_label(at.multiselect, "Channel").set_value(["Email"]).run()
    assert at.query_params["where"] == "Channel=Email"
    by_label(at.date_input, "Dates").set_value((date(2025, 6, 1), date(2026, 3, 31))).run()
    assert at.query_params["from"] == "2025-06-01" and at.query_params["to"] == "2026-03-31"
    assert "Filtered to Channel: Email" in texts(at)


def test_filters_survive_a_page_switch_that_clears_the_query_string(demo):
    at = open_app(query={"dataset": SURVEY, "where": "Plan=Enterprise"})
    at = go_to(at, "segments")
    assert not at.exception and not at.error
    assert at.query_params["where"] == "Plan=Enterprise" and at.query_params["dataset"] == SURVEY
    assert "The portal is filtered to Plan: Enterprise" in texts(at)
    at = go_to(at, "overview")
    assert by_label(at.multiselect, "Plan").value == ["Enterprise"]
    assert "Filtered to Plan: Enterprise" in texts(at)


def test_clear_filters_empties_the_sidebar_and_the_url(demo):
    at = open_app(query={"dataset": SURVEY, "where": "Plan=Pro", "from": "2026-01-01"})
    [clear] = [b for b in at.sidebar.button if b.label == "Clear filters"]
    at = clear.click().run()
    assert by_label(at.multiselect, "Plan").value == []
    assert "where" not in at.query_params and "from" not in at.query_params
    assert not [b for b in at.sidebar.button if b.label == "Clear filters"]


def test_switching_dataset_drops_the_other_datasets_filters_quietly(demo):
    at = open_app(query={"dataset": SURVEY, "where": "Plan=Pro"})
    by_label(at.sidebar.selectbox, "Dataset").set_value(REVIEWS).run()
    assert not at.exception and not at.error and not at.sidebar.warning
    assert "where" not in at.query_params and at.query_params["dataset"] == REVIEWS
    assert [m.label for m in at.sidebar.multiselect][:2] == ["App", "Country"]


def test_a_link_to_an_unknown_dataset_says_which_one_is_shown(demo):
    at = open_app(query={"dataset": "Gone", "where": "Plan=Pro"})
    assert not at.exception and not at.error
    assert any("Gone" in w.value for w in at.sidebar.warning)
