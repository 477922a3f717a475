"""The Themes page in a real browser: it draws without errors and clicking a bar shows that theme's comments."""

from __future__ import annotations

import re

import pytest
from browsertools import wait_ready as wait_for_page

pytestmark = pytest.mark.e2e

CHART = "[data-testid='stVegaLiteChart']"
SURVEY = "Acme+NPS+survey"


def wait_ready(page) -> None:
    """Wait until the Themes page is drawn and Streamlit has finished running the script."""
    wait_for_page(page, "Themes")


def assert_clean(page) -> None:
    """Fail when the page shows a Python exception or an error box."""
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0


def chosen_theme(page) -> str:
    """Return the theme whose comments the page shows (from the line above the comments)."""
    found = re.search(r"comments about '(.+?)'\. Newest first", page.inner_text("[data-testid='stMain']"))
    assert found, "the page shows no theme's comments"
    return found.group(1)


def test_clicking_a_bar_shows_that_themes_comments(portal_server, page, tmp_path):
    page.goto(f"{portal_server}/themes?dataset={SURVEY}")
    wait_ready(page)
    assert_clean(page)
    for words in ("have at least one theme", "Grey: comments without a theme", "What customers say"):
        page.get_by_text(words).first.wait_for(timeout=60_000)
    bars = page.locator(f"{CHART} [aria-label*='; tone: ']")  # the bars (not the interval lines)
    bars.first.wait_for(timeout=30_000)
    page.wait_for_timeout(1_000)
    shot = tmp_path / "themes.png"
    page.screenshot(path=str(shot))
    print(f"Themes screenshot: {shot}")
    first = chosen_theme(page)
    labels = bars.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert len(labels) >= 10, labels
    target = next(label for label in labels if f"Theme: {first};" not in label and "Uncategorised" not in label)
    theme = target.split("Theme: ", 1)[1].split(";", 1)[0]
    bars.nth(labels.index(target)).click(force=True)
    page.wait_for_function("t => document.querySelector('[data-testid=\"stMain\"]').innerText"
                           ".includes(`comments about '${t}'`)", arg=theme, timeout=30_000)
    wait_ready(page)
    assert_clean(page)
    assert chosen_theme(page) == theme
    cards = page.locator("[data-testid='stMarkdownContainer'] strong")
    assert cards.count() > 0  # the words that put a comment under the theme are in bold
    page.screenshot(path=str(tmp_path / "themes-picked.png"), full_page=True)
