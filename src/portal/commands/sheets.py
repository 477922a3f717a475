"""CLI commands for Google Sheets sources: ``portal sync`` (for cron) and ``portal sheets`` (list, schedule, ...)."""

from __future__ import annotations

import argparse
from typing import Any

from portal.commands.output import add_common, info, open_store, print_json, print_table
from portal.errors import InputError
from portal.model import ROLES


def register(sub: argparse._SubParsersAction) -> None:
    """Register ``sync`` and ``sheets``."""
    p = sub.add_parser(
        "sync",
        help="refresh datasets from their Google Sheets (for cron: portal sync --all)",
        description="Re-read linked Google Sheets and upsert their rows. Exit code 1 when any sync failed.",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--dataset", metavar="NAME", help="sync this dataset")
    which.add_argument("--all", action="store_true", help="sync every dataset linked to a sheet")
    p.add_argument("--due", action="store_true",
                   help="with --all: only the datasets whose automatic refresh interval has passed")
    removal = p.add_mutually_exclusive_group()
    removal.add_argument("--delete-missing", dest="delete_missing", action="store_true", default=None,
                         help="remove rows that were deleted in the sheet (this time)")
    removal.add_argument("--keep-missing", dest="delete_missing", action="store_false",
                         help="keep rows that were deleted in the sheet (this time)")
    p.add_argument("--accept-columns", action="store_true",
                   help="with --dataset: accept the sheet's changed columns, keeping the mapping of those that remain")
    p.add_argument("--map", action="append", default=[], metavar="ROLE=COLUMN",
                   help=f"with --dataset: use COLUMN for ROLE when accepting changed columns (repeatable; implies "
                        f"--accept-columns). Roles: {', '.join(ROLES)}")
    add_common(p)
    p.set_defaults(handler=cmd_sync)

    p = sub.add_parser("sheets", help="Google Sheets sources: list, schedule, unlink, worksheets, account")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    q = actions.add_parser("list", help="list datasets linked to a sheet, with schedule and last sync")
    add_common(q)
    q.set_defaults(handler=cmd_list)

    q = actions.add_parser("schedule", help="refresh a dataset from its sheet every N minutes, or stop it")
    q.add_argument("--dataset", required=True, metavar="NAME")
    every = q.add_mutually_exclusive_group(required=True)
    every.add_argument("--every", type=int, metavar="MINUTES", help="refresh interval (5 minutes to 7 days)")
    every.add_argument("--off", action="store_true", help="refresh only on request")
    q.add_argument("--delete-missing", choices=("yes", "no"),
                   help="whether syncs remove rows deleted in the sheet (default: unchanged)")
    add_common(q)
    q.set_defaults(handler=cmd_schedule)

    q = actions.add_parser("unlink", help="stop syncing a dataset from its sheet (its rows stay)")
    q.add_argument("--dataset", required=True, metavar="NAME")
    add_common(q)
    q.set_defaults(handler=cmd_unlink)

    q = actions.add_parser("worksheets", help="list the worksheets of a sheet (needs a service account)")
    q.add_argument("url", help="the sheet's link")
    q.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    q.set_defaults(handler=cmd_worksheets)

    q = actions.add_parser("account", help="show the service account's e-mail (share sheets with it)")
    q.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    q.set_defaults(handler=cmd_account)


def _progress(fraction: float, message: str) -> None:
    info(f"[{fraction:4.0%}] {message}")


def _overrides(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    """Return the ``--map ROLE=COLUMN`` pairs; raise ``InputError`` for a malformed one."""
    pairs = []
    for value in args.map:
        role, sep, column = value.partition("=")
        if not sep or role.strip() not in ROLES:
            raise InputError(f"--map takes ROLE=COLUMN with ROLE one of {', '.join(ROLES)}, not {value!r}.")
        pairs.append((role.strip(), column.strip() or None))
    return pairs


def cmd_sync(args: argparse.Namespace) -> int:
    """Sync one or every linked dataset; print the counts of each."""
    from portal.services.sheets import (
        STATUS_OK,
        SchemaChanged,
        SyncOutcome,
        due_sources,
        resync,
        sheet_sources,
        sync_sources,
    )

    if args.due and not args.all:
        raise InputError("--due works with --all (it picks the datasets whose refresh is due).")
    overrides = _overrides(args)
    if args.all and (args.accept_columns or overrides):
        raise InputError("--accept-columns and --map work with one dataset at a time: use --dataset NAME.")
    store = open_store(args)
    if args.dataset:
        info(f"Syncing '{args.dataset}' from its sheet ...")
        try:
            synced = resync(store, args.dataset, accept_columns=args.accept_columns, overrides=overrides,
                            delete_missing=args.delete_missing, progress=_progress)
        except SchemaChanged:
            info(f"To continue, run `portal sync --dataset {args.dataset} --accept-columns` (add --map ROLE=COLUMN "
                 "to use a new column).")
            raise
        if synced.result.themes_message:
            info(synced.result.themes_message)
        outcomes = [SyncOutcome(args.dataset, STATUS_OK, synced.summary, synced.result)]
    else:
        names = [s.dataset for s in (due_sources(store) if args.due else sheet_sources(store))]
        if not names:
            info("No dataset is due for a sync." if args.due else "No dataset is linked to a Google Sheet.")
        outcomes = sync_sources(store, names, delete_missing=args.delete_missing, progress=_progress)
    rows = [_outcome_row(o) for o in outcomes]
    if args.format == "json":
        print_json({"syncs": rows})
    else:
        for o in outcomes:
            print(f"{o.dataset}: {o.status} - {o.message}")
    return 0 if all(o.status == STATUS_OK for o in outcomes) else 1


def _outcome_row(outcome: Any) -> dict[str, Any]:
    r = outcome.result
    return {
        "dataset": outcome.dataset,
        "status": outcome.status,
        "message": outcome.message,
        "import_id": r.import_id if r else None,
        "added": r.added if r else None,
        "updated": r.updated if r else None,
        "unchanged": r.unchanged if r else None,
        "rejected": r.rejected if r else None,
        "missing": r.missing if r else None,
        "removed": r.removed if r else None,
    }


def cmd_list(args: argparse.Namespace) -> int:
    """List the datasets linked to a sheet."""
    import pandas as pd

    from portal.services.sheets import sheet_sources

    store = open_store(args)
    rows = [
        {
            "dataset": s.dataset,
            "url": s.url,
            "worksheet": s.worksheet_title or (f"gid={s.worksheet_gid}" if s.worksheet_gid is not None else ""),
            "auth_mode": s.auth_mode,
            "every_minutes": s.interval_minutes,
            "delete_missing": s.delete_missing,
            "last_sync_at": s.last_sync_at,
            "last_status": s.last_status,
            "last_message": s.last_message,
        }
        for s in sheet_sources(store)
    ]
    if args.format == "json":
        print_json({"sources": rows})
    else:
        columns = ["dataset", "worksheet", "auth_mode", "every_minutes", "last_sync_at", "last_status"]
        print_table(pd.DataFrame(rows, columns=columns))
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    """Set or stop a dataset's automatic refresh."""
    from portal.services.sheets import set_delete_missing, set_schedule

    store = open_store(args)
    source = set_schedule(store, args.dataset, None if args.off else args.every)
    if args.delete_missing is not None:
        source = set_delete_missing(store, args.dataset, args.delete_missing == "yes")
    if args.format == "json":
        print_json({"dataset": source.dataset, "every_minutes": source.interval_minutes,
                    "delete_missing": source.delete_missing})
    elif source.interval_minutes:
        print(f"'{source.dataset}' refreshes from its sheet every {source.interval_minutes} minutes while the portal "
              "runs (or whenever `portal sync --all --due` runs from cron).")
    else:
        print(f"'{source.dataset}' refreshes from its sheet only on request.")
    return 0


def cmd_unlink(args: argparse.Namespace) -> int:
    """Forget a dataset's sheet."""
    from portal.errors import NotFoundError
    from portal.services.sheets import unlink_sheet

    store = open_store(args)
    if not unlink_sheet(store, args.dataset):
        raise NotFoundError(f"The dataset '{args.dataset}' is not linked to a Google Sheet.")
    if args.format == "json":
        print_json({"unlinked": args.dataset})
    else:
        print(f"'{args.dataset}' is no longer synced from its sheet; its rows stay.")
    return 0


def cmd_worksheets(args: argparse.Namespace) -> int:
    """List a sheet's worksheets."""
    import pandas as pd

    from portal.ingest.gsheets import list_worksheets

    sheets = list_worksheets(args.url)
    rows = [{"title": w.title, "gid": w.gid, "rows": w.rows, "columns": w.columns} for w in sheets]
    if args.format == "json":
        print_json({"worksheets": rows})
    else:
        print_table(pd.DataFrame(rows, columns=["title", "gid", "rows", "columns"]))
    return 0


def cmd_account(args: argparse.Namespace) -> int:
    """Show the configured service account's e-mail."""
    from portal.ingest.gsheets import service_account_email

    email = service_account_email()
    if args.format == "json":
        print_json({"service_account": email})
    elif email:
        print(f"Share each sheet with {email} (as a Viewer) so the portal can read it.")
    else:
        print("No service account is configured (PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE is not set); only sheets shared "
              "as 'anyone with the link' can be read.")
    return 0
