"""The Journey page: the demo's journey left to right, the weakest stage in words, a stage click filters the portal,
the setting form for a dataset without a journey, escaping, the sidebar filters and the empty state."""

from __future__ import annotations

import pandas as pd
import pytest
from kpitools import SURVEY, by_label, charts, go_to, import_survey, open_app, stored, survey_frame, texts
from pagetools import errors_of, open_page

from portal.metrics.journey import journey
from portal.services import journey as journey_service
from portal.store import Store
from portal.ui.markdown import escape_markdown

DEMO_STAGES = ["Onboarding", "Product usage", "Support", "Billing", "Renewal"]


def _card_titles(at) -> list[str]:
    return [m.value.strip("*") for m in at.main.markdown if m.value.startswith("**") and m.value.endswith("**")]


def test_the_demo_journey_is_drawn_in_order_with_the_library_figures(demo):
    at = open_app("journey", query={"dataset": SURVEY})
    assert not at.exception and not at.error
    assert _card_titles(at) == DEMO_STAGES
    frame, config = stored(demo, SURVEY)
    expected = journey(frame, config, "Touchpoint", DEMO_STAGES)
    [chart] = [c for c in charts(at) if "point" in c.marks()]
    rows = chart.rows()
    assert list(rows["value"]) == DEMO_STAGES
    assert list(rows["estimate"]) == list(expected.table["nps"])
    assert (rows["low"] >= -100).all() and (rows["high"] <= 100).all()
    words = texts(at)
    assert "The journey loses most at Support" in words
    assert "Pain point:" in words and "Top themes:" in words
    assert [b.label for b in at.button].count("Show only this stage") == 5


def test_clicking_a_stage_filters_the_other_pages_to_it(demo):
    at = open_app("journey", query={"dataset": SURVEY})
    buttons = [b for b in at.button if b.label == "Show only this stage"]
    buttons[DEMO_STAGES.index("Billing")].click().run()
    assert not at.exception
    assert by_label(at.sidebar.multiselect, "Touchpoint").value == ["Billing"]
    assert "The portal now shows only Touchpoint: Billing" in texts(at)
    assert _card_titles(at) == DEMO_STAGES  # the journey itself still shows every stage, the picked one marked
    assert "Shown on every page" in texts(at)
    at = go_to(at, "overview")
    assert not at.exception
    assert by_label(at.sidebar.multiselect, "Touchpoint").value == ["Billing"]
    frame, _ = stored(demo, SURVEY)
    billing = int((frame["Touchpoint"] == "Billing").sum())
    assert f"{billing:,} responses" in texts(at).replace("\u202f", ",")


def test_a_dataset_without_a_journey_gets_the_setting_form(page_db):
    with Store(page_db) as store:
        import_survey(store, "Plain", survey_frame(300))
    at = open_app("journey", query={"dataset": "Plain"})
    assert not at.exception and not at.error
    assert "has no journey yet" in texts(at)
    column = by_label(at.selectbox, "Which column says where the customer is in the journey?")
    assert column.value == "Plan"
    order = at.main.multiselect[0]
    order.select("Plus").select("Basic").run()
    [save] = [b for b in at.button if b.label == "Save the journey"]
    save.click().run()
    assert not at.exception and not at.error
    with Store(page_db) as store:
        assert journey_service.get_journey(store, "Plain").stages == ("Plus", "Basic")
    assert _card_titles(at) == ["Plus", "Basic"]


def test_an_incomplete_order_is_refused_in_plain_words(page_db):
    with Store(page_db) as store:
        import_survey(store, "Plain", survey_frame(300))
    at = open_app("journey", query={"dataset": "Plain"})
    at.main.multiselect[0].select("Plus").run()
    [save] = [b for b in at.button if b.label == "Save the journey"]
    save.click().run()
    assert any("leaves out 'Basic'" in e.replace("\\", "") for e in errors_of(at))
    with Store(page_db) as store:
        assert journey_service.get_journey(store, "Plain") is None


def test_names_from_the_file_are_escaped(page_db):
    frame = survey_frame(200)
    frame["Plan"] = frame["Plan"].map({"Basic": "![x](http://example.invalid/p.png)", "Plus": "$x$ :red[y]"})
    with Store(page_db) as store:
        import_survey(store, "Odd", frame)
        journey_service.set_journey(store, "Odd", "Plan", ["$x$ :red[y]", "![x](http://example.invalid/p.png)"])
    at = open_app("journey", query={"dataset": "Odd"})
    assert not at.exception and not at.error
    titles = [m.value for m in at.main.markdown if m.value.startswith("**")]
    assert titles[:2] == [f"**{escape_markdown('$x$ :red[y]')}**",
                          f"**{escape_markdown('![x](http://example.invalid/p.png)')}**"]
    assert "$x$" not in "".join(m.value for m in at.main.markdown)


def test_the_sidebar_filters_apply(demo):
    at = open_app("journey", query={"dataset": SURVEY, "where": "Plan=Enterprise"})
    assert not at.exception and not at.error
    frame, _ = stored(demo, SURVEY)
    enterprise = frame[frame["Plan"] == "Enterprise"]
    expected = enterprise["Touchpoint"].value_counts()
    for stage in DEMO_STAGES:
        assert f"{int(expected[stage]):,} responses" in texts(at)


def test_no_matching_responses_says_so(page_db):
    frame = survey_frame(200)
    frame["Region"] = frame["Plan"].map({"Basic": "North", "Plus": "South"})
    frame["Stage"] = ["Sign-up", "Billing"] * 100
    with Store(page_db) as store:
        import_survey(store, "Plain", frame)
        journey_service.set_journey(store, "Plain", "Stage", ["Sign-up", "Billing"])
    at = open_app("journey", query={"dataset": "Plain", "where": ["Plan=Basic", "Region=South"]})
    assert not at.exception and not at.error
    assert "No responses match the filters" in at.warning[0].value
    assert _card_titles(at) == []


def test_empty_store_explains_what_to_do(page_db):
    at = open_page("journey")
    assert not at.exception
    assert "There is no data yet" in at.info[0].value


def test_the_chart_never_leaves_the_kpis_scale():
    from portal.ui.journey import value_domain

    near_top = pd.DataFrame({"low": [90.0, 40.0], "high": [100.0, 60.0], "estimate": [97.0, 50.0]})
    assert value_domain(near_top, "nps", (1, 5)) == [pytest.approx(31.0), 100.0]
    ratings = pd.DataFrame({"low": [1.0, 1.2], "high": [1.6, 1.9], "estimate": [1.3, 1.5]})
    assert value_domain(ratings, "rating", (1, 5)) == [1.0, pytest.approx(2.035)]
    assert value_domain(ratings.iloc[:0], "csat", (1, 5)) == [0.0, 100.0]


def test_a_journey_whose_column_is_gone_asks_to_be_set_again(page_db):
    from portal.store.journeys import save_journey

    with Store(page_db) as store:
        import_survey(store, "Plain", survey_frame(100))
        save_journey(store, "Plain", "Touchpoint", ["A", "B"])  # a column an earlier mapping had
    at = open_app("journey", query={"dataset": "Plain"})
    assert not at.exception and not at.error
    assert "no longer has. Set the journey again." in at.warning[0].value.replace("\\", "")
    assert [b.label for b in at.button if b.label == "Save the journey"] == ["Save the journey"]
