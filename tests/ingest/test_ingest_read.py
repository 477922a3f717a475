"""Reading CSV/TSV files: encodings, delimiters, quoting, headers and every kind of bad file."""

from __future__ import annotations

import hashlib
import io
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.errors import InputError
from portal.ingest.read import file_checksum, list_sheets, read_table


def records(data: bytes, name: str = "data.csv", **kwargs) -> list[dict]:
    """Read ``data`` and return its rows as dictionaries."""
    return read_table(data, name, **kwargs).frame.to_dict("records")


def error(data: bytes, name: str = "data.csv", **kwargs) -> str:
    """Return the message of the InputError that reading ``data`` raises."""
    with pytest.raises(InputError) as caught:
        read_table(data, name, **kwargs)
    message = str(caught.value)
    assert "Traceback" not in message and "\n" not in message
    return message


# --- empty and header-only files -----------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   ", b" \r\n\t\n\n", "  \n".encode("utf-16")], ids=[
    "zero-bytes", "spaces", "blank-lines", "utf16-whitespace"])
def test_empty_file_says_it_is_empty(data):
    message = error(data, "export.csv")
    assert "export.csv is empty" in message
    assert "header row" in message


@pytest.mark.parametrize("data", [b"Score,Comment\n", b"Score,Comment\r\n\r\n\r\n", b"Score,Comment"])
def test_header_only_says_there_are_no_rows(data):
    message = error(data, "survey.csv")
    assert "no data rows in survey.csv" in message
    assert "only the header row" in message


# --- binary and unsupported files ----------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "a PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "a PDF document"),
        (np.random.default_rng(3).integers(0, 256, 4096, dtype=np.uint8).tobytes(), "binary data"),
        (b"\x00" * 64, "binary data"),
        (b"a,b\n1,2\x00\x01\x02\x03\n", "binary data"),
        (b"a,b\n" + b"\x00" * 40 + b"\n", "binary data"),
        (_zip({"notes.txt": b"hello"}), "a ZIP archive"),
        (_zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<x/>"}), "a word-processor document"),
        (b"\x1f\x8b\x08\x00" + bytes(range(200)), "a compressed (gzip) file"),
    ],
    ids=["png", "pdf", "random", "nul-bytes", "control-bytes", "nul-row", "zip", "docx", "gzip"],
)
def test_binary_files_are_refused_with_what_they_are(data, kind):
    message = error(data, "upload.csv")
    assert f"upload.csv is {kind}, not a table" in message
    assert "CSV, TSV or Excel" in message


def test_zip_archive_message_says_to_unpack_it():
    message = error(_zip({"export.csv": b"a,b\n1,2\n"}), "export.zip.csv")
    assert "unpack it" in message


@pytest.mark.parametrize("name", ["data.json", "report.docx", "slides.pptx", "notes.pdf", "dump.parquet"])
def test_unsupported_extension_names_it_and_the_formats_that_work(name):
    message = error(b'{"a": 1}', name)
    suffix = name[name.rindex("."):]
    assert f"'{suffix}' files" in message
    assert "CSV, TSV or Excel" in message


def test_html_and_json_in_a_csv_name_are_refused():
    assert "web page" in error(b"<!DOCTYPE html><html><body><table></table></body></html>", "export.csv")
    assert "JSON" in error(b'[{"score": 9, "comment": "fine"}]', "export.csv")


def test_prose_document_is_not_a_table():
    text = (
        "Dear team, this memo summarises what customers told us during the spring survey period.\n"
        "Most people liked the new app, but several asked for better support hours.\n"
    ).encode()
    assert "running text, not a table" in error(text, "memo.txt")


def test_single_column_of_comments_is_a_table():
    rows = records(b"Comment\nGreat app, love it.\nToo slow; crashes often.\n")
    assert rows == [{"Comment": "Great app, love it."}, {"Comment": "Too slow; crashes often."}]


def test_file_over_the_limit_names_the_limit_and_the_setting():
    data = b"a,b\n" + b"1,2\n" * 1000
    message = error(data, "big.csv", max_bytes=1024)
    assert "big.csv" in message and "limit" in message
    assert "PORTAL_MAX_UPLOAD_MB" in message
    assert len(read_table(data, "big.csv", max_bytes=len(data)).frame) == 1000


def test_sheet_for_a_csv_is_refused():
    assert "no worksheets" in error(b"a,b\n1,2\n", "data.csv", sheet="Sheet1")


# --- encodings -----------------------------------------------------------------------------------------


TEXT = "Name,Comment\nJosé,Café was great: £5 ’twas fine\nRenée,Très bien – merci\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-8-sig"), "utf-8-sig"),
        (TEXT.encode("cp1252"), "cp1252"),
        (TEXT.encode("utf-16"), "utf-16"),
        (b"\xff\xfe" + TEXT.encode("utf-16-le"), "utf-16"),
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "utf16", "utf16le-bom", "utf16be-bom", "utf16le-no-bom", "utf16be-no-bom"],
)
def test_encodings_are_detected_and_text_survives(data, encoding):
    table = read_table(data, "reviews.csv")
    assert table.encoding == encoding
    assert list(table.frame.columns) == ["Name", "Comment"]
    assert table.frame.to_dict("records") == [
        {"Name": "José", "Comment": "Café was great: £5 ’twas fine"},
        {"Name": "Renée", "Comment": "Très bien – merci"},
    ]


def test_latin1_text_is_read_as_western_european():
    data = "Name;Comment\nMüller;Größe passt, très bon\nNuñez;Año difícil\n".encode("latin-1")
    table = read_table(data, "latin.csv")
    assert table.encoding == "cp1252"
    assert table.frame["Comment"].tolist() == ["Größe passt, très bon", "Año difícil"]


def test_bom_is_stripped_from_the_first_header():
    table = read_table("\ufeffid,score\n1,9\n".encode(), "bom.csv")
    assert list(table.frame.columns) == ["id", "score"]


def test_mostly_utf8_with_one_bad_byte_warns_and_keeps_the_rest():
    data = "id,comment\n1,naïve café\n2,crème brûlée\n".encode() + b"3,bad \xff byte\n"
    table = read_table(data, "mixed.csv")
    assert table.encoding == "utf-8"
    assert table.frame["comment"].tolist()[:2] == ["naïve café", "crème brûlée"]
    assert any("not valid UTF-8" in w for w in table.warnings)


# --- delimiters and quoting ----------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", "|", "\t", ","])
def test_delimiter_is_sniffed(delimiter):
    rows = [["id", "comment", "score"], ["1", "Good, fast; cheap", "9"], ["2", "Slow, but fine", "7"]]
    quoted = [[f'"{c}"' if delimiter in c or "," in c else c for c in row] for row in rows]
    data = "\n".join(delimiter.join(r) for r in quoted).encode()
    table = read_table(data, "data.txt")
    assert table.delimiter == delimiter
    assert table.frame.to_dict("records") == [
        {"id": "1", "comment": "Good, fast; cheap", "score": "9"},
        {"id": "2", "comment": "Slow, but fine", "score": "7"},
    ]


def test_semicolon_file_with_unquoted_commas_in_text_is_not_one_column():
    data = "Datum;Bewertung;Kommentar\n01.02.2024;5;Super, sehr gut\n02.02.2024;2;Langsam, teuer, schlecht\n"
    table = read_table(data.encode(), "export.csv")
    assert table.delimiter == ";"
    assert list(table.frame.columns) == ["Datum", "Bewertung", "Kommentar"]
    assert table.frame["Kommentar"].tolist() == ["Super, sehr gut", "Langsam, teuer, schlecht"]


def test_tsv_extension_reads_tabs():
    table = read_table(b"a\tb, c\n1\t2, 3\n", "data.tsv")
    assert table.delimiter == "\t"
    assert table.frame.to_dict("records") == [{"a": "1", "b, c": "2, 3"}]


def test_quoted_line_breaks_and_doubled_quotes_survive_and_rows_count_like_a_spreadsheet():
    data = (
        b'id,comment\r\n'
        b'1,"first line\r\nsecond line"\r\n'
        b'2,"she said ""wow"", then left"\r\n'
        b'\r\n'
        b'3,"lf\nonly"\r\n'
    )
    table = read_table(data, "quotes.csv")
    assert table.frame["comment"].tolist() == ["first line\r\nsecond line", 'she said "wow", then left', "lf\nonly"]
    assert table.row_numbers.tolist() == [2, 3, 5]


def test_blank_lines_before_the_header_shift_the_row_numbers():
    table = read_table(b"\n\nid,score\n1,9\n2,8\n", "gap.csv")
    assert table.frame["id"].tolist() == ["1", "2"]
    assert table.row_numbers.tolist() == [4, 5]


def test_ragged_row_names_the_row():
    message = error(b'id,score\n1,9\n2,"8",extra\n3,7\n', "ragged.csv")
    assert "Row 3 of ragged.csv has 3 values but the header has 2 columns" in message


def test_ragged_row_after_a_multiline_field_names_the_spreadsheet_row():
    message = error(b'id,comment\n1,"two\nlines"\n2,ok,extra,more\n', "ragged.csv")
    assert "Row 3 of ragged.csv has 4 values" in message


def test_trailing_empty_separators_are_ignored_with_a_warning():
    table = read_table(b"id,score\n1,9,\n2,8,,\n", "trailing.csv")
    assert table.frame.to_dict("records") == [{"id": "1", "score": "9"}, {"id": "2", "score": "8"}]
    assert any("extra empty separators" in w for w in table.warnings)


def test_unclosed_quote_names_the_row():
    message = error(b'id,comment\n1,fine\n2,"never closed\n3,more\n', "quote.csv")
    assert 'opened on row 3 of quote.csv is never closed' in message


def test_short_rows_are_padded_with_none():
    assert records(b"a,b,c\n1,2\n") == [{"a": "1", "b": "2", "c": None}]


# --- values and headers --------------------------------------------------------------------------------


def test_everything_is_text_and_empty_cells_are_none():
    table = read_table(b"id,score,when,note\n00123,9.0,2024-01-05,\n00124,  ,,x\n", "ids.csv")
    frame = table.frame
    assert frame["id"].tolist() == ["00123", "00124"]
    assert frame["score"].tolist() == ["9.0", None]
    assert frame["note"].tolist() == [None, "x"]
    assert all(v is None or isinstance(v, str) for v in frame.to_numpy().ravel())
    assert (frame.dtypes == object).all()


def test_fully_empty_rows_are_dropped_but_row_numbers_stay_true():
    table = read_table(b"id,score\n1,9\n,\n,,\n2,8\n", "gaps.csv")
    assert table.frame["id"].tolist() == ["1", "2"]
    assert table.row_numbers.tolist() == [2, 5]


def test_headers_are_stripped_blank_ones_named_and_duplicates_numbered():
    table = read_table(b" Name ,Name,,Score,name\nA,B,C,9,D\n", "dups.csv")
    assert list(table.frame.columns) == ["Name", "Name (2)", "column 3", "Score", "name (3)"]
    assert table.frame.iloc[0].tolist() == ["A", "B", "C", "9", "D"]
    assert any("called 'Name'" in w and "'Name (2)'" in w for w in table.warnings)


def test_unnamed_empty_column_is_dropped_but_unnamed_data_is_kept():
    table = read_table(b"a,,b,\n1,,2,x\n", "blank.csv")
    assert list(table.frame.columns) == ["a", "b", "column 4"]


def test_checksum_is_sha256():
    assert file_checksum(b"abc") == hashlib.sha256(b"abc").hexdigest()


def test_list_sheets_of_a_csv_is_empty():
    assert list_sheets(b"a,b\n1,2\n", "data.csv") == []


def test_table_records_source_and_csv_details():
    table = read_table(b"a;b\n1;2\n", "folder/export.csv")
    assert (table.source, table.delimiter, table.sheet, table.sheets) == ("export.csv", ";", None, ())


# --- robustness ----------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(data=st.binary(max_size=2048), name=st.sampled_from(["x.csv", "x.tsv", "x.txt", "x.xlsx", "x.xls", "x"]))
def test_random_bytes_raise_nothing_but_input_error(data, name):
    try:
        table = read_table(data, name, max_bytes=1_000_000)
    except InputError as err:
        assert str(err)
    else:
        assert len(table.frame) >= 1
        assert len(table.row_numbers) == len(table.frame)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(rows=st.lists(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
                              min_size=2, max_size=2), min_size=1, max_size=8))
def test_quoted_csv_round_trips(rows):
    import csv

    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(["alpha", "beta"])
    writer.writerows(rows)
    try:
        table = read_table(out.getvalue().encode(), "round.csv")
    except InputError:
        assert all(not "".join(r).strip() for r in rows)  # only a file of blank rows may be refused
        return
    expected = [[c if c.strip() else None for c in r] for r in rows if any(c.strip() for c in r)]
    assert table.frame.to_numpy().tolist() == expected


def test_markup_inside_a_cell_is_text_not_a_web_page():
    table = read_table(b'"alpha","beta"\r\n"","<HTML"\r\n"x","<html><body>hi</body></html>"\r\n', "cells.csv")
    assert table.frame["beta"].tolist() == ["<HTML", "<html><body>hi</body></html>"]
    with pytest.raises(InputError, match="web page"):
        read_table(b"<!-- saved page -->\n<html><body><table><tr><td>a</td></tr></table></body></html>", "page.csv")


def test_a_few_nul_bytes_in_cells_are_removed_with_a_warning():
    data = b"id,comment\n" + b"".join(b"%d,hello there number %d\n" % (i, i) for i in range(200))
    data = data.replace(b"number 5\n", b"num\x00ber 5\n").replace(b"number 7\n", b"number\x00\x00 7\n")
    table = read_table(data, "x.csv")
    assert table.frame["comment"].iloc[5] == "hello there number 5"
    assert table.frame["comment"].iloc[7] == "hello there number 7"
    assert any("2 cells" in w and "NUL" in w for w in table.warnings), table.warnings


def test_utf16_without_bom_still_reads_despite_its_nul_bytes():
    table = read_table("id,comment\n1,héllo\n2,wörld\n".encode("utf-16-le"), "x.csv")
    assert table.frame["comment"].tolist() == ["héllo", "wörld"] and not table.warnings
