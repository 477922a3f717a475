"""Evidence collections in a real browser: save a quote from the Themes page into a new collection, then open the
collection's link in a fresh browser (no shared session) and find the quote there."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from browsertools import WAIT_MS, assert_clean, main_text, wait_ready

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SURVEY = "Acme+NPS+survey"
NAME = "Browser evidence"


@pytest.fixture
def test_output() -> Path:
    """The folder (git-ignored) where browser tests leave their screenshots for a person to look at."""
    folder = REPO / "test-output"
    folder.mkdir(exist_ok=True)
    return folder


def _first_card_text(page) -> str:
    """Return the first comment card's text (icons left out), read from the row holding its Save control."""
    row = page.locator("[data-testid='stPopover']").first.locator(
        "xpath=ancestor::div[@data-testid='stHorizontalBlock'][1]")
    lines = row.locator("[data-testid='stMarkdownContainer']").first.inner_text().strip().splitlines()
    text = " ".join(lines[0].split())  # the comment; its facts follow on the next line
    return re.sub(r"^(sentiment_[a-z]+|help) ", "", text)  # the sentiment icon's ligature name


def _save_first_quote(page) -> str:
    """Save the first comment card into a new collection named ``NAME``; return the collection's link."""
    page.locator("[data-testid='stPopover'] button").first.click()
    body = page.locator("[data-testid='stPopoverBody']").last
    name = body.get_by_label("Name of the new collection")
    name.fill(NAME)
    name.press("Enter")
    wait_ready(page)
    body.get_by_label("Your note (optional)").fill("Seen in the browser test")
    body.get_by_label("Your note (optional)").press("Enter")
    wait_ready(page)
    body.get_by_role("button", name="Save to collection").click()
    page.get_by_text(f"Saved to '{NAME}'").wait_for(timeout=WAIT_MS)
    wait_ready(page)
    link = page.locator("[data-testid='stPopoverBody'] a[href*='collection=']").last
    return str(link.get_attribute("href"))


def test_a_quote_saved_on_themes_opens_from_its_link_in_a_fresh_browser(portal_server, page, browser, test_output):
    page.goto(f"{portal_server}/themes?dataset={SURVEY}")
    wait_ready(page, "Themes")
    page.get_by_text("What customers say").first.wait_for(timeout=WAIT_MS)
    assert_clean(page)
    quote = _first_card_text(page)
    href = _save_first_quote(page)
    assert_clean(page)
    number = parse_qs(urlparse(href).query)["collection"]
    assert len(number) == 1 and number[0].isdigit()
    fresh = browser.new_context(viewport={"width": 1280, "height": 800})  # no cookies, no session: a colleague
    fresh.set_default_timeout(WAIT_MS)
    try:
        other = fresh.new_page()
        other.goto(f"{portal_server}/collections?collection={number[0]}")
        wait_ready(other, NAME)
        assert_clean(other)
        shown = main_text(other)
        assert quote in " ".join(shown.split()), (quote, shown[:2000])
        assert "Seen in the browser test" in shown and "stands for" in shown
        assert other.get_by_role("button", name="Download a printable page (HTML)").count() == 1
        other.screenshot(path=str(test_output / "collection.png"), full_page=True)
    finally:
        fresh.close()
