"""The ``journeys`` table's SQL: each dataset's journey column and its stages in order.

The table is described in ``portal.store.schema`` (migration ``0007_journeys``). What a valid journey is (a
column one can group by, every stage once) is checked by ``portal.services.journey`` before it is saved here.
Functions taking a dataset name raise ``NotFoundError`` for an unknown dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson
import sqlalchemy as sa

from portal.store.base import _now
from portal.store.connect import read_transaction, write_transaction
from portal.store.schema import journeys

if TYPE_CHECKING:
    from portal.store.store import Store


@dataclass(frozen=True)
class StoredJourney:
    """A dataset's journey: the column holding the stage and the stages, first to last."""

    column: str
    stages: tuple[str, ...]


def save_journey(store: Store, name: str, column: str, stages: list[str] | tuple[str, ...]) -> None:
    """Store (replacing any earlier one) dataset ``name``'s journey column and its stages in order."""
    body = orjson.dumps([str(s) for s in stages]).decode()
    with write_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name, lock=True)
        conn.execute(sa.delete(journeys).where(journeys.c.dataset_id == dataset_id))
        conn.execute(sa.insert(journeys).values(dataset_id=dataset_id, stage_column=column, stages=body,
                                                updated_at=_now()))


def read_journey(store: Store, name: str) -> StoredJourney | None:
    """Return dataset ``name``'s journey (None when none was set)."""
    with read_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name)
        row = conn.execute(sa.select(journeys.c.stage_column, journeys.c.stages)
                           .where(journeys.c.dataset_id == dataset_id)).first()
    if row is None:
        return None
    return StoredJourney(column=row.stage_column, stages=tuple(str(s) for s in orjson.loads(row.stages)))


def clear_journey(store: Store, name: str) -> bool:
    """Forget dataset ``name``'s journey; return whether it had one."""
    with write_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name, lock=True)
        gone = conn.execute(sa.delete(journeys).where(journeys.c.dataset_id == dataset_id)).rowcount
    return bool(gone)
