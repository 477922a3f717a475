"""The Journey page in a real browser: the demo's stages in order, the chart drawn, a stage click filters the portal."""

from __future__ import annotations

from pathlib import Path

import pytest
from browsertools import CHART, WAIT_MS, assert_clean, main_text, query_of, sidebar_tags, wait_ready

pytestmark = pytest.mark.e2e

#: Where the browser tests leave their screenshots for people to look at (ignored by git).
TEST_OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
STAGES = ["Onboarding", "Product usage", "Support", "Billing", "Renewal"]


def _bold_stages(page) -> list[str]:
    """Return the stage names the page writes in bold (each stage card's title), top-left to bottom-right."""
    bold = page.locator("[data-testid='stMain'] strong").evaluate_all("els => els.map(e => e.innerText.trim())")
    return [b for b in bold if b in STAGES]


def test_the_demo_journey_renders_in_order_and_a_stage_click_filters_the_portal(portal_server, page):
    page.goto(f"{portal_server}/journey?dataset=Acme+NPS+survey")
    wait_ready(page, "Journey")
    assert_clean(page)
    chart = page.locator(f"{CHART} svg").first
    chart.wait_for(timeout=WAIT_MS)
    box = chart.bounding_box()
    assert box is not None and box["height"] > 100 and box["width"] > 300  # drawn, not an empty 0 px chart
    assert _bold_stages(page) == STAGES
    assert "The journey loses most at Support" in main_text(page)
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / "journey.png"), full_page=True)

    buttons = page.locator("[data-testid='stMain']").get_by_role("button", name="Show only this stage")
    assert buttons.count() == len(STAGES)
    buttons.nth(STAGES.index("Billing")).click()
    page.wait_for_function("() => window.location.search.includes('where=Touchpoint%3DBilling')", timeout=WAIT_MS)
    wait_ready(page, "Journey")
    assert_clean(page)
    assert sidebar_tags(page) == ["Billing"]
    assert "The portal now shows only Touchpoint: Billing" in main_text(page)
    assert _bold_stages(page) == STAGES  # the journey keeps every stage beside the picked one
    page.screenshot(path=str(TEST_OUTPUT / "journey-billing.png"), full_page=True)

    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Overview").click()
    wait_ready(page, "Overview")
    page.wait_for_function("() => window.location.search.includes('where=')", timeout=WAIT_MS)
    assert query_of(page)["where"] == ["Touchpoint=Billing"]
    assert "Filtered to Touchpoint: Billing" in main_text(page)
    assert_clean(page)
