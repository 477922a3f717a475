"""Reading Excel workbooks: sheets, text values, dates, and damaged or hostile files."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile

import pytest

from portal.errors import InputError
from portal.ingest.read import list_sheets, read_table


def _error(data: bytes, name: str, **kwargs) -> str:
    with pytest.raises(InputError) as caught:
        read_table(data, name, **kwargs)
    return str(caught.value)


def test_first_sheet_by_default_and_all_sheets_listed(xlsx):
    data = xlsx({
        "Responses": [["id", "score"], ["a1", 9], ["a2", 3]],
        "Notes": [["note"], ["ignore me"]],
    })
    table = read_table(data, "survey.xlsx")
    assert table.sheet == "Responses"
    assert table.sheets == ("Responses", "Notes")
    assert (table.encoding, table.delimiter) == (None, None)
    assert table.frame.to_dict("records") == [{"id": "a1", "score": "9"}, {"id": "a2", "score": "3"}]
    assert table.row_numbers.tolist() == [2, 3]
    assert list_sheets(data, "survey.xlsx") == ["Responses", "Notes"]


def test_chosen_sheet_is_read(xlsx):
    data = xlsx({"Summary": [["total"], [2]], "Raw data": [["Comment", "Stars"], ["Great", 5]]})
    table = read_table(data, "reviews.xlsx", sheet="Raw data")
    assert table.sheet == "Raw data"
    assert table.frame.to_dict("records") == [{"Comment": "Great", "Stars": "5"}]


def test_missing_sheet_lists_the_real_ones(xlsx):
    data = xlsx({"Q1": [["a"], [1]], "Q2": [["a"], [2]]})
    message = _error(data, "book.xlsx", sheet="Q3")
    assert "no worksheet named 'Q3'" in message
    assert "'Q1', 'Q2'" in message


def test_values_are_text_ids_keep_their_zeros_and_dates_become_iso(xlsx):
    data = xlsx({"Sheet": [
        ["id", "score", "half", "when", "at", "flag", "note"],
        ["00123", 9, 4.5, dt.datetime(2024, 1, 5), dt.datetime(2024, 1, 5, 10, 30), True, None],
        ["00124", 10.0, 0.1, dt.date(2024, 2, 1), dt.datetime(2024, 2, 1, 8, 0, 5), False, "x"],
    ]}, text_cells=True)
    frame = read_table(data, "types.xlsx").frame
    assert frame.to_dict("records") == [
        {"id": "00123", "score": "9", "half": "4.5", "when": "2024-01-05", "at": "2024-01-05 10:30:00",
         "flag": "TRUE", "note": None},
        {"id": "00124", "score": "10", "half": "0.1", "when": "2024-02-01", "at": "2024-02-01 08:00:05",
         "flag": "FALSE", "note": "x"},
    ]
    assert all(v is None or isinstance(v, str) for v in frame.to_numpy().ravel())


def test_formula_looking_text_cells_stay_text(xlsx):
    data = xlsx({"Sheet": [["comment"], ["=HYPERLINK(\"http://x\")"], ["=1+1"]]}, text_cells=True)
    assert read_table(data, "hostile.xlsx").frame["comment"].tolist() == ['=HYPERLINK("http://x")', "=1+1"]


def test_blank_rows_and_columns_before_the_table_keep_spreadsheet_row_numbers():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["C3"], sheet["D3"] = "id", "score"
    sheet["C4"], sheet["D4"] = "r1", 7
    sheet["C6"], sheet["D6"] = "r2", 8
    out = io.BytesIO()
    book.save(out)
    table = read_table(out.getvalue(), "offset.xlsx")
    assert list(table.frame.columns) == ["id", "score"]
    assert table.frame["id"].tolist() == ["r1", "r2"]
    assert table.row_numbers.tolist() == [4, 6]


def test_empty_sheet_and_header_only_sheet(xlsx):
    data = xlsx({"Empty": [], "Header": [["id", "score"]]})
    message = _error(data, "book.xlsx")
    assert "'Empty'" in message and "is empty" in message and "'Header'" in message
    assert "no data rows in the worksheet 'Header' of book.xlsx" in _error(data, "book.xlsx", sheet="Header")


def test_workbook_named_csv_is_still_read_as_excel(xlsx):
    data = xlsx({"Sheet": [["id"], ["x"]]})
    assert read_table(data, "export.csv").frame["id"].tolist() == ["x"]


def test_csv_text_named_xlsx_is_read_as_csv_with_a_warning():
    table = read_table(b"id,score\n1,9\n", "export.xlsx")
    assert table.frame.to_dict("records") == [{"id": "1", "score": "9"}]
    assert any("plain text" in w for w in table.warnings)


def _bomb(size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * size)
    return out.getvalue()


def test_zip_bomb_is_refused_before_parsing():
    data = _bomb(30 * 1024 * 1024)
    assert len(data) < 100_000
    message = _error(data, "bomb.xlsx", max_bytes=1024 * 1024)
    assert "unpacks to more than 20 MB" in message
    assert "PORTAL_MAX_UPLOAD_MB" in message


def test_zip_bomb_that_lies_about_its_size_is_refused():
    data = bytearray(_bomb(30 * 1024 * 1024))
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[at + size_at:at + size_at + 4] = struct.pack("<I", 100)
            start = at + 4
    with pytest.raises(InputError):
        read_table(bytes(data), "liar.xlsx", max_bytes=1024 * 1024)


def test_truncated_workbook_gets_a_clear_message(xlsx):
    data = xlsx({"Sheet": [["id"], ["x"]]})
    message = _error(data[: len(data) // 2], "broken.xlsx")
    assert "broken.xlsx is a damaged Excel file" in message


def test_unreadable_legacy_xls_says_to_save_as_xlsx():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8
    message = _error(data, "old.xls")
    assert "old.xls" in message and ".xlsx or CSV" in message


def test_a_macro_enabled_workbook_is_read(xlsx):
    table = read_table(xlsx({"Responses": [["id", "score"], ["a1", 9]]}), "survey.xlsm")
    assert table.frame.to_dict("records") == [{"id": "a1", "score": "9"}]
