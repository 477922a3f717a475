"""A sheet sync as a background job: the configured account and sheet, the follow-up queued, a failure's sentence."""

from __future__ import annotations

import json

from gsheets.conftest import EMAIL, KEY, form_rows
from gsheets.flows import import_linked
from portal.services import job_kinds, jobs
from portal.services.imports import FOLLOW_UP
from portal.services.job_kinds import SHEET_SYNC

URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"


def test_a_sheet_sync_job_reads_the_sheet_with_the_configured_account(store, emulator, account, options,
                                                                       monkeypatch, tmp_path) -> None:
    sheet_rows = form_rows(30)
    emulator.add_spreadsheet(KEY, {"Form Responses 1": sheet_rows}, shared_with=(EMAIL,))
    import_linked(store, "survey", URL, credentials=account, options=options,
                  key_columns=("Timestamp", "Email Address"))
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(account))
    monkeypatch.setenv("PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE", str(key_file))
    monkeypatch.setenv("PORTAL_SHEETS_API_URL", emulator.url)
    monkeypatch.setenv("PORTAL_DOCS_URL", emulator.url)
    emulator.worksheet(KEY).rows.extend(form_rows(5, start=30)[1:])

    job_id = jobs.submit(store, SHEET_SYNC, dataset="survey", started_by=jobs.BY_PORTAL)
    ran = jobs.run_pending(store)
    assert [(j.kind, j.state) for j in ran] == [(SHEET_SYNC, jobs.JOB_DONE), (FOLLOW_UP, jobs.JOB_DONE)]
    done = jobs.get(store, job_id)
    assert done.result["message"] == "5 added, 0 updated, 30 unchanged, 0 rejected."
    assert done.result["follow_up"] == ran[1].id
    assert store.dataset("survey").rows == 35

    emulator.worksheet(KEY).rows.clear()  # the sheet was emptied: the sync fails and says why
    failed = jobs.get(store, jobs.submit(store, SHEET_SYNC, dataset="survey"))
    [ended] = jobs.run_pending(store)
    assert ended.id == failed.id and ended.state == jobs.JOB_FAILED
    assert ended.error.endswith(".") and "Traceback" not in ended.error
    assert store.dataset("survey").rows == 35


def test_refresh_now_as_a_job_reads_the_portals_secrets_and_asks_for_changed_columns(store, emulator, account,
                                                                                       options, monkeypatch) -> None:
    emulator.add_spreadsheet(KEY, {"Form Responses 1": form_rows(10)}, shared_with=(EMAIL,))
    import_linked(store, "survey", URL, credentials=account, options=options,
                  key_columns=("Timestamp", "Email Address"))
    monkeypatch.setenv("PORTAL_SHEETS_API_URL", emulator.url)
    monkeypatch.setenv("PORTAL_DOCS_URL", emulator.url)
    monkeypatch.setattr(job_kinds, "_SECRETS", [])
    job_kinds.use_secrets(lambda: account)  # as the web portal hands over its secrets; nothing of it is stored
    sheet = emulator.worksheet(KEY)
    sheet.rows[0].append("Region")  # a new column appears in the sheet
    for row in sheet.rows[1:]:
        row.append("EMEA")

    job_id = job_kinds.submit_sheet_sync(store, "survey")
    assert "private_key" not in json.dumps(jobs.get(store, job_id).params)
    jobs.run_pending(store)
    asked = jobs.get(store, job_id)
    assert asked.state == jobs.JOB_DONE and "changed its columns" in asked.result["message"]
    assert asked.result["schema_changed"]["appeared"] == ["Region"]
    assert store.dataset("survey").rows == 10  # nothing imported until the person confirms the mapping

    mapping = store.dataset("survey").config.mapping
    again = job_kinds.submit_sheet_sync(store, "survey", remap=mapping)
    jobs.run_pending(store)
    done = jobs.get(store, again)
    assert done.state == jobs.JOB_DONE and "schema_changed" not in done.result
    assert done.result["message"].endswith("0 rejected.")


def test_a_due_sheet_is_queued_once_as_the_portals_job_and_synced_by_the_runner(store, emulator, account, options,
                                                                               monkeypatch) -> None:
    from datetime import timedelta

    from portal.services.sheets import set_schedule, sheet_source

    emulator.add_spreadsheet(KEY, {"Form Responses 1": form_rows(10)}, shared_with=(EMAIL,))
    import_linked(store, "survey", URL, credentials=account, options=options,
                  key_columns=("Timestamp", "Email Address"))
    monkeypatch.setenv("PORTAL_SHEETS_API_URL", emulator.url)
    monkeypatch.setenv("PORTAL_DOCS_URL", emulator.url)
    monkeypatch.setattr(job_kinds, "_SECRETS", [])
    job_kinds.use_secrets(lambda: account)
    synced_at = sheet_source(store, "survey").last_attempt_at
    assert job_kinds.queue_due_syncs(store, synced_at + timedelta(hours=1)) == []  # no schedule: never due
    set_schedule(store, "survey", 30)
    later = synced_at + timedelta(minutes=45)
    [queued] = job_kinds.queue_due_syncs(store, later)
    assert job_kinds.queue_due_syncs(store, later) == []  # already queued: not twice
    assert jobs.get(store, queued).started_by == jobs.BY_PORTAL
    emulator.worksheet(KEY).rows.extend(form_rows(3, start=10)[1:])
    ran = jobs.run_pending(store)
    assert [j.kind for j in ran] == [SHEET_SYNC, FOLLOW_UP] and ran[0].state == jobs.JOB_DONE
    assert store.dataset("survey").rows == 13
