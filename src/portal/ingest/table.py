"""A file read as text (``Table``), and the clean-up every reader shares: blank cells, empty rows, names."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from portal.errors import InputError


@dataclass(frozen=True)
class Table:
    """A file read as text: values are ``str`` or ``None``, columns keep their names and order."""

    frame: pd.DataFrame
    source: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    sheets: tuple[str, ...]
    row_numbers: pd.Series
    warnings: tuple[str, ...] = ()


def empty_file(name: str) -> InputError:
    """Return the error for a file with nothing in it."""
    return InputError(f"{name} is empty. Export the data again with its header row and at least one row.")


def megabytes(size: int) -> str:
    """Return ``size`` in megabytes, short and readable."""
    mb = size / 1024 / 1024
    return f"{mb:,.0f}" if mb >= 10 else f"{mb:,.1f}".rstrip("0").rstrip(".") or "0"


def _blank(values: np.ndarray) -> np.ndarray:
    """Return True where a cell is empty: None, NaN, or only whitespace."""
    try:
        arr = pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.array([None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values],
                       type=pa.large_string())
    blank = pc.fill_null(pc.match_substring_regex(arr, r"^\s*$"), True)
    return blank.to_numpy(zero_copy_only=False).astype(bool)


def finish_table(
    body: pd.DataFrame, header: list[str], numbers: pd.Series, name: str, *, where: str
) -> tuple[pd.DataFrame, pd.Series, tuple[str, ...]]:
    """Clean headers and values (blank -> None), drop empty rows and unnamed empty columns; check rows remain."""
    header = [h.replace("\ufeff", "").strip() for h in header]
    columns: dict[int, np.ndarray] = {}
    filled = np.zeros(len(body), dtype=bool)
    for i in range(body.shape[1]):
        values = body.iloc[:, i].to_numpy(dtype=object, copy=True)
        blank = _blank(values)
        if blank.all() and not header[i]:
            continue  # an unnamed, empty column (such as a trailing separator) holds nothing
        values[blank] = None
        columns[i] = values
        filled |= ~blank
    names, warnings = _unique_names([header[i] or f"column {i + 1}" for i in columns], where)
    if not filled.any():
        raise InputError(f"There are no data rows in {where}, only the header row. Export it again with the "
                         "responses included.")
    frame = pd.DataFrame({n: pd.Series(v[filled], dtype=object) for n, v in zip(names, columns.values())},
                         columns=names)
    numbers = pd.Series(np.asarray(numbers, dtype="int64")[filled])
    return frame, numbers, warnings


def _unique_names(names: list[str], where: str) -> tuple[list[str], tuple[str, ...]]:
    """Return the header with repeated names made unique ("Name", "Name (2)") and a warning per repeat."""
    seen = {n.casefold() for n in names}
    counts: dict[str, int] = {}
    out: list[str] = []
    repeated: list[str] = []
    for n in names:
        key = n.casefold()
        counts[key] = counts.get(key, 0) + 1
        if counts[key] == 1:
            out.append(n)
            continue
        if counts[key] == 2:
            repeated.append(n)
        k = counts[key]
        while f"{n} ({k})".casefold() in seen:
            k += 1
        unique = f"{n} ({k})"
        seen.add(unique.casefold())
        out.append(unique)
    warnings = tuple(
        f"More than one column of {where} is called '{n}'; the later ones are shown as '{n} (2)' and so on."
        for n in repeated
    )
    return out, warnings
