"""Parsing decoded CSV/TSV text into a ``Table``: the delimiter, the header row, and plain errors per row."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import numpy as np
import pandas as pd

from portal.errors import InputError
from portal.ingest.table import Table, empty_file, finish_table

DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")

_SNIFF_CHARS = 65_536
_SNIFF_RECORDS = 200
_PARSER_EXPECTED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_PARSER_EOF = re.compile(r"EOF inside string starting at row (\d+)")
_BLANK_LINES_AT_START = re.compile(r"(?:[ \t\f\v]*(?:\r\n|\r|\n))+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _looks_like_prose(header: list[str], first_line: str, delimiter: str) -> bool:
    """Return True when the first line reads like a sentence of a document rather than column names."""
    line = first_line.strip()
    words = line.split()
    if len(header) == 1:
        return len(line) > 80 or len(words) > 12 or (len(words) > 3 and line.endswith((".", "!")))
    spaced = all(part.startswith(" ") for part in line.split(delimiter)[1:])
    return delimiter == "," and spaced and len(words) > 8 and line.endswith((".", "!"))


def _sniff_delimiter(text: str, ext: str) -> str:
    """Return the delimiter that splits the start of ``text`` into the most consistent table."""
    sample = text[:_SNIFF_CHARS]
    truncated = len(text) > len(sample)
    order = ("\t", ",", ";", "|") if ext in (".tsv", ".tab") else DELIMITERS
    best: tuple[Any, ...] | None = None
    chosen = order[0]
    for rank, delimiter in enumerate(order):
        try:
            records = [r for _, r in zip(range(_SNIFF_RECORDS + 1), csv.reader(io.StringIO(sample, newline=""),
                                                                              delimiter=delimiter))]
        except csv.Error:
            continue
        if truncated and len(records) > 1:
            records = records[:-1]
        records = [r for r in records if any(cell.strip() for cell in r)]
        if not records:
            continue
        width = len(records[0])
        rows = records[1:]
        consistency = sum(len(r) == width for r in rows) / len(rows) if rows else 1.0
        score = (width > 1, round(consistency, 2), -rank)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


def _parse_error(err: Exception, name: str, offset: int) -> InputError:
    """Translate a parser error into one plain sentence naming the row."""
    message = str(err)
    if match := _PARSER_EXPECTED.search(message):
        expected, line, saw = (int(g) for g in match.groups())
        return _too_many_values(line + offset, name, saw, expected)
    if match := _PARSER_EOF.search(message):
        row = int(match.group(1)) + 1 + offset
        return InputError(
            f"A quote (\") opened on row {row} of {name} is never closed, so the rest of the file cannot be read. "
            "Check that row, or save the file again from the spreadsheet program."
        )
    return InputError(
        f"{name} could not be read as a table. Check that it is a CSV file with one header row, or save it again "
        "from the spreadsheet program."
    )


def _parse(text: str, delimiter: str, name: str, offset: int, width: int | None) -> pd.DataFrame:
    """Parse ``text`` with pandas into an object frame (``width`` columns when given)."""
    try:
        return pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, names=None if width is None else range(width),
            dtype=object, keep_default_na=False, na_filter=False, skip_blank_lines=False, quotechar='"',
            doublequote=True, engine="c", index_col=False,
        )
    except (pd.errors.ParserError, ValueError, csv.Error, IndexError) as err:
        raise _parse_error(err, name, offset) from err
    except pd.errors.EmptyDataError as err:
        raise empty_file(name) from err


def read_text(text: str, name: str, ext: str, encoding: str, warnings: tuple[str, ...]) -> Table:
    """Parse decoded CSV/TSV text into a Table."""
    if text.startswith("\ufeff"):
        text = text[1:]
    _check_table_text(text, name)
    blank_start = _BLANK_LINES_AT_START.match(text)
    skipped = len(_LINE_BREAK.findall(blank_start.group(0))) if blank_start else 0
    body_text = text[blank_start.end():] if blank_start and blank_start.end() else text
    delimiter = _sniff_delimiter(body_text, ext)
    raw, trimmed = _parse_rows(body_text, delimiter, name, skipped)
    if trimmed:
        warnings = (*warnings, f"Some rows of {name} end with extra empty separators; they were ignored.")
    if raw.empty:
        raise empty_file(name)
    header = [("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)) for v in raw.iloc[0]]
    if _looks_like_prose(header, body_text[: body_text.find("\n")] if "\n" in body_text else body_text, delimiter):
        raise InputError(
            f"{name} looks like a document of running text, not a table. Upload a file with a header row and one "
            "column per field (for example exported from a spreadsheet or survey tool)."
        )
    body = raw.iloc[1:]
    numbers = pd.Series(np.arange(skipped + 2, skipped + 2 + len(body)), index=body.index)
    frame, numbers, more = finish_table(body, header, numbers, name, where=name)
    return Table(frame, name, encoding, delimiter, None, (), numbers, (*warnings, *more))


def _check_table_text(text: str, name: str) -> None:
    """Raise ``InputError`` when the text is empty, a web page or XML document, or JSON data."""
    if not text or text.isspace():
        raise empty_file(name)
    head = text[:4000].lstrip().lower()
    # Markup only when the file starts with it: "<html" inside a cell of a real table is just text.
    if head.startswith(("<!doctype", "<html", "<?xml")) or (head.startswith("<") and "<html" in head[:300]):
        raise InputError(f"{name} is a web page or XML document, not a table. Export the data as CSV or Excel.")
    tail = text[-4000:].rstrip()
    if head[:1] in ("{", "[") and tail[-1:] in ("}", "]"):
        raise InputError(f"{name} holds JSON data, not a table. Export the data as CSV or Excel instead.")


def _parse_rows(body_text: str, delimiter: str, name: str, skipped: int) -> tuple[pd.DataFrame, bool]:
    """Parse the rows; return them and True when some rows only ended with extra empty separators (dropped)."""
    try:
        return _parse(body_text, delimiter, name, skipped, None), False
    except InputError as first:
        if "values but the header has" not in str(first):
            raise
        return _without_extra_separators(body_text, delimiter, name, skipped, first), True


def _without_extra_separators(
    body_text: str, delimiter: str, name: str, skipped: int, first: InputError
) -> pd.DataFrame:
    """Parse rows wider than the header; raise ``first`` again unless the extra cells are all empty."""
    try:
        header_width = len(next(csv.reader(io.StringIO(body_text[:_SNIFF_CHARS], newline=""),
                                           delimiter=delimiter)))
    except (csv.Error, StopIteration):
        raise first from None
    raw = _parse(body_text, delimiter, name, skipped, max(4 * header_width, header_width + 64))
    extra = raw.iloc[:, header_width:]
    filled = (extra != "") & extra.notna()
    rows = filled.any(axis=1)
    if rows.any():
        position = int(np.argmax(rows.to_numpy()))
        saw = int(np.flatnonzero(filled.iloc[position].to_numpy())[-1]) + 1 + header_width
        raise _too_many_values(position + 1 + skipped, name, saw, header_width) from None
    return raw.iloc[:, :header_width]


def _too_many_values(row: int, name: str, saw: int, expected: int) -> InputError:
    """Return the error for a row with more values than the header has columns."""
    return InputError(
        f"Row {row} of {name} has {saw} values but the header has {expected} columns. Check that row for a missing "
        "quote or an extra separator, or save the file again from the spreadsheet program."
    )
