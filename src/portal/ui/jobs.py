"""Background jobs in the portal: the runner thread of the server, a job's percentage, notices and retries.

Long work (an import and what follows it) is stored as a job and run by one runner thread per server, so a
person can read other pages, or close the tab, while it runs. A page polls the job's percentage with a
fragment; a job that ended is announced once on the next page view; an interrupted one can be run again.
"""

from __future__ import annotations

import logging
import threading
import time

import streamlit as st

from portal import settings
from portal.services import datasets, jobs
from portal.ui.markdown import escape_markdown

log = logging.getLogger("portal.jobs")
#: The runner looks for queued jobs this often (a page's own submission wakes it at once) ...
POLL_SECONDS = 1.0
#: ... and for jobs of processes that stopped this often.
RECOVER_SECONDS = 60.0
#: A page watching a job redraws its percentage this often.
WATCH_SECONDS = 1.0
#: Jobs whose end a page of this session saw while watching them: it says how they ended (no notice).
_WATCHED = "jobs_watched"


class JobRunner(threading.Thread):
    """Runs queued jobs one after another in the server process, for every session."""

    def __init__(self, url: str) -> None:
        super().__init__(name="portal-jobs", daemon=True)
        self.url = url
        self.wake = threading.Event()
        self.owner = jobs.owner_name()

    def run(self) -> None:
        """Release the jobs of stopped processes, then run queued jobs as they come; never dies of a failure."""
        store = None
        recovered = 0.0
        while True:
            try:
                store = store or datasets.open_store(self.url)  # a database still starting is tried again
                if time.monotonic() - recovered >= RECOVER_SECONDS:
                    jobs.recover(store)
                    recovered = time.monotonic()
                while jobs.waiting(store) and jobs.run_next(store, owner=self.owner) is not None:
                    pass
            except Exception:  # noqa: BLE001 - keep the runner alive; details go to the log
                log.exception("the job runner failed; trying again")
            self.wake.wait(POLL_SECONDS)
            self.wake.clear()


@st.cache_resource(show_spinner=False)
def _runner(url: str) -> JobRunner:
    """Start the runner once per store URL for the whole server."""
    thread = JobRunner(url)
    thread.start()
    return thread


def start_job_runner() -> JobRunner:
    """Start (once) the server's job runner and return it."""
    return _runner(settings.database_url())


def wake_runner() -> None:
    """Make the runner look for queued jobs now (after a submission)."""
    start_job_runner().wake.set()


def _store():
    """Return the portal's store (opened once per server)."""
    from portal.ui.context import get_store

    return get_store()


def draw_progress(chain: list[jobs.Job]) -> None:
    """Draw one progress bar per job of ``chain`` that has not ended (queued, running)."""
    for job in chain:
        if job.ended:
            continue
        text = f"{jobs.label(job)}: {job.progress}%" + (f" ({job.stage})" if job.stage else "")
        if job.state == jobs.JOB_QUEUED:
            text = f"{jobs.label(job)}: waiting to start" + (f" ({job.stage})" if job.stage else "")
        st.progress(job.progress / 100, text=escape_markdown(text))


def watch(job_id: int) -> list[jobs.Job]:
    """Return job ``job_id`` and its follow-up as they stand; while any runs, draw their percentage, polled.

    The drawing is a fragment that reruns itself every ``WATCH_SECONDS``; once every job ended it reruns the
    whole page, which then shows the outcome. Leaving the page stops only the polling, never the job.
    """
    chain = _chain(job_id)
    if all(j.ended for j in chain):
        return chain
    start_job_runner()
    st.fragment(_poll, run_every=WATCH_SECONDS)(job_id)
    return chain


def _chain(job_id: int) -> list[jobs.Job]:
    """Return the job and its follow-up (empty when the job is gone)."""
    job = jobs.get(_store(), job_id)
    return jobs.with_follow_up(_store(), job) if job else []


def _poll(job_id: int) -> None:
    """Draw the jobs' percentage; rerun the page once all of them ended."""
    chain = _chain(job_id)
    if all(j.ended for j in chain):
        st.session_state.setdefault(_WATCHED, set()).add(job_id)  # the page says how it ended
        st.rerun()
    draw_progress(chain)
    st.caption("You can read other pages meanwhile: the work goes on, and the portal says when it is done.")


def announce_ended_jobs() -> None:
    """Say once, on the next page view, how each job a person started ended (a toast; failures say why)."""
    store = _store()
    watched = st.session_state.get(_WATCHED, set())
    ended = jobs.to_announce(store)
    for job in ended:
        if job.id in watched:  # the page that watched it already said how it ended
            continue
        icon = ":material/check_circle:" if job.state == jobs.JOB_DONE else ":material/error:"
        st.toast(escape_markdown(jobs.outcome(job)), icon=icon)
    jobs.announced(store, [j.id for j in ended])


def work_in_progress() -> None:
    """Draw "Work in progress" (in the sidebar): running and queued jobs, and interrupted ones to run again.

    While anything runs the list redraws itself every ``WATCH_SECONDS``; when the last job ends the page is
    drawn again, so its notice shows at once.
    """
    polling = bool(_active(_current()))
    with st.sidebar:
        if polling:
            st.fragment(_work_list, run_every=WATCH_SECONDS)(True)
        else:
            _work_list(False)


def _current() -> list[jobs.Job]:
    """Return the jobs that are queued, running or interrupted (newest first)."""
    return jobs.list_jobs(_store(), states=[jobs.JOB_QUEUED, jobs.JOB_RUNNING, jobs.JOB_INTERRUPTED], limit=20)


def _active(current: list[jobs.Job]) -> list[jobs.Job]:
    """Return the jobs of ``current`` that are queued or running."""
    return [j for j in current if not j.ended]


def _work_list(polling: bool) -> None:
    """Draw the list; rerun the whole page when it was polling and nothing runs any more."""
    current = _current()
    if polling and not _active(current):
        st.rerun()
    if not current:
        return
    st.markdown("**Work in progress**")
    draw_progress(current)
    for job in (j for j in current if j.state == jobs.JOB_INTERRUPTED):
        st.caption(escape_markdown(f"{jobs.label(job)}: interrupted. {job.error}"))
        st.button("Run again", key=f"job_retry_{job.id}", on_click=_run_again, args=(job.id,),
                  help="Queue this job again; it runs in the background")


def _run_again(job_id: int) -> None:
    """Queue an interrupted job again and wake the runner (the button's action)."""
    jobs.retry(_store(), job_id)
    wake_runner()
