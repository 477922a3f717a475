"""The journey's figures per stage, checked against values computed by hand and against ``portal kpis``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal import metrics
from portal.errors import InputError
from portal.metrics.journey import STAGE_KEYS, check_order, journey, pain_point, top_themes, weakest_sentence
from portal.text.codeframe import Codeframe, Theme
from portal.text.figures import theme_table
from portal.text.stage_themes import stage_theme_tables


def _scores(promoters: int, passives: int, detractors: int) -> list[float]:
    return [10.0] * promoters + [8.0] * passives + [3.0] * detractors


def _stages(make_frame, counts: dict[str, tuple[int, int, int]], repeat: int = 1) -> pd.DataFrame:
    """Return responses whose ``Stage`` holds each stage's (promoters, passives, detractors), ``repeat`` times."""
    nps, stage = [], []
    for name, (p, pa, d) in counts.items():
        scores = _scores(p, pa, d) * repeat
        nps += scores
        stage += [name] * len(scores)
    return make_frame(nps=np.array(nps), Stage=stage)


def test_each_stage_has_its_hand_computed_nps_in_the_journeys_order(make_frame, make_config):
    # 50 per stage: Sign-up 30 P / 10 Pa / 10 D -> 40; Billing 10 / 10 / 30 -> -40; Renewal as Sign-up -> 40.
    frame = _stages(make_frame, {"Billing": (2, 2, 6), "Sign-up": (6, 2, 2), "Renewal": (6, 2, 2)}, repeat=5)
    config = make_config("nps", segments=("Stage",))
    result = journey(frame, config, "Stage", ["Sign-up", "Billing", "Renewal"])
    doc = result.to_dict()
    assert list(doc) == ["column", "stages", "weakest"]
    assert [s["stage"] for s in doc["stages"]] == ["Sign-up", "Billing", "Renewal"]
    assert [s["n"] for s in doc["stages"]] == [50, 50, 50]
    assert [s["nps"] for s in doc["stages"]] == pytest.approx([40.0, -40.0, 40.0])
    assert all(list(s) == list(STAGE_KEYS) for s in doc["stages"])
    # Intervals and p-values are exactly those of `portal kpis --by Stage`.
    groups = {g["value"]: g for g in metrics.kpi_report(frame, config, by="Stage").to_dict()["groups"]}
    for stage in doc["stages"]:
        assert stage["nps_ci"] == pytest.approx(groups[stage["stage"]]["nps_ci"])
        assert stage["p_adjusted"] == pytest.approx(groups[stage["stage"]]["p_adjusted"])
        assert stage["low_sample"] is False and stage["csat"] is None and stage["csat_ci"] is None
    weakest = doc["weakest"]
    assert weakest["stage"] == "Billing" and weakest["metric"] == "nps"
    assert weakest["value"] == pytest.approx(-40.0) and weakest["rest"] == pytest.approx(40.0)
    assert weakest["difference"] == pytest.approx(-80.0) and weakest["p_adjusted"] < 0.05
    assert "loses most at Billing" in weakest_sentence(weakest, "nps")


def test_no_weakest_stage_when_the_differences_are_noise(make_frame, make_config):
    # 50 per stage, NPS 40, 30 and 40: a 10-point gap on 50 responses is well within chance.
    frame = _stages(make_frame, {"A": (6, 2, 2), "B": (5, 3, 2), "C": (6, 2, 2)}, repeat=5)
    result = journey(frame, make_config("nps", segments=("Stage",)), "Stage", ["A", "B", "C"])
    assert result.table["nps"].tolist() == pytest.approx([40.0, 30.0, 40.0])
    assert result.weakest is None
    assert all(p > 0.05 for p in result.table["p_adjusted"])
    assert weakest_sentence(None, "nps").startswith("No stage is really below the rest")


def test_a_small_stage_is_flagged_and_never_the_weakest(make_frame, make_config):
    # Billing: 3 detractors only (NPS -100) against 100 responses at NPS 40, but 3 < 30 responses.
    frame = _stages(make_frame, {"Sign-up": (30, 10, 10), "Billing": (0, 0, 3), "Renewal": (30, 10, 10)})
    result = journey(frame, make_config("nps", segments=("Stage",)), "Stage", ["Sign-up", "Billing", "Renewal"])
    records = {r["stage"]: r for r in result.to_dict()["stages"]}
    assert records["Billing"]["low_sample"] is True and records["Billing"]["nps"] == pytest.approx(-100.0)
    assert records["Billing"]["nps_ci"] is None  # fewer than 5 responses: no interval at all, as `portal kpis`
    assert records["Sign-up"]["low_sample"] is False
    assert result.weakest is None


def test_stages_without_responses_stay_in_place_and_new_values_follow(make_frame, make_config):
    frame = _stages(make_frame, {"B": (1, 0, 0), "A": (0, 0, 1), "Z": (1, 0, 0)})
    frame.loc[len(frame)] = frame.iloc[0]
    frame.loc[len(frame) - 1, "Stage"] = None  # no stage: left out of every figure
    result = journey(frame, make_config("nps", segments=("Stage",)), "Stage", ["A", "Gone", "B"])
    assert result.table["stage"].tolist() == ["A", "Gone", "B", "Z"]
    assert result.table["n"].tolist() == [1, 0, 1, 1]
    gone = result.to_dict()["stages"][1]
    assert gone["nps"] is None and gone["low_sample"] is True and gone["p_adjusted"] is None


def test_an_order_must_list_every_stage_once():
    assert check_order(["A", "B"], [" B", "A "], "Stage") == ["B", "A"]
    with pytest.raises(InputError, match="'A' is listed twice"):
        check_order(["A", "B"], ["A", "A", "B"], "Stage")
    with pytest.raises(InputError, match="Stage has no stage 'C'"):
        check_order(["A", "B"], ["A", "B", "C"], "Stage")
    with pytest.raises(InputError, match="leaves out 'B'"):
        check_order(["A", "B"], ["A"], "Stage")


def test_an_unknown_column_is_refused(make_frame, make_config):
    frame = _stages(make_frame, {"A": (1, 0, 0)})
    with pytest.raises(InputError, match="no column 'Nope'"):
        journey(frame, make_config("nps", segments=("Stage",)), "Nope", ["A"])


def test_sentiment_is_the_mean_of_each_stages_comments(make_frame, make_config):
    frame = _stages(make_frame, {"A": (2, 0, 0), "B": (0, 0, 2)})
    frame["sentiment"] = [0.5, 0.1, -0.4, np.nan]
    result = journey(frame, make_config("nps", segments=("Stage",)), "Stage", ["A", "B"])
    assert result.table["sentiment"].tolist() == pytest.approx([0.3, -0.4])


def test_the_pain_point_is_the_theme_that_lowers_the_stages_nps_most(make_frame, make_config):
    # 10 responses: 5 promoters, 5 detractors (NPS 0). "price" is mentioned by 4 detractors: without them the
    # stage has 5 P / 1 D of 6 -> NPS 66.7, so the impact is 0 - 66.7 = -66.7. "speed" by 2 promoters:
    # without them 3 P / 5 D of 8 -> -25, impact +25. "support" by 1 promoter and 1 detractor: impact 0.
    frame = make_frame(nps=np.array([10.0] * 5 + [3.0] * 5), Stage=["A"] * 10,
                       comment=[f"comment {i}" for i in range(10)])
    codeframe = Codeframe(themes=(Theme(key="price", name="price", keywords=("price",)),
                                  Theme(key="speed", name="speed", keywords=("speed",)),
                                  Theme(key="support", name="support", keywords=("support",))))
    assigned = pd.DataFrame({"row_key": ["id:5", "id:6", "id:7", "id:8", "id:0", "id:1", "id:2", "id:9"],
                             "theme_key": ["price"] * 4 + ["speed"] * 2 + ["support"] * 2})
    config = make_config("nps", segments=("Stage",))
    table = theme_table(frame, assigned, codeframe, config)
    pain = pain_point(table)
    assert pain["theme"] == "price" and pain["n"] == 4
    assert pain["nps_impact"] == pytest.approx(-200 / 3)
    low, high = pain["nps_impact_ci"]
    assert low <= pain["nps_impact"] <= high
    assert [t["theme"] for t in top_themes(table)] == ["price", "speed", "support"]
    assert top_themes(table)[0] == {"theme": "price", "n": 4, "share": pytest.approx(0.4)}
    result = journey(frame, config, "Stage", ["A"], themes={"A": table})
    assert result.to_dict()["stages"][0]["pain_point"]["theme"] == "price"
    # The per-stage figures read from one mention matrix are those of the Themes page's table.
    both = pd.concat([frame, frame.assign(Stage="B", row_key=[f"other:{i}" for i in range(10)])], ignore_index=True)
    per_stage = stage_theme_tables(both, assigned, codeframe, config, both["Stage"], ["A", "B", "C"])
    assert list(per_stage) == ["A", "B"]  # C has no response
    columns = list(per_stage["A"].columns)
    pd.testing.assert_frame_equal(per_stage["A"].set_index("theme_key").sort_index(),
                                  table[columns].set_index("theme_key").sort_index(), check_dtype=False)
    assert per_stage["B"]["n"].tolist() == [0, 0, 0, 10]  # B's comments have no theme: all Uncategorised


def test_no_pain_point_when_no_theme_lowers_nps():
    table = pd.DataFrame({"theme": ["speed", "Uncategorised"], "theme_key": ["speed", ""], "parent": [None, None],
                          "n": [3, 9], "share": [0.3, 0.9], "nps_impact": [5.0, -30.0],
                          "nps_impact_low": [1.0, -40.0], "nps_impact_high": [9.0, -20.0]})
    assert pain_point(table) is None  # Uncategorised is never a pain point
    assert pain_point(None) is None and top_themes(None) == []
    assert [t["theme"] for t in top_themes(table)] == ["speed"]


def test_without_nps_the_pain_point_is_the_theme_with_the_most_negative_comments():
    table = pd.DataFrame({"theme": ["price", "support", "app"], "theme_key": ["t1", "t2", "t3"],
                          "n": [10, 40, 20], "share": [0.1, 0.4, 0.2], "negative_share": [0.9, 0.3, 0.5],
                          "nps_impact": [np.nan] * 3, "nps_impact_low": [np.nan] * 3,
                          "nps_impact_high": [np.nan] * 3})
    pain = pain_point(table)  # 9, 12 and 10 negative comments
    assert pain == {"theme": "support", "n": 40, "nps_impact": None, "nps_impact_ci": None, "negative_share": 0.3}
    assert pain_point(table.assign(negative_share=0.0)) is None


def test_the_telecom_surveys_journey_matches_kpis_by_stage(telecom, make_config):
    """A real survey: its survey sub-type as the journey, every stage with the figures of `portal kpis --by`."""
    config = make_config("nps", "date", segments=("SURVEY_SUB_TYPE",))
    stages = sorted(telecom["SURVEY_SUB_TYPE"].dropna().astype(str).unique())
    result = journey(telecom, config, "SURVEY_SUB_TYPE", stages[::-1])
    assert result.table["stage"].tolist() == stages[::-1]
    groups = metrics.kpis_by(metrics.prepare(telecom, config), "SURVEY_SUB_TYPE").set_index("value")
    for row in result.table.itertuples():
        assert row.n == groups.loc[row.stage, "n"]
        assert row.nps == pytest.approx(groups.loc[row.stage, "nps"])
        assert row.p_adjusted == pytest.approx(groups.loc[row.stage, "p_adjusted"])
    if result.weakest is not None:
        weakest = result.table.set_index("stage").loc[result.weakest["stage"]]
        assert weakest["significant"] and weakest["difference"] < 0
        below = result.table[result.table["significant"] & (result.table["difference"] < 0)]
        assert weakest["difference"] == below["difference"].min()
