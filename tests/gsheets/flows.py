"""The one way a sheet is imported, as the Data sources page does it: read, prepare, ``commit_sheet``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from portal.ingest.gsheets import HttpOptions, fetch_sheet
from portal.services.imports import prepare
from portal.services.sheets import SyncResult, commit_sheet
from portal.store import Store


def import_linked(
    store: Store,
    dataset: str,
    url: str,
    *,
    credentials: Mapping[str, Any] | None = None,
    mode: str = "auto",
    options: HttpOptions | None = None,
    key_columns: Sequence[str] = (),
    overrides: Sequence[tuple[str, str | None]] = (),
    strict: bool = False,
) -> SyncResult:
    """Read the sheet at ``url``, map it (reusing the dataset's mapping), import it into ``dataset`` and link it."""
    data = fetch_sheet(url, credentials=credentials, mode=mode, options=options)
    existing = store.dataset(dataset)
    prepared = prepare(data.table, key_columns=key_columns, overrides=overrides,
                       existing=existing.config if existing else None)
    return commit_sheet(store, dataset, data, prepared, strict=strict)
