"""The sheet-source methods find a dataset by the store's one look-up, and say plainly when there is none."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.errors import NotFoundError
from portal.store import Store
from portal.store.sheets import SheetLink

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LINK = SheetLink(url="https://docs.google.com/spreadsheets/d/KEY", spreadsheet_key="KEY", worksheet_title="S",
                 worksheet_gid=0, auth_mode="public", key_columns=("ID",), columns=("ID", "NPS"),
                 interval_minutes=None, delete_missing=False)


def test_a_sheet_needs_its_dataset_and_other_datasets_are_untouched(store: Store, make, rows) -> None:
    with pytest.raises(NotFoundError, match="No dataset named 'nope'. Import the sheet into it first."):
        store.save_sheet_source("nope", LINK, now=NOW)
    assert store.delete_sheet_source("nope") is False
    store.set_sheet_schedule("nope", 15)  # no sheet, no change, no error
    batch = make(rows(3))
    store.import_rows("nps", batch.config, batch.canonical, batch.raw, source="a.csv")
    store.import_rows("other", batch.config, batch.canonical, batch.raw, source="a.csv")
    assert store.save_sheet_source("nps", LINK, now=NOW).spreadsheet_key == "KEY"
    store.set_sheet_schedule("nps", 30)
    store.set_sheet_schedule("other", 60)  # a dataset without a sheet gets none
    assert store.sheet_source("nps").interval_minutes == 30
    assert store.sheet_source("other") is None
    assert store.delete_sheet_source("nps") is True and store.sheet_source("nps") is None
