"""The report as one self-contained HTML file: inline CSS, charts as inline SVG, nothing from the network.

Every piece of text is escaped with ``html.escape``; the charts' SVG comes from vl-convert, which escapes the
labels it draws. The page prints on A4 as it reads on screen.
"""

from __future__ import annotations

from html import escape

from portal.executive.charts import to_svg
from portal.executive.model import Figure, Report, Section, Table

#: Nothing may load: no scripts, no fetches; only the inline style and inline images.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_CSS = """
:root { color-scheme: light; }
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #1b1b1b; background: #fff;
       max-width: 880px; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .3rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
.covers { color: #555; font-size: .85rem; margin: 0 0 .6rem; }
.sentence { font-size: 1rem; margin: .3rem 0 .8rem; }
.tiles { display: flex; flex-wrap: wrap; gap: .8rem; }
.tile { border: 1px solid #bbb; border-radius: 6px; padding: .6rem .8rem; flex: 1 1 180px; }
.tile .label { font-size: .85rem; color: #444; }
.tile .value { font-size: 1.8rem; font-weight: bold; }
.tile .detail, .tile .words { font-size: .8rem; color: #333; margin: .2rem 0 0; }
table { border-collapse: collapse; font-size: .85rem; margin: .4rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
figure { margin: .6rem 0; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .8rem; color: #555; }
footer { margin-top: 2.5rem; font-size: .75rem; color: #666; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } .tile, tr { break-inside: avoid; } }
"""


def _tile(figure: Figure) -> str:
    """Return one tile's HTML."""
    parts = [f'<div class="tile"><div class="label">{escape(figure.label)}</div>',
             f'<div class="value">{escape(figure.value)}</div>']
    if figure.detail:
        parts.append(f'<p class="detail">{escape(figure.detail)}</p>')
    if figure.sentence:
        parts.append(f'<p class="words">{escape(figure.sentence)}</p>')
    return "".join(parts) + "</div>"


def _table(table: Table) -> str:
    """Return a table's HTML."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in table.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(section: Section) -> str:
    """Return one section's HTML: title, what it covers, its sentence, tiles, chart and table."""
    parts = [f'<section id="{escape(section.key)}"><h2>{escape(section.title)}</h2>',
             f'<p class="covers">Covers: {escape(section.covers)}</p>',
             f'<p class="sentence">{escape(section.sentence)}</p>']
    if section.figures:
        parts.append('<div class="tiles">' + "".join(_tile(f) for f in section.figures) + "</div>")
    if section.chart is not None:
        svg = to_svg(section.chart)
        parts.append(f'<figure role="img" aria-label="{escape(section.chart_text)}">{svg}'
                     f"<figcaption>{escape(section.chart_text)}</figcaption></figure>")
    if section.table is not None and section.table.rows:
        parts.append(_table(section.table))
    return "".join(parts) + "</section>"


def render_html(report: Report) -> str:
    """Return the report as one HTML document that needs nothing else to open (no scripts, no links out)."""
    sections = "\n".join(_section(s) for s in report.sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">'
        f"<title>{escape(report.title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{escape(report.title)}</h1>"
        f'<p class="covers">{escape(report.covers)}</p></header>\n{sections}\n'
        f"<footer>Made by Insights Portal on {escape(report.made)}. Intervals are 95% ranges; a difference is called "
        "real when its p-value, adjusted for the number of comparisons, is below 0.05.</footer></body></html>\n"
    )
