"""Reading an uploaded file (CSV, TSV or Excel) into a table of text values.

Everything is read as text, so ids such as ``00123`` and scores such as ``9.0`` reach the mapping step
exactly as they are written in the file. Every problem is raised as ``InputError`` with one sentence that
says what is wrong and what to do.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from charset_normalizer import from_bytes

from portal import settings
from portal.errors import InputError

TEXT_EXTENSIONS: frozenset[str] = frozenset({".csv", ".tsv", ".txt", ".tab", ""})
EXCEL_EXTENSIONS: frozenset[str] = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
EXCEL_EXPANSION = 20
"""An Excel file may unpack to at most this many times the upload limit (protection against zip bombs)."""

_SNIFF_CHARS = 65_536
_SNIFF_RECORDS = 200
_WESTERN = ("cp1252", "latin_1", "iso8859_15", "ascii", "utf_8")
_ALLOWED_CONTROLS = frozenset(b"\t\n\r")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _ALLOWED_CONTROLS) + b"\x7f"
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_PARSER_EXPECTED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_PARSER_EOF = re.compile(r"EOF inside string starting at row (\d+)")
_BLANK_LINES_AT_START = re.compile(r"(?:[ \t\f\v]*(?:\r\n|\r|\n))+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"%PDF-", "a PDF document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"7z\xbc\xaf", "a compressed (7-Zip) file"),
    (b"Rar!\x1a\x07", "a compressed (RAR) file"),
    (b"SQLite format 3\x00", "a database file"),
    (b"\x7fELF", "a program file"),
)


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


def file_checksum(data: bytes) -> str:
    """Return the SHA-256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def list_sheets(data: bytes, filename: str) -> list[str]:
    """Return the worksheet names of an Excel file ([] for other files); raise ``InputError`` if it is damaged."""
    name = _display_name(filename)
    container = _container(data)
    if container is None or (container == "zip" and _zip_kind(data) != "a spreadsheet"):
        return []
    if container == "zip":
        _check_zip(data, name, None)
    return list(_open_workbook(data, name).sheet_names)


def read_table(data: bytes, filename: str, *, sheet: str | None = None, max_bytes: int | None = None) -> Table:
    """Return the file's first table (for Excel: the first or the chosen worksheet) as text values.

    Raises ``InputError`` for an empty, binary, oversized, unreadable or unsupported file, a missing
    worksheet, a file with a header but no rows, or a row with more values than the header.
    """
    name = _display_name(filename)
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(
            f"{name} is {_megabytes(len(data))} MB, larger than the {_megabytes(max_bytes)} MB limit. "
            "Split the file, or raise the limit with the PORTAL_MAX_UPLOAD_MB setting."
        )
    ext = _extension(filename)
    if ext not in TEXT_EXTENSIONS and ext not in EXCEL_EXTENSIONS:
        raise InputError(
            f"The portal cannot read '{ext}' files such as {name}. Save the data as a CSV, TSV or Excel (.xlsx) "
            "file and upload that."
        )
    if not data or data.isspace():
        raise InputError(f"{name} is empty. Export the data again with its header row and at least one row.")
    container = _container(data)
    if container == "zip":
        kind = _zip_kind(data)
        if kind == "a damaged ZIP archive" and ext in EXCEL_EXTENSIONS:
            raise InputError(f"{name} is a damaged Excel file (it may not have finished downloading). Download or "
                             "export it again, or save it as CSV.")
        if kind != "a spreadsheet":
            extra = " If the table is inside the archive, unpack it and upload the CSV or Excel file." if (
                kind == "a ZIP archive") else ""
            raise InputError(f"{name} is {kind}, not a table. Upload a CSV, TSV or Excel file.{extra}")
        _check_zip(data, name, max_bytes)
        return _read_excel(data, name, sheet)
    if container == "ole":
        return _read_excel(data, name, sheet)
    if sheet is not None and ext not in EXCEL_EXTENSIONS:
        raise InputError(f"{name} is a CSV/TSV file, which has no worksheets. Leave the worksheet out.")
    text, encoding, warnings = _decode(data, name)
    if ext in EXCEL_EXTENSIONS:
        warnings = (*warnings, f"{name} is named like an Excel file but holds plain text; it was read as CSV.")
    return _read_text(text, name, ext, encoding, warnings)


# --- shared small pieces ------------------------------------------------------------------------------


def _display_name(filename: str) -> str:
    """Return the file's base name for messages."""
    return PurePath(filename or "").name or "The file"


def _extension(filename: str) -> str:
    """Return the lower-case extension, including the dot ("" when there is none)."""
    return PurePath(filename or "").suffix.lower()


def _megabytes(size: int) -> str:
    """Return ``size`` in megabytes, short and readable."""
    mb = size / 1024 / 1024
    return f"{mb:,.0f}" if mb >= 10 else f"{mb:,.1f}".rstrip("0").rstrip(".") or "0"


def _container(data: bytes) -> str | None:
    """Return "zip" or "ole" when ``data`` is such a container (Excel files are one of them), else None."""
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return "zip"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    return None


# --- Excel ---------------------------------------------------------------------------------------------


def _zip_kind(data: bytes) -> str:
    """Return what a ZIP file is: "a spreadsheet", "a Word document", ..., or "a ZIP archive"."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return "a damaged ZIP archive"
    if {"xl/workbook.xml", "xl/workbook.bin"} & names or b"opendocument.spreadsheet" in mimetype:
        return "a spreadsheet"
    if "word/document.xml" in names or b"opendocument.text" in mimetype:
        return "a word-processor document"
    if any(n.startswith("ppt/") for n in names) or b"opendocument.presentation" in mimetype:
        return "a presentation"
    return "a ZIP archive"


def _check_zip(data: bytes, name: str, max_bytes: int | None) -> None:
    """Raise ``InputError`` when the workbook would unpack to more than its limit (a zip bomb) or is damaged."""
    limit = EXCEL_EXPANSION * (max_bytes if max_bytes is not None else settings.max_upload_bytes())
    too_big = InputError(
        f"{name} unpacks to more than {_megabytes(limit)} MB, too much for the portal to read safely. "
        "Save the worksheet as CSV and upload that, or raise the PORTAL_MAX_UPLOAD_MB setting."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > limit:
                raise too_big
            total = 0
            for info in infos:  # the sizes in the header can lie: count what really comes out
                with archive.open(info) as member:
                    while chunk := member.read(1 << 20):
                        total += len(chunk)
                        if total > limit:
                            raise too_big
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError,
            RuntimeError) as err:
        raise InputError(
            f"{name} is a damaged or password-protected Excel file. Open it in Excel, save it again as .xlsx "
            "(without a password) or as CSV, and upload that."
        ) from err


def _open_workbook(data: bytes, name: str) -> Any:
    """Return a calamine workbook; raise ``InputError`` when the file is not a readable workbook."""
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as err:  # calamine raises several of its own exception types
        raise InputError(
            f"{name} could not be opened as an Excel workbook: it may be damaged, password-protected or in an old "
            "format. Open it in Excel, save it as .xlsx or CSV, and upload that."
        ) from err


def _cell_text(value: Any) -> str | None:
    """Return an Excel cell as text: whole numbers without ".0", dates as ISO text, empty cells as None."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return None
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(float(value), ".15g")
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if value is pd.NaT:
        return None
    return str(value)


def _read_excel(data: bytes, name: str, sheet: str | None) -> Table:
    """Read one worksheet of an Excel file into a Table."""
    sheets = tuple(_open_workbook(data, name).sheet_names)
    if not sheets:
        raise InputError(f"{name} has no worksheets. Save the data as CSV or in a worksheet and try again.")
    listed = ", ".join(f"'{s}'" for s in sheets)
    if sheet is None:
        sheet = sheets[0]
    elif sheet not in sheets:
        raise InputError(f"{name} has no worksheet named '{sheet}'. Its worksheets are: {listed}.")
    try:
        raw = pd.read_excel(
            io.BytesIO(data), engine="calamine", sheet_name=sheet, header=None, dtype=object,
            keep_default_na=False, na_filter=False,
        )
    except Exception as err:  # calamine raises several of its own exception types
        raise InputError(
            f"The worksheet '{sheet}' of {name} could not be read. Open the file in Excel, save it as .xlsx or "
            "CSV, and upload that."
        ) from err
    cells = raw.map(_cell_text) if raw.size else raw
    filled = cells.notna().any(axis=1).to_numpy()
    if not filled.any():
        others = f" Its worksheets are: {listed}." if len(sheets) > 1 else ""
        raise InputError(f"The worksheet '{sheet}' of {name} is empty. Choose the one that holds the data.{others}")
    header_at = int(np.argmax(filled))
    header = [("" if v is None else str(v)) for v in cells.iloc[header_at]]
    body = cells.iloc[header_at + 1:]
    numbers = pd.Series(np.arange(header_at + 2, header_at + 2 + len(body)), index=body.index)
    frame, numbers, warnings = _finish(body, header, numbers, name, where=f"the worksheet '{sheet}' of {name}")
    return Table(frame, name, None, None, sheet, sheets, numbers, warnings)


# --- text files ----------------------------------------------------------------------------------------


def _binary_kind(data: bytes) -> str | None:
    """Return a description such as "a PDF document" when ``data`` is not text, else None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    sample = data[:65_536]
    if b"\x00" in sample:
        return "binary data"
    body = sample.rstrip(b"\x1a")  # old DOS files end with Ctrl-Z
    controls = len(body) - len(body.translate(None, _CONTROL_BYTES))
    if controls > max(0.01 * len(body), 0):
        return "binary data"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Return "utf-16-le"/"utf-16-be" when ``data`` looks like UTF-16 text without a byte order mark."""
    sample = data[:8192]
    half = len(sample) // 2
    if half < 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= 0.3 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.3 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _not_text(name: str, kind: str) -> InputError:
    """Return the error for a file that is not text."""
    return InputError(f"{name} is {kind}, not a table. Upload a CSV, TSV or Excel file of the responses.")


def _decode(data: bytes, name: str) -> tuple[str, str, tuple[str, ...]]:
    """Return the text of ``data``, the encoding used and any warnings; raise ``InputError`` for binary data."""
    warnings: tuple[str, ...] = ()
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif (utf16 := _utf16_without_bom(data)) is not None:
        encoding = utf16
    else:
        kind = _binary_kind(data)
        if kind is not None:
            raise _not_text(name, kind)
        try:
            return _text_only(data.decode("utf-8"), name), "utf-8", ()
        except UnicodeDecodeError:
            encoding = _guess_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        if encoding.startswith("utf-16"):
            raise _not_text(name, "binary data or damaged UTF-16 text") from None
        if encoding.startswith("utf-8"):
            text = data.decode(encoding, errors="replace")
            bad = text.count("\ufffd") - data.count("\ufffd".encode())
            warnings = (f"{bad:,} characters of {name} are not valid UTF-8 and show as '\ufffd'. "
                        "Save the file again as UTF-8 if that text matters.",)
        else:
            encoding = "latin-1"
            text = data.decode(encoding)
    return _text_only(text, name), codecs.lookup(encoding).name, warnings


def _text_only(text: str, name: str) -> str:
    """Return ``text``; raise ``InputError`` when it is full of control characters (binary data)."""
    sample = text[:65_536]
    if len(_CONTROL_RE.findall(sample)) > 0.01 * len(sample):
        raise _not_text(name, "binary data")
    return text


def _guess_encoding(data: bytes) -> str:
    """Return the encoding of text that is neither UTF-16 nor valid UTF-8: damaged UTF-8 or a legacy guess."""
    sample = data[:4_000_000]
    lenient = sample.decode("utf-8", errors="replace")
    non_ascii = len(lenient) - len(lenient.encode("ascii", errors="ignore"))
    broken = lenient.count("\ufffd") - sample.count("\ufffd".encode())
    if non_ascii - broken >= max(3 * broken, 1):
        return "utf-8"  # UTF-8 with a few damaged bytes: decoded with replacement characters and a warning
    matches = list(from_bytes(data[:1_000_000]))
    if not matches:
        return "cp1252"
    best = min(m.chaos for m in matches)
    good = [m.encoding for m in matches if m.chaos <= best + 0.02]
    if any(enc in _WESTERN for enc in good) or max(m.coherence for m in matches) == 0:
        return "cp1252"
    return matches[0].encoding


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
        return InputError(
            f"Row {line + offset} of {name} has {saw} values but the header has {expected} columns. Check that row "
            "for a missing quote or an extra separator, or save the file again from the spreadsheet program."
        )
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
        raise InputError(f"{name} is empty. Export the data again with its header row and at least one row.") from err


def _read_text(text: str, name: str, ext: str, encoding: str, warnings: tuple[str, ...]) -> Table:
    """Parse decoded CSV/TSV text into a Table."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text or text.isspace():
        raise InputError(f"{name} is empty. Export the data again with its header row and at least one row.")
    head = text[:4000].lstrip().lower()
    if head.startswith(("<!doctype", "<html", "<?xml")) or "<html" in head[:300]:
        raise InputError(f"{name} is a web page or XML document, not a table. Export the data as CSV or Excel.")
    tail = text[-4000:].rstrip()
    if head[:1] in ("{", "[") and tail[-1:] in ("}", "]"):
        raise InputError(f"{name} holds JSON data, not a table. Export the data as CSV or Excel instead.")
    blank_start = _BLANK_LINES_AT_START.match(text)
    skipped = len(_LINE_BREAK.findall(blank_start.group(0))) if blank_start else 0
    body_text = text[blank_start.end():] if blank_start and blank_start.end() else text
    delimiter = _sniff_delimiter(body_text, ext)
    try:
        raw = _parse(body_text, delimiter, name, skipped, None)
    except InputError as first:
        if "values but the header has" not in str(first):
            raise
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
            raise InputError(
                f"Row {position + 1 + skipped} of {name} has {saw} values but the header has {header_width} "
                "columns. Check that row for a missing quote or an extra separator, or save the file again from "
                "the spreadsheet program."
            ) from None
        raw = raw.iloc[:, :header_width]
        warnings = (*warnings, f"Some rows of {name} end with extra empty separators; they were ignored.")
    if raw.empty:
        raise InputError(f"{name} is empty. Export the data again with its header row and at least one row.")
    header = [("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)) for v in raw.iloc[0]]
    if _looks_like_prose(header, body_text[: body_text.find("\n")] if "\n" in body_text else body_text, delimiter):
        raise InputError(
            f"{name} looks like a document of running text, not a table. Upload a file with a header row and one "
            "column per field (for example exported from a spreadsheet or survey tool)."
        )
    body = raw.iloc[1:]
    numbers = pd.Series(np.arange(skipped + 2, skipped + 2 + len(body)), index=body.index)
    frame, numbers, more = _finish(body, header, numbers, name, where=name)
    return Table(frame, name, encoding, delimiter, None, (), numbers, (*warnings, *more))


def _blank(values: np.ndarray) -> np.ndarray:
    """Return True where a cell is empty: None, NaN, or only whitespace."""
    try:
        arr = pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        arr = pa.array([None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values],
                       type=pa.large_string())
    blank = pc.fill_null(pc.match_substring_regex(arr, r"^\s*$"), True)
    return blank.to_numpy(zero_copy_only=False).astype(bool)


def _finish(body: pd.DataFrame, header: list[str], numbers: pd.Series, name: str, *, where: str) -> tuple[
    pd.DataFrame, pd.Series, tuple[str, ...]
]:
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
