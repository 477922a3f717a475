"""CLI commands that move data in and out: import, datasets, history, revert, export, demo, delete."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from portal import settings
from portal.commands.output import add_common, info, open_store, print_json, print_table
from portal.errors import InputError
from portal.model import KINDS, ROLES, currency_problem
from portal.safe_csv import write_csv
from portal.services import datasets as dataset_service
from portal.services import sentiment as sentiment_service
from portal.services.imports import Prepared, commit, missing_rows, prepare, reject_summary
from portal.services.sheets import commit_sheet
from portal.text.source_wording import missing_sentence

if TYPE_CHECKING:
    from portal.ingest.gsheets import SheetData
    from portal.ingest.read import Table


def register(sub: argparse._SubParsersAction) -> None:
    """Register the data commands."""
    p = sub.add_parser("import", help="import a CSV, TSV or Excel file (or a Google Sheet URL) into a dataset")
    p.add_argument("source", help="file path, '-' for standard input, or a Google Sheets URL")
    p.add_argument("--dataset", required=True, help="dataset name (created on first import)")
    p.add_argument("--kind", choices=KINDS, help="survey or reviews: sets the defaults such a file needs")
    p.add_argument("--map", action="append", default=[], metavar="ROLE=COLUMN",
                   help=f"use COLUMN for ROLE (repeatable; ROLE= unmaps it). Roles: {', '.join(ROLES)}")
    p.add_argument("--set", action="append", default=[], metavar="ROLE=VALUE",
                   help="give every row a constant value, e.g. --set brand=Monzo")
    p.add_argument("--key", action="append", default=[], metavar="COLUMN",
                   help="columns that identify a row when there is no id column (repeatable)")
    p.add_argument("--strict", action="store_true", help="reject the whole file if any row is invalid")
    p.add_argument("--rejects", metavar="FILE", help="write the rejected rows with a `reason` column to FILE (CSV)")
    p.add_argument("--missing", metavar="FILE",
                   help="write the stored rows the file no longer has to FILE (CSV); a sample goes to stderr")
    p.add_argument("--sheet", help="Excel worksheet to read (default: the first)")
    p.add_argument("--worksheet", help="Google Sheets worksheet title (default: the first)")
    p.add_argument("--csat-scale", metavar="LOW-HIGH", help="CSAT scale, e.g. 1-5 or 1-7 (default 1-5)")
    p.add_argument("--rating-scale", metavar="LOW-HIGH", help="star rating scale, e.g. 1-5 or 1-10")
    p.add_argument("--currency", metavar="SYMBOL",
                   help="currency of the value column, shown with every money figure, e.g. £, $, € or CHF "
                        "(default: the dataset's stored one, else PORTAL_CURRENCY)")
    add_common(p)
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("datasets", help="list datasets with row counts, date range and mapped roles")
    add_common(p)
    p.set_defaults(handler=cmd_datasets)

    p = sub.add_parser("history", help="list the imports of a dataset")
    p.add_argument("--dataset", required=True)
    add_common(p)
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser("revert", help="undo one import (rows it added go, rows it changed come back)")
    p.add_argument("import_id", type=int, help="the import's number, from `portal history`")
    add_common(p)
    p.set_defaults(handler=cmd_revert)

    p = sub.add_parser("export", help="write a dataset's responses as CSV")
    p.add_argument("--dataset", required=True)
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--db", metavar="URL", help="SQLAlchemy URL of the store (overrides PORTAL_DATABASE_URL)")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("demo", help="load the demo datasets (a SaaS NPS survey and app-store reviews)")
    p.add_argument("--if-empty", action="store_true", help="only when the store has no dataset yet")
    p.add_argument("--csv", metavar="FOLDER", help="write the demo data as CSV files into FOLDER instead")
    add_common(p)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("delete", help="delete a dataset and all its rows")
    p.add_argument("--dataset", required=True)
    p.add_argument("--yes", action="store_true", help="confirm the deletion")
    add_common(p)
    p.set_defaults(handler=cmd_delete)


def parse_pairs(values: list[str], flag: str, *, allow_empty: bool) -> list[tuple[str, str | None]]:
    """Parse repeated ``ROLE=VALUE`` arguments; raise ``InputError`` on a malformed one."""
    pairs: list[tuple[str, str | None]] = []
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip():
            raise InputError(f"{flag} takes ROLE=VALUE (for example {flag} nps=Score), not {value!r}.")
        rest = rest.strip()
        if not rest and not allow_empty:
            raise InputError(f"{flag} {key}= needs a value after the '='.")
        pairs.append((key.strip(), rest or None))
    return pairs


def parse_scale(text: str | None, flag: str) -> tuple[int, int] | None:
    """Parse ``LOW-HIGH`` into a pair of integers."""
    if not text:
        return None
    low, sep, high = text.partition("-")
    try:
        lo, hi = int(low), int(high)
    except ValueError:
        lo = hi = 0
    if not sep or lo >= hi:
        raise InputError(f"{flag} takes two whole numbers like 1-5, not {text!r}.")
    return lo, hi


def _read_source(args: argparse.Namespace) -> tuple[Table, SheetData | None]:
    """Read the import source (file, stdin or Google Sheet) into a Table, with the sheet's data for a sheet."""
    from portal.ingest.gsheets import fetch_sheet, is_sheet_url

    source = args.source
    if is_sheet_url(source):
        sheet = fetch_sheet(source, worksheet=args.worksheet)
        return sheet.table, sheet
    return _read_file(args), None


def _read_file(args: argparse.Namespace) -> Table:
    """Read the import source (a file or stdin) into a Table."""
    from portal.ingest.read import read_table

    source = args.source
    if source.startswith(("http://", "https://")):
        raise InputError(f"{source} is not a Google Sheets link. Download the file and import it from disk.")
    if source == "-":
        return read_table(sys.stdin.buffer.read(), "stdin.csv", sheet=args.sheet,
                          max_bytes=settings.max_upload_bytes())
    path = Path(source)
    if not path.exists():
        raise InputError(f"There is no file at {source}. Check the path and try again.")
    if path.is_dir():
        raise InputError(f"{source} is a folder, not a file. Name a CSV, TSV or Excel file.")
    size = path.stat().st_size
    if size > settings.max_upload_bytes():
        raise InputError(
            f"{path.name} is {size / 1e6:,.0f} MB, larger than the {settings.get('PORTAL_MAX_UPLOAD_MB')} MB limit. "
            "Split the file, or raise PORTAL_MAX_UPLOAD_MB."
        )
    return read_table(path.read_bytes(), path.name, sheet=args.sheet, max_bytes=settings.max_upload_bytes())


def cmd_import(args: argparse.Namespace) -> int:
    """Import a file or sheet into a dataset and print what happened (a sheet is linked to the dataset)."""
    options = _mapping_options(args)  # a mistake in the arguments is said before anything is read
    store = open_store(args)
    info(f"Reading {args.source} ...")
    table, sheet = _read_source(args)
    for warning in table.warnings:
        info(f"Warning: {warning}")
    existing = dataset_service.find_dataset(store, args.dataset)
    prepared = prepare(table, existing=existing.config if existing else None, **options)
    _report_prepared(prepared, args.rejects)
    missing = missing_rows(store, args.dataset, prepared) if existing else pd.DataFrame()
    if sheet is not None:
        result = commit_sheet(store, args.dataset, sheet, prepared, strict=args.strict,
                              progress=_progress_to_stderr).result
        info(f"Linked '{args.dataset}' to the sheet: `portal sync --dataset \"{args.dataset}\"` refreshes it.")
    else:
        result = commit(store, args.dataset, prepared, strict=args.strict, source=args.source, source_kind="cli",
                        progress=_progress_to_stderr)
    if result.themes_message:
        info(result.themes_message)
    _report_missing(args, prepared, missing, removed=bool(result.removed))
    if args.format == "json":
        print_json({
            "dataset": args.dataset, "import_id": result.import_id, "added": result.added,
            "updated": result.updated, "unchanged": result.unchanged, "rejected": result.rejected,
            "duplicates": result.duplicates, "missing": result.missing, "removed": result.removed,
            "missing_rows": missing, "mapping": prepared.config.mapping.to_dict(),
            "sentiment_model": sentiment_service.report(store, args.dataset),
        })
    else:
        print(f"Imported into '{args.dataset}': {result.added:,} added, {result.updated:,} updated, "
              f"{result.unchanged:,} unchanged, {result.rejected:,} rejected.")
    return 0


def _mapping_options(args: argparse.Namespace) -> dict[str, Any]:
    """Return the mapping choices of ``portal import`` (--kind, --map, --set, --key, scales, currency), checked."""
    overrides = parse_pairs(args.map, "--map", allow_empty=True)
    for role, _ in overrides:
        if role not in ROLES:
            raise InputError(f"--map {role}=... names no role. Use one of: {', '.join(ROLES)}.")
    problem = currency_problem(args.currency) if args.currency is not None else None
    if problem:
        raise InputError(f"--currency {args.currency!r}: {problem}")
    return {
        "kind": args.kind,
        "overrides": overrides,
        "constants": {k: v for k, v in parse_pairs(args.set, "--set", allow_empty=False) if v is not None},
        "key_columns": args.key,
        "csat_scale": parse_scale(args.csat_scale, "--csat-scale"),
        "rating_scale": parse_scale(args.rating_scale, "--rating-scale"),
        "currency": args.currency,
    }


def _report_prepared(prepared: Prepared, rejects_file: str | None) -> None:
    """Print on stderr how the columns were understood, the warnings, the counts and the reasons for rejects."""
    info("Columns understood as:")
    for role, column in prepared.config.mapping.to_dict().items():
        if column:
            info(f"  {role:<9} {column if isinstance(column, str) else ', '.join(column)}")
    for warning in (*prepared.detection.warnings, *prepared.validation.warnings):
        info(f"Warning: {warning}")
    info(prepared.summary)
    for reason, count in reject_summary(prepared.validation):
        info(f"  rejected {count:,}: {reason}")
    if rejects_file:
        rejects = prepared.validation.rejects
        write_csv(rejects, rejects_file)
        info(f"Wrote {len(rejects):,} rejected rows with their reasons to {rejects_file}.")


def _report_missing(args: argparse.Namespace, prepared: Prepared, missing: pd.DataFrame, *, removed: bool) -> None:
    """Say on stderr how many stored rows the file no longer has and show the first five; write all to --missing
    (an empty file when there are none, so an earlier run's file is never mistaken for this one's)."""
    if args.missing:
        write_csv(missing, args.missing)
        info(f"Wrote the {len(missing):,} stored rows missing from the file to {args.missing}.")
    if not missing.empty:
        info(missing_sentence(args.dataset, len(missing), keyed=prepared.keyed, done=True, removed=removed))
        info(f"The first of them:\n{missing.head(5).to_string(index=False, max_colwidth=40)}")


def _progress_to_stderr(fraction: float, message: str) -> None:
    """Print progress lines to stderr."""
    info(f"[{fraction:4.0%}] {message}")


def cmd_datasets(args: argparse.Namespace) -> int:
    """List datasets."""
    store = open_store(args)
    rows = []
    for d in dataset_service.list_datasets(store):
        mapping = d.config.mapping.to_dict()
        rows.append({
            "name": d.name,
            "kind": d.kind,
            "rows": d.rows,
            "date_min": d.date_min,
            "date_max": d.date_max,
            "imports": d.imports,
            "roles": {k: v for k, v in mapping.items() if v},
        })
    if args.format == "json":
        print_json({"datasets": rows})
    else:
        frame = pd.DataFrame(rows, columns=["name", "kind", "rows", "date_min", "date_max", "imports", "roles"])
        frame["roles"] = frame["roles"].map(lambda r: ", ".join(sorted(k for k in r if k != "segments")))
        print_table(frame)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """List a dataset's imports."""
    store = open_store(args)
    if dataset_service.find_dataset(store, args.dataset) is None:
        from portal.errors import NotFoundError

        raise NotFoundError(f"No dataset named '{args.dataset}'. Run `portal datasets` to see the names.")
    history = dataset_service.import_history(store, args.dataset)
    if args.format == "json":
        print_json({"imports": history})
    else:
        print_table(history)
    return 0


def cmd_revert(args: argparse.Namespace) -> int:
    """Revert one import (the dataset's themes follow)."""
    from portal.services.imports import revert_import

    store = open_store(args)
    result = revert_import(store, args.import_id)
    if args.format == "json":
        print_json({"import_id": result.import_id, "removed": result.removed, "restored": result.restored})
    else:
        print(f"Reverted import {result.import_id}: {result.removed:,} rows removed, {result.restored:,} restored.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export a dataset as CSV."""
    store = open_store(args)
    frame = dataset_service.export_frame(store, args.dataset)
    write_csv(frame, args.out or sys.stdout)
    if args.out:
        info(f"Wrote {len(frame):,} rows to {args.out}.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo datasets."""
    from portal.services.imports import load_demo

    if args.csv:
        from portal.demo import write_demo_csvs

        paths = write_demo_csvs(Path(args.csv))
        if args.format == "json":
            print_json({"files": [str(p) for p in paths]})
        else:
            print("\n".join(str(p) for p in paths))
        return 0
    store = open_store(args)
    if args.if_empty and dataset_service.list_datasets(store):
        info("The store already holds data; the demo datasets were not loaded.")
    results = load_demo(store, only_if_empty=args.if_empty, progress=_progress_to_stderr)
    payload = [{"dataset": r.dataset, "added": r.added, "updated": r.updated, "unchanged": r.unchanged,
                "rejected": r.rejected} for r in results]
    if args.format == "json":
        print_json({"datasets": payload})
    else:
        for r in payload:
            print(f"{r['dataset']}: {r['added']:,} added, {r['unchanged']:,} unchanged.")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    """Delete a dataset (needs --yes)."""
    if not args.yes:
        raise InputError(f"Deleting '{args.dataset}' removes all its rows and history. Add --yes to confirm.")
    store = open_store(args)
    dataset_service.delete_dataset(store, args.dataset)
    if args.format == "json":
        print_json({"deleted": args.dataset})
    else:
        print(f"Deleted dataset '{args.dataset}'.")
    return 0
