"""The portal's database: datasets, their import history and their responses (SQLite by default).

``Store`` is the whole interface; ``csv_safe`` neutralises spreadsheet formulas in any CSV the portal writes.
"""

from __future__ import annotations

from portal.store.frames import csv_safe
from portal.store.store import DatasetInfo, ImportResult, RevertResult, Store

__all__ = ["DatasetInfo", "ImportResult", "RevertResult", "Store", "csv_safe"]
