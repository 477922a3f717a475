"""The demo survey's journey names every touchpoint the generated survey has, each once."""

from __future__ import annotations

from portal.demo import DEMO_DATASETS
from portal.demo.survey import survey_frame
from portal.metrics.journey import check_order


def test_the_demo_surveys_journey_orders_every_touchpoint_once():
    survey = next(d for d in DEMO_DATASETS if d.kind == "survey")
    assert survey.journey is not None
    column, stages = survey.journey
    present = sorted(survey_frame()[column].dropna().unique())
    assert check_order(present, stages, column) == list(stages)
    assert stages[0] == "Onboarding" and stages[-1] == "Renewal"
    assert all(d.journey is None for d in DEMO_DATASETS if d is not survey)
