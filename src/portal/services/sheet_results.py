"""What a sheet sync tells its caller: the result of one sync, a batch outcome, and the two sync errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from portal.errors import SourceError
from portal.model import Mapping
from portal.store import ImportResult
from portal.store.sheets import SheetSource

STATUS_OK = "ok"
STATUS_FAILED = "failed"
STATUS_COLUMNS_CHANGED = "columns changed"
STATUS_BUSY = "busy"


@dataclass(frozen=True)
class SyncResult:
    """What one sync did: the import's counts and the source as it now stands."""

    dataset: str
    result: ImportResult
    source: SheetSource
    rows_read: int

    @property
    def summary(self) -> str:
        """Return one plain sentence with the counts (added, updated, unchanged, rejected; deleted rows)."""
        r = self.result
        text = f"{r.added:,} added, {r.updated:,} updated, {r.unchanged:,} unchanged, {r.rejected:,} rejected"
        if r.removed:
            text += f"; {_rows(r.removed)} deleted in the sheet {'was' if r.removed == 1 else 'were'} removed"
        elif r.missing:
            verb = "is" if r.missing == 1 else "are"
            text += (
                f"; {_rows(r.missing)} {verb} no longer in the sheet and {'was' if r.missing == 1 else 'were'} kept "
                "(choose 'remove rows deleted in the sheet' to remove them)"
            )
        return text + "."


@dataclass(frozen=True)
class SyncOutcome:
    """The outcome of one dataset's sync in a batch (``run_due``, ``sync_sources``): status and counts."""

    dataset: str
    status: str
    message: str = ""
    result: ImportResult | None = None


class SchemaChanged(SourceError):
    """The sheet's columns changed since the last sync; carries what appeared and disappeared.

    ``suggested`` is the dataset's mapping without the disappeared columns: pass it (or the person's own
    mapping) to ``resync(..., remap=...)`` to accept the new columns.
    """

    def __init__(
        self,
        dataset: str,
        appeared: Sequence[str],
        disappeared: Sequence[str],
        columns: Sequence[str],
        mapping: Mapping,
    ) -> None:
        self.dataset = dataset
        self.appeared = tuple(appeared)
        self.disappeared = tuple(disappeared)
        self.columns = tuple(columns)
        self.mapping = mapping
        suggested = mapping
        for column in self.disappeared:
            suggested = suggested.without_column(column)
        self.suggested = suggested
        parts = []
        if self.appeared:
            parts.append("new column" + ("s " if len(self.appeared) > 1 else " ") + quote_columns(self.appeared))
        if self.disappeared:
            parts.append("column" + ("s " if len(self.disappeared) > 1 else " ") + quote_columns(self.disappeared)
                         + " disappeared")
        super().__init__(
            f"The sheet of '{dataset}' changed its columns since the last sync ({'; '.join(parts)}), so nothing was "
            "imported. Check the column mapping and confirm it to sync again."
        )


class SyncBusy(SourceError):
    """Another process is syncing this dataset right now."""


def _rows(n: int) -> str:
    """Return ``n`` with 'row' or 'rows'."""
    return f"{n:,} row" + ("" if n == 1 else "s")


def quote_columns(columns: Sequence[str]) -> str:
    """Return column names quoted and separated by commas, for messages."""
    return ", ".join(f"'{c}'" for c in columns)
