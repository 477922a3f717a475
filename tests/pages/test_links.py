"""Every page's choices live in its link: a link's values restore the widgets; a wrong one says so."""

from __future__ import annotations

from kpitools import REVIEWS, SURVEY, by_label, go_to, open_app, texts


def widget(at, kind: str, key: str):
    """Return the widget of ``kind`` with ``key``."""
    found = [w for w in at.get(kind) if w.key == key]
    assert found, [w.key for w in at.get(kind)]
    return found[0]


def link_warnings(at) -> list[str]:
    """Return the sidebar's warnings about the link."""
    return [str(w.value).replace("\\", "") for w in at.sidebar.warning]


def test_segments_restores_breakdown_heatmap_kpi_and_period_from_the_link(demo):
    at = open_app("segments", query={"dataset": SURVEY, "segments_by": "Region", "segments_by2": "Channel",
                                     "segments_grain": "Quarter", "segments_period_quarter": "Q2 2026"})
    assert not at.exception and not link_warnings(at)
    assert by_label(at.selectbox, "Break down by").value == "Region"
    assert by_label(at.selectbox, "Heat-map with").value == "Channel"
    assert widget(at, "button_group", "segments_grain").value == "quarter"
    assert widget(at, "selectbox", "segments_period_quarter").value.strftime("%Y-%m-%d") == "2026-04-01"
    assert "NPS by Region, Q2 2026" in texts(at) and "NPS by Region and Channel" in texts(at)


def test_a_link_value_the_page_does_not_offer_falls_back_to_the_default_with_a_warning(demo):
    at = open_app("segments", query={"dataset": SURVEY, "segments_by": "Shoe size", "segments_grain": "Fortnight"})
    assert not at.exception
    assert by_label(at.selectbox, "Break down by").value == "Plan"
    assert widget(at, "button_group", "segments_grain").value == "all"
    warnings = link_warnings(at)
    assert any("'Shoe size'" in w and "default is shown" in w for w in warnings), warnings
    assert any("'Fortnight'" in w for w in warnings), warnings
    at.run()  # said once, not on every rerun
    assert not link_warnings(at)


def test_page_choices_do_not_follow_the_person_to_another_page(demo):
    at = open_app("segments", query={"dataset": SURVEY, "segments_by": "Region", "where": "Plan=Pro"})
    assert by_label(at.selectbox, "Break down by").value == "Region"
    at = go_to(at, "overview")
    assert not at.exception
    assert at.query_params["where"] == "Plan=Pro"
    assert not [k for k in at.query_params if k.startswith("segments_")], dict(at.query_params)


def test_overview_restores_its_period_from_the_link(demo):
    at = open_app("overview", query={"dataset": SURVEY, "overview_period": "Quarter"})
    assert not at.exception and not link_warnings(at)
    assert widget(at, "button_group", "overview_period").value == "quarter"
    assert "**NPS by quarter**" in [m.value for m in at.markdown]


def test_themes_restores_theme_ranking_search_and_sentiment_from_the_link(demo):
    at = open_app("themes", query={"dataset": SURVEY, "themes_theme": "dashboard", "themes_ranking": "Negative share",
                                   "themes_search": "app", "themes_f_sentiment": "negative"})
    assert not at.exception and not link_warnings(at)
    assert by_label(at.selectbox, "Theme").value == "dashboard"
    assert widget(at, "button_group", "themes_ranking").value == "negative"
    assert widget(at, "text_input", "themes_search").value == "app"
    assert widget(at, "multiselect", "themes_f_sentiment").value == ["negative"]


def test_themes_names_a_theme_the_link_asks_for_that_is_gone(demo):
    at = open_app("themes", query={"dataset": REVIEWS, "themes_theme": "no such theme"})
    assert not at.exception
    assert any("'no such theme'" in w for w in link_warnings(at))
    assert by_label(at.selectbox, "Theme").value == by_label(at.selectbox, "Theme").options[0]


def test_data_sources_names_a_tab_the_link_asks_for_that_does_not_exist(demo):
    at = open_app("data_sources", query={"sources_tab": "Google Sheet"})
    assert not at.exception and not link_warnings(at)
    at = open_app("data_sources", query={"sources_tab": "Spreadsheets"})
    assert any("'Spreadsheets'" in w for w in link_warnings(at))
