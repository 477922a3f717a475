"""Checking every row of a mapped file and turning the valid ones into the canonical frame.

Rows that break a rule are not dropped silently: they come back in ``Validation.rejects`` with a plain reason
("NPS score 12 is outside 0-10"). Whether rejects abort an import is the caller's decision. The column-wide
work runs on Arrow string arrays (``portal.ingest.values``), so a million rows take seconds.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingT
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from portal.errors import MappingError
from portal.ingest.answers import ANSWER_RULE, answer_codes, values_found
from portal.ingest.rows import (
    Reasons,
    join_text,
    no_text,
    repeats,
    row_hashes,
    row_subset,
    shortened,
    value_codes,
)
from portal.ingest.table import Table
from portal.ingest.values import (
    FIRST_YEAR,
    LAST_YEAR,
    MISSING_MARKERS,
    NULL_TEXT,
    TEXT,
    DateOrder,
    arrow_checked,
    arrow_date_order,
    arrow_dates,
    arrow_mask,
    arrow_numbers,
    arrow_objects,
    clean_arrow,
    clean_values,
    date_order,
    parse_dates,
    parse_numbers,
    to_arrow,
    trim_arrow,
)
from portal.model import ROLE_LABELS, DatasetConfig

__all__ = [
    # validation
    "CANONICAL_OUTPUT",
    "COMMENT_JOIN",
    "Validation",
    "validate",
    # value parsing, defined in portal.ingest.values and importable from here as before
    "FIRST_YEAR",
    "LAST_YEAR",
    "MISSING_MARKERS",
    "DateOrder",
    "arrow_date_order",
    "arrow_dates",
    "arrow_numbers",
    "arrow_objects",
    "clean_arrow",
    "clean_values",
    "date_order",
    "parse_dates",
    "parse_numbers",
    "to_arrow",
]

CANONICAL_OUTPUT: tuple[str, ...] = (
    "row_key", "content_hash", "response_id", "customer", "date", "nps", "csat", "rating", "recommend", "value",
    "brand", "comment",
)
COMMENT_JOIN = "\n\n"
_SENTENCE_END = r"[.!?…:;)\]\"'”’]$"
"""A comment part ending like this is a finished sentence; any other gets a full stop before the next part."""
_CANONICAL_TYPES: dict[str, str | type] = {
    "row_key": object, "content_hash": object, "response_id": object, "customer": object, "date": "datetime64[ns]",
    "nps": "float64", "csat": "float64", "rating": "float64", "recommend": "float64", "value": "float64", "brand": object, "comment": object,
}


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
    n = len(frame)
    rows = _sheet_rows(row_numbers, n)
    original, exact_original = _source_arrays(frame)
    work, exact, warnings = _without_sentinels(original, exact_original, config.sentinels)

    reasons = Reasons(n)
    response_id = _check_ids(work, m.id, rows, reasons)
    key = _check_keys(work, config.key_columns, rows, reasons)
    date, config = _check_dates(work, config, n, reasons)
    scores, score_present = _check_scores(work, config, n, reasons)
    value = _check_values(work, m.value, n, reasons)
    comments, has_comment = _comments(work, m.comment, n)
    reasons.add(~score_present & ~has_comment, "no score and no comment: nothing to analyse")

    row_key, hashes, duplicates = _row_keys(frame, original, config, key, response_id)
    canonical = _canonical(frame.index, {
        "row_key": arrow_objects(row_key),
        "content_hash": arrow_objects(hashes),
        "response_id": arrow_objects(response_id) if response_id is not None else no_text(n),
        "customer": arrow_objects(trim_arrow(work[m.customer])) if m.customer else no_text(n),
        "date": date,
        **scores,
        "value": value,
        "brand": _brands(work, config, n),
        "comment": comments,
    })
    bad_rows = reasons.bad()
    valid = ~bad_rows
    if duplicates:
        warnings.append(_duplicates_warning(duplicates, identified=bool(m.id or config.key_columns)))
    return Validation(
        canonical=canonical[valid],
        raw=_kept_rows(frame, work, exact, valid, config.constants),
        rejects=_rejected_rows(frame, original, exact_original, bad_rows, rows, reasons),
        duplicates=duplicates,
        warnings=tuple(warnings),
        total=n,
        config=config,
    )


# --- the steps of validation ---------------------------------------------------------------------------


def _check_columns(frame: pd.DataFrame, config: DatasetConfig) -> None:
    """Raise ``MappingError`` when a mapped column is missing or no column gives anything to analyse."""
    m = config.mapping
    existing = ", ".join(f"'{c}'" for c in frame.columns)
    needed: list[tuple[str, str]] = [(getattr(m, r), ROLE_LABELS[r]) for r in
                                     ("id", "customer", "date", "nps", "csat", "rating", "recommend", "value")
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
    if not (m.nps or m.csat or m.rating or m.recommend or m.comment):
        raise MappingError(
            "No column is set as a score (NPS, CSAT, star rating or would recommend) or a comment, so there is nothing to analyse. "
            f"Set one in the mapping, or with --map nps=COLUMN on the command line; the file's columns are: "
            f"{existing}."
        )


def _sheet_rows(row_numbers: pd.Series | None, n: int) -> np.ndarray:
    """Return the spreadsheet row number of each row: the given ones, else 2, 3, ..."""
    if row_numbers is None or len(row_numbers) != n:
        return np.arange(2, n + 2, dtype="int64")
    return np.asarray(row_numbers, dtype="int64")


def _source_arrays(frame: pd.DataFrame) -> tuple[dict[str, pa.Array], set[str]]:
    """Return each column as an Arrow string array, and the columns that already hold only ``str``/None."""
    original: dict[str, pa.Array] = {}
    exact: set[str] = set()  # columns that already hold only str/None, reused as they are
    for column in frame.columns:
        original[column], same = arrow_checked(frame[column])
        if same and frame[column].dtype == object:
            exact.add(column)
    return original, exact


def _without_sentinels(
    original: dict[str, pa.Array], exact: set[str], sentinels: MappingT[str, list[str]]
) -> tuple[dict[str, pa.Array], set[str], list[str]]:
    """Return the arrays with "not rated" codes blanked, the columns left as they were, and a warning each."""
    work = dict(original)
    exact = set(exact)
    warnings: list[str] = []
    for column, codes in sentinels.items():
        if column in work and codes:
            hit = pc.is_in(pc.utf8_trim_whitespace(work[column]),
                           value_set=pa.array([str(s).strip() for s in codes], type=TEXT))
            count = pc.sum(hit).as_py() or 0
            if count:
                work[column] = pc.if_else(hit, NULL_TEXT, work[column])
                exact.discard(column)
                shown = ", ".join(str(s) for s in codes)
                values = "1 value" if count == 1 else f"{count:,} values"
                verb = "means" if count == 1 else "mean"
                warnings.append(f"In '{column}', {values} of {shown} {verb} 'not rated' and count as missing.")
    return work, exact, warnings


def _check_ids(work: dict[str, pa.Array], column: str | None, rows: np.ndarray, reasons: Reasons) -> pa.Array | None:
    """Return the response ids (None when no id column is mapped), recording empty and repeated ones."""
    if not column:
        return None
    response_id = trim_arrow(work[column])
    present = arrow_mask(response_id.is_valid())
    reasons.add(~present, "id is empty")
    repeated, first = repeats(response_id, rows)
    reasons.add(repeated, [f"id '{v}' appears again (first on row {r})"
                           for v, r in zip(shortened(response_id, repeated), first.tolist())])
    return response_id


def _check_keys(
    work: dict[str, pa.Array], key_columns: tuple[str, ...], rows: np.ndarray, reasons: Reasons
) -> pa.Array | None:
    """Return the row keys built from ``key_columns`` (None without them), recording empty and repeated ones."""
    if not key_columns:
        return None
    parts = [trim_arrow(work[c]) for c in key_columns]
    empty = np.logical_and.reduce([~arrow_mask(p.is_valid()) for p in parts])
    key = pc.binary_join_element_wise(*[pc.fill_null(p, "") for p in parts], pa.scalar("|", TEXT))
    reasons.add(empty, "the key column(s) " + ", ".join(key_columns) + " are empty")
    repeated, first = repeats(pc.if_else(pa.array(empty), NULL_TEXT, key), rows)
    reasons.add(repeated, [f"key '{v}' appears again (first on row {r})"
                           for v, r in zip(shortened(key, repeated), first.tolist())])
    return key


def _check_dates(
    work: dict[str, pa.Array], config: DatasetConfig, n: int, reasons: Reasons
) -> tuple[np.ndarray, DatasetConfig]:
    """Return the dates (NaT without a date column) and the configuration with ``dayfirst`` settled."""
    column = config.mapping.date
    if not column:
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"), config
    clean = clean_arrow(work[column])
    if config.dayfirst is None:
        order = arrow_date_order(clean)
        if order.dayfirst is not None:
            config = replace(config, dayfirst=order.dayfirst)
    date = arrow_dates(clean, config.dayfirst)
    wrong = arrow_mask(clean.is_valid()) & np.isnat(date)
    reasons.add(wrong, [f"date '{v}' is not a date" for v in shortened(clean, wrong)])
    return date, config


def _check_scores(
    work: dict[str, pa.Array], config: DatasetConfig, n: int, reasons: Reasons
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Return the NPS, CSAT, rating and recommend scores (NaN where missing or invalid) and which rows have one."""
    m = config.mapping
    score_present = np.zeros(n, dtype=bool)
    scores: dict[str, np.ndarray] = {}
    for role, scale in (("nps", (0, 10)), ("csat", config.csat_scale), ("rating", config.rating_scale)):
        column = getattr(m, role)
        if column is None:
            scores[role] = np.full(n, np.nan)
            continue
        clean = clean_arrow(work[column])
        score_present |= arrow_mask(clean.is_valid())
        scores[role] = _check_score(clean, role, scale, reasons)
    if config.csat_from_rating and m.csat is None:
        scores["csat"] = scores["rating"].copy()
    scores["recommend"] = np.full(n, np.nan)
    if m.recommend is not None:
        clean = clean_arrow(work[m.recommend])
        score_present |= arrow_mask(clean.is_valid())
        scores["recommend"] = _check_answer(clean, reasons)
    return scores, score_present


def _check_answer(clean: pa.Array, reasons: Reasons) -> np.ndarray:
    """Return a yes/no column as 1.0/0.0 (NaN where missing or neither), recording why other values are wrong."""
    codes, wrong = answer_codes(clean)
    if wrong.any():
        found = values_found(clean)
        reasons.add(wrong, [f"would-recommend answer '{v}' is neither yes nor no: {ANSWER_RULE} (the column holds "
                            f"{found})" for v in shortened(clean, wrong)])
    return codes


def _check_score(clean: pa.Array, role: str, scale: tuple[int, int], reasons: Reasons) -> np.ndarray:
    """Return a score column as floats (NaN where missing or invalid), recording why invalid values are."""
    low, high = scale
    label = {"nps": "NPS score", "csat": "CSAT score", "rating": "rating"}[role]
    suffix = " from 0 to 10" if role == "nps" else ""
    present = arrow_mask(clean.is_valid())
    nums = arrow_numbers(clean)
    not_number = present & np.isnan(nums)
    reasons.add(not_number, [f"{label} '{v}' is not a number{suffix}" for v in shortened(clean, not_number)])
    with np.errstate(invalid="ignore"):
        outside = present & ~not_number & ((nums < low) | (nums > high))
    where = f"outside {low}-{high}" if role == "nps" else f"outside the {low}-{high} scale"
    reasons.add(outside, [f"{label} {v} is {where}" for v in shortened(clean, outside)])
    bad = not_number | outside
    if role == "nps":
        fractional = present & ~bad & (nums != np.round(nums))
        reasons.add(fractional, [f"{label} {v} is not a whole number{suffix}" for v in shortened(clean, fractional)])
        bad |= fractional
    nums[bad] = np.nan
    return nums


def _check_values(work: dict[str, pa.Array], column: str | None, n: int, reasons: Reasons) -> np.ndarray:
    """Return the revenue / value numbers (NaN without a value column), recording values that are not numbers."""
    if not column:
        return np.full(n, np.nan)
    clean = clean_arrow(work[column])
    value = arrow_numbers(clean)
    wrong = arrow_mask(clean.is_valid()) & np.isnan(value)
    reasons.add(wrong, [f"value '{v}' is not a number" for v in shortened(clean, wrong)])
    return value


def _comments(work: dict[str, pa.Array], columns: tuple[str, ...], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return each row's comment and which rows have one.

    The comment columns are joined by a blank line, with a full stop after a part that does not end like a
    sentence, so a review title and its body stay two sentences even where the text is shown on one line.
    """
    comment: pa.Array | None = None
    for column in columns:
        part = trim_arrow(work[column])
        if comment is None:
            comment = part
            continue
        ended = pc.if_else(pc.match_substring_regex(comment, _SENTENCE_END), comment, join_text(comment, "."))
        both = pc.binary_join_element_wise(ended, part, pa.scalar(COMMENT_JOIN, TEXT))
        comment = pc.if_else(pc.is_null(comment), part, pc.if_else(pc.is_null(part), comment, both))
    if comment is None:
        return no_text(n), np.zeros(n, dtype=bool)
    return arrow_objects(comment), arrow_mask(comment.is_valid())


def _brands(work: dict[str, pa.Array], config: DatasetConfig, n: int) -> np.ndarray:
    """Return each row's brand: the constant brand, else the brand column, else None."""
    if "brand" in config.constants:
        return np.full(n, config.constants["brand"], dtype=object)
    if config.mapping.brand:
        return arrow_objects(trim_arrow(work[config.mapping.brand]))
    return no_text(n)


def _row_keys(
    frame: pd.DataFrame, original: dict[str, pa.Array], config: DatasetConfig, key: pa.Array | None,
    response_id: pa.Array | None,
) -> tuple[pa.Array, pa.Array, int]:
    """Return each row's key and content hash, and how many rows are exact copies of an earlier one.

    The key is ``k:<key columns>``, else ``id:<id>``, else ``h:<hash>:<n>`` (the n-th copy of that content).
    """
    n = len(frame)
    columns = sorted(frame.columns, key=str)
    head = "\x1e".join(str(c) for c in columns) + "\x1d" + "\x1e".join(
        f"{k}\x1f{v}" for k, v in sorted(config.constants.items())) + "\x1d"
    hashes = row_hashes([original[c] for c in columns], head) if n else pa.array([], type=TEXT)
    codes, distinct = value_codes(hashes)
    if key is not None:
        row_key = join_text("k:", pc.fill_null(key, ""))
    elif response_id is not None:
        row_key = join_text("id:", pc.fill_null(response_id, ""))
    else:
        occurrence = pd.Series(codes).groupby(codes).cumcount().to_numpy() + 1
        row_key = join_text("h:", hashes, ":", pa.array(occurrence).cast(TEXT))
    return row_key, hashes, int(n - distinct)


def _canonical(index: pd.Index, columns: MappingT[str, np.ndarray]) -> pd.DataFrame:
    """Return the canonical frame: the ``CANONICAL_OUTPUT`` columns, each with its type."""
    return pd.DataFrame({c: pd.Series(columns[c], index=index, dtype=_CANONICAL_TYPES[c]) for c in CANONICAL_OUTPUT})


def _kept_rows(
    frame: pd.DataFrame, work: dict[str, pa.Array], exact: set[str], valid: np.ndarray, constants: MappingT[str, str]
) -> pd.DataFrame:
    """Return the valid rows as text ("not rated" codes blanked), with a column per constant segment."""
    raw = row_subset(frame, work, exact, valid)
    extra = {k: v for k, v in constants.items() if k != "brand" and k not in raw.columns}
    if extra:
        raw = raw.assign(**{k: pd.Series(v, index=raw.index, dtype=object) for k, v in extra.items()})
    return raw


def _rejected_rows(
    frame: pd.DataFrame, original: dict[str, pa.Array], exact: set[str], bad_rows: np.ndarray, rows: np.ndarray,
    reasons: Reasons,
) -> pd.DataFrame:
    """Return the rejected rows as the file has them, with their row number first and the reasons last."""
    rejects = row_subset(frame, original, exact, bad_rows)
    rejects = rejects.rename(columns={c: f"{c} (file)" for c in rejects.columns if c in ("row", "reason")})
    rejects.insert(0, "row", pd.Series(rows[bad_rows], index=rejects.index, dtype="int64"))
    rejects["reason"] = pd.Series(reasons.joined(np.flatnonzero(bad_rows)), index=rejects.index, dtype=object)
    return rejects


def _duplicates_warning(duplicates: int, *, identified: bool) -> str:
    """Return the warning about exact copies (kept as responses unless rows have an id or key)."""
    copies = "1 row is an exact copy" if duplicates == 1 else f"{duplicates:,} rows are exact copies"
    if identified:
        return f"{copies} of an earlier row."
    kept = "it is" if duplicates == 1 else "they are"
    return (f"{copies} of an earlier row; {kept} kept as separate responses, since two people can "
            "give the same answer.")
