"""Builders for the files the ingest tests feed to the reader (all generated in code)."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import pytest


def build_xlsx(sheets: dict[str, Sequence[Sequence[object]]], *, text_cells: bool = False) -> bytes:
    """Return an .xlsx workbook with one worksheet per entry (rows of cell values)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        if text_cells:
            for cells in sheet.iter_rows():
                for cell in cells:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def xlsx() -> Callable[..., bytes]:
    """The .xlsx builder, as a fixture."""
    return build_xlsx
