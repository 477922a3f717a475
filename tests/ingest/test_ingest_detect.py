"""Detecting roles from column names checked against the values, and applying the person's overrides."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.errors import InputError
from portal.ingest.detect import apply_overrides, detect, normalize_name
from portal.model import ROLES, DatasetConfig, Mapping

RNG = np.random.default_rng(11)
N = 60


def text(values) -> list[str | None]:
    """Return the values as the reader gives them: text, with None for missing."""
    return [None if v is None else str(v) for v in values]


def comments(n: int = N) -> list[str]:
    """Return varied free-text answers."""
    words = ["slow", "support", "price", "great", "app", "crashes", "login", "friendly", "staff", "refund"]
    return [" ".join(RNG.choice(words, 7)) + f" number {i}" for i in range(n)]


def frame(**columns) -> pd.DataFrame:
    """Return an object frame of text columns (names may contain spaces via a dict)."""
    return pd.DataFrame({k: pd.Series(text(v), dtype=object) for k, v in columns.items()})


def nps_values(n: int = N) -> list[int]:
    return [int(v) for v in RNG.integers(0, 11, n)]


# --- scores --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "Likelihood to recommend", "How likely are you to recommend us to a friend?", "NPS_SCORE", "nps",
    "NPS", "Recommend score", "LTR",
])
def test_nps_names_with_0_10_values(name):
    det = detect(pd.DataFrame({name: text(nps_values()), "Comment": comments()}, dtype=object))
    assert det.config.mapping.nps == name
    assert det.config.kind == "survey"
    assert "NPS" in det.reasons[name]


def test_nps_category_text_is_a_segment_and_the_score_column_is_nps():
    scores = nps_values()
    labels = ["Promoter" if s >= 9 else "Passive" if s >= 7 else "Detractor" for s in scores]
    det = detect(frame(NPS_RATING=labels, NPS_SCORE=scores, text=comments()))
    m = det.config.mapping
    assert m.nps == "NPS_SCORE"
    assert "NPS_RATING" in m.segments
    assert "not a score" in det.reasons["NPS_RATING"]
    assert m.comment == ("text",)


def test_values_win_over_a_score_name():
    det = detect(frame(Rating=["good", "bad", "ok"] * 20, Comment=comments()))
    assert det.config.mapping.rating is None
    assert "Rating" in det.config.mapping.segments


def test_recommend_flag_is_the_recommend_answer_not_a_score():
    det = detect(frame(**{"Recommended IND": [1, 0, 1] * 20, "Rating": [5, 1, 4] * 20, "Review Text": comments()}))
    m = det.config.mapping
    assert m.nps is None
    assert m.recommend == "Recommended IND" and "Recommended IND" not in m.segments
    assert "'1' counts as yes" in det.reasons["Recommended IND"]
    assert m.rating == "Rating"


@pytest.mark.parametrize(("kind", "role", "scale"), [("survey", "csat", (1, 5)), ("reviews", "rating", (1, 5))])
def test_generic_score_1_to_5_depends_on_kind(kind, role, scale):
    det = detect(frame(Score=[1, 2, 3, 4, 5] * 12, Comment=comments()), kind=kind)
    assert getattr(det.config.mapping, role) == "Score"
    assert det.config.kind == kind
    assert (det.config.csat_scale if role == "csat" else det.config.rating_scale) == scale


def test_generic_score_0_to_10_in_a_survey_is_nps():
    det = detect(frame(Score=nps_values(), Comment=comments()), kind="survey")
    assert det.config.mapping.nps == "Score"


def test_kind_is_inferred_from_review_columns():
    det = detect(frame(Score=[1, 2, 3, 4, 5] * 12, Review=comments(), App=["a", "b", "c"] * 20))
    assert det.config.kind == "reviews"
    assert det.config.mapping.rating == "Score"
    assert det.config.mapping.brand == "App"


def test_csat_with_a_1_to_7_scale():
    det = detect(frame(Satisfaction=[1, 2, 3, 4, 5, 6, 7] * 8 + [7, 6, 5, 4], Comment=comments()))
    assert det.config.mapping.csat == "Satisfaction"
    assert det.config.csat_scale == (1, 7)
    assert det.config.csat_from_rating is False


def test_star_rating_1_to_5_derives_csat_and_says_so():
    det = detect(frame(Stars=["1.0", "2.0", "3.0", "4.0", "5.0"] * 12, Comment=comments()))
    assert det.config.mapping.rating == "Stars"
    assert det.config.rating_scale == (1, 5)
    assert det.config.csat_from_rating is True
    assert "CSAT is derived" in det.reasons["Stars"]


def test_rating_1_to_10_has_that_scale_and_no_derived_csat():
    det = detect(frame(rating=list(range(1, 11)) * 6, content=comments()))
    assert det.config.rating_scale == (1, 10)
    assert det.config.csat_from_rating is False


def test_mostly_valid_named_score_is_still_mapped_so_bad_rows_get_rejected():
    values = nps_values(N - 6) + ["12", "seven", "eleven", "9.5", "-3", "100"]
    det = detect(frame(**{"How likely are you to recommend us?": values, "Comment": comments()}))
    assert det.config.mapping.nps == "How likely are you to recommend us?"
    assert "rejected" in det.reasons["How likely are you to recommend us?"]


def test_sub_ratings_with_minus_one_are_segments_with_a_sentinel():
    seat = [1, 2, 3, 4, 5, -1] * 10
    det = detect(frame(rating=list(range(1, 11)) * 6, seat_comfort=seat, content=comments()))
    assert "seat_comfort" in det.config.mapping.segments
    assert det.config.sentinels == {"seat_comfort": ["-1"]}
    assert "-1 means 'not rated'" in det.reasons["seat_comfort"]


def test_two_nps_like_columns_warn_which_one_is_used():
    det = detect(frame(NPS=nps_values(), nps_2=nps_values(), Comment=comments()))
    assert det.config.mapping.nps == "NPS"
    assert any("'NPS' and 'nps_2'" in w for w in det.warnings)


# --- ids, customers, values, brands --------------------------------------------------------------------


def test_unique_id_is_the_id_but_a_repeated_id_is_a_segment():
    det = detect(frame(**{
        "Response ID": [f"r{i}" for i in range(N)],
        "Clothing ID": [str(100 + i % 7) for i in range(N)],
        "Rating": [5, 4, 3] * 20,
        "Review Text": comments(),
    }))
    m = det.config.mapping
    assert m.id == "Response ID"
    assert "Clothing ID" in m.segments
    assert "repeats" in det.reasons["Clothing ID"]


def test_id_with_a_few_repeats_is_not_the_id():
    ids = [f"r{i}" for i in range(N - 2)] + ["r1", "r2"]
    det = detect(frame(response_id=ids, nps=nps_values(), comment=comments()))
    assert det.config.mapping.id is None
    assert "response_id" not in det.config.mapping.segments


def test_customer_value_and_brand_from_names():
    det = detect(frame(
        customer_id=[f"c{i % 20}" for i in range(N)],
        MRR=[f"£{1000 + i:,}" for i in range(N)],
        company=["Acme", "Globex", "Initech"] * 20,
        nps=nps_values(),
        feedback=comments(),
    ))
    m = det.config.mapping
    assert (m.customer, m.value, m.brand, m.nps, m.comment) == ("customer_id", "MRR", "company", "nps", ("feedback",))


def test_email_addresses_become_the_customer_and_are_never_a_segment():
    det = detect(frame(contact=[f"p{i}@example.com" for i in range(N)], score=nps_values(), comment=comments()),
                 kind="survey")
    assert det.config.mapping.customer == "contact"


def test_personal_names_and_urls_are_ignored():
    det = detect(frame(
        author=["Ann Lee", "Bob Stone", "Cy Twombly"] * 20,
        url=[f"https://example.com/r/{i}" for i in range(N)],
        rating=[1, 2, 3, 4, 5] * 12,
        content=comments(),
    ))
    m = det.config.mapping
    assert "author" not in m.columns() and "url" not in m.columns()
    assert "Personal data" in det.reasons["author"]


def test_constant_and_empty_columns_are_ignored():
    det = detect(frame(source=["Google Play"] * N, blank=[None] * N, nps=nps_values(), comment=comments()))
    assert det.config.mapping.segments == ()
    assert "same value" in det.reasons["source"]
    assert "Empty" in det.reasons["blank"]


def test_title_comes_before_the_review_text():
    titles = [f"Title {i}" for i in range(N)]
    det = detect(frame(**{"Review Text": comments(), "Title": titles, "Rating": [1, 5, 4] * 20}))
    assert det.config.mapping.comment == ("Title", "Review Text")


# --- dates ---------------------------------------------------------------------------------------------


def test_day_first_dates_are_detected_and_explained():
    dates = [f"{d:02d}/{m:02d}/2018 10:{d:02d}" for d, m in zip(range(1, 13), [1, 2, 3] * 4)] * 4
    dates += ["13/04/2018 09:00"] * (N - len(dates))
    det = detect(frame(CUSTOMER_RESPONSE_DATE=dates, NPS_SCORE=nps_values(), text=comments()))
    assert det.config.mapping.date == "CUSTOMER_RESPONSE_DATE"
    assert det.config.dayfirst is True
    assert "day first" in det.reasons["CUSTOMER_RESPONSE_DATE"]
    assert "13/04/2018 09:00 is 13 April 2018" in det.reasons["CUSTOMER_RESPONSE_DATE"]


def test_month_first_dates_are_detected():
    dates = ["04/13/2018", "05/20/2018", "01/02/2018"] * 20
    det = detect(frame(date=dates, nps=nps_values(), comment=comments()))
    assert det.config.dayfirst is False
    assert "month first" in det.reasons["date"]
    assert not det.warnings


def test_ambiguous_dates_are_read_month_first_with_a_warning():
    dates = ["03/05/2018", "01/02/2018", "12/11/2018"] * 20
    det = detect(frame(date=dates, nps=nps_values(), comment=comments()))
    assert det.config.dayfirst is False
    assert any("could be day first or month first" in w and "YYYY-MM-DD" in w for w in det.warnings)
    assert "read month first" in det.reasons["date"]


def test_iso_dates_have_no_day_first_setting():
    det = detect(frame(created_at=[f"2024-01-{d:02d}T10:00:00Z" for d in range(1, 31)] * 2, nps=nps_values(),
                       comment=comments()))
    assert det.config.mapping.date == "created_at"
    assert det.config.dayfirst is None


def test_response_date_preferred_over_other_dates():
    det = detect(frame(date_flown=["01/05/2019"] * N, date=[f"{d}/03/2019" for d in range(1, 31)] * 2,
                       rating=[1, 2, 3, 4, 5] * 12, content=comments()))
    assert det.config.mapping.date == "date"
    assert "date_flown" not in det.config.mapping.columns()


# --- nothing to analyse, determinism -------------------------------------------------------------------


def test_nothing_to_analyse_is_a_warning_not_an_error():
    det = detect(frame(Name=["a", "b"] * 30, City=["x", "y", "z"] * 20))
    assert any("nothing to analyse" in w for w in det.warnings)
    assert not (det.config.mapping.nps or det.config.mapping.comment)


def test_detection_is_deterministic_and_explains_every_column():
    data = frame(NPS=nps_values(), Plan=["Pro", "Free"] * 30, Comment=comments())
    first, second = detect(data), detect(data)
    assert first == second
    assert set(first.reasons) == set(data.columns)


def test_unknown_kind_is_an_input_error():
    with pytest.raises(InputError, match="survey, reviews"):
        detect(frame(NPS=nps_values()), kind="tickets")


def test_normalize_name():
    assert normalize_name("NPS_SCORE") == "nps score"
    assert normalize_name("ResponseId") == "response id"
    assert normalize_name("  How likely…? ") == "how likely"


# --- overrides -----------------------------------------------------------------------------------------


@pytest.fixture
def survey() -> pd.DataFrame:
    return frame(**{
        "Response ID": [f"r{i}" for i in range(N)],
        "Q1": nps_values(),
        "Q2": [1, 2, 3, 4, 5, 6, 7] * 8 + [1, 2, 3, 4],
        "Why": comments(),
        "Other": comments(),
        "Plan": ["Pro", "Free"] * 30,
        "Region": ["EU", "US", "APAC"] * 20,
    })


def test_map_replaces_and_unmaps_single_roles(survey):
    det = detect(survey)
    config = apply_overrides(det, survey, overrides=[("nps", "Q1"), ("id", None), ("csat", "q2")])
    m = config.mapping
    assert (m.nps, m.id, m.csat) == ("Q1", None, "Q2")
    assert config.csat_scale == (1, 7)


def test_first_comment_override_replaces_then_adds(survey):
    det = detect(survey)
    assert set(det.config.mapping.comment) == {"Why", "Other"}
    config = apply_overrides(det.config, survey, overrides=[("comment", "Other")])
    assert config.mapping.comment == ("Other",)
    config = apply_overrides(det.config, survey, overrides=[("comment", "Other"), ("comment", "Why")])
    assert config.mapping.comment == ("Other", "Why")
    assert apply_overrides(det.config, survey, overrides=[("comment", None)]).mapping.comment == ()


def test_segment_overrides_accumulate_and_ignore_removes(survey):
    det = detect(survey)
    config = apply_overrides(det, survey, overrides=[("segment", "Why"), ("ignore", "Plan")])
    assert "Why" in config.mapping.segments and "Region" in config.mapping.segments
    assert "Plan" not in config.mapping.columns()
    assert "Why" not in config.mapping.comment


def test_unknown_role_lists_the_roles(survey):
    with pytest.raises(InputError) as caught:
        apply_overrides(DatasetConfig(), survey, overrides=[("score", "Q1")])
    message = str(caught.value)
    assert "'score' is not a role" in message
    assert all(role in message for role in ROLES)


def test_unknown_column_lists_the_columns(survey):
    with pytest.raises(InputError) as caught:
        apply_overrides(DatasetConfig(), survey, overrides=[("nps", "Q9")])
    message = str(caught.value)
    assert "no column 'Q9'" in message
    assert "'Q1'" in message and "'Region'" in message


def test_constants_set_the_brand_and_add_segments(survey):
    det = detect(survey)
    config = apply_overrides(det, survey, constants={"brand": "Monzo", "Channel": "App store"})
    assert config.constants == {"brand": "Monzo", "Channel": "App store"}
    assert config.mapping.brand is None
    assert "Channel" in config.mapping.segments


@pytest.mark.parametrize(("name", "words"), [("nps", "Only the brand"), ("Plan", "already a column")])
def test_constants_for_other_roles_or_existing_columns_are_refused(survey, name, words):
    with pytest.raises(InputError, match=words):
        apply_overrides(DatasetConfig(), survey, constants={name: "x"})


def test_key_columns_must_exist(survey):
    config = apply_overrides(DatasetConfig(), survey, key_columns=["Plan", "region"])
    assert config.key_columns == ("Plan", "Region")
    with pytest.raises(InputError, match="no column 'Nope'"):
        apply_overrides(DatasetConfig(), survey, key_columns=["Nope"])


def test_scales_kind_and_derived_csat(survey):
    base = DatasetConfig(mapping=Mapping(rating="Q2"), rating_scale=(1, 5), csat_from_rating=True)
    config = apply_overrides(base, survey, rating_scale=(1, 7), kind="reviews")
    assert config.rating_scale == (1, 7) and config.kind == "reviews"
    assert config.csat_from_rating is False
    with pytest.raises(InputError):
        apply_overrides(base, survey, kind="tickets")
    with pytest.raises(InputError):
        apply_overrides(base, survey, csat_scale=(5, 1))


def test_mapping_a_date_settles_the_day_order():
    data = frame(when=["25/12/2023", "01/02/2024"] * 10, nps=nps_values(20))
    config = apply_overrides(DatasetConfig(mapping=Mapping(nps="nps")), data, overrides=[("date", "when")])
    assert config.dayfirst is True


def test_guess_kind_from_the_columns():
    from portal.ingest.detect import guess_kind

    reviews = pd.DataFrame({"Rating": ["5", "1", "4", "3"], "Review": ["Great app, love it", "Crashes all the time",
                                                                       "Good but slow", "It is fine I guess"]})
    survey = pd.DataFrame({"NPS": ["9", "3", "10", "7"], "Comment": ["Great support", "Too expensive",
                                                                    "Love it", "Fine"]})
    assert guess_kind(reviews.astype(object)) == "reviews"
    assert guess_kind(survey.astype(object)) == "survey"


def test_a_score_column_with_no_valid_value_is_named_in_the_warnings():
    data = pd.DataFrame({"NPS": ["11", "15", "20", "30", "12"],
                         "Comment": ["slow app today", "great", "fine really", "bad support", "ok then"]}, dtype=object)
    d = detect(data)
    assert d.config.mapping.nps is None
    warning = " ".join(d.warnings)
    assert "'NPS' looks like an NPS score" in warning and "not whole numbers from 0 to 10" in warning
    assert "11" in warning
