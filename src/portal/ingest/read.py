"""Reading an uploaded file (CSV, TSV or Excel) into a table of text values.

Everything is read as text, so ids such as ``00123`` and scores such as ``9.0`` reach the mapping step
exactly as they are written in the file. Every problem is raised as ``InputError`` with one sentence that
says what is wrong and what to do. Workbooks are read in ``portal.ingest.excel``, text files are decoded in
``portal.ingest.encoding`` and parsed in ``portal.ingest.delimited``; ``portal.ingest.table`` holds ``Table``.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import PurePath

from portal.errors import InputError
from portal.ingest.delimited import read_text
from portal.ingest.encoding import decode
from portal.ingest.excel import check_zip, open_workbook, read_excel, zip_kind
from portal.ingest.table import Table, empty_file, megabytes

__all__ = ["EXCEL_EXTENSIONS", "TEXT_EXTENSIONS", "Table", "file_checksum", "list_sheets", "read_table"]

TEXT_EXTENSIONS: frozenset[str] = frozenset({".csv", ".tsv", ".txt", ".tab", ""})
EXCEL_EXTENSIONS: frozenset[str] = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})


def file_checksum(data: bytes) -> str:
    """Return the SHA-256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def list_sheets(data: bytes, filename: str) -> list[str]:
    """Return the worksheet names of an Excel file ([] for other files); raise ``InputError`` if it is damaged."""
    name = _display_name(filename)
    container = _container(data)
    if container is None or (container == "zip" and zip_kind(data) != "a spreadsheet"):
        return []
    if container == "zip":
        check_zip(data, name, None)
    return list(open_workbook(data, name).sheet_names)


def read_table(data: bytes, filename: str, *, sheet: str | None = None, max_bytes: int | None = None) -> Table:
    """Return the file's first table (for Excel: the first or the chosen worksheet) as text values.

    Raises ``InputError`` for an empty, binary, oversized, unreadable or unsupported file, a missing
    worksheet, a file with a header but no rows, or a row with more values than the header.
    """
    name = _display_name(filename)
    if max_bytes is not None and len(data) > max_bytes:
        raise InputError(
            f"{name} is {megabytes(len(data))} MB, larger than the {megabytes(max_bytes)} MB limit. "
            "Split the file, or raise the limit with the PORTAL_MAX_UPLOAD_MB setting."
        )
    ext = _extension(filename)
    if ext not in TEXT_EXTENSIONS and ext not in EXCEL_EXTENSIONS:
        raise InputError(
            f"The portal cannot read '{ext}' files such as {name}. Save the data as a CSV, TSV or Excel (.xlsx) "
            "file and upload that."
        )
    if not data or data.isspace():
        raise empty_file(name)
    container = _container(data)
    if container == "zip":
        kind = zip_kind(data)
        if kind == "a damaged ZIP archive" and ext in EXCEL_EXTENSIONS:
            raise InputError(f"{name} is a damaged Excel file (it may not have finished downloading). Download or "
                             "export it again, or save it as CSV.")
        if kind != "a spreadsheet":
            extra = " If the table is inside the archive, unpack it and upload the CSV or Excel file." if (
                kind == "a ZIP archive") else ""
            raise InputError(f"{name} is {kind}, not a table. Upload a CSV, TSV or Excel file.{extra}")
        check_zip(data, name, max_bytes)
        return read_excel(data, name, sheet)
    if container == "ole":
        return read_excel(data, name, sheet)
    if sheet is not None and ext not in EXCEL_EXTENSIONS:
        raise InputError(f"{name} is a CSV/TSV file, which has no worksheets. Leave the worksheet out.")
    text, encoding, warnings = decode(data, name)
    if ext in EXCEL_EXTENSIONS:
        warnings = (*warnings, f"{name} is named like an Excel file but holds plain text; it was read as CSV.")
    return _without_nul(read_text(text, name, ext, encoding, warnings))


def _without_nul(table: Table) -> Table:
    """Return ``table`` with NUL characters removed from its cells, and a warning saying how many cells had one."""
    frame = table.frame
    hit = frame.apply(lambda column: column.str.contains("\x00", regex=False, na=False))
    cells = int(hit.to_numpy().sum())
    if not cells:
        return table
    cleaned = frame.apply(lambda column: column.str.replace("\x00", "", regex=False))
    what = "1 cell" if cells == 1 else f"{cells:,} cells"
    note = (f"{what} of {table.source} held NUL characters (a sign of a damaged export); they were removed. "
            "Check those cells, or export the file again.")
    return replace(table, frame=cleaned, warnings=(*table.warnings, note))


# --- shared small pieces ------------------------------------------------------------------------------


def _display_name(filename: str) -> str:
    """Return the file's base name for messages."""
    return PurePath(filename or "").name or "The file"


def _extension(filename: str) -> str:
    """Return the lower-case extension, including the dot ("" when there is none)."""
    return PurePath(filename or "").suffix.lower()


def _container(data: bytes) -> str | None:
    """Return "zip" or "ole" when ``data`` is such a container (Excel files are one of them), else None."""
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return "zip"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    return None
