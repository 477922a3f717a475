"""Selection helpers: dates people give, a frame's dates, the columns to break down by, periods, KPIs mapped."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from portal import metrics
from portal.errors import InputError
from portal.model import DatasetConfig, Mapping


def test_as_date_reads_dates_datetimes_and_text():
    assert metrics.as_date(datetime(2024, 5, 2, 13, 0)) == date(2024, 5, 2)
    assert metrics.as_date(pd.Timestamp("2024-05-02 08:00")) == date(2024, 5, 2)
    assert metrics.as_date(date(2024, 5, 2)) == metrics.as_date("2024-05-02") == date(2024, 5, 2)
    with pytest.raises(InputError, match="The event date takes a date"):
        metrics.as_date("02/05/2024", "The event date")


def test_dates_of_drops_the_time_zone_and_fills_missing_dates(make_frame):
    frame = pd.DataFrame({"date": pd.to_datetime(["2024-01-01T10:00Z", None], utc=True)})
    dates = metrics.dates_of(frame)
    assert dates.dt.tz is None and dates.iloc[0] == pd.Timestamp("2024-01-01 10:00") and pd.isna(dates.iloc[1])
    assert metrics.dates_of(pd.DataFrame({"x": [1, 2]})).isna().all()


def test_breakdown_columns_and_their_labels():
    frame = pd.DataFrame({"brand": ["A"], "Plan (segment)": ["Pro"], "sentiment_label": ["positive"],
                          "language": [None]})
    config = DatasetConfig(mapping=Mapping(brand="App", segments=("Plan",)))
    columns = metrics.breakdown_columns(frame, config)
    assert columns == ["brand", "Plan (segment)", "sentiment_label"]
    assert [metrics.column_label(c, config) for c in columns] == ["App", "Plan", "Sentiment"]


def test_headers_written_like_identifiers_read_as_words():
    # the BA reviews' headers: shown raw, "traveller_type" and "trip_verified" read like program code
    config = DatasetConfig(mapping=Mapping(brand="app_name", segments=("traveller_type", "place", "seat_type")))
    assert metrics.column_label("traveller_type", config) == "Traveller type"
    assert metrics.column_label("place", config) == "Place"
    assert metrics.column_label("seat_type (segment)", config) == "Seat type"
    assert metrics.column_label("brand", config) == "App name"
    # the author's own wording stays as written: capitals, spaces, acronyms, signs
    for header in ("Region", "NPS_RATING", "Recommended IND", "Clothing ID", "plan tier", "q3-answer", "iOS"):
        assert metrics.column_label(header, config) == header


def test_labels_stay_apart_when_two_columns_would_read_the_same():
    config = DatasetConfig(mapping=Mapping(segments=("seat_type", "Seat type", "cabin_class", "Plan")))
    columns = ["seat_type", "Seat type (segment)", "cabin_class", "Plan", "sentiment_label"]
    assert metrics.column_labels(columns, config) == ["seat_type", "Seat type", "Cabin class", "Plan", "Sentiment"]
    # a header that reads like another column's label after rewriting keeps its own spelling too
    assert metrics.column_labels(["plan", "Plan"], config) == ["plan", "Plan"]


def test_period_starts_and_ends():
    starts = metrics.period_starts(date(2024, 1, 17), date(2024, 3, 2), "month")
    assert starts == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01"), pd.Timestamp("2024-03-01")]
    assert metrics.period_end(pd.Timestamp("2024-02-01"), "month") == pd.Timestamp("2024-02-29")
    assert metrics.period_end(pd.Timestamp("2024-04-01"), "quarter") == pd.Timestamp("2024-06-30")
    assert metrics.period_end(pd.Timestamp("2024-05-06"), "week") == pd.Timestamp("2024-05-12")


def test_mapped_metrics_lists_the_kpis_headline_first():
    assert metrics.mapped_metrics(DatasetConfig(mapping=Mapping(rating="r", nps="n"))) == ["nps", "rating"]
    derived = DatasetConfig(mapping=Mapping(rating="r"), csat_from_rating=True)
    assert metrics.mapped_metrics(derived) == ["csat", "rating"] and metrics.headline_metric(derived) == "csat"
    assert metrics.headline_metric(DatasetConfig(mapping=Mapping())) is None
