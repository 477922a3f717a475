"""The Overview's "Download the executive report" control: HTML or PDF of the dataset and filters in view.

The file is made only when a button is pressed (Streamlit calls the data function then, on a thread of its
own), so drawing the page costs nothing and the page stays usable while the report is made.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import streamlit as st

from portal import settings
from portal.model import DatasetInfo
from portal.services import report as report_service
from portal.ui.context import get_store
from portal.ui.filters import Filters
from portal.ui.markdown import escape_markdown

LABEL = "Download the executive report"
_NAMES = {"html": "HTML", "pdf": "PDF"}


def file_name(dataset: str, fmt: str) -> str:
    """Return a safe file name for the report, e.g. "acme-nps-survey-report.html"."""
    stem = re.sub(r"[^a-z0-9]+", "-", dataset.lower()).strip("-") or "dataset"
    return f"{stem[:60]}-report.{fmt}"


def _maker(info: DatasetInfo, filters: Filters, period: str, fmt: str) -> Callable[[], bytes]:
    """Return the function that makes the report's bytes when the button is pressed."""
    store, min_n = get_store(), settings.min_group_size()

    def make() -> bytes:
        report = report_service.build_report(store, info.name, start=filters.start, end=filters.end,
                                             where=filters.where_dict(), period=period, min_n=min_n)
        return report_service.render_report(report, fmt)

    return make


def report_download(info: DatasetInfo, filters: Filters, period: str, where: str) -> None:
    """Draw the two download buttons (HTML, PDF) of the executive report and say what it covers."""
    st.caption(escape_markdown(f"{LABEL} of {info.name}: KPI tiles with their intervals, the trend, top themes, "
                               "real segment differences" + (f", filtered to {where}." if where else ".")))
    for fmt, name in _NAMES.items():
        st.download_button(f"{LABEL} ({name})", data=_maker(info, filters, period, fmt),
                           file_name=file_name(info.name, fmt), mime=report_service.FORMATS[fmt],
                           on_click="ignore", key=f"overview_report_{fmt}", icon=":material/download:",
                           width="stretch")
