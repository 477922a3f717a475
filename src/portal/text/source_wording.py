"""The sentences the Data sources page writes about files, sheets, imports and datasets (plain text; the page
escapes it for Markdown, since names and headers come from the files)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from portal.model import ROLE_LABELS


def day(value: Any) -> str:
    """Return a date as the pages write it: "5 Jan 2024" (no leading zero, on every platform)."""
    return f"{value.day} {value:%b %Y}"


def moment(value: Any) -> str:
    """Return a time as the pages write it: "5 Jan 2024 09:30 UTC"."""
    return f"{day(value)} {value:%H:%M} UTC"


def read_line(rows: int, columns: int, encoding: str | None = None, delimiter: str | None = None) -> str:
    """Return what was read from a file: rows, columns and, for a text file, its encoding and separator."""
    how = f" ({encoding}, separated by {delimiter!r})" if encoding else ""
    return f"Read {rows:,} rows and {columns} columns{how}."


def sheet_read_line(rows: int, columns: int, worksheet: str | None, auth_mode: str) -> str:
    """Return what was read from a Google Sheet: rows, columns, the worksheet and how the portal got in."""
    how = "service account" if auth_mode != "link" else "shared link"
    return f"Read {rows:,} rows and {columns} columns from “{worksheet or 'the first worksheet'}” ({how})."


def result_sentence(dataset: str, added: int, updated: int, unchanged: int, rejected: int) -> str:
    """Return the one-line outcome of an import."""
    return (f"Imported into '{dataset}': {added:,} added, {updated:,} updated, {unchanged:,} unchanged, "
            f"{rejected:,} rejected.")


def missing_sentence(dataset: str, count: int, *, keyed: bool, done: bool, removed: bool = False) -> str:
    """Return what happens to the ``count`` rows stored in ``dataset`` that a new file no longer has.

    ``keyed``: the rows are matched by an id or identifying columns (else by content, so an edited row is
    one of these). ``done``: the import has run (else it is a preview). ``removed``: the import removed them.
    """
    one = count == 1
    rows = "1 row" if one else f"{count:,} rows"
    if done:
        verb, fate = ("was", "It was") if one else ("were", "They were")
        fate = f"{fate} {'removed' if removed else 'kept'}"
    else:
        verb, fate = ("is", "Importing keeps it") if one else ("are", "Importing keeps them")
    sentence = f"{rows} stored in '{dataset}' {verb} not in {'the' if done else 'this'} file. {fate}."
    if not keyed:
        sentence += (" The file has no id column, so rows are matched by their content: a row edited since the "
                     "last import counts as missing here, and its new version is added.")
    return sentence


def revert_sentence(import_id: int, removed: int, restored: int) -> str:
    """Return the one-line outcome of reverting an import."""
    return f"Reverted import {import_id}: {removed:,} rows removed, {restored:,} restored."


def sync_sentence(dataset: str, summary: str) -> str:
    """Return the one-line outcome of syncing a linked sheet into ``dataset``."""
    return f"'{dataset}': {summary}"


def dataset_title(name: str, rows: int, date_min: datetime | None, date_max: datetime | None) -> str:
    """Return a dataset's title line: its name, its responses and the dates they span."""
    span = ""
    if date_min is not None and date_max is not None:
        span = f", {day(date_min)} to {day(date_max)}"
    return f"{name} — {rows:,} responses{span}"


def roles_line(roles: Mapping[str, str | Sequence[str] | None]) -> str:
    """Return which column plays each role, roles named as the mapping table names them ("Would recommend
    (yes/no): recommended"); roles without a column are left out. ``roles`` is ``Mapping.to_dict()``."""
    def role(key: str) -> str:
        return "Segments" if key == "segments" else ROLE_LABELS.get(key, key)

    return "Columns: " + "; ".join(f"{role(k)}: {v if isinstance(v, str) else ', '.join(v)}"
                                   for k, v in roles.items() if v)


def sync_state_line(last_sync_at: datetime | None, status: str | None, message: str | None) -> str:
    """Return when a linked sheet last synced and what its last sync did."""
    last = moment(last_sync_at) if last_sync_at else "never"
    return f"Last successful sync: {last}. Last result: {STATUS_WORDS.get(status or '', status) or '—'}. {message}"


HISTORY_HEADERS: dict[str, str] = {
    "id": "Import", "started_at": "Started", "finished_at": "Finished", "status": "Status", "source": "Source",
    "source_kind": "Kind", "added": "Added", "updated": "Updated", "unchanged": "Unchanged", "removed": "Removed",
    "rejected": "Rejected", "duplicates": "Duplicates", "message": "Message",
}
"""The import history's columns as a person reads them (the checksum is left out), in the order shown."""
#: An import's status and where it came from, in words (the stored codes stay in downloads and the CLI).
STATUS_WORDS: dict[str, str] = {"ok": "Imported", "failed": "Failed", "reverted": "Reverted"}
KIND_WORDS: dict[str, str] = {"file": "File upload", "cli": "Command line", "sheet": "Google Sheet",
                              "demo": "Demo data"}
_COUNTS = ("added", "updated", "unchanged", "removed", "rejected", "duplicates")


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """Return the import history for display: plain headers and words, counts with thousands separators, times
    in UTC."""
    shown = history[[c for c in HISTORY_HEADERS if c in history.columns]].copy()
    for column in _COUNTS:
        if column in shown:
            shown[column] = [f"{int(n):,}" for n in shown[column]]
    for column in ("started_at", "finished_at"):
        if column in shown:
            shown[column] = [moment(t) if pd.notna(t) else "" for t in shown[column]]
    for column, words in (("status", STATUS_WORDS), ("source_kind", KIND_WORDS)):
        if column in shown:
            shown[column] = [words.get(str(v), str(v)) for v in shown[column]]
    return shown.rename(columns=HISTORY_HEADERS)
