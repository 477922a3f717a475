"""Downloads in a real browser: a chart's PNG and SVG (rendered on the server when clicked) and a table's Excel."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import openpyxl
from browsertools import WAIT_MS, assert_clean, snap, wait_ready


def download(page, button) -> bytes:
    """Click ``button`` and return the bytes of the file the browser receives."""
    with page.expect_download(timeout=WAIT_MS) as caught:
        button.click()
    return caught.value.path().read_bytes(), caught.value.suggested_filename


def test_a_chart_downloads_as_png_and_svg_and_its_table_as_excel(portal_server, page):
    page.goto(f"{portal_server}/segments?dataset=Acme+NPS+survey")
    wait_ready(page, "Segments")
    main = page.locator("[data-testid='stMain']")
    png, png_name = download(page, main.get_by_role("button", name="PNG", exact=True).first)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png_name == "Acme-NPS-survey-nps-by-Plan.png"
    svg, svg_name = download(page, main.get_by_role("button", name="SVG", exact=True).first)
    assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg" and svg_name.endswith(".svg")
    book, book_name = download(page, main.get_by_role("button", name="Excel", exact=True).first)
    rows = list(openpyxl.load_workbook(io.BytesIO(book)).active.iter_rows(values_only=True))
    assert book_name.endswith(".xlsx") and "Plan" in rows[0] and len(rows) == 5  # header and four plans
    assert_clean(page)
    snap(page, "segments-after-downloads")
