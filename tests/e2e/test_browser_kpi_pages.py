"""Overview and Segments in a real browser: one screen for the Overview, click a group to filter the portal."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.e2e

CHART = "[data-testid='stVegaLiteChart']"


def wait_ready(page, heading: str) -> None:
    """Wait until the page shows ``heading`` and Streamlit has finished running the script."""
    page.wait_for_selector("[data-testid='stApp']", timeout=60_000)
    page.get_by_role("heading", name=heading).wait_for(timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(800)


def assert_clean(page) -> None:
    """Fail when the page shows a Python exception or an error box."""
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


def sidebar_tags(page) -> list[str]:
    """Return the values chosen in the sidebar's multiselect filters."""
    tags = page.locator("[data-testid='stSidebar'] [role='group'][aria-label='Selected values'] > span[aria-label]")
    return tags.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")


def query_of(page) -> dict[str, list[str]]:
    """Return the page's query string as lists of values."""
    return parse_qs(urlparse(page.url).query)


def test_overview_fits_one_laptop_screen(portal_server, page, tmp_path):
    page.goto(f"{portal_server}/?dataset=Acme+NPS+survey")
    wait_ready(page, "Overview")
    assert_clean(page)
    page.locator(f"{CHART} svg").first.wait_for(timeout=30_000)
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
    row = page.locator(f"{CHART} [aria-label^='value: Enterprise;']").first
    row.wait_for(timeout=30_000)
    page.locator("[data-testid='stDataFrame']").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1_000)
    page.screenshot(path=str(tmp_path / "segments.png"))
    row.click(force=True)
    page.wait_for_function("() => window.location.search.includes('where=Plan%3DEnterprise')", timeout=30_000)
    wait_ready(page, "Segments")
    assert sidebar_tags(page) == ["Enterprise"]
    assert_clean(page)
    assert "The portal is filtered to Plan: Enterprise" in page.inner_text("[data-testid='stMain']")
    # The filter follows the person to the Overview and stays in its link.
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Overview").click()
    wait_ready(page, "Overview")
    page.wait_for_function("() => window.location.search.includes('where=')", timeout=30_000)
    assert query_of(page)["where"] == ["Plan=Enterprise"]
    assert "Filtered to Plan: Enterprise" in page.inner_text("[data-testid='stMain']")
    assert sidebar_tags(page) == ["Enterprise"]
    assert_clean(page)
    page.screenshot(path=str(tmp_path / "overview-filtered.png"))
    print(f"Screenshots in {tmp_path}")


def test_a_shared_link_opens_the_same_filtered_view(portal_server, page):
    # Known limitation: the very first visit after a server start runs the page outside the navigation once;
    # a shared link is opened by people after the portal has served its first page.
    page.goto(portal_server)
    wait_ready(page, "Overview")
    page.goto(f"{portal_server}/segments?dataset=Acme+NPS+survey&where=Region%3DAPAC&from=2026-01-01")
    wait_ready(page, "Segments")
    assert_clean(page)
    assert sidebar_tags(page) == ["APAC"]
    assert "The portal is filtered to" not in page.inner_text("[data-testid='stMain']")  # Plan is not filtered
    assert query_of(page)["from"] == ["2026-01-01"]
