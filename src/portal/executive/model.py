"""The executive report's model: a report is a title, what it covers and an ordered list of sections.

A section is a plain sentence with the period and filters it covers, and any of: figure tiles, a small table,
one chart (a Vega-Lite specification with its data inline) and the figures as JSON-ready ``data``. Adding a kind
of section is adding one function that returns a ``Section`` (see ``portal.services.report.SECTION_BUILDERS``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Figure:
    """One tile: a KPI's name, its value as shown, its interval and sample in words, and its sentence."""

    label: str
    value: str
    detail: str = ""
    sentence: str = ""


@dataclass(frozen=True)
class Table:
    """A small table of text cells, formatted already (the renderers only escape and lay it out)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, eq=False)
class Section:
    """One part of the report: ``key`` names its kind ("kpis", "trend", "themes", ...) in the JSON output."""

    key: str
    title: str
    sentence: str
    covers: str
    figures: tuple[Figure, ...] = ()
    table: Table | None = None
    chart: dict[str, Any] | None = None
    chart_text: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the section for ``--format json``: key, title, sentence, covers and its figures."""
        return {"key": self.key, "title": self.title, "sentence": self.sentence, "covers": self.covers,
                "figures": [dataclasses.asdict(f) for f in self.figures], "data": self.data}


@dataclass(frozen=True, eq=False)
class Report:
    """The whole report: its title, the dataset, what it covers, the day it was made and its sections."""

    title: str
    dataset: str
    covers: str
    made: str
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section | None:
        """Return the section of kind ``key`` (None when the report has none)."""
        return next((s for s in self.sections if s.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data (title, dataset, covers, made, sections)."""
        return {"title": self.title, "dataset": self.dataset, "covers": self.covers, "made": self.made,
                "sections": [s.to_dict() for s in self.sections]}


def redact_text(text: str) -> str:
    """Return ``text`` as it may leave the portal in a report.

    Every piece of text in a report (dataset and theme names, segment values, sentences, chart labels) passes
    through here once, in ``redact_report``, before anything is rendered. Today it returns the text unchanged;
    redaction rules (names, e-mail addresses, ...) belong here when the portal gets them.
    """
    return text


def _redacted(value: Any) -> Any:
    """Return ``value`` with every string inside it passed through ``redact_text``."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_redacted(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _redacted(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def redact_report(report: Report) -> Report:
    """Return ``report`` with all its text passed through ``redact_text`` (the one exit of dataset text)."""
    return _redacted(report)
