"""Reading a worksheet of an Excel (or OpenDocument) file, safely: zip bombs and damaged files are refused."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import numpy as np
import pandas as pd

from portal import settings
from portal.errors import InputError
from portal.ingest.table import Table, finish_table, megabytes

EXCEL_EXPANSION = 20
"""An Excel file may unpack to at most this many times the upload limit (protection against zip bombs)."""


def zip_kind(data: bytes) -> str:
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


def check_zip(data: bytes, name: str, max_bytes: int | None) -> None:
    """Raise ``InputError`` when the workbook would unpack to more than its limit (a zip bomb) or is damaged."""
    limit = EXCEL_EXPANSION * (max_bytes if max_bytes is not None else settings.max_upload_bytes())
    too_big = InputError(
        f"{name} unpacks to more than {megabytes(limit)} MB, too much for the portal to read safely. "
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


def open_workbook(data: bytes, name: str) -> Any:
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


def read_excel(data: bytes, name: str, sheet: str | None) -> Table:
    """Read one worksheet of an Excel file into a Table."""
    sheets = tuple(open_workbook(data, name).sheet_names)
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
    frame, numbers, warnings = finish_table(body, header, numbers, name, where=f"the worksheet '{sheet}' of {name}")
    return Table(frame, name, None, None, sheet, sheets, numbers, warnings)
