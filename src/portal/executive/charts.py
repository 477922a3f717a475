"""The report's charts: small Vega-Lite specifications with their data inline, rendered offline by vl-convert.

Nothing in a specification points at the network (no data URL, no remote image), so rendering needs none.
Colours are from the Okabe-Ito palette, safe for colour-blind readers; a real difference is also marked by
shape (a filled point), never by colour alone.
"""

from __future__ import annotations

from typing import Any

import vl_convert

#: Okabe-Ito blue and vermilion: the line and band, and the bars that pull a figure down.
BLUE, VERMILION, GREY = "#0072B2", "#D55E00", "#8A8A8A"
#: Width and height of a chart in CSS pixels (the PDF scales the PNG to the page's width).
WIDTH, HEIGHT = 560, 200
_CONFIG = {"font": "Liberation Sans, Arial, sans-serif", "view": {"stroke": None},
           "axis": {"labelFontSize": 11, "titleFontSize": 11, "grid": False}}


def trend_spec(points: list[dict[str, Any]], title: str, period: str) -> dict[str, Any]:
    """Return a line with its 95% interval band; ``points`` hold ``period`` (ISO day), ``value``, ``low``,
    ``high`` and ``real`` (a real change from the period before, drawn as a filled point)."""
    x = {"field": "period", "type": "temporal", "title": period.capitalize(),
         "axis": {"format": "%b %Y" if period != "week" else "%d %b", "labelAngle": 0, "tickCount": 6}}
    return {
        "width": WIDTH, "height": HEIGHT, "config": _CONFIG,
        "data": {"values": points},
        "layer": [
            {"mark": {"type": "area", "opacity": 0.2, "color": BLUE},
             "encoding": {"x": x, "y": {"field": "low", "type": "quantitative", "title": title,
                                        "scale": {"zero": False}},
                          "y2": {"field": "high"}}},
            {"mark": {"type": "line", "color": BLUE}, "encoding": {"x": x, "y": {"field": "value", "type":
                                                                                     "quantitative"}}},
            {"mark": {"type": "point", "color": BLUE, "size": 45},
             "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"},
                          "fill": {"field": "real", "type": "nominal", "legend": None,
                                   "scale": {"domain": [True, False], "range": [BLUE, "white"]}}}},
        ],
    }


def bars_spec(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """Return horizontal bars with 95% interval lines; ``rows`` hold ``label``, ``value``, ``low``, ``high``
    (in the order drawn, top first). Bars below zero are vermilion, the others blue."""
    y = {"field": "label", "type": "nominal", "title": None, "sort": None, "axis": {"labelLimit": 220}}
    return {
        "width": WIDTH - 220, "height": {"step": 24}, "config": _CONFIG,
        "data": {"values": rows},
        "layer": [
            {"mark": {"type": "bar"},
             "encoding": {"y": y, "x": {"field": "value", "type": "quantitative", "title": title},
                          "color": {"condition": {"test": "datum.value < 0", "value": VERMILION}, "value": BLUE}}},
            {"mark": {"type": "rule", "color": "#333"},
             "encoding": {"y": y, "x": {"field": "low", "type": "quantitative"}, "x2": {"field": "high"}}},
        ],
    }


def to_svg(spec: dict[str, Any]) -> str:
    """Return the chart as an SVG document (text, escaped by the renderer), rendered offline."""
    return vl_convert.vegalite_to_svg(spec)


def to_png(spec: dict[str, Any], *, scale: float = 2.0) -> bytes:
    """Return the chart as PNG bytes at ``scale`` times its CSS size, rendered offline."""
    return vl_convert.vegalite_to_png(spec, scale=scale)
