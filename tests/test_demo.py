"""The demo data generator: deterministic, realistic text exports that tell the intended story."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from portal.demo import (
    DEMO_DATASETS,
    DEMO_END,
    DemoDataset,
    app_update_date,
    price_change_date,
    reviews_frame,
    survey_frame,
    write_demo_csvs,
)
from portal.model import KINDS

SCORE = "How likely are you to recommend Acme to a friend or colleague?"
REASON = "What is the main reason for your score?"
SURVEY_COLUMNS = [
    "Response ID",
    "Submitted at",
    "Customer ID",
    "Plan",
    "Region",
    "Channel",
    "Touchpoint",
    "MRR",
    SCORE,
    REASON,
]
REVIEW_COLUMNS = ["App", "Review ID", "Date", "Rating", "Title", "Review", "Country"]
CRASH_THEME = re.compile(r"crash|sync", re.IGNORECASE)


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return survey_frame()


@pytest.fixture(scope="module")
def reviews() -> pd.DataFrame:
    return reviews_frame()


@pytest.fixture(scope="module")
def submitted(survey: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(survey["Submitted at"], format="ISO8601")


def nps(scores: pd.Series) -> float:
    """NPS of text scores 0-10: % of 9-10 minus % of 0-6."""
    values = scores.astype(int)
    return 100.0 * ((values >= 9).mean() - (values <= 6).mean())


def all_strings(frame: pd.DataFrame) -> bool:
    return all(isinstance(v, str) for col in frame.columns for v in frame[col].tolist())


# ---------------------------------------------------------------------------------------------- determinism


def test_same_seed_gives_identical_frames():
    pd.testing.assert_frame_equal(survey_frame(rows=400), survey_frame(rows=400))
    pd.testing.assert_frame_equal(reviews_frame(rows=400), reviews_frame(rows=400))


def test_different_seed_gives_different_frames():
    assert not survey_frame(rows=400, seed=1).equals(survey_frame(rows=400, seed=2))
    assert not reviews_frame(rows=400, seed=1).equals(reviews_frame(rows=400, seed=2))


def csv_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of the frame written as the demo CSV files are written."""
    return hashlib.sha256(frame.to_csv(index=False, lineterminator="\n").encode("utf-8")).hexdigest()


def test_default_frames_are_exactly_the_recorded_ones(survey, reviews):
    # Recorded from the generator before it became a package: any change to the data shows up here.
    assert csv_digest(survey) == "9dfe5caf969625779728efc563f0778cbf8e0a29730a28d964aa3386cc55ea2f"
    assert csv_digest(reviews) == "f3ae3d930311e7e0db79e36bbee07eec38c7fec578e8c6566378b199d85ca253"
    assert csv_digest(survey_frame(rows=300, seed=3)) == (
        "f2fc1c02b168d497715a61f3b287ba226d1bd890d42116c94b763ef12b41e145")
    assert csv_digest(reviews_frame(rows=200, seed=5)) == (
        "fb7079df72205ddeec36f063c61fe4bfe316e22e9a38df1c4ea6cdaa87daba25")


def test_default_frames_keep_their_recorded_values(survey, reviews):
    assert survey.shape == (6000, 10) and reviews.shape == (4000, 7)
    assert survey["Customer ID"].nunique() == 2500
    assert int((survey[REASON] == "").sum()) == 1582
    assert survey.iloc[0].tolist() == ["R-015795", "2025-05-01T09:42:10", "CUS-99892", "Free", "North America",
                                       "In-app", "Product usage", "0.00", "6", "Too many issues."]
    assert survey.iloc[-1]["Submitted at"] == "2026-10-31T17:56:47"
    assert reviews["App"].value_counts().to_dict() == {"Acme": 1360, "Globex": 1200, "Initech": 880, "Umbrella": 560}
    assert reviews.iloc[0].tolist() == [
        "Acme", "1000010749", "2025-05-01", "1", "Waste of money",
        "Customer support is awful and impossible to reach. A horrible buggy mess after the update. Uninstalling.",
        "US",
    ]
    assert reviews.iloc[-1]["Review ID"] == "1099918236"
    assert (price_change_date(), app_update_date()) == (date(2026, 4, 1), date(2026, 8, 12))


def test_size_follows_rows_and_end_moves_the_window():
    small = survey_frame(rows=250, end=date(2024, 6, 30))
    assert len(small) == 250
    assert pd.to_datetime(small["Submitted at"]).max() < pd.Timestamp("2024-07-01")
    assert len(reviews_frame(rows=37, end=date(2024, 6, 30))) == 37
    assert len(survey_frame(rows=1)) == 1


@pytest.mark.parametrize("factory", [survey_frame, reviews_frame])
def test_rows_below_one_is_refused(factory):
    with pytest.raises(ValueError):
        factory(rows=0)


# ---------------------------------------------------------------------------------------------- survey: shape


def test_survey_default_size_and_columns(survey):
    assert len(survey) == 6000
    assert list(survey.columns) == SURVEY_COLUMNS
    assert all_strings(survey)


def test_survey_values_look_like_an_export(survey, submitted):
    assert set(survey[SCORE].astype(int)) == set(range(11))
    assert survey[SCORE].str.fullmatch(r"\d{1,2}").all()
    assert survey["Submitted at"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d").all()
    assert submitted.is_monotonic_increasing
    assert submitted.min() >= pd.Timestamp(DEMO_END) - pd.DateOffset(months=18)
    assert submitted.max() < pd.Timestamp(DEMO_END) + pd.Timedelta(days=1)
    assert submitted.dt.to_period("M").nunique() == 18
    assert set(survey["Plan"]) == {"Free", "Starter", "Pro", "Enterprise"}
    assert set(survey["Region"]) == {"EMEA", "North America", "APAC", "LATAM"}
    assert set(survey["Channel"]) == {"Email", "In-app", "Web"}
    assert set(survey["Touchpoint"]) == {"Onboarding", "Support", "Billing", "Product usage", "Renewal"}
    assert survey["MRR"].str.fullmatch(r"\d+\.\d\d").all()
    filled = (survey[REASON] != "").mean()
    assert 0.70 <= filled <= 0.80


def test_survey_ids_are_unique_and_customers_answer_repeatedly(survey):
    assert survey["Response ID"].is_unique
    assert survey["Response ID"].str.fullmatch(r"R-\d{6}").all()
    per_customer = survey["Customer ID"].value_counts()
    assert 2400 <= len(per_customer) <= 2600
    assert (per_customer > 1).mean() > 0.4
    assert per_customer.max() >= 5


def test_customer_attributes_are_consistent(survey):
    by_customer = survey.groupby("Customer ID")
    assert (by_customer["MRR"].nunique() == 1).all()
    assert (by_customer["Plan"].nunique() == 1).all()
    assert (by_customer["Region"].nunique() == 1).all()
    mrr = survey["MRR"].astype(float)
    assert (mrr[survey["Plan"] == "Free"] == 0).all()
    assert (mrr[survey["Plan"] != "Free"] > 0).all()
    medians = mrr.groupby(survey["Plan"]).median()
    assert medians["Starter"] < medians["Pro"] < medians["Enterprise"]


# ---------------------------------------------------------------------------------------------- survey: story


def test_overall_nps_is_in_the_intended_band(survey):
    assert 20 <= nps(survey[SCORE]) <= 30


def test_segments_differ_as_designed(survey):
    overall = nps(survey[SCORE])
    assert nps(survey.loc[survey["Plan"] == "Enterprise", SCORE]) >= overall + 5
    assert nps(survey.loc[survey["Region"] == "North America", SCORE]) >= overall + 4
    assert nps(survey.loc[survey["Region"] == "APAC", SCORE]) <= overall - 10
    assert nps(survey.loc[survey["Touchpoint"] == "Support", SCORE]) <= overall - 10


def test_price_change_causes_a_dip_that_partly_recovers(survey, submitted):
    change = pd.Timestamp(price_change_date(DEMO_END))
    assert timedelta(days=190) <= DEMO_END - change.date() <= timedelta(days=230)
    before = nps(survey.loc[(submitted >= change - pd.Timedelta(days=90)) & (submitted < change), SCORE])
    after = nps(survey.loc[(submitted >= change) & (submitted < change + pd.Timedelta(days=60)), SCORE])
    late = nps(survey.loc[submitted >= change + pd.Timedelta(days=120), SCORE])
    assert before - after >= 15
    assert late >= after + 8
    assert late <= before - 5


def test_price_increase_is_only_mentioned_after_the_change(survey, submitted):
    change = pd.Timestamp(price_change_date(DEMO_END))
    mentions = survey[REASON].str.contains(r"price increase|raised prices|new pricing", case=False)
    assert mentions.sum() >= 50
    assert (submitted[mentions] >= change).all()


def test_crash_theme_grows_sharply_in_the_last_quarter(survey, submitted):
    commented = survey[REASON] != ""
    last_quarter = submitted > pd.Timestamp(DEMO_END) - pd.DateOffset(months=3)
    crash = survey[REASON].str.contains(CRASH_THEME)
    recent = crash[commented & last_quarter].mean()
    earlier = crash[commented & ~last_quarter].mean()
    assert recent >= 0.08
    assert recent >= 5 * earlier
    assert pd.Timestamp(app_update_date(DEMO_END)) > pd.Timestamp(DEMO_END) - pd.DateOffset(months=3)


THEME_WORDS = {
    "ease of use": r"easy to use|intuitive|confusing|clicks",
    "support": r"support",
    "pricing": r"pric|expensive|value",
    "reporting": r"dashboard|report",
    "integrations": r"salesforce|slack",
    "performance": r"slow|load|timeout",
    "onboarding": r"onboarding|setup|getting started|up and running",
    "mobile app": r"mobile app|ios app|android app",
    "billing": r"billing|invoice|charged|refund",
    "data export": r"export",
}


@pytest.mark.parametrize("theme", THEME_WORDS)
def test_every_theme_is_mentioned_in_several_phrasings(survey, theme):
    comments = survey.loc[survey[REASON] != "", REASON]
    hits = comments[comments.str.contains(THEME_WORDS[theme], case=False)]
    assert len(hits) >= 0.02 * len(comments)
    assert hits.str.lower().str.rstrip(".!").nunique() >= 8


def test_comments_are_varied_and_mixed(survey):
    comments = survey.loc[survey[REASON] != "", REASON]
    assert comments.nunique() >= 0.5 * len(comments)
    passive = survey[SCORE].astype(int).between(7, 8) & (survey[REASON] != "")
    assert survey.loc[passive, REASON].str.contains(r"\bbut\b").mean() >= 0.5


def test_comment_sentiment_follows_the_score(survey):
    analyzer = SentimentIntensityAnalyzer()
    rows = survey[survey[REASON] != ""].sample(1500, random_state=0)
    compound = rows[REASON].map(lambda t: analyzer.polarity_scores(t)["compound"])
    score = rows[SCORE].astype(int)
    promoters, passives, detractors = compound[score >= 9], compound[score.between(7, 8)], compound[score <= 6]
    assert promoters.mean() > 0.3
    assert detractors.mean() < -0.15
    assert detractors.mean() < passives.mean() < promoters.mean()


# ---------------------------------------------------------------------------------------------- reviews


def test_reviews_default_size_and_columns(reviews):
    assert len(reviews) == 4000
    assert list(reviews.columns) == REVIEW_COLUMNS
    assert all_strings(reviews)


def test_review_values_look_like_an_export(reviews):
    assert set(reviews["Rating"]) == {"1", "2", "3", "4", "5"}
    assert reviews["Review ID"].is_unique
    assert reviews["Review ID"].str.fullmatch(r"\d+").all()
    assert reviews["Date"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    dates = pd.to_datetime(reviews["Date"], format="%Y-%m-%d")
    assert dates.min() >= pd.Timestamp(DEMO_END) - pd.DateOffset(months=18)
    assert dates.max() <= pd.Timestamp(DEMO_END)
    assert 5 <= reviews["Country"].nunique() <= 12
    assert ((reviews["Review"] != "") | (reviews["Rating"] != "")).all()
    assert ((reviews["Review"] != "") | (reviews["Title"] != "")).all()


def test_brand_sizes_differ(reviews):
    sizes = reviews["App"].value_counts()
    assert list(sizes.index) == ["Acme", "Globex", "Initech", "Umbrella"]
    assert sizes.is_unique


def test_brand_mean_ratings_are_ordered_as_designed(reviews):
    means = reviews["Rating"].astype(int).groupby(reviews["App"]).mean()
    assert means["Globex"] - 0.15 > means["Acme"] > means["Initech"] + 0.15
    assert means["Initech"] - 0.15 > means["Umbrella"]


REVIEW_THEMES = {
    "sync": r"sync|offline",
    "support": r"support",
    "ease of use": r"easy to use|intuitive|easiest|confusing|complicated",
    "design": r"design|interface|dark mode|new look|polished|ugly|cluttered",
}


def theme_gaps(reviews: pd.DataFrame, pattern: str) -> pd.Series:
    """Per brand: mean rating of reviews that mention the theme minus the brand's mean rating."""
    stars = reviews["Rating"].astype(int)
    text = reviews["Title"] + " " + reviews["Review"]
    mentions = text.str.contains(pattern, case=False)
    return stars[mentions].groupby(reviews["App"][mentions]).mean() - stars.groupby(reviews["App"]).mean()


@pytest.mark.parametrize("theme", ["sync", "support"])
def test_acme_trails_on_sync_and_support(reviews, theme):
    gaps = theme_gaps(reviews, REVIEW_THEMES[theme])
    assert gaps["Acme"] < -0.3
    assert gaps["Acme"] < gaps.drop("Acme").min() - 0.2


@pytest.mark.parametrize("theme", ["ease of use", "design"])
def test_acme_is_ahead_on_ease_of_use_and_design(reviews, theme):
    gaps = theme_gaps(reviews, REVIEW_THEMES[theme])
    assert gaps["Acme"] > 0.3
    assert gaps["Acme"] > gaps.drop("Acme").max() + 0.1


@pytest.mark.parametrize(
    ("brand", "pattern"),
    [("Globex", r"learning curve|overwhelming|takes weeks"), ("Initech", r"ads|upsell|upgrade"),
     ("Umbrella", r"battery|permissions|location"), ("Acme", r"templates")],
)
def test_each_brand_has_themes_of_its_own(reviews, brand, pattern):
    mentions = reviews["Review"].str.contains(pattern, case=False)
    by_brand = mentions.groupby(reviews["App"]).mean()
    assert by_brand[brand] >= 0.03
    assert by_brand.drop(brand).max() < by_brand[brand] / 3


def test_acme_crash_reviews_grow_after_the_update(reviews):
    acme = reviews[reviews["App"] == "Acme"]
    recent = pd.to_datetime(acme["Date"]) >= pd.Timestamp(app_update_date(DEMO_END))
    crash = (acme["Title"] + " " + acme["Review"]).str.contains("crash", case=False)
    assert crash[recent].mean() >= 4 * crash[~recent].mean()


def test_short_and_foreign_language_reviews(reviews):
    words = reviews["Review"].str.split().str.len()
    assert ((words >= 1) & (words <= 2)).mean() >= 0.03
    foreign = reviews["Country"].isin(["DE", "AT", "FR", "ES", "MX"])
    assert 0.03 <= foreign.mean() <= 0.08
    english_words = r"\b(?:the|and|is|it|to|my|but|of|at|in|I)\b"
    assert not reviews.loc[foreign, "Review"].str.contains(english_words).any()
    assert reviews.loc[foreign, "Review"].str.contains(r"[äöüßéèàçñú¡]").mean() >= 0.3
    assert not reviews.loc[~foreign, "Review"].str.contains(r"[äöüßéèàçñú¡]").any()


def test_review_text_agrees_with_the_stars(reviews):
    analyzer = SentimentIntensityAnalyzer()
    english = reviews[~reviews["Country"].isin(["DE", "AT", "FR", "ES", "MX"]) & (reviews["Review"] != "")]
    compound = english["Review"].map(lambda t: analyzer.polarity_scores(t)["compound"])
    by_stars = compound.groupby(english["Rating"].astype(int)).mean()
    assert by_stars[1] < 0 < by_stars[5]
    assert np.all(np.diff(by_stars.loc[[1, 3, 5]].to_numpy()) > 0)


# ---------------------------------------------------------------------------------------------- catalogue, CSV


def test_demo_datasets_catalogue():
    assert [d.name for d in DEMO_DATASETS] == ["Acme NPS survey", "App store reviews"]
    assert [d.kind for d in DEMO_DATASETS] == ["survey", "reviews"]
    assert all(isinstance(d, DemoDataset) and d.kind in KINDS and d.description for d in DEMO_DATASETS)


def test_demo_factories_give_the_default_frames(survey, reviews):
    factories = {d.name: d.frame_factory for d in DEMO_DATASETS}
    pd.testing.assert_frame_equal(factories["Acme NPS survey"](), survey)
    pd.testing.assert_frame_equal(factories["App store reviews"](), reviews)


def test_write_demo_csvs_round_trips(tmp_path, survey, reviews):
    paths = write_demo_csvs(tmp_path / "new" / "folder")
    assert [p.name for p in paths] == ["acme_nps_survey.csv", "app_store_reviews.csv"]
    for path, frame in zip(paths, [survey, reviews], strict=True):
        assert path.read_bytes()[:3] != b"\xef\xbb\xbf"
        back = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert list(back.columns) == list(frame.columns)
        assert back.to_numpy().tolist() == frame.to_numpy().tolist()


def test_demo_frames_are_understood_like_uploaded_files():
    from portal.ingest.detect import detect
    from portal.ingest.validate import validate

    expected = {
        "survey": {"id": "Response ID", "customer": "Customer ID", "date": "Submitted at", "nps": SCORE,
                   "value": "MRR", "comment": [REASON], "segments": ["Plan", "Region", "Channel", "Touchpoint"]},
        "reviews": {"id": "Review ID", "date": "Date", "rating": "Rating", "brand": "App",
                    "comment": ["Title", "Review"], "segments": ["Country"]},
    }
    for demo in DEMO_DATASETS:
        frame = demo.frame_factory()
        values = frame.astype(object).map(lambda v: v or None)
        config = detect(values, kind=demo.kind).config
        mapped = {role: column for role, column in config.mapping.to_dict().items() if column}
        assert mapped == expected[demo.kind]
        checked = validate(values, config, row_numbers=pd.Series(range(2, len(values) + 2), index=values.index))
        assert len(checked.canonical) == len(frame)
        assert checked.rejects.empty
