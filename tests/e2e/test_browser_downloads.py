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


def every(page, main, name: str) -> list[tuple[bytes, str]]:
    """Download the file of every ``name`` button on the page (the page draws them as its parts arrive)."""
    buttons = main.get_by_role("button", name=name, exact=True)
    buttons.nth(1).wait_for(timeout=WAIT_MS)  # the breakdown's and the key drivers' (the page's last part)
    return [download(page, buttons.nth(i)) for i in range(buttons.count())]


def test_a_chart_downloads_as_png_and_svg_and_its_table_as_excel(portal_server, page):
    page.goto(f"{portal_server}/segments?dataset=Acme+NPS+survey")
    wait_ready(page, "Segments")
    main = page.locator("[data-testid='stMain']")
    pngs = dict((n, d) for d, n in every(page, main, "PNG"))
    assert "Acme-NPS-survey-nps-by-Plan.png" in pngs and all(d.startswith(b"\x89PNG\r\n\x1a\n") for d in pngs.values())
    for svg, svg_name in every(page, main, "SVG"):
        assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg" and svg_name.endswith(".svg")
    tables = [list(openpyxl.load_workbook(io.BytesIO(b)).active.iter_rows(values_only=True))
              for b, n in every(page, main, "Excel") if n.endswith(".xlsx")]
    assert any("Plan" in rows[0] and len(rows) == 5 for rows in tables)  # the breakdown: header and four plans
    assert_clean(page)
    snap(page, "segments-after-downloads")
