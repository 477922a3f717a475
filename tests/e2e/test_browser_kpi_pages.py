"""Overview and Segments in a real browser: one screen for the Overview, click a group to filter the portal."""

from __future__ import annotations

import pytest
from browsertools import CHART, WAIT_MS, assert_clean, query_of, sidebar_tags, wait_ready, wait_still

pytestmark = pytest.mark.e2e


def test_overview_fits_one_laptop_screen(portal_server, page, tmp_path):
    page.goto(f"{portal_server}/?dataset=Acme+NPS+survey")
    wait_ready(page, "Overview")
    assert_clean(page)
    page.locator(f"{CHART} svg").first.wait_for(timeout=WAIT_MS)
    # The first visit's welcome (one line per page) comes above the figures; once closed, they fit one screen.
    page.get_by_role("button", name="Got it").click()
    page.get_by_text("Each page answers one question").wait_for(state="detached", timeout=WAIT_MS)
    wait_ready(page, "Overview")
    page.locator(f"{CHART} svg").first.wait_for(timeout=WAIT_MS)
    main = page.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                         " return [m.scrollHeight, m.clientHeight, m.scrollWidth, m.clientWidth]; }")
    assert main[0] <= main[1] + 1, f"the Overview needs scrolling at 1366x768: {main}"
    assert main[2] <= main[3] + 1, f"the Overview is wider than the screen: {main}"
    body = page.inner_text("[data-testid='stMain']")
    for words in ("NPS", "give or take", "95% interval", "Revenue at risk", "Where it differs most", "APAC"):
        assert words in body
    assert page.locator(f"{CHART} svg path").count() > 5  # the band, the line and the points are drawn
    shot = tmp_path / "overview.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    print(f"Overview screenshot: {shot}")


def test_clicking_a_group_on_segments_filters_the_whole_portal(portal_server, page, tmp_path):
    page.goto(f"{portal_server}/segments?dataset=Acme+NPS+survey")
    wait_ready(page, "Segments")
    assert_clean(page)
    enterprise = f"{CHART} [aria-label^='value: Enterprise;']"
    row = page.locator(enterprise).first
    row.wait_for(timeout=WAIT_MS)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=WAIT_MS)
    wait_still(page, enterprise)  # the table above has its height and the chart its width: the bar stays put
    page.screenshot(path=str(tmp_path / "segments.png"))
    row.click(force=True)
    page.wait_for_function("() => window.location.search.includes('where=Plan%3DEnterprise')", timeout=WAIT_MS)
    wait_ready(page, "Segments")
    assert sidebar_tags(page) == ["Enterprise"]
    assert_clean(page)
    assert "The portal is filtered to Plan: Enterprise" in page.inner_text("[data-testid='stMain']")
    # The filter follows the person to the Overview and stays in its link.
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Overview").click()
    wait_ready(page, "Overview")
    page.wait_for_function("() => window.location.search.includes('where=')", timeout=WAIT_MS)
    assert query_of(page)["where"] == ["Plan=Enterprise"]
    assert "Filtered to Plan: Enterprise" in page.inner_text("[data-testid='stMain']")
    assert sidebar_tags(page) == ["Enterprise"]
    assert_clean(page)
    page.screenshot(path=str(tmp_path / "overview-filtered.png"))
    print(f"Screenshots in {tmp_path}")
