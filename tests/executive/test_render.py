"""The executive report's renderers: a self-contained, escaped HTML file and a PDF a real parser reads."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from portal import executive
from portal.executive import charts, model
from portal.executive.html import render_html
from portal.executive.pdf import plain, render_pdf

NASTY = "<script>alert('x')</script>"


def sample(name: str = "Acme survey") -> executive.Report:
    """Return a report with tiles, a chart and a table, some of its text hostile markup."""
    tiles = (executive.Figure("NPS", "26", "95% interval 24 to 28; 6,000 responses", "NPS 26, give or take 2."),
             executive.Figure("Customers", "2,500", "", "They gave 6,000 responses."))
    bars = charts.bars_spec([{"label": NASTY, "value": -6.4, "low": -7.2, "high": -5.7},
                             {"label": "Support", "value": 2.0, "low": 1.0, "high": 3.0}], "NPS impact (points)")
    trend = charts.trend_spec([{"period": "2026-01-01", "value": 20.0, "low": 15.0, "high": 25.0, "real": False},
                               {"period": "2026-02-01", "value": 30.0, "low": 26.0, "high": 34.0, "real": True}],
                              "NPS", "month")
    return executive.Report(
        title=f"Executive report: {name}", dataset=name, covers=f"{name}: 6,000 responses.", made="2026-12-07",
        sections=(
            executive.Section("kpis", "Headline figures", "NPS 26, give or take 2.", "1 Jan 2026 to 28 Feb 2026; "
                              "no filters", figures=tiles),
            executive.Section("trend", "NPS by month", "February 2026: up 10 points.", "1 Jan 2026 to 28 Feb 2026",
                              chart=trend, chart_text="NPS by month"),
            executive.Section("themes", "Themes by NPS impact", f"{NASTY} pulls NPS down most.", "no filters",
                              table=executive.Table(("Theme", "NPS impact"), ((NASTY, "-6.4"), ("Support", "+2.0"))),
                              chart=bars, chart_text="Themes by NPS impact"),
        ),
    )


def test_html_is_one_file_that_loads_nothing_from_anywhere():
    page = render_html(sample())
    assert page.startswith("<!DOCTYPE html>")
    assert re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, flags=re.I) == []
    assert "<script" not in page.lower() and "<link" not in page.lower() and "@import" not in page
    assert "default-src 'none'" in page  # even a slip would be refused by the browser
    assert page.count("<svg") == 2  # both charts inline
    assert "<style>" in page


def test_html_shows_every_text_as_text():
    page = render_html(sample(name=NASTY))
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page  # the dataset name, the theme and the cells
    assert ">26<" in page and "95% interval 24 to 28; 6,000 responses" in page


def test_every_section_says_what_it_covers():
    page = render_html(sample())
    assert page.count("Covers: ") == 3
    assert "Covers: 1 Jan 2026 to 28 Feb 2026; no filters" in page


def test_pdf_opens_in_a_real_parser_and_holds_the_tiles():
    data = render_pdf(sample(name=NASTY))
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    for words in ("Headline figures", "NPS", "26", "95% interval 24 to 28", "Customers", "2,500",
                  "Themes by NPS impact", "Covers: 1 Jan 2026 to 28 Feb 2026"):
        assert words in text
    assert "<script>alert('x')</script>" in text  # in a PDF, markup is only ever text
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == 2  # the two charts


def test_pdf_writes_what_its_font_cannot_hold_plainly():
    assert plain("Down 10 points – September’s “NPS” … Flight › Delayed") == \
        "Down 10 points - September's \"NPS\" ... Flight > Delayed"
    assert plain("£469 café") == "£469 café"  # Latin-1 stays as written
    assert plain("訂票 ok") == "?? ok"
    data = render_pdf(sample(name="Café – 訂票"))
    assert "Café - ??" in pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_every_text_leaves_through_the_redaction_hook(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(model, "redact_text", lambda text: text.replace("Acme", "[name]"))
    report = executive.redact_report(sample())
    assert report.title == "Executive report: [name] survey"
    assert report.covers == "[name] survey: 6,000 responses."
    assert "Acme" not in repr(report)


def test_redaction_is_the_identity_today():
    report = sample()
    assert executive.redact_report(report).to_dict() == report.to_dict()
    assert executive.redact_text(NASTY) == NASTY


def test_the_pdf_spells_euros_and_other_western_signs_instead_of_question_marks():
    assert plain("€41,000 at risk") == "EUR 41,000 at risk"
    assert plain("Œuvre – 5‰") == "OEuvre - 5 per mille"
    assert plain("Café £12") == "Café £12"  # Latin-1 stays as it is
