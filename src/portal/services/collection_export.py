"""An opened evidence collection in words and as downloads: the CSV table and a printable HTML page.

The HTML page is one self-contained file: its style is inline, it loads nothing from the network (no script,
image, font or link to fetch), and every piece of text in it, the comments first, is HTML-escaped, so a
comment holding ``<script>`` shows as those characters. The CSV goes through the project's formula-guarded
writer (``portal.safe_csv``) in the page's download button.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

import pandas as pd

from portal.numbers import count, money, percent, plural
from portal.services.collections import OpenedCollection
from portal.text.theme_view import finite

__all__ = ["NOT_IN_DATA", "collection_csv_frame", "collection_html", "item_facts", "stands_for", "theme_lines"]

#: How missing comments read, everywhere.
NOT_IN_DATA = "No longer in the data (its import was undone or its row removed)."


def stands_for(row: Any, currency: str, has_nps: bool) -> str:
    """Return what one theme's figures say, in one sentence ("'refunds' stands for 312 comments from ...")."""
    first = plural(row["n"], "comment")
    if finite(row["share"]):
        first += f" ({percent(row['share'], 0)} of all)"
    if row["customers"] is not None and finite(row["customers"]):
        first += f" from {plural(row['customers'], 'customer')}"
    parts = [first]
    if row["value"] is not None and finite(row["value"]):
        parts.append(f"{money(row['value'], currency)} revenue")
    if finite(row["negative_share"]):
        parts.append(f"{percent(row['negative_share'], 0)} negative")
    if has_nps and finite(row["nps_impact"]):
        parts.append(f"impact on NPS {float(row['nps_impact']):+.1f} points (95%: {float(row['nps_impact_low']):+.1f} "
                     f"to {float(row['nps_impact_high']):+.1f})")
    return f"'{row['theme']}' stands for " + ", ".join(parts) + "."


def item_facts(item: Any) -> list[str]:
    """Return a comment's fields as short facts ("Customer c1", "NPS 3", ...), in a fixed order."""
    facts = []
    if item["date"] is not None:
        facts.append(pd.Timestamp(item["date"]).strftime("%d %b %Y"))
    for field, label in (("customer", "Customer"), ("brand", "Brand"), ("sentiment_label", "Sentiment")):
        if item[field] is not None:
            facts.append(f"{label} {item[field]}")
    for field, label in (("nps", "NPS score"), ("csat", "CSAT"), ("rating", "Rating")):
        if item[field] is not None and finite(item[field]):
            facts.append(f"{label} {float(item[field]):g}")
    return facts


def theme_lines(opened: OpenedCollection, themes: list[str]) -> list[str]:
    """Return the sentence of each of ``themes`` that has figures."""
    table = opened.themes.set_index("theme") if len(opened.themes) else None
    lines = []
    for theme in themes:
        if table is not None and theme in table.index:
            row = table.loc[theme].to_dict() | {"theme": theme}
            lines.append(stands_for(row, opened.currency, opened.has_nps))
    return lines


def collection_csv_frame(opened: OpenedCollection) -> pd.DataFrame:
    """Return the collection as a table for download: one row per comment, in order, with its themes' figures."""
    rows = []
    for place, item in enumerate(opened.items.to_dict(orient="records"), start=1):
        rows.append({
            "Place": place,
            "Comment": item["comment"] if item["in_data"] else NOT_IN_DATA,
            "Your note": item["note"],
            "In the data": "yes" if item["in_data"] else "no",
            "Details": "; ".join(item_facts(item)),
            "Themes": "; ".join(item["themes"]),
            "What the themes stand for": " ".join(theme_lines(opened, item["themes"])),
            "Response key": item["row_key"],
            "Added": item["added_at"],
        })
    columns = ["Place", "Comment", "Your note", "In the data", "Details", "Themes", "What the themes stand for",
               "Response key", "Added"]
    return pd.DataFrame(rows, columns=columns)


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1b1b1b;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
.meta { color: #555; font-size: .9rem; }
ol { padding-left: 1.4rem; }
li { margin: 1.2rem 0; page-break-inside: avoid; break-inside: avoid; }
blockquote { margin: 0; padding: .4rem .8rem; border-left: 4px solid #0072b2; background: #f4f7fa;
             white-space: pre-wrap; }
.missing blockquote { border-left-color: #999; color: #555; font-style: italic; }
.note { margin: .3rem 0; }
.facts, .figures { color: #444; font-size: .9rem; margin: .2rem 0; }
.figures { padding-left: 1rem; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } blockquote { background: none; } }
"""


def _item_html(opened: OpenedCollection, item: dict[str, Any]) -> str:
    """Return one comment as an escaped HTML list item."""
    esc = html.escape
    text = str(item["comment"]) if item["in_data"] else NOT_IN_DATA
    parts = [f"<blockquote>{esc(text)}</blockquote>"]
    if item["note"]:
        parts.append(f'<p class="note"><strong>Note:</strong> {esc(str(item["note"]))}</p>')
    facts = item_facts(item)
    if facts:
        parts.append(f'<p class="facts">{esc(" · ".join(facts))}</p>')
    lines = theme_lines(opened, item["themes"])
    if lines:
        parts.append('<ul class="figures">' + "".join(f"<li>{esc(line)}</li>" for line in lines) + "</ul>")
    kind = ' class="missing"' if not item["in_data"] else ""
    return f"<li{kind}>" + "".join(parts) + "</li>"


def collection_html(opened: OpenedCollection, *, now: datetime | None = None) -> str:
    """Return the collection as one printable, self-contained HTML page (every text escaped, nothing fetched)."""
    esc = html.escape
    c = opened.collection
    made = (now or datetime.now()).strftime("%d %b %Y %H:%M")
    items = "".join(_item_html(opened, item) for item in opened.items.to_dict(orient="records"))
    note = f"<p>{esc(c.note)}</p>" if c.note else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{esc(c.name)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{esc(c.name)}</h1>{note}"
        f"<p class=\"meta\">{esc(count(len(opened.items)))} comments from the dataset '{esc(c.dataset)}'. "
        f"Theme figures cover the whole dataset. Made {esc(made)}.</p>"
        f"<ol>{items}</ol></body></html>\n"
    )
