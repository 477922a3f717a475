"""Background jobs: a killed runner's work resumes or waits for the person, failures read as sentences."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from portal.cli import main
from portal.commands.jobs import JSON_KEYS
from portal.demo import survey_frame
from portal.errors import InputError
from portal.ingest.read import read_table
from portal.services import jobs
from portal.services import themes as theme_service
from portal.services.imports import FOLLOW_UP, propose
from portal.services.job_kinds import IMPORT, submit_import
from portal.store import Store
from portal.store import jobs as stored

WORKER = Path(__file__).with_name("jobs_worker.py")
GATE = "Stopped at the test's gate"


def survey_csv(rows: int = 300) -> bytes:
    """Return the first ``rows`` responses of the demo survey as a CSV file's bytes."""
    buffer = io.StringIO()
    survey_frame().head(rows).to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def queue_import(store: Store, name: str, data: bytes) -> int:
    """Queue the import of ``data`` into ``name`` as a person would from the page, with the proposed mapping."""
    config = propose(read_table(data, f"{name}.csv")).config
    return submit_import(store, name, data, source=f"{name}.csv", sheet=None, config=config)


def wait_until(condition, what: str):
    """Wait until ``condition()`` returns something true (the worker gets as long as it needs); return it."""
    while not (found := condition()):
        time.sleep(0.05)
    assert found, what
    return found


def at_gate(store: Store, kind: str, proc: subprocess.Popen):
    """Return the running job of ``kind`` once it stands at the gate (fail if the worker ended first)."""
    def check():
        assert proc.poll() is None, f"the worker ended early: {proc.communicate()}"
        found = [j for j in jobs.list_jobs(store) if j.kind == kind and j.stage == GATE]
        return found[0] if found else None
    return wait_until(check, f"a {kind} job at the gate")


def kill_at_gate(url: str, store: Store, kind: str):
    """Run `portal jobs run` in a process whose ``kind`` jobs stop at a gate; SIGKILL it there; return that job."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, str(WORKER), url, kind], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    job = at_gate(store, kind, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return jobs.get(store, job.id)


def test_the_follow_up_of_an_import_killed_before_discovery_resumes_and_finds_the_themes(db_url):
    store = Store(db_url)
    imported = queue_import(store, "survey", survey_csv())
    follow_up = kill_at_gate(db_url, store, FOLLOW_UP)
    assert follow_up.state == jobs.JOB_RUNNING and follow_up.started_by == jobs.BY_PORTAL
    assert jobs.get(store, imported).state == jobs.JOB_DONE
    # The known defect's state: the rows are in and the history says ok, but there are no themes yet.
    assert store.dataset("survey").rows == 300
    assert store.imports("survey")["status"].tolist() == ["ok"]
    assert theme_service.current_codeframe(store, "survey") is None

    ran = jobs.run_pending(store)  # the next runner start
    assert [(j.id, j.state) for j in ran] == [(follow_up.id, jobs.JOB_DONE)]
    assert jobs.get(store, follow_up.id).attempts == 2
    assert theme_service.current_codeframe(store, "survey") is not None
    assert "Found" in jobs.get(store, follow_up.id).result["message"]
    store.close()


def test_a_persons_import_killed_mid_job_shows_interrupted_and_runs_again_when_asked(db_url, capsys):
    store = Store(db_url)
    imported = queue_import(store, "survey", survey_csv(120))
    kill_at_gate(db_url, store, IMPORT)
    assert store.dataset("survey") is None  # all or nothing: no row of the unfinished import

    assert jobs.run_pending(store) == []  # not resumed by itself
    job = jobs.get(store, imported)
    assert job.state == jobs.JOB_INTERRUPTED and job.error == jobs.INTERRUPTED
    assert [j.id for j in jobs.to_announce(store)] == [imported]

    assert main(["jobs", "retry", str(imported), "--db", db_url]) == 0
    capsys.readouterr()
    assert main(["jobs", "run", "--db", db_url, "--format", "json"]) == 0
    ran = json.loads(capsys.readouterr().out)
    assert [(r["kind"], r["state"]) for r in ran] == [(IMPORT, "done"), (FOLLOW_UP, "done")]
    assert all(tuple(r) == JSON_KEYS for r in ran)
    done = jobs.get(store, imported)
    assert done.state == jobs.JOB_DONE and done.result["added"] == 120 and done.attempts == 2
    assert store.dataset("survey").rows == 120
    store.close()


def test_a_failed_job_says_why_in_a_sentence_never_a_traceback_or_sql(db_url, capsys):
    store = Store(db_url)
    config = propose(read_table(survey_csv(5), "s.csv")).config
    unreadable = submit_import(store, "s", b"\x00\x01\x02 not a table \xff" * 50, source="s.csv", sheet=None,
                               config=config)

    def explode(_store, params, _progress):
        raise RuntimeError(f"(psycopg.errors.UniqueViolation) INSERT INTO jobs VALUES ('{params['secret']}')")

    jobs.register("explode", explode, label="Test work")
    crashed = jobs.submit(store, "explode", params={"secret": "p4ssw0rd"})
    ran = {j.id: j for j in jobs.run_pending(store)}
    assert ran[unreadable].state == jobs.JOB_FAILED
    assert ran[unreadable].error.endswith(".") and "Traceback" not in ran[unreadable].error
    assert jobs.get(store, unreadable).error == ran[unreadable].error
    assert ran[crashed].error == jobs.UNEXPECTED.format(what="RuntimeError")
    assert main(["jobs", "--db", db_url, "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in listed] == [crashed, unreadable]  # newest first
    assert all(tuple(r) == JSON_KEYS and r["state"] == "failed" and r["finished"] for r in listed)
    assert "p4ssw0rd" not in json.dumps(listed) and "INSERT" not in json.dumps(listed)
    assert "Test work: failed. It stopped because of an unexpected problem" in jobs.outcome(ran[crashed])
    with pytest.raises(InputError, match="only an interrupted or failed job"):
        jobs.retry(store, jobs.submit(store, "explode", params={"secret": "x"}))
    store.close()


def test_a_job_left_running_by_an_earlier_process_with_this_process_id_is_released(db_url):
    store = Store(db_url)
    job_id = jobs.submit(store, FOLLOW_UP, dataset="gone", started_by=jobs.BY_PORTAL)
    earlier = jobs.owner_name()  # same machine and process id, another runner's name: as after a restart
    assert stored.claim_job(store, earlier).id == job_id
    assert jobs.recover(store) == [job_id]
    [ran] = jobs.run_pending(store)
    assert ran.id == job_id and ran.state == jobs.JOB_DONE
    assert "was deleted" in ran.result["message"]
    store.close()



def test_a_job_of_another_machine_is_released_only_once_its_heartbeat_is_old(db_url):
    import sqlalchemy as sa

    from portal.store.schema import jobs as jobs_table

    store = Store(db_url)
    job_id = jobs.submit(store, FOLLOW_UP, dataset="gone", started_by=jobs.BY_PORTAL)
    stored.claim_job(store, "another-machine:4242:abcd")
    assert jobs.recover(store) == []  # its heartbeat is fresh: that machine may well be running it
    old = jobs.get(store, job_id).heartbeat_at - jobs.STALE_AFTER - timedelta(seconds=1)
    with store.engine.begin() as conn:
        conn.execute(sa.update(jobs_table).where(jobs_table.c.id == job_id).values(heartbeat_at=old))
    assert jobs.recover(store) == [job_id]
    assert jobs.get(store, job_id).state == jobs.JOB_QUEUED
    store.close()


def test_a_job_of_this_machine_whose_process_id_was_reused_is_released_once_its_heartbeat_is_old(db_url):
    import socket

    import sqlalchemy as sa

    from portal.store.schema import jobs as jobs_table

    store = Store(db_url)
    job_id = jobs.submit(store, FOLLOW_UP, dataset="gone", started_by=jobs.BY_PORTAL)
    # the id of a process that is alive (the parent of this one) stands for a dead runner's reused id
    stored.claim_job(store, f"{socket.gethostname()[:120]}:{os.getppid()}:abcd")
    assert jobs.recover(store) == []  # a live process and a fresh heartbeat
    old = jobs.get(store, job_id).heartbeat_at - jobs.STALE_AFTER - timedelta(seconds=1)
    with store.engine.begin() as conn:
        conn.execute(sa.update(jobs_table).where(jobs_table.c.id == job_id).values(heartbeat_at=old))
    assert jobs.recover(store) == [job_id]
    store.close()


def test_deleting_a_dataset_removes_its_jobs_and_the_files_kept_with_them(db_url):
    store = Store(db_url)
    for name in ("kept", "dropped"):
        queue_import(store, name, survey_csv(20))
    jobs.run_pending(store)
    kept = queue_import(store, "kept", survey_csv(30))
    gone = queue_import(store, "dropped", survey_csv(30))  # an upload waiting to run, its file kept with it
    assert stored.job_payload(store, gone) is not None
    store.delete_dataset("dropped")
    assert jobs.get(store, gone) is None and stored.job_payload(store, gone) is None
    assert jobs.get(store, kept) is not None
    store.close()
