"""Automatic sync of linked Google Sheets while the portal runs: one timer thread per server queues a sync job
for each sheet that is due; the server's job runner does it (with its percentage, and resuming after a restart)."""

from __future__ import annotations

import logging
import threading

import streamlit as st

from portal import settings
from portal.services import datasets, job_kinds
from portal.ui.jobs import wake_runner
from portal.ui.sheets import secrets_credentials

log = logging.getLogger("portal.scheduler")
POLL_SECONDS = 60


class SheetScheduler(threading.Thread):
    """Every minute, queue a sync job for each linked sheet whose interval has passed (leases keep instances from
    clashing when two run one)."""

    def __init__(self, url: str) -> None:
        super().__init__(name="portal-sheet-sync", daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.runs = 0

    def run(self) -> None:
        """Poll until stopped; a failure (a database still starting, ...) is logged and never stops the loop."""
        store = None
        while not self.stop.wait(POLL_SECONDS if self.runs else 5):
            self.runs += 1
            try:
                store = store or datasets.open_store(self.url)
                if job_kinds.queue_due_syncs(store):
                    wake_runner()
            except Exception:  # noqa: BLE001 - keep the scheduler alive; details go to the log
                log.exception("scheduled sheet sync failed")


@st.cache_resource(show_spinner=False)
def start_scheduler(url: str) -> SheetScheduler:
    """Start the scheduler once per store URL for the whole server."""
    thread = SheetScheduler(url)
    thread.start()
    return thread


def start_sheet_sync() -> None:
    """Start (once) the timer that queues due sheet syncs; sync jobs read the service account from the secrets."""
    job_kinds.use_secrets(secrets_credentials)  # read when a sync runs, so a changed key is used at once
    start_scheduler(settings.database_url())
