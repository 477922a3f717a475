"""The Competitors page in a real browser on the demo app-store reviews: the heat-map draws with a size and no
console error, picking our brand puts it in the link, and clicking a cell shows the reviews behind it and puts the
cell in the link, which shows them again when opened."""

from __future__ import annotations

import pytest
from browsertools import assert_clean, reopen
from test_browser_charts import CHART, Watched, choose

pytestmark = pytest.mark.e2e

REVIEWS = "App store reviews"


def test_heat_map_draws_and_a_cell_click_shows_its_reviews(portal_server, browser):
    w = Watched(browser)
    try:
        w.page.goto(f"{portal_server}/?dataset=App+store+reviews")
        w.settle("Overview", 1)
        w.go("Competitors")
        sizes = w.settle("Competitors", 2, "Rating trends")  # the heat-map and the rating trends
        assert all(width > 100 and height > 100 for width, height in sizes), sizes
        choose(w.page, "Our brand", "Globex")
        w.page.wait_for_function("() => new URLSearchParams(location.search).get('competitors_ours') === 'Globex'",
                                 timeout=60_000)
        w.settle("Competitors", 2, "Globex (ours)")
        cell = w.page.locator(f"{CHART} path[aria-label^='Brand: Umbrella; Theme: ']").first
        theme = cell.get_attribute("aria-label").split("; ")[1].removeprefix("Theme: ")
        cell.click(force=True)
        w.page.get_by_text(f"Reviews of Umbrella that mention {theme}:").wait_for(timeout=60_000)
        w.page.wait_for_function(  # the clicked cell is in the link ...
            "([theme]) => { const q = new URLSearchParams(location.search);"
            " return q.get('competitors_theme') === theme && q.get('competitors_brand') === 'Umbrella'; }",
            arg=[theme], timeout=60_000)
        assert not w.errors, w.errors
        context, again = reopen(browser, w.page.url, "Competitors")  # ... and the link, opened afresh, shows them
        try:
            again.get_by_text(f"Reviews of Umbrella that mention {theme}:").wait_for(timeout=60_000)
            assert_clean(again)
        finally:
            context.close()
    finally:
        w.close()
