"""Background jobs: long work (imports, the work that follows them, sheet syncs, reports) that outlives a page.

A job is stored (``portal.store.jobs``) before it runs, so closing the page, a restart or a kill never loses it:

* ``submit`` queues work; ``run_next`` claims the oldest queued job (exactly one process wins it) and runs it
  with a percentage and a stage the pages poll; ``run_pending`` runs everything queued (``portal jobs run``).
* Each kind of job is a function ``(store, params, progress) -> result`` registered by name in one line with
  ``register`` (``params`` also carry ``job_id`` and ``dataset``; a result is a JSON-able dict whose
  ``message`` is shown to the person; bytes under ``OUTPUT`` are a file the job made, kept with it and read
  back with ``output``).
* A job whose process died is found by ``recover`` (its process is gone, or its heartbeat is old): work the
  portal started itself is queued again and resumes (every kind is safe to run twice); a job a person started
  ends ``interrupted`` and runs again only when the person asks (``retry``).
* A failure ends the job ``failed`` with a sentence for a person, never a traceback or SQL.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from portal.errors import InputError, NotFoundError, PortalError
from portal.store import Store
from portal.store import jobs as stored
from portal.store.jobs import Job, JobRequest
from portal.store.schema import (
    BY_PERSON,
    BY_PORTAL,
    JOB_DONE,
    JOB_FAILED,
    JOB_INTERRUPTED,
    JOB_QUEUED,
    JOB_RUNNING,
)

__all__ = [
    "BY_PERSON", "BY_PORTAL", "JOB_DONE", "JOB_FAILED", "JOB_INTERRUPTED", "JOB_QUEUED", "JOB_RUNNING", "Job",
    "JobKind", "JobRequest", "OUTPUT", "get", "kinds", "list_jobs", "output", "recover", "register", "retry", "run_next",
    "run_now", "run_pending", "submit",
]

_LOG = logging.getLogger("portal.jobs")
Progress = Callable[[float, str], None]
JobFunction = Callable[[Store, dict[str, Any], Progress], Mapping[str, Any] | None]

#: The result key under which a job hands back a file it made (a report), kept with the job, not in its result.
OUTPUT = "output"
#: A running job's heartbeat is written at least this often ...
HEARTBEAT_SECONDS = 15.0
#: ... and its percentage and stage at most this often (the page polls about as often).
PROGRESS_SECONDS = 0.5
#: A running job whose heartbeat is older than this is taken to have died with its process (other machines).
STALE_AFTER = timedelta(minutes=10)
INTERRUPTED = ("The portal stopped while this was running, so it did not finish. Nothing it had not finished "
               "was kept: run it again.")
RESUMED = "Waiting to resume after the portal restarted"
UNEXPECTED = ("It stopped because of an unexpected problem ({what}). Nothing it had not finished was kept; run it "
              "again, and if it fails again, tell whoever runs the portal (the details are in the server's log).")


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its name, what a person reads for it ("Import into 'a'"), and the function doing it."""

    name: str
    label: str
    run: JobFunction


_KINDS: dict[str, JobKind] = {}
#: Runner names of this process that are running a job right now (a job of this process's id but another
#: name belongs to an earlier process that had the same id, as after a container restart).
_RUNNING_HERE: set[str] = set()


def register(name: str, run: JobFunction, *, label: str) -> None:
    """Make jobs of kind ``name`` run ``run`` (``label`` names them for a person, e.g. "Executive report")."""
    _KINDS[name] = JobKind(name, label, run)


def kinds() -> dict[str, JobKind]:
    """Return every registered kind of job (the portal's own are registered on first use)."""
    from portal.services import job_kinds  # noqa: F401 - registers the built-in kinds

    return dict(_KINDS)


def submit(store: Store, kind: str, *, dataset: str | None = None, params: Mapping[str, Any] | None = None,
           payload: bytes | None = None, started_by: str = BY_PERSON) -> int:
    """Queue a job of ``kind``; return its id. Raises ``InputError`` for an unknown kind."""
    if kind not in kinds():
        raise InputError(f"There is no kind of job called '{kind}'. Known kinds: {', '.join(sorted(kinds()))}.")
    return stored.submit_job(store, JobRequest(kind, dataset, dict(params or {}), started_by, payload))


def owner_name() -> str:
    """Return a name for one runner: this machine, this process and a token of its own."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def run_next(store: Store, *, owner: str | None = None) -> Job | None:
    """Claim the oldest queued job this process knows how to run and run it; return it as it ended (None: none)."""
    owner = owner or owner_name()
    _RUNNING_HERE.add(owner)  # before the claim, so that no ``recover`` of this process takes the job back
    job = stored.claim_job(store, owner, kinds=kinds())
    if job is None:
        _RUNNING_HERE.discard(owner)
    return _run(store, job, owner) if job else None


def run_now(store: Store, job_id: int, *, progress: Progress | None = None) -> Job | None:
    """Claim queued job ``job_id`` and run it here and now; None when another runner has it already."""
    owner = owner_name()
    _RUNNING_HERE.add(owner)
    job = stored.claim_job(store, owner, job_id=job_id)
    if job is None:
        _RUNNING_HERE.discard(owner)
    return _run(store, job, owner, also=progress) if job else None


def run_pending(store: Store, *, owner: str | None = None) -> list[Job]:
    """Give back the jobs of dead processes (``recover``), then run queued jobs until none is left."""
    owner = owner or owner_name()
    recover(store)
    ran = []
    while (job := run_next(store, owner=owner)) is not None:
        ran.append(job)
    return ran


def _run(store: Store, job: Job, owner: str, *, also: Progress | None = None) -> Job:
    """Run a claimed job with a progress reporter beside it; record how it ended; return it as stored."""
    reporter = _Reporter(store, job.id, owner, also)
    reporter.start()
    error, result, output = None, None, None
    try:
        kind = kinds().get(job.kind)
        if kind is None:
            raise InputError(f"This portal does not know how to run a job of kind '{job.kind}'.")
        params = {**job.params, "job_id": job.id, "dataset": job.dataset}
        result = dict(kind.run(store, params, reporter.update) or {})
        output = result.pop(OUTPUT, None)
    except PortalError as err:
        error = str(err)
    except Exception as err:  # noqa: BLE001 - a job ends as "failed" with a sentence; the details go to the log
        _LOG.exception("job %s (%s) failed", job.id, job.kind)
        error = UNEXPECTED.format(what=type(err).__name__)
    finally:
        reporter.stop()
        _RUNNING_HERE.discard(owner)
    stored.finish_job(store, job.id, owner, error=error, result=result, output=output)
    return stored.get_job(store, job.id) or job


class _Reporter(threading.Thread):
    """Writes a running job's latest percentage, stage and heartbeat from beside the work.

    The work only records its progress in memory: on SQLite a write from the work's own thread while it holds
    the import's write transaction would wait for itself.
    """

    def __init__(self, store: Store, job_id: int, owner: str, also: Progress | None) -> None:
        super().__init__(name=f"portal-job-{job_id}", daemon=True)
        self.store, self.job_id, self.owner, self.also = store, job_id, owner, also
        self.latest: tuple[int, str] | None = None
        self.written: tuple[int, str] | None = None
        self.done = threading.Event()

    def update(self, fraction: float, message: str) -> None:
        """Record the work's progress (a fraction 0-1 and what it is doing)."""
        self.latest = (int(round(max(0.0, min(1.0, float(fraction))) * 100)), str(message))
        if self.also:
            self.also(fraction, message)

    def run(self) -> None:
        """Write the progress when it changed, and a heartbeat now and then, until stopped."""
        beats = 0.0
        while not self.done.wait(PROGRESS_SECONDS):
            beats += PROGRESS_SECONDS
            latest = self.latest
            if latest != self.written or beats >= HEARTBEAT_SECONDS:
                self._write(latest)
                beats = 0.0

    def _write(self, latest: tuple[int, str] | None) -> None:
        """Write ``latest`` (or only a heartbeat); a failed write is logged and tried again next time."""
        try:
            percent, stage = latest if latest else (None, None)
            stored.report_progress(self.store, self.job_id, self.owner, percent=percent, stage=stage)
            self.written = latest
        except Exception:  # noqa: BLE001 - progress is a courtesy; the work goes on
            _LOG.warning("could not record the progress of job %s", self.job_id, exc_info=True)

    def stop(self) -> None:
        """Stop writing and wait for the thread to end."""
        self.done.set()
        self.join()


def _gone(job: Job, now: datetime) -> bool:
    """Return whether the process running ``job`` stopped.

    A heartbeat older than ``STALE_AFTER`` says so anywhere (a running job beats every few seconds; on this
    machine a later process may have been given the dead one's id). Sooner, on this machine, the process is
    looked up (a job of this very process must be running here right now).
    """
    if job.heartbeat_at is not None and now - job.heartbeat_at > STALE_AFTER:
        return True
    host, _, rest = (job.owner or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:120] or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return job.owner not in _RUNNING_HERE
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover(store: Store) -> list[int]:
    """Find running jobs whose process died and release them (see the module's docstring); return their ids."""
    now = datetime.now(UTC).replace(tzinfo=None)
    stale = {j.id: j.owner or "" for j in stored.list_jobs(store, states=[JOB_RUNNING], limit=1000) if _gone(j, now)}
    if not stale:
        return []
    released = stored.release_stale(store, stale, interrupted=INTERRUPTED, resumed=RESUMED)
    if released:
        _LOG.info("jobs %s were running in a process that stopped; released", released)
    return released


def retry(store: Store, job_id: int) -> Job:
    """Queue an interrupted or failed job again; return it. Raises ``NotFoundError``/``InputError`` when it cannot."""
    job = stored.get_job(store, job_id)
    if job is None:
        raise NotFoundError(f"There is no job number {job_id}. Run `portal jobs` to see the jobs.")
    if job.state not in (JOB_INTERRUPTED, JOB_FAILED):
        raise InputError(f"Job {job_id} is {job.state}; only an interrupted or failed job can be run again.")
    stored.retry_job(store, job_id)
    return stored.get_job(store, job_id) or job


def get(store: Store, job_id: int) -> Job | None:
    """Return job ``job_id`` as it stands (None when there is none)."""
    return stored.get_job(store, job_id)


def output(store: Store, job_id: int) -> bytes | None:
    """Return the file job ``job_id`` made (None while it runs, when it failed or made none)."""
    job = stored.get_job(store, job_id)
    return stored.job_payload(store, job_id) if job is not None and job.state == JOB_DONE else None


def list_jobs(store: Store, *, states: list[str] | None = None, limit: int = 100) -> list[Job]:
    """Return the newest jobs first (only those in ``states`` when given)."""
    return stored.list_jobs(store, states=states, limit=limit)


def to_announce(store: Store) -> list[Job]:
    """Return the jobs people started that ended and that nobody was told about yet, oldest first."""
    ended = stored.list_jobs(store, states=[JOB_DONE, JOB_FAILED, JOB_INTERRUPTED], started_by=BY_PERSON,
                             notified=False)
    return ended[::-1]


def announced(store: Store, job_ids: list[int]) -> None:
    """Record that the person was told how these jobs ended."""
    stored.mark_notified(store, job_ids)


def label(job: Job) -> str:
    """Return what a person reads for a job: "Import into 'a'", "Themes and sentiment of 'a'" ..."""
    kind = kinds().get(job.kind)
    name = kind.label if kind else job.kind
    if "{dataset}" in name:
        return name.format(dataset=job.dataset or "")
    return f"{name} of '{job.dataset}'" if job.dataset else name


def outcome(job: Job) -> str:
    """Return one sentence saying how a job ended (or where it stands)."""
    what = label(job)
    if job.state == JOB_DONE:
        message = (job.result or {}).get("message")
        return f"{what}: finished. {message}" if message else f"{what}: finished."
    if job.state in (JOB_FAILED, JOB_INTERRUPTED):
        return f"{what}: {'failed' if job.state == JOB_FAILED else 'interrupted'}. {job.error}"
    return f"{what}: {job.state}, {job.progress}%" + (f" ({job.stage})" if job.stage else "") + "."


def waiting(store: Store) -> bool:
    """Return whether any job is queued (a cheap read before claiming)."""
    return bool(stored.list_jobs(store, states=[JOB_QUEUED], limit=1))


def with_follow_up(store: Store, job: Job) -> list[Job]:
    """Return ``job`` and, once it queued one, the follow-up job that brings its dataset up to date."""
    follow_up = (job.result or {}).get("follow_up")
    found = stored.get_job(store, int(follow_up)) if follow_up else None
    return [job, found] if found else [job]
