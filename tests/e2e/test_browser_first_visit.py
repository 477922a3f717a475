"""A shared link opened as the very first visit after the portal starts keeps everything it asks for."""

from __future__ import annotations

import pytest
from browsertools import WAIT_MS, assert_clean, query_of, sidebar_tags, wait_ready

pytestmark = pytest.mark.e2e


def test_a_deep_link_opened_first_after_a_restart_keeps_its_filters_and_choices(fresh_portal, page):
    page.goto(f"{fresh_portal}/segments?dataset=Acme+NPS+survey&where=Region%3DAPAC&from=2026-01-01"
              "&segments_by=Region")
    wait_ready(page, "Segments")
    # The first visit after a restart runs the page once more through the app: wait for that run's sidebar.
    page.wait_for_function(
        "() => [...document.querySelectorAll(\"[data-testid='stSidebar'] [role='group'][aria-label='Selected values']"
        " > span[aria-label]\")].map(e => e.getAttribute('aria-label')).join() === 'APAC'", timeout=WAIT_MS)
    wait_ready(page, "Segments")
    assert_clean(page)
    assert sidebar_tags(page) == ["APAC"]
    query = query_of(page)
    assert query["from"] == ["2026-01-01"] and query["where"] == ["Region=APAC"]
    assert query["segments_by"] == ["Region"]
    assert "NPS by Region" in page.inner_text("[data-testid='stMain']")
