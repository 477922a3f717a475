"""The portal's own kinds of background job: an uploaded file's import, the work after an import, a sheet sync.

Each is registered with ``portal.services.jobs.register`` and is safe to run twice: an import of the same
file adds nothing twice, and the work after an import (sentiment adaptation, theme discovery and coding)
brings the dataset up to date from wherever it stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal import settings
from portal.errors import InputError
from portal.ingest.gsheets.credentials import load_credentials
from portal.ingest.read import read_table
from portal.model import DatasetConfig
from portal.services import jobs
from portal.services.imports import FOLLOW_UP, QUEUED, Progress, commit, follow_up_work, prepare
from portal.services.sheets import resync
from portal.store import Store
from portal.store import jobs as stored
from portal.text.source_wording import result_sentence

IMPORT = "import"
SHEET_SYNC = "sheet_sync"


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


def run_sheet_sync(store: Store, params: dict[str, Any], progress: Progress) -> Mapping[str, Any]:
    """Re-read the dataset's linked Google Sheet with the configured service account (if any) and import it."""
    synced = resync(store, str(params["dataset"]), credentials=load_credentials(), follow_up=QUEUED,
                    progress=progress)
    return {"message": synced.summary, "follow_up": synced.result.follow_up_job}


jobs.register(IMPORT, run_import, label="Import into '{dataset}'")
jobs.register(FOLLOW_UP, run_follow_up, label="Sentiment and themes of '{dataset}'")
jobs.register(SHEET_SYNC, run_sheet_sync, label="Sync of the sheet linked to '{dataset}'")
