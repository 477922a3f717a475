"""``portal jobs``: list the background jobs, run the queued ones (cron, headless, after a crash), run one again."""

from __future__ import annotations

import argparse
from typing import Any

import pandas as pd

from portal.commands.output import add_common, info, open_store, print_json, print_table

#: Keys of each job in ``portal jobs --format json`` (a contract: keys are only ever added).
JSON_KEYS = ("id", "kind", "dataset", "state", "progress", "stage", "error", "started_by", "created", "finished")


def register(sub: argparse._SubParsersAction) -> None:
    """Register ``portal jobs`` with its actions ``run`` and ``retry``."""
    p = sub.add_parser(
        "jobs", help="background jobs: list them, run the queued ones (portal jobs run), run one again",
        description="Without an action: list the newest background jobs (imports, the work after an import, "
                    "sheet syncs, reports) with their state and percentage.")
    p.add_argument("--limit", type=int, default=50, help="how many of the newest jobs to list (default 50)")
    add_common(p)
    p.set_defaults(handler=cmd_list)
    actions = p.add_subparsers(dest="action", required=False, metavar="ACTION")
    q = actions.add_parser("run", help="release the jobs of stopped processes, then run every queued job once",
                           description="For cron or a headless server, and to resume work after a crash: jobs "
                                       "the portal started itself are resumed; a job a person started that was "
                                       "interrupted waits until it is run again (portal jobs retry ID).")
    _common(q)
    q.set_defaults(handler=cmd_run)
    q = actions.add_parser("retry", help="queue an interrupted or failed job again (then: portal jobs run)")
    q.add_argument("job_id", type=int, metavar="ID")
    _common(q)
    q.set_defaults(handler=cmd_retry)


def _common(parser: argparse.ArgumentParser) -> None:
    """Accept ``--db`` and ``--format`` after the action too, without undoing them when given before it."""
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="SQLAlchemy URL of the store")
    parser.add_argument("--format", choices=("table", "json"), default=argparse.SUPPRESS, help="output format")


def _row(job: Any) -> dict[str, Any]:
    """Return one job as the JSON contract's object."""
    return {"id": job.id, "kind": job.kind, "dataset": job.dataset, "state": job.state, "progress": job.progress,
            "stage": job.stage, "error": job.error, "started_by": job.started_by, "created": job.created_at,
            "finished": job.finished_at}


def _print(jobs: list[Any], fmt: str) -> None:
    """Print jobs as JSON (a list of objects) or as a table."""
    rows = [_row(j) for j in jobs]
    if fmt == "json":
        print_json(rows)
    else:
        print_table(pd.DataFrame(rows, columns=list(JSON_KEYS)))


def cmd_list(args: argparse.Namespace) -> int:
    """List the newest jobs."""
    from portal.services import jobs

    _print(jobs.list_jobs(open_store(args), limit=args.limit), args.format)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Run every queued job once; exit code 1 when any of them failed."""
    from portal.services import jobs

    store = open_store(args)
    released = jobs.recover(store)
    if released:
        info(f"Jobs {', '.join(map(str, released))} were running in a process that stopped: the portal's own "
             "work is queued again; a job a person started is marked interrupted.")
    ran = jobs.run_pending(store)
    for job in ran:
        info(jobs.outcome(job))
    if not ran:
        info("No job was waiting.")
    _print(ran, args.format)
    return 1 if any(j.state == jobs.JOB_FAILED for j in ran) else 0


def cmd_retry(args: argparse.Namespace) -> int:
    """Queue an interrupted or failed job again."""
    from portal.services import jobs

    job = jobs.retry(open_store(args), args.job_id)
    info(f"Job {job.id} ({jobs.label(job)}) is queued again; `portal jobs run` (or the open portal) runs it.")
    _print([job], args.format)
    return 0
