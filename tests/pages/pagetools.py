"""Helpers for page tests (AppTest)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]


def open_page(name: str, *, query: dict[str, str] | None = None) -> AppTest:
    """Return an AppTest of ``pages/<name>.py`` run once."""
    at = AppTest.from_file(str(REPO / "pages" / f"{name}.py"), default_timeout=180)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def errors_of(at: AppTest) -> list[str]:
    """Return the texts of every error box on the page (and fail on an exception)."""
    assert not at.exception, [e.value for e in at.exception]
    return [e.value for e in at.error]


def finish_jobs(at: AppTest) -> AppTest:
    """Wait until the portal's background jobs (an import and the work after it) ended, then run ``at`` again.

    The page queues an import as a job that the server's runner thread does; this waits on the jobs' state,
    as long as they take, and the rerun shows what the page says once they are done.
    """
    import time

    from portal import settings
    from portal.services import datasets, jobs

    store = datasets.open_store(settings.database_url())
    try:
        while any(not j.ended for j in jobs.list_jobs(store)):
            time.sleep(0.05)
    finally:
        store.close()
    return at.run()
