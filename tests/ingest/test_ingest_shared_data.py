"""Every public data set: read with the right row count, mapped to the right roles, validated sensibly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from portal.ingest.detect import Detection, detect
from portal.ingest.read import Table, read_table
from portal.ingest.validate import Validation, validate

pytestmark = pytest.mark.shared_data


def load(folder: Path, name: str) -> tuple[Table, Detection, Validation]:
    """Read, detect and validate one data file."""
    table = read_table((folder / name).read_bytes(), name)
    detection = detect(table.frame)
    return table, detection, validate(table, detection.config)


def test_nps_telecom_verbatims(shared_data):
    table, det, v = load(shared_data, "nps_telecom_verbatims.csv")
    assert len(table.frame) == 2385
    c, m = det.config, det.config.mapping
    assert (m.date, m.nps, m.comment) == ("CUSTOMER_RESPONSE_DATE", "NPS_SCORE", ("text",))
    assert c.dayfirst is True and c.kind == "survey"
    assert {"NPS_RATING", "SURVEY_SUB_TYPE"} <= set(m.segments)
    assert m.rating is None and m.csat is None
    assert v.rejects.empty and len(v.canonical) == 2385
    canonical = v.canonical
    assert canonical["nps"].isna().sum() == 32  # no score, but a comment: still valid
    assert canonical["comment"].notna().all()
    months = canonical["date"].dt.to_period("M").value_counts().sort_index()
    assert months.tolist() == [89, 429, 426, 538, 390, 336, 177]
    assert str(months.index[0]) == "2017-12"
    scored = canonical["nps"].dropna()
    nps = 100 * ((scored >= 9).mean() - (scored <= 6).mean())
    assert round(nps, 1) == -24.7


def test_womens_clothing_reviews(shared_data):
    table, det, v = load(shared_data, "womens_clothing_reviews.csv")
    assert len(table.frame) == 23486
    c, m = det.config, det.config.mapping
    assert m.rating == "Rating" and c.rating_scale == (1, 5) and c.csat_from_rating is True
    assert m.comment == ("Title", "Review Text")
    assert m.id is None and "Clothing ID" in m.segments
    assert {"Division Name", "Department Name", "Class Name"} <= set(m.segments)
    assert m.recommend == "Recommended IND" and "Recommended IND" not in m.segments
    assert v.canonical["recommend"].isin([0.0, 1.0]).all()
    assert m.nps is None and c.kind == "reviews"
    assert "derived" in det.reasons["Rating"]
    assert v.rejects.empty
    assert v.duplicates == 21
    assert v.canonical["rating"].value_counts().sort_index().tolist() == [842, 1565, 2871, 5077, 13131]
    assert v.canonical["comment"].isna().sum() == 844  # rated, no text: still valid
    assert v.canonical["comment"].str.contains("\r\n", regex=False).sum() >= 1398
    assert (v.canonical["csat"] >= 4).mean() == pytest.approx(0.775, abs=0.001)


def test_neobank_appstore_reviews(shared_data):
    table, det, v = load(shared_data, "neobank_appstore_reviews.csv")
    assert len(table.frame) == 9030
    m = det.config.mapping
    assert (m.brand, m.rating, m.comment) == ("App", "Rating", ("Comment",))
    assert det.config.kind == "reviews" and det.config.csat_from_rating
    assert v.rejects.empty and v.duplicates == 29
    assert v.canonical["rating"].value_counts().sort_index().tolist() == [2342, 391, 425, 658, 5214]
    means = v.canonical.groupby("brand")["rating"].mean().round(2).to_dict()
    assert means == {"bunq": 1.83, "monzo-bank": 4.08, "n26-mobile-banking": 3.74, "revolut": 3.35}


def test_ethiopian_bank_app_reviews(shared_data):
    table, det, v = load(shared_data, "ethiopian_bank_app_reviews.csv")
    assert len(table.frame) == 8988
    m = det.config.mapping
    assert (m.comment, m.rating, m.date, m.brand) == (("review",), "rating", "date", "bank")
    assert "source" not in m.columns()
    assert v.rejects.empty
    dates = v.canonical["date"]
    assert (dates.min().date().isoformat(), dates.max().date().isoformat()) == ("2014-02-17", "2025-06-04")
    assert v.canonical["comment"].isna().sum() == 7
    assert v.canonical["brand"].value_counts().to_dict() == {
        "Commercial Bank of Ethiopia": 7496, "Bank of Abyssinia": 1044, "Dashen Bank": 448}


def test_ba_skytrax_reviews(shared_data):
    table, det, v = load(shared_data, "ba_skytrax_reviews.csv")
    assert len(table.frame) == 1324
    c, m = det.config, det.config.mapping
    assert m.comment == ("header", "content")
    assert m.date == "date" and c.dayfirst is True
    assert m.rating == "rating" and c.rating_scale == (1, 10) and c.csat_from_rating is False
    subratings = ["seat_comfort", "cabin_staff_service", "food_beverages", "ground_service", "value_for_money",
                  "entertainment"]
    assert set(subratings) <= set(m.segments)
    assert c.sentinels["entertainment"] == ["-1"]
    assert "author" not in m.columns()
    assert m.recommend == "recommended" and "'yes' counts as yes" in det.reasons["recommended"]
    assert v.rejects.empty
    yes = table.frame["recommended"].str.strip().str.lower().eq("yes")
    assert int(yes.sum()) == 572 and v.canonical["recommend"].sum() == 572
    assert v.canonical["recommend"].mean() == pytest.approx(yes.mean())
    assert v.raw["entertainment"].isna().sum() == 457
    assert not v.raw[subratings].isin(["-1"]).any().any()
    dates = v.canonical["date"]
    assert (dates.min().date().isoformat(), dates.max().date().isoformat()) == ("2016-03-23", "2023-10-03")
    assert v.canonical["rating"].value_counts().sort_index().tolist() == [439, 160, 130, 80, 65, 48, 84, 106, 92,
                                                                        120]


def test_semeval_restaurant_sentences(shared_data):
    table, det, v = load(shared_data, "semeval14_restaurants_aspects.csv")
    assert len(table.frame) == 3841
    m = det.config.mapping
    assert m.id == "id" and m.comment == ("text",)
    assert m.nps is None and m.rating is None
    assert v.rejects.empty
    keys = v.canonical["row_key"]
    assert keys.is_unique and keys.str.startswith("id:").all()


def test_reimporting_a_file_gives_the_same_keys(shared_data):
    name = "neobank_appstore_reviews.csv"
    first = load(shared_data, name)[2].canonical
    second = load(shared_data, name)[2].canonical
    assert first["row_key"].tolist() == second["row_key"].tolist()
    assert first["row_key"].is_unique
    assert np.array_equal(first["content_hash"].to_numpy(), second["content_hash"].to_numpy())
