"""Download buttons for tables: CSV and Excel, both with spreadsheet formulas neutralised."""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
import streamlit as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.utils import get_column_letter

from portal.safe_csv import csv_safe, write_csv

#: Excel's sheet-name limit and the characters a sheet name may not hold.
_SHEET_NAME_MAX, _SHEET_NAME_BAD = 31, str.maketrans({c: "-" for c in "[]:*?/\\"})
#: Widest column an Excel file opens with, in characters.
_MAX_WIDTH = 60
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return ``frame`` as CSV bytes (UTF-8 with BOM so Excel reads accents), formulas neutralised."""
    return (write_csv(frame) or "").encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, sheet: str = "Data") -> bytes:
    """Return ``frame`` as an Excel workbook (one sheet, a header row, no index), formulas neutralised.

    Text cells go through ``csv_safe`` (an apostrophe before anything a spreadsheet would run) and are written as
    text, never as formulas; numbers stay numbers, dates stay dates; a missing value is an empty cell.
    """
    safe = csv_safe(frame)
    book = Workbook()
    ws = book.active
    ws.title = sheet.translate(_SHEET_NAME_BAD)[:_SHEET_NAME_MAX] or "Data"
    ws.append([str(c) for c in safe.columns])
    for row in safe.itertuples(index=False, name=None):
        ws.append([_cell_value(v) for v in row])
    for cells in ws.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # openpyxl would store "=..." as a formula otherwise
    for position, column in enumerate(safe.columns, start=1):
        longest = max([len(str(column)), *(len(str(v)) for v in safe.iloc[:200, position - 1])], default=8)
        ws.column_dimensions[get_column_letter(position)].width = min(longest + 2, _MAX_WIDTH)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_value(value: object) -> object:
    """Return a value openpyxl can write: missing values empty, time zones dropped, other objects as text."""
    if value is None or (not isinstance(value, str | bytes) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return value.item()
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)  # control characters a workbook cannot hold
    if isinstance(value, int | float | bool) or hasattr(value, "isoformat"):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))


def _later(render: Callable[[pd.DataFrame], bytes], frame: pd.DataFrame) -> Callable[[], bytes]:
    """Return a function of no arguments that writes ``frame`` when called (a download button's data)."""
    return lambda: render(frame)


def table_downloads(frame: pd.DataFrame, label: str, file_name: str, *, key: str) -> None:
    """Draw two buttons side by side: ``frame`` as CSV (``label``, ``file_name``) and as an Excel workbook.

    The CSV is UTF-8 with a BOM so Excel reads accents; the workbook has the same name ending in ``.xlsx`` and
    is written only when its button is clicked, so a page with many tables stays fast. The CSV button keeps
    ``key``; the Excel button's key is ``key`` followed by ``|xlsx``.
    """
    stem = file_name.removesuffix(".csv").replace("/", "-")
    with st.container(horizontal=True, gap="small"):
        st.download_button(label, data=csv_bytes(frame), file_name=file_name, mime="text/csv", key=key,
                           icon=":material/download:")
        st.download_button("Excel", data=_later(excel_bytes, frame), file_name=f"{stem}.xlsx", mime=XLSX_MIME,
                           key=f"{key}|xlsx", icon=":material/table_view:", on_click="ignore",
                           help="Download the same table as an Excel workbook")


#: The name pages used before tables offered Excel too; it draws both buttons.
csv_download = table_downloads
