"""The whole sync flow against the emulator: first import, refresh, added/deleted rows, column changes,
every failure (store untouched, failure in the history), leases and the schedule."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gsheets.conftest import EMAIL, HEADER, KEY, form_row, form_rows
from gsheets.emulator import SheetsEmulator, Worksheet, google_error
from gsheets.flows import import_linked
from portal.errors import InputError, NotFoundError, SourceError, ValidationError
from portal.services.sheets import (
    SchemaChanged,
    SyncBusy,
    acquire_lease,
    due_sources,
    lease_holder,
    release_lease,
    resync,
    run_due,
    set_delete_missing,
    set_schedule,
    sheet_source,
    sheet_sources,
    sync_sources,
    unlink_sheet,
)
from portal.store import Store
from portal.store.schema import imports

URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
NAME = "survey"
IDENTIFY = ("Timestamp", "Email Address")
COMMENT = ("comment", "What could we do better?")


@pytest.fixture
def sheet(emulator: SheetsEmulator) -> Worksheet:
    """A Google Forms worksheet of 40 responses shared with the service account."""
    emulator.add_spreadsheet(KEY, {"Form Responses 1": form_rows(40)}, shared_with=(EMAIL,))
    return emulator.worksheet(KEY)


@pytest.fixture
def linked(store: Store, sheet: Worksheet, account, options):
    """The sheet imported into dataset 'survey', matched by timestamp + e-mail."""
    return import_linked(store, NAME, URL, credentials=account, options=options, key_columns=IDENTIFY,
                        overrides=[COMMENT])


def snapshot(store: Store, name: str = NAME):
    """Return what must not change when a sync fails: data version and every stored row."""
    frame = store.load(name).sort_values("row_key").reset_index(drop=True)
    return store.data_version(name), frame


def assert_untouched(store: Store, before) -> None:
    version, frame = snapshot(store)
    assert version == before[0]
    assert frame.equals(before[1])


def stored_nps(store: Store, email: str) -> float:
    frame = store.load(NAME)
    return float(frame.loc[frame["customer"] == email, "nps"].iloc[0])


# -- first import and refresh ---------------------------------------------------------------------------


def test_first_import_links_the_sheet(store, linked) -> None:
    assert (linked.result.added, linked.result.updated, linked.result.rejected) == (40, 0, 0)
    assert linked.rows_read == 40
    source = sheet_source(store, NAME)
    assert source is not None
    assert source.auth_mode == "service_account"
    assert (source.worksheet_title, source.worksheet_gid) == ("Form Responses 1", 0)
    assert source.key_columns == IDENTIFY
    assert source.columns == tuple(HEADER)
    assert source.last_status == "ok" and source.last_sync_at is not None
    info = store.dataset(NAME)
    assert info.rows == 40 and info.config.key_columns == IDENTIFY
    history = store.imports(NAME)
    assert history["source_kind"].tolist() == ["sheet"] and history["status"].tolist() == ["ok"]
    assert store.row_keys(NAME) == {k for k in store.row_keys(NAME) if k.startswith("k:")}


def test_refresh_picks_up_edits(store, sheet, linked, account, options) -> None:
    sheet.rows[3][2] = "10" if sheet.rows[3][2] != "10" else "0"
    sheet.rows[8][3] = "Changed my mind: love it"
    synced = resync(store, NAME, credentials=account, options=options)
    r = synced.result
    assert (r.added, r.updated, r.unchanged, r.rejected, r.missing) == (0, 2, 38, 0, 0)
    assert stored_nps(store, sheet.rows[3][1]) == float(sheet.rows[3][2])
    frame = store.load(NAME)
    assert frame.loc[frame["customer"] == sheet.rows[8][1], "comment"].iloc[0] == "Changed my mind: love it"
    assert "0 added, 2 updated, 38 unchanged, 0 rejected." == synced.summary
    unchanged = resync(store, NAME, credentials=account, options=options).result
    assert (unchanged.added, unchanged.updated, unchanged.unchanged) == (0, 0, 40)


def test_added_and_deleted_rows_are_reported_and_removed_only_when_asked(store, sheet, linked, account,
                                                                        options) -> None:
    gone = sheet.rows.pop(5)
    sheet.rows.extend([form_row(100), form_row(101)])
    first = resync(store, NAME, credentials=account, options=options)
    assert (first.result.added, first.result.missing, first.result.removed) == (2, 1, 0)
    assert "1 row is no longer in the sheet and was kept" in first.summary
    assert gone[1] in set(store.load(NAME)["customer"])
    second = resync(store, NAME, credentials=account, options=options, delete_missing=True)
    assert (second.result.added, second.result.missing, second.result.removed) == (0, 1, 1)
    assert gone[1] not in set(store.load(NAME)["customer"])
    assert store.dataset(NAME).rows == 41


def test_the_source_setting_removes_deleted_rows(store, sheet, linked, account, options) -> None:
    set_delete_missing(store, NAME, True)
    sheet.rows.pop(1)
    assert resync(store, NAME, credentials=account, options=options).result.removed == 1
    assert store.dataset(NAME).rows == 39


def test_a_renamed_worksheet_is_followed_by_its_id(store, sheet, linked, account, options) -> None:
    sheet.title = "Responses (old)"
    sheet.rows[2][2] = "1" if sheet.rows[2][2] != "1" else "2"
    synced = resync(store, NAME, credentials=account, options=options)
    assert synced.result.updated == 1
    assert synced.source.worksheet_title == "Responses (old)"


def test_sheet_shared_by_link_without_credentials(store, emulator, options) -> None:
    emulator.add_spreadsheet(KEY, {"Form Responses 1": form_rows(10)}, public=True)
    first = import_linked(store, NAME, URL, options=options, key_columns=IDENTIFY, overrides=[COMMENT])
    assert first.source.auth_mode == "link" and first.result.added == 10
    emulator.worksheet(KEY).rows[4][2] = "3" if emulator.worksheet(KEY).rows[4][2] != "3" else "4"
    emulator.worksheet(KEY).rows.append(form_row(50))
    again = resync(store, NAME, options=options)
    assert (again.result.added, again.result.updated, again.result.unchanged) == (1, 1, 9)


# -- column changes ---------------------------------------------------------------------------------------


def test_new_column_stops_the_sync_and_can_be_mapped(store, sheet, linked, account, options) -> None:
    before = snapshot(store)
    sheet.rows[0].append("Region")
    for i, row in enumerate(sheet.rows[1:]):
        row.append(("North", "South")[i % 2])
    with pytest.raises(SchemaChanged) as caught:
        resync(store, NAME, credentials=account, options=options)
    err = caught.value
    assert err.appeared == ("Region",) and err.disappeared == ()
    assert "new column 'Region'" in str(err)
    assert_untouched(store, before)
    assert store.imports(NAME)["status"].iloc[0] == "failed"
    assert sheet_source(store, NAME).last_status == "columns changed"
    mapping = err.suggested.with_role("segment", "Region")
    synced = resync(store, NAME, credentials=account, options=options, remap=mapping)
    assert synced.result.updated == 40  # every row gained a segment value
    assert "Region" in store.dataset(NAME).config.mapping.segments
    assert synced.source.columns == (*HEADER, "Region")
    assert set(store.load(NAME)["Region"]) == {"North", "South"}
    assert resync(store, NAME, credentials=account, options=options).result.unchanged == 40


def test_vanished_column_is_named_and_accepting_drops_it_from_the_mapping(store, sheet, linked, account,
                                                                          options) -> None:
    plan = HEADER.index("Plan")
    for row in sheet.rows:
        del row[plan]
    with pytest.raises(SchemaChanged, match="column 'Plan' disappeared") as caught:
        resync(store, NAME, credentials=account, options=options)
    assert caught.value.disappeared == ("Plan",)
    assert "Plan" not in caught.value.suggested.columns()
    synced = resync(store, NAME, credentials=account, options=options, accept_columns=True)
    assert synced.source.columns == tuple(c for c in HEADER if c != "Plan")
    assert synced.result.updated == 40  # the rows no longer carry a plan
    assert store.load(NAME)["Plan"].isna().all()


def test_remap_naming_a_missing_column_is_refused(store, sheet, linked, account, options) -> None:
    bad = store.dataset(NAME).config.mapping.with_role("brand", "Product")
    with pytest.raises(InputError, match="'Product', which the sheet does not have"):
        resync(store, NAME, credentials=account, options=options, remap=bad)


def test_a_vanished_identifying_column_cannot_be_accepted(store, sheet, linked, account, options) -> None:
    before = snapshot(store)
    for row in sheet.rows:
        del row[1]
    with pytest.raises(InputError, match="no longer has 'Email Address', which identify its rows"):
        resync(store, NAME, credentials=account, options=options, accept_columns=True)
    assert_untouched(store, before)


# -- failures: explained, recorded, store untouched -------------------------------------------------------


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def _stranger(emulator: SheetsEmulator) -> dict[str, str]:
    return emulator.unknown_service_account("stranger@portal-tests.iam.gserviceaccount.com")


FAILURES = {
    "not shared (403)": (lambda emu, sheet: emu.spreadsheet(KEY).shared_with.clear(), f"add {EMAIL} as a Viewer"),
    "403 error body": (
        lambda emu, sheet: emu.fail("values", 403, body=google_error(403, "The caller does not have permission",
                                                                     "PERMISSION_DENIED")),
        f"add {EMAIL} as a Viewer",
    ),
    "sheet not found (404)": (lambda emu, sheet: emu.remove_spreadsheet(KEY), "no spreadsheet with the key"),
    "quota (429 for ever)": (
        lambda emu, sheet: emu.fail("values", 429, body=google_error(429, "Quota", "RESOURCE_EXHAUSTED"),
                                    times=None),
        "too many requests",
    ),
    "slow answer": (lambda emu, sheet: emu.fail("values", hold=emu.stopped), "did not answer within 0.5 seconds"),
    "malformed body": (lambda emu, sheet: emu.fail("values", body=b'{"values": [['), "answer could not be read"),
    "worksheet deleted": (
        lambda emu, sheet: setattr(emu.spreadsheet(KEY), "worksheets", [Worksheet("Other", 7, [["a"], ["1"]])]),
        r"\(gid=0\) no longer exists. Its worksheets are: 'Other'",
    ),
    "empty header row": (lambda emu, sheet: sheet.rows.__setitem__(0, [""] * 5), "first row of worksheet"),
    "duplicated header": (lambda emu, sheet: sheet.rows[0].__setitem__(4, "Timestamp"), "names two columns"),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_failures_leave_the_store_untouched_and_are_recorded(case, store, emulator, sheet, linked, account,
                                                             options) -> None:
    setup, says = FAILURES[case]
    before = snapshot(store)
    setup(emulator, sheet)
    with pytest.raises(SourceError, match=says) as caught:
        resync(store, NAME, credentials=account, options=replace(options, timeout=0.5, attempts=3))
    assert_untouched(store, before)
    history = store.imports(NAME)
    assert history["status"].tolist() == ["failed", "ok"]
    assert history["message"].iloc[0] == str(caught.value)
    assert history["source_kind"].iloc[0] == "sheet"
    source = sheet_source(store, NAME)
    assert source.last_status == "failed" and source.last_message == str(caught.value)


@pytest.mark.parametrize(
    ("credentials", "env", "says"),
    [
        (None, None, "No Google service account is configured"),
        (None, "missing.json", "cannot be read"),
        ("stranger", None, "Google refused the key of stranger@"),
    ],
)
def test_credential_failures_on_refresh(credentials, env, says, store, emulator, sheet, linked, options,
                                        tmp_path, monkeypatch) -> None:
    before = snapshot(store)
    if env:
        monkeypatch.setenv("PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE", str(tmp_path / env))
    creds = _stranger(emulator) if credentials == "stranger" else None
    with pytest.raises(SourceError, match=says):
        resync(store, NAME, credentials=creds, options=options)
    assert_untouched(store, before)
    assert store.imports(NAME)["status"].iloc[0] == "failed"


def test_network_unreachable_on_refresh(store, sheet, linked, account, options) -> None:
    before = snapshot(store)
    with pytest.raises(SourceError, match="could not reach Google"):
        resync(store, NAME, credentials=account, options=replace(options, api_url=_closed_port()))
    assert_untouched(store, before)


def test_quota_then_success_on_refresh(store, emulator, sheet, linked, account, options, waits) -> None:
    emulator.fail("values", 429, body=google_error(429, "Quota", "RESOURCE_EXHAUSTED"), times=2)
    sheet.rows.append(form_row(77))
    assert resync(store, NAME, credentials=account, options=options).result.added == 1
    assert waits == [0.5, 1.0]


def test_failed_first_import_is_recorded_and_creates_nothing(store, emulator, account, options) -> None:
    emulator.add_spreadsheet(KEY, {"Sheet1": [["a", "a"], ["1", "2"]]}, shared_with=(EMAIL,))
    with pytest.raises(SourceError, match="names two columns 'a'"):
        import_linked(store, NAME, URL, credentials=account, options=options)
    assert store.dataset(NAME) is None and sheet_source(store, NAME) is None
    rows = form_rows(5)
    rows[3][2] = "12"  # an NPS score out of range: strict mode rejects the whole sheet
    emulator.add_spreadsheet(KEY, {"Form Responses 1": rows}, shared_with=(EMAIL,))
    with pytest.raises(ValidationError, match="strict mode rejects the whole file"):
        import_linked(store, NAME, URL, credentials=account, options=options, key_columns=IDENTIFY, strict=True)
    assert store.dataset(NAME) is None and sheet_source(store, NAME) is None
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(imports.c.status, imports.c.source_kind).where(
            imports.c.dataset_name == NAME)).all()
    assert [tuple(r) for r in rows] == [("failed", "sheet")]


def test_refresh_of_a_dataset_without_a_sheet(store, sheet, linked) -> None:
    with pytest.raises(NotFoundError, match="No dataset named 'nope'"):
        resync(store, "nope")
    unlink_sheet(store, NAME)
    with pytest.raises(NotFoundError, match="is not linked to a Google Sheet"):
        resync(store, NAME)


def test_deleting_the_dataset_forgets_its_sheet(store, linked) -> None:
    store.delete_dataset(NAME)
    assert sheet_sources(store) == []


# -- leases -----------------------------------------------------------------------------------------------


def test_lease_is_exclusive_until_released_or_expired(store) -> None:
    now = datetime(2030, 1, 1, 12, 0)
    assert acquire_lease(store, "job", "a", ttl=timedelta(minutes=5), now=now)
    assert not acquire_lease(store, "job", "b", ttl=timedelta(minutes=5), now=now + timedelta(minutes=4))
    assert lease_holder(store, "job", now=now) == "a"
    assert acquire_lease(store, "job", "b", ttl=timedelta(minutes=5), now=now + timedelta(minutes=6))
    release_lease(store, "job", "a")  # no longer a's: nothing happens
    assert lease_holder(store, "job", now=now + timedelta(minutes=6)) == "b"
    release_lease(store, "job", "b")
    assert lease_holder(store, "job", now=now) is None
    assert acquire_lease(store, "job", "c", now=now)


def test_a_sync_held_by_another_process_is_refused_and_not_recorded(store, db_url, sheet, linked, account,
                                                                     options) -> None:
    code = (
        "import sys; from portal.store import Store; from portal.services.sheets import acquire_lease, release_lease\n"
        f"store = Store({db_url!r}); ok = acquire_lease(store, 'sheet-sync:{NAME}', 'other-process')\n"
        "print('held' if ok else 'refused', flush=True); sys.stdin.readline()\n"
        f"release_lease(store, 'sheet-sync:{NAME}', 'other-process'); print('released', flush=True)\n"
    )
    other = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "held"
        with pytest.raises(SyncBusy, match="being synced by another portal process"):
            resync(store, NAME, credentials=account, options=options)
        other.stdin.write("\n")
        other.stdin.flush()
        assert other.stdout.readline().strip() == "released"
    finally:
        other.communicate(timeout=30)
    assert store.imports(NAME)["status"].tolist() == ["ok"]
    assert resync(store, NAME, credentials=account, options=options).result.unchanged == 40


def test_two_refreshes_at_once_run_one_at_a_time(db_url, emulator, sheet, linked, account, options) -> None:
    # The refresh that takes the lease has its read held until the other one has been refused: the order is
    # fixed by events, and the reader's timeout is far beyond the wait, so a busy machine cannot reorder it.
    refused = threading.Event()
    emulator.fail("values", hold=refused)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def refresh() -> None:
        own = Store(db_url)  # its own engine, as another portal instance would have
        start.wait()
        try:
            resync(own, NAME, credentials=account, options=replace(options, timeout=120))
            outcomes.append("ok")
        except SyncBusy:
            outcomes.append("busy")
            refused.set()
        finally:
            own.close()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    refused.set()  # never leave a held request behind, whatever happened
    assert sorted(outcomes) == ["busy", "ok"]
    assert emulator.holding.is_set()  # the lease holder's read really was under way while the other was refused


# -- schedule ---------------------------------------------------------------------------------------------


def test_schedule_bounds(store, linked) -> None:
    with pytest.raises(InputError, match="between 5 minutes and 7 days"):
        set_schedule(store, NAME, 1)
    with pytest.raises(InputError, match="between 5 minutes"):
        set_schedule(store, NAME, 60 * 24 * 30)
    assert set_schedule(store, NAME, 15).interval_minutes == 15
    assert set_schedule(store, NAME, None).interval_minutes is None
    with pytest.raises(NotFoundError):
        set_schedule(store, "nope", 15)


def test_due_sources_and_run_due(store, emulator, sheet, linked, account, options) -> None:
    emulator.add_spreadsheet("1PublicOtherSheetKey_abcdefghijklmnopqrstu", {"S": form_rows(3)}, public=True)
    import_linked(store, "public", "1PublicOtherSheetKey_abcdefghijklmnopqrstu", options=options, key_columns=IDENTIFY,
                 overrides=[COMMENT])
    synced_at = sheet_source(store, NAME).last_attempt_at
    assert due_sources(store, synced_at + timedelta(days=1)) == []  # no schedule yet
    set_schedule(store, NAME, 30)
    set_schedule(store, "public", 60)
    assert due_sources(store, synced_at + timedelta(minutes=29)) == []
    later = synced_at + timedelta(minutes=45)
    assert [s.dataset for s in due_sources(store, later)] == [NAME]
    sheet.rows.append(form_row(300))
    outcomes = run_due(store, now=later, credentials=account, options=options)
    assert [(o.dataset, o.status, o.result.added) for o in outcomes] == [(NAME, "ok", 1)]
    assert sheet_source(store, NAME).last_sync_at == later
    assert due_sources(store, later + timedelta(minutes=10)) == []
    assert [s.dataset for s in due_sources(store, later + timedelta(minutes=61))] == ["public", NAME]


def test_a_failing_source_does_not_stop_the_others_and_waits_its_interval(store, emulator, sheet, linked,
                                                                          account, options) -> None:
    emulator.add_spreadsheet("1PublicOtherSheetKey_abcdefghijklmnopqrstu", {"S": form_rows(3)}, public=True)
    import_linked(store, "public", "1PublicOtherSheetKey_abcdefghijklmnopqrstu", options=options, key_columns=IDENTIFY,
                 overrides=[COMMENT])
    set_schedule(store, NAME, 30)
    set_schedule(store, "public", 30)
    emulator.spreadsheet(KEY).shared_with.clear()
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=2)
    outcomes = {o.dataset: o for o in run_due(store, now=later, credentials=account, options=options)}
    assert outcomes[NAME].status == "failed" and EMAIL in outcomes[NAME].message
    assert outcomes["public"].status == "ok" and outcomes["public"].result.unchanged == 3
    assert sheet_source(store, NAME).last_attempt_at == later
    assert run_due(store, now=later + timedelta(minutes=5), credentials=account, options=options) == []


def test_sync_sources_reports_columns_changed(store, sheet, linked, account, options) -> None:
    sheet.rows[0][4] = "Tier"
    [outcome] = sync_sources(store, [NAME], credentials=account, options=options)
    assert outcome.status == "columns changed" and "'Tier'" in outcome.message


def test_sources_are_listed_with_their_settings(store, linked) -> None:
    set_schedule(store, NAME, 120)
    [source] = sheet_sources(store)
    assert (source.dataset, source.interval_minutes, source.delete_missing) == (NAME, 120, False)
    assert json.loads(json.dumps(source.key_columns)) == list(IDENTIFY)
