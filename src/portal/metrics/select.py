"""Selections: which columns one can group or filter by, dates people type, and the rows a selection keeps."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping as MappingT
from collections.abc import Sequence
from datetime import date as Date
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from portal.errors import InputError
from portal.metrics.responses import mapped_roles
from portal.model import CANONICAL_COLUMNS, DatasetConfig

# Canonical columns that are never a segment to group or filter by.
_NOT_GROUPABLE = frozenset({
    "row_key", "content_hash", "response_id", "import_id", "comment", "date", "nps", "csat", "rating", "value",
    "recommend", "sentiment",
})


#: Columns added to the segments when the text analysis filled them, with the names people see.
EXTRA_COLUMNS: dict[str, str] = {"sentiment_label": "Sentiment", "language": "Language"}


def segment_column(frame: pd.DataFrame, name: str) -> str | None:
    """Return the frame column of segment ``name`` (suffixed `` (segment)`` if it collides), or None."""
    suffixed = f"{name} (segment)"
    if suffixed in frame.columns and (name in CANONICAL_COLUMNS or name not in frame.columns):
        return suffixed
    return name if name in frame.columns else None


def groupable_columns(frame: pd.DataFrame, config: DatasetConfig) -> list[str]:
    """Return the columns one can group or filter by: brand, customer, segments, sentiment label, language."""
    roles = mapped_roles(config)
    out = []
    for column in frame.columns:
        if column in _NOT_GROUPABLE:
            continue
        if column in ("brand", "customer") and column not in roles:
            continue
        if column in ("sentiment_label", "language") and not frame[column].notna().any():
            continue
        out.append(str(column))
    return out


def check_column(frame: pd.DataFrame, config: DatasetConfig, column: str) -> str:
    """Return the frame column for ``column`` (a segment name may be given without its suffix).

    Raises ``InputError`` listing the columns that exist when there is no such column.
    """
    allowed = groupable_columns(frame, config)
    for found in (column, f"{column} (segment)"):
        if found in allowed:
            return found
    names = ", ".join(allowed) if allowed else "none (map a segment or brand column when importing)"
    raise InputError(f"There is no column '{column}' to group or filter by. Columns you can use: {names}.")


def segment_columns(frame: pd.DataFrame, config: DatasetConfig) -> list[str]:
    """Return the frame columns of the dataset's brand and mapped segments (those present in the frame)."""
    out = ["brand"] if "brand" in mapped_roles(config) and "brand" in frame.columns else []
    for name in config.mapping.segments:
        found = segment_column(frame, name)
        if found is not None and found not in out:
            out.append(found)
    return out


def breakdown_columns(frame: pd.DataFrame, config: DatasetConfig) -> list[str]:
    """Return the columns to filter and break down by: brand, the mapped segments, sentiment and language."""
    out = segment_columns(frame, config)
    for column in EXTRA_COLUMNS:
        if column in frame.columns and frame[column].notna().any() and column not in out:
            out.append(column)
    return out


#: A header written like a program's identifier: lower-case words joined by underscores ("traveller_type").
_IDENTIFIER = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")


def readable_header(header: str) -> str:
    """Return a header written like an identifier as words ("traveller_type" -> "Traveller type").

    A header with capitals, spaces or other signs is its author's own wording and stays as written.
    """
    if not _IDENTIFIER.fullmatch(header):
        return header
    words = header.replace("_", " ")
    return words[0].upper() + words[1:]


def column_label(column: str, config: DatasetConfig) -> str:
    """Return the name people know a frame column by: the source header for brand, no `` (segment)`` suffix,
    and a header written like an identifier in words (``readable_header``)."""
    if column == "brand":
        return readable_header(config.mapping.brand) if config.mapping.brand else "Brand"
    if column in EXTRA_COLUMNS:
        return EXTRA_COLUMNS[column]
    suffix = " (segment)"
    return readable_header(column[: -len(suffix)] if column.endswith(suffix) else column)


def column_labels(columns: Sequence[str], config: DatasetConfig) -> list[str]:
    """Return ``column_label`` of each column, keeping the header as written where two labels would read the
    same ("seat_type" beside "Seat type"), so every label names one column."""
    labels = [column_label(c, config) for c in columns]
    plain = [column_label(c, config) if c == "brand" or c in EXTRA_COLUMNS else c.removesuffix(" (segment)")
             for c in columns]
    counts = Counter(labels)
    return [label if counts[label] == 1 and (label == own or label not in plain) else own
            for label, own in zip(labels, plain, strict=True)]


def parse_date(text: str, flag: str = "date") -> pd.Timestamp:
    """Return the date in ``text`` (YYYY-MM-DD); raise ``InputError`` when it is not one."""
    try:
        return pd.Timestamp(Date.fromisoformat(str(text).strip()))
    except ValueError:
        raise InputError(f"{flag} takes a date written like 2024-01-31, not '{text}'.") from None


def as_date(when: Any, flag: str = "date") -> Date:
    """Return ``when`` (a date, datetime, Timestamp or YYYY-MM-DD text) as a date; raise ``InputError`` if not one."""
    if isinstance(when, datetime):
        return when.date()
    if isinstance(when, Date):
        return when
    return parse_date(str(when), flag).date()


def dates_of(frame: pd.DataFrame) -> pd.Series:
    """Return the frame's dates without time zone (NaT where a response has none, or for every row without dates)."""
    dates = frame["date"] if "date" in frame.columns else pd.Series(pd.NaT, index=frame.index)
    dates = pd.to_datetime(dates, errors="coerce")
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_localize(None)
    return dates


def select(frame: pd.DataFrame, config: DatasetConfig, *, start: Any = None, end: Any = None,
           where: MappingT[str, Sequence[Any]] | None = None) -> pd.DataFrame:
    """Return the responses dated from ``start`` to ``end`` (both days included) matching every ``where``.

    ``where`` maps a column to the values to keep (any of them). With a date bound, undated responses are
    left out. Raises ``InputError`` for an unknown column or a start after the end.
    """
    mask = np.ones(len(frame), bool)
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else None
    if lo is not None and hi is not None and lo > hi:
        raise InputError(f"The start date {lo.date()} is after the end date {hi.date()}. Swap them.")
    if lo is not None or hi is not None:
        dates = dates_of(frame)
        if lo is not None:
            mask &= (dates >= lo).to_numpy()
        if hi is not None:
            bound = hi + pd.Timedelta(days=1) if hi == hi.normalize() else hi
            mask &= (dates < bound if bound != hi else dates <= hi).to_numpy()
    for column, values in (where or {}).items():
        name = check_column(frame, config, column)
        series = frame[name]
        wanted = [str(v) for v in values]
        if series.dtype.kind in "biufcM":
            hit = series.astype(str).isin(wanted)
        else:
            hit = series.isin(wanted)
        mask &= hit.to_numpy(dtype=bool)
    return frame.loc[mask] if not mask.all() else frame
