"""Helpers for the browser tests: wait for a page, read its filters and its link."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

#: Where browser tests save their screenshots (git-ignored): one per test, and any a test takes with ``snap``.
TEST_OUTPUT = Path(__file__).resolve().parents[2] / "test-output"

CHART = "[data-testid='stVegaLiteChart']"
#: The longest any wait below lasts (ms). Each waits for a condition and returns as soon as it holds, so this
#: only bounds a broken test; it is generous because a first run on a busy two-core machine can take a minute.
WAIT_MS = 180_000


#: The app once its script has run and no run is under way (Streamlit marks the state on this element).
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def wait_ready(page, heading: str | None = None) -> None:
    """Wait until Streamlit has run the page script and is idle, and the page shows ``heading``.

    After a goto the app starts as 'initial', so this waits for a finished run; after a click, first wait for
    what the click changes (the address bar, a text) so the rerun has started. No fixed pause.
    """
    page.wait_for_selector(IDLE, timeout=WAIT_MS)
    if heading is not None:
        page.get_by_role("heading", name=heading).wait_for(timeout=WAIT_MS)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT_MS)
    page.wait_for_selector(IDLE, timeout=WAIT_MS)


#: Counts the animation frames in a row on which the ``index``-th element matching ``selector`` kept the same box
#: while the app was idle; true once that is ``frames`` frames (no rerun, no stale element, nothing moving).
STILL = """([selector, index, frames]) => {
  const el = document.querySelectorAll(selector)[index];
  const idle = document.querySelector("%s")
    && !document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"]');
  const box = el && idle ? JSON.stringify(el.getBoundingClientRect()) : null;
  const state = window.__still || {};
  const same = box !== null && state.key === selector + index && state.box === box;
  window.__still = {key: selector + index, box: box, count: same ? state.count + 1 : 0};
  return window.__still.count >= frames;
}""" % IDLE


def wait_still(page, selector: str, index: int = 0) -> None:
    """Wait until the ``index``-th element matching the CSS ``selector`` is drawn and keeps its place.

    A forced click (needed on a chart mark that an interval line covers) skips Playwright's own check that the
    target stopped moving, and a chart still taking its width or a table above it still growing would move
    the mark under the pointer. This waits for the condition on animation frames, not for a fixed time.
    """
    page.wait_for_function(STILL, arg=[selector, index, 3], polling="raf", timeout=WAIT_MS)


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


def main_text(page) -> str:
    """Return the text of the page's main area."""
    return page.inner_text("[data-testid='stMain']")


def wait_for_query(page, key: str) -> None:
    """Wait until the address bar holds ``key`` (a widget writes its choice there), then for the rerun."""
    page.wait_for_function("k => new URLSearchParams(window.location.search).has(k)", arg=key, timeout=WAIT_MS)
    wait_ready(page)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the main area's selectbox labelled ``label``.

    The option's text is typed first: the drop-down list draws only the options it has room for, so a long
    list (eighteen themes) would not hold an option further down until the list is filtered to it.
    """
    box = page.locator("[data-testid='stMain']").get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()


def press(page, label: str) -> None:
    """Click the main area's segmented-control button or tab showing ``label``."""
    page.locator("[data-testid='stMain']").locator("[role='radio'], [role='tab']").filter(
        has_text=label).first.click()


def shows(page, label: str, value: str) -> None:
    """Wait until the main area's selectbox labelled ``label`` shows ``value`` (fail after 30 s)."""
    from playwright.sync_api import expect

    expect(page.locator("[data-testid='stMain']").get_by_role("combobox", name=label, exact=True)).to_have_value(
        value, timeout=WAIT_MS)


def is_on(page, label: str) -> None:
    """Wait until the main area's segmented-control button or tab ``label`` is the chosen one."""
    from playwright.sync_api import expect

    on = page.locator("[data-testid='stMain']").locator(
        "[role='radio'][aria-checked='true'], [role='tab'][aria-selected='true']").filter(has_text=label)
    expect(on.first).to_be_visible(timeout=WAIT_MS)


def reopen(browser, url: str, heading: str):
    """Open ``url`` in a fresh browser context (no cookies, no session), as a colleague given the link does;
    return the context (to close) and its page, ready."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(url)
    wait_ready(page, heading)
    return context, page


def snap(page, name: str) -> Path | None:
    """Save what ``page`` shows as ``test-output/<name>.png`` (the whole page); return the file.

    Returns None when the page is already closed (a test that failed early): a screenshot never fails a test.
    """
    TEST_OUTPUT.mkdir(exist_ok=True)
    target = TEST_OUTPUT / (re.sub(r"[^\w.-]+", "-", name).strip("-") + ".png")
    try:
        page.screenshot(path=str(target), full_page=True)
    except Exception:  # noqa: BLE001  (a closed page or browser: nothing to save)
        return None
    return target
