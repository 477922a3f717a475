"""Nothing leaves the machine: every page, opened in a real browser, requests only the portal's own address."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browsertools import WAIT_MS, wait_ready
from test_browser import assert_no_exception

pytestmark = pytest.mark.e2e

PAGES = ("", "segments", "journey", "themes", "competitors", "data_sources")
#: Every address the page's elements point at (icons, styles, scripts, images, frames) and every resource loaded.
_REFERENCED = """() => [
  ...Array.from(document.querySelectorAll('link[href], script[src], img[src], iframe[src], source[src]'))
      .map(e => e.href || e.src),
  ...performance.getEntriesByType('resource').map(e => e.name),
]"""


def test_no_page_requests_anything_but_the_portal(portal_server, page):
    portal_host = urlsplit(portal_server).hostname
    hosts: list[str] = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).hostname or request.url))
    for path in PAGES:
        page.goto(f"{portal_server}/{path}")
        wait_ready(page)
        assert_no_exception(page)
        hosts.extend(urlsplit(u).hostname or "" for u in page.evaluate(_REFERENCED))
    assert hosts, "the browser recorded no request at all"
    assert {h for h in hosts if h not in (portal_host, "")} == set()


def test_the_tab_icon_is_served_by_the_portal(portal_server, page):
    page.goto(portal_server)
    wait_ready(page)
    # Streamlit swaps its own default icon for the page's once the script has set the page config.
    page.wait_for_function("() => { const l = document.querySelector(\"link[rel~='icon']\");"
                           " return l && !l.href.endsWith('/favicon.png'); }", timeout=WAIT_MS)
    icon = page.evaluate("() => document.querySelector(\"link[rel~='icon']\").href")
    assert icon and urlsplit(icon).hostname in (None, urlsplit(portal_server).hostname)
