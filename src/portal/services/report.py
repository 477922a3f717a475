"""The executive report of a dataset: its figures gathered for a selection, as HTML or PDF.

A report is a list of sections, each made by one function in ``SECTION_BUILDERS`` from ``ReportInputs`` (the
store, the dataset, its filtered responses, the Overview's figures and the words saying what is covered). The
figures are the pages' own: ``metrics.overview`` (tiles, trend, tested segment differences), the Themes page's
ranking and ``services.compare`` for the brands. A builder returns None to leave its section out.

All text passes through ``portal.executive.redact_report`` before it is rendered: the one place where text
leaves the store for a report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from typing import Any

import pandas as pd

from portal import executive, metrics, settings
from portal.errors import InputError, NotFoundError
from portal.executive import sections
from portal.executive.html import render_html
from portal.executive.pdf import render_pdf
from portal.model import DatasetInfo
from portal.services import compare as compare_service
from portal.services import datasets
from portal.services import journey as journey_service
from portal.services import themes as theme_service
from portal.services.clauses import Progress
from portal.store import Store
from portal.text.theme_view import ranking_frame, summarise_themes

#: The report's file formats, each with its MIME type.
FORMATS: dict[str, str] = {"html": "text/html", "pdf": "application/pdf"}


@dataclass(frozen=True, eq=False)
class ReportInputs:
    """What every section builder reads: the dataset, its selected responses and the Overview's figures."""

    store: Store
    info: DatasetInfo
    frame: pd.DataFrame
    view: metrics.Overview
    covers: str
    first: Date | None
    last: Date | None
    start: Any = None
    end: Any = None
    where: Mapping[str, Sequence[str]] | None = None
    min_n: int = metrics.DEFAULT_MIN_N


#: A section builder: the inputs in, one section out (None leaves the section out of the report).
SectionBuilder = Callable[[ReportInputs], "executive.Section | None"]


def kpi_tiles(inputs: ReportInputs) -> executive.Section:
    """Return the KPI tiles with their intervals, revenue at risk and customers (the Overview's tiles)."""
    return sections.kpi_section(inputs.view, inputs.info.config, inputs.covers, inputs.first, inputs.last)


def trend(inputs: ReportInputs) -> executive.Section:
    """Return the headline KPI's trend (the Overview's chart) and its latest change."""
    return sections.trend_section(inputs.view, inputs.covers)


def top_themes(inputs: ReportInputs) -> executive.Section | None:
    """Return the top themes by NPS impact (by negative share without NPS); None when nothing is themed."""
    codeframe = theme_service.current_codeframe(inputs.store, inputs.info.name)
    if codeframe is None:
        return None
    assigned = theme_service.assignments(inputs.store, inputs.info.name)
    view = summarise_themes(inputs.frame, assigned, codeframe, inputs.info.config)
    ranked_by = "impact" if view.has_nps else "negative"
    return sections.theme_section(ranking_frame(view.table, ranked_by, view.comments), ranked_by, inputs.covers)


def segment_differences(inputs: ReportInputs) -> executive.Section:
    """Return the segment values that differ most from the rest (the Overview's and Segments page's tests)."""
    columns = sorted({d.column for d in inputs.view.differences})
    labels = dict(zip(columns, metrics.column_labels(columns, inputs.info.config), strict=True))
    return sections.difference_section(inputs.view.differences, labels, inputs.info.config.rating_scale,
                                       inputs.covers)


def journey_stage(inputs: ReportInputs) -> executive.Section | None:
    """Return the journey stage by stage with its weakest stage; None when the dataset has no journey set."""
    try:
        journey = journey_service.journey_view(inputs.store, inputs.info.name, start=inputs.start, end=inputs.end,
                                               where=inputs.where, min_n=inputs.min_n)
    except InputError:  # the journey's column is gone from the data: the Journey page asks for it again
        return None
    if journey is None or journey.table.empty:
        return None
    return sections.journey_section(journey, inputs.covers)


def competitor_gaps(inputs: ReportInputs) -> executive.Section | None:
    """Return where our brand trails and leads (``services.compare``); None without two brands or more."""
    config, name = inputs.info.config, inputs.info.name
    if "brand" not in metrics.mapped_roles(config):
        return None
    brands = compare_service.group_names(inputs.store, name)
    if len(brands) < 2:
        return None
    ours = config.ours if config.ours in brands else brands[0]
    try:
        result = compare_service.compare_dataset(inputs.store, name, ours=ours, start=inputs.start, end=inputs.end,
                                                 where=inputs.where, min_n=inputs.min_n)
    except compare_service.NothingSelected as err:
        return executive.Section("competitors", f"{ours} against the competition", str(err), inputs.covers)
    return sections.competitor_section(result, inputs.covers)


#: The report's sections in order. Add a kind of section by adding its builder here.
SECTION_BUILDERS: list[SectionBuilder] = [kpi_tiles, trend, top_themes, segment_differences, journey_stage,
                                          competitor_gaps]


def _covers(frame: pd.DataFrame, info: DatasetInfo, start: Any, end: Any,
            where: Mapping[str, Sequence[str]] | None) -> tuple[str, Date | None, Date | None]:
    """Return the period and filters in words, and the first and last day covered (None without dates)."""
    column = frame["date"] if "date" in frame.columns else pd.Series([], dtype="datetime64[ns]")
    dates = pd.to_datetime(column, errors="coerce").dropna()
    first = pd.Timestamp(start).date() if start is not None else (dates.min().date() if len(dates) else None)
    last = pd.Timestamp(end).date() if end is not None else (dates.max().date() if len(dates) else None)
    columns = list(where or {})
    labels = metrics.column_labels(columns, info.config)
    filters = metrics.describe_selection(None, None, [(lab, list(where[c])) for c, lab in zip(columns, labels,
                                                                                               strict=True)])
    span = metrics.date_span(first, last) if first and last else "all dates (the responses are undated)"
    return f"{span}; {filters or 'no filters'}", first, last


def report_inputs(store: Store, name: str, *, start: Any = None, end: Any = None,
                  where: Mapping[str, Sequence[str]] | None = None, period: str = "month",
                  min_n: int | None = None) -> ReportInputs:
    """Return what the sections are built from; raise ``NotFoundError`` for an unknown dataset and
    ``InputError`` for an unknown column, period or dates in the wrong order."""
    info = datasets.find_dataset(store, name)
    if info is None:
        raise NotFoundError(f"No dataset named '{name}'. Run `portal datasets` to see the names of your datasets.")
    min_n = settings.min_group_size() if min_n is None else int(min_n)
    everything = theme_service.with_corrected_sentiment(store, name, datasets.load_responses(store, name))
    where = {c: [str(v) for v in values] for c, values in dict(where or {}).items()}
    frame = metrics.select(everything, info.config, start=start, end=end, where=where)
    covers, first, last = _covers(everything, info, start, end, where)
    view = metrics.overview(frame, info.config, period=period, min_n=min_n)
    return ReportInputs(store=store, info=info, frame=frame, view=view, covers=covers, first=first, last=last,
                        start=start, end=end, where=where, min_n=min_n)


def build_report(store: Store, name: str, *, start: Any = None, end: Any = None,
                 where: Mapping[str, Sequence[str]] | None = None, period: str = "month", min_n: int | None = None,
                 progress: Progress | None = None, today: Date | None = None) -> executive.Report:
    """Return the executive report of dataset ``name`` for the dates ``start`` to ``end`` and filters ``where``
    (column -> values), its text passed through redaction.

    ``progress(fraction, message)`` hears of each section. Raises ``NotFoundError`` for an unknown dataset and
    ``InputError`` for an unknown column or period.
    """
    step = progress or (lambda fraction, message: None)
    step(0.0, "Reading the responses")
    inputs = report_inputs(store, name, start=start, end=end, where=where, period=period, min_n=min_n)
    made: list[executive.Section] = []
    for i, builder in enumerate(SECTION_BUILDERS):
        step((i + 1) / (len(SECTION_BUILDERS) + 1), f"Section: {builder.__name__.replace('_', ' ')}")
        section = builder(inputs)
        if section is not None:
            made.append(section)
    report = executive.Report(title=f"Executive report: {name}", dataset=name,
                              covers=f"{metrics.coverage_line(name, inputs.view, inputs.first, inputs.last, '')} "
                                     f"Covers: {inputs.covers}.",
                              made=(today or Date.today()).isoformat(), sections=tuple(made))
    return executive.redact_report(report)


def render_report(report: executive.Report, fmt: str) -> bytes:
    """Return the report as the bytes of an HTML (UTF-8) or PDF file; raise ``InputError`` for another format."""
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report)
    raise InputError(f"A report is written as html or pdf, not '{fmt}'.")


def report_format(out: str | Path, chosen: str | None = None) -> str:
    """Return the format to write: ``chosen`` when given, else the file's extension (.html, .htm or .pdf).

    Raises ``InputError`` saying what to do for any other extension or choice.
    """
    if chosen is not None:
        if chosen not in FORMATS:
            raise InputError(f"A report is written as html or pdf, not '{chosen}'.")
        return chosen
    suffix = Path(out).suffix.lower().lstrip(".")
    suffix = "html" if suffix == "htm" else suffix
    if suffix not in FORMATS:
        shown = f"'.{suffix}'" if suffix else "no extension"
        raise InputError(f"The file name '{Path(out).name}' has {shown}: name it .html or .pdf, or say which with "
                         "--as html|pdf.")
    return suffix


def write_report(report: executive.Report, out: str | Path, fmt: str) -> int:
    """Render ``report`` as ``fmt`` into the file ``out``; return its size in bytes.

    The file is written only once rendering has worked. Raises ``InputError`` when ``out`` cannot be written.
    """
    data = render_report(report, fmt)
    path = Path(out)
    if path.is_dir():
        raise InputError(f"'{path}' is a folder: give the report a file name, such as {path / f'report.{fmt}'}.")
    if not path.parent.is_dir():
        raise InputError(f"Cannot write the report to '{path}': the folder '{path.parent}' does not exist.")
    try:
        path.write_bytes(data)
    except OSError as err:
        raise InputError(f"Cannot write the report to '{path}': {err.strerror or err}.") from None
    return len(data)
