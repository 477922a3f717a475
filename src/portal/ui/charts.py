"""Every chart of the portal is drawn through ``show_chart``: the chart, then its PNG and SVG downloads.

The images are rendered offline (``vl-convert``, no browser, nothing fetched) and only when a person clicks a
download button: Streamlit calls the button's function then, so drawing a page costs nothing extra. The image
is the chart as drawn, on a white background at a fixed width, with its selections (clicks) left in the
specification but inert.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import altair as alt
import streamlit as st
import vl_convert as vlc

#: Width of an exported chart in CSS pixels (about a laptop page's content), and the PNG's pixel density.
EXPORT_WIDTH = 760
PNG_SCALE = 2
_UNSAFE = re.compile(r"[^\w.-]+")


def file_stem(name: str) -> str:
    """Return ``name`` as a file name without a path or odd characters ("NPS by plan/region" -> "NPS-by-plan-region")."""
    return _UNSAFE.sub("-", name).strip("-.") or "chart"


def export_spec(chart: alt.TopLevelMixin, title: str | None = None) -> str:
    """Return the chart's Vega-Lite JSON as exported: a fixed width unless it has one, a white background."""
    spec = chart.to_dict()
    if "width" not in spec and not {"hconcat", "vconcat", "concat", "facet", "repeat"} & spec.keys():
        spec["width"] = EXPORT_WIDTH
    spec["background"] = "white"
    if title:
        spec.setdefault("title", title)
    spec.setdefault("padding", 12)
    return json.dumps(spec, default=str)


def chart_png(chart: alt.TopLevelMixin, title: str | None = None) -> bytes:
    """Return the chart as a PNG image (rendered offline)."""
    return vlc.vegalite_to_png(export_spec(chart, title), scale=PNG_SCALE)


def chart_svg(chart: alt.TopLevelMixin, title: str | None = None) -> str:
    """Return the chart as an SVG document (rendered offline, text kept as text)."""
    return vlc.vegalite_to_svg(export_spec(chart, title))


def _deferred(render: Callable[..., Any], chart: alt.TopLevelMixin, title: str | None) -> Callable[[], Any]:
    """Return a function of no arguments that renders the chart when called (a download button's data)."""
    return lambda: render(chart, title)


def chart_downloads(chart: alt.TopLevelMixin, *, name: str, key: str, title: str | None = None) -> None:
    """Draw the PNG and SVG download buttons of ``chart`` in a row on the right (rendered on click)."""
    stem = file_stem(name)
    with st.container(horizontal=True, horizontal_alignment="right", gap="small"):
        st.download_button("PNG", data=_deferred(chart_png, chart, title), file_name=f"{stem}.png",
                           mime="image/png", key=f"{key}|png", icon=":material/image:", type="tertiary",
                           help="Download this chart as a PNG image", on_click="ignore")
        st.download_button("SVG", data=_deferred(chart_svg, chart, title), file_name=f"{stem}.svg",
                           mime="image/svg+xml", key=f"{key}|svg", icon=":material/image:", type="tertiary",
                           help="Download this chart as an SVG image (scales without blurring)", on_click="ignore")


def show_chart(chart: alt.TopLevelMixin, *, name: str, key: str, title: str | None = None, **options: Any) -> Any:
    """Draw ``chart`` across the page with its PNG and SVG downloads; return what ``st.altair_chart`` returns.

    ``name`` names the files ("nps-by-plan" gives nps-by-plan.png); ``key`` is the chart's widget key, unique on
    the page (the buttons derive theirs from it); ``title`` is written above the exported image; ``options``
    go to ``st.altair_chart`` (``on_select``, ``selection_mode``, ...).
    """
    options.setdefault("width", "stretch")
    event = st.altair_chart(chart, key=key, **options)
    chart_downloads(chart, name=name, key=key, title=title)
    return event
