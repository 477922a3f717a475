"""Checking every row of a mapped file and turning the valid ones into the canonical frame.

Rows that break a rule are not dropped silently: they come back in ``Validation.rejects`` with a plain reason
("NPS score 12 is outside 0-10"). Whether rejects abort an import is the caller's decision. The column-wide
work runs on Arrow string arrays, so a million rows take seconds.
"""

from __future__ import annotations

import hashlib
import re
import warnings as pywarnings
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from portal.errors import MappingError
from portal.model import ROLE_LABELS, DatasetConfig

if TYPE_CHECKING:
    from portal.ingest.read import Table

MISSING_MARKERS: frozenset[str] = frozenset(
    {"n/a", "na", "-", "--", "null", "none", "nan", "#n/a", "not applicable"}
)
"""Texts that mean "no answer" in a score, value or date column (compared without case)."""

CANONICAL_OUTPUT: tuple[str, ...] = (
    "row_key", "content_hash", "response_id", "customer", "date", "nps", "csat", "rating", "value", "brand",
    "comment",
)
COMMENT_JOIN = "\n\n"
FIRST_YEAR, LAST_YEAR = 1900, 2199

_TEXT = pa.large_string()
_NULL = pa.scalar(None, _TEXT)
_MARKERS = pa.array(sorted(MISSING_MARKERS), type=_TEXT)
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


@dataclass(frozen=True)
class Validation:
    """The rows of a file split into valid (canonical + raw) and rejected, with counts and warnings."""

    canonical: pd.DataFrame
    raw: pd.DataFrame
    rejects: pd.DataFrame
    duplicates: int
    warnings: tuple[str, ...]
    total: int
    config: DatasetConfig = field(default_factory=DatasetConfig)
    """The configuration applied (``dayfirst`` settled from the dates when it was None)."""


# --- Arrow building blocks -------------------------------------------------------------------------------------


def to_arrow(values: pd.Series | np.ndarray | list) -> pa.Array:
    """Return the values as an Arrow string array; None, NaN and "" become null, other objects ``str``."""
    return _arrow_checked(values)[0]


def _arrow_checked(values: pd.Series | np.ndarray | list) -> tuple[pa.Array, bool]:
    """Return the values as an Arrow string array, and True when they already were ``str``/None without ""."""
    data = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    exact = True
    try:
        arr = pa.array(data, type=_TEXT)  # only str and None pass
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        exact = False
        arr = pa.array([None if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and np.isnan(v))
                        else str(v) for v in data], type=_TEXT)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    empty = pc.equal(arr, "")
    if pc.any(empty).as_py():
        return pc.if_else(empty, _NULL, arr), False
    return arr, exact


def arrow_objects(arr: pa.Array) -> np.ndarray:
    """Return an Arrow string array as an object array of ``str`` and None."""
    return arr.to_numpy(zero_copy_only=False)


def _mask(arr: pa.Array) -> np.ndarray:
    """Return an Arrow boolean array as a numpy bool array (null counts as False)."""
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False).astype(bool)


def clean_arrow(arr: pa.Array) -> pa.Array:
    """Return the values stripped of surrounding whitespace; empty ones and "no answer" markers become null."""
    trimmed = pc.utf8_trim_whitespace(arr)
    drop = pc.or_kleene(pc.equal(trimmed, ""), pc.is_in(pc.utf8_lower(trimmed), value_set=_MARKERS))
    return pc.if_else(drop, _NULL, trimmed)


def _trim(arr: pa.Array) -> pa.Array:
    """Return the values stripped of surrounding whitespace (null when nothing is left)."""
    trimmed = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(trimmed, ""), _NULL, trimmed)


def arrow_numbers(clean: pa.Array) -> np.ndarray:
    """Return cleaned text values as floats (NaN where missing or not a finite number)."""
    plain = pc.match_substring_regex(clean, _NUMBER)
    nums = pc.cast(pc.if_else(plain, clean, _NULL), pa.float64())
    out = nums.to_numpy(zero_copy_only=False).astype("float64")
    other = _mask(pc.and_(pc.invert(plain), pc.less_equal(pc.utf8_length(clean), 40)))
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
    present = _mask(positions.is_valid())
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


# --- validation ----------------------------------------------------------------------------------------


def _check_columns(frame: pd.DataFrame, config: DatasetConfig) -> None:
    """Raise ``MappingError`` when a mapped column is missing or no column gives anything to analyse."""
    m = config.mapping
    existing = ", ".join(f"'{c}'" for c in frame.columns)
    needed: list[tuple[str, str]] = [(getattr(m, r), ROLE_LABELS[r]) for r in
                                     ("id", "customer", "date", "nps", "csat", "rating", "value")
                                     if getattr(m, r) is not None]
    if m.brand is not None and "brand" not in config.constants:
        needed.append((m.brand, ROLE_LABELS["brand"]))
    needed += [(c, ROLE_LABELS["comment"]) for c in m.comment]
    needed += [(c, ROLE_LABELS["segment"]) for c in m.segments if c not in config.constants]
    needed += [(c, "a row key") for c in config.key_columns]
    for column, label in needed:
        if column not in frame.columns:
            raise MappingError(
                f"The column '{column}' (used as {label}) is not in this file. Its columns are: {existing}. "
                "Choose the roles again for this file."
            )
    if not (m.nps or m.csat or m.rating or m.comment):
        raise MappingError(
            "No column is set as a score (NPS, CSAT or star rating) or a comment, so there is nothing to analyse. "
            f"Set one in the mapping, or with --map nps=COLUMN on the command line; the file's columns are: "
            f"{existing}."
        )


class _Reasons:
    """Collects the reasons why rows are rejected, as (positions, texts) pairs."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.parts: list[tuple[np.ndarray, list[str]]] = []

    def add(self, mask: np.ndarray, texts: list[str] | str) -> None:
        """Record ``texts`` (one per True in ``mask``, or one text for all of them)."""
        positions = np.flatnonzero(mask)
        if len(positions):
            self.parts.append((positions, [texts] * len(positions) if isinstance(texts, str) else texts))

    def bad(self) -> np.ndarray:
        """Return a bool array: True for every rejected row."""
        out = np.zeros(self.n, dtype=bool)
        for positions, _ in self.parts:
            out[positions] = True
        return out

    def joined(self, rows: np.ndarray) -> list[str]:
        """Return the reasons of the rejected positions ``rows`` joined with "; ", in order of checks."""
        slot = {int(p): i for i, p in enumerate(rows)}
        texts: list[list[str]] = [[] for _ in rows]
        for positions, reasons in self.parts:
            for p, reason in zip(positions.tolist(), reasons):
                texts[slot[p]].append(reason)
        return ["; ".join(t) for t in texts]


def _short(values: np.ndarray, limit: int = 40) -> list[str]:
    """Return the values shortened for a message."""
    return [v if len(v) <= limit else v[: limit - 1] + "…" for v in values]


def _codes(arr: pa.Array) -> tuple[np.ndarray, int]:
    """Return an integer code per value (equal values share a code, null is -1) and the number of codes."""
    encoded = pc.dictionary_encode(arr)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype("int64")
    return codes, len(encoded.dictionary)


def _repeats(keys: pa.Array, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return a mask of keys already seen on an earlier row and, for those, the row where each first appeared."""
    codes, count = _codes(keys)
    present = codes >= 0
    order = np.arange(len(codes))
    first = np.zeros(count, dtype="int64")
    first[codes[present][::-1]] = order[present][::-1]  # the last write wins: the earliest row
    repeated = present.copy()
    repeated[present] = first[codes[present]] != order[present]
    return repeated, rows[first[codes[repeated]]]


def _row_hashes(arrays: list[pa.Array], head: str) -> pa.Array:
    """Return the blake2b (16 bytes, hex) of ``head`` plus each row's values joined, as an Arrow array."""
    base = hashlib.blake2b(head.encode("utf-8", "surrogatepass"), digest_size=16)
    filled = [pc.fill_null(a, "\x00") for a in arrays]
    joined = pc.binary_join_element_wise(*filled, pa.scalar("\x1e", _TEXT))
    digests: list[bytes] = []
    append = digests.append
    for row in pc.cast(joined, pa.large_binary()).to_pylist():
        h = base.copy()
        h.update(row)
        append(h.digest())
    hexed = np.frombuffer(b"".join(digests).hex().encode("ascii"), dtype="S32")
    out = pc.cast(pa.array(hexed, type=pa.binary(32)), _TEXT)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def _join(*parts: str | pa.Array) -> pa.Array:
    """Return the element-wise concatenation of Arrow string arrays and plain strings."""
    items = [pa.scalar(p, _TEXT) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*items, pa.scalar("", _TEXT))


def _subset(frame: pd.DataFrame, arrays: dict[str, pa.Array], exact: set[str], mask: np.ndarray) -> pd.DataFrame:
    """Return the rows of ``mask`` as a frame of ``str``/None values with the original column names.

    Columns in ``exact`` are taken from ``frame`` as they are; the others are rebuilt from ``arrays``.
    """
    if exact.issuperset(frame.columns):
        return frame[mask]
    keep = pa.array(mask)
    index = frame.index[mask]
    data = {
        c: frame[c][mask] if c in exact else pd.Series(arrow_objects(arrays[c].filter(keep)), index=index, dtype=object)
        for c in frame.columns
    }
    return pd.DataFrame(data, index=index, columns=frame.columns)


def _no_text(n: int) -> np.ndarray:
    """Return an object array of ``n`` None values."""
    return np.full(n, None, dtype=object)


def _short_of(arr: pa.Array, mask: np.ndarray) -> list[str]:
    """Return the values of ``arr`` where ``mask`` is True, shortened for a message."""
    return _short(arrow_objects(arr.filter(pa.array(mask))))


def _check_score(clean: pa.Array, role: str, scale: tuple[int, int], reasons: _Reasons) -> np.ndarray:
    """Return a score column as floats (NaN where missing or invalid), recording why invalid values are."""
    low, high = scale
    label = {"nps": "NPS score", "csat": "CSAT score", "rating": "rating"}[role]
    suffix = " from 0 to 10" if role == "nps" else ""
    present = _mask(clean.is_valid())
    nums = arrow_numbers(clean)
    not_number = present & np.isnan(nums)
    reasons.add(not_number, [f"{label} '{v}' is not a number{suffix}" for v in _short_of(clean, not_number)])
    with np.errstate(invalid="ignore"):
        outside = present & ~not_number & ((nums < low) | (nums > high))
    where = f"outside {low}-{high}" if role == "nps" else f"outside the {low}-{high} scale"
    reasons.add(outside, [f"{label} {v} is {where}" for v in _short_of(clean, outside)])
    bad = not_number | outside
    if role == "nps":
        fractional = present & ~bad & (nums != np.round(nums))
        reasons.add(fractional, [f"{label} {v} is not a whole number{suffix}" for v in _short_of(clean, fractional)])
        bad |= fractional
    nums[bad] = np.nan
    return nums


def validate(table_or_frame: pd.DataFrame | Table, config: DatasetConfig, *,
             row_numbers: pd.Series | None = None) -> Validation:
    """Return the valid rows as a canonical frame, the rejected rows with their reasons, and counts.

    ``table_or_frame`` is a ``Table`` or its frame of text values; ``row_numbers`` are the spreadsheet row
    numbers shown in reasons (default: the table's, else 2, 3, ...). Raises ``MappingError`` when a mapped
    column is not in the frame or nothing (no score, no comment) is mapped.
    """
    frame = getattr(table_or_frame, "frame", table_or_frame)
    if row_numbers is None:
        row_numbers = getattr(table_or_frame, "row_numbers", None)
    _check_columns(frame, config)
    m = config.mapping
    index = frame.index
    n = len(frame)
    if row_numbers is None or len(row_numbers) != n:
        rows = np.arange(2, n + 2, dtype="int64")
    else:
        rows = np.asarray(row_numbers, dtype="int64")
    warnings: list[str] = []

    original: dict[str, pa.Array] = {}
    exact: set[str] = set()  # columns that already hold only str/None, reused as they are
    for column in frame.columns:
        original[column], same = _arrow_checked(frame[column])
        if same and frame[column].dtype == object:
            exact.add(column)
    exact_original = set(exact)
    work = dict(original)
    for column, sentinels in config.sentinels.items():
        if column in work and sentinels:
            hit = pc.is_in(pc.utf8_trim_whitespace(work[column]),
                           value_set=pa.array([str(s).strip() for s in sentinels], type=_TEXT))
            count = pc.sum(hit).as_py() or 0
            if count:
                work[column] = pc.if_else(hit, _NULL, work[column])
                exact.discard(column)
                shown = ", ".join(str(s) for s in sentinels)
                values = "1 value" if count == 1 else f"{count:,} values"
                verb = "means" if count == 1 else "mean"
                warnings.append(f"In '{column}', {values} of {shown} {verb} 'not rated' and count as missing.")

    reasons = _Reasons(n)

    response_id = _trim(work[m.id]) if m.id else None
    if response_id is not None:
        present = _mask(response_id.is_valid())
        reasons.add(~present, "id is empty")
        repeated, first = _repeats(response_id, rows)
        reasons.add(repeated, [f"id '{v}' appears again (first on row {r})"
                               for v, r in zip(_short_of(response_id, repeated), first.tolist())])
    key = None
    if config.key_columns:
        parts = [_trim(work[c]) for c in config.key_columns]
        empty = np.logical_and.reduce([~_mask(p.is_valid()) for p in parts])
        key = pc.binary_join_element_wise(*[pc.fill_null(p, "") for p in parts], pa.scalar("|", _TEXT))
        reasons.add(empty, "the key column(s) " + ", ".join(config.key_columns) + " are empty")
        repeated, first = _repeats(pc.if_else(pa.array(empty), _NULL, key), rows)
        reasons.add(repeated, [f"key '{v}' appears again (first on row {r})"
                               for v, r in zip(_short_of(key, repeated), first.tolist())])

    if m.date:
        clean = clean_arrow(work[m.date])
        if config.dayfirst is None:
            order = arrow_date_order(clean)
            if order.dayfirst is not None:
                config = replace(config, dayfirst=order.dayfirst)
        date = arrow_dates(clean, config.dayfirst)
        wrong = _mask(clean.is_valid()) & np.isnat(date)
        reasons.add(wrong, [f"date '{v}' is not a date" for v in _short_of(clean, wrong)])
    else:
        date = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")

    score_present = np.zeros(n, dtype=bool)
    scores: dict[str, np.ndarray] = {}
    for role, scale in (("nps", (0, 10)), ("csat", config.csat_scale), ("rating", config.rating_scale)):
        column = getattr(m, role)
        if column is None:
            scores[role] = np.full(n, np.nan)
            continue
        clean = clean_arrow(work[column])
        score_present |= _mask(clean.is_valid())
        scores[role] = _check_score(clean, role, scale, reasons)
    if config.csat_from_rating and m.csat is None:
        scores["csat"] = scores["rating"].copy()

    if m.value:
        clean = clean_arrow(work[m.value])
        value = arrow_numbers(clean)
        wrong = _mask(clean.is_valid()) & np.isnan(value)
        reasons.add(wrong, [f"value '{v}' is not a number" for v in _short_of(clean, wrong)])
    else:
        value = np.full(n, np.nan)

    comment: pa.Array | None = None
    for column in m.comment:
        part = _trim(work[column])
        if comment is None:
            comment = part
            continue
        both = pc.binary_join_element_wise(comment, part, pa.scalar(COMMENT_JOIN, _TEXT))
        comment = pc.if_else(pc.is_null(comment), part, pc.if_else(pc.is_null(part), comment, both))
    comments = arrow_objects(comment) if comment is not None else _no_text(n)
    has_comment = _mask(comment.is_valid()) if comment is not None else np.zeros(n, dtype=bool)
    reasons.add(~score_present & ~has_comment, "no score and no comment: nothing to analyse")

    if "brand" in config.constants:
        brand = np.full(n, config.constants["brand"], dtype=object)
    elif m.brand:
        brand = arrow_objects(_trim(work[m.brand]))
    else:
        brand = _no_text(n)
    customer = arrow_objects(_trim(work[m.customer])) if m.customer else _no_text(n)

    columns = sorted(frame.columns, key=str)
    head = "\x1e".join(str(c) for c in columns) + "\x1d" + "\x1e".join(
        f"{k}\x1f{v}" for k, v in sorted(config.constants.items())) + "\x1d"
    hashes = _row_hashes([original[c] for c in columns], head) if n else pa.array([], type=_TEXT)
    codes, distinct = _codes(hashes)
    duplicates = int(n - distinct)
    if config.key_columns:
        row_key = _join("k:", pc.fill_null(key, ""))
    elif response_id is not None:
        row_key = _join("id:", pc.fill_null(response_id, ""))
    else:
        occurrence = pd.Series(codes).groupby(codes).cumcount().to_numpy() + 1
        row_key = _join("h:", hashes, ":", pa.array(occurrence).cast(_TEXT))

    canonical = pd.DataFrame({
        "row_key": pd.Series(arrow_objects(row_key), index=index, dtype=object),
        "content_hash": pd.Series(arrow_objects(hashes), index=index, dtype=object),
        "response_id": pd.Series(arrow_objects(response_id) if response_id is not None else _no_text(n),
                                 index=index, dtype=object),
        "customer": pd.Series(customer, index=index, dtype=object),
        "date": pd.Series(date, index=index, dtype="datetime64[ns]"),
        "nps": pd.Series(scores["nps"], index=index, dtype="float64"),
        "csat": pd.Series(scores["csat"], index=index, dtype="float64"),
        "rating": pd.Series(scores["rating"], index=index, dtype="float64"),
        "value": pd.Series(value, index=index, dtype="float64"),
        "brand": pd.Series(brand, index=index, dtype=object),
        "comment": pd.Series(comments, index=index, dtype=object),
    })

    bad_rows = reasons.bad()
    valid = ~bad_rows
    raw = _subset(frame, work, exact, valid)
    extra = {k: v for k, v in config.constants.items() if k != "brand" and k not in raw.columns}
    if extra:
        raw = raw.assign(**{k: pd.Series(v, index=raw.index, dtype=object) for k, v in extra.items()})

    rejects = _subset(frame, original, exact_original, bad_rows)
    rejects = rejects.rename(columns={c: f"{c} (file)" for c in rejects.columns if c in ("row", "reason")})
    rejects.insert(0, "row", pd.Series(rows[bad_rows], index=rejects.index, dtype="int64"))
    rejects["reason"] = pd.Series(reasons.joined(np.flatnonzero(bad_rows)), index=rejects.index, dtype=object)

    if duplicates:
        copies = "1 row is an exact copy" if duplicates == 1 else f"{duplicates:,} rows are exact copies"
        if m.id or config.key_columns:
            warnings.append(f"{copies} of an earlier row.")
        else:
            kept = "it is" if duplicates == 1 else "they are"
            warnings.append(f"{copies} of an earlier row; {kept} kept as separate responses, since two people can "
                            "give the same answer.")
    return Validation(
        canonical=canonical[valid],
        raw=raw,
        rejects=rejects,
        duplicates=duplicates,
        warnings=tuple(warnings),
        total=n,
        config=config,
    )
