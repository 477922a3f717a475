"""The ``jobs`` table: claiming is race-safe across processes, a dead owner's job is released, the migration."""

from __future__ import annotations

import multiprocessing
import threading

import sqlalchemy as sa

from portal.store import Store
from portal.store import jobs as stored
from portal.store.jobs import JobRequest
from portal.store.migrate import current_revisions, head_revisions
from portal.store.schema import BY_PERSON, BY_PORTAL, JOB_INTERRUPTED, JOB_QUEUED, JOB_RUNNING

CLAIMERS = 6


def _claim_in_process(url: str, owner: str, start, results) -> None:
    """Open the store in this process, wait for the start signal, claim once and report what was won."""
    store = Store(url)
    start.wait()
    job = stored.claim_job(store, owner)
    results.put((owner, job.id if job else None))
    store.close()


def test_one_job_claimed_by_several_processes_at_once_goes_to_exactly_one(db_url: str) -> None:
    store = Store(db_url)
    job_id = stored.submit_job(store, JobRequest("follow_up", "a", {"changed": True}))
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_claim_in_process, args=(db_url, f"owner-{i}", start, results))
             for i in range(CLAIMERS)]
    for p in procs:
        p.start()
    start.set()
    won = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join()
    winners = [owner for owner, got in won if got is not None]
    assert len(winners) == 1 and {got for _, got in won} == {job_id, None}
    job = stored.get_job(store, job_id)
    assert job.state == JOB_RUNNING and job.owner == winners[0] and job.attempts == 1
    store.close()


def test_threads_claiming_many_jobs_never_share_one(db_url: str) -> None:
    store = Store(db_url)
    ids = {stored.submit_job(store, JobRequest("x", None)) for _ in range(20)}
    barrier = threading.Barrier(4)
    got: dict[str, list[int]] = {}

    def claim_all(owner: str) -> None:
        barrier.wait()
        mine = got.setdefault(owner, [])
        while (job := stored.claim_job(store, owner)) is not None:
            mine.append(job.id)

    threads = [threading.Thread(target=claim_all, args=(f"t{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed = [i for mine in got.values() for i in mine]
    assert sorted(claimed) == sorted(ids)  # every job once, none twice
    store.close()


def test_a_job_waits_while_another_job_of_its_dataset_runs(db_url: str) -> None:
    store = Store(db_url)
    first = stored.submit_job(store, JobRequest("import", "a", started_by=BY_PERSON))
    second = stored.submit_job(store, JobRequest("follow_up", "a"))
    other = stored.submit_job(store, JobRequest("follow_up", "b"))
    assert stored.claim_job(store, "w1").id == first
    assert stored.claim_job(store, "w2").id == other  # "a" is busy
    assert stored.claim_job(store, "w3") is None
    assert stored.finish_job(store, first, "w1", result={"message": "ok"})
    assert stored.claim_job(store, "w3").id == second
    store.close()


def test_progress_and_the_end_are_written_only_by_the_owner(db_url: str) -> None:
    store = Store(db_url)
    job_id = stored.submit_job(store, JobRequest("import", "a", payload=b"file bytes", started_by=BY_PERSON))
    assert stored.job_payload(store, job_id) == b"file bytes"
    stored.claim_job(store, "me")
    assert not stored.report_progress(store, job_id, "someone else", percent=50, stage="x")
    assert stored.report_progress(store, job_id, "me", percent=40, stage="Writing rows")
    job = stored.get_job(store, job_id)
    assert (job.progress, job.stage) == (40, "Writing rows")
    assert stored.finish_job(store, job_id, "me", error="The file has no rows.")
    job = stored.get_job(store, job_id)
    assert (job.state, job.error, job.finished_at is not None) == ("failed", "The file has no rows.", True)
    assert stored.job_payload(store, job_id) is None  # the file is not kept once the job ended
    store.close()


def test_a_dead_owners_jobs_are_queued_again_or_interrupted_by_who_started_them(db_url: str) -> None:
    store = Store(db_url)
    mine = stored.submit_job(store, JobRequest("import", "a", started_by=BY_PERSON))
    portal = stored.submit_job(store, JobRequest("follow_up", "b", started_by=BY_PORTAL))
    stored.claim_job(store, "dead")
    stored.claim_job(store, "dead")
    released = stored.release_stale(store, {mine: "dead", portal: "dead"}, interrupted="Stopped.", resumed="Again")
    assert sorted(released) == sorted([mine, portal])
    person, own = stored.get_job(store, mine), stored.get_job(store, portal)
    assert (person.state, person.error, person.notified) == (JOB_INTERRUPTED, "Stopped.", False)
    assert (own.state, own.stage, own.owner) == (JOB_QUEUED, "Again", None)
    assert stored.retry_job(store, mine) and stored.get_job(store, mine).state == JOB_QUEUED
    assert not stored.retry_job(store, portal)  # queued already
    store.close()


def test_the_jobs_table_arrives_in_place_on_a_store_without_it(db_url: str) -> None:
    from test_store_migrations import _downgrade

    store = Store(db_url)
    _downgrade(store.engine, "0009_jobs@-1")
    assert current_revisions(store.engine) == head_revisions() - {"0009_jobs"}
    with store.engine.connect() as conn:
        assert "jobs" not in sa.inspect(conn).get_table_names()
    store.close()
    store = Store(db_url)  # opening applies 0009
    assert current_revisions(store.engine) == head_revisions()
    job_id = stored.submit_job(store, JobRequest("follow_up", "a"))
    assert stored.get_job(store, job_id).state == JOB_QUEUED
    store.close()
