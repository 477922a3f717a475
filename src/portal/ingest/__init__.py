"""Reading feedback files, working out what each column is, and checking every row.

``read_table`` turns uploaded bytes (CSV, TSV, Excel) into a table of text values, ``detect`` proposes
which column plays which role, ``apply_overrides`` applies the person's corrections, and ``validate``
splits the rows into the canonical frame and the rejected rows with a reason each.
"""

from __future__ import annotations

from portal.ingest.detect import Detection, apply_overrides, detect
from portal.ingest.read import Table, file_checksum, list_sheets, read_table
from portal.ingest.validate import Validation, validate

__all__ = [
    "Detection",
    "Table",
    "Validation",
    "apply_overrides",
    "detect",
    "file_checksum",
    "list_sheets",
    "read_table",
    "validate",
]
