"""The portal's own kinds of background job: an uploaded file's import, the work after an import, a sheet sync,
the executive report.

Each is registered with ``portal.services.jobs.register`` and is safe to run twice: an import of the same
file adds nothing twice, and the work after an import (sentiment adaptation, theme discovery and coding)
brings the dataset up to date from wherever it stands.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import date as Date
from datetime import datetime
from typing import Any

from portal import settings
from portal.errors import InputError
from portal.ingest.gsheets.credentials import load_credentials
from portal.ingest.read import read_table
from portal.model import DatasetConfig
from portal.model import Mapping as ColumnMapping
from portal.services import jobs
from portal.services import report as report_service
from portal.services import themes as theme_service
from portal.services.imports import FOLLOW_UP, QUEUED, Progress, commit, follow_up_work, prepare
from portal.services.sheet_results import SchemaChanged
from portal.services.sheet_sources import due_sources
from portal.services.sheets import resync
from portal.store import Store
from portal.store import jobs as stored
from portal.text.source_wording import result_sentence

IMPORT = "import"
SHEET_SYNC = "sheet_sync"
REPORT = "report"
DISCOVER = "discover"


def submit_import(store: Store, name: str, data: bytes, *, source: str, sheet: str | None,
                  config: DatasetConfig, delete_missing: bool = False) -> int:
    """Queue the import of an uploaded file (its bytes kept with the job until it is done); return the job id."""
    params = {"source": source, "sheet": sheet, "config": config.to_dict(), "delete_missing": delete_missing}
    return jobs.submit(store, IMPORT, dataset=name, params=params, payload=data)


def run_import(store: Store, params: dict[str, Any], progress: Progress) -> Mapping[str, Any]:
    """Read the job's file, validate it under the confirmed mapping and import it (the follow-up is queued)."""
    data = stored.job_payload(store, int(params["job_id"]))
    if data is None:
        raise InputError("The uploaded file is no longer kept, so this import cannot run. Upload the file again.")
    progress(0.0, "Reading the file")
    table = read_table(data, str(params["source"]), sheet=params.get("sheet"),
                       max_bytes=settings.max_upload_bytes())
    prepared = prepare(table, config=DatasetConfig.from_dict(params["config"]))
    result = commit(store, str(params["dataset"]), prepared, source=str(params["source"]), source_kind="file",
                    delete_missing=bool(params.get("delete_missing")), follow_up=QUEUED, progress=progress)
    return {"message": result_sentence(result.dataset, result.added, result.updated, result.unchanged,
                                       result.rejected),
            "dataset": result.dataset, "added": result.added, "updated": result.updated,
            "unchanged": result.unchanged, "removed": result.removed, "follow_up": result.follow_up_job}


def run_follow_up(store: Store, params: dict[str, Any], progress: Progress) -> Mapping[str, Any]:
    """Adapt sentiment to the dataset and keep its themes current (after an import)."""
    name = str(params["dataset"])
    if store.dataset(name) is None:
        return {"message": f"The dataset '{name}' was deleted, so there was nothing to bring up to date."}
    return {"message": follow_up_work(store, name, changed=bool(params.get("changed", True)), progress=progress)}


#: Where a sheet sync finds the service-account key: the web portal hands its secrets over here (the key never goes
#: into a job's stored parameters); without it, the key-file setting is used.
_SECRETS: list[Callable[[], Mapping[str, Any] | None]] = []


def use_secrets(source: Callable[[], Mapping[str, Any] | None]) -> None:
    """Make sheet-sync jobs read the service-account key from ``source`` (the web portal's secrets)."""
    _SECRETS[:] = [source]


def submit_sheet_sync(store: Store, name: str, *, remap: ColumnMapping | None = None) -> int:
    """Queue a person's "Refresh now" of the sheet linked to ``name`` (``remap``: accept changed columns)."""
    return jobs.submit(store, SHEET_SYNC, dataset=name, params={"remap": remap.to_dict() if remap else None})


def queue_due_syncs(store: Store, now: datetime | None = None) -> list[int]:
    """Queue a sync job (started by the portal) for every linked sheet whose interval has passed and that has no
    sync queued or running yet; return the new jobs' ids (the portal's timer calls this every minute)."""
    active = {j.dataset for j in jobs.list_jobs(store, states=[jobs.JOB_QUEUED, jobs.JOB_RUNNING], limit=1000)
              if j.kind == SHEET_SYNC}
    return [jobs.submit(store, SHEET_SYNC, dataset=s.dataset, params={"remap": None}, started_by=jobs.BY_PORTAL)
            for s in due_sources(store, now) if s.dataset not in active]


def run_sheet_sync(store: Store, params: dict[str, Any], progress: Progress) -> Mapping[str, Any]:
    """Re-read the dataset's linked Google Sheet with the configured service account (if any) and import it.

    When the sheet's columns changed, nothing is imported and the result's ``schema_changed`` says which, so
    the page can ask for the mapping and queue the sync again with ``remap``.
    """
    remap = ColumnMapping.from_dict(params["remap"]) if params.get("remap") else None
    credentials = load_credentials(_SECRETS[0]() if _SECRETS else None)
    try:
        synced = resync(store, str(params["dataset"]), credentials=credentials, remap=remap, follow_up=QUEUED,
                        progress=progress)
    except SchemaChanged as change:
        return {"message": str(change), "schema_changed": {"appeared": list(change.appeared),
                                                           "disappeared": list(change.disappeared),
                                                           "columns": list(change.columns)}}
    return {"message": synced.summary, "follow_up": synced.result.follow_up_job}


def submit_discovery(store: Store, name: str, *, n_themes: int | None = None) -> int:
    """Queue theme discovery on dataset ``name`` (``n_themes`` themes; default: by the number of comments)."""
    return jobs.submit(store, DISCOVER, dataset=name, params={"n_themes": n_themes})


def run_discovery(store: Store, params: dict[str, Any], progress: Progress) -> Mapping[str, Any]:
    """Find the dataset's themes again and apply them as a new codeframe version (Undo brings the old one back)."""
    n_themes = params.get("n_themes")
    result = theme_service.discover_themes(store, str(params["dataset"]),
                                           n_themes=int(n_themes) if n_themes else None, progress=progress)
    return {"message": f"Found {result.counted}. {result.message}", "counted": result.counted}


def submit_report(store: Store, name: str, *, start: Date | None = None, end: Date | None = None,
                  where: Mapping[str, Sequence[str]] | None = None, period: str = "month",
                  min_n: int | None = None) -> int:
    """Queue the executive report of dataset ``name`` for a selection (as ``build_report``); return the job id."""
    params = {"start": start.isoformat() if start else None, "end": end.isoformat() if end else None,
              "where": {str(c): [str(v) for v in values] for c, values in (where or {}).items()},
              "period": period, "min_n": min_n}
    return jobs.submit(store, REPORT, dataset=name, params=params)


def run_report(store: Store, params: dict[str, Any], progress: Progress) -> Mapping[str, Any]:
    """Build the report once and render it as HTML and PDF, both kept with the job (``report_files``)."""
    report = report_service.build_report(store, str(params["dataset"]), start=params.get("start"),
                                         end=params.get("end"), where=params.get("where") or None,
                                         period=str(params.get("period") or "month"), min_n=params.get("min_n"),
                                         progress=lambda f, m: progress(0.8 * f, m))
    files = io.BytesIO()
    with zipfile.ZipFile(files, "w", zipfile.ZIP_DEFLATED) as bundle:
        for step, fmt in enumerate(report_service.FORMATS):
            progress(0.8 + 0.1 * step, f"Writing the {fmt.upper()} file")
            bundle.writestr(f"report.{fmt}", report_service.render_report(report, fmt))
    return {"message": f"The executive report of '{params['dataset']}' is ready to download on the Overview.",
            "covers": report.covers, jobs.OUTPUT: files.getvalue()}


def report_files(store: Store, job_id: int) -> dict[str, bytes] | None:
    """Return the report job's files by format ("html", "pdf"); None while it runs or when it failed."""
    data = jobs.output(store, job_id)
    if data is None:
        return None
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        return {fmt: bundle.read(f"report.{fmt}") for fmt in report_service.FORMATS}


jobs.register(IMPORT, run_import, label="Import into '{dataset}'")
jobs.register(FOLLOW_UP, run_follow_up, label="Sentiment and themes of '{dataset}'")
jobs.register(SHEET_SYNC, run_sheet_sync, label="Sync of the sheet linked to '{dataset}'")
jobs.register(DISCOVER, run_discovery, label="Finding the themes of '{dataset}'")
jobs.register(REPORT, run_report, label="Executive report of '{dataset}'")
