"""Imports as background jobs in the whole portal: reading other pages meanwhile, notices, Run again."""

from __future__ import annotations

import socket
import subprocess
import sys

from kpitools import open_app
from pagetools import errors_of, finish_jobs, open_page

from portal.ingest.read import read_table
from portal.services import jobs
from portal.services.imports import propose
from portal.services.job_kinds import submit_import
from portal.store import Store
from portal.store import jobs as stored

FIRST = "score,comment\n9,Great support\n3,Too slow\n7,Fine\n4,Meh\n"


def toasts(at) -> list[str]:
    """Return the notices of this page view as a person reads them (Markdown escapes removed)."""
    return [t.value.replace("\\", "") for t in at.toast]


def queue(store: Store, name: str, data: bytes) -> int:
    """Queue an import as the page does."""
    config = propose(read_table(FIRST.encode(), f"{name}.csv")).config
    return submit_import(store, name, data, source=f"{name}.csv", sheet=None, config=config)


def test_an_import_goes_on_while_the_person_reads_another_page_and_says_so_once(page_db):
    at = open_page("data_sources")
    at.file_uploader[0].set_value(("a.csv", FIRST.encode(), "text/csv"))
    at = at.run()
    [go] = [b for b in at.button if b.label == "Import 4 rows"]
    assert errors_of(go.click().run()) == []  # queued; the page is left at once
    elsewhere = open_app()  # the person reads the Overview; the job is not tied to the page
    seen = toasts(elsewhere)
    elsewhere = finish_jobs(elsewhere)  # the next page view once it ended (if it had not yet)
    assert errors_of(elsewhere) == []
    seen += toasts(elsewhere)
    assert [t for t in seen if t.startswith("Import into 'a': finished. Imported into 'a': 4 added")], seen
    assert len(seen) == 1 and toasts(elsewhere.run()) == []  # said once
    assert Store(page_db).dataset("a").rows == 4


def dead_owner() -> str:
    """Return the runner name of a process of this machine that has ended."""
    pid = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                             text=True, check=True).stdout)
    return f"{socket.gethostname()[:120]}:{pid}:gone"


def test_an_interrupted_import_is_announced_listed_and_run_again_from_the_sidebar(page_db):
    store = Store(page_db)
    job_id = queue(store, "b", FIRST.encode())
    stored.claim_job(store, dead_owner())  # its runner died mid-job
    assert jobs.recover(store) == [job_id]
    at = open_app()
    assert errors_of(at) == []
    assert toasts(at) == [f"Import into 'b': interrupted. {jobs.INTERRUPTED}"]
    sidebar = [m.value for m in at.sidebar.markdown]
    assert "**Work in progress**" in sidebar
    [again] = [b for b in at.sidebar.button if b.label == "Run again"]
    at = finish_jobs(again.click().run())
    assert errors_of(at) == []
    assert any(t.startswith("Import into 'b': finished.") for t in toasts(at)), toasts(at)
    assert not [b for b in at.sidebar.button if b.label == "Run again"]
    assert store.dataset("b").rows == 4
    store.close()


def test_a_failed_import_says_why_on_the_next_page_view(page_db):
    store = Store(page_db)
    job_id = queue(store, "c", b"\x00\x01\x02\xff" * 100)
    jobs.run_pending(store)  # the job fails before the person's next page view
    assert jobs.get(store, job_id).state == jobs.JOB_FAILED
    at = open_app()
    [said] = toasts(at)
    assert said.startswith("Import into 'c': failed. ") and said.endswith(".") and "Traceback" not in said
    assert jobs.get(store, job_id).error in said
    store.close()
