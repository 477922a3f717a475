"""Text values read as numbers and dates: the column-wide work, on Arrow string arrays.

Empty text and "no answer" markers count as missing; numbers may use thousands separators, a decimal comma or
a currency sign; dates are read day or month first as the column shows, within the years 1900-2199.
"""

from __future__ import annotations

import re
import warnings as pywarnings
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MISSING_MARKERS: frozenset[str] = frozenset(
    {"n/a", "na", "-", "--", "null", "none", "nan", "#n/a", "not applicable"}
)
"""Texts that mean "no answer" in a score, value or date column (compared without case)."""

FIRST_YEAR, LAST_YEAR = 1900, 2199

TEXT = pa.large_string()
"""The Arrow type of every text column."""
NULL_TEXT = pa.scalar(None, TEXT)
"""A missing text value."""
_MARKERS = pa.array(sorted(MISSING_MARKERS), type=TEXT)
_NUMBER = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
_DMY = r"^(?P<first>\d{1,2})[/.\-](?P<second>\d{1,2})[/.\-](?:\d{4}|\d{2})(?:\D|$)"
_YEAR_FIRST = re.compile(r"^\d{4}[-/.]\d")
_PLAIN_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_HAS_YEAR = re.compile(r"(?<!\d)(?:1[89]\d\d|2[01]\d\d)(?!\d)|^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}(?!\d)")
_THOUSANDS = r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$"
_DECIMAL_COMMA = r"^[-+]?\d+,\d+$"
_CURRENCY = r"^[£$€¥]\s*|\s*[£$€¥]$|^(?:GBP|USD|EUR)\s+|\s+(?:GBP|USD|EUR)$"


@dataclass(frozen=True)
class DateOrder:
    """How the dates of a column are written: ``dayfirst`` to parse them with, and the evidence for it.

    ``evidence`` is "day" (a first part above 12), "month" (a second part above 12), "ambiguous" (neither),
    "mixed" (both), or "other" (year first or written out, so the order is not in question).
    """

    dayfirst: bool | None
    evidence: str


# --- Arrow building blocks -------------------------------------------------------------------------------------


def to_arrow(values: pd.Series | np.ndarray | list) -> pa.Array:
    """Return the values as an Arrow string array; None, NaN and "" become null, other objects ``str``."""
    return arrow_checked(values)[0]


def arrow_checked(values: pd.Series | np.ndarray | list) -> tuple[pa.Array, bool]:
    """Return the values as an Arrow string array, and True when they already were ``str``/None without ""."""
    data = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    exact = True
    try:
        arr = pa.array(data, type=TEXT)  # only str and None pass
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        exact = False
        arr = pa.array([None if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))
                        else str(v) for v in data], type=TEXT)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    empty = pc.equal(arr, "")
    if pc.any(empty).as_py():
        return pc.if_else(empty, NULL_TEXT, arr), False
    return arr, exact


def arrow_objects(arr: pa.Array) -> np.ndarray:
    """Return an Arrow string array as an object array of ``str`` and None."""
    return arr.to_numpy(zero_copy_only=False)


def arrow_mask(arr: pa.Array) -> np.ndarray:
    """Return an Arrow boolean array as a numpy bool array (null counts as False)."""
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False).astype(bool)


def clean_arrow(arr: pa.Array) -> pa.Array:
    """Return the values stripped of surrounding whitespace; empty ones and "no answer" markers become null."""
    trimmed = pc.utf8_trim_whitespace(arr)
    drop = pc.or_kleene(pc.equal(trimmed, ""), pc.is_in(pc.utf8_lower(trimmed), value_set=_MARKERS))
    return pc.if_else(drop, NULL_TEXT, trimmed)


def trim_arrow(arr: pa.Array) -> pa.Array:
    """Return the values stripped of surrounding whitespace (null when nothing is left)."""
    trimmed = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(trimmed, ""), NULL_TEXT, trimmed)


def arrow_numbers(clean: pa.Array) -> np.ndarray:
    """Return cleaned text values as floats (NaN where missing or not a finite number)."""
    plain = pc.match_substring_regex(clean, _NUMBER)
    nums = pc.cast(pc.if_else(plain, clean, NULL_TEXT), pa.float64())
    out = nums.to_numpy(zero_copy_only=False).astype("float64")
    other = arrow_mask(pc.and_(pc.invert(plain), pc.less_equal(pc.utf8_length(clean), 40)))
    if other.any():
        text = pd.Series(arrow_objects(clean)[other], dtype=object)
        fixed = text.str.replace(_CURRENCY, "", regex=True)
        fixed = fixed.where(~fixed.str.match(_THOUSANDS), fixed.str.replace(",", "", regex=False))
        fixed = fixed.where(~fixed.str.match(_DECIMAL_COMMA), fixed.str.replace(",", ".", regex=False))
        out[other] = pd.to_numeric(fixed.where(fixed.str.match(_NUMBER)), errors="coerce").to_numpy(
            dtype="float64")
    out[~np.isfinite(out)] = np.nan
    return out


def arrow_date_order(clean: pa.Array) -> DateOrder:
    """Return the day/month order of cleaned date texts (see ``date_order``)."""
    parts = pc.extract_regex(pc.unique(clean.drop_null()), _DMY)
    parts = parts.filter(parts.is_valid())
    if len(parts) == 0:
        return DateOrder(None, "other")
    first = pc.cast(parts.field("first"), pa.int32())
    second = pc.cast(parts.field("second"), pa.int32())
    day = pc.sum(pc.greater(first, 12)).as_py() or 0
    month = pc.sum(pc.greater(second, 12)).as_py() or 0
    if day and month:
        return DateOrder(day >= month, "mixed")
    if day:
        return DateOrder(True, "day")
    if month:
        return DateOrder(False, "month")
    return DateOrder(False, "ambiguous")


def _guess_formats(sample: list[str], dayfirst: bool | None) -> list[str]:
    """Return the strftime formats that the sample values are written in, most common first."""
    from pandas.tseries.api import guess_datetime_format

    found: Counter[str] = Counter()
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        for value in sample:
            fmt = guess_datetime_format(value, dayfirst=bool(dayfirst) and not _YEAR_FIRST.match(value))
            if fmt and ("%Y" in fmt or "%y" in fmt) and any(code in fmt for code in ("%m", "%b", "%B")):
                found[fmt] += 1
    return [fmt for fmt, _ in found.most_common(4)]


def _parse_unique_dates(values: pd.Series, dayfirst: bool | None) -> pd.Series:
    """Parse distinct date texts into UTC timestamps (NaT where not a date)."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns, UTC]")
    todo = values[[not _PLAIN_NUMBER.match(v) for v in values]]  # plain numbers are not dates
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        for fmt in _guess_formats(todo.head(30).tolist(), dayfirst):
            if todo.empty:
                break
            got = pd.to_datetime(todo, format=fmt, errors="coerce", utc=True)
            ok = got.notna()
            _put(out, got[ok])
            todo = todo[~ok]
        todo = todo[[bool(_HAS_YEAR.search(v)) for v in todo]].head(50_000)
        if not todo.empty:
            year_first = todo.str.match(_YEAR_FIRST)
            for mask, first in ((year_first, False), (~year_first, bool(dayfirst))):
                if mask.any():
                    got = pd.to_datetime(todo[mask], format="mixed", dayfirst=first, errors="coerce", utc=True)
                    _put(out, got[got.notna()])
    return out


def _put(out: pd.Series, stamps: pd.Series) -> None:
    """Write the parsed ``stamps`` that fall in the years 1900-2199 into ``out`` (by index)."""
    years = stamps.dt.year
    stamps = stamps[(years >= FIRST_YEAR) & (years <= LAST_YEAR)]
    out[stamps.index] = stamps.astype("datetime64[ns, UTC]")


def arrow_dates(clean: pa.Array, dayfirst: bool | None) -> np.ndarray:
    """Return cleaned date texts as naive ``datetime64[ns]`` (NaT where missing, not a date, or out of range)."""
    out = np.full(len(clean), np.datetime64("NaT"), dtype="datetime64[ns]")
    unique = pc.unique(clean.drop_null())
    if len(unique) == 0:
        return out
    parsed = _parse_unique_dates(pd.Series(arrow_objects(unique), dtype=object), dayfirst)
    stamps = parsed.dt.tz_convert(None)
    positions = pc.index_in(clean, value_set=unique)
    present = arrow_mask(positions.is_valid())
    out[present] = stamps.to_numpy(dtype="datetime64[ns]")[
        positions.filter(positions.is_valid()).to_numpy(zero_copy_only=False)]
    return out


# --- public value parsing ------------------------------------------------------------------------------


def clean_values(values: pd.Series) -> pd.Series:
    """Return ``values`` stripped, with empty text and "no answer" markers (``MISSING_MARKERS``) as None."""
    return pd.Series(arrow_objects(clean_arrow(to_arrow(values))), index=values.index, dtype=object)


def parse_numbers(values: pd.Series) -> pd.Series:
    """Return ``values`` as floats: NaN where empty, a "no answer" marker, or not a finite number.

    Accepts "9.0", " 9 ", "1,234.50", "4,5" (decimal comma) and a currency sign ("£120").
    """
    return pd.Series(arrow_numbers(clean_arrow(to_arrow(values))), index=values.index, dtype="float64")


def date_order(values: pd.Series) -> DateOrder:
    """Return how the dates in ``values`` are written (day or month first) and the evidence for it.

    Dates such as ``11/04/2018`` are day first when any value has a first part above 12, month first when
    any has a second part above 12; when no value shows it they are read month first (evidence "ambiguous").
    """
    return arrow_date_order(clean_arrow(to_arrow(values)))


def parse_dates(values: pd.Series, dayfirst: bool | None) -> pd.Series:
    """Return ``values`` as naive ``datetime64[ns]``: NaT where empty or not a date (years 1900-2199).

    Times with a UTC offset are converted to UTC. ``dayfirst`` decides how ``03/05/2018`` is read.
    """
    return pd.Series(arrow_dates(clean_arrow(to_arrow(values)), dayfirst), index=values.index, dtype="datetime64[ns]")
