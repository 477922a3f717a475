"""The portal in a real browser: pages render without errors, an upload imports, screenshots are taken."""

from __future__ import annotations

import pytest
from browsertools import WAIT_MS, wait_ready

pytestmark = pytest.mark.e2e


def assert_no_exception(page) -> None:
    """Fail when the page shows a Python exception box."""
    assert page.locator("[data-testid='stException']").count() == 0


def test_overview_renders_demo_kpis(portal_server, page, tmp_path):
    page.goto(portal_server)
    wait_ready(page)
    assert_no_exception(page)
    page.get_by_text("give or take").first.wait_for(timeout=WAIT_MS)
    body = page.inner_text("body")
    assert "NPS" in body and "give or take" in body
    shot = tmp_path / "overview.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000


def test_upload_in_browser_imports_rows(portal_server, page, tmp_path):
    csv = tmp_path / "browser-upload.csv"
    csv.write_text("Date,Score,Comment\n2024-03-01,9,Fast and friendly\n2024-03-02,2,Slow support\n")
    page.goto(f"{portal_server}/data_sources")
    wait_ready(page)
    page.locator("input[type='file']").first.set_input_files(str(csv))
    page.get_by_role("button", name="Import 2 rows").click(timeout=WAIT_MS)
    page.get_by_text("2 added").first.wait_for(timeout=WAIT_MS)  # the import report (and a notice)
    assert_no_exception(page)

