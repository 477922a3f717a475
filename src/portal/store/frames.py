"""Column conversions between pandas frames and database rows.

Everything here works on whole columns (numpy / pandas); the only per-row Python is building and parsing
the ``raw`` JSON objects, done with orjson.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson
import pandas as pd

#: Canonical columns holding text (object dtype, None for missing).
STRING_COLUMNS: tuple[str, ...] = (
    "row_key", "response_id", "customer", "brand", "comment", "sentiment_label", "language",
)
#: Canonical columns holding numbers (float64, NaN for missing).
FLOAT_COLUMNS: tuple[str, ...] = ("nps", "csat", "rating", "recommend", "value", "sentiment")
#: How SQLAlchemy stores a DateTime in SQLite (kept identical so Core queries read our rows).
SQLITE_DATE_FORMAT = "%Y-%m-%d %H:%M:%S.%f"



def text_values(series: pd.Series) -> np.ndarray:
    """Return the column as an object array of str, with None for missing (non-text values become str)."""
    values = series.to_numpy(dtype=object, na_value=None)
    if isinstance(series.dtype, pd.StringDtype):
        return values
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind not in ("string", "empty"):
        values = np.array([v if v is None or isinstance(v, str) else str(v) for v in values], dtype=object)
    return values


def float_values(series: pd.Series) -> np.ndarray:
    """Return the column as float64 (NaN for missing); raise ``ValueError`` for text that is not a number."""
    return pd.to_numeric(series, errors="raise").to_numpy(dtype="float64", na_value=np.nan)


def with_none(values: np.ndarray) -> np.ndarray:
    """Return a float array as an object array with None where it is NaN (databases want NULL, not NaN)."""
    out = values.astype(object)
    out[np.isnan(values)] = None
    return out


def date_values(series: pd.Series) -> np.ndarray:
    """Return the column as naive datetime64[us] (time zones converted to UTC); raise ``ValueError`` if not dates."""
    dates = pd.to_datetime(series)
    if isinstance(dates.dtype, pd.DatetimeTZDtype):
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    return dates.to_numpy(dtype="datetime64[us]")


def sqlite_date_strings(values: np.ndarray) -> np.ndarray:
    """Return datetime64 values as SQLAlchemy's SQLite text (``YYYY-MM-DD HH:MM:SS.ffffff``), None for NaT."""
    text = np.datetime_as_string(values.astype("datetime64[us]"), unit="us")
    missing = np.isnat(values)
    if len(text):
        text = text.astype("<U26")
        text.view("<U1").reshape(len(text), 26)[:, 10] = " "
    out = text.astype(object)
    out[missing] = None
    return out


def python_datetimes(values: np.ndarray) -> np.ndarray:
    """Return datetime64 values as an object array of ``datetime.datetime`` (None for NaT)."""
    return values.astype("datetime64[us]").astype(object)


def parse_dates(values: Sequence[object] | np.ndarray) -> np.ndarray:
    """Return stored dates (SQLite text or ``datetime`` objects, None for missing) as datetime64[ns]."""
    array = np.asarray(values, dtype=object)
    try:
        parsed = pd.to_datetime(array, format=SQLITE_DATE_FORMAT)
    except (ValueError, TypeError):
        parsed = pd.to_datetime(array, format="ISO8601") if len(array) else pd.DatetimeIndex([])
    return np.asarray(parsed, dtype="datetime64[ns]")


def raw_json(raw: pd.DataFrame, *, as_bytes: bool = False) -> list[str] | list[bytes]:
    """Return one JSON object per row of ``raw``: original column name -> text, or null when empty.

    With ``as_bytes`` the objects are UTF-8 bytes (saves decoding when the database takes bytes).
    """
    names = [str(c) for c in raw.columns]
    columns = [text_values(raw.iloc[:, i]).tolist() for i in range(raw.shape[1])]
    if not columns:
        return [b"{}" if as_bytes else "{}"] * len(raw)
    dumps = orjson.dumps
    if as_bytes:
        return [dumps(dict(zip(names, row, strict=True))) for row in zip(*columns, strict=True)]
    return [dumps(dict(zip(names, row, strict=True))).decode() for row in zip(*columns, strict=True)]


def rows_array(rows: list[tuple[Any, ...]], width: int) -> np.ndarray:
    """Return database rows (tuples of ``width`` values) as a 2-D object array, one row per row."""
    if not rows:
        return np.empty((0, width), dtype=object)
    try:
        from pandas._libs.lib import to_object_array_tuples  # a C loop, several times faster than zip(*rows)

        return to_object_array_tuples(rows)
    except (ImportError, AttributeError, TypeError):
        table = np.empty((len(rows), width), dtype=object)
        for i, column in enumerate(zip(*rows, strict=True)):
            table[:, i] = column
        return table


def to_float(values: np.ndarray) -> np.ndarray:
    """Return stored numbers (floats, ints or None) as float64 with NaN for None."""
    try:
        return values.astype("float64")  # None becomes NaN
    except TypeError:
        return np.array([np.nan if v is None else float(v) for v in values], dtype="float64")


def raw_columns(raws: Sequence[str | None] | np.ndarray, chunk: int = 100_000) -> dict[str, np.ndarray]:
    """Return stored ``raw`` JSON objects as columns: original name -> object array (None where absent).

    Columns come in the order the rows first show them. Parsed in chunks, so only one chunk of dicts is
    alive at a time.
    """
    count = len(raws)
    columns: dict[str, np.ndarray] = {}
    loads = orjson.loads
    for start in range(0, count, chunk):
        parsed = [loads(r) if r else {} for r in raws[start:start + chunk]]
        for row in parsed:
            if not columns.keys() >= row.keys():
                for name in row:
                    if name not in columns:
                        columns[name] = np.full(count, None, dtype=object)
        for name, values in columns.items():
            values[start:start + len(parsed)] = [row.get(name) for row in parsed]
    return columns


def object_series(values: Sequence[object] | np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """Return values as an object-dtype Series (pandas 3 would otherwise infer its ``str`` dtype)."""
    return pd.Series(np.asarray(values, dtype=object), index=index, dtype=object)
