"""Every page: each chart offers PNG and SVG, each table of figures CSV and Excel; the welcome; the empty store.

The files themselves are checked in tests/test_downloads.py (rendered offline, valid PNG and SVG, Excel
round-trips with formulas guarded); here the pages are checked to offer them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from kpitools import REVIEWS, SURVEY, by_label, go_to, open_app, texts

from portal.ui.welcome import DATA_SOURCES, PAGE_QUESTIONS

#: The pages that show data (Data sources is where data comes from).
DATA_PAGES = ["overview", "segments", "journey", "themes", "competitors", "collections"]
REPO = Path(__file__).resolve().parents[2]


def buttons(at) -> list[str]:
    """Return the labels of every download button on the page."""
    return [b.label for b in at.get("download_button")]


def charts(at) -> int:
    """Return how many charts the page draws."""
    return len(at.get("vega_lite_chart"))


def address(path: str) -> str:
    """Return the address of a page file in the navigation ("pages/data_sources.py" -> "data_sources")."""
    return Path(path).stem


def welcome_lines(at) -> list[str]:
    """Return the welcome's page links on the page."""
    return [link.proto.label for link in at.get("page_link") if any(q in link.proto.label for *_, q, _ in PAGE_QUESTIONS)]


def assert_every_chart_downloads(at) -> None:
    """Fail unless the page draws a chart and every chart has its PNG and SVG button."""
    labels = buttons(at)
    assert not at.exception, [e.value for e in at.exception]
    assert charts(at) >= 1
    assert labels.count("PNG") == labels.count("SVG") == charts(at), labels


def assert_tables_download(at, csv_label: str) -> None:
    """Fail unless the table's CSV button has an Excel button right after it."""
    labels = buttons(at)
    assert csv_label in labels, labels
    assert labels[labels.index(csv_label) + 1] == "Excel"


def test_overview_trend_downloads_as_png_and_svg(demo):
    at = open_app(query={"dataset": SURVEY})
    assert_every_chart_downloads(at)


def test_segments_chart_heat_map_drivers_and_table_download(demo):
    at = open_app("segments", query={"dataset": SURVEY})
    at = by_label(at.selectbox, "Heat-map with").set_value("Region").run()
    assert charts(at) >= 3  # groups, heat-map, key drivers
    assert_every_chart_downloads(at)
    assert_tables_download(at, "Download the table (CSV)")
    assert_tables_download(at, "Download the key drivers (CSV)")


def test_themes_ranking_trend_sentiment_and_tables_download(demo):
    at = open_app("themes", query={"dataset": SURVEY})
    assert charts(at) >= 2
    assert_every_chart_downloads(at)
    assert_tables_download(at, "Download the table (CSV)")


def test_journey_chart_and_stage_table_download(demo):
    at = open_app("journey", query={"dataset": SURVEY})
    assert_every_chart_downloads(at)
    assert_tables_download(at, "Download the stages as CSV")


def test_the_welcome_names_every_page_of_the_navigation():
    pages = set(re.findall(r'st\.Page\("(pages/\w+\.py)"', (REPO / "app.py").read_text(encoding="utf-8")))
    assert pages and pages == {path for path, *_ in PAGE_QUESTIONS}


def test_competitors_heat_map_trends_and_tables_download(demo):
    at = open_app("competitors", query={"dataset": REVIEWS})
    assert_every_chart_downloads(at)
    for label in ("Download themes by brand (CSV)", "Download the gap table (CSV)"):
        assert_tables_download(at, label)


def test_data_sources_history_downloads_as_csv_and_excel(demo):
    at = open_app("data_sources")
    assert not at.exception
    assert_tables_download(at, "Download the history (CSV)")


def test_the_welcome_links_every_page_and_stays_closed_once_dismissed(demo):
    at = open_app(query={"dataset": SURVEY})
    links = {link.proto.label: link.proto.page for link in at.get("page_link")}
    helps = {link.proto.label: link.proto.help for link in at.get("page_link")}
    for path, title, _, question, more in PAGE_QUESTIONS:  # one line per page: its name, its question, its link
        default = {""} if path == "pages/overview.py" else set()  # the default page's address may be empty
        assert links[f"**{title}**: {question}"] in {address(path)} | default, links
        assert helps[f"**{title}**: {question}"] == more
    at.button(key="welcome_dismiss").click().run()
    assert not welcome_lines(at)
    at = go_to(at, "segments")
    at = go_to(at, "overview")
    assert not welcome_lines(at)  # remembered for the session


@pytest.mark.parametrize("page", DATA_PAGES)
def test_with_no_data_every_page_says_what_to_upload_and_links_data_sources(page_db, page):
    at = open_app(page)
    assert not at.exception and not at.error
    words = texts(at)
    assert "There is no data yet" in words and "CSV or Excel on the Data sources page" in words
    assert address(DATA_SOURCES) in [link.proto.page for link in at.get("page_link")]
    assert not at.get("download_button")
