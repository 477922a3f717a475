"""The Overview page: tiles with intervals and sentences, trend with band and events, differences, events."""

from __future__ import annotations

import pandas as pd
from kpitools import (
    REVIEWS,
    SURVEY,
    by_label,
    charts,
    import_survey,
    open_app,
    survey_frame,
    texts,
)

from portal import metrics
from portal.demo import price_change_date
from portal.metrics.events import compare_event
from portal.services import events as event_service
from portal.store import Store
from portal.ui.markdown import escape_markdown


def library_view(url: str, name: str) -> tuple[metrics.Overview, object]:
    """Return the library's overview of a stored dataset, as the page should show it."""
    with Store(url) as store:
        info = store.dataset(name)
        return metrics.overview(store.load(name), info.config, period="month"), info.config


def test_empty_store_explains_how_to_add_data(page_db):
    at = open_app()
    assert not at.exception and not at.error
    assert "There is no data yet" in texts(at)
    links = at.get("page_link")
    assert links and links[0].proto.label.startswith("Add data") and "data_sources" in links[0].proto.page


def test_survey_tiles_show_the_library_figures_sentences_and_definitions(demo):
    at = open_app(query={"dataset": SURVEY})
    assert not at.exception and not at.error
    view, _ = library_view(demo, SURVEY)
    tiles = {m.label: m for m in at.metric}
    assert list(tiles) == ["NPS", "Revenue at risk", "Customers"]  # no CSAT or rating in this survey
    nps = view.tiles[0]
    assert tiles["NPS"].value == f"{nps.value:.0f}"
    assert tiles["NPS"].proto.help == metrics.DEFINITIONS["nps"]  # word for word
    assert tiles["Revenue at risk"].proto.help == metrics.DEFINITIONS["value"]
    assert tiles["Revenue at risk"].value == f"£{view.revenue_at_risk:,.0f}"  # the default currency
    assert tiles["Customers"].value == f"{view.customers:,}"
    words = texts(at)
    assert nps.sentence in words  # "NPS 26, give or take 2, from 6,000 responses."
    low, high = nps.ci
    assert f"95% interval {low:.0f} to {high:.0f}" in words
    assert view.revenue_sentence in words


def test_change_is_marked_only_when_it_is_real(demo):
    at = open_app(query={"dataset": SURVEY})
    view, _ = library_view(demo, SURVEY)
    change = view.tiles[0].change
    assert change is not None and not change.significant  # the demo's last month is within chance
    assert by_label(at.metric, "NPS").delta in ("", None)
    assert f"No real change since {change.previous_label}" in texts(at)


def test_a_real_drop_in_the_last_month_is_marked_on_the_tile(page_db):
    with Store(page_db) as store:
        import_survey(store, "Drop", survey_frame(1200, months=4, last_month_shift=-4))
        info = store.dataset("Drop")
        view = metrics.overview(store.load("Drop"), info.config, period="month")
    change = view.tiles[0].change
    assert change.significant and change.difference < 0
    at = open_app(query={"dataset": "Drop"})
    assert not at.exception and not at.error
    delta = by_label(at.metric, "NPS").delta
    assert delta.startswith("-") and change.previous_label in delta
    assert f"A real change since {change.previous_label}" in texts(at)


def test_review_tiles_label_csat_as_derived_and_show_the_rating(demo):
    at = open_app(query={"dataset": REVIEWS})
    assert not at.exception and not at.error
    labels = [m.label for m in at.metric]
    assert labels == ["CSAT (derived from star ratings)", "Average rating", "Responses"]
    assert by_label(at.metric, "Average rating").proto.help == metrics.DEFINITIONS["rating"]
    assert by_label(at.metric, "CSAT (derived from star ratings)").proto.help == metrics.DEFINITIONS["csat"]
    view, _ = library_view(demo, REVIEWS)
    assert by_label(at.metric, "Average rating").value == f"{view.tiles[1].value:.1f}"
    assert view.tiles[1].sentence in texts(at)


def test_trend_chart_has_the_interval_band_and_one_point_per_month(demo):
    at = open_app(query={"dataset": SURVEY})
    view, _ = library_view(demo, SURVEY)
    [chart] = charts(at)
    assert chart.marks()[:3] == ["area", "line", "circle"]
    area = chart.spec["layer"][0]["encoding"]
    assert area["y"]["field"] == "low" and area["y2"]["field"] == "high"
    rows = chart.rows()
    assert len(rows) == len(view.trend) == 18
    assert list(rows["estimate"].round(6)) == list(view.trend["nps"].round(6))
    assert (rows["low"] <= rows["estimate"]).all() and (rows["estimate"] <= rows["high"]).all()
    assert list(rows["real_change"]) == list(view.trend["nps_significant"])
    assert "NPS by month" in texts(at)


def test_a_half_year_trend_ticks_each_month_once(demo):
    # The date filter January-June 2026: one tick per month, June included (Vega's own ticks were weekly).
    at = open_app(query={"dataset": SURVEY, "from": "2026-01-01", "to": "2026-06-30"})
    assert not at.exception and not at.error
    [chart] = charts(at)
    axis = chart.spec["layer"][0]["encoding"]["x"]["axis"]
    assert [(v["year"], v["month"], v["date"]) for v in axis["values"]] == [(2026, m, 1) for m in range(1, 7)]
    assert len(chart.rows()) == 6


def test_period_choice_redraws_the_trend_by_quarter(demo):
    at = open_app(query={"dataset": SURVEY})
    [period] = [b for b in at.get("button_group") if b.label == "Period"]
    at = period.set_value("quarter").run()
    [chart] = charts(at)
    assert len(chart.rows()) == 7  # May 2025 .. Oct 2026 touches seven quarters
    assert "NPS by quarter" in texts(at)


def test_marking_an_event_puts_it_on_the_trend_and_compares_before_and_after(demo_copy):
    at = open_app(query={"dataset": SURVEY})
    when = price_change_date()
    by_label(at.date_input, "Date").set_value(when)
    by_label(at.text_input, "What happened").set_value("Price increase")
    by_label(at.selectbox, "Kind").set_value("price change")
    [submit] = [b for b in at.button if b.label == "Mark the event"]
    at = submit.click().run()
    assert not at.exception and not at.error
    with Store(demo_copy) as store:
        marked = event_service.list_events(store, SURVEY)
    assert [(e.date, e.label, e.kind) for e in marked] == [(when, "Price increase", "price change")]
    [chart] = charts(at)
    marks = chart.marks()
    assert "rule" in marks and "text" in marks
    assert list(chart.rows(marks.index("text"))["label"]) == ["Price increase"]
    # Before / after: the same tests as the library, shown as a small table and a sentence.
    table = [d.value for d in at.dataframe if "Before" in d.value.columns]
    assert table and list(table[0]["KPI"]) == ["NPS"]
    with Store(demo_copy) as store:
        info = store.dataset(SURVEY)
        expected = compare_event(store.load(SURVEY), info.config, when, days=28)
    assert table[0]["Real change?"].iloc[0] == ("yes" if expected.table["significant"].iloc[0] else "no")
    assert expected.sentence in texts(at)


def test_an_empty_event_label_is_refused_with_a_plain_message(demo_copy):
    at = open_app(query={"dataset": SURVEY})
    [submit] = [b for b in at.button if b.label == "Mark the event"]
    at = submit.click().run()
    assert any("short label" in e.value for e in at.error)
    with Store(demo_copy) as store:
        assert event_service.list_events(store, SURVEY) == []


def test_segments_that_differ_most_are_the_significant_ones(demo):
    at = open_app(query={"dataset": SURVEY})
    view, _ = library_view(demo, SURVEY)
    assert view.differences and all(d.p_adjusted < 0.05 for d in view.differences)
    words = texts(at)
    for d in view.differences:
        assert f"{d.value} ({d.column}): NPS {d.estimate:.0f}" in words
    assert words.index("APAC (Region)") < words.index("Enterprise (Plan)")  # largest difference first


def test_no_real_difference_says_so(page_db):
    with Store(page_db) as store:
        import_survey(store, "Flat", survey_frame(600, months=3))
    at = open_app(query={"dataset": "Flat"})
    assert not at.exception and not at.error
    assert "No group differs from the rest by more than chance" in texts(at)


def test_a_dataset_without_dates_has_no_trend_and_says_why(page_db):
    with Store(page_db) as store:
        import_survey(store, "Undated", survey_frame(300, dated=False))
    at = open_app(query={"dataset": "Undated"})
    assert not at.exception and not at.error
    assert charts(at) == []
    assert "No trend: this dataset has no dates" in texts(at)
    assert by_label(at.metric, "NPS").value  # the tiles are still there
    assert not at.get("date_input")  # neither a date filter nor an event form


def test_filters_that_keep_nothing_say_what_to_do(page_db):
    early = survey_frame(200, plans={"Basic": 100, "Plus": 100}, months=1)
    late = survey_frame(100, plans={"Plus": 100}, months=1, seed=8)
    late["Response ID"] = "late-" + late["Response ID"]
    late["Date"] = "2024-06-15"
    with Store(page_db) as store:
        import_survey(store, "Split", pd.concat([early, late], ignore_index=True))
    at = open_app(query={"dataset": "Split", "where": "Plan=Basic", "from": "2024-06-01"})
    assert not at.exception and not at.error
    assert "No responses match the filters" in texts(at)
    assert not at.metric


def test_customer_text_is_shown_literally_never_as_markdown(page_db):
    odd = ":red[Boom] **bold** <b>x</b> $x^2$ [link](http://example.com)"
    frame = survey_frame(0, plans={"Basic": 300, odd: 300}, months=2)
    frame.loc[frame["Plan"] == odd, "How likely are you to recommend us?"] = "2"  # a real, large difference
    with Store(page_db) as store:
        import_survey(store, "Odd", frame)
    at = open_app(query={"dataset": "Odd"})
    assert not at.exception and not at.error
    [line] = [m.value for m in at.markdown if "below the rest" in m.value]
    assert escape_markdown(odd) in line and odd not in line
    assert line.replace("\\", "").count(odd) == 1  # the escapes only protect, they hide nothing


def test_escape_markdown_covers_directives_maths_html_and_links():
    text = escape_markdown(":blue[x] $y$ <i>z</i> [a](b) *c* `d` #e")
    for raw in (":blue[", "$y$", "<i>", "[a](b)", "*c*", "`d`"):
        assert raw not in text
    assert "\\#e" in text
    assert text.replace("\\", "") == ":blue[x] $y$ <i>z</i> [a](b) *c* `d` #e"
