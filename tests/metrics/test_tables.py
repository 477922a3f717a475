"""KPI tables: overall, by a column and by period, with customers, value, selections and JSON records."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from portal import metrics
from portal.errors import InputError


def overall(frame, config) -> dict:
    return metrics.to_records(metrics.kpis(metrics.prepare(frame, config)))[0]


def test_counts_and_estimates_by_hand(make_frame, make_config):
    frame = make_frame(nps=[10, 9, 8, 7, 6, 0, np.nan], csat=[5, 4, 3, 1, np.nan, np.nan, 5],
                       rating=[5, 4, 4, 2, np.nan, np.nan, np.nan])
    rec = overall(frame, make_config("nps", "csat", "rating"))
    assert rec["n"] == 7
    assert (rec["nps_n"], rec["promoters"], rec["passives"], rec["detractors"]) == (6, 2, 2, 2)
    assert rec["nps"] == pytest.approx(0.0)
    assert rec["nps_ci"] == pytest.approx(list(metrics.nps_interval(2, 2, 6)))
    assert (rec["csat_n"], rec["csat"]) == (5, pytest.approx(60.0))
    assert rec["csat_ci"] == pytest.approx(list(metrics.wilson_interval(3, 5)))
    assert (rec["rating_n"], rec["rating_mean"]) == (4, pytest.approx(3.75))
    assert metrics.MIN_INTERVAL_N == 5
    assert rec["rating_ci"] is None  # 4 ratings: too few for a margin of error


def test_csat_top_two_boxes_follow_the_scale(make_frame, make_config):
    frame = make_frame(csat=[7, 6, 5, 1])
    rec = overall(frame, make_config("csat", csat_scale=(1, 7)))
    assert rec["csat"] == pytest.approx(50.0)
    rec = overall(frame, make_config("csat", csat_scale=(1, 10)))
    assert rec["csat"] == pytest.approx(0.0)


def test_non_integer_ratings_use_the_general_path(make_frame, make_config):
    values = [4.5, 3.25, 2.0, 4.75, 1.5]
    rec = overall(make_frame(rating=values), make_config("rating"))
    assert rec["rating_mean"] == pytest.approx(np.mean(values))
    sd = np.std(values, ddof=1)
    assert rec["rating_ci"] == pytest.approx(list(metrics.bounded_mean_interval(np.mean(values), sd, 5, 1, 5)))


def test_no_responses_gives_nulls_not_errors(make_frame, make_config):
    rec = overall(make_frame(nps=[]), make_config("nps", "value", "customer"))
    assert rec["n"] == 0 and rec["nps_n"] == 0
    assert rec["nps"] is None and rec["nps_ci"] is None and rec["customer_nps"] is None
    assert rec["revenue_at_risk"] is None and rec["revenue_share"] is None
    assert rec["customers"] == 0


def test_unmapped_columns_are_null(make_frame, make_config):
    rec = overall(make_frame(nps=[9, 10], csat=[5, 5], value=[10.0, 20.0]), make_config("nps"))
    assert rec["csat"] is None and rec["csat_n"] == 0
    assert rec["customers"] is None and rec["value_weighted_nps"] is None and rec["revenue_at_risk"] is None


def test_all_promoters(make_frame, make_config):
    rec = overall(make_frame(nps=[9, 10] * 20), make_config("nps"))
    assert rec["nps"] == 100.0
    assert rec["nps_ci"][1] == 100.0 and rec["nps_ci"][0] < 100.0


def test_value_weighting_and_revenue_at_risk(make_frame, make_config):
    frame = make_frame(nps=[10, 0, 8, 3, np.nan], value=[100.0, 300.0, 50.0, 50.0, 500.0],
                       Region=["N", "N", "S", "S", "S"])
    config = make_config("nps", "value", segments=("Region",))
    rec = overall(frame, config)
    # weighted: (100 - 300 - 50) / 500 = -50
    assert rec["value_weighted_nps"] == pytest.approx(-50.0)
    assert rec["revenue_at_risk"] == pytest.approx(350.0)
    assert rec["revenue_share"] == pytest.approx(1.0)
    groups = metrics.to_records(metrics.kpis_by(metrics.prepare(frame, config), "Region", min_n=1))
    by = {g["value"]: g for g in groups}
    assert by["N"]["revenue_share"] == pytest.approx(400 / 1000)
    assert by["S"]["revenue_share"] == pytest.approx(600 / 1000)
    assert by["S"]["revenue_at_risk"] == pytest.approx(50.0)


def test_customers_count_once_with_their_latest_answer(make_frame, make_config):
    frame = make_frame(
        customer=["A", "A", "B", "B", "C", None],
        date=["2024-01-05", "2024-03-01", "2024-03-02", "2024-01-01", "2024-02-01", "2024-02-02"],
        nps=[0, 10, 0, 10, 9, 3],
        value=[100.0, 100.0, 200.0, 200.0, 50.0, 10.0],
    )
    rec = overall(frame, make_config("nps", "customer", "value", "date"))
    assert rec["customers"] == 3
    # latest answers: A promoter, B detractor, C promoter -> (2 - 1) / 3
    assert rec["customer_nps"] == pytest.approx(100 / 3)
    # by response: promoters 10, 10, 9; detractors 0, 0, 3 -> 0
    assert rec["nps"] == pytest.approx(0.0)
    # at risk: B (its latest answer is a detractor) + the anonymous detractor
    assert rec["revenue_at_risk"] == pytest.approx(210.0)


def test_customer_latest_answer_per_period(make_frame, make_config):
    frame = make_frame(customer=["A", "A", "A"], date=["2024-01-03", "2024-01-20", "2024-02-10"], nps=[0, 10, 2])
    data = metrics.prepare(frame, make_config("nps", "customer", "date"))
    periods = metrics.kpis_by_period(data, "month", min_n=1)
    assert periods["customers"].tolist() == [1, 1]
    assert periods["customer_nps"].tolist() == pytest.approx([100.0, -100.0])


def test_undated_answers_count_as_the_oldest(make_frame, make_config):
    frame = make_frame(customer=["A", "A"], date=["2024-01-03", None], nps=[10, 0])
    rec = overall(frame, make_config("nps", "customer", "date"))
    assert rec["customer_nps"] == pytest.approx(100.0)


def test_groups_compare_against_the_rest(make_frame, make_config):
    rng = np.random.default_rng(3)
    high = rng.choice([9, 10], 200)
    low = rng.choice([0, 3, 6], 200)
    mixed = rng.integers(0, 11, 200)
    frame = make_frame(nps=np.concatenate([high, low, mixed]).astype(float),
                       Plan=["Pro"] * 200 + ["Free"] * 200 + ["Team"] * 200)
    table = metrics.kpis_by(metrics.prepare(frame, make_config("nps", segments=("Plan",))), "Plan")
    by = table.set_index("value")
    assert list(table["value"]) == ["Free", "Pro", "Team"]
    assert by.loc["Pro", "significant"] and by.loc["Free", "significant"]
    assert by.loc["Pro", "difference"] > 0 > by.loc["Free", "difference"]
    rest = metrics.nps_score(by["promoters"].sum() - by.loc["Pro", "promoters"],
                             by["detractors"].sum() - by.loc["Pro", "detractors"], 400)
    assert by.loc["Pro", "nps_other"] == pytest.approx(rest)
    expected_p = metrics.nps_test(by.loc["Pro", "promoters"], by.loc["Pro", "detractors"], 200,
                                  by["promoters"].sum() - by.loc["Pro", "promoters"],
                                  by["detractors"].sum() - by.loc["Pro", "detractors"], 400)
    assert by.loc["Pro", "p_value"] == pytest.approx(expected_p)
    assert table["p_adjusted"].tolist() == pytest.approx(list(metrics.bh_adjust(table["p_value"])))


def test_one_group_has_no_comparison(make_frame, make_config):
    frame = make_frame(nps=[10, 0, 5] * 20, Plan=["Pro"] * 60)
    table = metrics.kpis_by(metrics.prepare(frame, make_config("nps", segments=("Plan",))), "Plan")
    assert len(table) == 1
    rec = metrics.to_records(table)[0]
    assert rec["p_value"] is None and rec["p_adjusted"] is None and rec["significant"] is False
    assert rec["nps"] == pytest.approx(-100 / 3)


def test_low_sample_groups_are_never_significant(make_frame, make_config):
    frame = make_frame(nps=[10.0] * 25 + [0.0] * 400, Plan=["Tiny"] * 25 + ["Big"] * 400)
    table = metrics.kpis_by(metrics.prepare(frame, make_config("nps", segments=("Plan",))), "Plan", min_n=30)
    tiny = table.set_index("value").loc["Tiny"]
    assert tiny["p_adjusted"] < 1e-6
    assert tiny["low_sample"] and not tiny["significant"]
    table = metrics.kpis_by(metrics.prepare(frame, make_config("nps", segments=("Plan",))), "Plan", min_n=20)
    assert table.set_index("value").loc["Tiny", "significant"]


def test_missing_segment_values_form_their_own_group(make_frame, make_config):
    frame = make_frame(nps=[10, 0, 5, 7], Plan=["Pro", None, "Pro", None])
    table = metrics.kpis_by(metrics.prepare(frame, make_config("nps", segments=("Plan",))), "Plan", min_n=1)
    assert table["value"].tolist() == ["Pro", None]
    assert table["n"].tolist() == [2, 2]


def test_categorical_and_text_segments_agree(make_frame, make_config):
    rng = np.random.default_rng(5)
    plans = rng.choice(["a", "b", "c"], 300).tolist()
    frame = make_frame(nps=rng.integers(0, 11, 300).astype(float), Plan=plans)
    config = make_config("nps", segments=("Plan",))
    text = metrics.kpis_by(metrics.prepare(frame, config), "Plan")
    cat = metrics.kpis_by(metrics.prepare(frame.assign(Plan=frame["Plan"].astype("category")), config), "Plan")
    pd.testing.assert_frame_equal(text.drop(columns="value"), cat.drop(columns="value"))


def test_two_columns_give_one_row_per_combination(make_frame, make_config):
    frame = make_frame(nps=[10, 0, 5, 9, 9], Plan=["a", "a", "b", "b", "b"], Region=["N", "S", "N", "N", "S"])
    table = metrics.kpis_by(metrics.prepare(frame, make_config("nps", segments=("Plan", "Region"))),
                            ["Plan", "Region"], min_n=1)
    assert table["value"].tolist() == [("a", "N"), ("a", "S"), ("b", "N"), ("b", "S")]
    assert table["n"].tolist() == [1, 1, 2, 1]


def test_unknown_column_lists_the_ones_that_exist(make_frame, make_config):
    frame = make_frame(nps=[10, 0], Plan=["a", "b"])
    data = metrics.prepare(frame, make_config("nps", segments=("Plan",)))
    with pytest.raises(InputError, match="Columns you can use: Plan"):
        metrics.kpis_by(data, "Region")


def test_segment_with_suffix_is_found_by_its_name(make_frame, make_config):
    frame = make_frame(nps=[10, 0]).assign(**{"brand (segment)": ["x", "y"]})
    table = metrics.kpis_by(metrics.prepare(frame, make_config("nps", segments=("brand",))), "brand", min_n=1)
    assert table["value"].tolist() == ["x", "y"]


def test_periods_start_on_monday_month_and_quarter(make_frame, make_config):
    frame = make_frame(nps=[10, 0, 5, 9], date=["2024-01-03", "2024-01-08", "2024-02-29", "2024-05-01"])
    data = metrics.prepare(frame, make_config("nps", "date"))
    weeks = metrics.kpis_by_period(data, "week", min_n=1)
    assert weeks["period"].iloc[0] == pd.Timestamp("2024-01-01")
    assert weeks["period"].iloc[1] == pd.Timestamp("2024-01-08")
    assert weeks["n"].sum() == 4
    months = metrics.kpis_by_period(data, "month", min_n=1)
    assert [p.date().isoformat() for p in months["period"]] == ["2024-01-01", "2024-02-01", "2024-03-01",
                                                                 "2024-04-01", "2024-05-01"]
    assert months["n"].tolist() == [2, 1, 0, 0, 1]  # empty months stay, as gaps
    quarters = metrics.kpis_by_period(data, "quarter", min_n=1)
    assert quarters["n"].tolist() == [3, 1]
    assert metrics.to_records(quarters)[1]["period"] == "2024-04-01"


def test_periods_compare_with_the_previous_one(make_frame, make_config):
    jan = ["2024-01-10"] * 100
    feb = ["2024-02-10"] * 100
    frame = make_frame(nps=[0.0] * 100 + [10.0] * 100, date=jan + feb)
    table = metrics.kpis_by_period(metrics.prepare(frame, make_config("nps", "date")), "month")
    first, second = metrics.to_records(table)
    assert first["p_value"] is None and first["significant"] is False
    assert second["significant"] is True
    assert table["difference"].iloc[1] == pytest.approx(200.0)
    assert second["p_value"] == pytest.approx(metrics.nps_test(100, 0, 100, 0, 100, 100))


def test_responses_without_dates_are_left_out_of_periods(make_frame, make_config):
    frame = make_frame(nps=[10, 0, 5], date=["2024-01-03", None, None])
    data = metrics.prepare(frame, make_config("nps", "date"))
    assert metrics.kpis_by_period(data, "month", min_n=1)["n"].tolist() == [1]
    assert metrics.to_records(metrics.kpis(data))[0]["n"] == 3
    undated = make_frame(nps=[10, 0], date=[None, None])
    assert metrics.kpis_by_period(metrics.prepare(undated, make_config("nps", "date")), "month").empty


def test_unknown_period_and_metric_are_input_errors(make_frame, make_config):
    data = metrics.prepare(make_frame(nps=[10.0]), make_config("nps"))
    with pytest.raises(InputError, match="week, month, quarter"):
        metrics.kpis_by_period(data, "year")
    with pytest.raises(InputError, match="no CSAT"):
        metrics.kpis_by_period(data, "month", metric="csat")


def test_metric_choice_changes_the_test(make_frame, make_config):
    frame = make_frame(nps=[10.0] * 50 + [0.0] * 50, csat=[5.0] * 100, Plan=["a"] * 50 + ["b"] * 50)
    data = metrics.prepare(frame, make_config("nps", "csat", segments=("Plan",)))
    assert metrics.kpis_by(data, "Plan")["significant"].all()
    assert not metrics.kpis_by(data, "Plan", metric="csat")["significant"].any()


def test_select_dates_and_values(make_frame, make_config):
    frame = make_frame(nps=[1, 2, 3, 4], date=["2024-01-01", "2024-01-31 18:00", "2024-02-01", None],
                       Plan=["a", "b", "a", "a"])
    config = make_config("nps", "date", segments=("Plan",))
    picked = metrics.select(frame, config, start=pd.Timestamp("2024-01-01"), end=pd.Timestamp("2024-01-31"))
    assert picked["nps"].tolist() == [1, 2]  # the end day is included, undated rows are not
    assert metrics.select(frame, config, where={"Plan": ["a"]})["nps"].tolist() == [1, 3, 4]
    assert len(metrics.select(frame, config, where={"Plan": ["a", "b"]})) == 4
    with pytest.raises(InputError, match="Columns you can use: Plan"):
        metrics.select(frame, config, where={"Nope": ["x"]})
    with pytest.raises(InputError, match="after the end date"):
        metrics.select(frame, config, start=pd.Timestamp("2024-02-01"), end=pd.Timestamp("2024-01-01"))


def test_parse_date():
    assert metrics.parse_date("2024-03-05") == pd.Timestamp("2024-03-05")
    for bad in ("05/03/2024", "2024-13-01", "soon"):
        with pytest.raises(InputError, match="2024-01-31"):
            metrics.parse_date(bad, "--from")


def test_report_json_contract(make_frame, make_config):
    frame = make_frame(nps=[10, 0, 8, 9, 3, 10, np.nan], date=["2024-01-01", "2024-01-02", "2024-02-01", "2024-02-02",
                                                              "2024-02-03", "2024-02-04", None],
                       Plan=["a", "b", "a", "b", "a", "a", "b"])
    report = metrics.kpi_report(frame, make_config("nps", "date", segments=("Plan",)), by="Plan", period="month")
    doc = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert list(doc) == ["overall", "groups", "periods"]
    assert list(doc["overall"]) == list(metrics.KPI_KEYS)
    assert list(doc["groups"][0]) == ["value", *metrics.KPI_KEYS, *metrics.COMPARISON_KEYS]
    assert list(doc["periods"][0]) == ["period", *metrics.KPI_KEYS, *metrics.COMPARISON_KEYS]
    assert isinstance(doc["overall"]["n"], int) and isinstance(doc["overall"]["nps"], float)
    assert doc["overall"]["nps_ci"][0] < doc["overall"]["nps"] < doc["overall"]["nps_ci"][1]
    small = [g for g in doc["groups"] if g["nps_n"] < metrics.MIN_INTERVAL_N]
    assert small and all(g["nps_ci"] is None for g in small)  # too few for an interval: null, key kept
    flat = report.to_frame()
    assert flat["scope"].tolist() == ["overall", "group", "group", "period", "period"]
    assert {"nps_ci_low", "nps_ci_high", "p_adjusted"} <= set(flat.columns)
    assert "groups" not in metrics.kpi_report(frame, make_config("nps")).to_dict()


def test_group_counts_add_up_to_the_whole(make_frame, make_config):
    rng = np.random.default_rng(11)
    n = 5_000
    nps = rng.integers(0, 11, n).astype(float)
    nps[rng.random(n) < 0.1] = np.nan
    frame = make_frame(nps=nps, csat=rng.integers(1, 6, n).astype(float), rating=rng.integers(1, 6, n).astype(float),
                       Plan=rng.choice(["a", "b", "c", None], n).tolist())
    data = metrics.prepare(frame, make_config("nps", "csat", "rating", segments=("Plan",)))
    whole = metrics.kpis(data).iloc[0]
    table = metrics.kpis_by(data, "Plan")
    for key in ("n", "nps_n", "csat_n", "rating_n", "promoters", "passives", "detractors"):
        assert table[key].sum() == whole[key]
    weighted = (table["rating_mean"] * table["rating_n"]).sum() / table["rating_n"].sum()
    assert weighted == pytest.approx(whole["rating_mean"])
    assert whole["nps"] == pytest.approx(metrics.nps_score((nps >= 9).sum(), (nps <= 6).sum(),
                                                           (~np.isnan(nps)).sum()))
    assert not math.isnan(whole["rating_ci_low"])


@pytest.mark.parametrize("as_category", [False, True])
def test_customers_per_segment_use_their_latest_answer_in_that_segment(make_frame, make_config, as_category):
    frame = make_frame(
        customer=["A", "A", "B", "B", "A"],
        date=["2024-01-01", "2024-02-01", "2024-01-05", "2024-03-01", "2024-03-05"],
        nps=[10, 0, 0, 9, 10],
        Plan=["a", "b", "a", "a", "a"],
    )
    if as_category:
        frame["Plan"] = frame["Plan"].astype("category")
    data = metrics.prepare(frame, make_config("nps", "customer", "date", segments=("Plan",)))
    table = metrics.kpis_by(data, "Plan", min_n=1).set_index("value")
    assert table.loc["a", "customers"] == 2 and table.loc["b", "customers"] == 1
    # in plan a: A's latest is 10 (March), B's latest is 9 -> both promoters
    assert table.loc["a", "customer_nps"] == pytest.approx(100.0)
    assert table.loc["b", "customer_nps"] == pytest.approx(-100.0)
