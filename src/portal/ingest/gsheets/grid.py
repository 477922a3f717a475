"""A worksheet's cells as a portal ``Table``: the header row checked, cells as text, empty rows dropped."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from gspread.utils import rowcol_to_a1

from portal.errors import SourceError
from portal.ingest.gsheets.failures import malformed
from portal.ingest.table import Table


def csv_head(data: bytes) -> tuple[list[str], bool]:
    """Return the header row of CSV bytes and whether any row after it holds a value."""
    limit = 1_000_000
    text = data[:limit].decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header: list[str] = []
    try:
        header = next(reader, [])
        if any(any(cell.strip() for cell in row) for row in reader):
            return header, True
    except csv.Error:  # a damaged body: read_table explains it
        return header, True
    return header, len(data) > limit


def _column_name(index: int) -> str:
    """Return the sheet's letter name of 0-based column ``index`` (0 -> A)."""
    return rowcol_to_a1(1, index + 1)[:-1]


def check_header(
    header: Sequence[str], has_data: Callable[[int], bool] | None, worksheet: str | None
) -> list[int]:
    """Check the header row; return the indexes of the columns to keep.

    Columns without a name are dropped when they hold no data (checked only when ``has_data`` is given). Raises
    ``SourceError`` for an empty header row, an unnamed column with data, or a name used twice (letter case
    aside, as file uploads do).
    """
    where = _where(worksheet)
    names = [str(h).strip() for h in header]
    if not any(names):
        raise SourceError(
            f"The first row of {where} is empty. Put the column names in row 1 of the sheet, then try again."
        )
    keep = []
    for i, name in enumerate(names):
        if name:
            keep.append(i)
        elif has_data is not None and has_data(i):
            raise SourceError(unnamed(i, worksheet))
    seen: dict[str, int] = {}
    for i in keep:
        folded = names[i].casefold()
        if folded in seen:
            first = names[seen[folded]]
            raise SourceError(
                f"Row 1 of {where} names two columns '{first}' (columns {_column_name(seen[folded])} and "
                f"{_column_name(i)}). Give each column its own name, then try again."
            )
        seen[folded] = i
    return keep


def _where(worksheet: str | None) -> str:
    return f"worksheet '{worksheet}'" if worksheet else "the worksheet"


def unnamed(index: int, worksheet: str | None) -> str:
    return (
        f"Column {_column_name(index)} of {_where(worksheet)} holds data but has no name in row 1. Type a name for "
        "it in row 1 of the sheet, then try again."
    )


def no_rows(worksheet: str | None) -> str:
    return (
        f"{_where(worksheet)[0].upper()}{_where(worksheet)[1:]} has column names but no rows yet. Add the responses "
        "(or wait for the first form answer), then try again."
    )


def table_from_values(
    values: list[list[Any]], *, source: str, sheet: str | None, sheets: tuple[str, ...]
) -> Table:
    """Return the values API's rows (header first, ragged) as a ``Table`` of str or None."""
    if not values:
        check_header([], None, sheet)
    header, rows = values[0], values[1:]
    width = max(len(header), max(map(len, rows), default=0))
    header = [("" if h is None else str(h)) for h in header] + [""] * (width - len(header))
    check_header(header, None, sheet)
    padded = [r if len(r) == width else [*r, *([None] * (width - len(r)))] for r in rows]
    try:
        grid = np.array(padded, dtype=object) if rows else np.empty((0, width), dtype=object)
    except ValueError as err:
        raise SourceError(malformed()) from err
    if grid.ndim != 2:
        raise SourceError(malformed())
    columns = [_clean(grid[:, i].tolist()) for i in range(width)]
    keep = check_header(header, lambda i: any(v is not None for v in columns[i]), sheet)
    names = [header[i].strip() for i in keep]
    frame = pd.DataFrame({n: pd.Series(columns[i], dtype=object) for n, i in zip(names, keep, strict=True)},
                         columns=names)
    filled = frame.notna().any(axis=1).to_numpy()
    if not filled.any():
        raise SourceError(no_rows(sheet))
    numbers = np.arange(2, len(rows) + 2, dtype="int64")[filled]
    frame = frame[filled].reset_index(drop=True)
    return Table(
        frame=frame,
        source=source,
        encoding=None,
        delimiter=None,
        sheet=sheet,
        sheets=sheets,
        row_numbers=pd.Series(numbers, index=frame.index, dtype="int64"),
    )


def _clean(column: Sequence[Any]) -> list[str | None]:
    """Return one column's cells as text, with empty and blank cells as None."""
    if all(v is None or type(v) is str for v in column):
        return [None if v is None or not v or v.isspace() else v for v in column]
    return [_cell_text(v) for v in column]  # cells that are not text (numbers, booleans)


def _cell_text(value: Any) -> str | None:
    """Return a cell as the text the sheet shows; empty and blank cells as None."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value and not value.isspace() else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
