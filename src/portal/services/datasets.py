"""Datasets as pages and the CLI see them: open the store, list, load, export, look at history, delete.

The store answers each of these on its own; they live here so that pages and commands have one door to the
data, and so that an export carries the dataset's themes the same way on every path.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from portal.model import DatasetInfo
from portal.services.requests import REQUEST_COLUMN, request_keys
from portal.services.themes import themes_per_row
from portal.store import Store
from portal.store.store import segment_names

#: What every column the portal adds to an export starts with (``portal_sentiment``, ``portal_themes``, ...).
EXPORT_PREFIX = "portal_"


def open_store(url: str | None = None) -> Store:
    """Open (and migrate) the store at ``url`` (None: ``PORTAL_DATABASE_URL`` or the default file)."""
    return Store(url)


def list_datasets(store: Store) -> list[DatasetInfo]:
    """Return every dataset, by name."""
    return store.datasets()


def find_dataset(store: Store, name: str) -> DatasetInfo | None:
    """Return the dataset called ``name``, or None when there is none."""
    return store.dataset(name)


def load_responses(store: Store, name: str, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the dataset's canonical frame (only ``columns`` when given)."""
    return store.load(name, columns=columns)


def import_history(store: Store, name: str) -> pd.DataFrame:
    """Return the dataset's imports, newest first."""
    return store.imports(name)


def export_frame(store: Store, name: str) -> pd.DataFrame:
    """Return the stored responses as exported: original columns, then every column the portal adds.

    Naming rule: every column the portal adds is ``portal_`` + its name (``portal_sentiment``,
    ``portal_sentiment_label``, ``portal_language``, ``portal_themes``, ``portal_request``, ...), a ``_`` added
    while an original column already has that name. ``portal_request`` is ``true`` or ``false``.
    """
    frame = store.export_frame(name)
    if "portal_row_key" in frame.columns:
        themes = themes_per_row(store, name)
        keys = frame["portal_row_key"]
        requests = request_keys(load_responses(store, name, columns=["row_key", "comment"]))
        added = {"themes": keys.map(themes).astype(object).fillna(""),
                 REQUEST_COLUMN: keys.astype(object).map(str).isin(requests).map({True: "true", False: "false"})}
        for column, values in added.items():
            export_name = EXPORT_PREFIX + column
            while export_name in frame.columns:
                export_name += "_"
            frame[export_name] = values.astype(object)
    return frame


def delete_dataset(store: Store, name: str) -> None:
    """Delete the dataset and everything stored with it (responses, history, themes, events, sheet link)."""
    store.delete_dataset(name)


def segment_columns(info: DatasetInfo) -> list[str]:
    """Return the names the dataset's segments have in a loaded frame (`` (segment)`` added on a collision)."""
    return list(segment_names(info.config).values())
