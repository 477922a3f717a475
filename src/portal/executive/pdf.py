"""The report as a PDF, made offline by fpdf2 (pure Python) with the charts as PNGs from vl-convert.

The PDF uses the standard Helvetica font, which every PDF reader has, so nothing is embedded or fetched. That
font holds Latin-1 only: typographic marks are written as their plain equivalents and any other character as
"?" (the HTML report shows every character as written).
"""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from portal.executive.charts import WIDTH, to_png
from portal.executive.model import Figure, Report, Section, Table

_PLAIN = str.maketrans({"–": "-", "—": "-", "−": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...",
                        "›": ">", "•": "-", "\u00a0": " ", "\u202f": " ", "×": "x",
                        # Western European letters and signs outside Latin-1, spelt so a figure is never "?"
                        "€": "EUR ", "‰": " per mille", "Œ": "OE", "œ": "oe", "Š": "S", "š": "s", "Ž": "Z",
                        "ž": "z", "Ÿ": "Y", "ƒ": "f", "™": "(TM)", "‹": "<", "„": '"', "‚": "'"})
_FONT = "Helvetica"
_MARGIN = 15


def plain(text: str) -> str:
    """Return ``text`` in Latin-1 for the PDF's standard font (typographic marks made plain, the rest "?")."""
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


class _Document(FPDF):
    """An A4 page with the report's footer."""

    made = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT, size=8)
        self.set_text_color(100)
        self.cell(0, 6, plain(f"Insights Portal, {self.made}. Page {self.page_no()}"), align="C")


def _write(pdf: FPDF, text: str, size: float, *, bold: bool = False, grey: bool = False, gap: float = 1.5) -> None:
    """Write a paragraph across the page's width."""
    pdf.set_font(_FONT, style="B" if bold else "", size=size)
    pdf.set_text_color(90 if grey else 20)
    pdf.multi_cell(0, size * 0.5, plain(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(gap)


def _tiles(pdf: FPDF, figures: tuple[Figure, ...]) -> None:
    """Write the tiles, two to a row: label, value, interval and sentence."""
    width = (pdf.w - 2 * _MARGIN - 6) / 2
    for start in range(0, len(figures), 2):
        top, bottom = pdf.get_y(), pdf.get_y()
        for i, figure in enumerate(figures[start:start + 2]):
            pdf.set_xy(_MARGIN + i * (width + 6), top)
            with pdf.local_context():
                pdf.set_font(_FONT, size=9)
                pdf.set_text_color(70)
                pdf.multi_cell(width, 4.5, plain(figure.label), new_x=XPos.LEFT, new_y=YPos.NEXT)
                pdf.set_font(_FONT, style="B", size=18)
                pdf.set_text_color(20)
                pdf.multi_cell(width, 8, plain(figure.value), new_x=XPos.LEFT, new_y=YPos.NEXT)
                pdf.set_font(_FONT, size=8.5)
                words = " ".join(w for w in (figure.detail + "." if figure.detail else "", figure.sentence) if w)
                pdf.multi_cell(width, 4, plain(words), new_x=XPos.LEFT, new_y=YPos.NEXT)
            bottom = max(bottom, pdf.get_y())
        pdf.set_xy(_MARGIN, bottom + 3)


def _table(pdf: FPDF, table: Table) -> None:
    """Write a small table with a header row."""
    pdf.set_font(_FONT, size=8.5)
    pdf.set_text_color(20)
    with pdf.table(headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)), line_height=4.5,
                   text_align="LEFT", first_row_as_headings=True) as grid:
        grid.row([plain(c) for c in table.columns])
        for row in table.rows:
            grid.row([plain(c) for c in row])
    pdf.ln(2)


def _section(pdf: FPDF, section: Section) -> None:
    """Write one section: title, what it covers, its sentence, tiles, chart and table."""
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    _write(pdf, section.title, 13, bold=True, gap=0.5)
    _write(pdf, f"Covers: {section.covers}", 8.5, grey=True)
    _write(pdf, section.sentence, 10.5, gap=2.5)
    if section.figures:
        _tiles(pdf, section.figures)
    if section.chart is not None:
        png = to_png(section.chart)
        width = min(pdf.w - 2 * _MARGIN, WIDTH * 0.3)
        if pdf.get_y() > pdf.h - 80:
            pdf.add_page()
        pdf.image(io.BytesIO(png), w=width, alt_text=plain(section.chart_text))
        _write(pdf, section.chart_text, 8, grey=True, gap=2)
    if section.table is not None and section.table.rows:
        _table(pdf, section.table)
    pdf.ln(4)


def render_pdf(report: Report) -> bytes:
    """Return the report as the bytes of an A4 PDF."""
    pdf = _Document(format="A4")
    pdf.made = report.made
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(plain(report.title))
    pdf.set_creator("Insights Portal")
    pdf.add_page()
    _write(pdf, report.title, 20, bold=True, gap=1)
    _write(pdf, report.covers, 9.5, grey=True, gap=4)
    for section in report.sections:
        _section(pdf, section)
    return bytes(pdf.output())
