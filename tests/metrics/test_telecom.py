"""The KPI engine on the public telecom NPS survey (shared data sets), against its published figures."""

from __future__ import annotations

import pytest

from portal import metrics
from portal.model import DatasetConfig, Mapping

pytestmark = pytest.mark.shared_data

CONFIG = DatasetConfig(mapping=Mapping(nps="NPS_SCORE", date="CUSTOMER_RESPONSE_DATE",
                                       segments=("SURVEY_SUB_TYPE",)))


def test_overall_nps_matches_the_published_figure(telecom):
    rec = metrics.kpi_report(telecom, CONFIG).to_dict()["overall"]
    assert rec["n"] == 2385 and rec["nps_n"] == 2353
    assert (rec["promoters"], rec["passives"], rec["detractors"]) == (690, 392, 1271)
    assert rec["nps"] == pytest.approx(-24.7, abs=0.05)
    low, high = rec["nps_ci"]
    assert low < rec["nps"] < high and high - low == pytest.approx(7.1, abs=0.2)


def test_nps_by_journey_stage(telecom):
    groups = {g["value"]: g for g in metrics.kpi_report(telecom, CONFIG, by="SURVEY_SUB_TYPE").to_dict()["groups"]}
    assert set(groups) == {"First Payment", "Order", "Equipment Received", "Service in Use"}
    assert groups["Service in Use"]["nps"] == pytest.approx(-77, abs=0.5)
    assert groups["Order"]["nps"] == pytest.approx(-10, abs=0.5)
    assert groups["Order"]["significant"] and groups["Service in Use"]["significant"]
    assert sum(g["n"] for g in groups.values()) == 2385


def test_monthly_trend_reads_day_first_dates(telecom):
    periods = metrics.kpi_report(telecom, CONFIG, period="month").to_dict()["periods"]
    assert [p["period"] for p in periods] == ["2017-12-01", "2018-01-01", "2018-02-01", "2018-03-01",
                                              "2018-04-01", "2018-05-01", "2018-06-01"]
    assert [p["n"] for p in periods] == [89, 429, 426, 538, 390, 336, 177]
    assert periods[0]["p_value"] is None


def test_overview_of_the_survey(telecom):
    view = metrics.overview(telecom, CONFIG)
    (tile,) = view.tiles
    assert tile.sentence == "NPS -25, give or take 4, from 2,353 responses."
    assert tile.change is not None and tile.change.period.isoformat().startswith("2018-06-01")
    assert view.differences[0].value == "Service in Use"
    assert all(d.p_adjusted < 0.05 for d in view.differences)
