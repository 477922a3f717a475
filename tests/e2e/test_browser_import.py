"""The import form in a real browser: the stored rows a new file no longer has, listed and downloaded as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from browsertools import WAIT_MS, assert_clean, choose, main_text, wait_ready

pytestmark = pytest.mark.e2e

FIRST = "score,comment\n9,Great support\n3,Too slow\n7,Fine\n4,=cmd()\n"
SECOND = "score,comment\n9,Great support\n7,Fine now\n"


def upload(page, name: str, text: str) -> None:
    """Drop ``text`` as file ``name`` into the page's file uploader and wait for the page to read it."""
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    page.get_by_text("Check what each column is").wait_for(timeout=WAIT_MS)
    wait_ready(page)


def wait_for_text(page, words: str) -> None:
    """Wait until the main area shows ``words``, then for the run to finish."""
    page.wait_for_function("w => document.querySelector('[data-testid=\"stMain\"]').innerText.includes(w)",
                           arg=words, timeout=WAIT_MS)
    wait_ready(page)


def test_missing_rows_are_listed_and_downloaded_before_and_after_the_import(fresh_portal, page, tmp_path):
    page.goto(f"{fresh_portal}/data_sources")
    wait_ready(page, "Data sources")
    upload(page, "a.csv", FIRST)
    page.get_by_role("button", name="Import 4 rows").click()
    wait_for_text(page, "Imported into 'a'")
    upload(page, "b.csv", SECOND)
    choose(page, "Import into", "a")
    wait_for_text(page, "3 rows stored in 'a' are not in this file. Importing keeps them.")
    assert_clean(page)
    page.get_by_text("Stored rows that are not in this file").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "import-preview.png"))
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_role("button", name="Download all 3 stored rows not in the file (CSV)").click()
    assert download.value.suggested_filename == "a-missing.csv"
    data = download.value.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so a spreadsheet reads accents
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["comment"] for r in rows] == ["Too slow", "Fine", "'=cmd()"]  # the formula made inert
    page.get_by_role("button", name="Import 2 rows").click()
    wait_for_text(page, "3 rows stored in 'a' were not in the file. They were kept.")
    assert "Imported into 'a': 1 added" in main_text(page)
    assert_clean(page)
    page.screenshot(path=str(tmp_path / "import-done.png"))
    print(f"Screenshots in {tmp_path}")
