"""The portal's database: datasets, their import history and their responses (SQLite by default).

``Store`` is the whole interface: it owns every table (``portal.store.schema``) and every SQL statement.
"""

from __future__ import annotations

from portal.model import DatasetInfo, ImportResult, RevertResult
from portal.store.store import Store

__all__ = ["DatasetInfo", "ImportResult", "RevertResult", "Store"]
