"""The app menu lets a person switch to the dark theme (and back: the menu offers System, Light and Dark)."""

from __future__ import annotations

import pytest
from browsertools import WAIT_MS, assert_clean, snap, wait_ready

pytestmark = pytest.mark.e2e


def background(page) -> str:
    """Return the main area's computed background colour."""
    return page.locator("[data-testid='stApp']").evaluate("e => getComputedStyle(e).backgroundColor")


def brightness(rgb: str) -> float:
    """Return the mean of an "rgb(r, g, b)" colour's channels (0 dark to 255 light)."""
    channels = [float(c) for c in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    return sum(channels) / 3


def test_the_app_menu_switches_to_the_dark_theme(portal_server, page):
    page.goto(f"{portal_server}/journey?dataset=Acme+NPS+survey")
    wait_ready(page, "Journey")
    page.locator("[data-testid='stMainMenu']").click(timeout=WAIT_MS)
    page.locator("[data-testid='stMainMenuItem-theme-Dark']").click(timeout=WAIT_MS)
    page.wait_for_function("() => { const c = getComputedStyle(document.querySelector(\"[data-testid='stApp']\"))"
                           ".backgroundColor.match(/\\d+/g).slice(0, 3).map(Number);"
                           " return c.reduce((a, b) => a + b, 0) / 3 < 80; }", timeout=WAIT_MS)
    assert brightness(background(page)) < 80
    snap(page, "journey-dark-by-menu")
    assert_clean(page)
