"""Every chart on every page draws in a real browser, for each demo dataset; period axes read period by period.

A Vega-Lite spec can be valid for Altair and still fail in the browser (the chart element is then 0 px high and
the console has the error), so only a browser shows it. Each wait below is on a condition in the page: the
script run is over, every chart element holds its drawing, or an error was thrown.
"""

from __future__ import annotations

from typing import Any

import pytest
from browsertools import WAIT_MS, snap
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from portal.demo import DEMO_DATASETS

pytestmark = pytest.mark.e2e

CHART = "[data-testid='stVegaLiteChart']"
SURVEY = "Acme NPS survey"
#: Records uncaught errors in the page, so a wait can stop at the first one instead of running out of time.
RECORD_ERRORS = """
window.__pageErrors = [];
window.addEventListener('error', e => window.__pageErrors.push(String(e.message)));
window.addEventListener('unhandledrejection', e => window.__pageErrors.push(String(e.reason)));
"""
#: True once the script run is over and every chart element holds a drawn SVG, or once the page threw.
SETTLED = """([chart, count, marker]) => {
  if (window.__pageErrors.length) return true;
  if (document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]')) return false;
  if (marker && !document.querySelector('[data-testid="stMain"]').innerText.includes(marker)) return false;
  const charts = [...document.querySelectorAll(chart)];
  return charts.length >= count && charts.every(c => {
    const svg = c.querySelector('svg');
    return svg && svg.querySelector('.role-mark') && svg.getBoundingClientRect().height > 0;
  });
}"""
#: The visible tick labels of each chart's time axis (labels thinned for overlap are drawn transparent).
TIME_TICKS = """chart => [...document.querySelectorAll(chart)].map(c =>
  [...c.querySelectorAll('svg g[aria-label^="X-axis for a time scale"] .role-axis-label text')]
    .filter(t => t.getAttribute('opacity') !== '0').map(t => t.textContent)).filter(ticks => ticks.length)"""


class Watched:
    """A browser page that records every console error and uncaught exception it logs."""

    def __init__(self, browser: Any, **context: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1366, "height": 768}, **context)
        self.context.add_init_script(RECORD_ERRORS)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"exception: {e}"))

    def settle(self, heading: str, charts: int, marker: str | None = None) -> list[list[float]]:
        """Wait until ``heading``'s page has drawn at least ``charts`` charts; return each one's width and height.

        ``marker`` is a text the page shows only once its last chart is requested.
        """
        self.page.get_by_role("heading", name=heading).wait_for(timeout=WAIT_MS)
        self.page.wait_for_function(SETTLED, arg=[CHART, charts, marker], timeout=WAIT_MS)
        assert not self.errors, f"{heading}: the page logged errors: {self.errors}"
        assert self.page.locator("[data-testid='stException'], [data-testid='stAlertContentError']").count() == 0
        sizes = self.page.locator(CHART).evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })")
        assert len(sizes) >= charts, f"{heading}: {len(sizes)} charts, expected {charts}"
        assert all(w > 0 and h > 0 for w, h in sizes), f"{heading}: a chart is not drawn: {sizes}"
        return sizes

    def go(self, page_name: str) -> None:
        """Open another page from the sidebar's navigation, as a person does."""
        self.page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=page_name).click()

    def wait_for_ticks(self, expected: list[list[str]]) -> None:
        """Wait until the charts' time axes show ``expected`` (a redrawn chart replaces its SVG a moment later)."""
        same = f"([chart, want]) => JSON.stringify(({TIME_TICKS})(chart)) === JSON.stringify(want)"
        try:
            self.page.wait_for_function(same, arg=[CHART, expected], timeout=WAIT_MS)
        except PlaywrightTimeout:
            pass  # the assertion below says what the axes show instead
        assert self.page.evaluate(TIME_TICKS, CHART) == expected

    def close(self) -> None:
        """Close the page and its context."""
        self.context.close()


@pytest.fixture
def watched(browser, request: pytest.FixtureRequest):
    """Return a factory of watched pages; saves what each shows under test-output/, then closes them."""
    opened: list[Watched] = []

    def open_page(**context: Any) -> Watched:
        opened.append(Watched(browser, **context))
        return opened[-1]

    yield open_page
    for index, w in enumerate(opened):
        snap(w.page, request.node.name + (f"-{index + 1}" if index else ""))
        w.close()


def choose(page: Any, label: str, option: str | int) -> None:
    """Pick ``option`` (its text, or its position) in the select box ``label``."""
    page.get_by_role("combobox", name=label).click()
    options = page.get_by_role("option")
    (options.nth(option) if isinstance(option, int) else options.filter(has_text=option).first).click()


@pytest.mark.parametrize("dataset", [d.name for d in DEMO_DATASETS])
def test_every_chart_on_every_page_draws(portal_server, watched, dataset):
    w = watched()
    w.page.goto(portal_server)
    w.settle("Overview", 1)
    choose(w.page, "Dataset", dataset)  # the sidebar's dataset picker
    w.page.wait_for_function("name => new URLSearchParams(location.search).get('dataset') === name", arg=dataset,
                             timeout=WAIT_MS)
    w.settle("Overview", 1, "Shaded: the 95% interval")  # the trend

    w.go("Segments")
    w.settle("Segments", 2, "Key drivers")  # the interval chart and the key drivers
    choose(w.page, "Heat-map with", 1)  # the first column other than "No heat-map"
    w.settle("Segments", 3, "Orange is below the whole selection")  # and the heat-map

    w.go("Themes")
    w.settle("Themes", 3, "Share of comments by")  # the ranked themes, a theme's trend and its sentiment
    assert not w.errors


def test_clicking_a_heat_map_cell_filters_the_portal_to_both_values(portal_server, watched):
    w = watched()
    w.page.goto(f"{portal_server}/?dataset=Acme+NPS+survey")
    w.settle("Overview", 1)
    w.go("Segments")
    w.settle("Segments", 2, "Key drivers")
    choose(w.page, "Heat-map with", "Region")
    w.settle("Segments", 3, "Orange is below the whole selection")
    w.page.locator(f"{CHART} path[aria-label^='Region: APAC; Plan: Free;']").click(force=True)
    w.page.wait_for_function("() => ['Plan=Free', 'Region=APAC'].every("
                             "f => new URLSearchParams(location.search).getAll('where').includes(f))",
                             timeout=WAIT_MS)
    w.settle("Segments", 3, "The portal is filtered to Plan: Free")
    assert not w.errors


@pytest.mark.parametrize("timezone", ["UTC", "America/Los_Angeles"])
def test_a_monthly_trend_names_each_month_once(portal_server, watched, timezone):
    # January to June 2026: six months, each named once (the year on the first), in any time zone.
    w = watched(timezone_id=timezone)
    w.page.goto(f"{portal_server}/?dataset=Acme+NPS+survey&from=2026-01-01&to=2026-06-30")
    w.settle("Overview", 1, "Shaded: the 95% interval")
    w.page.wait_for_function("() => document.querySelector('[data-testid=\"stMain\"]').innerText"
                             ".includes('1 Jan 2026 to 30 Jun 2026')", timeout=WAIT_MS)
    months = ["Jan 2026", "Feb", "Mar", "Apr", "May", "Jun"]
    w.wait_for_ticks([months])
    w.page.locator("[data-testid='stButtonGroup']").get_by_text("Quarter").click()
    w.settle("Overview", 1, "NPS by quarter")
    w.wait_for_ticks([["Q1 2026", "Q2 2026"]])
    w.go("Themes")
    w.settle("Themes", 3, "Share of comments by month")
    w.wait_for_ticks([months])  # the chosen theme's share of comments, month by month
    assert not w.errors


def test_a_long_trend_thins_its_axis_by_calendar_steps_and_keeps_each_january(portal_server, watched):
    # The demo survey's 18 months (78 weeks) do not fit one label each: every second month is named, counted so
    # that January 2026 is one of them and carries its year; weeks are named by the first week of those months.
    w = watched()
    w.page.goto(f"{portal_server}/?dataset=Acme+NPS+survey")
    w.settle("Overview", 1, "Shaded: the 95% interval")
    w.wait_for_ticks([["May 2025", "Jul", "Sep", "Nov", "Jan 2026", "Mar", "May", "Jul", "Sep"]])
    w.page.locator("[data-testid='stButtonGroup']").get_by_text("Week").click()
    w.settle("Overview", 1, "NPS by week")
    w.wait_for_ticks([["5 May 2025", "7 Jul", "1 Sep", "3 Nov", "5 Jan 2026", "2 Mar", "4 May", "6 Jul", "7 Sep"]])
    assert not w.errors
