"""The Overview prepares the executive report of the dataset and filters in view as a background job, then
offers it as HTML and as PDF."""

from __future__ import annotations

from kpitools import SURVEY, open_app
from pagetools import finish_jobs

from portal.ui.report_download import file_name


def downloads(at) -> dict[str, object]:
    """Return the page's executive-report download buttons by label (charts have their own PNG and SVG)."""
    return {b.proto.label: b for b in at.get("download_button") if "executive report" in b.proto.label}


def prepared(at):
    """Press "Prepare the executive report" and return the page once the report's job ended."""
    [button] = [b for b in at.button if b.label == "Prepare the executive report"]
    at = button.click().run()
    assert not at.exception and not at.error
    return finish_jobs(at)


def test_overview_prepares_the_report_in_the_background_then_offers_html_and_pdf(demo_copy):
    at = open_app(query={"dataset": SURVEY})
    assert not at.exception and not at.error
    assert not downloads(at)  # nothing is made before the person asks
    at = prepared(at)
    assert not at.exception and not at.error
    buttons = downloads(at)
    assert set(buttons) == {"Download the executive report (HTML)", "Download the executive report (PDF)"}
    for button in buttons.values():
        assert not button.proto.disabled
    words = " ".join(c.value for c in at.caption).replace("\\", "")  # the captions are escaped Markdown
    assert "Download the executive report of Acme NPS survey: KPI tiles with their intervals" in words


def test_the_offer_names_the_filters_in_view(demo_copy):
    at = open_app(query={"dataset": SURVEY, "where": "Region=APAC"})
    assert not at.exception and not at.error
    words = " ".join(c.value for c in at.caption).replace("\\", "")  # the captions are escaped Markdown
    assert "filtered to Region: APAC" in words
    at = prepared(at)
    assert set(downloads(at)) == {"Download the executive report (HTML)", "Download the executive report (PDF)"}


def test_file_names_are_safe_for_any_dataset_name():
    assert file_name("<script>alert(1)</script>", "html") == "script-alert-1-script-report.html"
    assert file_name("訂票", "pdf") == "dataset-report.pdf"
