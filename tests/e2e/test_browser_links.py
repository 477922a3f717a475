"""Every choice on a page lives in its link: make the choices, copy the address, open it in a fresh browser."""

from __future__ import annotations

import pytest
from browsertools import (
    WAIT_MS,
    assert_clean,
    choose,
    is_on,
    main_text,
    press,
    query_of,
    reopen,
    shows,
    sidebar_tags,
    wait_for_query,
    wait_ready,
)

pytestmark = pytest.mark.e2e

SURVEY = "?dataset=Acme+NPS+survey"


def test_segments_breakdown_heatmap_and_period_open_from_the_link(portal_server, page, browser):
    page.goto(f"{portal_server}/segments{SURVEY}&where=Plan%3DPro")
    wait_ready(page, "Segments")
    choose(page, "Break down by", "Region")
    wait_for_query(page, "segments_by")
    choose(page, "Heat-map with", "Channel")
    wait_for_query(page, "segments_by2")
    press(page, "Quarter")
    wait_for_query(page, "segments_grain")
    choose(page, "Quarter", "Q2 2026")  # not the newest, which is preselected
    wait_for_query(page, "segments_period_quarter")
    wait_ready(page, "Segments")
    heading = "NPS by Region, Q2 2026"
    assert heading in main_text(page)
    link = page.url
    assert query_of(page)["segments_by"] == ["Region"] and query_of(page)["where"] == ["Plan=Pro"]
    assert query_of(page)["segments_period_quarter"] == ["Q2 2026"]
    context, again = reopen(browser, link, "Segments")
    try:
        assert_clean(again)
        assert heading in main_text(again)
        assert "NPS by Region and Channel" in main_text(again)
        shows(again, "Break down by", "Region")
        shows(again, "Heat-map with", "Channel")
        is_on(again, "Quarter")
        assert sidebar_tags(again) == ["Pro"]
    finally:
        context.close()
    # The page's choices stay on the page: the Overview's link holds the filters only.
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Overview").click()
    wait_ready(page, "Overview")
    page.wait_for_function("() => window.location.search.includes('where=')", timeout=WAIT_MS)
    assert not [k for k in query_of(page) if k.startswith("segments_")], page.url


def test_overview_period_opens_from_the_link(portal_server, page, browser):
    page.goto(f"{portal_server}/{SURVEY}")
    wait_ready(page, "Overview")
    press(page, "Quarter")
    wait_for_query(page, "overview_period")
    wait_ready(page, "Overview")
    assert "NPS by quarter" in main_text(page)
    context, again = reopen(browser, page.url, "Overview")
    try:
        assert_clean(again)
        is_on(again, "Quarter")
        assert "NPS by quarter" in main_text(again)
    finally:
        context.close()


def test_themes_theme_ranking_and_search_open_from_the_link(portal_server, page, browser):
    page.goto(f"{portal_server}/themes{SURVEY}")
    wait_ready(page, "Themes")
    press(page, "Negative share")
    wait_for_query(page, "themes_ranking")
    choose(page, "Theme", "dashboard")
    wait_for_query(page, "themes_theme")
    search = page.locator("[data-testid='stMain'] [data-testid='stTextInput']").filter(
        has=page.get_by_text("Search the comments", exact=True)).locator("input")
    search.fill("app")
    search.press("Enter")
    wait_for_query(page, "themes_search")
    wait_ready(page, "Themes")
    link = page.url
    assert query_of(page)["themes_theme"] == ["dashboard"] and query_of(page)["themes_search"] == ["app"]
    context, again = reopen(browser, link, "Themes")
    try:
        assert_clean(again)
        shows(again, "Theme", "dashboard")
        is_on(again, "Negative share")
        search_again = again.locator("[data-testid='stMain'] [data-testid='stTextInput']").filter(
            has=again.get_by_text("Search the comments", exact=True)).locator("input")
        from playwright.sync_api import expect

        expect(search_again).to_have_value("app", timeout=WAIT_MS)  # restored from the link
    finally:
        context.close()


def test_data_sources_tab_opens_from_the_link(portal_server, page, browser):
    page.goto(f"{portal_server}/data_sources")
    wait_ready(page, "Data sources")
    press(page, "Datasets and history")
    wait_for_query(page, "sources_tab")
    context, again = reopen(browser, page.url, "Data sources")
    try:
        assert_clean(again)
        is_on(again, "Datasets and history")
    finally:
        context.close()
