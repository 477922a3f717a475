"""Reading a Google Sheet: links, credentials, both ways in, and every failure, against the emulator."""

from __future__ import annotations

import json
import socket
from dataclasses import replace

import pytest

from gsheets.conftest import EMAIL, HEADER, KEY, OTHER_KEY, form_row
from gsheets.emulator import google_error
from portal.errors import InputError, SourceError
from portal.ingest.gsheets import (
    HttpOptions,
    SheetRef,
    fetch_sheet,
    is_sheet_url,
    list_worksheets,
    load_credentials,
    parse_sheet_url,
    read_sheet,
    read_sheet_for_cli,
    require_credentials,
    service_account_email,
)

URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit"


# -- links ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "gid"),
    [
        (f"{URL}#gid=0", 0),
        (f"{URL}#gid=1000001", 1000001),
        (f"{URL}?usp=sharing", None),
        (f"{URL}?usp=drive_link", None),
        (f"{URL}?gid=42#gid=42", 42),
        (f"  {URL}#gid=7&range=A1  ", 7),
        (KEY, None),
        (f"docs.google.com/spreadsheets/d/{KEY}/edit#gid=3", 3),
        (f"https://docs.google.com/spreadsheets/u/1/d/{KEY}/edit#gid=5", 5),
        (f"https://docs.google.com/spreadsheets/d/{KEY}", None),
        (f"https://docs.google.com/spreadsheet/ccc?key={KEY}&hl=en", None),
    ],
)
def test_parse_sheet_url_accepts_the_forms_people_paste(text: str, gid: int | None) -> None:
    ref = parse_sheet_url(text)
    assert ref.key == KEY
    assert ref.gid == gid


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Paste the link"),
        ("hello world", "is not the link of a Google Sheet"),
        ("https://example.com/some/page", "is not the link of a Google Sheet"),
        ("ftp://docs.google.com/spreadsheets/d/abc/edit", "is not the link of a Google Sheet"),
        ("https://docs.google.com/document/d/1abcdefghijklmnopqrstuvwxyz/edit", "is not the link of a Google Sheet"),
        ("https://docs.google.com/forms/d/e/1FAIpQLSdX/viewform", "Google Form"),
        ("https://docs.google.com/spreadsheets/d/e/2PACX-1vQabc/pubhtml", "Publish to the web"),
        (f"{URL}#gid=abc", "not a number"),
    ],
)
def test_parse_sheet_url_rejects_anything_else_with_a_sentence(text: str, says: str) -> None:
    with pytest.raises(InputError, match=says):
        parse_sheet_url(text)


def test_is_sheet_url_tells_links_from_file_names() -> None:
    assert is_sheet_url(f"{URL}#gid=0")
    assert not is_sheet_url("responses.csv")
    assert not is_sheet_url("https://example.com/responses.csv")


def test_a_bare_key_gets_the_usual_link() -> None:
    assert SheetRef(KEY, 3).link == f"{URL}#gid=3"
    assert parse_sheet_url(f"{URL}#gid=0").link == f"{URL}#gid=0"


# -- credentials --------------------------------------------------------------------------------------


def test_credentials_from_secrets_dict_show_the_email(account: dict[str, str]) -> None:
    assert service_account_email(account) == EMAIL
    loaded = load_credentials(account)
    assert loaded is not None and loaded.email == EMAIL
    assert "PRIVATE KEY" not in repr(loaded)


def test_credentials_from_the_key_file_setting(account, tmp_path, monkeypatch) -> None:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(account))
    monkeypatch.setenv("PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE", str(path))
    assert service_account_email() == EMAIL


def test_no_credentials_configured(monkeypatch) -> None:
    monkeypatch.delenv("PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE", raising=False)
    assert load_credentials() is None
    with pytest.raises(SourceError, match="No Google service account is configured"):
        require_credentials()


def test_unreadable_key_file(tmp_path) -> None:
    with pytest.raises(SourceError, match="cannot be read"):
        load_credentials(key_file=str(tmp_path / "missing.json"))


def test_key_file_that_is_not_json(tmp_path) -> None:
    path = tmp_path / "key.json"
    path.write_text("not json at all")
    with pytest.raises(SourceError, match="not a JSON key file"):
        load_credentials(key_file=str(path))


def test_key_of_another_kind_is_refused(tmp_path) -> None:
    path = tmp_path / "key.json"
    path.write_text(json.dumps({"type": "authorized_user", "client_id": "x", "refresh_token": "y"}))
    with pytest.raises(SourceError, match="not a service-account key .it is a 'authorized_user' credential"):
        load_credentials(key_file=str(path))


def test_incomplete_and_damaged_keys_are_refused(account) -> None:
    with pytest.raises(SourceError, match="lacks private_key"):
        load_credentials({**account, "private_key": ""})
    with pytest.raises(SourceError, match="damaged"):
        load_credentials({**account, "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"})


# -- reading through the service account --------------------------------------------------------------


def test_reads_the_first_worksheet_as_text(survey, account, options) -> None:
    data = fetch_sheet(URL, credentials=account, options=options)
    assert data.auth_mode == "service_account"
    assert data.worksheet == "Form Responses 1" and data.gid == 0
    assert data.account_email == EMAIL
    assert [w.title for w in data.worksheets] == ["Form Responses 1", "Bob's notes"]
    frame = data.table.frame
    assert list(frame.columns) == HEADER
    assert len(frame) == 6
    assert frame.iloc[0].tolist() == form_row(0)[:3] + ["Faster exports please", "Free"]
    assert frame.iloc[1]["What could we do better?"] is None  # empty cell -> None
    assert data.table.source == URL
    assert data.table.sheets == ("Form Responses 1", "Bob's notes")


def test_ragged_rows_and_blank_rows_keep_sheet_row_numbers(emulator, account, options) -> None:
    emulator.add_spreadsheet(
        KEY,
        {"Sheet1": [["id", "score", "comment"], ["a", "9"], [], ["", "", ""], ["b", "7", "ok"], ["c"]]},
        shared_with=(EMAIL,),
    )
    table = read_sheet(KEY, credentials=account, options=options)
    assert table.frame.to_dict("records") == [
        {"id": "a", "score": "9", "comment": None},
        {"id": "b", "score": "7", "comment": "ok"},
        {"id": "c", "score": None, "comment": None},
    ]
    assert table.row_numbers.tolist() == [2, 5, 6]


def test_worksheet_by_title_by_gid_and_missing(survey, account, options) -> None:
    by_title = fetch_sheet(URL, worksheet="Bob's notes", credentials=account, options=options)
    assert by_title.table.frame.to_dict("records") == [{"Note": "hello", "Score": "3"}]
    by_gid = fetch_sheet(f"{URL}#gid=1000001", credentials=account, options=options)
    assert by_gid.worksheet == "Bob's notes"
    relaxed = fetch_sheet(URL, worksheet=" bob's NOTES ", credentials=account, options=options)
    assert relaxed.worksheet == "Bob's notes"
    with pytest.raises(SourceError, match="no worksheet named 'Answers'. Its worksheets are: 'Form Responses 1', "):
        fetch_sheet(URL, worksheet="Answers", credentials=account, options=options)
    with pytest.raises(SourceError, match=r"\(gid=99\) no longer exists"):
        fetch_sheet(f"{URL}#gid=99", credentials=account, options=options)


def test_list_worksheets(survey, account, options) -> None:
    sheets = list_worksheets(URL, credentials=account, options=options)
    assert [(w.title, w.gid) for w in sheets] == [("Form Responses 1", 0), ("Bob's notes", 1000001)]


def test_list_worksheets_needs_a_service_account(survey, options, monkeypatch) -> None:
    monkeypatch.delenv("PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE", raising=False)
    with pytest.raises(SourceError, match="No Google service account"):
        list_worksheets(URL, options=options)


def test_settings_point_the_reader_at_the_emulator(survey, account, emulator, tmp_path, monkeypatch) -> None:
    path = tmp_path / "key.json"
    path.write_text(json.dumps(account))
    monkeypatch.setenv("PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE", str(path))
    monkeypatch.setenv("PORTAL_SHEETS_API_URL", emulator.url)
    monkeypatch.setenv("PORTAL_DOCS_URL", emulator.url)
    monkeypatch.setenv("PORTAL_HTTP_TIMEOUT", "5")
    table = read_sheet_for_cli(f"{URL}#gid=0")
    assert len(table.frame) == 6
    assert emulator.hits["token"] == 1 and emulator.hits["metadata"] == 1 and emulator.hits["values"] == 1


def test_a_bad_timeout_setting_is_explained(monkeypatch) -> None:
    monkeypatch.setenv("PORTAL_HTTP_TIMEOUT", "soon")
    with pytest.raises(InputError, match="PORTAL_HTTP_TIMEOUT"):
        HttpOptions.from_settings()


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ([], "first row of worksheet 'Sheet1' is empty"),
        (["", "", ""], "first row of worksheet 'Sheet1' is empty"),
        (["id", "score", "id"], "names two columns 'id' .columns A and C"),
        (["Email", "score", "email "], "names two columns 'Email' .columns A and C"),
        (["id", "", "comment"], "Column B of worksheet 'Sheet1' holds data but has no name"),
    ],
)
def test_header_problems(emulator, account, options, header, says) -> None:
    emulator.add_spreadsheet(KEY, {"Sheet1": [header, ["1", "9", "fine"]]}, shared_with=(EMAIL,))
    with pytest.raises(SourceError, match=says):
        read_sheet(KEY, credentials=account, options=options)


def test_an_empty_sheet_is_explained(emulator, account, options) -> None:
    emulator.add_spreadsheet(KEY, {"Sheet1": []}, shared_with=(EMAIL,))
    with pytest.raises(SourceError, match="is empty. Put the column names in row 1"):
        read_sheet(KEY, credentials=account, options=options)


def test_unnamed_columns_without_data_are_dropped(emulator, account, options) -> None:
    emulator.add_spreadsheet(KEY, {"Sheet1": [["id", "", "score"], ["1", "", "9"]]}, shared_with=(EMAIL,))
    assert read_sheet(KEY, credentials=account, options=options).frame.to_dict("records") == [{"id": "1", "score": "9"}]


# -- failures of the API --------------------------------------------------------------------------------


def test_not_shared_names_the_email_to_share_with(emulator, account, options) -> None:
    emulator.add_spreadsheet(KEY, {"Sheet1": [["a"], ["1"]]}, shared_with=("someone@else.com",))
    with pytest.raises(SourceError, match=f"add {EMAIL} as a Viewer"):
        read_sheet(KEY, credentials=account, options=options)


def test_403_with_a_google_error_body(survey, emulator, account, options) -> None:
    emulator.fail("values", 403, body=google_error(403, "The caller does not have permission", "PERMISSION_DENIED"))
    with pytest.raises(SourceError, match=f"not shared with the portal's service account.*{EMAIL}"):
        read_sheet(KEY, credentials=account, options=options, mode="service_account")


def test_403_when_the_api_is_disabled(survey, emulator, account, options) -> None:
    body = google_error(
        403,
        "Google Sheets API has not been used in project 123 before or it is disabled.",
        "PERMISSION_DENIED",
        reason="SERVICE_DISABLED",
    )
    emulator.fail("metadata", 403, body=body)
    with pytest.raises(SourceError, match="enable 'Google Sheets API'"):
        read_sheet(KEY, credentials=account, options=options)


def test_a_public_sheet_not_shared_with_the_account_is_read_by_link(emulator, account, options) -> None:
    emulator.add_spreadsheet(KEY, {"Sheet1": [["a", "b"], ["1", "2"]]}, public=True)
    emulator.spreadsheet(KEY).public = True
    emulator.fail("metadata", 403, body=google_error(403, "The caller does not have permission", "PERMISSION_DENIED"))
    data = fetch_sheet(KEY, credentials=account, options=options)
    assert data.auth_mode == "link"
    assert data.table.frame.to_dict("records") == [{"a": "1", "b": "2"}]


def test_sheet_not_found(emulator, account, options) -> None:
    with pytest.raises(SourceError, match=f"no spreadsheet with the key {OTHER_KEY}"):
        read_sheet(OTHER_KEY, credentials=account, options=options)


def test_quota_429_then_success_backs_off(survey, emulator, account, options, waits) -> None:
    emulator.fail("values", 429, body=google_error(429, "Quota exceeded", "RESOURCE_EXHAUSTED"), times=2)
    table = read_sheet(KEY, credentials=account, options=options)
    assert len(table.frame) == 6
    assert waits == [0.5, 1.0]
    assert emulator.hits["values"] == 3


def test_quota_429_for_ever_gives_up_after_the_bounded_tries(survey, emulator, account, options, waits) -> None:
    emulator.fail("metadata", 429, body=google_error(429, "Quota exceeded", "RESOURCE_EXHAUSTED"), times=None)
    with pytest.raises(SourceError, match="too many requests.*even after 4 tries"):
        read_sheet(KEY, credentials=account, options=options)
    assert emulator.hits["metadata"] == 4
    assert waits == [0.5, 1.0, 2.0]


def test_retry_after_is_honoured_up_to_its_cap(survey, emulator, account, options, waits) -> None:
    body = google_error(429, "Quota exceeded", "RESOURCE_EXHAUSTED")
    emulator.fail("values", 429, body=body, headers={"Retry-After": "3"})
    emulator.fail("values", 429, body=body, headers={"Retry-After": "600"})
    read_sheet(KEY, credentials=account, options=options)
    assert waits == [3.0, 10.0]


def test_total_wait_is_capped(survey, emulator, account, options, waits) -> None:
    emulator.fail("values", 429, body=google_error(429, "Quota", "RESOURCE_EXHAUSTED"),
                  headers={"Retry-After": "8"}, times=None)
    with pytest.raises(SourceError, match="too many requests"):
        read_sheet(KEY, credentials=account, options=replace(options, attempts=10, max_wait=20.0))
    assert waits == [8.0, 8.0]


def test_server_error_then_success(survey, emulator, account, options) -> None:
    emulator.fail("metadata", 503, body=google_error(503, "The service is currently unavailable.", "UNAVAILABLE"))
    assert len(read_sheet(KEY, credentials=account, options=options).frame) == 6


def test_server_error_for_ever(survey, emulator, account, options) -> None:
    emulator.fail("metadata", 500, body=google_error(500, "Internal error encountered.", "INTERNAL"), times=None)
    with pytest.raises(SourceError, match=r"servers answered with an error \(HTTP 500\)"):
        read_sheet(KEY, credentials=account, options=options)


def test_slow_api_times_out(survey, emulator, account, options) -> None:
    emulator.fail("values", hold=emulator.stopped)  # no answer while the reader waits
    with pytest.raises(SourceError, match="did not answer within 0.5 seconds"):
        read_sheet(KEY, credentials=account, options=replace(options, timeout=0.5))


def test_slow_token_endpoint_times_out(survey, emulator, account, options) -> None:
    emulator.fail("token", hold=emulator.stopped)
    with pytest.raises(SourceError, match="did not answer within 0.5 seconds"):
        read_sheet(KEY, credentials=account, options=replace(options, timeout=0.5))


def test_malformed_values_body(survey, emulator, account, options) -> None:
    emulator.fail("values", body=b'{"range": "Sheet1!A1:B2", "values": [["a"')
    with pytest.raises(SourceError, match="answer could not be read"):
        read_sheet(KEY, credentials=account, options=options)


def test_malformed_metadata(survey, emulator, account, options) -> None:
    emulator.fail("metadata", body=b'{"spreadsheetId": "x"}')
    with pytest.raises(SourceError, match="answer could not be read"):
        read_sheet(KEY, credentials=account, options=options)


def test_error_with_an_html_body(survey, emulator, account, options) -> None:
    emulator.fail("values", 502, body=b"<html><body>Bad gateway</body></html>", content_type="text/html", times=None)
    with pytest.raises(SourceError, match=r"HTTP 502"):
        read_sheet(KEY, credentials=account, options=options)


def test_key_refused_by_the_token_endpoint(survey, emulator, account, options) -> None:
    stranger = emulator.unknown_service_account("stranger@portal-tests.iam.gserviceaccount.com")
    with pytest.raises(SourceError, match="Google refused the key of stranger@"):
        read_sheet(KEY, credentials=stranger, options=options)


def test_network_unreachable(account, options, waits) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with pytest.raises(SourceError, match="could not reach Google"):
        read_sheet(KEY, options=replace(options, docs_url=closed))
    assert waits == [0.5, 1.0, 2.0]
    unreachable_token = {**account, "token_uri": f"{closed}/token"}
    with pytest.raises(SourceError, match="could not reach Google"):
        read_sheet(KEY, credentials=unreachable_token, options=options)


# -- reading by link ------------------------------------------------------------------------------------


@pytest.fixture
def public(emulator):
    """A spreadsheet shared as 'anyone with the link', with a second worksheet."""
    return emulator.add_spreadsheet(
        KEY,
        {"Form Responses 1": [HEADER, form_row(0), form_row(1)], "Notes, 2024": [["Note"], ['say "hi", twice']]},
        public=True,
    )


def test_link_reads_the_first_worksheet(public, options, monkeypatch) -> None:
    monkeypatch.delenv("PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE", raising=False)
    data = fetch_sheet(URL, options=options)
    assert data.auth_mode == "link" and data.worksheets == ()
    assert list(data.table.frame.columns) == HEADER
    assert data.table.frame["Email Address"].tolist() == ["person0@example.com", "person1@example.com"]
    assert data.table.source == URL


def test_link_by_gid_and_by_name(public, options) -> None:
    by_gid = read_sheet(f"{URL}#gid=1000001", mode="link", options=options)
    assert by_gid.frame.to_dict("records") == [{"Note": 'say "hi", twice'}]
    by_name = fetch_sheet(URL, worksheet="Notes, 2024", mode="link", options=options)
    assert by_name.worksheet == "Notes, 2024"
    assert by_name.table.frame.to_dict("records") == [{"Note": 'say "hi", twice'}]


def test_link_to_a_private_sheet(emulator, options) -> None:
    emulator.add_spreadsheet(KEY, {"Sheet1": [["a"], ["1"]]}, public=False)
    with pytest.raises(SourceError, match="not shared as 'anyone with the link'"):
        read_sheet(URL, mode="link", options=options)
    assert any(path.startswith("/ServiceLogin") for _, path in emulator.log)


def test_link_private_sheet_with_an_account_not_shared(emulator, account, options) -> None:
    emulator.add_spreadsheet(KEY, {"Sheet1": [["a"], ["1"]]}, shared_with=("other@example.com",))
    with pytest.raises(SourceError, match=f"add {EMAIL} as a Viewer"):
        read_sheet(URL, credentials=account, options=options)


def test_link_html_instead_of_csv(public, emulator, options) -> None:
    emulator.fail("export", body=b"<!DOCTYPE html><html><body>Sign in</body></html>", content_type="text/html")
    with pytest.raises(SourceError, match="not shared as 'anyone with the link'"):
        read_sheet(URL, mode="link", options=options)


def test_link_sheet_not_found(emulator, options) -> None:
    with pytest.raises(SourceError, match="no spreadsheet with the key"):
        read_sheet(URL, mode="link", options=options)


def test_link_worksheet_missing(public, options) -> None:
    with pytest.raises(SourceError, match="no worksheet with id gid=5"):
        read_sheet(f"{URL}#gid=5", mode="link", options=options)
    with pytest.raises(SourceError, match="no worksheet named 'Answers'"):
        read_sheet(URL, worksheet="Answers", mode="link", options=options)


def test_link_quota_for_ever(public, emulator, options) -> None:
    emulator.fail("export", 429, body=b"Too Many Requests", content_type="text/plain", times=None)
    with pytest.raises(SourceError, match="too many requests"):
        read_sheet(URL, mode="link", options=options)
    assert emulator.hits["export"] == 4


def test_link_slow_export_times_out(public, emulator, options) -> None:
    emulator.fail("export", hold=emulator.stopped)
    with pytest.raises(SourceError, match="did not answer within 0.5 seconds"):
        read_sheet(URL, mode="link", options=replace(options, timeout=0.5))


def test_link_duplicated_header(emulator, options) -> None:
    emulator.add_spreadsheet(KEY, {"Sheet1": [["Email", "Score", "Email"], ["a@b.c", "9", "x"]]}, public=True)
    with pytest.raises(SourceError, match="names two columns 'Email'"):
        read_sheet(URL, mode="link", options=options)


def test_link_empty_header(emulator, options) -> None:
    emulator.add_spreadsheet(KEY, {"Sheet1": [["", ""], ["1", "2"]]}, public=True)
    with pytest.raises(SourceError, match="first row of the worksheet is empty"):
        read_sheet(URL, mode="link", options=options)


def test_header_only_sheet_has_no_rows_yet(emulator, account, options) -> None:
    emulator.add_spreadsheet(KEY, {"Sheet1": [["id", "score"], [], ["", " "]]}, shared_with=(EMAIL,), public=True)
    with pytest.raises(SourceError, match="Worksheet 'Sheet1' has column names but no rows yet"):
        read_sheet(KEY, credentials=account, options=options)
    with pytest.raises(SourceError, match="The worksheet has column names but no rows yet"):
        read_sheet(KEY, mode="link", options=options)


def test_link_unnamed_column_with_data_and_without(emulator, options) -> None:
    emulator.add_spreadsheet(KEY, {"Sheet1": [["id", "", "score", ""], ["1", "", "9", "x"]]}, public=True)
    with pytest.raises(SourceError, match="Column D of the worksheet holds data but has no name"):
        read_sheet(KEY, mode="link", options=options)
    emulator.worksheet(KEY).rows[1][3] = ""
    assert read_sheet(KEY, mode="link", options=options).frame.to_dict("records") == [{"id": "1", "score": "9"}]


def test_both_ways_in_read_the_same_table(emulator, account, options) -> None:
    rows = [["id", "Score", "Comment"], ["1", "9", "  "], [], ["2", "", 'said "fine", then left'], ["3", "7"]]
    emulator.add_spreadsheet(KEY, {"Sheet1": rows}, shared_with=(EMAIL,), public=True)
    by_api = read_sheet(KEY, credentials=account, mode="service_account", options=options)
    by_link = read_sheet(KEY, mode="link", options=options)
    assert by_api.frame.to_dict("records") == by_link.frame.to_dict("records")
    assert by_api.row_numbers.tolist() == by_link.row_numbers.tolist() == [2, 4, 5]


def test_link_malformed_csv_body(public, emulator, options) -> None:
    emulator.fail("export", body=b'id,comment\r\n1,"never closed\r\n2,x\r\n', content_type="text/csv")
    with pytest.raises(SourceError, match="cannot read as a table"):
        read_sheet(URL, mode="link", options=options)
