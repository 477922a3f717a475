"""A `portal jobs run` process whose jobs of one kind stop at a gate, so a test can kill it mid-job.

Usage: python jobs_worker.py STORE-URL KIND. The gated kind reports the stage ``GATE`` and then waits forever
(until the process is killed); every other kind, the runner and the store are the portal's own.
"""

from __future__ import annotations

import sys
import threading

from portal.cli import main
from portal.services import jobs

GATE = "Stopped at the test's gate"


def gated(run):
    """Return ``run`` made to stop for good at the gate before doing anything."""

    def at_gate(store, params, progress):
        progress(0.0, GATE)
        threading.Event().wait()
        return run(store, params, progress)

    return at_gate


if __name__ == "__main__":
    url, kind = sys.argv[1], sys.argv[2]
    original = jobs.kinds()[kind]
    jobs.register(kind, gated(original.run), label=original.label)
    sys.exit(main(["jobs", "run", "--db", url]))
