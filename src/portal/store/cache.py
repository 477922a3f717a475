"""A columnar (Parquet) copy of each dataset's loaded frame, keyed by the dataset's data version.

The database stays the source of truth: a cache file is named after the dataset's id, creation time and data
version, every change of the rows bumps the version, so a stale file is never read, only replaced. A cache
that cannot be read or written is ignored (the rows come from the database).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from portal import settings

log = logging.getLogger("portal.store")


def cache_folder(url: sa.URL) -> Path | None:
    """Return the cache folder for the store at ``url`` (beside an SQLite file), or None for in-memory stores."""
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        return Path(database + ".cache")
    digest = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return settings.default_data_dir() / "cache" / digest


def cache_file(folder: Path, dataset_id: int, created_at: datetime | None, version: int) -> Path:
    """Return the file holding one version of one dataset."""
    stamp = int(created_at.timestamp() * 1_000_000) if created_at else 0
    return folder / f"{dataset_id}-{stamp}-v{version}.parquet"


def read(path: Path, columns: Sequence[str] | None) -> pd.DataFrame | None:
    """Return the cached frame (text columns as object with None), or None when it is missing or unreadable."""
    if not path.exists():
        return None
    try:
        frame = pd.read_parquet(path, columns=list(columns) if columns is not None else None)
    except Exception:  # noqa: BLE001 - any unreadable cache simply falls back to the database
        log.warning("ignoring unreadable cache file %s", path, exc_info=True)
        return None
    for column in frame.columns:
        dtype = frame[column].dtype
        if isinstance(dtype, pd.StringDtype) or dtype == object:
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
    return frame


def write(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` atomically to ``path`` and remove older versions of the same dataset; never raises."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        frame.to_parquet(partial, index=False)
        partial.replace(path)
        prefix = path.name.split("-v")[0] + "-v"
        for old in path.parent.glob(f"{prefix}*.parquet"):
            if old != path:
                old.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - the cache is an optimisation only
        log.warning("could not write cache file %s", path, exc_info=True)


def drop(folder: Path | None, dataset_id: int) -> None:
    """Remove every cached version of a dataset (after it is deleted)."""
    if folder is None or not folder.exists():
        return
    for old in folder.glob(f"{dataset_id}-*.parquet"):
        old.unlink(missing_ok=True)
