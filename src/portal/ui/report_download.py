"""The Overview's "Download the executive report" control: HTML or PDF of the dataset and filters in view.

"Prepare the executive report" queues it as a background job (``services.job_kinds``): the percentage shows
while it is made, the person can read other pages meanwhile, and the portal says when it is ready. The files
are kept with the job, one per dataset, filters and period in the person's session.
"""

from __future__ import annotations

import re

import streamlit as st

from portal import settings
from portal.model import DatasetInfo
from portal.services import job_kinds, jobs
from portal.services import report as report_service
from portal.ui.context import get_store
from portal.ui.filters import Filters
from portal.ui.jobs import wake_runner, watch
from portal.ui.markdown import escape_markdown
from portal.ui.theme_data import theme_stamp

LABEL = "Download the executive report"
_NAMES = {"html": "HTML", "pdf": "PDF"}
_JOBS = "overview_report_jobs"


def file_name(dataset: str, fmt: str) -> str:
    """Return a safe file name for the report, e.g. "acme-nps-survey-report.html"."""
    stem = re.sub(r"[^a-z0-9]+", "-", dataset.lower()).strip("-") or "dataset"
    return f"{stem[:60]}-report.{fmt}"


def report_download(info: DatasetInfo, filters: Filters, period: str, where: str) -> None:
    """Prepare the executive report of the dataset and filters in view as a background job, then offer its
    HTML and PDF files; the person may read other pages meanwhile and is told when it is ready."""
    st.caption(escape_markdown(f"{LABEL} of {info.name}: KPI tiles with their intervals, the trend, top themes, "
                               "real segment differences, the journey and competitor gaps where the data has "
                               "them" + (f", filtered to {where}." if where else ".")))
    wanted = _wanted(info, filters, period)
    prepared = st.session_state.setdefault(_JOBS, {})
    job_id = prepared.get(wanted)
    if job_id is None or jobs.get(get_store(), job_id) is None:
        st.button("Prepare the executive report", icon=":material/summarize:", key="overview_report_prepare",
                  width="stretch", on_click=_prepare, args=(info, filters, period, wanted))
        return
    _offer(info, job_id, prepared, wanted)


def _prepare(info: DatasetInfo, filters: Filters, period: str, wanted: str) -> None:
    """Queue the report's job and remember it for this selection (a click callback: it runs before the page)."""
    st.session_state.setdefault(_JOBS, {})[wanted] = job_kinds.submit_report(
        get_store(), info.name, start=filters.start, end=filters.end, where=filters.where_dict(), period=period,
        min_n=settings.min_group_size())
    wake_runner()


def _wanted(info: DatasetInfo, filters: Filters, period: str) -> str:
    """Return the key of one report: the dataset as it stands (its data and themes), its filters and the period.

    New data or a codeframe change makes a new key, so a report made before is never offered as current.
    """
    return repr((info.name, info.data_version, theme_stamp(info), filters.key(), period))


def _offer(info: DatasetInfo, job_id: int, prepared: dict[str, int], wanted: str) -> None:
    """Show the report job's percentage while it runs, then its two downloads (or why it failed)."""
    chain = watch(job_id)
    job = chain[0] if chain else None
    if job is None or not job.ended:
        return
    files = job_kinds.report_files(get_store(), job_id)
    if files is None:
        st.error(escape_markdown(job.error or "The report could not be made."), icon=":material/error:")
        if st.button("Try again", key="overview_report_again"):
            prepared.pop(wanted, None)
            st.rerun()
        return
    for fmt, name in _NAMES.items():
        st.download_button(f"{LABEL} ({name})", data=files[fmt], file_name=file_name(info.name, fmt),
                           mime=report_service.FORMATS[fmt], on_click="ignore", key=f"overview_report_{fmt}",
                           icon=":material/download:", width="stretch")
