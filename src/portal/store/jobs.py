"""The ``jobs`` table's SQL: background work waiting, running and done, and who runs it.

The table is described in ``portal.store.schema`` (migration ``0009_jobs``). What a kind of job does is the
business of ``portal.services.jobs``; here a job is a row that moves ``queued`` -> ``running`` -> ``done`` or
``failed``, and back to ``queued`` (or on to ``interrupted``) when the process running it died.

Claiming is race-safe across processes: on SQLite the claim runs in a ``BEGIN IMMEDIATE`` transaction (one
writer at a time), on PostgreSQL it first locks the table against other claims; either way the update is
conditional on the job still being queued, so exactly one claimer wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa

from portal.store.base import _now
from portal.store.connect import read_transaction, write_transaction
from portal.store.schema import (
    BY_PORTAL,
    JOB_DONE,
    JOB_FAILED,
    JOB_INTERRUPTED,
    JOB_QUEUED,
    JOB_RUNNING,
    jobs,
)

if TYPE_CHECKING:
    from portal.store.store import Store

#: States in which a job has ended (it runs again only when a person asks).
ENDED = (JOB_DONE, JOB_FAILED, JOB_INTERRUPTED)


@dataclass(frozen=True)
class JobRequest:
    """Work to queue: its kind, the dataset it concerns, its parameters (JSON-able), who asks, and any file."""

    kind: str
    dataset: str | None
    params: Mapping[str, Any] = field(default_factory=dict)
    started_by: str = BY_PORTAL
    payload: bytes | None = None


@dataclass(frozen=True)
class Job:
    """One stored job as it stands (without its file's bytes: see ``job_payload``)."""

    id: int
    kind: str
    dataset: str | None
    params: dict[str, Any]
    started_by: str
    state: str
    progress: int
    stage: str
    error: str
    result: dict[str, Any] | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None
    owner: str | None
    notified: bool

    @property
    def ended(self) -> bool:
        """Return whether the job has ended (done, failed or interrupted)."""
        return self.state in ENDED


_COLUMNS = [c for c in jobs.c if c.name != "payload"]


def _job(row: sa.RowMapping) -> Job:
    """Return a ``Job`` from a row of ``_COLUMNS``."""
    values = dict(row)
    values["params"] = orjson.loads(values["params"] or "{}")
    values["result"] = orjson.loads(values["result"]) if values["result"] else None
    values["notified"] = bool(values["notified"])
    return Job(**values)


def insert_job(conn: sa.Connection, request: JobRequest, *, now: datetime | None = None) -> int:
    """Queue ``request`` inside the caller's transaction; return the new job's id."""
    values = {
        "kind": request.kind, "dataset": request.dataset, "params": orjson.dumps(dict(request.params)).decode(),
        "payload": request.payload, "started_by": request.started_by, "state": JOB_QUEUED,
        "created_at": now or _now(),
    }
    return int(conn.execute(sa.insert(jobs).values(**values).returning(jobs.c.id)).scalar_one())


def submit_job(store: Store, request: JobRequest) -> int:
    """Queue ``request``; return the new job's id."""
    with write_transaction(store.engine) as conn:
        return insert_job(conn, request)


def claim_job(store: Store, owner: str, *, job_id: int | None = None, kinds: Iterable[str] | None = None) -> Job | None:
    """Take the oldest queued job (or job ``job_id`` when it is queued) for ``owner``; None when there is none.

    A job waits while another job of its dataset runs (work on one dataset goes one job at a time), even when
    asked for by ``job_id``; ``kinds`` limits the claim to the kinds this runner knows.
    """
    now = _now()
    with write_transaction(store.engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("LOCK TABLE jobs IN SHARE ROW EXCLUSIVE MODE")
        stmt = sa.select(jobs.c.id).where(jobs.c.state == JOB_QUEUED).order_by(jobs.c.id).limit(1)
        if job_id is not None:
            stmt = stmt.where(jobs.c.id == job_id)
        busy = sa.select(jobs.c.dataset).where(jobs.c.state == JOB_RUNNING, jobs.c.dataset.is_not(None))
        stmt = stmt.where(sa.or_(jobs.c.dataset.is_(None), jobs.c.dataset.not_in(busy)))
        if kinds is not None:
            stmt = stmt.where(jobs.c.kind.in_(list(kinds)))
        found = conn.execute(stmt).scalar()
        if found is None:
            return None
        taken = conn.execute(
            sa.update(jobs).where(jobs.c.id == found, jobs.c.state == JOB_QUEUED)
            .values(state=JOB_RUNNING, owner=owner, started_at=now, heartbeat_at=now, finished_at=None,
                    progress=0, stage="", error="", attempts=jobs.c.attempts + 1))
        if taken.rowcount != 1:
            return None
        row = conn.execute(sa.select(*_COLUMNS).where(jobs.c.id == found)).mappings().one()
    return _job(row)


def report_progress(store: Store, job_id: int, owner: str, *, percent: int | None = None,
                    stage: str | None = None) -> bool:
    """Record a running job's percentage and stage (and a heartbeat); return False when ``owner`` lost it."""
    values: dict[str, Any] = {"heartbeat_at": _now()}
    if percent is not None:
        values["progress"] = max(0, min(100, int(percent)))
    if stage is not None:
        values["stage"] = stage[:500]
    with write_transaction(store.engine) as conn:
        done = conn.execute(sa.update(jobs).where(jobs.c.id == job_id, jobs.c.owner == owner,
                                                  jobs.c.state == JOB_RUNNING).values(**values))
    return done.rowcount == 1


def finish_job(store: Store, job_id: int, owner: str, *, error: str | None = None,
               result: Mapping[str, Any] | None = None, output: bytes | None = None) -> bool:
    """End a running job of ``owner``: done, or failed with ``error`` (a sentence); its input file is dropped
    and ``output`` (a file the job made, such as a report) is kept in its place."""
    values: dict[str, Any] = {"state": JOB_FAILED if error else JOB_DONE, "finished_at": _now(),
                              "payload": None if error else output, "error": error or "", "owner": None}
    if result is not None:
        values["result"] = orjson.dumps(dict(result)).decode()
    if not error:
        values.update(progress=100, stage="Finished")
    with write_transaction(store.engine) as conn:
        done = conn.execute(sa.update(jobs).where(jobs.c.id == job_id, jobs.c.owner == owner,
                                                  jobs.c.state == JOB_RUNNING).values(**values))
    return done.rowcount == 1


def release_stale(store: Store, stale: Mapping[int, str], *, interrupted: str, resumed: str) -> list[int]:
    """Take running jobs whose process died (id -> the owner seen) away from their owner; return their ids.

    The portal's own jobs go back to the queue (stage ``resumed``); a person's job ends ``interrupted`` (error
    ``interrupted``) until the person runs it again. A job whose owner changed since it was seen is left alone.
    """
    released = []
    now = _now()
    with write_transaction(store.engine) as conn:
        for job_id, owner in stale.items():
            where = sa.and_(jobs.c.id == job_id, jobs.c.owner == owner, jobs.c.state == JOB_RUNNING)
            portal = conn.execute(sa.update(jobs).where(where, jobs.c.started_by == BY_PORTAL).values(
                state=JOB_QUEUED, owner=None, heartbeat_at=None, stage=resumed))
            person = conn.execute(sa.update(jobs).where(where, jobs.c.started_by != BY_PORTAL).values(
                state=JOB_INTERRUPTED, owner=None, finished_at=now, error=interrupted, notified=False))
            if portal.rowcount or person.rowcount:
                released.append(job_id)
    return released


def retry_job(store: Store, job_id: int) -> bool:
    """Queue an interrupted or failed job again; return False when it is not in one of those states."""
    with write_transaction(store.engine) as conn:
        done = conn.execute(
            sa.update(jobs).where(jobs.c.id == job_id, jobs.c.state.in_((JOB_INTERRUPTED, JOB_FAILED)))
            .values(state=JOB_QUEUED, error="", stage="", progress=0, finished_at=None, notified=False))
    return done.rowcount == 1


def mark_notified(store: Store, job_ids: Iterable[int]) -> None:
    """Record that the person was told how these jobs ended."""
    ids = list(job_ids)
    if ids:
        with write_transaction(store.engine) as conn:
            conn.execute(sa.update(jobs).where(jobs.c.id.in_(ids)).values(notified=True))


def get_job(store: Store, job_id: int) -> Job | None:
    """Return job ``job_id`` (None when there is none)."""
    with read_transaction(store.engine) as conn:
        row = conn.execute(sa.select(*_COLUMNS).where(jobs.c.id == job_id)).mappings().first()
    return _job(row) if row else None


def list_jobs(store: Store, *, states: Iterable[str] | None = None, started_by: str | None = None,
              notified: bool | None = None, limit: int = 100) -> list[Job]:
    """Return jobs, newest first, optionally only in ``states``, started by ``started_by``, (not) notified."""
    stmt = sa.select(*_COLUMNS).order_by(jobs.c.id.desc()).limit(limit)
    if states is not None:
        stmt = stmt.where(jobs.c.state.in_(list(states)))
    if started_by is not None:
        stmt = stmt.where(jobs.c.started_by == started_by)
    if notified is not None:
        stmt = stmt.where(jobs.c.notified == notified)
    with read_transaction(store.engine) as conn:
        rows = conn.execute(stmt).mappings().all()
    return [_job(r) for r in rows]


def job_payload(store: Store, job_id: int) -> bytes | None:
    """Return the file kept with job ``job_id`` (None when it has none or it was dropped)."""
    with read_transaction(store.engine) as conn:
        found = conn.execute(sa.select(jobs.c.payload).where(jobs.c.id == job_id)).scalar()
    return bytes(found) if found is not None else None
