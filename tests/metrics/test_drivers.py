"""Key drivers: R^2 of every subset, its Shapley split, bootstrap intervals and plain sentences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression

from portal.errors import InputError
from portal.metrics import drivers


@pytest.fixture
def scores() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    n = 600
    staff = rng.normal(0, 1, n)
    price = 0.5 * staff + rng.normal(0, 1, n)  # correlated with staff
    noise = rng.normal(0, 1, n)
    plan = rng.choice(["Free", "Pro", "Team"], n)
    score = 2.0 * staff + 1.0 * price + 0.8 * (plan == "Pro") + rng.normal(0, 1, n)
    return pd.DataFrame({"nps": score, "staff": staff, "price": price, "noise": noise, "Plan": plan})


def r2_of(frame: pd.DataFrame, columns: list[str]) -> float:
    x = pd.get_dummies(frame[columns], drop_first=True).to_numpy(float)
    return LinearRegression().fit(x, frame["nps"]).score(x, frame["nps"])


def test_subset_r2_matches_least_squares(scores):
    z = np.column_stack([scores[["staff", "price"]].to_numpy(), scores["nps"].to_numpy()])
    cov = np.cov(z, rowvar=False)[None]
    r2 = drivers.subset_r2(cov, [np.array([0]), np.array([1])])[:, 0]
    assert r2[0] == 0.0
    assert r2[1] == pytest.approx(r2_of(scores, ["staff"]))
    assert r2[2] == pytest.approx(r2_of(scores, ["price"]))
    assert r2[3] == pytest.approx(r2_of(scores, ["staff", "price"]))


def test_shapley_split_by_hand():
    # R^2: {} 0, {a} .4, {b} .2, {a,b} .5 -> a: (.4 + .3)/2 = .35, b: (.2 + .1)/2 = .15
    shares = drivers.shapley_r2(np.array([0.0, 0.4, 0.2, 0.5]))
    assert shares == pytest.approx([0.35, 0.15])


def test_key_drivers_rank_and_add_up(scores):
    result = drivers.key_drivers(scores, "nps", ["noise", "price", "staff", "Plan"], n_boot=100)
    table = result.table
    assert table["driver"].tolist()[:2] == ["staff", "price"]
    assert table["driver"].iloc[-1] == "noise"
    assert table["rank"].tolist() == [1, 2, 3, 4]
    assert table["importance"].sum() == pytest.approx(result.r2)
    assert result.r2 == pytest.approx(r2_of(scores, ["noise", "price", "staff", "Plan"]))
    assert table["share"].sum() == pytest.approx(1.0)
    assert ((table["low"] <= table["importance"]) & (table["importance"] <= table["high"])).all()
    assert result.r2_ci[0] < result.r2 < result.r2_ci[1]
    staff = table.set_index("driver").loc["staff"]
    assert "higher staff goes with a higher NPS score" in staff["sentence"]
    assert table.set_index("driver").loc["Plan", "kind"] == "segment"
    assert "highest for Pro" in table.set_index("driver").loc["Plan", "sentence"]
    assert result.sentence.startswith("Together the 4 columns explain") and "staff matters most" in result.sentence
    assert result.n == result.n_available == 600 and not result.sampled


def test_key_drivers_are_reproducible(scores):
    first = drivers.key_drivers(scores, "nps", ["staff", "price"], n_boot=50, seed=3)
    second = drivers.key_drivers(scores, "nps", ["staff", "price"], n_boot=50, seed=3)
    pd.testing.assert_frame_equal(first.table, second.table)


def test_key_drivers_use_complete_responses_only(scores):
    gappy = scores.copy()
    gappy.loc[:99, "price"] = np.nan
    gappy.loc[100:149, "nps"] = np.nan
    result = drivers.key_drivers(gappy, "nps", ["staff", "price"], n_boot=20)
    assert result.n == 450 and result.n_available == 550


def test_key_drivers_refuse_what_they_cannot_do(scores):
    with pytest.raises(InputError, match="no column 'nope'"):
        drivers.key_drivers(scores, "nps", ["nope"])
    with pytest.raises(InputError, match="at least one column"):
        drivers.key_drivers(scores, "nps", ["nps"])
    with pytest.raises(InputError, match="at most 8"):
        drivers.key_drivers(scores.assign(**{f"c{i}": 1.0 for i in range(9)}), "nps", [f"c{i}" for i in range(9)])
    with pytest.raises(InputError, match="Only 20 responses"):
        drivers.key_drivers(scores.head(20), "nps", ["staff"])


def test_driver_candidates(make_frame):
    frame = make_frame(nps=[1.0, 2.0, 3.0], rating=[4.0, 5.0, 3.0], comment=["a", "b", "c"]).assign(
        Plan=["a", "b", "a"], Constant=["x", "x", "x"])
    found = drivers.driver_candidates(frame, "nps")
    assert found == ["rating", "Plan"]


@pytest.mark.shared_data
def test_sub_ratings_drive_recommendation_on_airline_reviews(shared_data: Path):
    raw = pd.read_csv(shared_data / "ba_skytrax_reviews.csv")
    subs = ["seat_comfort", "cabin_staff_service", "food_beverages", "ground_service", "value_for_money"]
    for column in subs:
        raw[column] = raw[column].where(raw[column] != -1)  # -1 means "not rated"
    raw["recommend"] = (raw["recommended"] == "yes").astype(float)
    result = drivers.key_drivers(raw, "recommend", [*subs, "traveller_type"], n_boot=50)
    ranked = result.table["driver"].tolist()
    assert ranked[0] == "value_for_money"
    assert ranked[-1] == "traveller_type"
    assert result.r2 > 0.5


def test_driver_choices_leave_out_derived_scores_and_preselect_all_but_sentiment():
    from portal.model import DatasetConfig, Mapping

    derived = DatasetConfig(mapping=Mapping(rating="r", nps="n"), csat_from_rating=True)
    assert drivers.driver_targets(derived) == ["nps", "rating"]
    assert drivers.derived_from("rating", derived) == {"csat"} and drivers.derived_from("nps", derived) == set()
    many = [f"c{i}" for i in range(10)]
    assert drivers.default_drivers(["sentiment", "Plan"]) == ["Plan"]
    assert drivers.default_drivers(["sentiment"]) == ["sentiment"]
    assert drivers.default_drivers(many) == many[: drivers.MAX_PREDICTORS]


def test_driver_labels_are_the_names_people_know_and_unique():
    from portal.model import DatasetConfig, Mapping

    config = DatasetConfig(mapping=Mapping(nps="n", value="MRR"))
    labels = drivers.driver_labels(["value", "rating", "sentiment", "Plan (segment)", "Plan"], config,
                                   lambda c: c.removesuffix(" (segment)"), "nps")
    assert labels == (("value", "MRR"), ("rating", "Star rating"), ("sentiment", "Sentiment"),
                      ("Plan (segment)", "Plan"), ("Plan", "Plan"))


def test_one_column_is_named_in_the_sentence(scores):
    # the neobank reviews with only App chosen once read "The 1 column explains 8.0% ...; App matters most."
    result = drivers.key_drivers(scores, "nps", ["staff"], n_boot=20)
    assert result.sentence.startswith("staff explains ") and "of the differences in NPS score across 600 responses."\
        in result.sentence
    assert "1 column" not in result.sentence and "matters most" not in result.sentence


def test_bc_interval_is_the_percentile_interval_when_the_bootstrap_is_centred_and_moves_when_it_is_not():
    rng = np.random.default_rng(5)
    boot = rng.normal(0.5, 0.1, size=(1, 4001))
    low, high = drivers.bc_interval(np.array([0.5]), boot)
    assert np.isclose(low[0], np.percentile(boot, 2.5), atol=0.01) and np.isclose(high[0], np.percentile(boot, 97.5), atol=0.01)
    shifted_low, shifted_high = drivers.bc_interval(np.array([0.4]), boot)  # the estimate sits below the resamples
    assert shifted_low[0] < low[0] and shifted_high[0] < high[0]
    assert shifted_low[0] >= boot.min()


def test_a_segment_unrelated_to_the_score_is_not_called_a_driver():
    rng = np.random.default_rng(11)
    n = 1_300
    frame = pd.DataFrame({"score": rng.normal(7, 2, n), "noise": rng.choice([f"city {i}" for i in range(12)], n),
                          "value": rng.normal(0, 1, n)})
    frame["score"] += 1.5 * frame["value"]
    only_noise = drivers.key_drivers(frame, "score", ["noise"], n_boot=100)
    row = only_noise.table.iloc[0]
    assert np.isclose(row["chance"], 11 / (n - 1)) and not row["beyond_chance"]
    assert "no more than chance alone would give" in only_noise.sentence
    both = drivers.key_drivers(frame, "score", ["noise", "value"], n_boot=100)
    ranked = both.table.set_index("driver")
    assert ranked.loc["value", "beyond_chance"] and not ranked.loc["noise", "beyond_chance"]
    assert "value matters most" in both.sentence and "not clear" in ranked.loc["noise", "sentence"]


def test_the_summary_names_the_clearest_driver_when_the_top_ranked_one_does_not_clear_chance():
    rng = np.random.default_rng(2)
    n = 120
    frame = pd.DataFrame({"plan": rng.choice([f"p{i}" for i in range(12)], n), "tenure": rng.normal(0, 1, n)})
    frame["score"] = 0.3 * frame["tenure"] + rng.normal(0, 1, n)  # the plan has nothing to do with the score
    result = drivers.key_drivers(frame, "score", ["plan", "tenure"], n_boot=200)
    assert result.table["driver"].tolist() == ["plan", "tenure"]  # by its raw share the noise ranks first...
    assert result.table["beyond_chance"].tolist() == [False, True]  # ...but does not clear chance
    assert "the clearest driver is tenure" in result.sentence and "none of them" not in result.sentence
