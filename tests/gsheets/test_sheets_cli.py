"""``portal sync`` and ``portal sheets`` against the emulator (settings point the portal at it)."""

from __future__ import annotations

import json

import pytest

import portal.cli
from gsheets.conftest import EMAIL, KEY, form_row, form_rows
from gsheets.emulator import google_error
from gsheets.flows import import_linked
from portal.services.sheets import acquire_lease, release_lease, resync, sheet_source
from portal.store import Store

URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
PUBLIC_KEY = "1PublicOtherSheetKey_abcdefghijklmnopqrstu"
IDENTIFY = ("Timestamp", "Email Address")
COMMENT = ("comment", "What could we do better?")


@pytest.fixture
def env(emulator, account, tmp_path, monkeypatch) -> None:
    """Settings pointing the portal at the emulator, with the service account's key in a file."""
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(account))
    monkeypatch.setenv("PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE", str(key_file))
    monkeypatch.setenv("PORTAL_SHEETS_API_URL", emulator.url)
    monkeypatch.setenv("PORTAL_DOCS_URL", emulator.url)
    monkeypatch.setenv("PORTAL_HTTP_TIMEOUT", "5")


@pytest.fixture
def linked(env, store, emulator, options):
    """Two linked datasets: 'survey' (service account) and 'public' (shared link)."""
    emulator.add_spreadsheet(KEY, {"Form Responses 1": form_rows(12)}, shared_with=(EMAIL,))
    emulator.add_spreadsheet(PUBLIC_KEY, {"S": form_rows(4)}, public=True)
    import_linked(store, "survey", URL, key_columns=IDENTIFY, overrides=[COMMENT])
    import_linked(store, "public", PUBLIC_KEY, key_columns=IDENTIFY, overrides=[COMMENT])
    return store


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = portal.cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sync_one_dataset(linked, db_url, emulator, capsys) -> None:
    emulator.worksheet(KEY).rows.append(form_row(200))
    code, out, err = run(capsys, "sync", "--dataset", "survey", "--db", db_url, "--format", "json")
    assert code == 0, err
    [row] = json.loads(out)["syncs"]
    assert (row["dataset"], row["status"], row["added"], row["unchanged"]) == ("survey", "ok", 1, 12)


def test_sync_all_reports_each_and_fails_when_one_fails(linked, db_url, emulator, capsys) -> None:
    emulator.spreadsheet(KEY).shared_with.clear()
    code, out, err = run(capsys, "sync", "--all", "--db", db_url)
    assert code == 1
    assert "public: ok - 0 added, 0 updated, 4 unchanged, 0 rejected." in out
    assert "survey: failed - The sheet is not shared with the portal's service account" in out
    assert EMAIL in out


def test_sync_all_due_only(linked, db_url, capsys) -> None:
    code, out, err = run(capsys, "sync", "--all", "--due", "--db", db_url, "--format", "json")
    assert code == 0 and json.loads(out) == {"syncs": []}
    assert "No dataset is due" in err


def test_sync_single_failure_is_one_sentence_and_exit_1(linked, db_url, emulator, capsys) -> None:
    emulator.fail("values", 404, body=google_error(404, "Requested entity was not found.", "NOT_FOUND"))
    code, out, err = run(capsys, "sync", "--dataset", "survey", "--db", db_url)
    assert code == 1 and out == ""
    assert err.strip().splitlines()[-1].startswith("Error: Google has no spreadsheet with the key")
    assert "Traceback" not in err


def test_changed_columns_on_the_command_line(linked, db_url, emulator, capsys) -> None:
    sheet = emulator.worksheet(KEY)
    sheet.rows[0].append("Region")
    for row in sheet.rows[1:]:
        row.append("North")
    code, out, err = run(capsys, "sync", "--dataset", "survey", "--db", db_url)
    assert code == 1
    assert "new column 'Region'" in err and "--accept-columns" in err
    code, out, err = run(capsys, "sync", "--dataset", "survey", "--accept-columns", "--map", "segment=Region",
                         "--db", db_url, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["syncs"][0]["updated"] == 12
    assert "Region" in Store(db_url).dataset("survey").config.mapping.segments


def test_sync_usage_errors(linked, db_url, capsys) -> None:
    assert run(capsys, "sync", "--dataset", "survey", "--due", "--db", db_url)[0] == 1
    code, _, err = run(capsys, "sync", "--all", "--accept-columns", "--db", db_url)
    assert code == 1 and "one dataset at a time" in err
    code, _, err = run(capsys, "sync", "--dataset", "survey", "--map", "colour=Plan", "--db", db_url)
    assert code == 1 and "--map takes ROLE=COLUMN" in err
    code, _, err = run(capsys, "sync", "--dataset", "nope", "--db", db_url)
    assert code == 1 and "No dataset named 'nope'" in err


def test_sheets_schedule_list_and_unlink(linked, db_url, capsys) -> None:
    code, out, _ = run(capsys, "sheets", "schedule", "--dataset", "survey", "--every", "30", "--delete-missing",
                       "yes", "--db", db_url)
    assert code == 0 and "every 30 minutes" in out
    source = sheet_source(Store(db_url), "survey")
    assert (source.interval_minutes, source.delete_missing) == (30, True)
    code, _, err = run(capsys, "sheets", "schedule", "--dataset", "survey", "--every", "1", "--db", db_url)
    assert code == 1 and "between 5 minutes and 7 days" in err
    code, out, _ = run(capsys, "sheets", "list", "--db", db_url, "--format", "json")
    listed = {s["dataset"]: s for s in json.loads(out)["sources"]}
    assert listed["survey"]["every_minutes"] == 30 and listed["public"]["auth_mode"] == "service_account"
    assert listed["survey"]["worksheet"] == "Form Responses 1"
    code, out, _ = run(capsys, "sheets", "schedule", "--dataset", "survey", "--off", "--db", db_url)
    assert code == 0 and "only on request" in out
    code, out, _ = run(capsys, "sheets", "unlink", "--dataset", "public", "--db", db_url)
    assert code == 0 and sheet_source(Store(db_url), "public") is None
    assert run(capsys, "sheets", "unlink", "--dataset", "public", "--db", db_url)[0] == 1


def test_sheets_account_and_worksheets(env, emulator, capsys, monkeypatch) -> None:
    emulator.add_spreadsheet(KEY, {"Form Responses 1": form_rows(2), "Notes": [["a"], ["1"]]},
                             shared_with=(EMAIL,))
    code, out, _ = run(capsys, "sheets", "account")
    assert code == 0 and f"Share each sheet with {EMAIL}" in out
    code, out, _ = run(capsys, "sheets", "worksheets", URL, "--format", "json")
    assert code == 0
    assert [w["title"] for w in json.loads(out)["worksheets"]] == ["Form Responses 1", "Notes"]
    monkeypatch.delenv("PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE")
    code, out, _ = run(capsys, "sheets", "account", "--format", "json")
    assert code == 0 and json.loads(out) == {"service_account": None}
    code, _, err = run(capsys, "sheets", "worksheets", URL)
    assert code == 1 and "No Google service account is configured" in err


def test_portal_import_reads_a_sheet_url(env, emulator, db_url, capsys) -> None:
    emulator.add_spreadsheet(KEY, {"Form Responses 1": form_rows(7)}, shared_with=(EMAIL,))
    code, out, err = run(capsys, "import", URL, "--dataset", "forms", "--key", "Timestamp", "--key",
                         "Email Address", "--db", db_url, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["added"] == 7


def test_portal_import_links_the_sheet_for_later_syncs(env, emulator, db_url, capsys) -> None:
    emulator.add_spreadsheet(PUBLIC_KEY, {"S": form_rows(5)}, public=True)
    code, out, err = run(capsys, "import", f"https://docs.google.com/spreadsheets/d/{PUBLIC_KEY}/edit#gid=0",
                         "--dataset", "survey", "--key", "Timestamp", "--key", "Email Address", "--db", db_url)
    assert code == 0, err
    assert "Linked 'survey' to the sheet" in err
    store = Store(db_url)
    source = sheet_source(store, "survey")
    assert (source.spreadsheet_key, source.worksheet_gid, source.key_columns) == (PUBLIC_KEY, 0, IDENTIFY)
    assert source.auth_mode == "service_account"  # how the sheet was read (the service account is configured)
    assert source.last_status == "ok" and store.imports("survey")["source_kind"].tolist() == ["sheet"]
    emulator.worksheet(PUBLIC_KEY).rows.append(form_row(9))
    assert resync(store, "survey").result.added == 1


def test_portal_import_of_a_sheet_waits_for_no_other_sync(env, emulator, db_url, capsys) -> None:
    emulator.add_spreadsheet(KEY, {"Form Responses 1": form_rows(3)}, shared_with=(EMAIL,))
    store = Store(db_url)
    assert acquire_lease(store, "sheet-sync:forms", "another-process")
    code, out, err = run(capsys, "import", URL, "--dataset", "forms", "--key", "Timestamp", "--db", db_url)
    assert code == 1 and "being synced by another portal process" in err
    assert store.dataset("forms") is None
    release_lease(store, "sheet-sync:forms", "another-process")
    code, out, err = run(capsys, "import", URL, "--dataset", "forms", "--key", "Timestamp", "--db", db_url)
    assert code == 0, err
    assert sheet_source(store, "forms").last_status == "ok"
