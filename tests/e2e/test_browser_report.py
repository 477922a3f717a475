"""The executive report in a real browser: downloaded from the Overview, opened offline, holding the tiles."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from browsertools import WAIT_MS, assert_clean, wait_ready

pytestmark = pytest.mark.e2e

#: Where browser tests keep their screenshots for people to look at (git-ignored).
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


def download(page, label: str):
    """Press the Overview's report button ``label`` and return the download."""
    button = page.get_by_role("button", name=label)
    if not button.is_visible():
        page.get_by_role("button", name="Report", exact=True).click()
    prepare = page.get_by_role("button", name="Prepare the executive report")
    if prepare.is_visible():
        prepare.click()  # the report is made by a background job; its downloads appear when it is done
    button.wait_for(timeout=WAIT_MS)
    with page.expect_download(timeout=WAIT_MS) as done:
        button.click()
    return done.value


def test_the_report_downloads_from_the_overview_and_opens_offline(portal_server, page, browser):
    OUTPUT.mkdir(exist_ok=True)
    page.goto(f"{portal_server}/?dataset=Acme+NPS+survey&where=Region%3DAPAC")
    wait_ready(page, "Overview")
    assert_clean(page)
    got = download(page, "Download the executive report (HTML)")
    assert got.suggested_filename == "acme-nps-survey-report.html"
    saved = OUTPUT / "executive-report.html"
    got.save_as(saved)
    tile = page.locator("[data-testid='stMetricValue']").first.inner_text()  # the Overview's NPS tile
    assert_clean(page)

    context = browser.new_context(viewport={"width": 1280, "height": 800}, offline=True)
    asked: list[str] = []
    context.on("request", lambda r: asked.append(r.url))
    reader = context.new_page()
    reader.goto(saved.as_uri())
    body = reader.inner_text("body")
    assert asked == [saved.as_uri()]  # the file alone: nothing else was fetched, from anywhere
    for words in ("Executive report: Acme NPS survey", "Headline figures", "NPS", "95% interval", "Revenue at risk",
                  "Covers: 1 May 2025 to 31 Oct 2026; Region: APAC", "Themes by NPS impact"):
        assert words in body
    assert reader.locator(".tile .value").first.inner_text() == tile  # the same figure as on the Overview
    assert reader.locator("figure svg").count() == 2 and reader.locator("figure svg path").count() > 3
    reader.screenshot(path=str(OUTPUT / "executive-report.png"), full_page=True)
    context.close()

    pdf = download(page, "Download the executive report (PDF)")
    assert pdf.suggested_filename == "acme-nps-survey-report.pdf"
    text = pypdf.PdfReader(io.BytesIO(Path(pdf.path()).read_bytes())).pages[0].extract_text()
    assert "Headline figures" in text and tile in text and "Region: APAC" in text
    page.screenshot(path=str(OUTPUT / "overview-report.png"))
